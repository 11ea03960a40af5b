//! The outbox over real SMTP (Python's aiosmtpd): what a message looks like when it arrives, unsubscribing with
//! one click, a mail server that is down, and several server instances sharing one outbox.

use std::collections::HashSet;

use backend::mail::{Message, Recipient, Scope};
use backend::testing::{SmtpSink, free_port, wait_outbox_sent, wait_until};
use shared::Locale;
use shared::user::Email;

use crate::helpers::{TestApp, expect_page, spawn_app_with, spawn_on};

/// Queues `n` test messages to `to` (as the services do: inside a transaction).
async fn queue(app: &TestApp, to: &str, n: usize) -> Vec<String> {
    let mut tx = app.db.pool.begin().await.expect("begin");
    let email = Email::parse(to).expect("email");
    for i in 0..n {
        backend::mail::enqueue(
            &mut tx,
            &app.state.backend,
            &Recipient::address(&email, Locale::It),
            &Message::Test {
                by: format!("prova {i}"),
            },
        )
        .await
        .expect("enqueue");
    }
    tx.commit().await.expect("commit");
    sqlx::query_scalar("select message_id from outbox_mail where recipient = $1 order by mail_id")
        .bind(to)
        .fetch_all(&app.db.pool)
        .await
        .expect("ids")
}

#[tokio::test]
async fn a_message_arrives_with_both_parts_its_message_id_and_unsubscribe_headers() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(&[("SEGNALA_SMTP_URL", &sink.url())]).await;
    let ids = queue(&app, "maria@esempio.it", 1).await;
    let got = sink.wait_for("maria@esempio.it", 1, 10).await;
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m.message_id, ids[0], "the Message-ID written with the row");
    assert_eq!(m.subject, "Messaggio di prova di Segnala");
    assert!(
        m.text.contains("prova 0") && m.html.contains("prova 0"),
        "plain text and HTML"
    );
    assert!(m.html.starts_with("<!DOCTYPE html>"));
    assert_eq!(m.header("content-language"), Some("it"));
    let unsubscribe = m.header("list-unsubscribe").expect("List-Unsubscribe");
    assert!(
        unsubscribe.starts_with(&format!("<{}/disiscrizione/", app.base)),
        "{unsubscribe}"
    );
    assert_eq!(
        m.header("list-unsubscribe-post"),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(
        m.text.contains(unsubscribe.trim_matches(['<', '>'])),
        "the link is in the body too"
    );
    // The worker records the send after the SMTP server's answer, which can come a moment after the sink has
    // written the message: wait for the record.
    wait_outbox_sent(&app.db.pool, 20).await;
    let (status, attempts, reply): (String, i32, Option<String>) =
        sqlx::query_as("select status::text, attempts, smtp_reply from outbox_mail")
            .fetch_one(&app.db.pool)
            .await
            .expect("row");
    assert_eq!((status.as_str(), attempts), ("sent", 1));
    assert!(
        reply.is_some_and(|r| r.starts_with("250")),
        "what the server answered is recorded"
    );
}

#[tokio::test]
async fn one_click_unsubscribe_needs_no_sign_in_and_altered_links_change_nothing() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(&[("SEGNALA_SMTP_URL", &sink.url())]).await;
    queue(&app, "maria@esempio.it", 1).await;
    let m = sink.wait_for("maria@esempio.it", 1, 10).await.remove(0);
    let url = m
        .header("list-unsubscribe")
        .expect("header")
        .trim_matches(['<', '>'])
        .to_owned();
    let path = crate::helpers::path_of(&url);

    // Altered by one character: refused, nothing stored.
    let mut altered = path.clone().into_bytes();
    let i = altered.len() - 2;
    altered[i] = if altered[i] == b'x' { b'y' } else { b'x' };
    let altered = String::from_utf8(altered).expect("ascii");
    let res = app
        .client
        .post(format!("{}{altered}", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 400);
    let page = app.get(&altered).await;
    expect_page(page, 400, "non è valido").await;
    assert_eq!(app.count("mail_optout").await, 0);

    // Opening the link only asks; RFC 8058's one-click POST (from a mail provider: no cookie, no Origin) acts.
    let page = app.get(&path).await;
    expect_page(page, 200, "m***@esempio.it").await;
    assert_eq!(app.count("mail_optout").await, 0);
    let res = app
        .client
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 200);
    // An account message's link turns off every optional notification.
    assert_eq!(
        app.count("mail_optout where email = 'maria@esempio.it'").await,
        shared::mail::NotificationKind::ALL.len() as i64
    );

    // The page's own button undoes it.
    let b = app.browser();
    let res = b.post(&path, &[("azione", "riattiva")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.count("mail_optout").await, 0);
    let page = b
        .get(res.headers()["location"].to_str().expect("ascii"))
        .await
        .text()
        .await
        .expect("html");
    assert!(page.contains("invieremo di nuovo"));

    // A notification's link turns off that notification only.
    let one = backend::mail::unsubscribe_path(
        &app.state.backend,
        "maria@esempio.it",
        Scope::One(shared::mail::NotificationKind::Comments),
    )
    .await
    .expect("path");
    assert_eq!(b.post(&one, &[("azione", "disiscrivi")]).await.status(), 303);
    assert_eq!(app.count("mail_optout where kind = 'comments'").await, 1);
    assert_eq!(app.count("mail_optout").await, 1);
}

