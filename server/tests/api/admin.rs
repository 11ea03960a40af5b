//! The administration page's doors: only administrators; offices, categories, templates, routing rules, areas
//! (GeoJSON checked and reprojected) and staff, each applied at once and logged.

use reqwest::multipart::Form;
use shared::Role;

use crate::helpers::{Browser, PASSWORD, TestApp, spawn_app};

async fn admin(app: &TestApp) -> Browser<'_> {
    app.account("admin@comune.example", PASSWORD, Role::Administrator)
        .await;
    let b = app.browser();
    b.sign_in("admin@comune.example", PASSWORD).await;
    b
}

/// Posts the area form (multipart) as `b`.
async fn upload(b: &Browser<'_>, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut form = Form::new();
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    b.post_multipart("/amministrazione/aree", form).await
}

#[tokio::test]
async fn only_administrators_administer() {
    let app = spawn_app().await;
    app.account("urp@comune.example", PASSWORD, Role::UrpOperator)
        .await;
    let urp = app.browser();
    urp.sign_in("urp@comune.example", PASSWORD).await;
    assert_eq!(urp.get("/amministrazione").await.status(), 403);
    let res = urp
        .post("/amministrazione/uffici", &[("name", "Ufficio abusivo")])
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.count("office where name = 'Ufficio abusivo'").await, 0);
    let anonymous = app.browser();
    assert_eq!(
        anonymous
            .post("/amministrazione/uffici", &[("name", "Ufficio anonimo")])
            .await
            .status(),
        401
    );
    let res = upload(&urp, &[("kind", "district"), ("name", "Nord"), ("geojson", "{}")]).await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn offices_categories_and_rules_apply_at_once() {
    let app = spawn_app().await;
    let (pothole, _, _) = backend::testing::reporting_town(&app.db.pool).await;
    let a = admin(&app).await;
    let res = a
        .post(
            "/amministrazione/uffici",
            &[("name", "Mobilità"), ("email", "mobilita@comune.example")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let office: i32 = sqlx::query_scalar("select office_id from office where name = 'Mobilità'")
        .fetch_one(&app.db.pool)
        .await
        .expect("office");
    // The same name twice names the field and the rule.
    let res = a.post("/amministrazione/uffici", &[("name", "Mobilità")]).await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .expect("page")
            .contains("Il valore del campo «nome» è già in uso")
    );
    // Regardless of case and spacing: " lavori  PUBBLICI " is the town's "Lavori pubblici" again.
    let res = a
        .post("/amministrazione/uffici", &[("name", " lavori  PUBBLICI ")])
        .await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.expect("page").contains("è già in uso"));
    // A category with a bad SLA is refused; a good one is offered on the reporting form at once.
    let res = a
        .post(
            "/amministrazione/categorie",
            &[
                ("name", "Semafori guasti"),
                ("office", &office.to_string()),
                ("sla_days", "0"),
                ("enabled", "true"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .expect("page")
            .contains("giorni per rispondere (SLA)")
    );
    let res = a
        .post(
            "/amministrazione/categorie",
            &[
                ("name", "Semafori guasti"),
                ("office", &office.to_string()),
                ("sla_days", "3"),
                ("duplicate_radius_m", "100"),
                ("enabled", "true"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let form = app
        .server_fn("report_form", &[])
        .await
        .text()
        .await
        .expect("form");
    assert!(form.contains("Semafori guasti"), "offered without a restart");
    // A routing rule sends potholes in the district to the new office.
    let district: i32 =
        sqlx::query_scalar("select area_id from area where kind = 'district' order by area_id limit 1")
            .fetch_one(&app.db.pool)
            .await
            .expect("district");
    let res = a
        .post(
            "/amministrazione/regole",
            &[
                ("category", &pothole.to_string()),
                ("area", &district.to_string()),
                ("office", &office.to_string()),
                ("offered", "true"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (lat, lng): (f64, f64) = sqlx::query_as(
        "select ST_Y(ST_PointOnSurface(boundary)), ST_X(ST_PointOnSurface(boundary)) from area where area_id = $1",
    )
    .bind(district)
    .fetch_one(&app.db.pool)
    .await
    .expect("point");
    let res = app
        .client
        .post(format!("{}/api/v1/reports", app.base))
        .json(&serde_json::json!({
            "kind": "problem", "category_id": pothole, "lat": lat, "lng": lng,
            "title": "Buca nel quartiere", "description": "Instradata dalla regola.", "email": "x@esempio.it"
        }))
        .send()
        .await
        .expect("report");
    assert_eq!(res.status(), 201);
    assert_eq!(app.count(&format!("report where office_id = {office}")).await, 1);
    // Every change is in the audit log.
    assert_eq!(
        app.count("audit_log where action in ('save_office', 'save_category', 'save_rule')")
            .await,
        3
    );
}

#[tokio::test]
async fn templates_with_unknown_placeholders_are_refused_and_good_ones_are_filled() {
    let app = spawn_app().await;
    let (pothole, _, _) = backend::testing::reporting_town(&app.db.pool).await;
    let a = admin(&app).await;
    let res = a
        .post(
            "/amministrazione/modelli",
            &[
                ("category", &pothole.to_string()),
                ("name", "Chiusura"),
                ("body", "Risolta il {giorno}. {firma}"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    let page = res.text().await.expect("page");
    assert!(page.contains("segnaposto {giorno}"), "names the placeholder");
    assert_eq!(app.count("answer_template").await, 0);
    let res = a
        .post(
            "/amministrazione/modelli",
            &[
                ("category", &pothole.to_string()),
                ("name", "Chiusura"),
                ("body", "La segnalazione {codice} è risolta. {firma}"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, code) = backend::testing::create_report(
        &app.db.pool,
        shared::CategoryId(pothole),
        "Buca da chiudere",
        45.40,
        11.865,
    )
    .await;
    let work = a
        .get(&format!("/ufficio/segnalazioni/{code}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        work.contains(&format!(
            "La segnalazione {code} è risolta. Maria Rossi, Amministratore"
        )),
        "filled"
    );
}

/// A square of `size` degrees at (`lng`, `lat`), as GeoJSON, in WGS 84.
fn square(lng: f64, lat: f64, size: f64) -> String {
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{lng},{lat}],[{e},{lat}],[{e},{n}],[{lng},{n}],[{lng},{lat}]]]}}"#,
        e = lng + size,
        n = lat + size
    )
}

#[tokio::test]
async fn boundaries_are_checked_and_reprojected() {
    let app = spawn_app().await;
    let a = admin(&app).await;
    // A district needs a municipality first.
    let res = upload(
        &a,
        &[
            ("kind", "district"),
            ("name", "Centro"),
            ("geojson", &square(11.86, 45.40, 0.01)),
        ],
    )
    .await;
    assert_eq!(res.status(), 400);
    let res = upload(
        &a,
        &[
            ("kind", "municipality"),
            ("name", "Comune di Prova"),
            ("geojson", &square(11.8, 45.35, 0.15)),
        ],
    )
    .await;
    assert_eq!(res.status(), 303, "{:?}", res.text().await);
    // Not a polygon; self-intersecting; unknown system; not JSON.
    let point = r#"{"type":"Point","coordinates":[11.86,45.40]}"#;
    let bowtie = r#"{"type":"Polygon","coordinates":[[[11.85,45.40],[11.87,45.42],[11.87,45.40],[11.85,45.42],[11.85,45.40]]]}"#;
    for (geojson, srid, needle) in [
        (point, "", "«Point» non è un poligono"),
        (bowtie, "", "il contorno si interseca"),
        (
            square(11.86, 45.40, 0.01).as_str(),
            "999999",
            "Il sistema di riferimento EPSG:999999 non è noto",
        ),
        ("{ not json", "", "non contiene un poligono valido"),
    ] {
        let res = upload(
            &a,
            &[
                ("kind", "district"),
                ("name", "Centro"),
                ("geojson", geojson),
                ("srid", srid),
            ],
        )
        .await;
        assert_eq!(res.status(), 400, "{needle}");
        let page = res.text().await.expect("page");
        assert!(
            page.contains(needle),
            "{needle}: {}",
            &page[page.len().saturating_sub(4000)..]
        );
    }
    assert_eq!(app.count("area where kind = 'district'").await, 0);
    // UTM 32N (EPSG:32632) metres around Padova, given on the form: stored in WGS 84.
    let utm = r#"{"type":"Polygon","coordinates":[[[725000,5030000],[727000,5030000],[727000,5032000],[725000,5032000],[725000,5030000]]]}"#;
    let res = upload(
        &a,
        &[
            ("kind", "district"),
            ("name", "Centro"),
            ("geojson", utm),
            ("srid", "32632"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303, "{:?}", res.text().await);
    let (x, y, srid): (f64, f64, i32) = sqlx::query_as(
        "select ST_X(ST_Centroid(boundary)), ST_Y(ST_Centroid(boundary)), ST_SRID(boundary) from area where name = 'Centro'",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("centro");
    assert_eq!(srid, 4326);
    assert!(
        (11.8..12.0).contains(&x) && (45.3..45.5).contains(&y),
        "reprojected: {x}, {y}"
    );
    // The system declared in the file (a feature collection in Monte Mario / Italy zone 1) is honoured.
    let declared = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3003"}},
        "features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[1725000,5034000],[1727000,5034000],[1727000,5036000],[1725000,5036000],[1725000,5034000]]]}}]}"#;
    let res = upload(
        &a,
        &[("kind", "district"), ("name", "Arcella"), ("geojson", declared)],
    )
    .await;
    assert_eq!(res.status(), 303, "{:?}", res.text().await);
    let x: f64 = sqlx::query_scalar("select ST_X(ST_Centroid(boundary)) from area where name = 'Arcella'")
        .fetch_one(&app.db.pool)
        .await
        .expect("arcella");
    assert!((11.0..13.0).contains(&x), "{x}");
    // Uploading a district again by name replaces it.
    let res = upload(
        &a,
        &[
            ("kind", "district"),
            ("name", "Centro"),
            ("geojson", &square(11.86, 45.40, 0.01)),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.count("area where kind = 'district'").await, 2);
}

#[tokio::test]
async fn staff_are_created_with_a_link_and_disabled_with_their_sessions() {
    let app = spawn_app().await;
    let a = admin(&app).await;
    let office = backend::testing::create_office(&app.db.pool, "Lavori pubblici").await;
    // An office role without an office names the field.
    let res = a
        .post(
            "/amministrazione/personale",
            &[
                ("name", "Luca Bianchi"),
                ("email", "bianchi@comune.example"),
                ("role", "office_staff"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.expect("page").contains("ufficio"));
    let res = a
        .post(
            "/amministrazione/personale",
            &[
                ("name", "Luca Bianchi"),
                ("email", "bianchi@comune.example"),
                ("role", "office_staff"),
                ("office", &office.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.count("outbox_mail where recipient = 'bianchi@comune.example' and kind = 'staff_invitation'")
            .await,
        1
    );
    let user: i64 = sqlx::query_scalar("select user_id from app_user where email = 'bianchi@comune.example'")
        .fetch_one(&app.db.pool)
        .await
        .expect("user");
    assert_eq!(
        app.count(&format!(
            "user_office where user_id = {user} and office_id = {office}"
        ))
        .await,
        1
    );
    // Disabled: the role stays, sessions end.
    sqlx::query("insert into user_session (user_id, token_hash, expires_at) values ($1, sha256('x'::bytea), now() + interval '1 day')")
        .bind(user)
        .execute(&app.db.pool)
        .await
        .expect("a session");
    assert_eq!(
        app.count(&format!("user_session where user_id = {user}")).await,
        1
    );
    let res = a
        .post(
            &format!("/amministrazione/personale/{user}"),
            &[
                ("role", "office_staff"),
                ("office", &office.to_string()),
                ("disabled", "true"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.count(&format!(
            "app_user where user_id = {user} and disabled_at is not null"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!("user_session where user_id = {user}")).await,
        0
    );
    // An administrator cannot lock themselves out here.
    let me: i64 = sqlx::query_scalar("select user_id from app_user where email = 'admin@comune.example'")
        .fetch_one(&app.db.pool)
        .await
        .expect("me");
    let res = a
        .post(
            &format!("/amministrazione/personale/{me}"),
            &[("role", "observer")],
        )
        .await;
    assert_eq!(res.status(), 400);
}

/// Setup mistakes can be undone: an office nothing uses is deleted, one in use is refused (disable it instead),
/// a district from another town is disabled (citizens are no longer offered it, new reports are not placed in it)
/// and enabled again, a contractor and a template are disabled; each change is in the audit log.
#[tokio::test]
async fn mistakes_are_disabled_or_deleted_when_nothing_uses_them() {
    use shared::admin::{Retirable, Retire};
    let app = spawn_app().await;
    backend::testing::reporting_town(&app.db.pool).await;
    let a = admin(&app).await;
    let id_of = |sql: &'static str| {
        let pool = app.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i32>(sql)
                .fetch_one(&pool)
                .await
                .expect(sql)
        }
    };

    // A duplicate office, made by mistake, and deleted.
    let res = a
        .post("/amministrazione/uffici", &[("name", "Lavori pubblici 2")])
        .await;
    assert_eq!(res.status(), 303);
    let dup = id_of("select office_id from office where name = 'Lavori pubblici 2'").await;
    let res = a.post(&Retire::Delete.href(Retirable::Office, dup), &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.count("office where name = 'Lavori pubblici 2'").await, 0);
    assert_eq!(app.count("audit_log where action = 'delete_office'").await, 1);

    // An office its categories still use cannot be deleted: the page says so, and it stays.
    let used = id_of("select office_id from office where name = 'Lavori pubblici'").await;
    let res = a.post(&Retire::Delete.href(Retirable::Office, used), &[]).await;
    assert_eq!(res.status(), 400);
    let page = res.text().await.expect("page");
    assert!(page.contains("ancora in uso"), "{page}");
    assert_eq!(app.count("office where name = 'Lavori pubblici'").await, 1);

    // A district disabled: gone from the citizens' choice and from new reports' placement; back when enabled.
    let state = app.db.state();
    let ovest = id_of("select area_id from area where name = 'Ovest'").await;
    let names = |v: Vec<(shared::AreaId, String)>| v.into_iter().map(|(_, n)| n).collect::<Vec<_>>();
    assert!(
        names(backend::places::districts(&state).await.expect("districts")).contains(&"Ovest".to_owned())
    );
    let res = a
        .post(&Retire::Disable.href(Retirable::District, ovest), &[])
        .await;
    assert_eq!(res.status(), 303);
    assert!(
        !names(backend::places::districts(&state).await.expect("districts")).contains(&"Ovest".to_owned())
    );
    let mut conn = app.db.pool.acquire().await.expect("conn");
    assert!(
        backend::places::district_point(&mut conn, shared::AreaId(ovest))
            .await
            .is_err(),
        "a disabled district is no longer a place to report in"
    );
    let res = a
        .post(&Retire::Enable.href(Retirable::District, ovest), &[])
        .await;
    assert_eq!(res.status(), 303);
    assert!(
        names(backend::places::districts(&state).await.expect("districts")).contains(&"Ovest".to_owned())
    );

    // A contractor and an answer template disabled, then the template deleted.
    let res = a
        .post("/amministrazione/ditte", &[("name", "Asfalti Rossi srl")])
        .await;
    assert_eq!(res.status(), 303);
    let ditta = id_of("select contractor_id from contractor where name = 'Asfalti Rossi srl'").await;
    let res = a
        .post(&Retire::Disable.href(Retirable::Contractor, ditta), &[])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.count("contractor where disabled_at is not null").await, 1);
    let res = a
        .post(
            "/amministrazione/modelli",
            &[
                ("name", "Presa in carico"),
                ("body", "Presa in carico: {codice}."),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let tpl = id_of("select answer_template_id from answer_template where name = 'Presa in carico'").await;
    for action in [Retire::Disable, Retire::Delete] {
        let res = a.post(&action.href(Retirable::Template, tpl), &[]).await;
        assert_eq!(res.status(), 303);
    }
    assert_eq!(app.count("answer_template").await, 0);
    assert_eq!(
        app.count(
            "audit_log where action in ('disable_district', 'enable_district', 'disable_contractor', \
             'disable_template', 'delete_template')"
        )
        .await,
        5
    );

    // A routing rule disabled: routing ignores it (Rifiuti is offered in Est again), enabled: it applies.
    let est = id_of("select area_id from area where name = 'Est'").await;
    let rifiuti = id_of("select category_id from category where name = 'Rifiuti'").await;
    let offered_in_est = || async {
        let mut conn = app.db.pool.acquire().await.expect("conn");
        backend::places::offered(&mut conn, Some(shared::AreaId(est)))
            .await
            .expect("offered")
            .iter()
            .any(|c| c.name == "Rifiuti")
    };
    assert!(!offered_in_est().await);
    let rule = [("category", rifiuti.to_string()), ("area", est.to_string())];
    let rule: Vec<(&str, &str)> = rule.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = a.post("/amministrazione/regole/disattiva", &rule).await;
    assert_eq!(res.status(), 303);
    assert!(offered_in_est().await);
    let res = a.post("/amministrazione/regole/riattiva", &rule).await;
    assert_eq!(res.status(), 303);
    assert!(!offered_in_est().await);
    assert_eq!(
        app.count("audit_log where action in ('disable_rule', 'enable_rule')")
            .await,
        2
    );

    // An address that names nothing administered.
    let res = a.post("/amministrazione/personale/1/elimina", &[]).await;
    assert_eq!(res.status(), 404);
}

/// Lat/lng swapped: a square around Padova written as [lat, lng].
fn swapped_square(lng: f64, lat: f64, size: f64) -> String {
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{s},{w}],[{s},{e}],[{n},{e}],[{n},{w}],[{s},{w}]]]}}"#,
        w = lng,
        s = lat,
        e = lng + size,
        n = lat + size
    )
}

/// A feature: a square named `name` in the property `prop`.
fn feature(prop: &str, name: &str, w: f64, s: f64, size: f64) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{"{prop}":"{name}"}},"geometry":{}}}"#,
        square(w, s, size)
    )
}

fn collection(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

/// A swapped boundary is caught before it replaces anything, as is one outside Italy; a preview loads nothing;
/// a replaced boundary comes back with one click; districts come many from one collection, adjacent ones
/// accepted, and each problem of a bad collection is named.
#[tokio::test]
async fn boundaries_are_previewed_sanity_checked_and_put_back() {
    let app = spawn_app().await;
    let a = admin(&app).await;
    let admin_ref = &a;
    let municipality = |geojson: String| async move {
        upload(
            admin_ref,
            &[
                ("kind", "municipality"),
                ("name", "Comune di Prova"),
                ("geojson", &geojson),
            ],
        )
        .await
    };
    let res = municipality(square(11.8, 45.35, 0.15)).await;
    assert_eq!(res.status(), 303);
    let east = || async {
        sqlx::query_scalar::<_, f64>("select ST_XMax(boundary) from area where kind = 'municipality'")
            .fetch_one(&app.db.pool)
            .await
            .expect("boundary")
    };
    let before = east().await;

    // Swapped, then outside Italy: refused, the boundary untouched.
    let res = municipality(swapped_square(11.8, 45.35, 0.2)).await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .expect("page")
            .contains("latitudine e longitudine scambiate")
    );
    let res = municipality(square(2.30, 48.80, 0.1)).await;
    assert_eq!(res.status(), 400);
    let page = res.text().await.expect("page");
    assert!(
        page.contains("La forma cade fuori dall") && page.contains("Italia: controlla"),
        "{page}"
    );
    assert_eq!(east().await, before);

    // A preview says what would be loaded and loads nothing; the document stays in the form to confirm.
    let bigger = square(11.8, 45.35, 0.2);
    let res = upload(
        &a,
        &[
            ("kind", "municipality"),
            ("name", "Comune di Prova"),
            ("geojson", &bigger),
            ("preview", "1"),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.expect("page");
    assert!(
        page.contains("Anteprima: non è stato ancora caricato nulla"),
        "{page}"
    );
    assert!(page.contains("sostituisce quello attuale") && page.contains("Conferma e carica"));
    assert!(page.contains("11.8,45.35"), "the document comes back in the form");
    assert_eq!(east().await, before);

    // Applied, then put back with one click (and the rollback undone the same way).
    let res = municipality(bigger).await;
    assert_eq!(res.status(), 303);
    assert!((east().await - 12.0).abs() < 1e-9);
    let res = a.post("/amministrazione/confine/ripristina", &[]).await;
    assert_eq!(res.status(), 303);
    assert!((east().await - before).abs() < 1e-9);
    assert_eq!(app.count("audit_log where action = 'restore_boundary'").await, 1);

    // Two adjacent districts from one collection, named by "nome".
    let two = collection(&[
        feature("nome", "Nord", 11.8, 45.425, 0.075),
        feature("nome", "Sud", 11.8, 45.35, 0.075),
    ]);
    let res = upload(
        &a,
        &[("kind", "district"), ("name_property", "nome"), ("geojson", &two)],
    )
    .await;
    assert_eq!(res.status(), 303, "{:?}", res.text().await);
    assert_eq!(app.count("area where kind = 'district'").await, 2);

    // A collection with a district overlapping Nord, one half outside the boundary and one unnamed: each named,
    // nothing loaded.
    let bad = collection(&[
        feature("nome", "Centro", 11.8, 45.44, 0.05),
        feature("nome", "Fuori", 11.92, 45.36, 0.06),
        feature("altro", "Senza nome", 11.82, 45.36, 0.01),
    ]);
    let res = upload(
        &a,
        &[("kind", "district"), ("name_property", "nome"), ("geojson", &bad)],
    )
    .await;
    assert_eq!(res.status(), 400);
    let page = res.text().await.expect("page");
    let error = page.find("class=\"form-error\"").map_or("", |i| &page[i..]);
    for needle in [
        "«Centro» si sovrappone a «Nord»",
        "di «Fuori» è fuori dal confine comunale",
        "elemento n. 3 non ha un nome nella proprietà «nome»",
    ] {
        assert!(error.contains(needle), "{needle}: {error:.2000}");
    }
    assert_eq!(app.count("area where kind = 'district'").await, 2);
}

/// A real invitation: who invited, as what, valid for days; sent again (the old link stops working), accepted by
/// choosing a password; another revoked (link dead, account disabled). A citizen already registered is given the
/// role instead of "address in use", and told by email; a contractor's account without its company is named.
#[tokio::test]
async fn staff_are_invited_resent_revoked_and_citizens_promoted() {
    use crate::helpers::{path_of, spawn_app_with};
    use backend::testing::SmtpSink;
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(&[("SEGNALA_SMTP_URL", &sink.url())]).await;
    let a = admin(&app).await;
    let office = backend::testing::create_office(&app.db.pool, "Lavori pubblici").await;
    let invite = |email: &'static str, name: &'static str| {
        let office = office.to_string();
        let a = &a;
        async move {
            a.post(
                "/amministrazione/personale",
                &[
                    ("name", name),
                    ("email", email),
                    ("role", "office_staff"),
                    ("office", &office),
                ],
            )
            .await
        }
    };
    let user_of = |email: &'static str| {
        let pool = app.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("select user_id from app_user where email = $1")
                .bind(email)
                .fetch_one(&pool)
                .await
                .expect("user")
        }
    };

    let res = invite("bianchi@comune.example", "Luca Bianchi").await;
    assert_eq!(res.status(), 303);
    let first = sink.wait_for("bianchi@comune.example", 1, 20).await;
    assert_eq!(first[0].subject, "Invito a lavorare su Segnala");
    let text = &first[0].text;
    assert!(
        text.contains("ti ha invitato a lavorare") && text.contains("per l'ufficio Lavori pubblici"),
        "{text}"
    );
    assert!(text.contains("L'invito vale fino al"), "{text}");
    let old_link = path_of(
        &first[0]
            .link(&format!("{}/nuova-password/", app.base))
            .expect("link"),
    );
    let page = a.get("/amministrazione").await.text().await.expect("page");
    assert!(
        page.contains("in attesa, valido fino al"),
        "the list shows the pending invitation"
    );

    // Sent again: a new link; the first one no longer works.
    let bianchi = user_of("bianchi@comune.example").await;
    let res = a
        .post(
            &format!("/amministrazione/personale/{bianchi}"),
            &[("invito", "reinvia")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let both = sink.wait_for("bianchi@comune.example", 2, 20).await;
    let new_link = path_of(
        &both[1]
            .link(&format!("{}/nuova-password/", app.base))
            .expect("link"),
    );
    assert_ne!(old_link, new_link);
    let visitor = app.browser();
    assert_eq!(
        visitor
            .post(&old_link, &[("password", "una frase nuova e lunga")])
            .await
            .status(),
        410
    );
    let res = visitor
        .post(&new_link, &[("password", "una frase nuova e lunga")])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(visitor.me().await.0, 200, "signed in once the password is chosen");
    assert_eq!(
        app.count(&format!(
            "staff_invitation where user_id = {bianchi} and accepted_at is not null"
        ))
        .await,
        1
    );
    let res = a
        .post(
            &format!("/amministrazione/personale/{bianchi}"),
            &[("invito", "revoca")],
        )
        .await;
    assert_eq!(res.status(), 400, "an accepted invitation cannot be revoked");

    // Another invitation, revoked: its link is dead and the account disabled.
    let res = invite("verdi@comune.example", "Anna Verdi").await;
    assert_eq!(res.status(), 303);
    let mail = sink.wait_for("verdi@comune.example", 1, 20).await;
    let link = path_of(
        &mail[0]
            .link(&format!("{}/nuova-password/", app.base))
            .expect("link"),
    );
    let verdi = user_of("verdi@comune.example").await;
    let res = a
        .post(
            &format!("/amministrazione/personale/{verdi}"),
            &[("invito", "revoca")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.browser()
            .post(&link, &[("password", "una frase nuova e lunga")])
            .await
            .status(),
        410
    );
    assert_eq!(
        app.count(&format!(
            "app_user where user_id = {verdi} and disabled_at is not null"
        ))
        .await,
        1
    );

    // A citizen already registered becomes staff, keeps their password, and is told.
    app.account("rossi@esempio.it", PASSWORD, Role::Citizen).await;
    let res = invite("rossi@esempio.it", "Mario Rossi").await;
    assert_eq!(res.status(), 303);
    let told = sink.wait_for("rossi@esempio.it", 1, 20).await;
    assert_eq!(told[0].subject, "Nuovo ruolo su Segnala");
    assert!(
        told[0].text.contains("ti ha assegnato il ruolo"),
        "{}",
        told[0].text
    );
    assert_eq!(
        app.count("app_user where email = 'rossi@esempio.it' and role = 'office_staff'")
            .await,
        1
    );
    let rossi = app.browser();
    rossi.sign_in("rossi@esempio.it", PASSWORD).await;
    assert_eq!(rossi.get("/ufficio").await.status(), 200);
    // Again: they are staff already.
    let res = invite("rossi@esempio.it", "Mario Rossi").await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .expect("page")
            .contains("appartiene già a un account del personale")
    );

    // A contractor's account without its company: the page says what is missing.
    let res = a
        .post(
            "/amministrazione/personale",
            &[
                ("name", "Ditta Uno"),
                ("email", "ditta@esempio.it"),
                ("role", "contractor"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.expect("page").contains("richiede la ditta"));
    assert_eq!(
        app.count("audit_log where action in ('create_staff', 'resend_invitation', 'revoke_invitation', 'promote_staff')")
            .await,
        5
    );
}

/// The town's streets from an ANNCSU-style CSV: counted, skipped lines named by number, "via Arrigoni 10" found
/// at its door; a GeoJSON merged in (a street's line, an OpenStreetMap address point); projected coordinates
/// with their EPSG code; a file without the needed columns named; "replace" leaves only the file's streets.
#[tokio::test]
async fn streets_and_house_numbers_are_imported_and_found_by_address() {
    let app = spawn_app().await;
    backend::testing::reporting_town(&app.db.pool).await;
    let a = admin(&app).await;
    let import = |text: String, fields: Vec<(&'static str, &'static str)>| {
        let b = &a;
        async move {
            let mut form = Form::new().part(
                "file",
                reqwest::multipart::Part::text(text).file_name("stradario.csv"),
            );
            for (k, v) in fields {
                form = form.text(k, v);
            }
            b.post_multipart("/amministrazione/vie", form).await
        }
    };
    let csv = "CODICE_VIA;DUG;DENOMINAZIONE;CIVICO;ESPONENTE;LONGITUDINE;LATITUDINE\n\
               701;VIA;ARRIGONI;10;;11,8712;45,4023\n\
               701;VIA;ARRIGONI;12;B;11,8715;45,4025\n\
               702;PIAZZA;DEI SIGNORI;1;;11.8750;45.4080\n\
               703;VIA;LONTANA;5;;12.5000;45.9000\n\
               704;VIA;ROMA;snc;;11.86;45.40\n\
               705;VIA;;7;;11.86;45.40\n"
        .to_owned();
    let res = import(csv, vec![("mode", "merge")]).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.expect("page");
    assert!(
        page.contains("Importazione completata: 6 righe lette, 2 vie nuove, 0 aggiornate, 3 numeri civici."),
        "{}",
        page.find("import-report")
            .map_or("no report", |i| &page[i..i + 600])
    );
    for needle in [
        "3 righe saltate",
        "riga 5: fuori dal confine comunale",
        "riga 6: numero civico non valido «snc»",
        "riga 7: manca il nome della via",
    ] {
        assert!(page.contains(needle), "{needle}");
    }
    let state = app.db.state();
    let hits = backend::places::search(&state, "via Arrigoni 10")
        .await
        .expect("search");
    assert_eq!(hits[0].name, "Via Arrigoni 10");
    assert!((hits[0].lat - 45.4023).abs() < 1e-6 && (hits[0].lng - 11.8712).abs() < 1e-6);
    let hits = backend::places::search(&state, "arrigoni 12/b")
        .await
        .expect("search");
    assert_eq!(hits[0].name, "Via Arrigoni 12/B");
    let hits = backend::places::search(&state, "piazza dei signori")
        .await
        .expect("search");
    assert_eq!(hits[0].name, "Piazza dei Signori");
    assert_eq!(app.count("audit_log where action = 'import_streets'").await, 1);

    // Merged: a street line for via Arrigoni (kept as its geometry) and an address point on the town's
    // "via Roma" (the same street, written with a capital).
    let geojson = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"name":"Via Arrigoni","highway":"residential"},
         "geometry":{"type":"LineString","coordinates":[[11.8710,45.4020],[11.8720,45.4030]]}},
        {"type":"Feature","properties":{"addr:street":"Via Roma","addr:housenumber":"3"},
         "geometry":{"type":"Point","coordinates":[11.8650,45.4001]}},
        {"type":"Feature","properties":{"amenity":"bench"},"geometry":{"type":"Point","coordinates":[11.86,45.40]}}]}"#;
    let res = import(geojson.to_owned(), vec![("mode", "merge")]).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.expect("page");
    assert!(
        page.contains("0 vie nuove, 2 aggiornate, 1 numeri civici"),
        "{}",
        page.find("import-report")
            .map_or("no report", |i| &page[i..i + 600])
    );
    assert!(page.contains("elemento 3: né una via"));
    assert_eq!(
        app.count("place where name = 'Via Arrigoni' and ST_Dimension(geom) = 1")
            .await,
        1
    );
    assert_eq!(app.count("place where name_key(name) = 'via roma'").await, 1);
    let hits = backend::places::search(&state, "via roma 3")
        .await
        .expect("search");
    assert_eq!(hits[0].name, "via Roma 3");

    // Coordinates in UTM 32N with their EPSG code; a file without a name column.
    let utm = "DENOMINAZIONE;CIVICO;COORD_X;COORD_Y\nVia Nuova;1;726000;5030500\n".to_owned();
    let res = import(utm, vec![("mode", "merge"), ("srid", "32632")]).await;
    assert_eq!(res.status(), 200);
    let x: f64 = sqlx::query_scalar(
        "select ST_X(location) from house_number h join place p using (place_id) where p.name = 'Via Nuova'",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("via nuova");
    assert!((11.8..11.95).contains(&x), "{x}");
    let res = import("A;B\n1;2\n".to_owned(), vec![("mode", "merge")]).await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .expect("page")
            .contains("non ha le colonne necessarie")
    );

    // Replace: only the file's streets remain (places that are not streets stay).
    let res = import(
        "DENOMINAZIONE;CIVICO;LONGITUDINE;LATITUDINE\nVia Sola;1;11.87;45.40\n".to_owned(),
        vec![("mode", "replace")],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.count("place where kind = 'street'").await, 1);
    assert_eq!(app.count("place where kind = 'place'").await, 1);
}
