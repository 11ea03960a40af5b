//! Who sees which report. Every staff listing names exactly the reports its viewer may open: one rule (the
//! staff's sight, `shared::permission::StaffSight`, `report_in_sight` in SQL) for the staff page and for the inbox
//! (its list and map), the dashboard's deadlines and their CSV. The testers found an observer's inbox listing
//! private reports whose page answered 403; this walks every role over every listing. And every public door —
//! pages, lists, exports, feeds, tiles, photos, `#[server]` fns, live streams — shows nothing of a report that
//! is private, unconfirmed or internal.

use std::collections::BTreeSet;

use shared::{CategoryId, Role};

use crate::helpers::{Browser, PASSWORD, TestApp, spawn_app, staff, staff_town};

/// Every receipt code in a text (a page, its serialised data, a CSV).
fn codes(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("SEG-") {
        let candidate: String = rest[i..].chars().take(15).collect();
        if shared::ReceiptCode::parse(&candidate).is_ok() {
            out.insert(candidate);
        }
        rest = &rest[i + 4..];
    }
    out
}

async fn report(app: &TestApp, category: i32, title: &str, public: bool, set: &str) -> String {
    let (id, code) = backend::testing::create_report_at(
        &app.db.pool,
        CategoryId(category),
        title,
        45.40,
        11.87,
        chrono::Utc::now(),
        public,
    )
    .await;
    // Due within the week, so that the dashboard's coming deadlines list it.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "update report set sla_due_at = now() + interval '2 days'{set} where report_id = $1"
    )))
    .bind(id.0)
    .execute(&app.db.pool)
    .await
    .expect("report");
    code.to_string()
}

async fn signed_in<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
    let b = app.browser();
    b.sign_in(email, PASSWORD).await;
    b
}

