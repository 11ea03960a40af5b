//! Services of the user aggregate against a real PostgreSQL: confirming an address for one action without an
//! account, and what the outbox does with notifications people turned off.

use backend::mail::{Message, Recipient};
use backend::testing::TestDb;
use serde_json::json;
use shared::Locale;
use shared::user::Email;

#[tokio::test]
async fn an_address_is_confirmed_for_one_action_once() {
    let db = TestDb::new().await;
    let state = db.state();
    let email = Email::parse("Anonimo@Esempio.it").expect("email");
    let action = json!({ "kind": "report", "receipt_code": "SEG-2026-000042" });

    let mut tx = db.pool.begin().await.expect("begin");
    backend::users::request_action_confirmation(
        &mut tx,
        &state,
        &email,
        Locale::It,
        "la segnalazione «Buca»",
        &action,
    )
    .await
    .expect("request");
    tx.commit().await.expect("commit");
    let (subject, text): (String, String) =
        sqlx::query_as("select subject, body_text from outbox_mail where recipient = 'anonimo@esempio.it'")
            .fetch_one(&db.pool)
            .await
            .expect("the message is in the outbox");
    assert_eq!(subject, "Conferma il tuo indirizzo email");
    assert!(text.contains("la segnalazione «Buca»"));
    let token = backend::testing::link_token(&text, "/conferma/").expect("a link");

    // Altered, then right (inside the caller's transaction), then used again, then expired.
    let mut altered = token.clone().into_bytes();
    altered[0] = if altered[0] == b'a' { b'b' } else { b'a' };
    let mut tx = db.pool.begin().await.expect("begin");
    let err = backend::users::confirm_action(&mut tx, &String::from_utf8(altered).expect("ascii"))
        .await
        .unwrap_err();
    assert!(matches!(err, backend::Error::LinkInvalid), "{err:?}");
    let (confirmed, got) = backend::users::confirm_action(&mut tx, &token)
        .await
        .expect("confirm");
    assert_eq!(confirmed.as_str(), "anonimo@esempio.it");
    assert_eq!(got, action);
    tx.commit().await.expect("commit");
    let mut conn = db.pool.acquire().await.expect("conn");
    let err = backend::users::confirm_action(&mut conn, &token)
        .await
        .unwrap_err();
    assert!(matches!(err, backend::Error::LinkUsed), "{err:?}");

    let mut tx = db.pool.begin().await.expect("begin");
    backend::users::request_action_confirmation(&mut tx, &state, &email, Locale::En, "the report", &action)
        .await
        .expect("second request");
    tx.commit().await.expect("commit");
    sqlx::query("update email_token set expires_at = now() - interval '1 second' where used_at is null")
        .execute(&db.pool)
        .await
        .expect("expire");
    let text: String = sqlx::query_scalar("select body_text from outbox_mail order by mail_id desc limit 1")
        .fetch_one(&db.pool)
        .await
        .expect("message");
    assert!(
        text.contains("to complete the report"),
        "in the language asked for"
    );
    let expired = &backend::testing::link_token(&text, "/conferma/").expect("link");
    let err = backend::users::confirm_action(&mut conn, expired)
        .await
        .unwrap_err();
    assert!(matches!(err, backend::Error::LinkExpired), "{err:?}");

    // A third message to the same address within the hour goes; a fourth is refused.
    let mut tx = db.pool.begin().await.expect("begin");
    backend::users::request_action_confirmation(&mut tx, &state, &email, Locale::It, "x", &action)
        .await
        .expect("third");
    let err = backend::users::request_action_confirmation(&mut tx, &state, &email, Locale::It, "x", &action)
        .await
        .unwrap_err();
    assert!(matches!(err, backend::Error::RateLimited { .. }), "{err:?}");
}

#[tokio::test]
async fn account_messages_are_always_written_even_to_addresses_that_opted_out() {
    let db = TestDb::new().await;
    let state = db.state();
    sqlx::query("insert into mail_optout (email, kind) select 'maria@esempio.it', unnest(enum_range(null::notification_kind))")
        .execute(&db.pool)
        .await
        .expect("opt out of everything");
    let mut tx = db.pool.begin().await.expect("begin");
    let to = Recipient::address(&Email::parse("maria@esempio.it").expect("email"), Locale::It);
    backend::mail::enqueue(&mut tx, &state, &to, &Message::Test { by: "test".into() })
        .await
        .expect("enqueue");
    tx.commit().await.expect("commit");
    let status: String = sqlx::query_scalar("select status::text from outbox_mail")
        .fetch_one(&db.pool)
        .await
        .expect("row");
    assert_eq!(
        status, "pending",
        "account and service messages are not optional notifications"
    );
    // And nothing is written when the transaction that caused the message rolls back.
    let mut tx = db.pool.begin().await.expect("begin");
    backend::mail::enqueue(
        &mut tx,
        &state,
        &to,
        &Message::Test {
            by: "rolled back".into(),
        },
    )
    .await
    .expect("enqueue");
    tx.rollback().await.expect("rollback");
    let n: i64 = sqlx::query_scalar("select count(*) from outbox_mail")
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(n, 1);
}
