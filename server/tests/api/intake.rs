//! Citizens' reports over HTTP: the API and the form, the bad inputs of the reporting issue (each refused with
//! its field and rule, leaving the database and the photo store as they were), exactly-once submission, email
//! confirmation, "same problem", the purge and the orphan sweeper.

use std::time::Duration;

use backend::testing::reporting_town;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

fn body(category: i32) -> Value {
    json!({
        "kind": "problem",
        "category_id": category,
        "lat": 45.40,
        "lng": 11.865,
        "title": "Buca profonda in via Roma",
        "description": "Davanti al civico 12, pericolosa per le bici.",
        "email": "maria@esempio.it"
    })
}

/// What the tables and the photo folder hold: a failed request must leave all of it unchanged.
async fn snapshot(app: &TestApp) -> (Vec<i64>, usize) {
    let mut rows = Vec::new();
    for t in [
        "report",
        "report_update",
        "report_photo",
        "report_contact",
        "submission",
        "outbox_mail",
        "email_token",
        "report_supporter",
    ] {
        rows.push(app.count(t).await);
    }
    (rows, app.state.backend.photos.count().await.expect("photos"))
}

/// A PNG announcing `w` × `h` pixels (a decompression bomb as the decoder first sees it).
fn png(w: u32, h: u32) -> Vec<u8> {
    backend::photos::png_header(w, h)
}

/// A JPEG (encoded by the photo pipeline itself) with an EXIF block carrying GPS coordinates spliced in after
/// its start marker, as a phone camera writes it.
fn jpeg_with_gps() -> Vec<u8> {
    let base = backend::photos::process(&small_png()).expect("process").full;
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0\x08\0\0\0");
    // IFD0: one entry, GPSInfo (0x8825) pointing at offset 26.
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0]);
    tiff.extend_from_slice(&26u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    // GPS IFD: GPSLatitudeRef 'N' (inline ASCII).
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&[1, 0, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(b"GPS 45.4032N 11.8801E");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&base[2..]);
    out
}

/// A small valid PNG (64 × 48).
fn small_png() -> Vec<u8> {
    backend::photos::gradient_png(64, 48)
}

async fn post_json(app: &TestApp, body: &Value, key: Option<&str>) -> reqwest::Response {
    let mut req = app.client.post(format!("{}/api/v1/reports", app.base)).json(body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    req.send().await.expect("request")
}

async fn post_multipart(
    app: &TestApp,
    body: &Value,
    photos: Vec<(&str, Vec<u8>)>,
    key: Option<&str>,
) -> reqwest::Response {
    let mut form = Form::new().text("report", body.to_string());
    for (name, bytes) in photos {
        form = form.part(
            "photos",
            Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str("image/jpeg")
                .expect("mime"),
        );
    }
    let mut req = app
        .client
        .post(format!("{}/api/v1/reports", app.base))
        .multipart(form);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    req.send().await.expect("request")
}

/// The confirmation link's token from the last mail to `to` in the outbox.
async fn confirmation_token(app: &TestApp, to: &str) -> String {
    let link = backend::testing::outbox_link(&app.db.pool, to, Some("confirm_action"), "/conferma/").await;
    link["/conferma/".len()..].to_owned()
}

#[tokio::test]
async fn an_anonymous_report_with_a_photo_gets_a_receipt_and_is_public_only_once_confirmed() {
    let app = spawn_app().await;
    let (pothole, _, _) = reporting_town(&app.db.pool).await;
    let photo = jpeg_with_gps();
    assert!(photo.windows(4).any(|w| w == b"Exif") && photo.windows(3).any(|w| w == b"GPS"));

    let res = post_multipart(
        &app,
        &body(pothole),
        vec![("buca.jpg", photo.clone())],
        Some("key-anon-0000000001"),
    )
    .await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    let receipt: Value = res.json().await.expect("json");
    let code = receipt["receipt_code"].as_str().expect("code").to_owned();
    assert_eq!(receipt["office"], "Lavori pubblici");
    assert_eq!(receipt["district"], "Ovest");
    assert_eq!(receipt["awaiting_confirmation"], true);
    assert_eq!(receipt["photos"], 1);

    // Stored without EXIF: no "Exif" block and no GPS text left, re-encoded (not the same bytes).
    let key: String = sqlx::query_scalar("select object_key from report_photo")
        .fetch_one(&app.db.pool)
        .await
        .expect("row");
    let stored = std::fs::read(app.db.photos_dir().join(&key)).expect("stored file");
    assert!(!stored.windows(4).any(|w| w == b"Exif"), "EXIF removed");
    assert!(!stored.windows(3).any(|w| w == b"GPS"), "GPS removed");
    assert_ne!(stored, photo);
    // The first timeline entry, the contact kept apart from the report.
    assert_eq!(app.count("report_update where to_state = 'submitted'").await, 1);
    assert_eq!(
        app.count("report_contact where email = 'maria@esempio.it'").await,
        1
    );

    // Not public until confirmed; its photo neither.
    assert_eq!(app.get(&format!("/api/v1/reports/{code}")).await.status(), 404);
    let photo_url = format!("/foto/{}", key.trim_start_matches("photos/"));
    assert_eq!(app.get(&photo_url).await.status(), 404);

    let token = confirmation_token(&app, "maria@esempio.it").await;
    let browser = app.browser();
    let page = browser.get(&format!("/conferma/{token}")).await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text().await.expect("page").contains(&code),
        "the page names the report"
    );
    let res = browser.post(&format!("/conferma/{token}"), &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.get(&format!("/api/v1/reports/{code}")).await.status(), 200);
    let photo_res = app.get(&photo_url).await;
    assert_eq!(photo_res.status(), 200);
    assert_eq!(photo_res.headers()["content-type"], "image/jpeg");
    assert_eq!(
        app.count("outbox_mail where kind = 'report_receipt'").await,
        1,
        "the receipt mail"
    );

    // The link works once.
    let again = browser.post(&format!("/conferma/{token}"), &[]).await;
    assert_eq!(again.status(), 410);
}

