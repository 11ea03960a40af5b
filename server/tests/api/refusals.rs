//! Every door refuses what it cannot take in the app's own shape and the visitor's language: a page with its
//! `role="alert"` box (`data-code`) for a browser, `{"code", "message"}` for a program — never a 500, never the
//! framework's English or a Rust type's name. The doors come from the router's own list
//! (`server::http::door_list`), so a door added later is walked too.

use reqwest::Method;
use serde_json::Value;
use shared::Role;

use crate::helpers::{PASSWORD, spawn_app};

/// What the framework says when it answers by itself; none of it may reach anyone. (Phrases, not bare type
/// names: a page's random nonce may spell `i64`.)
const FRAMEWORK_WORDS: [&str; 14] = [
    "Failed to deserialize",
    "Cannot parse",
    "form too large",
    "to a i64",
    "to a i32",
    "Failed to buffer",
    "length limit",
    "Expected request with",
    "Invalid `boundary`",
    "duplicate field",
    "missing field",
    "Invalid URL",
    "PayloadTooLarge",
    "unknown language",
];

/// Every field name a form of the app posts, each holding U+0000 (a form sends only some of them; the rest are
/// ignored).
const FIELDS: [&str; 52] = [
    "comment",
    "note",
    "email",
    "password",
    "nome",
    "name",
    "title",
    "description",
    "address",
    "codice",
    "code",
    "lat",
    "lng",
    "kind",
    "category_id",
    "district_id",
    "body",
    "srid",
    "geojson",
    "file",
    "timeliness",
    "quality",
    "version",
    "segui",
    "to",
    "due",
    "priority",
    "state",
    "category",
    "of",
    "public",
    "attuale",
    "nuova",
    "lingua",
    "attive",
    "ritorno",
    "office",
    "sla_days",
    "duplicate_radius_m",
    "role",
    "contractor",
    "area",
    "offered",
    "id",
    "channel",
    "phone",
    "internal",
    "modulo",
    "idempotency_key",
    "azione",
    "not_solved",
    "is_public",
];

