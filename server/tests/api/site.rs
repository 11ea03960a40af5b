//! Going live: the municipality names itself from the administration pages (header, titles, footer, emails,
//! feeds), publishes its legal pages, uploads its coat of arms, and opens the service when the checklist is done.

use backend::testing::SmtpSink;
use reqwest::multipart::{Form, Part};
use shared::Role;

use crate::helpers::{Browser, PASSWORD, TestApp, spawn_app, spawn_app_with};

async fn admin(app: &TestApp) -> Browser<'_> {
    app.account("admin@comune.example", PASSWORD, Role::Administrator)
        .await;
    let b = app.browser();
    b.sign_in("admin@comune.example", PASSWORD).await;
    b
}

const IDENTITY: &[(&str, &str)] = &[
    ("name", "Comune di Vigonza"),
    ("address", "Via Cavour 16, 35010 Vigonza"),
    ("phone", "049 8090211"),
    ("email", "urp@comune.vigonza.pd.it"),
    ("pec", "vigonza.pd@cert.ip-veneto.net"),
    ("hours", "Lunedì-venerdì 9-12:30"),
    ("footer", "Servizio del Comune di Vigonza"),
    ("dpo", "Studio Bianchi, dpo@studiobianchi.example"),
    ("accessibility_url", "https://form.agid.gov.it/view/vigonza-2026"),
    ("example_street", "via Arrigoni"),
];

/// Posts the logo form (multipart) as `b`.
async fn post_logo(b: &Browser<'_>, path: &str, part: Option<Part>) -> reqwest::Response {
    let form = match part {
        Some(p) => Form::new().part("logo", p),
        None => Form::new().text("remove", "1"),
    };
    b.post_multipart(path, form).await
}

