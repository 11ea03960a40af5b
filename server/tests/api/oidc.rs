//! Signing in through OpenID Connect against a real provider process (npm's oauth2-mock-server, started by the
//! test: server/tests/oidc_provider.mjs).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::helpers::{TestApp, expect_page, path_of, spawn_app_with};

struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn provider(extra: &[(&str, &str)]) -> Provider {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut cmd = Command::new("node");
    cmd.arg("server/tests/oidc_provider.mjs")
        .arg(backend::testing::free_port().to_string())
        .current_dir(&root)
        .stdout(Stdio::piped());
    for (k, v) in extra {
        cmd.env(k, v);
    }
    let mut child = cmd
        .spawn()
        .expect("node runs the test OpenID provider (scripts/test installs Node packages: npm ci)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the provider says it is ready");
    let issuer = line
        .trim()
        .strip_prefix("ready ")
        .unwrap_or_else(|| panic!("the OpenID provider did not start: {line:?} (run npm ci)"))
        .to_owned();
    Provider { child, issuer }
}

async fn app_with(p: &Provider) -> TestApp {
    spawn_app_with(&[
        ("SEGNALA_OIDC_ISSUER", p.issuer.as_str()),
        ("SEGNALA_OIDC_CLIENT_ID", "segnala"),
        ("SEGNALA_OIDC_LABEL", "SPID / CIE"),
    ])
    .await
}

/// Goes to the provider and back, as a browser following redirects would; returns the callback's answer.
async fn round_trip(app: &TestApp, b: &crate::helpers::Browser<'_>) -> reqwest::Response {
    let res = b.get("/accedi/oidc?ritorno=/la-mia-pagina").await;
    assert_eq!(res.status(), 303);
    let to_provider = res.headers()["location"].to_str().expect("ascii").to_owned();
    assert!(
        to_provider.contains("code_challenge=") && to_provider.contains("nonce="),
        "{to_provider}"
    );
    let res = app.client.get(&to_provider).send().await.expect("provider");
    assert!(res.status().is_redirection(), "the provider approves at once");
    let back = res.headers()["location"].to_str().expect("ascii").to_owned();
    assert!(
        back.starts_with(&format!("{}/accedi/oidc/ritorno?", app.base)),
        "{back}"
    );
    b.get(&path_of(&back)).await
}

#[tokio::test]
async fn a_person_signs_in_through_the_provider_and_is_recognised_next_time() {
    let p = provider(&[]);
    let app = app_with(&p).await;
    let login = app.get("/accedi").await.text().await.expect("html");
    assert!(login.contains("Accedi con SPID / CIE"));

    let b = app.browser();
    let res = round_trip(&app, &b).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap_or_default());
    assert_eq!(res.headers()["location"], "/la-mia-pagina");
    assert_eq!(b.me().await, (200, Some("giovanna.spid@esempio.it".into())));
    assert_eq!(
        app.count("app_user where email_confirmed_at is not null and password_hash is null and display_name = 'Giovanna Spid'")
            .await,
        1
    );
    assert_eq!(app.count("user_identity").await, 1);
    assert_eq!(app.count("oidc_login").await, 0, "the one-use state is gone");

    // Next time, the same person, the same account.
    let again = app.browser();
    assert_eq!(round_trip(&app, &again).await.status(), 303);
    assert_eq!(again.me().await.1.as_deref(), Some("giovanna.spid@esempio.it"));
    assert_eq!(app.count("app_user").await, 1);
}

#[tokio::test]
async fn an_existing_account_with_the_verified_address_is_linked() {
    let p = provider(&[]);
    let app = app_with(&p).await;
    app.account(
        "giovanna.spid@esempio.it",
        "cavallo batteria graffetta",
        shared::Role::OfficeStaff,
    )
    .await;
    let b = app.browser();
    assert_eq!(round_trip(&app, &b).await.status(), 303);
    let body: serde_json::Value = b.get("/api/v1/me").await.json().await.expect("json");
    assert_eq!(
        body["role"], "office_staff",
        "the staff account, not a new citizen"
    );
    assert_eq!(app.count("app_user").await, 1);
}

#[tokio::test]
async fn answers_not_meant_for_this_browser_or_without_a_verified_address_sign_nobody_in() {
    let p = provider(&[("SEGNALA_TEST_OIDC_EMAIL_VERIFIED", "false")]);
    let app = app_with(&p).await;

    // The provider does not vouch for the address: no account.
    let b = app.browser();
    let res = round_trip(&app, &b).await;
    expect_page(res, 400, "«email» è obbligatorio").await;
    assert_eq!(app.count("app_user").await, 0);

    // A callback started by another browser (login CSRF): refused, and its state is not spent.
    let attacker = app.browser();
    let res = attacker.get("/accedi/oidc").await;
    let to_provider = res.headers()["location"].to_str().expect("ascii").to_owned();
    let back = app
        .client
        .get(&to_provider)
        .send()
        .await
        .expect("provider")
        .headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let victim = app.browser();
    let res = victim.get(&path_of(&back)).await;
    assert_eq!(res.status(), 400);
    assert!(victim.cookie("segnala_session").is_none());
    assert_eq!(app.count("oidc_login").await, 1);

    // A provider error (the person cancelled) comes back as a clear message.
    let res = b.get("/accedi/oidc/ritorno?error=access_denied&state=x").await;
    expect_page(res, 400, "non è valido").await;
}

/// An ID token that fails any check a client must make — its signature, its audience, the nonce this sign-in
/// sent, its expiry, its issuer — signs nobody in and creates no account.
#[tokio::test]
async fn a_token_failing_any_check_signs_nobody_in() {
    for broken in ["signature", "audience", "nonce", "expired", "issuer"] {
        let p = provider(&[("SEGNALA_TEST_OIDC_BREAK", broken)]);
        let app = app_with(&p).await;
        let b = app.browser();
        let res = round_trip(&app, &b).await;
        assert_eq!(res.status(), 400, "{broken}");
        let page = res.text().await.expect("page");
        assert!(
            page.contains("non è valido"),
            "{broken}: the page says the sign-in failed"
        );
        assert!(b.cookie("segnala_session").is_none(), "{broken}: no session");
        assert_eq!(b.me().await.0, 401, "{broken}");
        assert_eq!(app.count("app_user").await, 0, "{broken}: no account");
        assert_eq!(
            app.count("user_identity").await,
            0,
            "{broken}: no identity linked"
        );
    }
    // The same provider, unbroken, signs in: the checks above refused the tokens, not the set-up.
    let p = provider(&[]);
    let app = app_with(&p).await;
    assert_eq!(round_trip(&app, &app.browser()).await.status(), 303);
}

#[tokio::test]
async fn without_oidc_configured_there_is_no_button_and_no_route() {
    let app = spawn_app_with(&[]).await;
    assert!(
        !app.get("/accedi")
            .await
            .text()
            .await
            .expect("html")
            .contains("Accedi con")
    );
    assert_eq!(app.browser().get("/accedi/oidc").await.status(), 404);
}
