//! The municipality the installation serves: its name (with the Italian forms sentences need), logo, the URP's
//! contacts, the footer, the legal links, and whether the service is open. Set from the administration pages;
//! every page, email and feed reads it from here.

use serde::{Deserialize, Serialize};

use crate::Locale;

/// What every page shows of the municipality (the header, the footer, the titles). Small: it travels into
/// hydration with every page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    /// "Comune di Vigonza"; empty until the administrator sets it.
    pub name: String,
    /// "del Comune di Vigonza".
    pub name_of: String,
    /// "al Comune di Vigonza".
    pub name_to: String,
    /// The logo's version when there is one (its address is [`Site::logo_url`]).
    pub logo_version: Option<i32>,
    pub contacts: Contacts,
    pub footer: String,
    /// The AgID accessibility statement of the administration, when set.
    pub accessibility_url: String,
    /// A street of the town, for the address field's example.
    pub example_street: String,
    /// Whether citizens may file reports (the administrator opened the service).
    pub open: bool,
}

/// How citizens reach the URP.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contacts {
    pub address: String,
    pub phone: String,
    pub email: String,
    pub pec: String,
    pub hours: String,
}

impl Contacts {
    pub fn is_empty(&self) -> bool {
        self.address.is_empty()
            && self.phone.is_empty()
            && self.email.is_empty()
            && self.pec.is_empty()
            && self.hours.is_empty()
    }
}

/// The product's name, where the municipality has not said its own yet.
pub const PRODUCT: &str = "Segnala";

impl Site {
    /// The municipality's name, or the product's until it is set.
    pub fn display_name(&self) -> &str {
        if self.name.is_empty() { PRODUCT } else { &self.name }
    }

    /// "of the municipality" in a sentence: "del Comune di Vigonza" in Italian, "Comune di Vigonza" in English
    /// (with the form's own words around it).
    pub fn of(&self, locale: Locale) -> String {
        match (locale, self.name.is_empty()) {
            (_, true) => PRODUCT.to_owned(),
            (Locale::It, false) => or_derived(&self.name_of, || italian_forms(&self.name).0),
            (Locale::En, false) => self.name.clone(),
        }
    }

    /// "to the municipality": "al Comune di Vigonza".
    pub fn to(&self, locale: Locale) -> String {
        match (locale, self.name.is_empty()) {
            (Locale::It, true) => "al Comune".to_owned(),
            (Locale::En, true) => "the municipality".to_owned(),
            (Locale::It, false) => or_derived(&self.name_to, || italian_forms(&self.name).1),
            (Locale::En, false) => self.name.clone(),
        }
    }

    /// The logo's address (its version in the name: cached for a year, a new logo gets a new address).
    pub fn logo_url(&self) -> Option<String> {
        self.logo_version.map(|v| format!("/stemma/{v}.png"))
    }

    /// A page's title as the browser shows it: "Page · Comune di Vigonza", or the name alone.
    pub fn title(&self, page: &str) -> String {
        if page.is_empty() {
            self.display_name().to_owned()
        } else {
            format!("{page} · {}", self.display_name())
        }
    }
}

fn or_derived(given: &str, derive: impl FnOnce() -> String) -> String {
    if given.trim().is_empty() {
        derive()
    } else {
        given.to_owned()
    }
}

/// The Italian "of" and "to" forms of an administration's name, with the article its first word takes:
/// "Comune di Vigonza" → ("del Comune di Vigonza", "al Comune di Vigonza"), "Unione dei Comuni…" → ("dell'Unione…",
/// "all'Unione…"), "Città di Padova" → ("della Città di Padova", "alla Città di Padova"). A name without a known
/// first word takes plain "di" and "a" ("di Vigonza", "a Vigonza"); the administrator may write both forms.
pub fn italian_forms(name: &str) -> (String, String) {
    let name = name.trim();
    let first = name.split_whitespace().next().unwrap_or_default().to_lowercase();
    let (of, to) = match first.as_str() {
        "comune" | "municipio" | "consorzio" => ("del ", "al "),
        "città" | "citta" | "provincia" | "regione" | "comunità" | "comunita" => ("della ", "alla "),
        "unione" | "amministrazione" => ("dell'", "all'"),
        _ => ("di ", "a "),
    };
    (format!("{of}{name}"), format!("{to}{name}"))
}

