//! The reports API and the `#[server]` fns: what is in a viewport, one report, and bad input.

use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn viewport_lists_public_reports_inside_the_bbox_newest_first() {
    let app = spawn_app().await;
    let cat = app.pothole_category().await;
    let (_, old) = app.report(cat, "Buca vecchia in via Roma", 45.405, 11.875).await;
    let (_, new) = app.report(cat, "Buca nuova in via Roma", 45.406, 11.876).await;
    app.report(cat, "Buca fuori dalla mappa", 45.50, 11.60).await;
    let private = backend::testing::create_report_at(
        &app.db.pool,
        cat,
        "Segnalazione riservata",
        45.405,
        11.875,
        chrono::Utc::now(),
        false,
    )
    .await;

    let res = app.get("/api/v1/reports?bbox=11.86,45.40,11.89,45.41").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("json");
    let codes: Vec<&str> = body["pins"]
        .as_array()
        .expect("pins")
        .iter()
        .map(|p| p["receipt_code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, [new.to_string(), old.to_string()]);
    assert!(
        !codes.contains(&private.1.to_string().as_str()),
        "private reports stay off the map"
    );
    assert_eq!(body["total"], 2);
    assert_eq!(body["pins"][0]["state"], "submitted");
    assert_eq!(body["pins"][0]["category"], "Buche stradali");
}

#[tokio::test]
async fn malformed_bbox_is_a_400_naming_the_field_and_rule() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/reports?bbox=11.86,45.40,11.89").await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["code"], "invalid_input");
    assert_eq!(body["field"], "bbox");
    assert_eq!(body["rule"]["rule"], "format");
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("area della mappa"),
        "Italian by default: {body}"
    );

    let res = app.get("/api/v1/reports?bbox=11.86,45.40,11.89&lang=en").await;
    let body: Value = res.json().await.expect("json");
    assert!(
        body["message"].as_str().expect("message").contains("map area"),
        "{body}"
    );

    let res = app.get("/api/v1/reports").await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["rule"]["rule"], "required");
}

#[tokio::test]
async fn impossible_coordinates_are_a_400() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/reports?bbox=11.86,-95,11.89,45.41").await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["field"], "latitude");
    assert_eq!(body["rule"]["rule"], "out_of_range");
    assert_eq!(
        body["message"],
        "Il campo «latitudine» deve essere compreso tra -90 e 90."
    );
    let res = app.get("/api/v1/reports?bbox=200,45.40,201,45.41&lang=en").await;
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["field"], "longitude");
    assert_eq!(
        body["message"],
        "The field “longitude” must be between -180 and 180."
    );
}

#[tokio::test]
async fn one_report_with_its_public_timeline() {
    let app = spawn_app().await;
    let cat = app.pothole_category().await;
    let (id, code) = app.report(cat, "Buca in corso Milano", 45.408, 11.868).await;
    sqlx::query(
        "insert into report_update (report_id, note, is_public, actor_kind, actor_name) values
         ($1, 'Nota interna: chiamare la ditta', false, 'staff', 'M. Rossi'),
         ($1, 'Sopralluogo programmato', true, 'staff', 'M. Rossi')",
    )
    .bind(id.0)
    .execute(&app.db.pool)
    .await
    .expect("notes");

    let res = app.get(&format!("/api/v1/reports/{code}")).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["title"], "Buca in corso Milano");
    assert_eq!(body["office"], "Lavori pubblici");
    let timeline = body["timeline"].as_array().expect("timeline");
    assert_eq!(timeline.len(), 2, "internal notes are not public: {timeline:?}");
    assert_eq!(timeline[0]["to_state"], "submitted");
    assert_eq!(timeline[1]["note"], "Sopralluogo programmato");

    // Lower case and spaces are forgiven.
    let res = app
        .get(&format!("/api/v1/reports/{}", code.to_string().to_lowercase()))
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn unknown_and_malformed_receipt_codes() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/reports/SEG-2026-999999").await;
    assert_eq!(res.status(), 404);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["code"], "not_found");

    let res = app.get("/api/v1/reports/not-a-code").await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["field"], "receipt_code");
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("SEG-2026-000123")
    );
}

#[tokio::test]
async fn the_viewport_server_fn_answers_and_rejects_bad_bboxes_with_400() {
    let app = spawn_app().await;
    let cat = app.pothole_category().await;
    app.report(cat, "Lampione spento in via Belzoni", 45.41, 11.88)
        .await;

    let res = app
        .server_fn("viewport", &[("bbox", "11.86,45.40,11.89,45.42")])
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["pins"][0]["title"], "Lampione spento in via Belzoni");

    let res = app.server_fn("viewport", &[("bbox", "oops")]).await;
    assert_eq!(res.status(), 400);
    let body = res.text().await.expect("body");
    assert!(body.contains("Invalid") && body.contains("bbox"), "{body}");

    let res = app.server_fn("report", &[("code", "SEG-2026-000777")]).await;
    assert_eq!(res.status(), 404);
}
