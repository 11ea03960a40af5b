//! The public map at scale through HTTP: tiles (compact, cached, ETag/304, compressed as asked, a write seen
//! in the next answer), the list, exports and feeds, and every kind of bad input the issue names.

use serde_json::Value;
use shared::map::{Tile, decode_tile, world_x, world_y};

use crate::helpers::{TestApp, spawn_app};

/// The tile of zoom `z` holding `lat, lng`.
pub(crate) fn tile_at(z: u8, lat: f64, lng: f64) -> Tile {
    let shift = 26 - u32::from(z);
    Tile {
        z,
        x: world_x(lng) >> shift,
        y: world_y(lat) >> shift,
    }
}

async fn tile(app: &TestApp, t: Tile, query: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = app
        .client
        .get(format!("{}/api/v1/map/{}/{}/{}{query}", app.base, t.z, t.x, t.y));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.expect("request")
}

/// Inserts `n` public reports in one statement, in a ~300 m square around `lat, lng`.
async fn many(app: &TestApp, category: i32, n: i64, lat: f64, lng: f64, first: i64) {
    sqlx::query(
        "insert into report (receipt_code, kind, category_id, office_id, location, title, description, created_at)
         select format('SEG-2026-%s', lpad((($5 + g))::text, 6, '0')), 'problem', c.category_id, c.office_id,
                ST_SetSRID(ST_MakePoint($3 + (g % 97) * 0.00003, $2 + (g % 89) * 0.00003), 4326),
                'Buca numero ' || g, 'Descrizione di prova.', now() - (g || ' minutes')::interval
         from category c, generate_series(1, $4) g where c.category_id = $1",
    )
    .bind(category)
    .bind(lat)
    .bind(lng)
    .bind(n)
    .bind(first)
    .execute(&app.db.pool)
    .await
    .expect("insert reports");
}