/// One probe's answer, checked. `page`: asked as a browser asks for a page, which is answered with one (`/api/`
/// is for programs, whoever asks). A program posting to a form's door may get the form's page again, with the
/// error in its alert box: also the app's shape.
async fn check(what: &str, path: &str, res: reqwest::Response, page: bool) -> u16 {
    let page = page && !path.starts_with("/api/");
    let status = res.status().as_u16();
    let ctype = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = res.text().await.expect("body");
    assert!(status < 500, "{what}: {status} {body}");
    for w in FRAMEWORK_WORDS {
        assert!(!body.contains(w), "{what}: says {w:?}: {body}");
    }
    if status >= 400 {
        if page || (ctype.starts_with("text/html") && !path.starts_with("/api/")) {
            assert!(
                ctype.starts_with("text/html"),
                "{what}: a page for a browser, got {ctype}: {body}"
            );
            // The alert box, or (a form's own page, again) the field's error beside it.
            let alert = body.contains("role=\"alert\"") && body.contains("data-code=\"");
            let field = body.contains("aria-invalid=\"true\"") && body.contains("class=\"field-error\"");
            assert!(alert || field, "{what}: the page says what is wrong: {body}");
        } else {
            let v: Value =
                serde_json::from_str(&body).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {body}"));
            let code = v["code"]
                .as_str()
                .unwrap_or_else(|| panic!("{what}: no code: {body}"));
            assert!(
                shared::ErrorCode::ALL.iter().any(|c| c.as_str() == code),
                "{what}: unknown code {code}"
            );
            assert!(
                v["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{what}: {body}"
            );
        }
    }
    status
}

/// The door's path with a value of the right kind in each parameter, so that the probes reach its reading.
fn good_path(path: &str, code: &str) -> String {
    path.split('/')
        .map(|s| match s {
            "{code}" => code,
            "{id}" => "1",
            "{command}" => "take_in_charge",
            "{z}" => "12",
            "{x}" | "{y}" => "2000",
            "{period}" => "2026-01",
            "{file}" => "resoconto.csv",
            "{tag}" => "it",
            "{token}" => "abcdef",
            "{*key}" => "2026/01/x.jpg",
            "{kind}" => "uffici",
            "{action}" => "elimina",
            other if other.starts_with('{') => panic!("a value for {other} in {path}"),
            other => other,
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_door_refuses_bad_input_in_the_apps_shape() {
    let app = spawn_app().await;
    let pothole = app.pothole_category().await;
    let (_, code) = app.report(pothole, "Buca in via Roma", 45.40, 11.87).await;
    app.account("admin@comune.example", PASSWORD, Role::Administrator)
        .await;
    let admin = app.browser();
    admin.sign_in("admin@comune.example", PASSWORD).await;
    let doors = server::http::door_list();
    assert!(doors.len() > 40, "the list holds every door: {}", doors.len());
    let big = format!("comment={}", "a".repeat(300 * 1024));
    let nul: String = FIELDS
        .iter()
        .map(|f| format!("{f}=a%00b"))
        .collect::<Vec<_>>()
        .join("&");
    let repeated = "report=a&report=b&ritorno=/a&ritorno=/b&bbox=1,2,3,4&bbox=1,2,3,4&codice=a&codice=b\
                    &tabella=mesi&tabella=uffici&q=a&q=b&stato=aperte&stato=risolte&lang=it&lang=en";
    let nul_query = "q=a%00b&codice=a%00b&ritorno=/a%00b&report=a%00b&bbox=a%00b&tabella=a%00b&stato=a%00b";
    let mut refused = 0;
    for door in &doors {
        // Signed in as an administrator, so that staff doors read what they are sent (afresh for each door: a
        // probe may sign out, `/esci`).
        admin.sign_in("admin@comune.example", PASSWORD).await;
        let cookie = format!(
            "segnala_session={}",
            admin.cookie("segnala_session").unwrap_or_default()
        );
        let good = good_path(door.path, &code.to_string());
        let mut probes: Vec<(String, String, Option<String>)> = vec![
            (format!("{good}?{repeated}"), "repeated parameters".into(), None),
            (format!("{good}?{nul_query}"), "U+0000 in the query".into(), None),
        ];
        if !door.params().is_empty() {
            probes.push((door.with_params("abc"), "a bad path parameter".into(), None));
            probes.push((door.with_params("a%00b"), "U+0000 in the path".into(), None));
        }
        if door.method == Method::POST {
            probes.push((good.clone(), "a 300 KB body".into(), Some(big.clone())));
            probes.push((good.clone(), "U+0000 in every field".into(), Some(nul.clone())));
        }
        for (url, what, body) in probes {
            for page in [true, false] {
                let mut req = app
                    .client
                    .request(door.method.clone(), format!("{}{url}", app.base))
                    .header("origin", &app.base)
                    .header("cookie", &cookie)
                    .header("accept", if page { "text/html,*/*" } else { "application/json" });
                if let Some(b) = &body {
                    req = req
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(b.clone());
                }
                let res = req.send().await.expect("request");
                let label = format!(
                    "{} {} ({what}, {})",
                    door.method,
                    door.path,
                    if page { "browser" } else { "program" }
                );
                // Too large for a form of ours — or, at a door that takes another type, the wrong type.
                if what == "a 300 KB body" {
                    assert!(
                        matches!(res.status().as_u16(), 413 | 415),
                        "{label}: {}",
                        res.status()
                    );
                }
                if check(&label, &url, res, page).await >= 400 {
                    refused += 1;
                }
            }
        }
        // A form post's door asked with GET (and the other way round): 405 in the same shape.
        let other = if door.method == Method::POST {
            Method::GET
        } else {
            Method::POST
        };
        let res = app
            .client
            .request(other.clone(), format!("{}{good}", app.base))
            .header("origin", &app.base)
            .header("accept", "text/html")
            .send()
            .await
            .expect("request");
        if res.status() == 405 {
            check(&format!("{other} {}", door.path), &good, res, true).await;
        }
    }
    assert!(refused > 100, "most probes are refused: {refused}");
}

/// The server's page routes are the table's pages, each in the bundle the table says (`app::page_table`).
#[test]
fn the_page_routes_are_the_page_table() {
    let mut served = server::startup::page_paths();
    served.sort();
    // In axum's syntax, as the server lists them (`:code` → `{code}`).
    let mut table: Vec<String> = app::PAGES
        .iter()
        .map(|p| {
            p.path
                .split('/')
                .map(|s| {
                    s.strip_prefix(':')
                        .map_or_else(|| s.to_owned(), |n| format!("{{{n}}}"))
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    table.sort();
    assert_eq!(served, table);
}

/// Every page, asked as the doors are: a bad parameter in its address, parameters repeated, U+0000.
#[tokio::test]
async fn every_page_refuses_bad_input_in_the_apps_shape() {
    let app = spawn_app().await;
    app.account("admin@comune.example", PASSWORD, Role::Administrator)
        .await;
    let admin = app.browser();
    admin.sign_in("admin@comune.example", PASSWORD).await;
    let cookie = format!(
        "segnala_session={}",
        admin.cookie("segnala_session").unwrap_or_default()
    );
    for page in app::PAGES {
        let with = |v: &str| {
            page.path
                .split('/')
                .map(|s| if s.starts_with(':') { v } else { s })
                .collect::<Vec<_>>()
                .join("/")
        };
        for (url, what) in [
            (with("abc"), "a bad path parameter"),
            (with("a%00b"), "U+0000 in the path"),
            (
                format!(
                    "{}?stato=aperte&stato=risolte&q=a&q=b&ritorno=/a&ritorno=/b",
                    with("abc")
                ),
                "repeated parameters",
            ),
            (
                format!("{}?q=a%00b&ritorno=/a%00b&codice=a%00b&dal=a%00b", with("abc")),
                "U+0000 in the query",
            ),
        ] {
            for signed_in in [false, true] {
                let mut req = app
                    .client
                    .get(format!("{}{url}", app.base))
                    .header("accept", "text/html");
                if signed_in {
                    req = req.header("cookie", &cookie);
                }
                let res = req.send().await.expect("request");
                check(
                    &format!("GET {} ({what}, signed in: {signed_in})", page.path),
                    &url,
                    res,
                    true,
                )
                .await;
            }
        }
    }
}

/// The cases the testers met, one by one, with what each must say.
#[tokio::test]
async fn the_refusals_the_testers_met_say_what_is_wrong() {
    let app = spawn_app().await;
    let json = |status: u16, code: &'static str| (status, code);
    let post = |path: &str, ctype: &str, body: Vec<u8>| {
        app.client
            .post(format!("{}{path}", app.base))
            .header("origin", &app.base)
            .header("content-type", ctype.to_owned())
            .header("accept", "application/json")
            .body(body)
    };
    async fn answer(req: reqwest::RequestBuilder) -> (u16, Value) {
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("JSON ({e}): {text}")),
        )
    }
    // A JSON body over 256 KB names 256 KB, not the 50 MB of a submission with photos.
    let (status, v) = answer(post(
        "/api/v1/reports",
        "application/json",
        format!("{{\"title\":\"{}\"}}", "a".repeat(300 * 1024)).into_bytes(),
    ))
    .await;
    assert_eq!(
        (status, v["code"].as_str().unwrap_or_default()),
        json(413, "payload_too_large")
    );
    assert!(
        v["message"].as_str().unwrap_or_default().contains("256 KB"),
        "{v}"
    );
    // The form's urlencoded body likewise (the form's door answers with the form, the limit in its alert box).
    let res = post(
        "/segnala",
        "application/x-www-form-urlencoded",
        vec![b'a'; 300 * 1024],
    )
    .send()
    .await
    .expect("request");
    assert_eq!(res.status(), 413);
    let page = res.text().await.expect("page");
    assert!(
        page.contains("data-code=\"payload_too_large\"") || page.contains("256 KB"),
        "{page}"
    );
    // A multipart body without its closing boundary is an incomplete request, not a damaged image.
    let (status, v) = answer(post(
        "/api/v1/reports",
        "multipart/form-data; boundary=XYZ",
        b"--XYZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nBuca".to_vec(),
    ))
    .await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["rule"]["rule"], "incomplete", "{v}");
    assert!(
        !v["message"].as_str().unwrap_or_default().contains("immagine"),
        "{v}"
    );
    // `application/jsonx` is not JSON.
    let (status, v) = answer(post("/api/v1/reports", "application/jsonx", b"{}".to_vec())).await;
    assert_eq!(
        (status, v["code"].as_str().unwrap_or_default()),
        json(415, "unsupported_media_type")
    );
    // A 200 KB sign-in post.
    let (status, v) = answer(post(
        "/accedi",
        "application/x-www-form-urlencoded",
        vec![b'a'; 200 * 1024],
    ))
    .await;
    assert_eq!(status, 413, "{v}");
    assert!(v["message"].as_str().unwrap_or_default().contains("64 KB"), "{v}");
    // A bad id in a path: no such thing.
    for path in [
        "/la-mia-pagina/sessioni/abc/termina",
        "/segnalazioni/SEG-2026-000001/commenti/abc/abuso",
        "/amministrazione/personale/abc",
        "/amministrazione/modelli/abc/elimina",
    ] {
        let (status, v) = answer(post(path, "application/x-www-form-urlencoded", Vec::new())).await;
        assert_eq!(
            (status, v["code"].as_str().unwrap_or_default()),
            json(404, "not_found"),
            "{path}"
        );
    }
    // A repeated parameter names itself, in the visitor's language.
    let res = app
        .client
        .get(format!("{}/api/v1/live?report=a&report=b&lang=en", app.base))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 400);
    let v: Value = res.json().await.expect("JSON");
    assert_eq!(v["rule"]["rule"], "repeated");
    assert_eq!(v["field"], "receipt_code");
    assert!(
        v["message"]
            .as_str()
            .unwrap_or_default()
            .contains("more than once"),
        "{v}"
    );
    let res = app
        .client
        .get(format!("{}/lingua/en?ritorno=/a&ritorno=/b", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 400);
    let page = res.text().await.expect("page");
    assert!(
        page.contains("data-code=\"invalid_input\"") && page.contains("pagina di ritorno"),
        "{page}"
    );
}

/// The usual open-redirect bypasses, through the language switch and the sign-in form: each lands on this site.
#[tokio::test]
async fn return_addresses_never_lead_off_the_site() {
    let app = spawn_app().await;
    app.account("anna@esempio.it", PASSWORD, Role::Citizen).await;
    let bypasses = [
        "//example.org",
        "/\\example.org",
        "/\t/example.org",
        "/%09/example.org",
        "/%2F/example.org",
        "/%5C/example.org",
        "\\/\\/example.org",
        "https://example.org",
        "https:example.org",
        "javascript:alert(1)",
        "/ /example.org",
    ];
    for back in bypasses {
        let encoded = crate::helpers::urlencode(back);
        let res = app.get(&format!("/lingua/en?ritorno={encoded}")).await;
        assert_eq!(res.status(), 303, "{back:?}");
        assert_eq!(
            res.headers()["location"],
            "/",
            "the language switch with {back:?}"
        );
        let b = app.browser();
        let res = b
            .post(
                "/accedi",
                &[
                    ("email", "anna@esempio.it"),
                    ("password", PASSWORD),
                    ("ritorno", back),
                ],
            )
            .await;
        assert_eq!(res.status(), 303, "{back:?}");
        assert_eq!(
            res.headers()["location"],
            "/la-mia-pagina",
            "signing in with {back:?}"
        );
    }
    // A path of the site is where they go back to.
    let res = app.get("/lingua/en?ritorno=%2Felenco%3Fstato%3Drisolte").await;
    assert_eq!(res.headers()["location"], "/elenco?stato=risolte");
}
