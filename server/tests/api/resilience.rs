//! A database that is down gives clear 503s, never a panic or internals; a server that stops lets go of it.

use serde_json::Value;

#[tokio::test]
async fn a_database_that_is_down_gives_503s_with_a_clear_message() {
    // A pool pointing at a port nobody listens on.
    let pool = backend::db::pool_options(2)
        .acquire_timeout(std::time::Duration::from_millis(500))
        .connect_lazy("postgres://postgres@127.0.0.1:1/segnala")
        .expect("lazy pool");
    let config = crate::helpers::test_config("postgres://postgres@127.0.0.1:1/segnala", "/nonexistent");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(
        async move { axum::serve(listener, server::build_router(config, pool).expect("router")).await },
    );
    let client = reqwest::Client::new();

    let res = client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 503);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["database"], "unreachable");

    let res = client
        .get(format!("{base}/api/v1/reports?bbox=11.8,45.3,11.9,45.4"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["retry-after"], "5");
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["code"], "service_unavailable");
    assert_eq!(
        body["message"],
        "Il servizio è momentaneamente non disponibile. Riprova tra poco."
    );
    let text = body.to_string();
    assert!(
        !text.contains("127.0.0.1") && !text.contains("Connection refused"),
        "no internals: {text}"
    );

    let res = client
        .get(format!("{base}/segnalazioni/SEG-2026-000001"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 503);
    let html = res.text().await.expect("html");
    assert!(html.contains("momentaneamente non disponibile"));
    assert!(!html.contains("Connection refused"));

    let res = client.get(format!("{base}/")).send().await.expect("request");
    assert_eq!(res.status(), 503);
}

#[tokio::test]
async fn start_up_fails_clearly_when_the_database_is_unreachable() {
    // Start-up checks the database before listening, and says which one it could not reach.
    let config = crate::helpers::test_config("postgres://postgres@127.0.0.1:1/segnala", "/nonexistent");
    let err = server::Application::build(config).await.err().expect("must fail");
    let msg = format!("{err:#}");
    assert!(
        msg.contains("cannot connect to PostgreSQL at postgres://postgres@127.0.0.1:1/segnala"),
        "{msg}"
    );
}

/// A server that stops (its runtime ends, as at the end of every test, or of an embedding program) closes its
/// database connections: nothing inside it keeps its own pool alive. Before this held, each test's server kept
/// about fifteen connections open until the test binary ended, and a full run hit `max_connections`.
#[test]
fn a_stopped_server_closes_its_database_connections() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let database = runtime.block_on(async {
        let mut app = crate::helpers::spawn_app().await;
        // The database outlives the server: its connections are what is counted below.
        app.db.keep();
        // A page, a failed form post (rendered again through the page routes) and the JSON API.
        assert_eq!(app.get("/accedi").await.status(), 200);
        let res = app
            .browser()
            .post(
                "/accedi",
                &[
                    ("email", "nessuno@example.org"),
                    ("password", "sbagliata-sbagliata"),
                ],
            )
            .await;
        assert_eq!(res.status(), 401);
        assert_eq!(app.get("/api/v1/me").await.status(), 401);
        app.db.name.clone()
    });
    drop(runtime);

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let left = runtime.block_on(async {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(&backend::testing::admin_url())
            .await
            .expect("admin connection");
        // Closing is asynchronous on the database's side: give the backends a moment to exit.
        let mut left = -1_i64;
        for _ in 0..50 {
            left = sqlx::query_scalar("select count(*) from pg_stat_activity where datname = $1")
                .bind(&database)
                .fetch_one(&mut admin)
                .await
                .expect("count connections");
            if left == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        left
    });
    backend::testing::drop_database(&database);
    assert_eq!(left, 0, "connections to {database} left open by a stopped server");
}
