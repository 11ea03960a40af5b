//! Server-rendered pages: useful before any WASM runs, correct statuses, language, headers, assets.

use crate::helpers::{expect_page, spawn_app, spawn_app_with_site};

#[tokio::test]
async fn the_map_page_lists_reports_in_the_html() {
    let app = spawn_app().await;
    backend::testing::create_district(&app.db.pool, "Quartiere 1 Centro", 11.86, 45.40, 11.89, 45.42).await;
    let cat = app.pothole_category().await;
    let (_, code) = app.report(cat, "Buca davanti alla scuola", 45.41, 11.87).await;

    let res = app.get("/").await;
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    let html = res.text().await.expect("html");
    assert!(html.contains("<html lang=\"it\""), "Italian by default");
    assert!(
        html.contains("Buca davanti alla scuola"),
        "the list is server-rendered"
    );
    assert!(html.contains(&format!("/segnalazioni/{code}")));
    assert!(
        html.contains("Le più recenti in quest&#39;area") || html.contains("Le più recenti in quest'area")
    );
    assert!(
        html.contains("leaflet.js"),
        "Leaflet is served by the app, not a CDN"
    );
    assert!(!html.contains("unpkg.com") && !html.contains("cdn"), "no CDN");
    // Security headers.
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    let csp = h["content-security-policy"].to_str().expect("csp");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("https://tile.openstreetmap.org"));
    // Inline scripts run only with this response's nonce, and every inline script of the page carries it.
    assert!(
        !csp.contains("'unsafe-inline' 'wasm") && !csp.contains("script-src 'self' 'unsafe-inline'"),
        "{csp}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("a nonce in the CSP");
    assert!(nonce.len() >= 16, "{nonce}");
    let scripts = html.matches("<script").count();
    let with_nonce = html.matches(&format!("nonce=\"{nonce}\"")).count();
    let external = html.matches("<script src=").count();
    assert_eq!(
        scripts,
        with_nonce + external,
        "inline scripts without the nonce in:\n{html}"
    );
    let second = app.get("/").await;
    assert_ne!(
        second.headers()["content-security-policy"],
        h["content-security-policy"],
        "a new nonce each time"
    );
    second.text().await.expect("the second page");

    // Pages travel compressed to browsers that accept it.
    let res = app
        .client
        .get(format!("{}/", app.base))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .expect("request");
    assert_eq!(res.headers()["content-encoding"], "br");
    let compressed = res.bytes().await.expect("body").len();
    assert!(
        compressed * 2 < html.len(),
        "{compressed} B compressed vs {} B of HTML",
        html.len()
    );
}

#[tokio::test]
async fn the_report_page_shows_the_report_and_its_timeline() {
    let app = spawn_app().await;
    let cat = app.pothole_category().await;
    let (_, code) = app
        .report(cat, "Tombino sprofondato in via Po", 45.41, 11.87)
        .await;

    let res = app.get(&format!("/segnalazioni/{code}")).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("html");
    assert!(html.contains("Tombino sprofondato in via Po"));
    assert!(html.contains(&code.to_string()));
    assert!(html.contains("Lavori pubblici") && html.contains("Buche stradali"));
    assert!(html.contains("Cronologia") && html.contains("Inviata"));
}

#[tokio::test]
async fn unknown_codes_and_paths_are_404_pages() {
    let app = spawn_app().await;
    let res = app.get("/segnalazioni/SEG-2026-123456").await;
    assert_eq!(res.status(), 404);
    let html = res.text().await.expect("html");
    assert!(html.contains("Nessuna segnalazione ha questo codice ricevuta"));

    let res = app.get("/segnalazioni/garbage").await;
    assert_eq!(res.status(), 404);

    let res = app.get("/questa/pagina/non/esiste").await;
    expect_page(res, 404, "Pagina non trovata").await;
}

#[tokio::test]
async fn the_language_switch_sets_a_cookie_and_the_page_speaks_english() {
    let app = spawn_app().await;
    let res = app.get("/lingua/en?ritorno=/segnalazioni/SEG-2026-000001").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/segnalazioni/SEG-2026-000001");
    let cookie = res.headers()["set-cookie"].to_str().expect("cookie").to_owned();
    assert!(cookie.starts_with("segnala_lang=en"));

    let res = app.get_with_cookie("/", "segnala_lang=en").await;
    let html = res.text().await.expect("html");
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("The newest in this area"));

    // No open redirect.
    let res = app.get("/lingua/it?ritorno=//evil.example").await;
    assert_eq!(res.headers()["location"], "/");
    assert_eq!(app.get("/lingua/xx").await.status(), 404);
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_and_served_precompressed() {
    let site = std::env::temp_dir().join(format!("segnala-site-{}", std::process::id()));
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).expect("mkdir");
    std::fs::write(
        pkg.join("manifest.json"),
        r#"{"hashed": true, "js": "segnala.abc.js", "wasm": "segnala.abc.wasm", "css": "segnala.abc.css",
            "leaflet_js": "leaflet-1.9.4/leaflet.js", "leaflet_css": "leaflet-1.9.4/leaflet.css"}"#,
    )
    .expect("manifest");
    std::fs::write(pkg.join("segnala.abc.js"), "export default 1;").expect("js");
    std::fs::write(pkg.join("segnala.abc.js.br"), b"brotli bytes").expect("br");
    let app = spawn_app_with_site(Some(&site)).await;

    let html = app.get("/").await.text().await.expect("html");
    assert!(html.contains("/pkg/segnala.abc.js") && html.contains("/pkg/segnala.abc.wasm"));
    assert!(html.contains("/pkg/leaflet-1.9.4/leaflet.js"));

    let res = app
        .client
        .get(format!("{}/pkg/segnala.abc.js", app.base))
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(res.headers()["content-encoding"], "br");
    let res = app.get("/pkg/segnala.abc.js").await;
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(res.text().await.expect("body"), "export default 1;");
}

