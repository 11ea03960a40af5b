//! What the doors read from a request besides its body and language ([`super::locale`]): path parameters and
//! query strings — each refused in the app's own shape ([`super::refusal`]), never with the framework's words.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use shared::{ErrorCode, Field, Rule, ValidationError};

use super::refusal::Refusal;

/// Path parameters. One that does not parse (`abc` where an id goes) names nothing that exists: 404, as for any
/// address that leads nowhere.
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(e) => {
                tracing::debug!(error = %e, path = %parts.uri.path(), "path parameters refused");
                Err(Refusal::code(ErrorCode::NotFound))
            }
        }
    }
}

/// The pairs of a query string, percent-decoded, in order.
pub fn query_pairs(parts: &Parts) -> Vec<(String, String)> {
    shared::map::parse_query(parts.uri.query().unwrap_or_default())
}

/// The one value of `name` in `pairs`: `None` when absent, an error naming `field` when given twice.
pub fn one<'a>(
    pairs: &'a [(String, String)],
    name: &str,
    field: Field,
) -> Result<Option<&'a str>, ValidationError> {
    let mut found = pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let first = found.next();
    if found.next().is_some() {
        return Err(ValidationError::new(field, Rule::Repeated));
    }
    Ok(first)
}

/// A query string read into `T`; one that does not fit (a parameter repeated, a value of the wrong kind) is a
/// bad request in the app's shape.
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Query(v)),
            Err(e) => {
                tracing::debug!(error = %e, "query string refused");
                Err(Refusal::code(ErrorCode::InvalidInput))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_value_or_an_error_naming_the_parameter() {
        let pairs = vec![
            ("report".to_owned(), "a".to_owned()),
            ("x".to_owned(), "1".to_owned()),
            ("report".to_owned(), "b".to_owned()),
        ];
        assert_eq!(one(&pairs, "x", Field::Body), Ok(Some("1")));
        assert_eq!(one(&pairs, "y", Field::Body), Ok(None));
        assert_eq!(
            one(&pairs, "report", Field::ReceiptCode),
            Err(ValidationError::new(Field::ReceiptCode, Rule::Repeated))
        );
    }
}
