//! Every `#[server]` fn answers a body it cannot read (wrong field type, missing field, random bytes) with 400 and
//! the usual error shape — not 500, which would tell monitoring the server is broken when the client is.

use crate::helpers::spawn_app;

/// Every `#[server]` fn, with a well-formed body and the malformed ones to try.
const CASES: &[(&str, &[&[u8]])] = &[
    ("map_setup", &[b"\xff\xfe\xfd"]),
    ("tiles", &[b"\xff\xfe\xfd"]),
    ("viewport", &[b"bbox[]=1&bbox[x]=2", b"\xff\xfe\x00\x01"]),
    ("report", &[b"", b"codice=SEG", b"\x00\xff"]),
    ("list", &[b"query=x&limit=abc", b"limit=-1", b"\xff"]),
    ("my_page", &[b"\xff\xfe\xfd"]),
    (
        "link_status",
        &[b"reset=forse&token=abc", b"reset=true", b"\x80\x81"],
    ),
    ("unsubscribe_link", &[b"", b"\xc3\x28"]),
    ("mailbox", &[b"before=abc", b"before=1.5", b"\xff"]),
    ("mailbox_message", &[b"id=xyz", b"", b"\xfe"]),
    ("report_form", &[b"\xff\xfe\xfd"]),
    ("staff_report_form", &[b"\xff\xfe\xfd"]),
    ("point_info", &[b"lat=nord&lng=11.8", b"lat=45.4", b"\xff"]),
    ("places", &[b"", b"\xff\xfe"]),
    (
        "duplicates",
        &[b"lat=a&lng=b&text=", b"lat=45.4&lng=11.8", b"\x00\xff"],
    ),
    ("receipt", &[b"", b"code=SEG-2026-000001", b"\xff"]),
    ("pending_confirmation", &[b"", b"\xc3\x28"]),
    (
        "inbox",
        &[b"query[overdue]=maybe", b"query[sort]=1&query[sort]=2", b"\xff"],
    ),
    ("work", &[b"", b"\xff"]),
    ("audit", &[b"before=abc", b"\xff"]),
    ("admin", &[b"\xff\xfe\xfd"]),
    ("reported_comments", &[b"\xff\xfe\xfd"]),
    ("transparency", &[b"", b"\xff"]),
    ("dashboard", &[b"", b"\xff\xfe"]),
    ("period_reports", &[b"\xff\xfe\xfd"]),
    ("period_report", &[b"", b"\xc3\x28"]),
    ("survey", &[b"", b"\xff"]),
    ("legal_page", &[b"", b"kind=Nope", b"\xff"]),
    ("identity", &[b"\xff\xfe\xfd"]),
    ("checklist", &[b"\xff\xfe\xfd"]),
];

#[tokio::test]
async fn unreadable_bodies_are_400_with_the_usual_error_shape() {
    let app = spawn_app().await;
    for (name, bodies) in CASES {
        for body in *bodies {
            let res = app
                .client
                .post(format!("{}/api/{name}", app.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json")
                .body(body.to_vec())
                .send()
                .await
                .expect("request");
            let status = res.status();
            let text = res.text().await.expect("body");
            assert_eq!(
                status,
                400,
                "/api/{name} with {:?}: {text}",
                String::from_utf8_lossy(body)
            );
            let error: app::error::AppError = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("/api/{name}: not the usual error shape ({e}): {text}"));
            assert_eq!(error, app::error::AppError::Malformed, "/api/{name}");
        }
    }
}

#[tokio::test]
async fn the_list_of_server_fns_is_complete() {
    // A new #[server] fn must join CASES above: compare with what the server registered.
    let registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    let mut registered = registered;
    registered.sort();
    registered.dedup();
    let mut listed: Vec<String> = CASES.iter().map(|(n, _)| (*n).to_owned()).collect();
    listed.sort();
    assert_eq!(registered, listed);
}
