//! The services' error type: a few kinds the doors map to HTTP statuses and stable codes.

use shared::{ErrorCode, ValidationError};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input broke a rule; the error names the field and the rule.
    #[error("invalid input: {0}")]
    Invalid(#[from] ValidationError),
    /// No such thing.
    #[error("not found")]
    NotFound,
    /// The database could not be reached (down, restarting, pool exhausted).
    #[error("database unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// Anything else: a bug or an unexpected database error.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid(_) => ErrorCode::InvalidInput,
            Error::NotFound => ErrorCode::NotFound,
            Error::Unavailable(_) => ErrorCode::ServiceUnavailable,
            Error::Internal(_) => ErrorCode::Internal,
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
            | sqlx::Error::Tls(_) => Error::Unavailable(e),
            sqlx::Error::Database(ref db)
                if db
                    .code()
                    .is_some_and(|c| c.starts_with("57P") || c.starts_with("08")) =>
            {
                // 57P01 admin shutdown, 57P03 cannot connect now, 08xxx connection exceptions.
                Error::Unavailable(e)
            }
            other => Error::Internal(anyhow::Error::new(other)),
        }
    }
}
