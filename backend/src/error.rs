//! The services' error type: a few kinds the doors map to HTTP statuses and stable codes.

use shared::{ErrorCode, ValidationError};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The error for a value that broke `rule` (it names `field`).
pub fn invalid(field: shared::Field, rule: shared::Rule) -> Error {
    Error::Invalid(ValidationError::new(field, rule))
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input broke a rule; the error names the field and the rule.
    #[error("invalid input: {0}")]
    Invalid(#[from] ValidationError),
    /// No such thing.
    #[error("not found")]
    NotFound,
    /// Not signed in (or the session has ended).
    #[error("not signed in")]
    Unauthenticated,
    /// Signed in, but the role does not allow it.
    #[error("forbidden")]
    Forbidden,
    /// Wrong email or password — the same for an address without an account.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Right password, but the address was never confirmed (a new link has been sent).
    #[error("email not confirmed")]
    EmailNotConfirmed,
    /// Too many attempts; try again after this many seconds.
    #[error("rate limited for {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// A link from an email that was never issued or has been altered.
    #[error("invalid link")]
    LinkInvalid,
    /// A one-use link that was used already.
    #[error("link already used")]
    LinkUsed,
    /// A link past its expiry.
    #[error("link expired")]
    LinkExpired,
    /// An idempotency key already used for a different request.
    #[error("idempotency key reused with another request")]
    IdempotencyConflict,
    /// Someone else changed the report since the version the request was based on.
    #[error("stale edit: the report changed since it was read")]
    Conflict,
    /// The request is larger than allowed (the error names the limit).
    #[error("request too large: {0}")]
    TooLarge(ValidationError),
    /// The request's body is of a type this door does not take.
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(ValidationError),
    /// The database could not be reached (down, restarting, pool exhausted), or the server is too busy (the
    /// password hashing queue is full).
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// Anything else: a bug or an unexpected database error.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    /// The field and rule the error is about, when it has them (validation, size and type errors).
    pub fn validation(&self) -> Option<ValidationError> {
        match self {
            Error::Invalid(v) | Error::TooLarge(v) | Error::UnsupportedMediaType(v) => Some(v.clone()),
            Error::IdempotencyConflict => Some(ValidationError::new(
                shared::Field::IdempotencyKey,
                shared::Rule::KeyReused,
            )),
            _ => None,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid(_) => ErrorCode::InvalidInput,
            Error::NotFound => ErrorCode::NotFound,
            Error::Unauthenticated => ErrorCode::Unauthenticated,
            Error::Forbidden => ErrorCode::Forbidden,
            Error::InvalidCredentials => ErrorCode::InvalidCredentials,
            Error::EmailNotConfirmed => ErrorCode::EmailNotConfirmed,
            Error::RateLimited { .. } => ErrorCode::RateLimited,
            Error::LinkInvalid => ErrorCode::LinkInvalid,
            Error::LinkUsed => ErrorCode::LinkUsed,
            Error::LinkExpired => ErrorCode::LinkExpired,
            Error::IdempotencyConflict => ErrorCode::IdempotencyConflict,
            Error::Conflict => ErrorCode::Conflict,
            Error::TooLarge(_) => ErrorCode::PayloadTooLarge,
            Error::UnsupportedMediaType(_) => ErrorCode::UnsupportedMediaType,
            Error::Unavailable(_) => ErrorCode::ServiceUnavailable,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// Seconds a client should wait before trying again (`Retry-After`), when that is the point of the error.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Error::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            Error::Unavailable(_) => Some(5),
            _ => None,
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => Error::NotFound,
            // Connection-level failures mean "try again later", not a bug.
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_) => Error::Unavailable(e.into()),
            sqlx::Error::Database(ref db)
                if db
                    .code()
                    .is_some_and(|c| c.starts_with("57P") || c.starts_with("08")) =>
            {
                // 57P01 admin shutdown, 57P03 cannot connect now, 08xxx connection exceptions.
                Error::Unavailable(e.into())
            }
            // 22021: a character the database cannot hold (U+0000 in text). Every text field refuses it where it
            // enters, naming itself (`shared::validation::plain`); this is the second wall, so a field that
            // forgot gets a 400 that says what is wrong, never a 500.
            sqlx::Error::Database(ref db) if db.code().as_deref() == Some("22021") => {
                tracing::warn!(error = %db, "text with a control character reached the database");
                Error::Invalid(ValidationError::new(
                    shared::Field::Body,
                    shared::Rule::ControlCharacter,
                ))
            }
            other => Error::Internal(anyhow::Error::new(other)),
        }
    }
}