#[tokio::test]
async fn tiles_are_compact_cached_revalidated_and_follow_writes() {
    let app = spawn_app().await;
    let cat = app.pothole_category().await;
    many(&app, cat.0, 300, 45.40, 11.87, 500_000).await;

    // Street zoom: single reports.
    let street = tile_at(16, 45.4005, 11.8715);
    let res = tile(&app, street, "", &[]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    assert_eq!(res.headers()["cache-control"], "public, no-cache");
    let etag = res.headers()["etag"].to_str().expect("etag").to_owned();
    let body = res.text().await.expect("body");
    let d = decode_tile(street, &body).expect("decode");
    assert!(d.clusters.is_empty() && !d.pins.is_empty());
    assert_eq!(d.total as usize, d.pins.len());
    assert!(
        body.len() / d.pins.len() <= 40,
        "{} bytes a pin",
        body.len() / d.pins.len()
    );

    // Town zoom: clusters, whose counts add up to the reports.
    let town = tile_at(12, 45.40, 11.87);
    let d = decode_tile(town, &tile(&app, town, "", &[]).await.text().await.expect("body")).expect("decode");
    assert!(!d.clusters.is_empty());
    assert_eq!(d.clusters.iter().map(|c| c.count).sum::<u32>(), 300);
    assert_eq!(d.total, 300);

    // Compressed as asked, and each encoding decodes to the same answer.
    let br = tile(&app, street, "", &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["vary"], "Accept-Encoding");
    let gz = tile(&app, street, "", &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    let gz_len = gz.bytes().await.expect("gzip").len();
    assert!(gz_len < body.len(), "gzip {gz_len} B of {}", body.len());

    // Revalidation: the same ETag is a 304 without a body.
    let again = tile(&app, street, "", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.expect("empty").is_empty());

    // A write to the tile: the next answer has it (the notification drops the cached one), with a new ETag.
    let (_, code) = app.report(cat, "Buca appena segnalata", 45.4005, 11.8715).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let res = tile(&app, street, "", &[("if-none-match", &etag)]).await;
        if res.status() == 200 {
            assert_ne!(res.headers()["etag"].to_str().expect("etag"), etag);
            let d = decode_tile(street, &res.text().await.expect("body")).expect("decode");
            assert!(d.pins.iter().any(|p| p.code == code.to_string()));
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the write never reached the tile"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let (hits, misses, _) = app.state.backend.map_cache.stats();
    assert!(hits >= 2 && misses >= 3, "hits {hits}, misses {misses}");

    // Filters: another category has nothing here; the state filter counts.
    let none = tile(&app, town, "?categoria=999999", &[]).await;
    assert_eq!(
        decode_tile(town, &none.text().await.expect("body"))
            .expect("decode")
            .total,
        0
    );
    let open = tile(&app, town, "?stato=aperte", &[]).await;
    assert_eq!(
        decode_tile(town, &open.text().await.expect("body"))
            .expect("decode")
            .total,
        301
    );
    let resolved = tile(&app, town, "?stato=risolte", &[]).await;
    assert_eq!(
        decode_tile(town, &resolved.text().await.expect("body"))
            .expect("decode")
            .total,
        0
    );
    // A text search finds the words.
    let words = tile(&app, street, "?q=appena+segnalata", &[]).await;
    let d = decode_tile(street, &words.text().await.expect("body")).expect("decode");
    assert_eq!(d.pins.len(), 1);
    assert_eq!(d.pins[0].code, code.to_string());
    // At town zoom the matching reports are grouped by the same cells ("numero" is in 300 titles).
    let grouped = tile(&app, town, "?q=numero", &[]).await;
    assert_eq!(grouped.status(), 200);
    let d = decode_tile(town, &grouped.text().await.expect("body")).expect("decode");
    assert_eq!(d.total, 300);
    assert_eq!(d.clusters.iter().map(|c| c.count).sum::<u32>(), 300);
    // A receipt code typed loosely (a space for a dash, lower case) by trigrams.
    let typo = code.to_string().replace("SEG-", "seg ");
    let found = tile(&app, street, &format!("?q={}", typo.replace(' ', "+")), &[]).await;
    let d = decode_tile(street, &found.text().await.expect("body")).expect("decode");
    assert!(d.pins.iter().any(|p| p.code == code.to_string()), "{d:?}");
}

#[tokio::test]
async fn a_dense_street_tile_is_capped_and_says_so() {
    let app = spawn_app().await;
    let cat = app.pothole_category().await;
    // 1,600 reports within a few metres: more than one answer may carry.
    sqlx::query(
        "insert into report (receipt_code, kind, category_id, office_id, location, title, description)
         select format('SEG-2026-%s', lpad(g::text, 6, '0')), 'problem', c.category_id, c.office_id,
                ST_SetSRID(ST_MakePoint(11.8715 + (g % 40) * 0.000001, 45.4005 + (g / 40) * 0.000001), 4326),
                'Buca numero ' || g, 'Descrizione.'
         from category c, generate_series(1, 1600) g where c.category_id = $1",
    )
    .bind(cat.0)
    .execute(&app.db.pool)
    .await
    .expect("insert");
    let t = tile_at(18, 45.4005, 11.8715);
    let d = decode_tile(t, &tile(&app, t, "", &[]).await.text().await.expect("body")).expect("decode");
    assert!(d.truncated);
    assert_eq!(d.pins.len(), shared::map::PIN_CAP);
    assert_eq!(d.total, 1600);
}

#[tokio::test]
async fn bad_map_input_gets_a_clear_400() {
    let app = spawn_app().await;
    let cases: &[(&str, &str, &str)] = &[
        ("/api/v1/map/21/0/0", "zoom", "out_of_range"),
        ("/api/v1/map/-1/0/0", "zoom", "out_of_range"),
        ("/api/v1/map/nove/0/0", "zoom", "not_a_number"),
        ("/api/v1/map/3/8/0", "tile", "out_of_range"),
        ("/api/v1/map/3/1/1e3", "tile", "not_a_number"),
        ("/api/v1/map/10/500/300?stato=forse", "state", "unknown_value"),
        ("/api/v1/map/10/500/300?tipo=bomba", "kind", "unknown_value"),
        (
            "/api/v1/map/10/500/300?categoria=abc",
            "category_id",
            "unknown_value",
        ),
        ("/api/v1/map/10/500/300?dal=2026-13", "date_range", "format"),
        (
            "/api/v1/map/10/500/300?dal=2026-05&al=2026-01",
            "date_range",
            "inverted",
        ),
        (
            "/api/v1/map/10/500/300?stato=aperte&stato=aperte",
            "state",
            "repeated",
        ),
        ("/api/v1/export.csv?bbox=12,45,11,46", "bbox", "corners_order"),
        ("/api/v1/export.csv?bbox=a,b,c,d", "bbox", "format"),
        (
            "/api/v1/export.geojson?bbox=11,45,12,46&bbox=11,45,12,46",
            "bbox",
            "repeated",
        ),
        ("/api/v1/export.geojson?quartiere=0", "district", "unknown_value"),
    ];
    for (path, field, rule) in cases {
        let res = app.get(path).await;
        assert_eq!(res.status(), 400, "{path}");
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["field"], *field, "{path}: {body}");
        assert_eq!(body["rule"]["rule"], *rule, "{path}: {body}");
        assert!(body["message"].as_str().is_some_and(|m| m.len() > 10), "{path}");
    }
    // A URL with every parameter repeated names the first repeated one.
    let res = app
        .get("/api/v1/map/10/500/300?tipo=problem&tipo=problem&categoria=1&categoria=1&q=a&q=a")
        .await;
    assert_eq!(res.status(), 400);
    // SQL or regular-expression syntax in a text search is only text.
    for q in [
        "%27%29%3B+drop+table+report%3B+--",
        ".*%5Ba-z%5D%2B%28",
        "%22%22%22",
        "%5C%5C",
        "%25%25_",
    ] {
        let res = app.get(&format!("/api/v1/map/16/34900/23500?q={q}")).await;
        assert_eq!(res.status(), 200, "q={q}");
        let res = app.get(&format!("/elenco?q={q}")).await;
        assert_eq!(res.status(), 200, "list q={q}");
    }
    assert_eq!(app.count("report").await, 0);
    // Viewports: the whole world and an empty one are fine (nothing there), an inverted one is not.
    for bbox in ["-180,-90,180,90", "11.8,45.4,11.8,45.4"] {
        let res = app.get(&format!("/api/v1/export.csv?bbox={bbox}")).await;
        assert_eq!(res.status(), 200, "{bbox}");
    }
    // A feed of a district that does not exist.
    let res = app.get("/feed/nuove.atom?quartiere=424242").await;
    assert_eq!(res.status(), 404);
    let res = app.get("/feed/risolte.rss?categoria=424242").await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn an_export_past_the_cap_is_refused_with_the_reason() {
    let app = spawn_app().await;
    let cat = app.pothole_category().await;
    let over = backend::reports::browse::EXPORT_MAX_ROWS + 1;
    many(&app, cat.0, over, 45.40, 11.87, 500_000).await;
    for path in ["/api/v1/export.csv", "/api/v1/export.geojson?lang=en"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 400, "{path}");
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["field"], "limit");
        assert_eq!(body["rule"]["rule"], "too_many_rows");
        assert_eq!(body["rule"]["max"], 50_000);
    }
    // Narrowed, it streams.
    let res = app
        .get("/api/v1/export.csv?bbox=11.87,45.40,11.8712,45.4012")
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.expect("csv").lines().count() > 1);
}