#[tokio::test]
async fn every_staff_listing_names_exactly_what_its_viewer_may_open() {
    let app = spawn_app().await;
    let t = staff_town(&app).await;
    let roads: i32 = sqlx::query_scalar("select category_id from category where name = 'Buche stradali'")
        .fetch_one(&app.db.pool)
        .await
        .expect("category");
    for (email, role) in [
        ("osservatore@comune.example", Role::Observer),
        ("moderatore@comune.example", Role::Moderator),
        ("maria@esempio.it", Role::Citizen),
    ] {
        staff(&app, email, "Persona di prova", role, vec![], None).await;
    }
    let citizen: i64 = sqlx::query_scalar("select user_id from app_user where email = 'maria@esempio.it'")
        .fetch_one(&app.db.pool)
        .await
        .expect("citizen");
    sqlx::query("update report set sla_due_at = now() + interval '2 days'")
        .execute(&app.db.pool)
        .await
        .expect("due");
    let public_roads = t.code.clone();
    let public_parks = report(&app, t.parks_category, "Ramo caduto nel parco", true, "").await;
    let private_roads = report(&app, roads, "Buca davanti a casa mia", false, "").await;
    let private_parks = report(&app, t.parks_category, "Albero pericolante privato", false, "").await;
    let assigned = report(
        &app,
        roads,
        "Buca affidata alla ditta",
        false,
        &format!(", assigned_contractor_id = {}", t.contractor.0),
    )
    .await;
    let internal = report(
        &app,
        roads,
        "Verifica interna del manto",
        false,
        ", is_internal = true",
    )
    .await;
    let reported = report(
        &app,
        t.parks_category,
        "Panchina rotta segnalata da Maria",
        false,
        &format!(", reporter_id = {citizen}"),
    )
    .await;
    let all: BTreeSet<String> = [
        &public_roads,
        &public_parks,
        &private_roads,
        &private_parks,
        &assigned,
        &internal,
        &reported,
    ]
    .into_iter()
    .cloned()
    .collect();

    // Who may open what, as the staff page answers it.
    let mut seen_by = Vec::new();
    for email in [
        "admin@comune.example",
        "urp@comune.example",
        "rossi@comune.example",
        "bianchi@comune.example",
        "verdi@comune.example",
        "pavan@asfalti.example",
        "neri@edilstrade.example",
        "osservatore@comune.example",
        "moderatore@comune.example",
        "maria@esempio.it",
    ] {
        let b = signed_in(&app, email).await;
        let mut openable = BTreeSet::new();
        for code in &all {
            let status = b.get(&format!("/ufficio/segnalazioni/{code}")).await.status();
            assert!(matches!(status.as_u16(), 200 | 403), "{email} {code}: {status}");
            if status == 200 {
                openable.insert(code.clone());
            }
        }
        // Every listing that names reports.
        for path in [
            "/ufficio",
            "/ufficio?stato=submitted",
            "/ufficio/cruscotto",
            "/ufficio/cruscotto/dati.csv?tabella=scadenze",
        ] {
            let res = b.get(path).await;
            let status = res.status().as_u16();
            let listed: BTreeSet<String> = codes(&res.text().await.expect("body"))
                .intersection(&all)
                .cloned()
                .collect();
            assert!(
                listed.is_subset(&openable),
                "{email} at {path} ({status}) is shown {:?}, which it may not open",
                listed.difference(&openable).collect::<Vec<_>>()
            );
            // The inbox lists every open report of the viewer's work that they may open.
            if path == "/ufficio" && status == 200 {
                seen_by.push((email, listed));
            }
        }
    }
    let inbox = |email: &str| {
        seen_by
            .iter()
            .find(|(e, _)| *e == email)
            .map(|(_, l)| l.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        inbox("admin@comune.example"),
        all,
        "administrators see everything"
    );
    assert_eq!(inbox("urp@comune.example"), all, "the URP sees everything");
    assert_eq!(
        inbox("osservatore@comune.example"),
        [public_roads.clone(), public_parks.clone()].into_iter().collect(),
        "an observer sees the public reports only"
    );
    assert_eq!(
        inbox("rossi@comune.example"),
        [
            public_roads.clone(),
            private_roads.clone(),
            assigned.clone(),
            internal.clone()
        ]
        .into_iter()
        .collect(),
        "an office's manager sees the office's reports, private and internal ones included"
    );
    assert_eq!(
        inbox("verdi@comune.example"),
        [public_parks.clone(), private_parks.clone(), reported.clone()]
            .into_iter()
            .collect(),
        "another office's staff see theirs"
    );
    assert_eq!(
        inbox("pavan@asfalti.example"),
        [assigned.clone()].into_iter().collect(),
        "a contractor sees its assignments"
    );
    assert!(
        inbox("neri@edilstrade.example").is_empty(),
        "and nothing of another company's"
    );
}

/// A form's fields, to post.
type Form = Vec<(&'static str, String)>;

/// What one door answered one visitor.
struct Answer {
    door: String,
    who: &'static str,
    status: u16,
    body: String,
}

/// A map tile's total and pins' codes (the map answers everyone alike, so no visitor is named).
async fn tile(app: &TestApp, z: u8) -> (u32, BTreeSet<String>) {
    let t = crate::map::tile_at(z, 45.40, 11.866);
    let body = app
        .get(&format!("/api/v1/map/{}/{}/{}", t.z, t.x, t.y))
        .await
        .text()
        .await
        .expect("tile");
    let d = shared::map::decode_tile(t, &body).expect("a tile");
    (d.total, d.pins.into_iter().map(|p| p.code).collect())
}

/// Reports that everyone may not see — private (with a photo), unconfirmed, internal — leave no trace on any
/// public door, for a visitor or another citizen: neither their codes nor their titles nor their photos, in any
/// answer, and each door answers as it does for any visitor (a list 200, a report it may not show 404, exactly
/// as for one that does not exist). The reporter of the private one still sees it, so the probe is not vacuous.
#[tokio::test]
async fn no_public_door_shows_a_private_unconfirmed_or_internal_report() {
    let app = spawn_app().await;
    let (pothole, _, _) = backend::testing::reporting_town(&app.db.pool).await;
    let (_, public) = backend::testing::create_report(
        &app.db.pool,
        CategoryId(pothole),
        "Buca visibile in via Roma",
        45.40,
        11.866,
    )
    .await;
    let public = public.to_string();
    let tiles_before = (tile(&app, 16).await, tile(&app, 12).await);
    for email in ["maria@esempio.it", "luca@esempio.it"] {
        app.account(email, PASSWORD, Role::Citizen).await;
    }
    let maria = signed_in(&app, "maria@esempio.it").await;
    let luca = signed_in(&app, "luca@esempio.it").await;
    let submission = |title: &str, public: bool| {
        serde_json::json!({
            "kind": "problem", "category_id": pothole, "lat": 45.40, "lng": 11.866, "title": title,
            "description": "Descrizione che nessun altro deve leggere.", "is_public": public,
        })
    };

    // Private, with a photo, filed by a signed-in citizen.
    let res = maria
        .file_report(
            &submission("Segreto privato settemila", false),
            vec![backend::photos::gradient_png(64, 48)],
        )
        .await;
    assert_eq!(res.status(), 201);
    let private: serde_json::Value = res.json().await.expect("receipt");
    let private = private["receipt_code"].as_str().expect("code").to_owned();
    let mine: serde_json::Value = maria
        .get(&format!("/api/v1/reports/{private}"))
        .await
        .json()
        .await
        .expect("her own report");
    let photos: Vec<String> = ["url", "thumb_url"]
        .iter()
        .map(|k| mine["photos"][0][*k].as_str().expect("photo").to_owned())
        .collect();
    assert_eq!(
        maria.get(&photos[0]).await.status(),
        200,
        "the reporter sees her photo"
    );

    // Unconfirmed: sent without an account, its address not confirmed yet.
    let mut anonymous = submission("Segreto non confermato ottomila", true);
    anonymous["email"] = "anna@esempio.it".into();
    let res = app
        .client
        .post(format!("{}/api/v1/reports", app.base))
        .json(&anonymous)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 201);
    let receipt: serde_json::Value = res.json().await.expect("receipt");
    assert_eq!(receipt["awaiting_confirmation"], true);
    let unconfirmed = receipt["receipt_code"].as_str().expect("code").to_owned();

    // Internal: the office's own (never public).
    let (id, internal) = backend::testing::create_report(
        &app.db.pool,
        CategoryId(pothole),
        "Segreto interno novemila",
        45.40,
        11.866,
    )
    .await;
    sqlx::query("update report set is_internal = true, is_public = false where report_id = $1")
        .bind(id.0)
        .execute(&app.db.pool)
        .await
        .expect("internal");
    let internal = internal.to_string();
    let hidden = [private.as_str(), unconfirmed.as_str(), internal.as_str()];
    let secrets: [&str; 9] = [
        "Segreto privato",
        "Segreto non confermato",
        "Segreto interno",
        "nessun altro deve leggere",
        &private,
        &unconfirmed,
        &internal,
        &photos[0],
        &photos[1],
    ];

    // Every public door that lists reports, with the status it gives everyone; then each door that names one
    // report, for each hidden one: what it answers for a code that does not exist.
    let bbox = "11.80,45.35,11.95,45.45";
    let mut gets: Vec<(String, u16)> = [
        "/",
        "/elenco",
        "/elenco?q=Segreto",
        "/elenco?q=settemila",
        "/elenco?stato=aperte",
        "/trasparenza",
        "/api/v1/export.geojson",
        "/api/v1/export.csv",
        "/api/v1/export.csv?q=Segreto",
        "/feed/nuove.atom",
        "/feed/nuove.rss",
        "/feed/risolte.atom",
        "/feed/risolte.rss",
    ]
    .iter()
    .map(|p| ((*p).to_owned(), 200))
    .chain([(format!("/api/v1/reports?bbox={bbox}"), 200)])
    .collect();
    let nobody = "SEG-2026-999999";
    // 0: whatever the same door answers for a code that does not exist (checked below to be a refusal).
    for code in hidden.iter().chain([&nobody]) {
        gets.push((format!("/segnalazioni/{code}"), 404));
        gets.push((format!("/api/v1/reports/{code}"), 404));
        gets.push((format!("/api/v1/live?report={code}"), 0));
    }
    for url in &photos {
        gets.push((url.clone(), 404));
    }
    let mut fns: Vec<(&str, Form, u16)> = vec![
        ("map_setup", vec![], 200),
        ("tiles", vec![], 200),
        ("viewport", vec![("bbox", bbox.to_owned())], 200),
        (
            "list",
            vec![("query", String::new()), ("limit", "100".into())],
            200,
        ),
        (
            "list",
            vec![("query", "q=Segreto".into()), ("limit", "100".into())],
            200,
        ),
        (
            "duplicates",
            vec![
                ("lat", "45.40".into()),
                ("lng", "11.866".into()),
                ("category", pothole.to_string()),
                ("text", "Segreto privato non confermato interno".into()),
            ],
            200,
        ),
        (
            "point_info",
            vec![("lat", "45.40".into()), ("lng", "11.866".into())],
            200,
        ),
        ("places", vec![("q", "Segreto".into())], 200),
        ("transparency", vec![("search", String::new())], 200),
    ];
    for code in hidden.iter().chain([&nobody]) {
        fns.push(("report", vec![("code", (*code).to_owned())], 0));
        fns.push((
            "receipt",
            vec![("code", (*code).to_owned()), ("signature", "0".repeat(64))],
            0,
        ));
    }

    let visitor = app.browser();
    let mut answers = Vec::new();
    for (who, b) in [("a visitor", &visitor), ("another citizen", &luca)] {
        for (path, status) in &gets {
            let res = b.get(path).await;
            let got = res.status().as_u16();
            // A live stream that opened would never end: its status is the answer.
            let body = if got == 200 && path.starts_with("/api/v1/live") {
                String::new()
            } else {
                res.text().await.expect("body")
            };
            answers.push((
                Answer {
                    door: path.clone(),
                    who,
                    status: got,
                    body,
                },
                *status,
            ));
        }
        for (name, form, status) in &fns {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let res = b.post(&format!("/api/{name}"), &form).await;
            answers.push((
                Answer {
                    door: format!("/api/{name} {form:?}"),
                    who,
                    status: res.status().as_u16(),
                    body: res.text().await.expect("body"),
                },
                *status,
            ));
        }
        // A hidden report takes no comment, follower or support from them, as one that does not exist.
        for code in hidden.iter().chain([&nobody]) {
            for (door, form) in [
                ("commenti", vec![("comment", "Anche io l'ho vista")]),
                ("segui", vec![("segui", "1")]),
                ("sostieni", vec![]),
            ] {
                let path = format!("/segnalazioni/{code}/{door}");
                let res = b.post(&path, &form).await;
                answers.push((
                    Answer {
                        door: path,
                        who,
                        status: res.status().as_u16(),
                        body: res.text().await.expect("body"),
                    },
                    0,
                ));
            }
        }
        // `/vai` sends a code to its page without looking it up: the same for any code.
        for code in hidden.iter().chain([&nobody]) {
            let res = b.get(&format!("/vai?codice={code}")).await;
            assert_eq!(res.status(), 303);
            assert_eq!(
                res.headers()["location"],
                format!("/segnalazioni/{code}").as_str()
            );
        }
    }
    for (a, status) in &answers {
        if *status == 0 {
            let code = hidden
                .iter()
                .chain([&nobody])
                .find(|c| a.door.contains(**c))
                .expect("a code");
            let door = a.door.replace(code, nobody);
            let same = answers
                .iter()
                .find(|(b, _)| b.door == door && b.who == a.who)
                .expect("the same door for a code that does not exist");
            assert!(
                (400..500).contains(&same.0.status),
                "{door} for {}: {}",
                a.who,
                same.0.status
            );
            assert_eq!(a.status, same.0.status, "{} for {}: {}", a.door, a.who, a.body);
        } else {
            assert_eq!(a.status, *status, "{} for {}: {}", a.door, a.who, a.body);
        }
        for s in secrets {
            // A door addressed by a code may repeat the code it was given, as it does for one that does not exist.
            if hidden.contains(&s) && a.door.contains(s) {
                continue;
            }
            assert!(!a.body.contains(s), "{} for {} shows {s}", a.door, a.who);
        }
    }
    // The probes reach what they should: the public report is on the lists, the map and the feeds.
    for door in ["/", "/elenco", "/api/v1/export.csv", "/feed/nuove.atom"] {
        let a = answers.iter().find(|(a, _)| a.door == door).expect("asked");
        assert!(a.0.body.contains(&public), "{door} lists the public report");
    }
    assert_eq!(app.count("report_comment").await, 0);
    assert_eq!(app.count("report_follower").await, 0);
    assert_eq!(app.count("report_supporter").await, 0);
    // The map: no hidden report counts in a cluster or shows as a pin.
    assert_eq!((tile(&app, 16).await, tile(&app, 12).await), tiles_before);
    assert!(tiles_before.0.1.contains(&public));
}