#[tokio::test]
async fn an_expired_or_altered_confirmation_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let (pothole, _, _) = reporting_town(&app.db.pool).await;
    assert_eq!(post_json(&app, &body(pothole), None).await.status(), 201);
    let token = confirmation_token(&app, "maria@esempio.it").await;
    sqlx::query("update email_token set expires_at = now() - interval '1 minute'")
        .execute(&app.db.pool)
        .await
        .expect("expire");
    let browser = app.browser();
    assert_eq!(
        browser.post(&format!("/conferma/{token}"), &[]).await.status(),
        410
    );
    let mut altered = token.clone();
    altered.replace_range(0..1, if token.starts_with('A') { "B" } else { "A" });
    assert_eq!(
        browser.post(&format!("/conferma/{altered}"), &[]).await.status(),
        400
    );
    assert_eq!(app.count("report where confirmed_at is not null").await, 0);
}

#[tokio::test]
async fn bad_input_is_refused_with_its_field_and_rule_and_stores_nothing() {
    let app = spawn_app().await;
    let (pothole, disabled, restricted) = reporting_town(&app.db.pool).await;
    // One good report first, so that "nothing changed" is checked against a store that is not empty.
    assert_eq!(
        post_json(&app, &body(pothole), Some("key-first-00000000001"))
            .await
            .status(),
        201
    );
    let before = snapshot(&app).await;

    let with = |f: &dyn Fn(&mut Value)| {
        let mut b = body(pothole);
        f(&mut b);
        b
    };
    let good_jpeg = backend::photos::process(&small_png()).expect("jpeg").full;
    let mut elf = b"\x7fELF\x02\x01\x01\0".to_vec();
    elf.extend(vec![0u8; 4000]);
    let truncated = good_jpeg[..good_jpeg.len() / 2].to_vec();
    let bomb = png(20_000, 20_000);

    struct Case {
        name: &'static str,
        status: u16,
        field: &'static str,
        rule: &'static str,
    }
    let json_cases: Vec<(Case, Value)> = vec![
        (
            Case {
                name: "missing title",
                status: 400,
                field: "title",
                rule: "required",
            },
            with(&|b| {
                b.as_object_mut().expect("obj").remove("title");
            }),
        ),
        (
            Case {
                name: "empty description",
                status: 400,
                field: "description",
                rule: "required",
            },
            with(&|b| b["description"] = json!("  ")),
        ),
        (
            Case {
                name: "title over the limit",
                status: 400,
                field: "title",
                rule: "too_long",
            },
            with(&|b| b["title"] = json!("x".repeat(121))),
        ),
        (
            Case {
                name: "description over the limit",
                status: 400,
                field: "description",
                rule: "too_long",
            },
            with(&|b| b["description"] = json!("x".repeat(5001))),
        ),
        (
            Case {
                name: "latitude not a number",
                status: 400,
                field: "latitude",
                rule: "not_a_number",
            },
            with(&|b| b["lat"] = json!("nord")),
        ),
        (
            Case {
                name: "outside the municipality",
                status: 400,
                field: "location",
                rule: "outside_municipality",
            },
            with(&|b| {
                b["lat"] = json!(45.6);
            }),
        ),
        (
            Case {
                name: "unknown category",
                status: 400,
                field: "category_id",
                rule: "unknown_value",
            },
            with(&|b| b["category_id"] = json!(9999)),
        ),
        (
            Case {
                name: "disabled category",
                status: 400,
                field: "category_id",
                rule: "disabled",
            },
            with(&|b| b["category_id"] = json!(disabled)),
        ),
        (
            Case {
                name: "category not offered in the district",
                status: 400,
                field: "category_id",
                rule: "not_offered",
            },
            with(&|b| {
                b["category_id"] = json!(restricted);
                b["lng"] = json!(11.9);
            }),
        ),
        (
            Case {
                name: "email that is not an email",
                status: 400,
                field: "email",
                rule: "format",
            },
            with(&|b| b["email"] = json!("maria-at-esempio")),
        ),
        (
            Case {
                name: "unknown address",
                status: 400,
                field: "address",
                rule: "place_not_found",
            },
            with(&|b| {
                b.as_object_mut().expect("obj").remove("lat");
                b.as_object_mut().expect("obj").remove("lng");
                b["address"] = json!("zzqx wwvy");
            }),
        ),
    ];
    for (case, b) in json_cases {
        let res = post_json(&app, &b, None).await;
        check(&app, &before, case.name, res, case.status, case.field, case.rule).await;
    }

    type Photos = Vec<(&'static str, Vec<u8>)>;
    let photo_cases: Vec<(Case, Photos)> = vec![
        (
            Case {
                name: "an executable renamed .jpg",
                status: 400,
                field: "photos",
                rule: "unsupported_type",
            },
            vec![("foto.jpg", elf.clone())],
        ),
        (
            Case {
                name: "a truncated JPEG",
                status: 400,
                field: "photos",
                rule: "unreadable",
            },
            vec![("foto.jpg", truncated.clone())],
        ),
        (
            Case {
                name: "a 20,000 × 20,000 PNG",
                status: 400,
                field: "photos",
                rule: "too_many_pixels",
            },
            vec![("bomba.png", bomb.clone())],
        ),
        (
            Case {
                name: "a sixth photo",
                status: 400,
                field: "photos",
                rule: "too_many",
            },
            (0..6).map(|_| ("foto.jpg", good_jpeg.clone())).collect(),
        ),
        (
            Case {
                name: "a photo over 10 MB",
                status: 400,
                field: "photos",
                rule: "file_too_large",
            },
            vec![("grande.jpg", vec![0xFF; 10 * 1024 * 1024 + 1])],
        ),
        // A good photo after a bad one: the good one must not stay behind either.
        (
            Case {
                name: "a good photo then a bad one",
                status: 400,
                field: "photos",
                rule: "unreadable",
            },
            vec![("a.jpg", good_jpeg.clone()), ("b.jpg", truncated.clone())],
        ),
    ];
    for (case, photos) in photo_cases {
        let res = post_multipart(&app, &body(pothole), photos, None).await;
        check(&app, &before, case.name, res, case.status, case.field, case.rule).await;
    }

    // 50 MB in one body: refused before it is read.
    let res = app
        .client
        .post(format!("{}/api/v1/reports", app.base))
        .header("content-type", "application/json")
        .body(vec![b' '; 50 * 1024 * 1024 + 1024 * 1024])
        .send()
        .await
        .expect("request");
    check(&app, &before, "a 51 MB body", res, 413, "body", "body_too_large").await;
    // A wrong content type.
    let res = app
        .client
        .post(format!("{}/api/v1/reports", app.base))
        .header("content-type", "text/plain")
        .body(body(pothole).to_string())
        .send()
        .await
        .expect("request");
    check(
        &app,
        &before,
        "text/plain",
        res,
        415,
        "body",
        "wrong_content_type",
    )
    .await;
    // The district's rule routes a category to another office (Rifiuti in Ovest: Polizia locale, not Ambiente).
    let res = post_json(
        &app,
        &with(&|b| {
            b["category_id"] = json!(restricted);
            b["email"] = json!("rita@esempio.it");
        }),
        None,
    )
    .await;
    assert_eq!(res.status(), 201);
    let receipt: Value = res.json().await.expect("json");
    assert_eq!(
        (receipt["office"].as_str(), receipt["district"].as_str()),
        (Some("Polizia locale"), Some("Ovest"))
    );
    let before = snapshot(&app).await;
    // The key of the first report with another body.
    let res = post_json(
        &app,
        &with(&|b| b["title"] = json!("Un'altra buca in via Roma")),
        Some("key-first-00000000001"),
    )
    .await;
    check(
        &app,
        &before,
        "reused key, other body",
        res,
        422,
        "idempotency_key",
        "key_reused",
    )
    .await;
}

async fn check(
    app: &TestApp,
    before: &(Vec<i64>, usize),
    name: &str,
    res: reqwest::Response,
    status: u16,
    field: &str,
    rule: &str,
) {
    assert_eq!(res.status(), status, "{name}");
    let err: Value = res
        .json()
        .await
        .unwrap_or_else(|e| panic!("{name}: not JSON: {e}"));
    assert_eq!(
        (err["field"].as_str(), err["rule"]["rule"].as_str()),
        (Some(field), Some(rule)),
        "{name}: {err}"
    );
    assert!(
        err["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{name}: a message"
    );
    assert_eq!(
        &snapshot(app).await,
        before,
        "{name}: the database and the photo store are unchanged"
    );
}

#[tokio::test]
async fn the_same_submission_sent_twenty_times_at_once_creates_one_report() {
    let app = spawn_app().await;
    let (pothole, _, _) = reporting_town(&app.db.pool).await;
    let photo = backend::photos::process(&small_png()).expect("jpeg").full;
    let sends = (0..20).map(|_| {
        let (app, photo) = (&app, photo.clone());
        async move {
            let res = post_multipart(
                app,
                &body(pothole),
                vec![("buca.jpg", photo)],
                Some("3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f"),
            )
            .await;
            assert_eq!(res.status(), 201);
            let v: Value = res.json().await.expect("json");
            v["receipt_code"].as_str().expect("code").to_owned()
        }
    });
    let codes = futures_util::future::join_all(sends).await;
    assert!(codes.windows(2).all(|w| w[0] == w[1]), "one receipt: {codes:?}");
    assert_eq!(app.count("report").await, 1);
    assert_eq!(app.count("report_photo").await, 1);
    assert_eq!(app.count("email_token").await, 1, "one confirmation mail");
    // Nineteen sets of photos were stored and removed again: only the report's two files remain.
    assert_eq!(app.state.backend.photos.count().await.expect("count"), 2);
}

#[tokio::test]
async fn the_form_files_a_report_for_a_signed_in_citizen_and_a_reload_gives_the_same_receipt() {
    let app = spawn_app().await;
    let (pothole, _, _) = reporting_town(&app.db.pool).await;
    app.account(
        "luca@esempio.it",
        "una frase lunga abbastanza",
        shared::Role::Citizen,
    )
    .await;
    let browser = app.browser();
    browser
        .sign_in("luca@esempio.it", "una frase lunga abbastanza")
        .await;
    let page = browser.get("/segnala").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("page");
    assert!(
        html.contains("name=\"idempotency_key\""),
        "the form carries its key"
    );
    let fields = [
        ("idempotency_key", "form-key-000000000001"),
        ("kind", "problem"),
        ("category_id", &pothole.to_string()),
        ("address", "via Roma 12"),
        ("title", "Lampione spento in via Roma"),
        ("description", "Spento da una settimana."),
        ("is_public", "true"),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, *v)).collect();
    let first = browser.post("/segnala", &fields).await;
    assert_eq!(first.status(), 303, "{:?}", first.text().await);
    let to = first.headers()["location"].to_str().expect("location").to_owned();
    assert!(to.starts_with("/ricevuta/SEG-"), "{to}");
    // A reload of the same post (lost answer): the same receipt, no second report.
    let again = browser.post("/segnala", &fields).await;
    assert_eq!(again.headers()["location"].to_str().expect("location"), to);
    assert_eq!(app.count("report").await, 1);
    assert_eq!(
        app.count("report where reporter_id is not null and confirmed_at is not null")
            .await,
        1
    );
    let receipt = browser.get(&to).await.text().await.expect("receipt");
    assert!(receipt.contains("Lavori pubblici"), "the office is named");
    // A forged signature shows nothing.
    let forged = to.replace("firma=", "firma=x");
    assert_eq!(browser.get(&forged).await.status(), 404);
    // On "La mia pagina", and the receipt mail in the outbox.
    let code = to
        .trim_start_matches("/ricevuta/")
        .split('?')
        .next()
        .expect("code")
        .to_owned();
    assert!(
        browser
            .get("/la-mia-pagina")
            .await
            .text()
            .await
            .expect("page")
            .contains(&code)
    );
    assert_eq!(
        app.count("outbox_mail where kind = 'report_receipt' and recipient = 'luca@esempio.it'")
            .await,
        1
    );
    // A form error comes back as the same page with the field named and what was typed kept.
    let bad = browser
        .post(
            "/segnala",
            &[
                ("kind", "problem"),
                ("title", "x"),
                ("category_id", &pothole.to_string()),
                ("lat", "45.4"),
                ("lng", "11.86"),
                ("description", "d"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 400);
    let html = bad.text().await.expect("page");
    assert!(
        html.contains("titolo") && html.contains("almeno 5"),
        "field and rule in Italian"
    );
}

#[tokio::test]
async fn same_problem_makes_a_supporter_instead_of_a_new_report() {
    let app = spawn_app().await;
    let (pothole, _, _) = reporting_town(&app.db.pool).await;
    app.account(
        "anna@esempio.it",
        "una frase lunga abbastanza",
        shared::Role::Citizen,
    )
    .await;
    let browser = app.browser();
    browser
        .sign_in("anna@esempio.it", "una frase lunga abbastanza")
        .await;
    let res = browser
        .post(
            "/segnala",
            &[
                ("kind", "problem"),
                ("category_id", &pothole.to_string()),
                ("lat", "45.40"),
                ("lng", "11.865"),
                ("title", "Buca profonda in via Roma"),
                ("description", "Pericolosa."),
                ("is_public", "true"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let code: String = sqlx::query_scalar("select receipt_code from report")
        .fetch_one(&app.db.pool)
        .await
        .expect("code");

    // Another citizen, 40 m away, typing a similar title: the open report is suggested.
    let dups = app
        .server_fn(
            "duplicates",
            &[
                ("lat", "45.4003"),
                ("lng", "11.8652"),
                ("category", &pothole.to_string()),
                ("text", "buca in via roma"),
            ],
        )
        .await;
    assert_eq!(dups.status(), 200);
    let d: Value = dups.json().await.expect("json");
    assert_eq!(d["candidates"][0]["receipt_code"], code.as_str());
    assert!(d["candidates"][0]["distance_m"].as_f64().expect("m") < 60.0);

    // Without an account: a confirmation link, then a supporter; no new report.
    let other = app.browser();
    let res = other
        .post(
            &format!("/segnalazioni/{code}/sostieni"),
            &[("email", "paolo@esempio.it")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let token = confirmation_token(&app, "paolo@esempio.it").await;
    assert_eq!(other.post(&format!("/conferma/{token}"), &[]).await.status(), 303);
    assert_eq!(
        app.count("report_supporter where email = 'paolo@esempio.it'")
            .await,
        1
    );
    assert_eq!(app.count("report").await, 1, "no new report");
    let page = app
        .get(&format!("/api/v1/reports/{code}"))
        .await
        .json::<Value>()
        .await
        .expect("json");
    assert_eq!(page["supporters"], 1);
}

#[tokio::test]
async fn unconfirmed_reports_are_purged_with_their_photos_and_orphans_are_swept() {
    let app = spawn_app().await;
    let (pothole, _, _) = reporting_town(&app.db.pool).await;
    let photo = backend::photos::process(&small_png()).expect("jpeg").full;
    assert_eq!(
        post_multipart(&app, &body(pothole), vec![("a.jpg", photo.clone())], None)
            .await
            .status(),
        201
    );
    let state = &app.state.backend;
    assert_eq!(state.photos.count().await.expect("count"), 2);
    let purged = backend::reports::intake::purge_unconfirmed_before(
        state,
        chrono::Utc::now() + chrono::Duration::seconds(1),
    )
    .await
    .expect("purge");
    assert_eq!(purged, 1);
    assert_eq!(app.count("report").await, 0);
    assert_eq!(
        state.photos.count().await.expect("count"),
        0,
        "photos removed with the report"
    );

    // A file stored by a submission that never committed (a crash between storing and committing).
    let processed = backend::photos::process(&small_png()).expect("processed");
    backend::photos::store_all(&state.photos, vec![processed])
        .await
        .expect("store");
    assert_eq!(state.photos.count().await.expect("count"), 2);
    assert_eq!(
        backend::photos::sweep_orphans(state, Duration::from_secs(3600), false)
            .await
            .expect("sweep"),
        0,
        "too young"
    );
    assert_eq!(
        backend::photos::sweep_orphans(state, Duration::ZERO, false)
            .await
            .expect("sweep"),
        2
    );
    assert_eq!(state.photos.count().await.expect("count"), 0);
}

#[tokio::test]
async fn the_duplicate_query_uses_the_spatial_index() {
    let app = spawn_app().await;
    let (pothole, _, _) = reporting_town(&app.db.pool).await;
    // Enough rows that a sequential scan would be the planner's choice if no index could answer.
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "insert into report (receipt_code, kind, category_id, office_id, location, title, description)
         select 'SEG-2020-' || lpad(g::text, 6, '0'), 'problem', {pothole}, 1,
                ST_SetSRID(ST_MakePoint(11.80 + random() * 0.15, 45.35 + random() * 0.1), 4326),
                'Segnalazione ' || g, 'Descrizione'
         from generate_series(1, 20000) g;
         analyze report;"
    )))
    .execute(&app.db.pool)
    .await
    .expect("rows");
    // The service's own query, from the offline data its `query!` compiled against: EXPLAINed with the
    // values the service binds for this point, category and text.
    let sql =
        backend::testing::offline_query(&["ST_DWithin(r.location::geography", "similarity(lower(r.title)"]);
    let plan: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("explain {sql}")))
        .bind(11.86_f64)
        .bind(45.40_f64)
        .bind(Some(pothole))
        .bind(0.0032_f64)
        .bind(0.0023_f64)
        .bind(250.0_f64)
        .bind("segnalazione")
        .bind(5_i64)
        .fetch_all(&app.db.pool)
        .await
        .expect("explain");
    let plan = plan.join("\n");
    assert!(
        plan.contains("report_open_category_location_gix") || plan.contains("report_location_gix"),
        "{plan}"
    );
    assert!(!plan.contains("Seq Scan on report"), "{plan}");
    // And the service answers with the same query shape.
    let d = backend::reports::duplicates::suggest(
        &app.state.backend,
        shared::LatLng::new(45.40, 11.86).expect("point"),
        Some(shared::CategoryId(pothole)),
        "segnalazione",
    )
    .await
    .expect("suggest");
    assert!(d.candidates.len() <= 5);
    assert!(d.candidates.iter().all(|c| c.distance_m <= 250.0));
}

/// A small HTTP server that answers like Nominatim's `/search` (what a municipality's geocoder is), after
/// `delay`, with `status`; it records the queries it was asked.
async fn fake_geocoder(
    delay: Duration,
    status: u16,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use axum::extract::RawQuery;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = axum::Router::new().route(
        "/search",
        axum::routing::get(move |RawQuery(q): RawQuery| {
            let log = log.clone();
            async move {
                log.lock().expect("lock").push(q.unwrap_or_default());
                tokio::time::sleep(delay).await;
                let body = json!([
                    { "lat": "45.4101", "lon": "11.8702", "display_name": "Via dal geocoder, Padova" },
                    { "lat": "41.9", "lon": "12.5", "display_name": "Roma, fuori dal comune" }
                ]);
                (
                    axum::http::StatusCode::from_u16(status).expect("status"),
                    axum::Json(body),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

async fn places(app: &TestApp, q: &str) -> Vec<String> {
    let res = app.server_fn("places", &[("q", q)]).await;
    assert_eq!(res.status(), 200);
    let hits: Vec<Value> = res.json().await.expect("json");
    hits.iter()
        .map(|h| h["name"].as_str().expect("name").to_owned())
        .collect()
}

#[tokio::test]
async fn addresses_come_from_the_geocoder_when_it_answers_and_from_the_gazetteer_when_it_does_not() {
    // A geocoder that answers: its places inside the municipality, asked within the municipality's extent.
    // A generous timeout: the answer is immediate, however loaded the machine.
    let (url, seen) = fake_geocoder(Duration::ZERO, 200).await;
    let app = spawn_app_with(&[
        ("SEGNALA_GEOCODER_URL", &url),
        ("SEGNALA_GEOCODER_TIMEOUT_MS", "15000"),
    ])
    .await;
    reporting_town(&app.db.pool).await;
    assert_eq!(
        places(&app, "via dal geocoder").await,
        vec!["Via dal geocoder, Padova"],
        "Rome is outside"
    );
    let q = seen.lock().expect("lock")[0].clone();
    assert!(
        q.contains("format=jsonv2") && q.contains("bounded=1") && q.contains("viewbox=11.8"),
        "{q}"
    );

    // One that never answers in time (an hour), and one failing: the local gazetteer answers instead.
    for (delay, status) in [(Duration::from_secs(3600), 200), (Duration::ZERO, 500)] {
        let (url, seen) = fake_geocoder(delay, status).await;
        let app = spawn_app_with(&[
            ("SEGNALA_GEOCODER_URL", &url),
            ("SEGNALA_GEOCODER_TIMEOUT_MS", "300"),
        ])
        .await;
        reporting_town(&app.db.pool).await;
        assert_eq!(
            places(&app, "via roma 12").await.first().map(String::as_str),
            Some("via Roma"),
            "delay {delay:?}, status {status}"
        );
        assert_eq!(
            seen.lock().expect("lock").len(),
            1,
            "the geocoder was asked first"
        );
    }
    // No geocoder configured: the gazetteer, trigram-ranked (a typo still finds the street).
    let app = spawn_app().await;
    reporting_town(&app.db.pool).await;
    assert_eq!(
        places(&app, "via del snato").await.first().map(String::as_str),
        Some("via del Santo")
    );
}

#[tokio::test]
async fn submissions_and_photos_are_limited_per_address_and_per_account() {
    // Per IP: two reports an hour, then 429 with Retry-After, and nothing stored.
    let app = spawn_app_with(&[("SEGNALA_REPORTS_PER_IP_PER_HOUR", "2")]).await;
    let (pothole, _, _) = reporting_town(&app.db.pool).await;
    for _ in 0..2 {
        assert_eq!(post_json(&app, &body(pothole), None).await.status(), 201);
    }
    let res = post_json(&app, &body(pothole), None).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(app.count("report").await, 2);

    // Per IP, photos: three photos when two an hour are allowed.
    let app = spawn_app_with(&[("SEGNALA_PHOTOS_PER_IP_PER_HOUR", "2")]).await;
    let (pothole, _, _) = reporting_town(&app.db.pool).await;
    let photo = backend::photos::process(&small_png()).expect("jpeg").full;
    let res = post_multipart(
        &app,
        &body(pothole),
        vec![
            ("a.jpg", photo.clone()),
            ("b.jpg", photo.clone()),
            ("c.jpg", photo),
        ],
        None,
    )
    .await;
    assert_eq!(res.status(), 429);
    assert_eq!(app.count("report").await, 0);
    assert_eq!(app.state.backend.photos.count().await.expect("count"), 0);

    // Per account (here an email address without an account), counted in the database: 2 an hour.
    let app = spawn_app_with(&[("SEGNALA_REPORTS_PER_ACCOUNT_PER_HOUR", "2")]).await;
    let (pothole, _, _) = reporting_town(&app.db.pool).await;
    for i in 0..2 {
        let mut b = body(pothole);
        b["title"] = json!(format!("Buca numero {i} in via Roma"));
        assert_eq!(post_json(&app, &b, None).await.status(), 201);
    }
    let res = post_json(&app, &body(pothole), None).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    let mut other = body(pothole);
    other["email"] = json!("paolo@esempio.it");
    assert_eq!(
        post_json(&app, &other, None).await.status(),
        201,
        "another address is not limited"
    );
}

/// The reporter of a private report sees its photos (the API lists them); strangers get the same 404 as for a
/// photo that does not exist, and nobody may cache them.
#[tokio::test]
async fn a_reporter_sees_the_photos_of_their_private_report_and_nobody_else_does() {
    let app = spawn_app().await;
    let (pothole, _, _) = reporting_town(&app.db.pool).await;
    app.account(
        "maria@esempio.it",
        crate::helpers::PASSWORD,
        shared::Role::Citizen,
    )
    .await;
    app.account("luca@esempio.it", crate::helpers::PASSWORD, shared::Role::Citizen)
        .await;
    let maria = app.browser();
    maria.sign_in("maria@esempio.it", crate::helpers::PASSWORD).await;
    let luca = app.browser();
    luca.sign_in("luca@esempio.it", crate::helpers::PASSWORD).await;
    let mut report = body(pothole);
    report["is_public"] = json!(false);
    report.as_object_mut().expect("object").remove("email");
    let res = maria.file_report(&report, vec![small_png()]).await;
    assert_eq!(res.status(), 201);
    let code = res.json::<Value>().await.expect("receipt")["receipt_code"]
        .as_str()
        .expect("code")
        .to_owned();
    let detail: Value = maria
        .get(&format!("/api/v1/reports/{code}"))
        .await
        .json()
        .await
        .expect("her report");
    let photo = &detail["photos"][0];
    for url in [
        photo["url"].as_str().expect("url"),
        photo["thumb_url"].as_str().expect("thumb"),
    ] {
        let res = maria.get(url).await;
        assert_eq!(res.status(), 200, "the reporter opens {url}");
        assert_eq!(res.headers()["cache-control"], "private, no-store");
        assert_eq!(app.get(url).await.status(), 404, "a stranger does not");
        assert_eq!(luca.get(url).await.status(), 404, "another citizen does not");
    }
}

/// The address search with a house number reads each matching street's door through the (street, number) key —
/// 200,000 house numbers are never scanned. (The streets themselves, a few thousand in a city, are matched by
/// trigrams; at that size the planner may read them all, which takes about a millisecond.)
#[tokio::test]
async fn the_house_number_search_uses_the_indexes() {
    let app = spawn_app().await;
    reporting_town(&app.db.pool).await;
    sqlx::raw_sql(
        "insert into place (kind, name, geom)
         select 'street', 'Via ' || md5(g::text), ST_SetSRID(ST_MakePoint(11.80 + random() * 0.15, 45.35 + random() * 0.1), 4326)
         from generate_series(1, 5000) g;
         insert into house_number (place_id, number, number_key, location)
         select p.place_id, n::text, n::text, p.geom from place p, generate_series(1, 40) n where p.kind = 'street'
           and ST_GeometryType(p.geom) = 'ST_Point';
         analyze place; analyze house_number;",
    )
    .execute(&app.db.pool)
    .await
    .expect("rows");
    let sql = backend::testing::offline_query(&["join house_number h using (place_id)", "h.number_key = $2"]);
    let plan: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("explain {sql}")))
        .bind("via arrigoni")
        .bind("10")
        .bind(8_i64)
        .fetch_all(&app.db.pool)
        .await
        .expect("explain");
    let plan = plan.join("\n");
    assert!(plan.contains("house_number_place_id_number_key_key"), "{plan}");
    assert!(!plan.contains("Seq Scan on house_number"), "{plan}");
}