#[tokio::test]
async fn exports_feeds_and_the_list_show_the_same_public_reports() {
    let app = spawn_app().await;
    let cat = app.pothole_category().await;
    backend::testing::create_district(&app.db.pool, "Centro", 11.80, 45.35, 11.95, 45.45).await;
    many(&app, cat.0, 120, 45.40, 11.87, 500_000).await;
    sqlx::query("update report set area_id = (select area_id from area where name = 'Centro')")
        .execute(&app.db.pool)
        .await
        .expect("area");
    let (_, private) = backend::testing::create_report_at(
        &app.db.pool,
        cat,
        "Segnalazione riservata",
        45.4001,
        11.8701,
        chrono::Utc::now(),
        false,
    )
    .await;
    let (_, formula) = app
        .report(cat, "=HYPERLINK(\"x\") buca, \"citata\"", 45.4002, 11.8702)
        .await;
    sqlx::query("update report set state = 'in_charge' where receipt_code = $1")
        .bind(formula.to_string())
        .execute(&app.db.pool)
        .await
        .expect("take in charge");
    sqlx::query("update report set state = 'resolved' where receipt_code = $1")
        .bind(formula.to_string())
        .execute(&app.db.pool)
        .await
        .expect("resolve");

    let geo: Value = app
        .get("/api/v1/export.geojson")
        .await
        .json()
        .await
        .expect("geojson");
    assert_eq!(geo["type"], "FeatureCollection");
    let features = geo["features"].as_array().expect("features");
    assert_eq!(features.len(), 121);
    let point = &features[0]["geometry"];
    assert_eq!(point["type"], "Point");
    assert!(
        point["coordinates"][0].as_f64().expect("lng") > 11.0,
        "RFC 7946: longitude first"
    );
    let mut geo_codes: Vec<String> = features
        .iter()
        .map(|f| f["properties"]["receipt_code"].as_str().expect("code").to_owned())
        .collect();
    let res = app.get("/api/v1/export.csv").await;
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = res.text().await.expect("csv");
    assert!(csv.starts_with("receipt_code,title,"));
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"x\"\") buca, \"\"citata\"\"\""),
        "{csv}"
    );
    let mut csv_codes: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().expect("code").to_owned())
        .collect();
    geo_codes.sort();
    csv_codes.sort();
    assert_eq!(geo_codes, csv_codes);
    // Compressed as browsers ask, streamed to the end (the compression layer polls the body once more after it
    // ends: an unfused stream panicked there and cut the download).
    for enc in ["br", "gzip"] {
        let res = app
            .client
            .get(format!("{}/api/v1/export.geojson?stato=tutte", app.base))
            .header("accept-encoding", enc)
            .send()
            .await
            .expect("request");
        assert_eq!(res.headers()["content-encoding"], enc);
        let body = res.bytes().await.expect("the whole compressed export");
        assert!(body.len() > 1_000, "{enc}: {} B", body.len());
    }
    assert!(!geo_codes.contains(&private.to_string()));

    // The list: pages of 50 by keyset, all of them once, newest first; the private one nowhere.
    let mut seen = Vec::new();
    let mut path = "/elenco".to_owned();
    for _ in 0..5 {
        let page = app.get(&path).await.text().await.expect("page");
        let codes: Vec<String> = page
            .match_indices("data-receipt=\"")
            .map(|(i, _)| page[i + 14..i + 29].to_owned())
            .collect();
        seen.extend(codes);
        let Some(i) = page.find("rel=\"next\" href=\"") else {
            break;
        };
        let rest = &page[i + 17..];
        path = rest[..rest.find('"').expect("end")].replace("&amp;", "&");
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "no report twice");
    assert_eq!(sorted, geo_codes, "the list has what the export has");

    // Resolved view and feeds.
    let resolved = app.get("/elenco?stato=risolte").await.text().await.expect("page");
    assert!(resolved.contains(&formula.to_string()) && resolved.matches("data-receipt=").count() == 1);
    let atom = app.get("/feed/risolte.atom").await;
    assert_eq!(
        atom.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let atom = atom.text().await.expect("atom");
    assert_eq!(atom.matches("<entry>").count(), 1);
    assert!(atom.contains("=HYPERLINK(&quot;x&quot;) buca, &quot;citata&quot;"));
    let district: i32 = sqlx::query_scalar("select area_id from area where name = 'Centro'")
        .fetch_one(&app.db.pool)
        .await
        .expect("district");
    let rss = app
        .get(&format!("/feed/nuove.rss?quartiere={district}"))
        .await
        .text()
        .await
        .expect("rss");
    assert!(rss.contains("<rss version=\"2.0\">") && rss.contains("Centro"));
    assert_eq!(rss.matches("<item>").count(), 50);
    assert!(!rss.contains(&private.to_string()));

    // Go to a receipt code.
    let res = app
        .get(&format!("/vai?codice={}", formula.to_string().to_lowercase()))
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], format!("/segnalazioni/{formula}"));
    let res = app.get("/vai?codice=2026-0001").await;
    assert_eq!(res.headers()["location"], "/elenco?q=2026-0001");
}
