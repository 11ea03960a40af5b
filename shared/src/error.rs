//! Stable error codes: what clients may `match` on, with a message for people in each language.

use serde::{Deserialize, Serialize};

use crate::i18n::{Locale, Msg};

/// A stable, `snake_case` error code, the same in the REST API and in the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Input failed validation; the error names the field and the rule.
    InvalidInput,
    /// No such report (or page).
    NotFound,
    /// The database cannot be reached right now.
    ServiceUnavailable,
    /// A bug or an unexpected failure; details are in the server log only.
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NotFound => "not_found",
            ErrorCode::ServiceUnavailable => "service_unavailable",
            ErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status that goes with the code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::InvalidInput => 400,
            ErrorCode::NotFound => 404,
            ErrorCode::ServiceUnavailable => 503,
            ErrorCode::Internal => 500,
        }
    }

    /// A generic sentence for people (validation errors have their own, more precise one).
    pub fn message(self, locale: Locale) -> &'static str {
        match self {
            ErrorCode::InvalidInput => match locale {
                Locale::It => "Dati non validi.",
                Locale::En => "Invalid input.",
            },
            ErrorCode::NotFound => Msg::NotFoundShort.text(locale),
            ErrorCode::ServiceUnavailable => Msg::Unavailable.text(locale),
            ErrorCode::Internal => Msg::InternalError.text(locale),
        }
    }
}
