//! Stable error codes: what clients may `match` on, with a message for people in each language.

use serde::{Deserialize, Serialize};

use crate::i18n::Msg;
use crate::locale::Locale;

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
    /// Signing in is needed first.
    Unauthenticated,
    /// Signed in, but this person's role does not allow it.
    Forbidden,
    /// Wrong email or password (the same answer for both, and for an unknown address).
    InvalidCredentials,
    /// The account's email address is not confirmed yet (a new link has been sent).
    EmailNotConfirmed,
    /// Too many attempts: try again after `Retry-After` seconds.
    RateLimited,
    /// A link from an email that is not valid (altered, or never issued).
    LinkInvalid,
    /// A one-use link that was already used.
    LinkUsed,
    /// A link past its expiry.
    LinkExpired,
    /// A state-changing request that came from another site (cross-site request forgery protection).
    CrossOrigin,
    /// The request is larger than this address takes.
    PayloadTooLarge,
    /// The request's body is of a type this address does not take.
    UnsupportedMediaType,
    /// A submission key (`Idempotency-Key`) already used for a different submission.
    IdempotencyConflict,
    /// Someone else changed the thing since the page was loaded (a stale edit): reload and try again.
    Conflict,
    /// The address exists but does not take this method (a GET where only a form post goes).
    MethodNotAllowed,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 18] = [
        Self::InvalidInput,
        Self::NotFound,
        Self::ServiceUnavailable,
        Self::Internal,
        Self::Unauthenticated,
        Self::Forbidden,
        Self::InvalidCredentials,
        Self::EmailNotConfirmed,
        Self::RateLimited,
        Self::LinkInvalid,
        Self::LinkUsed,
        Self::LinkExpired,
        Self::CrossOrigin,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::IdempotencyConflict,
        Self::Conflict,
        Self::MethodNotAllowed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NotFound => "not_found",
            ErrorCode::ServiceUnavailable => "service_unavailable",
            ErrorCode::Internal => "internal",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::EmailNotConfirmed => "email_not_confirmed",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::LinkInvalid => "link_invalid",
            ErrorCode::LinkUsed => "link_used",
            ErrorCode::LinkExpired => "link_expired",
            ErrorCode::CrossOrigin => "cross_origin",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::IdempotencyConflict => "idempotency_conflict",
            ErrorCode::Conflict => "conflict",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
        }
    }

    /// The HTTP status that goes with the code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::InvalidInput => 400,
            ErrorCode::NotFound => 404,
            ErrorCode::ServiceUnavailable => 503,
            ErrorCode::Internal => 500,
            ErrorCode::Unauthenticated | ErrorCode::InvalidCredentials => 401,
            ErrorCode::Forbidden | ErrorCode::EmailNotConfirmed | ErrorCode::CrossOrigin => 403,
            ErrorCode::RateLimited => 429,
            ErrorCode::LinkInvalid => 400,
            ErrorCode::LinkUsed | ErrorCode::LinkExpired => 410,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::IdempotencyConflict => 422,
            ErrorCode::Conflict => 409,
            ErrorCode::MethodNotAllowed => 405,
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
            ErrorCode::Unauthenticated => Msg::ErrUnauthenticated.text(locale),
            ErrorCode::Forbidden => Msg::ErrForbidden.text(locale),
            ErrorCode::InvalidCredentials => Msg::ErrInvalidCredentials.text(locale),
            ErrorCode::EmailNotConfirmed => Msg::ErrEmailNotConfirmed.text(locale),
            ErrorCode::RateLimited => Msg::ErrRateLimited.text(locale),
            ErrorCode::LinkInvalid => Msg::ErrLinkInvalid.text(locale),
            ErrorCode::LinkUsed => Msg::ErrLinkUsed.text(locale),
            ErrorCode::LinkExpired => Msg::ErrLinkExpired.text(locale),
            ErrorCode::CrossOrigin => Msg::ErrCrossOrigin.text(locale),
            ErrorCode::PayloadTooLarge => Msg::ErrPayloadTooLarge.text(locale),
            ErrorCode::UnsupportedMediaType => Msg::ErrUnsupportedMediaType.text(locale),
            ErrorCode::IdempotencyConflict => Msg::ErrIdempotencyConflict.text(locale),
            ErrorCode::Conflict => Msg::ErrConflict.text(locale),
            ErrorCode::MethodNotAllowed => Msg::ErrMethodNotAllowed.text(locale),
        }
    }
}