#[tokio::test]
async fn each_page_loads_the_bundle_it_needs() {
    let site = std::env::temp_dir().join(format!("segnala-site-bundles-{}", std::process::id()));
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).expect("mkdir");
    std::fs::write(
        pkg.join("manifest.json"),
        r#"{"hashed": true, "js": "segnala.p.js", "wasm": "segnala.p.wasm", "css": "segnala.c.css",
            "js_reporting": "segnala-reporting.r.js", "wasm_reporting": "segnala-reporting.r.wasm",
            "js_full": "segnala-full.f.js", "wasm_full": "segnala-full.f.wasm",
            "leaflet_js": "leaflet-1.9.4/leaflet.js", "leaflet_css": "leaflet-1.9.4/leaflet.css"}"#,
    )
    .expect("manifest");
    let app = spawn_app_with_site(Some(&site)).await;
    for (path, wasm) in [
        ("/", "segnala.p.wasm"),
        ("/segnalazioni/SEG-2026-000001", "segnala.p.wasm"),
        ("/segnala", "segnala-reporting.r.wasm"),
        ("/ricevuta/SEG-2026-000001?firma=x", "segnala-reporting.r.wasm"),
        ("/accedi", "segnala-full.f.wasm"),
        ("/ufficio", "segnala-full.f.wasm"),
        ("/amministrazione", "segnala-full.f.wasm"),
    ] {
        let html = app.get(path).await.text().await.expect("html");
        assert!(
            html.contains(&format!("/pkg/{wasm}")),
            "{path} should load {wasm}"
        );
        let others = [
            "segnala.p.wasm",
            "segnala-reporting.r.wasm",
            "segnala-full.f.wasm",
        ];
        for other in others.iter().filter(|o| **o != wasm) {
            assert!(!html.contains(other), "{path} loads {other} too");
        }
    }
    // The list view is links and plain forms: no WASM, no Leaflet.
    for path in ["/elenco", "/elenco?stato=risolte"] {
        let html = app.get(path).await.text().await.expect("html");
        assert!(
            html.contains("class=\"report-list\"") || html.contains("list-empty"),
            "{path}"
        );
        assert!(
            !html.contains(".wasm") && !html.contains("type=\"module\"") && !html.contains("leaflet.js"),
            "{path}"
        );
    }
}

/// Pages keep rendering while other routers are built in the same process. Listing a router's routes switches
/// resource loading off for the whole process (leptos-rs/leptos#4773): a page whose data was first asked for then
/// waited forever. The routes are now listed once per process; before, this test hung within a few rounds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_routers_are_built() {
    let app = spawn_app().await;
    let cat = app.pothole_category().await;
    let (_, code) = app.report(cat, "Lampione spento", 45.41, 11.87).await;
    let state = app.state.clone();
    let builder = tokio::task::spawn_blocking(move || {
        for _ in 0..100 {
            drop(server::startup::router(state.clone()));
        }
    });
    let page = format!("/segnalazioni/{code}");
    for round in 0..100 {
        // Far beyond any render's time: only a page that never ends reaches it.
        let res = tokio::time::timeout(std::time::Duration::from_secs(20), async {
            let res = app.get(&page).await;
            (res.status(), res.text().await.expect("html"))
        })
        .await
        .unwrap_or_else(|_| panic!("round {round}: the page never finished"));
        assert_eq!(res.0, 200);
        assert!(res.1.contains("Lampione spento"), "round {round}");
    }
    builder.await.expect("routers built");
}

/// A report's title goes into the page's `<title>` escaped: one title element, the markup as text, nothing of
/// it in the head as elements (the public page and the staff page; the browser's own parser checks the same in
/// `end2end/tests/titles.test.mjs`).
#[tokio::test]
async fn a_title_with_markup_stays_text_in_the_head() {
    let app = spawn_app().await;
    let pothole = app.pothole_category().await;
    let hostile = r#"Buca </title><meta http-equiv="refresh" content="0;url=https://example.org"><b>x</b>"#;
    let (_, code) = app.report(pothole, hostile, 45.40, 11.87).await;
    app.account(
        "urp@comune.example",
        crate::helpers::PASSWORD,
        shared::Role::UrpOperator,
    )
    .await;
    let urp = app.browser();
    urp.sign_in("urp@comune.example", crate::helpers::PASSWORD).await;
    for (who, path) in [
        (None, format!("/segnalazioni/{code}")),
        (Some(&urp), format!("/ufficio/segnalazioni/{code}")),
    ] {
        let res = match who {
            Some(b) => b.get(&path).await,
            None => app.get(&path).await,
        };
        assert_eq!(res.status(), 200, "{path}");
        let html = res.text().await.expect("page");
        let head = &html[..html.find("</head>").expect("a head")];
        assert_eq!(head.matches("<title>").count(), 1, "{path}: {head}");
        assert!(
            head.contains("Buca &lt;/title&gt;&lt;meta http-equiv=&quot;refresh&quot;"),
            "{path}: the title escaped: {head}"
        );
        assert!(
            !head.contains("<meta http-equiv") && !head.contains("<b>"),
            "{path}: {head}"
        );
    }
}
