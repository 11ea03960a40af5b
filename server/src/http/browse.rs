//! Browsing without the map: exports of any filtered view (GeoJSON, CSV; streamed), feeds of new and resolved
//! reports (Atom, RSS) for the town, a district or a category, and the go-to-receipt-code form.
//!
//! - `GET /api/v1/export.geojson?bbox=…&filters`, `GET /api/v1/export.csv?…` — at most
//!   [`EXPORT_MAX_ROWS`](backend::reports::browse::EXPORT_MAX_ROWS) rows (past it: 400 naming the rule).
//! - `GET /feed/nuove.atom`, `/feed/risolte.atom`, `/feed/nuove.rss`, `/feed/risolte.rss`, with `quartiere=ID`
//!   or `categoria=ID` (unknown: 404).
//! - `GET /vai?codice=SEG-2026-000123` → the report's page (a partial code searches the list).
//!
//! Only what the public map shows, and only public columns: no contact, no reporter, no internal note.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use backend::reports::browse::{self, Browse, ExportRow, Feed, FeedKind};
use backend::stats::csv::field as csv_field;
use chrono::SecondsFormat;
#[cfg(test)]
use shared::Rule;
use shared::i18n::BrowseMsg;
use shared::map::{MapFilter, encode_pairs, parse_query};
use shared::{Locale, ReceiptCode, ValidationError};

use super::doors::Doors;
use super::error::ApiError;
use super::locale::ApiLocale;
use crate::state::AppState;

pub fn doors() -> Doors {
    Doors::new()
        .get("/api/v1/export.geojson", geojson)
        .get("/api/v1/export.csv", csv)
        .get("/feed/nuove.atom", |s, l, q| {
            feed(s, l, q, FeedKind::New, Syndication::Atom)
        })
        .get("/feed/risolte.atom", |s, l, q| {
            feed(s, l, q, FeedKind::Resolved, Syndication::Atom)
        })
        .get("/feed/nuove.rss", |s, l, q| {
            feed(s, l, q, FeedKind::New, Syndication::Rss)
        })
        .get("/feed/risolte.rss", |s, l, q| {
            feed(s, l, q, FeedKind::Resolved, Syndication::Rss)
        })
        .get("/vai", go_to_code)
}

/// The bbox (optional, once) and the filters of a query string.
pub fn browse_of(query: Option<&str>) -> Result<Browse, ValidationError> {
    Browse::from_query(query.unwrap_or_default())
}

type Chunks =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send>>;

/// Streams an export: `head`, each batch through `row` (with `sep` between rows), `tail`. Memory holds one
/// batch at a time whatever the size.
fn stream_rows(
    state: AppState,
    b: Browse,
    head: String,
    tail: &'static str,
    sep: &'static str,
    row: fn(&AppState, &ExportRow) -> String,
) -> Chunks {
    enum Step {
        Head,
        Rows(i64, bool),
        Done,
    }
    // Fused: the compression layer may poll the body once more after its end (an `unfold` would panic).
    Box::pin(futures_util::StreamExt::fuse(futures_util::stream::unfold(
        Step::Head,
        move |step| {
            let (state, b, head) = (state.clone(), b.clone(), head.clone());
            async move {
                match step {
                    Step::Head => Some((Ok(head.into()), Step::Rows(0, true))),
                    Step::Rows(after, first) => match browse::export_batch(&state.backend, &b, after).await {
                        Ok(rows) if rows.is_empty() => Some((Ok(tail.into()), Step::Done)),
                        Ok(rows) => {
                            let last = rows.last().map_or(after, |r| r.report_id);
                            let mut out = String::with_capacity(rows.len() * 300);
                            for (i, r) in rows.iter().enumerate() {
                                if !(first && i == 0) {
                                    out.push_str(sep);
                                }
                                out.push_str(&row(&state, r));
                            }
                            Some((Ok(out.into()), Step::Rows(last, false)))
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "export interrupted");
                            Some((Err(std::io::Error::other("export interrupted")), Step::Done))
                        }
                    },
                    Step::Done => None,
                }
            }
        },
    )))
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn feature(state: &AppState, r: &ExportRow) -> String {
    format!(
        "{{\"type\":\"Feature\",\"id\":{code},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lng:.6},{lat:.6}]}},\
         \"properties\":{{\"receipt_code\":{code},\"title\":{title},\"description\":{description},\"kind\":\"{kind}\",\
         \"state\":\"{st}\",\"category\":{category},\"office\":{office},\"district\":{district},\
         \"created_at\":\"{created}\",\"updated_at\":\"{updated}\",\"url\":{url}}}}}",
        code = json_str(&r.receipt_code),
        lng = r.lng,
        lat = r.lat,
        title = json_str(&r.title),
        description = json_str(&r.description),
        kind = r.kind.as_str(),
        st = r.state.as_str(),
        category = json_str(&r.category),
        office = json_str(&r.office),
        district = r.district.as_deref().map_or_else(|| "null".to_owned(), json_str),
        created = r.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        updated = r.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        url = json_str(&state.backend.link(&format!("/segnalazioni/{}", r.receipt_code))),
    )
}

