//! A database that is down gives clear 503s, never a panic or internals.

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
    tokio::spawn(async move { axum::serve(listener, server::build_router(config, pool)).await });
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
