//! The translation layer: every user-visible string goes through here.
//!
//! A typed table instead of a catalogue library: a missing translation is a compile error (the `match` must be
//! exhaustive), and it costs the WASM bundle only the strings themselves. `leptos_i18n` with plurals was measured
//! at +130 KB gzip before wasm-opt (shared/libraries.md); docs/benchmarks.md records what this layer costs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::report::{ReportKind, ReportState};

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
    pub fn t(self, msg: Msg) -> &'static str {
        msg.text(self)
    }
}

macro_rules! messages {
    ($($key:ident => $it:literal, $en:literal;)*) => {
        /// Every fixed UI string, by key.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($key),* }

        impl Msg {
            pub fn text(self, locale: Locale) -> &'static str {
                match (self, locale) {
                    $((Msg::$key, Locale::It) => $it, (Msg::$key, Locale::En) => $en,)*
                }
            }
        }
    };
}

messages! {
    AppName => "Segnala", "Segnala";
    Tagline => "Segnalazioni dei cittadini al Comune", "Citizens' reports to the municipality";
    SkipToList => "Vai all'elenco delle segnalazioni", "Skip to the list of reports";
    MapLabel => "Mappa delle segnalazioni", "Map of reports";
    ListHeading => "Segnalazioni in quest'area", "Reports in this area";
    ListEmpty => "Nessuna segnalazione in quest'area della mappa.", "No reports in this area of the map.";
    ShowingNewest => "Mostrate le più recenti", "Showing the newest";
    Of => "di", "of";
    Loading => "Caricamento…", "Loading…";
    OpenReport => "Apri la segnalazione", "Open the report";
    Category => "Categoria", "Category";
    Kind => "Tipo", "Kind";
    Office => "Ufficio", "Office";
    District => "Quartiere", "District";
    Submitted => "Inviata", "Submitted";
    LastUpdate => "Ultimo aggiornamento", "Last update";
    ReceiptCode => "Codice ricevuta", "Receipt code";
    Description => "Descrizione", "Description";
    Photos => "Foto", "Photos";
    NoPhotos => "Nessuna foto allegata.", "No photos attached.";
    Timeline => "Cronologia", "Timeline";
    TimelineEmpty => "Nessun aggiornamento pubblico.", "No public updates.";
    Location => "Posizione", "Location";
    BackToMap => "Torna alla mappa", "Back to the map";
    NotAssigned => "Non ancora assegnata", "Not yet assigned";
    NotFoundTitle => "Pagina non trovata", "Page not found";
    NotFoundText => "La pagina o la segnalazione cercata non esiste.", "The page or report you are looking for does not exist.";
    ReportNotFoundText => "Nessuna segnalazione ha questo codice ricevuta. Controlla di averlo scritto bene (esempio: SEG-2026-000123).", "No report has this receipt code. Check you typed it correctly (example: SEG-2026-000123).";
    ErrorTitle => "Si è verificato un problema", "Something went wrong";
    Unavailable => "Il servizio è momentaneamente non disponibile. Riprova tra poco.", "The service is temporarily unavailable. Please try again shortly.";
    InternalError => "Errore interno. Il problema è stato registrato.", "Internal error. The problem has been logged.";
    NotFoundShort => "Non trovato.", "Not found.";
    Language => "Lingua", "Language";
    Note => "Nota", "Note";
    Citizen => "Cittadino", "Citizen";
    Legend => "Legenda", "Legend";
}

impl ReportState {
    /// Name of the state in the given language.
    pub fn label(self, locale: Locale) -> &'static str {
        use ReportState::*;
        match (self, locale) {
            (Submitted, Locale::It) => "Inviata",
            (Submitted, Locale::En) => "Submitted",
            (InCharge, Locale::It) => "Presa in carico",
            (InCharge, Locale::En) => "Taken in charge",
            (Assigned, Locale::It) => "Assegnata",
            (Assigned, Locale::En) => "Assigned",
            (InProgress, Locale::It) => "In lavorazione",
            (InProgress, Locale::En) => "In progress",
            (Resolved, Locale::It) => "Risolta",
            (Resolved, Locale::En) => "Resolved",
            (Closed, Locale::It) => "Chiusa",
            (Closed, Locale::En) => "Closed",
            (Rejected, Locale::It) => "Respinta",
            (Rejected, Locale::En) => "Rejected",
            (Duplicate, Locale::It) => "Duplicata",
            (Duplicate, Locale::En) => "Duplicate",
            (Reopened, Locale::It) => "Riaperta",
            (Reopened, Locale::En) => "Reopened",
        }
    }
}

