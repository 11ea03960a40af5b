//! Accounts over HTTP, with real mail: registering, confirming, signing in and out, resetting a password, and the
//! bad input each step must refuse clearly without changing anything.

use backend::testing::SmtpSink;
use shared::Role;

use crate::helpers::{PASSWORD, TestApp, expect_page, path_of, spawn_app_with};

async fn app_with_mail() -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(&[("SEGNALA_SMTP_URL", &sink.url())]).await;
    (app, sink)
}

/// The page's error box (compared between answers that must not differ).
fn error_box(html: &str) -> String {
    let start = html.find("class=\"form-error\"").unwrap_or(0);
    let end = html[start..].find("</div>").map_or(html.len(), |e| start + e);
    html[start..end].to_owned()
}

#[tokio::test]
async fn register_confirm_with_the_emailed_link_and_sign_in() {
    let (app, sink) = app_with_mail().await;
    let b = app.browser();

    let res = b
        .post(
            "/registrati",
            &[
                ("nome", "Maria Rossi"),
                ("email", " Maria.Rossi@Esempio.IT "),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().expect("location").to_owned();
    assert!(to.starts_with("/registrati/inviata?a="), "{to}");
    assert!(
        b.get(&to)
            .await
            .text()
            .await
            .expect("html")
            .contains("m***@esempio.it")
    );
    // Stored once, lower-cased, not confirmed, no session yet.
    assert_eq!(
        app.count("app_user where email = 'maria.rossi@esempio.it' and email_confirmed_at is null")
            .await,
        1
    );
    assert_eq!(b.me().await.0, 401);

    let mail = sink.wait_for("maria.rossi@esempio.it", 1, 10).await;
    assert_eq!(mail.len(), 1, "one confirmation message");
    let m = &mail[0];
    assert_eq!(m.subject, "Conferma il tuo indirizzo email");
    assert!(m.html.contains("Maria Rossi") && m.text.contains("Maria Rossi"));
    let link = m
        .link(&format!("{}/conferma-email/", app.base))
        .expect("a confirmation link to this site");
    let path = path_of(&link);

    // Opening the link only asks for the password; a wrong one keeps the link usable.
    let page = b.get(&path).await;
    expect_page(page, 200, "m***@esempio.it").await;
    let res = b.post(&path, &[("password", "not the password at all")]).await;
    expect_page(res, 400, "«password» non è corretto").await;
    assert!(b.cookie("segnala_session").is_none());

    let res = b.post(&path, &[("password", PASSWORD)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/la-mia-pagina");
    assert_eq!(b.me().await, (200, Some("maria.rossi@esempio.it".into())));
    let page = b.get("/la-mia-pagina").await.text().await.expect("html");
    assert!(
        page.contains("Maria Rossi") && page.contains("Cittadino"),
        "La mia pagina shows the account"
    );
    assert_eq!(
        app.count("app_user where email_confirmed_at is not null").await,
        1
    );

    // The same link again: used.
    let res = b.get(&path).await;
    expect_page(res, 410, "già stato usato").await;
    // Altered by one character: not valid.
    let mut altered = path.clone().into_bytes();
    let last = altered.len() - 1;
    altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).expect("ascii");
    let res = b.get(&altered).await;
    expect_page(res, 400, "non è valido").await;
    assert_eq!(b.post(&altered, &[("password", PASSWORD)]).await.status(), 400);
}

#[tokio::test]
async fn an_expired_confirmation_link_says_so_and_the_account_stays_inactive() {
    let (app, sink) = app_with_mail().await;
    let b = app.browser();
    b.post(
        "/registrati",
        &[
            ("nome", "Luca Bianchi"),
            ("email", "luca@esempio.it"),
            ("password", PASSWORD),
        ],
    )
    .await;
    let mail = sink.wait_for("luca@esempio.it", 1, 10).await;
    let path = path_of(&mail[0].link(&app.base).expect("link"));
    sqlx::query("update email_token set expires_at = now() - interval '1 minute'")
        .execute(&app.db.pool)
        .await
        .expect("expire");
    let res = b.post(&path, &[("password", PASSWORD)]).await;
    expect_page(res, 410, "scaduto").await;
    assert_eq!(
        app.count("app_user where email_confirmed_at is not null").await,
        0
    );
    // A sign-in with the right password says to confirm, and sends a fresh link.
    let res = b
        .post("/accedi", &[("email", "luca@esempio.it"), ("password", PASSWORD)])
        .await;
    expect_page(res, 403, "non è ancora confermato").await;
    assert_eq!(sink.wait_for("luca@esempio.it", 2, 10).await.len(), 2);
}

#[tokio::test]
async fn bad_registrations_name_the_field_and_rule_and_store_nothing() {
    let (app, sink) = app_with_mail().await;
    let b = app.browser();
    let cases = [
        (
            "maria@esempio.it",
            "corta",
            "«password» deve avere almeno 12 caratteri",
        ),
        (
            "maria@esempio.it",
            "Juventus1897!",
            "«password» è troppo facile da indovinare",
        ),
        (
            "maria@esempio.it",
            "qwerty123456",
            "«password» è troppo facile da indovinare",
        ),
        ("maria@", PASSWORD, "«email» non ha il formato atteso"),
        ("", PASSWORD, "«email» è obbligatorio"),
    ];
    for (email, password, expected) in cases {
        let res = b
            .post(
                "/registrati",
                &[("nome", "Maria Rossi"), ("email", email), ("password", password)],
            )
            .await;
        assert_eq!(res.status(), 400, "{email} / {password}");
        let html = res.text().await.expect("html");
        assert!(html.contains(expected), "{expected} in:\n{}", error_box(&html));
        assert!(
            !html.contains(&format!("value=\"{password}\"")),
            "the password is never sent back"
        );
        assert!(
            html.contains("aria-invalid=\"true\""),
            "the field is marked invalid"
        );
    }
    // English, on request.
    b.set_cookie("segnala_lang", "en");
    let res = b
        .post(
            "/registrati",
            &[
                ("nome", "Maria Rossi"),
                ("email", "maria@esempio.it"),
                ("password", "short"),
            ],
        )
        .await;
    assert!(
        res.text()
            .await
            .expect("html")
            .contains("The field “password” must have at least 12 characters.")
    );
    // The typed name and address come back; nothing was stored or sent.
    b.forget("segnala_lang");
    let html = b
        .post(
            "/registrati",
            &[
                ("nome", "Maria Rossi"),
                ("email", "maria@esempio.it"),
                ("password", "x"),
            ],
        )
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains("value=\"maria@esempio.it\"") && html.contains("value=\"Maria Rossi\""));
    assert_eq!(app.count("app_user").await, 0);
    assert_eq!(app.count("outbox_mail").await, 0);
    assert!(sink.messages().is_empty());
}

#[tokio::test]
async fn registering_an_address_twice_answers_the_same_and_tells_its_owner() {
    let (app, sink) = app_with_mail().await;
    app.account("anna@esempio.it", PASSWORD, Role::Citizen).await;
    let b = app.browser();
    let taken = b
        .post(
            "/registrati",
            &[
                ("nome", "Qualcun altro"),
                ("email", "Anna@Esempio.it"),
                ("password", "un'altra frase lunga"),
            ],
        )
        .await;
    let fresh = b
        .post(
            "/registrati",
            &[
                ("nome", "Bruno Neri"),
                ("email", "bruno@esempio.it"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(taken.status(), 303);
    assert_eq!(taken.status(), fresh.status());
    let (t, f) = (
        taken.headers()["location"].to_str().expect("ascii"),
        fresh.headers()["location"].to_str().expect("ascii"),
    );
    assert_eq!(
        t.replace("a***", "X"),
        f.replace("b***", "X"),
        "the same answer but for the masked address"
    );
    assert_eq!(
        app.count("app_user where email = 'anna@esempio.it'").await,
        1,
        "stored once"
    );
    let to_anna = sink.wait_for("anna@esempio.it", 1, 10).await;
    assert_eq!(to_anna[0].subject, "Hai già un account su Segnala");
    assert!(to_anna[0].text.contains("/password-dimenticata"));
    // The existing account is untouched: the old password still works, the new one does not.
    let b2 = app.browser();
    b2.sign_in("anna@esempio.it", PASSWORD).await;
    let res = app
        .browser()
        .post(
            "/accedi",
            &[("email", "anna@esempio.it"), ("password", "un'altra frase lunga")],
        )
        .await;
    assert_eq!(
        res.status(),
        401,
        "the second registration's password opens nothing"
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_address_get_the_same_answer_and_the_same_work() {
    let app = spawn_app_with(&[]).await;
    app.account("anna@esempio.it", PASSWORD, Role::Citizen).await;
    let b = app.browser();
    let hasher = &app.state.backend.passwords;

    let before = hasher.computed();
    let wrong = b
        .post(
            "/accedi",
            &[("email", "anna@esempio.it"), ("password", "sbagliata sbagliata")],
        )
        .await;
    assert_eq!(hasher.computed(), before + 1);
    let unknown = b
        .post(
            "/accedi",
            &[
                ("email", "nessuno@esempio.it"),
                ("password", "sbagliata sbagliata"),
            ],
        )
        .await;
    assert_eq!(
        hasher.computed(),
        before + 2,
        "an unknown address costs one hash too"
    );
    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    let (w, u) = (
        wrong.text().await.expect("html"),
        unknown.text().await.expect("html"),
    );
    assert_eq!(error_box(&w), error_box(&u));
    assert!(w.contains("Email o password non corretti."));
    assert!(b.cookie("segnala_session").is_none());
}

#[tokio::test]
async fn fifty_wrong_passwords_throttle_strangers_but_not_the_owner_and_it_ends() {
    let app = spawn_app_with(&[]).await;
    app.account("anna@esempio.it", PASSWORD, Role::Citizen).await;
    // The owner signed in from this browser before: it holds a trusted-device cookie for the address.
    let owner = app.browser();
    owner.sign_in("anna@esempio.it", PASSWORD).await;
    assert!(owner.cookie("segnala_device").is_some());
    owner.post("/esci", &[]).await;

    let attacker = app.browser();
    let mut statuses = Vec::new();
    for i in 0..50 {
        let res = attacker
            .post(
                "/accedi",
                &[
                    ("email", "anna@esempio.it"),
                    ("password", &format!("tentativo numero {i}")),
                ],
            )
            .await;
        if res.status() == 429 {
            let retry: u64 = res.headers()["retry-after"]
                .to_str()
                .expect("ascii")
                .parse()
                .expect("seconds");
            assert!((1..=900).contains(&retry), "Retry-After {retry}");
        }
        statuses.push(res.status().as_u16());
    }
    assert_eq!(&statuses[..5], &[401; 5], "five tries, then a pause");
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    // Even the right password waits, from a stranger's browser…
    let res = attacker
        .post("/accedi", &[("email", "anna@esempio.it"), ("password", PASSWORD)])
        .await;
    expect_page(res, 429, "Troppi tentativi").await;
    // …but the owner's own browser is not locked out.
    owner.sign_in("anna@esempio.it", PASSWORD).await;
    // And the pause ends: once it is over, the right password works from anywhere.
    sqlx::query("update rate_counter set blocked_until = now() - interval '1 second', window_start = now() - interval '1 hour'")
        .execute(&app.db.pool)
        .await
        .expect("time passes");
    let later = app.browser();
    later.sign_in("anna@esempio.it", PASSWORD).await;
}

#[tokio::test]
async fn per_ip_limits_answer_429_with_retry_after() {
    let app = spawn_app_with(&[("SEGNALA_RATE_LIMIT_PER_MINUTE", "5")]).await;
    let b = app.browser();
    for i in 0..5 {
        let res = b
            .post("/password-dimenticata", &[("email", &format!("x{i}@esempio.it"))])
            .await;
        assert_eq!(res.status(), 303);
    }
    let res = b
        .post(
            "/accedi",
            &[("email", "x@esempio.it"), ("password", "qualunque cosa")],
        )
        .await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    // The map is not limited.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn a_session_cookie_replayed_after_sign_out_is_worthless() {
    let app = spawn_app_with(&[]).await;
    app.account("anna@esempio.it", PASSWORD, Role::Citizen).await;
    let b = app.browser();
    b.sign_in("anna@esempio.it", PASSWORD).await;
    let stolen = b.cookie("segnala_session").expect("session");
    assert_eq!(b.me().await.0, 200);
    let res = b.post("/esci", &[]).await;
    assert_eq!(res.status(), 303);
    assert!(b.cookie("segnala_session").is_none(), "the cookie is cleared");
    let replay = app.browser();
    replay.set_cookie("segnala_session", &stolen);
    assert_eq!(replay.me().await.0, 401);
    let page = replay.get("/la-mia-pagina").await;
    expect_page(page, 401, "devi accedere").await;
    assert_eq!(app.count("user_session").await, 0);
}

#[tokio::test]
async fn sessions_are_cookies_of_the_right_kind_and_rotate_at_sign_in() {
    let app = spawn_app_with(&[]).await;
    app.account("anna@esempio.it", PASSWORD, Role::Citizen).await;
    let b = app.browser();
    b.set_cookie("segnala_session", "planted-by-someone-else-aaaaaaaaaaaaaaaaaaaa");
    let res = b
        .post("/accedi", &[("email", "anna@esempio.it"), ("password", PASSWORD)])
        .await;
    let set: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap_or("").to_owned())
        .collect();
    let session = set
        .iter()
        .find(|c| c.starts_with("segnala_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"),
        "{session}"
    );
    assert!(!session.contains("Secure"), "plain HTTP on loopback only");
    assert_ne!(
        b.cookie("segnala_session").as_deref(),
        Some("planted-by-someone-else-aaaaaaaaaaaaaaaaaaaa")
    );
    // The database keeps the token's hash, not the token.
    let token = b.cookie("segnala_session").expect("session");
    let stored: Vec<u8> = sqlx::query_scalar("select token_hash from user_session")
        .fetch_one(&app.db.pool)
        .await
        .expect("row");
    assert_ne!(stored, token.as_bytes());

    // Behind HTTPS, cookies are Secure.
    let https = spawn_app_with(&[("SEGNALA_PUBLIC_URL", "https://segnala.comune.example.it")]).await;
    https.account("anna@esempio.it", PASSWORD, Role::Citizen).await;
    let res = https
        .browser()
        .post_from(
            "/accedi",
            &[("email", "anna@esempio.it"), ("password", PASSWORD)],
            Some("https://segnala.comune.example.it"),
        )
        .await;
    let set = res.headers()["set-cookie"].to_str().expect("ascii").to_owned();
    assert!(set.contains("; Secure"), "{set}");
}

#[tokio::test]
async fn sessions_survive_a_restart_and_work_on_another_instance() {
    let app = spawn_app_with(&[]).await;
    app.account("anna@esempio.it", PASSWORD, Role::Citizen).await;
    let b = app.browser();
    b.sign_in("anna@esempio.it", PASSWORD).await;
    let session = b.cookie("segnala_session").expect("session");
    // Another instance beside it takes the same session.
    let beside = crate::helpers::spawn_on(&app.db, None, &[]).await;
    let b2 = beside.browser();
    b2.set_cookie("segnala_session", &session);
    assert_eq!(b2.me().await, (200, Some("anna@esempio.it".into())));
    // Both stopped, as a restart stops them; a new one started on the same database still knows the session.
    for stopped in [&app, &beside] {
        stopped.state.stop();
        let base = stopped.base.clone();
        backend::testing::wait_until("the instance to stop listening", 30, || async {
            reqwest::get(format!("{base}/healthz")).await.is_err()
        })
        .await;
    }
    let restarted = crate::helpers::spawn_on(&app.db, None, &[]).await;
    let b3 = restarted.browser();
    b3.set_cookie("segnala_session", &session);
    assert_eq!(b3.me().await, (200, Some("anna@esempio.it".into())));
}

#[tokio::test]
async fn forgotten_password_by_email_ends_every_session() {
    let (app, sink) = app_with_mail().await;
    app.account("anna@esempio.it", PASSWORD, Role::Citizen).await;
    let elsewhere = app.browser();
    elsewhere.sign_in("anna@esempio.it", PASSWORD).await;

    let b = app.browser();
    let known = b
        .post("/password-dimenticata", &[("email", "anna@esempio.it")])
        .await;
    let unknown = b
        .post("/password-dimenticata", &[("email", "nessuno@esempio.it")])
        .await;
    assert_eq!(known.status(), 303);
    assert_eq!(
        known.headers()["location"],
        unknown.headers()["location"],
        "no hint whether an address is registered"
    );
    let mail = sink.wait_for("anna@esempio.it", 1, 10).await;
    assert_eq!(mail[0].subject, "Scegli una nuova password");
    let path = path_of(
        &mail[0]
            .link(&format!("{}/nuova-password/", app.base))
            .expect("reset link"),
    );
    // Messages are written in the request's transaction: none for that address means none will ever go.
    assert_eq!(
        app.count("outbox_mail where recipient = 'nessuno@esempio.it'")
            .await,
        0,
        "nothing goes to an address without an account"
    );

    // A refused new password keeps the link usable.
    let res = b.post(&path, &[("password", "password123456")]).await;
    expect_page(res, 400, "troppo facile").await;
    let res = b.post(&path, &[("password", "una frase nuova e lunga")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(b.me().await.0, 200, "signed in with the new password");
    assert_eq!(elsewhere.me().await.0, 401, "every other session ended");
    assert_eq!(
        b.post(&path, &[("password", "ancora un'altra frase")])
            .await
            .status(),
        410,
        "one use only"
    );
    let notice = sink.wait_for("anna@esempio.it", 2, 10).await;
    assert_eq!(notice[1].subject, "La tua password è stata cambiata");
    app.browser()
        .sign_in("anna@esempio.it", "una frase nuova e lunga")
        .await;
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_and_rotates_this_one() {
    let (app, sink) = app_with_mail().await;
    app.account("anna@esempio.it", PASSWORD, Role::Citizen).await;
    let (here, there) = (app.browser(), app.browser());
    here.sign_in("anna@esempio.it", PASSWORD).await;
    there.sign_in("anna@esempio.it", PASSWORD).await;
    let old = here.cookie("segnala_session").expect("session");

    let res = here
        .post(
            "/la-mia-pagina/password",
            &[("attuale", "non è questa"), ("nuova", "una frase nuova e lunga")],
        )
        .await;
    expect_page(res, 400, "«password attuale» non è corretto").await;
    assert_eq!(there.me().await.0, 200, "a refused change changes nothing");

    let res = here
        .post(
            "/la-mia-pagina/password",
            &[("attuale", PASSWORD), ("nuova", "una frase nuova e lunga")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_ne!(here.cookie("segnala_session").expect("new session"), old);
    assert_eq!(here.me().await.0, 200);
    assert_eq!(there.me().await.0, 401);
    let replay = app.browser();
    replay.set_cookie("segnala_session", &old);
    assert_eq!(replay.me().await.0, 401);
    assert_eq!(
        sink.wait_for("anna@esempio.it", 1, 10).await[0].subject,
        "La tua password è stata cambiata"
    );
}

#[tokio::test]
async fn requests_from_other_sites_change_nothing() {
    let app = spawn_app_with(&[]).await;
    app.account("anna@esempio.it", PASSWORD, Role::Citizen).await;
    let b = app.browser();
    b.sign_in("anna@esempio.it", PASSWORD).await;
    let res = b.post_from("/esci", &[], Some("https://evil.example")).await;
    assert_eq!(res.status(), 403);
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body["code"], "cross_origin");
    let res = b.post_from("/la-mia-pagina/notifiche", &[], None).await;
    assert_eq!(
        res.status(),
        403,
        "no Origin and no Referer, with a session cookie"
    );
    assert_eq!(b.me().await.0, 200, "still signed in");
    assert_eq!(app.count("mail_optout").await, 0);
    // Login CSRF too.
    let fresh = app.browser();
    let res = fresh
        .post_from(
            "/accedi",
            &[("email", "anna@esempio.it"), ("password", PASSWORD)],
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(res.status(), 403);
    // The site itself, and scripts without cookies, pass.
    assert_eq!(b.post("/esci", &[]).await.status(), 303);
}

#[tokio::test]
async fn staff_see_their_role_and_only_administrators_read_the_mailbox() {
    let app = spawn_app_with(&[]).await;
    app.account("admin@esempio.it", PASSWORD, Role::Administrator)
        .await;
    app.account("urp@esempio.it", PASSWORD, Role::UrpOperator).await;
    let admin = app.browser();
    admin.sign_in("admin@esempio.it", PASSWORD).await;
    let page = admin.get("/la-mia-pagina").await.text().await.expect("html");
    assert!(page.contains("Amministratore"));
    let mailbox = admin.get("/amministrazione/posta").await;
    expect_page(mailbox, 200, "Nessun server SMTP").await;

    let urp = app.browser();
    urp.sign_in("urp@esempio.it", PASSWORD).await;
    let res = urp.get("/amministrazione/posta").await;
    expect_page(res, 403, "Il tuo ruolo non consente").await;
    assert_eq!(app.browser().get("/amministrazione/posta").await.status(), 401);
    let body: serde_json::Value = urp.get("/api/v1/me").await.json().await.expect("json");
    assert_eq!(body["role"], "urp_operator");
}
