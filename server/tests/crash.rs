//! A fault drill on the real binary: killed (SIGKILL) while 100 messages are queued, then started again. Every
//! message must arrive; the only possible repeat is the one being handed to SMTP at the moment of the kill, and
//! it carries the same Message-ID.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use backend::mail::{Message, Recipient};
use backend::testing::{SmtpSink, TestDb, free_port};
use shared::Locale;
use shared::user::Email;

fn start(db: &TestDb, sink: &SmtpSink, port: u16) -> Child {
    let site = std::env::temp_dir().join("segnala-empty-site");
    Command::new(env!("CARGO_BIN_EXE_segnala"))
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("SEGNALA_ADDR", format!("127.0.0.1:{port}"))
        .env("SEGNALA_SITE_ROOT", site)
        .env("SEGNALA_SMTP_URL", sink.url())
        // Ten a second, so that the kill lands in the middle of the queue.
        .env("SEGNALA_SMTP_MAX_PER_MINUTE", "600")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start segnala")
}

async fn wait_until(what: &str, secs: u64, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn killed_while_sending_every_message_arrives_and_only_the_one_in_flight_may_repeat() {
    let db = TestDb::new().await;
    let state = db.state();
    let mut tx = db.pool.begin().await.expect("begin");
    let to = Email::parse("maria@esempio.it").expect("email");
    for i in 0..100 {
        backend::mail::enqueue(
            &mut tx,
            &state,
            &Recipient::address(&to, Locale::It),
            &Message::Test {
                by: format!("messaggio {i}"),
            },
        )
        .await
        .expect("enqueue");
    }
    tx.commit().await.expect("commit");

    let sink = SmtpSink::start().await;
    let port = free_port();
    let mut server = start(&db, &sink, port);
    wait_until("the first 20 messages", 60, || sink.messages().len() >= 20).await;
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    let at_kill = sink.messages().len();
    assert!(at_kill < 100, "the kill must land mid-queue ({at_kill} sent)");

    let mut again = start(&db, &sink, port);
    let received = || {
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for m in sink.messages() {
            *by_id.entry(m.message_id).or_default() += 1;
        }
        by_id
    };
    wait_until("all 100 messages", 60, || received().len() == 100).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let by_id = received();
    let total: usize = by_id.values().sum();
    again.kill().expect("stop");
    let _ = again.wait();

    assert_eq!(by_id.len(), 100, "every message arrived");
    let repeats: Vec<_> = by_id.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        total <= 101 && repeats.len() <= 1,
        "at most the one in flight repeats: {repeats:?}"
    );
    if let Some((_, n)) = repeats.first() {
        assert_eq!(**n, 2, "the repeat is a second copy with the same Message-ID");
    }
    let sent: i64 = sqlx::query_scalar("select count(*) from outbox_mail where status = 'sent'")
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(sent, 100);
    eprintln!(
        "killed after {at_kill} messages; {total} received for 100 sent; repeats: {}",
        repeats.len()
    );
}
