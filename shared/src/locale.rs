//! The languages the UI speaks, and the trait of every table of translated strings ([`crate::i18n`]).

use serde::{Deserialize, Serialize};

/// The languages the UI speaks. Italian is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Locale {
    #[default]
    It,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::It, Locale::En];
    /// Name of the cookie that remembers the choice.
    pub const COOKIE: &'static str = "segnala_lang";

    /// BCP 47 tag, as in `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::It => "it",
            Locale::En => "en",
        }
    }

    /// Parses a tag such as `en`, `en-GB` or `it`; anything else is `None`.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Self::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(primary))
    }

    /// Reads the choice from a `Cookie` header value; `None` when it is absent or unknown.
    pub fn from_cookie(header: &str) -> Option<Self> {
        header
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == Self::COOKIE)
            .and_then(|(_, v)| Self::from_tag(v))
    }

    /// The language's own name, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::It => "Italiano",
            Locale::En => "English",
        }
    }

    /// Translates a message.
    pub fn t<M: Text>(self, msg: M) -> &'static str {
        msg.text(self)
    }
}

/// A table of fixed strings in every language.
pub trait Text: Copy {
    fn text(self, locale: Locale) -> &'static str;
}