const CSV_HEADER: &str = "receipt_code,title,description,kind,state,category,office,district,latitude,longitude,created_at,updated_at,url\r\n";

fn csv_row(state: &AppState, r: &ExportRow) -> String {
    format!(
        "{},{},{},{},{},{},{},{},{:.6},{:.6},{},{},{}\r\n",
        csv_field(&r.receipt_code),
        csv_field(&r.title),
        csv_field(&r.description),
        r.kind.as_str(),
        r.state.as_str(),
        csv_field(&r.category),
        csv_field(&r.office),
        csv_field(r.district.as_deref().unwrap_or_default()),
        r.lat,
        r.lng,
        r.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        r.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        csv_field(&state.backend.link(&format!("/segnalazioni/{}", r.receipt_code))),
    )
}

async fn export(
    state: AppState,
    locale: Locale,
    query: Option<String>,
    csv: bool,
) -> Result<Response, ApiError> {
    let b = browse_of(query.as_deref()).map_err(|e| ApiError::new(e, locale))?;
    browse::check_export(&state.backend, &b)
        .await
        .map_err(|e| ApiError::new(e, locale))?;
    let (body, content_type, name) = if csv {
        (
            stream_rows(state, b, CSV_HEADER.into(), "", "", csv_row),
            "text/csv; charset=utf-8",
            "segnalazioni.csv",
        )
    } else {
        (
            stream_rows(
                state,
                b,
                "{\"type\":\"FeatureCollection\",\"features\":[".into(),
                "]}\n",
                ",\n",
                feature,
            ),
            "application/geo+json",
            "segnalazioni.geojson",
        )
    };
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

async fn geojson(
    State(state): State<AppState>,
    ApiLocale(locale): ApiLocale,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    export(state, locale, query, false).await
}

async fn csv(
    State(state): State<AppState>,
    ApiLocale(locale): ApiLocale,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    export(state, locale, query, true).await
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Syndication {
    Atom,
    Rss,
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn summary(text: &str) -> String {
    let mut s: String = text.chars().take(300).collect();
    if text.chars().count() > 300 {
        s.push('…');
    }
    s
}

async fn feed(
    State(state): State<AppState>,
    ApiLocale(locale): ApiLocale,
    RawQuery(query): RawQuery,
    kind: FeedKind,
    format: Syndication,
) -> Result<Response, ApiError> {
    let f =
        MapFilter::from_query(query.as_deref().unwrap_or_default()).map_err(|e| ApiError::new(e, locale))?;
    let feed = browse::feed(&state.backend, kind, f.district, f.category)
        .await
        .map_err(|e| ApiError::new(e, locale))?;
    let name = match kind {
        FeedKind::New => "nuove",
        FeedKind::Resolved => "risolte",
    };
    let q = f.feed_query();
    let (body, content_type) = match format {
        Syndication::Atom => (
            atom(&state, &feed, kind, locale, &format!("/feed/{name}.atom{q}"), &q),
            "application/atom+xml; charset=utf-8",
        ),
        Syndication::Rss => (
            rss(&state, &feed, kind, locale, &q),
            "application/rss+xml; charset=utf-8",
        ),
    };
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        body,
    )
        .into_response())
}

fn feed_title(feed: &Feed, kind: FeedKind, locale: Locale) -> String {
    let what = locale.t(match kind {
        FeedKind::New => BrowseMsg::FeedNew,
        FeedKind::Resolved => BrowseMsg::FeedResolved,
    });
    let mut t = what.to_owned();
    for part in [Some(feed.municipality.as_str()), feed.scope.as_deref()]
        .into_iter()
        .flatten()
    {
        if !part.is_empty() {
            t.push_str(" · ");
            t.push_str(part);
        }
    }
    t
}

/// The list page a feed mirrors.
fn list_link(state: &AppState, kind: FeedKind, q: &str) -> String {
    let state_param = match kind {
        FeedKind::New => String::new(),
        FeedKind::Resolved => "stato=risolte".into(),
    };
    let qs = [q.trim_start_matches('?'), state_param.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("&");
    state.backend.link(&if qs.is_empty() {
        "/elenco".into()
    } else {
        format!("/elenco?{qs}")
    })
}

fn atom(state: &AppState, feed: &Feed, kind: FeedKind, locale: Locale, self_path: &str, q: &str) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n\
         <title>{title}</title>\n<id>{id}</id>\n<link rel=\"self\" href=\"{id}\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{alt}\"/>\n\
         <updated>{updated}</updated>\n<generator>Segnala</generator>\n",
        lang = locale.tag(),
        title = xml(&feed_title(feed, kind, locale)),
        id = xml(&state.backend.link(self_path)),
        alt = xml(&list_link(state, kind, q)),
        updated = feed.updated.to_rfc3339_opts(SecondsFormat::Secs, true),
    );
    for e in &feed.entries {
        let url = state.backend.link(&format!("/segnalazioni/{}", e.receipt_code));
        let at = match kind {
            FeedKind::New => e.created_at,
            FeedKind::Resolved => e.updated_at,
        };
        s.push_str(&format!(
            "<entry>\n<title>{title}</title>\n<id>{url}</id>\n<link href=\"{url}\"/>\n<updated>{updated}</updated>\n\
             <published>{published}</published>\n<category term=\"{category}\"/>\n<summary>{summary}</summary>\n</entry>\n",
            title = xml(&format!("{} · {}", e.title, e.state.label(locale))),
            url = xml(&url),
            updated = at.to_rfc3339_opts(SecondsFormat::Secs, true),
            published = e.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            category = xml(&e.category),
            summary = xml(&summary(&e.description)),
        ));
    }
    s.push_str("</feed>\n");
    s
}