#[tokio::test]
async fn mail_waits_while_the_smtp_server_is_down_and_goes_once_when_it_returns() {
    let port = free_port();
    let url = format!("smtp://127.0.0.1:{port}");
    let app = spawn_app_with(&[("SEGNALA_SMTP_URL", &url)]).await;
    let ids = queue(&app, "maria@esempio.it", 3).await;

    // Attempts fail and are recorded; nothing is lost.
    wait_until("the failed attempts to be recorded", 60, || async {
        app.count("outbox_mail where status = 'pending' and attempts >= 1 and last_error is not null")
            .await
            == 3
    })
    .await;

    let sink = SmtpSink::start_on(port).await;
    let got = sink.wait_for("maria@esempio.it", 3, 20).await;
    assert_eq!(got.len(), 3);
    wait_outbox_sent(&app.db.pool, 20).await;
    let got = sink.messages();
    assert_eq!(got.len(), 3, "nothing sent twice");
    let received: HashSet<String> = got.into_iter().map(|m| m.message_id).collect();
    assert_eq!(received, ids.into_iter().collect::<HashSet<_>>());
    assert_eq!(
        app.count("outbox_mail where status = 'sent' and attempts >= 2")
            .await,
        3
    );
}

#[tokio::test]
async fn two_server_instances_never_send_the_same_message() {
    let sink = SmtpSink::start().await;
    let a = spawn_app_with(&[("SEGNALA_SMTP_URL", &sink.url()), ("SEGNALA_SMTP_WORKERS", "3")]).await;
    let b = spawn_on(
        &a.db,
        None,
        &[("SEGNALA_SMTP_URL", &sink.url()), ("SEGNALA_SMTP_WORKERS", "3")],
    )
    .await;
    let ids = queue(&a, "maria@esempio.it", 150).await;
    queue(&b, "luca@esempio.it", 50).await;
    let got = sink.wait_for("@esempio.it", 200, 60).await;
    assert_eq!(got.len(), 200);
    wait_outbox_sent(&a.db.pool, 60).await;
    let all = sink.messages();
    assert_eq!(
        all.len(),
        200,
        "six workers in two instances sent each message once"
    );
    let distinct: HashSet<&str> = all.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(distinct.len(), 200);
    assert!(ids.iter().all(|id| distinct.contains(id.as_str())));
    assert_eq!(
        a.count("outbox_mail where status = 'sent' and attempts = 1")
            .await,
        200
    );
}