/// A section of a legal page: a heading (empty for an introduction) and its paragraphs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
}

/// The legal pages every page's footer links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LegalKind {
    /// `/privacy`: the privacy notice (GDPR art. 13).
    Privacy,
    /// `/accessibilita`: the accessibility statement's link, the known limits, the feedback mechanism.
    Accessibility,
    /// `/note-legali`.
    Notes,
}

/// What the identity page shows the administrator: the form's values and the logo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityPage {
    /// `(field name, value)` for each of the form's fields.
    pub values: Vec<(String, String)>,
    pub logo_url: Option<String>,
}

/// The steps from an empty installation to an open service, in the order the checklist shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SetupStep {
    Identity,
    Boundary,
    Districts,
    Streets,
    Offices,
    Categories,
    Staff,
    Mail,
    Legal,
}

impl SetupStep {
    pub const ALL: [SetupStep; 9] = [
        SetupStep::Identity,
        SetupStep::Boundary,
        SetupStep::Districts,
        SetupStep::Streets,
        SetupStep::Offices,
        SetupStep::Categories,
        SetupStep::Staff,
        SetupStep::Mail,
        SetupStep::Legal,
    ];

    /// Whether the service may open without it (districts and streets help citizens, but a small comune may
    /// have neither).
    pub fn required(self) -> bool {
        !matches!(self, SetupStep::Districts | SetupStep::Streets)
    }

    /// Where the administrator does it.
    pub fn href(self) -> &'static str {
        match self {
            SetupStep::Identity | SetupStep::Legal => "/amministrazione/ente",
            SetupStep::Boundary | SetupStep::Districts => "/amministrazione#aree",
            SetupStep::Streets => "/amministrazione#vie",
            SetupStep::Offices | SetupStep::Mail => "/amministrazione#uffici",
            SetupStep::Categories => "/amministrazione#categorie",
            SetupStep::Staff => "/amministrazione#personale",
        }
    }
}

/// The administrator's checklist: each step with what was counted for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    pub steps: Vec<(SetupStep, bool)>,
    /// When the service opened; none while it waits.
    pub opened_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Checklist {
    /// The required steps not done yet.
    pub fn missing(&self) -> Vec<SetupStep> {
        self.steps
            .iter()
            .filter(|(s, done)| s.required() && !done)
            .map(|(s, _)| *s)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_names_take_their_article() {
        assert_eq!(
            italian_forms("Comune di Vigonza"),
            ("del Comune di Vigonza".into(), "al Comune di Vigonza".into())
        );
        assert_eq!(
            italian_forms("Unione dei Comuni del Camposampierese").0,
            "dell'Unione dei Comuni del Camposampierese"
        );
        assert_eq!(italian_forms(" Città di Padova ").1, "alla Città di Padova");
        assert_eq!(
            italian_forms("Vigonza"),
            ("di Vigonza".into(), "a Vigonza".into())
        );
    }

    #[test]
    fn an_unnamed_site_speaks_of_the_product_and_a_named_one_of_itself() {
        let blank = Site::default();
        assert_eq!(blank.display_name(), "Segnala");
        assert_eq!(blank.title("Elenco"), "Elenco · Segnala");
        assert_eq!(blank.to(Locale::It), "al Comune");
        let mut s = Site {
            name: "Comune di Vigonza".into(),
            ..Site::default()
        };
        assert_eq!(s.of(Locale::It), "del Comune di Vigonza");
        assert_eq!(s.to(Locale::En), "Comune di Vigonza");
        assert_eq!(s.title(""), "Comune di Vigonza");
        s.name_of = "della Città di Vigonza".into();
        assert_eq!(s.of(Locale::It), "della Città di Vigonza");
        assert_eq!(s.logo_url(), None);
        s.logo_version = Some(3);
        assert_eq!(s.logo_url().as_deref(), Some("/stemma/3.png"));
    }

    #[test]
    fn opening_needs_the_required_steps_only() {
        let c = Checklist {
            steps: SetupStep::ALL
                .iter()
                .map(|s| (*s, !matches!(s, SetupStep::Streets | SetupStep::Staff)))
                .collect(),
            opened_at: None,
        };
        assert_eq!(c.missing(), vec![SetupStep::Staff]);
    }
}