fn rss(state: &AppState, feed: &Feed, kind: FeedKind, locale: Locale, q: &str) -> String {
    let title = feed_title(feed, kind, locale);
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\">\n<channel>\n<title>{title}</title>\n\
         <link>{link}</link>\n<description>{title}</description>\n<language>{lang}</language>\n\
         <lastBuildDate>{updated}</lastBuildDate>\n<generator>Segnala</generator>\n",
        title = xml(&title),
        link = xml(&list_link(state, kind, q)),
        lang = locale.tag(),
        updated = feed.updated.to_rfc2822(),
    );
    for e in &feed.entries {
        let url = state.backend.link(&format!("/segnalazioni/{}", e.receipt_code));
        let at = match kind {
            FeedKind::New => e.created_at,
            FeedKind::Resolved => e.updated_at,
        };
        s.push_str(&format!(
            "<item>\n<title>{title}</title>\n<link>{url}</link>\n<guid isPermaLink=\"true\">{url}</guid>\n\
             <pubDate>{date}</pubDate>\n<category>{category}</category>\n<description>{summary}</description>\n</item>\n",
            title = xml(&format!("{} · {}", e.title, e.state.label(locale))),
            url = xml(&url),
            date = at.to_rfc2822(),
            category = xml(&e.category),
            summary = xml(&summary(&e.description)),
        ));
    }
    s.push_str("</channel>\n</rss>\n");
    s
}

/// `/vai?codice=…`: a whole receipt code goes to its page (which says if it does not exist); anything else is
/// searched in the list.
async fn go_to_code(RawQuery(query): RawQuery) -> Response {
    let pairs = parse_query(query.as_deref().unwrap_or_default());
    let code = pairs
        .iter()
        .find(|(k, _)| k == "codice")
        .map(|(_, v)| v.trim().to_uppercase())
        .unwrap_or_default();
    match ReceiptCode::parse(&code) {
        Ok(c) => Redirect::to(&format!("/segnalazioni/{c}")).into_response(),
        Err(_) if code.is_empty() => Redirect::to("/elenco").into_response(),
        Err(_) => Redirect::to(&format!("/elenco?{}", encode_pairs([("q", code.as_str())]))).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_is_escaped() {
        assert_eq!(
            xml("<a href=\"x\">&'</a>\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
    }

    #[test]
    fn a_browse_takes_one_bbox_and_the_filters() {
        let b = browse_of(Some("bbox=11.8,45.3,11.9,45.4&stato=aperte")).expect("ok");
        assert!(b.bbox.is_some());
        assert_eq!(b.filter.state, shared::map::StateFilter::Open);
        assert_eq!(
            browse_of(Some("bbox=11.8,45.3,11.9,45.4&bbox=1,2,3,4"))
                .unwrap_err()
                .rule,
            Rule::Repeated
        );
        assert_eq!(
            browse_of(Some("bbox=11.9,45.3,11.8,45.4")).unwrap_err().rule,
            Rule::CornersOrder
        );
    }
}
