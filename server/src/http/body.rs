//! Reading request bodies with their limits: forms, JSON, and multipart with photos. Every refusal says which
//! limit or rule it is (`413` naming the size that door takes, `415` naming the types, `400` for a body cut
//! short), never the framework's own words.
//!
//! Multipart bodies are read as they arrive, with the limits applied as they are crossed: a photo past 10 MB or a
//! sixth photo stops the reading at once, and a body announcing more than the whole limit is refused unread.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{HeaderMap, StatusCode, header};
use backend::error::invalid;
use backend::photos::Upload;
use shared::report::submission::{MAX_PHOTO_BYTES, MAX_PHOTOS};
use shared::{Field, Rule, ValidationError};

use crate::state::AppState;

/// Plain forms (sign-in, staff commands, administration): small.
pub const MAX_FORM_BYTES: usize = 64 * 1024;
/// A report without photos (JSON, or the urlencoded form): the longest description and every other field, with
/// room to spare.
pub const MAX_TEXT_BYTES: usize = 256 * 1024;

/// The refusal of a body over `max` bytes.
pub fn too_large(max: usize) -> backend::Error {
    too_large_field(Field::Body, max)
}

/// The refusal of a body over `max` bytes, about `field` (an upload's).
pub fn too_large_field(field: Field, max: usize) -> backend::Error {
    backend::Error::TooLarge(ValidationError::new(
        field,
        Rule::BodyTooLarge {
            max_kb: (max / 1024) as u64,
        },
    ))
}

/// The refusal of a body of another type than `expected`.
pub fn wrong_type(expected: &str) -> backend::Error {
    backend::Error::UnsupportedMediaType(ValidationError::new(
        Field::Body,
        Rule::WrongContentType {
            expected: expected.into(),
        },
    ))
}

/// A body cut short or damaged.
pub fn incomplete() -> backend::Error {
    invalid(Field::Body, Rule::Incomplete)
}

/// The body's media type, lower-cased, without its parameters (`multipart/form-data`).
pub fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Whether the body is JSON: `application/json` or a `+json` type, not merely something starting with those
/// letters (`application/jsonx` is not JSON).
pub fn is_json(headers: &HeaderMap) -> bool {
    let t = media_type(headers);
    t == "application/json" || (t.starts_with("application/") && t.ends_with("+json"))
}

/// A body announced larger than `max` is refused before a byte of it is read.
pub fn check_length(headers: &HeaderMap, max: usize) -> Result<(), backend::Error> {
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match announced {
        Some(n) if n > max => Err(too_large(max)),
        _ => Ok(()),
    }
}

/// The whole body, at most `max` bytes (over it: refused at the first chunk past the limit; a connection that
/// breaks off: incomplete).
pub async fn bytes(body: axum::body::Body, max: usize) -> Result<axum::body::Bytes, backend::Error> {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| incomplete())?;
        if out.len() + chunk.len() > max {
            return Err(too_large(max));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out.into())
}

/// A urlencoded body's fields, at most `max` bytes.
pub async fn form_fields(
    body: axum::body::Body,
    max: usize,
) -> Result<Vec<(String, String)>, backend::Error> {
    let b = bytes(body, max).await?;
    Ok(form_urlencoded::parse(&b).into_owned().collect())
}

/// A body read: its text fields (and a `report` JSON part, for the API) and its photos.
#[derive(Default)]
pub struct Read {
    pub fields: Vec<(String, String)>,
    pub photos: Vec<Upload>,
}

/// What the file parts of a multipart body are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Files {
    /// Photos (`photos`, `photo` or `foto`), each within the photo limits; any other file is refused.
    Photos,
    /// Text documents (an uploaded GeoJSON): read as text fields.
    Text,
    /// One image named `logo` (the coat of arms), in `photos`; checked by its service.
    Logo,
}

/// Reads a multipart body part by part, enforcing the limits as it goes (the whole body's limit is the route's
/// `DefaultBodyLimit`, `max` here only names it).
pub async fn read_multipart(
    req: Request,
    state: &AppState,
    max: usize,
    files: Files,
) -> Result<Read, backend::Error> {
    let mut multipart = Multipart::from_request(req, state)
        .await
        .map_err(|_| wrong_type("multipart/form-data"))?;
    let refused = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(max)
        } else {
            incomplete()
        }
    };
    let mut read = Read::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(refused(e)),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file = field
            .file_name()
            .map(str::to_owned)
            .filter(|_| files != Files::Text);
        if let Some(file_name) = file {
            match files {
                Files::Photos if !matches!(name.as_str(), "photos" | "photo" | "foto") => {
                    return Err(invalid(Field::Photos, Rule::UnknownValue));
                }
                Files::Logo if name != "logo" => return Err(invalid(Field::Logo, Rule::UnknownValue)),
                _ => {}
            }
            let mut field = field;
            let mut bytes = Vec::new();
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        if bytes.len() + chunk.len() > MAX_PHOTO_BYTES {
                            return Err(invalid(
                                Field::Photos,
                                Rule::FileTooLarge {
                                    max_mb: (MAX_PHOTO_BYTES / (1024 * 1024)) as u64,
                                },
                            ));
                        }
                        bytes.extend_from_slice(&chunk);
                    }
                    Ok(None) => break,
                    Err(e) => return Err(refused(e)),
                }
            }
            // A file field left empty (no photo chosen) arrives as a part with no name and no bytes.
            if bytes.is_empty() && file_name.is_empty() {
                continue;
            }
            if read.photos.len() == MAX_PHOTOS {
                return Err(invalid(Field::Photos, Rule::TooMany { max: MAX_PHOTOS }));
            }
            read.photos.push(Upload {
                file_name,
                bytes: bytes.into(),
            });
        } else {
            let text = field.text().await.map_err(refused)?;
            read.fields.push((name, text));
        }
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn typed(t: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(t).expect("header"));
        h
    }

    #[test]
    fn json_is_json_and_nothing_that_merely_starts_like_it() {
        assert!(is_json(&typed("application/json")));
        assert!(is_json(&typed("Application/JSON; charset=utf-8")));
        assert!(is_json(&typed("application/merge-patch+json")));
        assert!(!is_json(&typed("application/jsonx")));
        assert!(!is_json(&typed("application/json-seq")));
        assert!(!is_json(&typed("text/plain")));
        assert!(!is_json(&HeaderMap::new()));
        assert_eq!(
            media_type(&typed("multipart/form-data; boundary=x")),
            "multipart/form-data"
        );
    }

    #[tokio::test]
    async fn a_body_over_its_limit_names_that_limit() {
        let body = axum::body::Body::from(vec![b'a'; MAX_TEXT_BYTES + 1]);
        let e = bytes(body, MAX_TEXT_BYTES).await.expect_err("too large");
        assert_eq!(
            e.validation().map(|v| v.rule),
            Some(Rule::BodyTooLarge { max_kb: 256 })
        );
        assert!(bytes(axum::body::Body::from("a=1"), MAX_TEXT_BYTES).await.is_ok());
    }
}
