//! Every staff listing names exactly the reports its viewer may open: one rule (the staff's sight,
//! `shared::permission::StaffSight`, `report_in_sight` in SQL) for the staff page and for the inbox (its list
//! and map), the dashboard's deadlines and their CSV. The testers found an observer's inbox listing private
//! reports whose page answered 403; this walks every role over every listing.

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