impl ReportKind {
    /// Name of the kind in the given language.
    pub fn label(self, locale: Locale) -> &'static str {
        use ReportKind::*;
        match (self, locale) {
            (Problem, Locale::It) => "Problema",
            (Problem, Locale::En) => "Problem",
            (Suggestion, Locale::It) => "Suggerimento",
            (Suggestion, Locale::En) => "Suggestion",
            (Complaint, Locale::It) => "Reclamo",
            (Complaint, Locale::En) => "Complaint",
            (Compliment, Locale::It) => "Apprezzamento",
            (Compliment, Locale::En) => "Compliment",
        }
    }
}

/// "3 giorni fa" / "3 days ago": how long before `now` the moment `then` was, in the largest whole unit.
pub fn age_label(then: DateTime<Utc>, now: DateTime<Utc>, locale: Locale) -> String {
    let secs = (now - then).num_seconds().max(0);
    let (n, unit) = match secs {
        s if s < 60 => {
            return if locale == Locale::It {
                "adesso".into()
            } else {
                "just now".into()
            };
        }
        s if s < 3600 => (s / 60, 0),
        s if s < 86_400 => (s / 3600, 1),
        s if s < 86_400 * 30 => (s / 86_400, 2),
        s if s < 86_400 * 365 => (s / (86_400 * 30), 3),
        s => (s / (86_400 * 365), 4),
    };
    let one = n == 1;
    let word = match (locale, unit, one) {
        (Locale::It, 0, true) => "minuto",
        (Locale::It, 0, false) => "minuti",
        (Locale::It, 1, true) => "ora",
        (Locale::It, 1, false) => "ore",
        (Locale::It, 2, true) => "giorno",
        (Locale::It, 2, false) => "giorni",
        (Locale::It, 3, true) => "mese",
        (Locale::It, 3, false) => "mesi",
        (Locale::It, _, true) => "anno",
        (Locale::It, _, false) => "anni",
        (Locale::En, 0, true) => "minute",
        (Locale::En, 0, false) => "minutes",
        (Locale::En, 1, true) => "hour",
        (Locale::En, 1, false) => "hours",
        (Locale::En, 2, true) => "day",
        (Locale::En, 2, false) => "days",
        (Locale::En, 3, true) => "month",
        (Locale::En, 3, false) => "months",
        (Locale::En, _, true) => "year",
        (Locale::En, _, false) => "years",
    };
    match locale {
        Locale::It => format!("{n} {word} fa"),
        Locale::En => format!("{n} {word} ago"),
    }
}

/// A date as people write it: `25/11/2026` in Italian, `2026-11-25` in English (unambiguous).
pub fn date_label(at: DateTime<Utc>, locale: Locale) -> String {
    // By hand rather than with `format("%d/%m/%Y")`: chrono's format-string parser would add to the WASM.
    use chrono::Datelike;
    let (y, m, d) = (at.year(), at.month(), at.day());
    match locale {
        Locale::It => format!("{d:02}/{m:02}/{y:04}"),
        Locale::En => format!("{y:04}-{m:02}-{d:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn locale_from_cookie_and_tags() {
        assert_eq!(Locale::from_cookie("a=b; segnala_lang=en"), Some(Locale::En));
        assert_eq!(Locale::from_cookie("segnala_lang=it"), Some(Locale::It));
        assert_eq!(Locale::from_cookie("segnala_lang=fr"), None);
        assert_eq!(Locale::from_cookie(""), None);
        assert_eq!(Locale::from_tag("en-GB"), Some(Locale::En));
        assert_eq!(Locale::from_tag("xx"), None);
    }

    #[test]
    fn every_message_is_translated() {
        assert_ne!(
            Msg::ListHeading.text(Locale::It),
            Msg::ListHeading.text(Locale::En)
        );
        for s in ReportState::ALL {
            assert!(!s.label(Locale::It).is_empty() && !s.label(Locale::En).is_empty());
        }
    }

    #[test]
    fn ages_with_plurals() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 25, 12, 0, 0)
            .single()
            .expect("date");
        let ago = |s: i64| now - chrono::Duration::seconds(s);
        assert_eq!(age_label(ago(10), now, Locale::It), "adesso");
        assert_eq!(age_label(ago(60), now, Locale::It), "1 minuto fa");
        assert_eq!(age_label(ago(7200), now, Locale::En), "2 hours ago");
        assert_eq!(age_label(ago(86_400), now, Locale::It), "1 giorno fa");
        assert_eq!(age_label(ago(86_400 * 3), now, Locale::En), "3 days ago");
        assert_eq!(age_label(ago(86_400 * 65), now, Locale::It), "2 mesi fa");
        assert_eq!(age_label(ago(86_400 * 400), now, Locale::En), "1 year ago");
        assert_eq!(
            age_label(now + chrono::Duration::seconds(5), now, Locale::En),
            "just now"
        );
        assert_eq!(date_label(now, Locale::It), "25/11/2026");
    }
}