#[tokio::test]
async fn without_smtp_mail_stays_in_the_outbox_for_the_mailbox_page() {
    let app = spawn_app_with(&[]).await;
    app.account(
        "admin@esempio.it",
        "cavallo batteria graffetta",
        shared::Role::Administrator,
    )
    .await;
    let admin = app.browser();
    admin
        .sign_in("admin@esempio.it", "cavallo batteria graffetta")
        .await;
    let res = admin
        .post("/amministrazione/posta/prova", &[("email", "prova@esempio.it")])
        .await;
    assert_eq!(res.status(), 303);
    let res = admin
        .post("/amministrazione/posta/prova", &[("email", "non un indirizzo")])
        .await;
    expect_page(res, 400, "«email» non ha il formato atteso").await;
    // Written in the request's transaction: there by the time the answer came, and no worker runs without SMTP.
    assert_eq!(
        app.count("outbox_mail where status = 'pending' and attempts = 0")
            .await,
        1
    );
    let page = admin
        .get("/amministrazione/posta")
        .await
        .text()
        .await
        .expect("html");
    assert!(page.contains("prova@esempio.it") && page.contains("Messaggio di prova di Segnala"));
    let id: i64 = sqlx::query_scalar("select mail_id from outbox_mail")
        .fetch_one(&app.db.pool)
        .await
        .expect("id");
    let page = admin.get(&format!("/amministrazione/posta/{id}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("Maria Rossi") && html.contains("srcdoc="),
        "the text and the HTML of the message"
    );
}

/// A notification to an address that turned it off is written as `suppressed` and never reaches the SMTP
/// server; a message of another kind (or one the person cannot turn off) still goes; turned back on, the next one
/// goes too.
#[tokio::test]
async fn a_notification_turned_off_is_recorded_as_suppressed_and_never_sent() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(&[("SEGNALA_SMTP_URL", &sink.url())]).await;
    let b = app.browser();
    let off = backend::mail::unsubscribe_path(
        &app.state.backend,
        "maria@esempio.it",
        Scope::One(shared::mail::NotificationKind::FollowedReports),
    )
    .await
    .expect("path");
    assert_eq!(b.post(&off, &[("azione", "disiscrivi")]).await.status(), 303);
    let update = |n: u32| Message::ReportUpdate {
        code: format!("SEG-2026-00000{n}"),
        title: "Buca in via Roma".into(),
        step: "Presa in carico".into(),
        signed: "ing. Marco Rossi".into(),
        mine: false,
        link: "http://127.0.0.1/segnalazioni/SEG-2026-000001".into(),
    };
    let to = Email::parse("maria@esempio.it").expect("email");
    let send = |message: Message| {
        let state = app.state.backend.clone();
        let to = to.clone();
        async move {
            let mut tx = state.pool.begin().await.expect("begin");
            backend::mail::enqueue(&mut tx, &state, &Recipient::address(&to, Locale::It), &message)
                .await
                .expect("enqueue");
            tx.commit().await.expect("commit");
        }
    };
    send(update(1)).await;
    send(Message::Test {
        by: "l'amministratore".into(),
    })
    .await;
    assert_eq!(
        app.count("outbox_mail where status = 'suppressed' and kind = 'report_update'")
            .await,
        1
    );
    // The test message goes; after it, nothing of the suppressed one can still go (it was never pending).
    wait_until("the test message to be sent", 20, || async {
        app.count("outbox_mail where status = 'sent'").await == 1
    })
    .await;
    let got = sink.messages_to("maria@esempio.it");
    assert_eq!(got.len(), 1, "only the message that was not turned off");
    assert_eq!(got[0].subject, "Messaggio di prova di Segnala");

    // Turned back on: the next update goes.
    assert_eq!(b.post(&off, &[("azione", "riattiva")]).await.status(), 303);
    send(update(2)).await;
    wait_outbox_sent_or_suppressed(&app).await;
    assert_eq!(sink.messages_to("maria@esempio.it").len(), 2);
    assert_eq!(
        app.count("outbox_mail where status = 'suppressed'").await,
        1,
        "the one suppressed before stays so"
    );
}

/// Every message either sent or suppressed (never to be sent).
async fn wait_outbox_sent_or_suppressed(app: &TestApp) {
    wait_until("every message to be sent or suppressed", 20, || async {
        app.count("outbox_mail where status not in ('sent', 'suppressed')")
            .await
            == 0
    })
    .await;
}

