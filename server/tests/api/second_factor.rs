//! The optional second factor for staff, set up and used over HTTP with codes computed as an authenticator app
//! would.

use backend::testing::SmtpSink;
use shared::Role;

use crate::helpers::{PASSWORD, expect_page, spawn_app_with};

#[tokio::test]
async fn staff_turn_on_two_step_verification_and_sign_in_with_a_code_used_once() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(&[("SEGNALA_SMTP_URL", &sink.url())]).await;
    app.account("urp@esempio.it", PASSWORD, Role::UrpOperator).await;
    let b = app.browser();
    b.sign_in("urp@esempio.it", PASSWORD).await;

    assert_eq!(b.post("/la-mia-pagina/verifica/inizia", &[]).await.status(), 303);
    let page = b.get("/la-mia-pagina").await.text().await.expect("html");
    assert!(
        page.contains("<svg") && page.contains("totp-secret"),
        "QR code and key shown"
    );
    let secret: String = sqlx::query_scalar("select totp_secret from app_user")
        .fetch_one(&app.db.pool)
        .await
        .expect("secret");
    assert!(page.contains(&secret));

    // A wrong code does not turn it on.
    let res = b
        .post("/la-mia-pagina/verifica/attiva", &[("codice", "000000")])
        .await;
    expect_page(res, 400, "«codice di verifica» non è corretto").await;
    let code = backend::users::totp::current_code(&secret, app.state.backend.clock.unix()).expect("code");
    assert_eq!(
        b.post("/la-mia-pagina/verifica/attiva", &[("codice", &code)])
            .await
            .status(),
        303
    );
    assert_eq!(app.count("app_user where totp_enabled_at is not null").await, 1);
    assert_eq!(
        sink.wait_for("urp@esempio.it", 1, 10).await[0].subject,
        "Verifica in due passaggi attivata"
    );

    // Signing in now takes the password, then a code; the half-finished session opens nothing.
    let c = app.browser();
    let res = c
        .post("/accedi", &[("email", "urp@esempio.it"), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status(), 303);
    assert!(
        res.headers()["location"]
            .to_str()
            .expect("ascii")
            .starts_with("/accedi/verifica")
    );
    assert!(c.cookie("segnala_session").is_none());
    assert!(c.cookie("segnala_pending").is_some());
    c.set_cookie("segnala_session", &c.cookie("segnala_pending").expect("pending"));
    assert_eq!(c.me().await.0, 401, "a half-finished session is no session");
    c.forget("segnala_session");
    let res = c.post("/accedi/verifica", &[("codice", "123")]).await;
    expect_page(res, 400, "«codice di verifica» non ha il formato atteso").await;
    // The code used to turn it on cannot be used again (same time step); the next step's can: the server's
    // clock moves on by one step (no waiting).
    let res = c.post("/accedi/verifica", &[("codice", &code)]).await;
    assert_eq!(res.status(), 400, "a code works once");
    let clock = &app.state.backend.clock;
    clock.advance(std::time::Duration::from_secs(30));
    let fresh = backend::users::totp::current_code(&secret, clock.unix()).expect("code");
    let res = c.post("/accedi/verifica", &[("codice", &fresh)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(c.me().await.0, 200);
    assert!(c.cookie("segnala_pending").is_none());

    // Turning it off asks for the password.
    let res = c
        .post(
            "/la-mia-pagina/verifica/disattiva",
            &[("password", "non è questa")],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        c.post("/la-mia-pagina/verifica/disattiva", &[("password", PASSWORD)])
            .await
            .status(),
        303
    );
    assert_eq!(
        app.count("app_user where totp_enabled_at is null and totp_secret is null")
            .await,
        1
    );
}

#[tokio::test]
async fn citizens_have_no_second_factor_to_set_up() {
    let app = spawn_app_with(&[]).await;
    app.account("maria@esempio.it", PASSWORD, Role::Citizen).await;
    let b = app.browser();
    b.sign_in("maria@esempio.it", PASSWORD).await;
    let res = b.post("/la-mia-pagina/verifica/inizia", &[]).await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.count("app_user where totp_secret is not null").await, 0);
}
