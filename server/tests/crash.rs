//! A fault drill on the real binary: killed (SIGKILL) while 100 messages are queued, then started again. Every
//! message must arrive; the only possible repeat is the one being handed to SMTP at the moment of the kill, and
//! it carries the same Message-ID.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use backend::mail::{Message, Recipient};
use backend::testing::{SmtpSink, TestDb, free_port, wait_outbox_sent, wait_until};
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
    wait_until("the first 20 messages", 60, || async {
        sink.messages().len() >= 20
    })
    .await;
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
    // Every row marked sent: each was accepted by the SMTP server before, so nothing more can arrive.
    wait_outbox_sent(&db.pool, 60).await;
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

/// A fault drill on the write path: 200 submissions (each with a photo) at once, the server killed with SIGKILL
/// in the middle, then started again. Every acknowledged report (201) must be in the database, and once the
/// sweeper has run, no photo file is left without its report (nor a report's photo without its file).
#[tokio::test]
async fn killed_during_200_submissions_no_acknowledged_report_is_lost_and_no_orphan_photo_stays() {
    let db = TestDb::new().await;
    let (pothole, _, _) = backend::testing::reporting_town(&db.pool).await;
    let state = db.state();
    let photo = backend::photos::process(&backend::photos::gradient_png(800, 600))
        .expect("photo")
        .full;
    let port = free_port();
    let start_server = || {
        Command::new(env!("CARGO_BIN_EXE_segnala"))
            .arg("serve")
            .env("DATABASE_URL", &db.url)
            .env("SEGNALA_ADDR", format!("127.0.0.1:{port}"))
            .env(
                "SEGNALA_SITE_ROOT",
                std::env::temp_dir().join("segnala-empty-site"),
            )
            .env("SEGNALA_PHOTOS", db.photos_dir())
            .env("SEGNALA_REPORTS_PER_IP_PER_HOUR", "0")
            .env("SEGNALA_PHOTOS_PER_IP_PER_HOUR", "0")
            .env("SEGNALA_REPORTS_PER_ACCOUNT_PER_HOUR", "0")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("start segnala")
    };
    let mut server = start_server();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let healthy = || async {
        client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while !healthy().await {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..200 {
        let (client, base, photo, acked) = (client.clone(), base.clone(), photo.clone(), acked.clone());
        tasks.spawn(async move {
            let report = serde_json::json!({
                "kind": "problem", "category_id": pothole, "lat": 45.40, "lng": 11.86,
                "title": format!("Segnalazione numero {i}"), "description": "Prova di resistenza.",
                "email": format!("persona{i}@esempio.it")
            });
            let form = reqwest::multipart::Form::new()
                .text("report", report.to_string())
                .part(
                    "photos",
                    reqwest::multipart::Part::bytes(photo).file_name("f.jpg"),
                );
            if let Ok(res) = client
                .post(format!("{base}/api/v1/reports"))
                .header("Idempotency-Key", format!("crash-drill-key-{i:08}"))
                .multipart(form)
                .send()
                .await
                && res.status() == 201
                && let Ok(v) = res.json::<serde_json::Value>().await
                && let Some(code) = v["receipt_code"].as_str()
            {
                acked.lock().expect("lock").push(code.to_owned());
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while acked.lock().expect("lock").len() < 20 {
        assert!(Instant::now() < deadline, "no submissions acknowledged");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    while tasks.join_next().await.is_some() {}
    let acked = acked.lock().expect("lock").clone();
    assert!(
        acked.len() < 200,
        "the kill must land mid-way ({} acknowledged)",
        acked.len()
    );

    let mut again = start_server();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !healthy().await {
        assert!(Instant::now() < deadline, "the server did not start again");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let found: i64 = sqlx::query_scalar("select count(*) from report where receipt_code = any($1)")
        .bind(&acked)
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(found as usize, acked.len(), "every acknowledged report is there");
    // Every report has its photo's row (one transaction), and after the sweep every file has a row.
    let without_photo: i64 = sqlx::query_scalar(
        "select count(*) from report r where not exists (select 1 from report_photo p where p.report_id = r.report_id)",
    )
    .fetch_one(&db.pool)
    .await
    .expect("count");
    assert_eq!(without_photo, 0);
    backend::photos::sweep_orphans(&state, Duration::ZERO, true)
        .await
        .expect("sweep");
    let rows: i64 = sqlx::query_scalar("select count(*) from report_photo")
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(
        state.photos.count().await.expect("files") as i64,
        rows * 2,
        "files = rows × (photo + thumbnail)"
    );
    again.kill().expect("stop");
    let _ = again.wait();
    eprintln!(
        "killed after {} acknowledged submissions; {rows} reports with photos after restart",
        acked.len()
    );
}