/// An office hears of each new report at once (its address and its people, but not whoever filed it; a person who
/// turned "new reports for my offices" off is spared), or once a day in a digest from 07:00 Italian time, or not at
/// all; an anonymous report reaches the office when its address is confirmed.
#[tokio::test]
async fn offices_hear_of_new_reports_at_once_or_in_a_daily_digest() {
    use crate::helpers::{PASSWORD, staff};
    use shared::Role;
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(&[("SEGNALA_SMTP_URL", &sink.url())]).await;
    let (pothole, _, _) = backend::testing::reporting_town(&app.db.pool).await;
    let office: i32 = sqlx::query_scalar(
        "update office set email = 'lavori@comune.example' where name = 'Lavori pubblici' returning office_id",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("office");
    staff(
        &app,
        "capo@comune.example",
        "Capo Ufficio",
        Role::OfficeManager,
        vec![shared::OfficeId(office)],
        None,
    )
    .await;
    staff(
        &app,
        "zitto@comune.example",
        "Non Disturbare",
        Role::OfficeStaff,
        vec![shared::OfficeId(office)],
        None,
    )
    .await;
    sqlx::query("insert into mail_optout (email, kind) values ('zitto@comune.example', 'new_reports')")
        .execute(&app.db.pool)
        .await
        .expect("opt-out");
    app.account("maria@esempio.it", PASSWORD, Role::Citizen).await;
    let maria = app.browser();
    maria.sign_in("maria@esempio.it", PASSWORD).await;
    let report = |title: &str| {
        serde_json::json!({
            "kind": "problem", "category_id": pothole, "lat": 45.40, "lng": 11.865,
            "title": title, "description": "Davanti al civico 12, pericolosa per le bici."
        })
    };

    // At once: the office's address and its manager; not the person who opted out.
    let res = maria
        .file_report(&report("Buca profonda in via Roma"), vec![])
        .await;
    assert_eq!(res.status(), 201);
    let to_office = sink.wait_for("lavori@comune.example", 1, 20).await;
    assert!(
        to_office[0].subject.starts_with("Nuova segnalazione SEG-"),
        "{}",
        to_office[0].subject
    );
    assert!(
        to_office[0]
            .text
            .contains("è arrivata la segnalazione «Buca profonda in via Roma»")
    );
    sink.wait_for("capo@comune.example", 1, 20).await;
    assert_eq!(
        app.count("outbox_mail where recipient = 'zitto@comune.example' and kind = 'new_report' and status = 'suppressed'")
            .await,
        1,
        "the person who turned them off gets none"
    );

    // The administrator chooses the daily digest: nothing at once; the next morning one message with what came
    // since the switch, once.
    app.account("admin@comune.example", PASSWORD, Role::Administrator)
        .await;
    let admin = app.browser();
    admin.sign_in("admin@comune.example", PASSWORD).await;
    let res = admin
        .post(
            "/amministrazione/uffici",
            &[
                ("id", &office.to_string()),
                ("name", "Lavori pubblici"),
                ("email", "lavori@comune.example"),
                ("notifiche", "daily"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    for title in ["Lampione spento in via Roma", "Tombino rotto in via Roma"] {
        let res = maria.file_report(&report(title), vec![]).await;
        assert_eq!(res.status(), 201);
    }
    assert_eq!(
        app.count("outbox_mail where kind = 'new_report'").await,
        3,
        "no new immediate message"
    );
    let state = app.db.state();
    let tomorrow_8 = (chrono::Utc::now() + chrono::Duration::days(1))
        .date_naive()
        .and_hms_opt(7, 0, 0)
        .expect("time")
        .and_utc();
    assert_eq!(
        backend::reports::notify::send_digests(&state, tomorrow_8)
            .await
            .expect("digests"),
        1
    );
    assert_eq!(
        backend::reports::notify::send_digests(&state, tomorrow_8)
            .await
            .expect("digests"),
        0,
        "once a day"
    );
    let digest = sink.wait_for("lavori@comune.example", 2, 20).await;
    assert_eq!(
        digest[1].subject,
        "2 nuove segnalazioni per l'ufficio Lavori pubblici"
    );
    assert!(digest[1].text.contains("Lampione spento") && digest[1].text.contains("Tombino rotto"));
    assert!(
        !digest[1].text.contains("Buca profonda"),
        "only what came since the last digest"
    );
    // Before 07:00 Italian time nothing is sent.
    let day_after_5 = tomorrow_8 + chrono::Duration::hours(21);
    assert_eq!(
        backend::reports::notify::send_digests(&state, day_after_5)
            .await
            .expect("digests"),
        0
    );

    // No email: nothing at once, no digest.
    let res = admin
        .post(
            "/amministrazione/uffici",
            &[
                ("id", &office.to_string()),
                ("name", "Lavori pubblici"),
                ("email", "lavori@comune.example"),
                ("notifiche", "none"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = maria
        .file_report(&report("Marciapiede rotto in via Roma"), vec![])
        .await;
    assert_eq!(res.status(), 201);
    // The office's address, its manager, and the (suppressed) row of the person who opted out: per message.
    assert_eq!(
        app.count("outbox_mail where kind in ('new_report', 'new_reports_digest')")
            .await,
        3 + 3
    );
}