#[tokio::test]
async fn the_municipality_names_itself_on_every_page_email_and_feed() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(&[("SEGNALA_SMTP_URL", &sink.url())]).await;
    let a = admin(&app).await;
    let res = a.post("/amministrazione/ente", IDENTITY).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/amministrazione/ente?fatto=ente");
    assert_eq!(app.count("audit_log where action = 'save_identity'").await, 1);

    let visitor = app.browser();
    let home = visitor.get("/").await.text().await.expect("home");
    assert!(
        home.contains("<title>Mappa delle segnalazioni · Comune di Vigonza</title>"),
        "{home}"
    );
    assert!(home.contains("Segnalazioni dei cittadini al Comune di Vigonza"));
    // The footer: the URP, the legal links, the AgID statement.
    for needle in [
        "class=\"site-footer\"",
        "Via Cavour 16, 35010 Vigonza",
        "href=\"tel:0498090211\"",
        "vigonza.pd@cert.ip-veneto.net",
        "Lunedì-venerdì 9-12:30",
        "href=\"/privacy\"",
        "href=\"/note-legali\"",
        "href=\"https://form.agid.gov.it/view/vigonza-2026\"",
        "mailto:urp@comune.vigonza.pd.it?subject=",
    ] {
        assert!(home.contains(needle), "the home page lacks {needle}");
    }
    // The form: the town's own street as the example, the privacy notice beside it.
    let form = visitor.get("/segnala").await.text().await.expect("form");
    assert!(form.contains("Per esempio «via Arrigoni 12»."), "{form}");
    assert!(form.contains("class=\"privacy-note\""));
    let register = visitor.get("/registrati").await.text().await.expect("register");
    assert!(register.contains("class=\"privacy-note\""));

    // The privacy notice, from the real settings.
    let privacy = visitor.get("/privacy").await.text().await.expect("privacy");
    for needle in [
        "è il Comune di Vigonza",
        "dpo@studiobianchi.example",
        "dopo 72 ore",
        "art. 6, par. 1, lett. e",
        "Garante per la protezione dei dati personali",
        "solo cookie tecnici",
    ] {
        assert!(privacy.contains(needle), "the privacy notice lacks {needle}");
    }
    let accessibility = visitor.get("/accessibilita").await.text().await.expect("a11y");
    assert!(accessibility.contains("https://form.agid.gov.it/view/vigonza-2026"));
    assert!(accessibility.contains("urp@comune.vigonza.pd.it"));
    let notes = visitor.get("/note-legali").await;
    assert_eq!(notes.status(), 200);

    // Emails: the footer speaks of the municipality with its article.
    let res = visitor
        .post(
            "/registrati",
            &[
                ("nome", "Luca Verdi"),
                ("email", "luca@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "{:?}", res.text().await);
    let mail = sink.wait_for("luca@example.org", 1, 30).await;
    assert!(
        mail[0]
            .text
            .contains("il servizio di segnalazioni del Comune di Vigonza")
            || mail[0].text.contains("Segnala (Comune di Vigonza)"),
        "{}",
        mail[0].text
    );
    assert!(!mail[0].text.contains("di Comune di"));

    // Feeds carry the name too.
    let feed = visitor.get("/feed/nuove.atom").await;
    assert_eq!(feed.status(), 200);
    assert!(feed.text().await.expect("feed").contains("Comune di Vigonza"));
}

#[tokio::test]
async fn a_refused_identity_names_the_field_keeps_what_was_typed_and_changes_nothing() {
    let app = spawn_app().await;
    let a = admin(&app).await;
    let res = a
        .post(
            "/amministrazione/ente",
            &[
                ("name", "Comune di Vigonza"),
                ("email", "non-un-indirizzo"),
                ("footer", "Testo che resta nel modulo"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    let page = res.text().await.expect("page");
    assert!(page.contains("class=\"form-error\""), "{page}");
    assert!(page.contains("«email»"), "{page}");
    assert!(page.contains("Testo che resta nel modulo"));
    assert_eq!(app.count("site where name = 'Comune di Vigonza'").await, 0);
    let res = a
        .post(
            "/amministrazione/ente",
            &[
                ("name", "Vigonza\u{0}"),
                ("accessibility_url", "javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    let res = a
        .post(
            "/amministrazione/ente",
            &[
                ("name", "Comune di Vigonza"),
                ("accessibility_url", "javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .expect("page")
            .contains("dichiarazione di accessibilità")
    );
    assert_eq!(app.count("site where name <> ''").await, 0);
}

#[tokio::test]
async fn only_administrators_set_the_identity() {
    let app = spawn_app().await;
    app.account("urp@comune.example", PASSWORD, Role::UrpOperator)
        .await;
    let urp = app.browser();
    urp.sign_in("urp@comune.example", PASSWORD).await;
    assert_eq!(urp.post("/amministrazione/ente", IDENTITY).await.status(), 403);
    assert_eq!(urp.get("/amministrazione/ente").await.status(), 403);
    assert_eq!(urp.post("/amministrazione/apri", &[]).await.status(), 403);
    let anonymous = app.browser();
    assert_eq!(
        anonymous.post("/amministrazione/ente", IDENTITY).await.status(),
        401
    );
    assert_eq!(app.count("site where name <> ''").await, 0);
}

#[tokio::test]
async fn the_logo_is_re_encoded_served_for_a_year_and_replaced_at_a_new_address() {
    let app = spawn_app().await;
    let a = admin(&app).await;
    let png = backend::photos::gradient_png(900, 600);
    let res = post_logo(
        &a,
        "/amministrazione/stemma",
        Some(
            Part::bytes(png)
                .file_name("stemma.png")
                .mime_str("image/png")
                .expect("mime"),
        ),
    )
    .await;
    assert_eq!(res.status(), 303);
    let version: i32 = sqlx::query_scalar("select logo_version from site")
        .fetch_one(&app.db.pool)
        .await
        .expect("version");
    let home = app.get("/").await.text().await.expect("home");
    let src = format!("/stemma/{version}.png");
    assert!(home.contains(&format!("src=\"{src}\"")), "{home}");
    let logo = app.get(&src).await;
    assert_eq!(logo.status(), 200);
    assert_eq!(logo.headers()["content-type"], "image/png");
    assert!(
        logo.headers()["cache-control"]
            .to_str()
            .expect("header")
            .contains("immutable")
    );
    let png = logo.bytes().await.expect("bytes");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // The PNG's header: width and height, big-endian, after the signature and the IHDR chunk's start.
    let dim = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    assert_eq!((dim(16), dim(20)), (256, 171));

    // Not an image: refused, naming the field; the logo stays.
    let res = post_logo(
        &a,
        "/amministrazione/stemma",
        Some(Part::bytes(b"<svg onload=alert(1)>".to_vec()).file_name("x.svg")),
    )
    .await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.expect("page").contains("stemma o logo"));
    assert_eq!(app.get(&src).await.status(), 200);

    // Removed: the old address is gone, the header shows none.
    assert_eq!(post_logo(&a, "/amministrazione/stemma", None).await.status(), 303);
    assert_eq!(app.get(&src).await.status(), 404);
    assert!(
        !app.get("/")
            .await
            .text()
            .await
            .expect("home")
            .contains("/stemma/")
    );
    assert_eq!(app.get("/stemma/nonsense").await.status(), 404);
}

#[tokio::test]
async fn until_it_opens_citizens_read_that_it_opens_soon_and_the_checklist_says_what_is_missing() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(&[("SEGNALA_SMTP_URL", &sink.url())]).await;
    sqlx::query("update site set opened_at = null")
        .execute(&app.db.pool)
        .await
        .expect("close");
    app.state.backend.site.clear();
    let (pothole, _, _) = backend::testing::reporting_town(&app.db.pool).await;
    let citizen = app.browser();
    let form = citizen.get("/segnala").await.text().await.expect("form");
    assert!(form.contains("Il servizio apre a breve"), "{form}");
    assert!(!form.contains("<form"));
    let res = citizen
        .file_report(
            &serde_json::json!({
                "kind": "problem", "category_id": pothole, "lat": 45.40, "lng": 11.866,
                "title": "Buca davanti al municipio", "description": "Una buca profonda.",
                "email": "maria@example.org",
            }),
            vec![],
        )
        .await;
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body["rule"]["rule"], "not_open_yet", "{body}");
    assert_eq!(app.count("report").await, 0);

    // The administrator sees what is missing, and cannot open before it is done.
    let a = admin(&app).await;
    let home = a.get("/amministrazione").await.text().await.expect("admin");
    assert!(
        home.contains("data-step=\"Identity\" data-done=\"false\""),
        "{home}"
    );
    assert!(home.contains("data-step=\"Boundary\" data-done=\"true\""));
    let res = a.post("/amministrazione/apri", &[]).await;
    assert_eq!(res.status(), 400);
    let page = res.text().await.expect("page");
    assert!(page.contains("Prima di aprire il servizio completa:"), "{page}");
    assert!(page.contains("nome dell'ente e contatti dell'URP"));
    assert_eq!(app.count("site where opened_at is not null").await, 0);

    // Done: identity, legal, every office's address, a member of staff.
    assert_eq!(a.post("/amministrazione/ente", IDENTITY).await.status(), 303);
    sqlx::query("update office set email = 'ufficio@comune.vigonza.pd.it'")
        .execute(&app.db.pool)
        .await
        .expect("emails");
    app.account("tecnico@comune.example", PASSWORD, Role::OfficeStaff)
        .await;
    sqlx::query("update office set email = 'ufficio@comune.vigonza.pd.it' where email is null")
        .execute(&app.db.pool)
        .await
        .expect("emails");
    let res = a.post("/amministrazione/apri", &[]).await;
    assert_eq!(res.status(), 303, "{:?}", res.text().await);
    assert_eq!(app.count("audit_log where action = 'open_service'").await, 1);
    let home = a.get("/amministrazione").await.text().await.expect("admin");
    assert!(home.contains("class=\"notice service-open\""), "{home}");

    let res = citizen
        .file_report(
            &serde_json::json!({
                "kind": "problem", "category_id": pothole, "lat": 45.40, "lng": 11.866,
                "title": "Buca davanti al municipio", "description": "Una buca profonda.",
                "email": "maria@example.org",
            }),
            vec![],
        )
        .await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
}
