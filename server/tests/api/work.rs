//! The back office and the public conversation over HTTP: staff commands through their forms (signed timeline,
//! version checks, transitions, contractors' scope), comments, following, the audit log, the live stream across
//! two instances, and a scan of every public answer for what must stay in the offices.

use std::time::Duration;

use backend::testing::create_office;
use shared::Role;

use crate::helpers::{Browser, PASSWORD, TestApp, spawn_app, spawn_on, staff, staff_town};

/// A municipality with a roads office and a parks office, their people, a contractor, and one report sent
/// without an account (its reporter's contact in `report_contact`).
async fn signed_in<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
    let b = app.browser();
    b.sign_in(email, PASSWORD).await;
    b
}

async fn version(app: &TestApp, code: &str) -> String {
    sqlx::query_scalar::<_, i32>("select version from report where receipt_code = $1")
        .bind(code)
        .fetch_one(&app.db.pool)
        .await
        .expect("version")
        .to_string()
}

/// Gives a command through its form with the report's current version; returns the answer.
async fn act(b: &Browser<'_>, code: &str, command: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let v = version(b.app, code).await;
    let mut form = vec![("version", v.as_str())];
    form.extend_from_slice(fields);
    b.post(&format!("/ufficio/segnalazioni/{code}/{command}"), &form)
        .await
}

async fn ok(b: &Browser<'_>, code: &str, command: &str, fields: &[(&str, &str)]) {
    let res = act(b, code, command, fields).await;
    let status = res.status();
    let body = res.text().await.unwrap_or_default();
    assert_eq!(
        status,
        303,
        "{command}: {}",
        body.chars().take(2000).collect::<String>()
    );
}

async fn state_of(app: &TestApp, code: &str) -> String {
    sqlx::query_scalar("select state::text from report where receipt_code = $1")
        .bind(code)
        .fetch_one(&app.db.pool)
        .await
        .expect("state")
}

async fn mails_to(app: &TestApp, to: &str) -> Vec<(String, String)> {
    sqlx::query_as("select kind::text, subject from outbox_mail where recipient = $1 order by mail_id")
        .bind(to)
        .fetch_all(&app.db.pool)
        .await
        .expect("mails")
}

#[tokio::test]
async fn a_report_goes_from_the_urp_to_a_contractor_and_back_signed_at_every_public_step() {
    let app = spawn_app().await;
    let t = staff_town(&app).await;
    let code = t.code.clone();
    let urp = signed_in(&app, "urp@comune.example").await;
    let manager = signed_in(&app, "rossi@comune.example").await;
    let ditta = signed_in(&app, "pavan@asfalti.example").await;

    ok(
        &urp,
        &code,
        "take_in_charge",
        &[("note", "Ricevuta, la giriamo all'ufficio competente.")],
    )
    .await;
    ok(&urp, &code, "assign", &[("to", &format!("office:{}", t.roads))]).await;
    ok(
        &manager,
        &code,
        "internal_note",
        &[("note", "NOTA-INTERNA-7731: chiedere preventivo")],
    )
    .await;
    ok(
        &manager,
        &code,
        "assign",
        &[
            ("to", &format!("contractor:{}", t.contractor.0)),
            ("due", "2099-12-31"),
        ],
    )
    .await;
    assert_eq!(state_of(&app, &code).await, "assigned");
    ok(&ditta, &code, "change_state", &[("state", "in_progress")]).await;
    ok(
        &ditta,
        &code,
        "contractor_progress",
        &[("note", "Lavori conclusi, asfalto rifatto."), ("done", "1")],
    )
    .await;
    // The contractor cannot resolve: the office validates.
    let res = act(&ditta, &code, "change_state", &[("state", "resolved")]).await;
    assert_eq!(res.status(), 403);
    ok(
        &manager,
        &code,
        "validate_completion",
        &[("note", "Buca chiusa il 26/11. Grazie della segnalazione.")],
    )
    .await;
    assert_eq!(state_of(&app, &code).await, "resolved");

    // The public timeline: every public step signed with name, role and office; no internal note.
    let page = app
        .get(&format!("/segnalazioni/{code}"))
        .await
        .text()
        .await
        .expect("page");
    let page = page.replace("&#x27;", "'").replace("&#39;", "'");
    for signed in [
        "Paolo Zanon, Operatore URP",
        "ing. Marco Rossi, Responsabile d'ufficio (Lavori pubblici)",
        "Sara Pavan, Ditta esterna",
        "Buca chiusa il 26/11",
        "Affidata alla ditta Asfalti Veneti",
    ] {
        assert!(page.contains(signed), "public page lacks {signed:?}");
    }
    let json = app
        .get(&format!("/api/v1/reports/{code}"))
        .await
        .text()
        .await
        .expect("json");
    assert!(json.contains("\"role\":\"office_manager\""), "{json}");
    for secret in [
        "NOTA-INTERNA-7731",
        "Lavori conclusi",
        "1234567",
        "maria@esempio.it",
        "Maria Esposito",
    ] {
        assert!(!page.contains(secret), "the public page shows {secret}");
        assert!(!json.contains(secret), "the API shows {secret}");
    }

    // The reporter got one message per public step; the contractor's company and its staff the assignment.
    let to_reporter = mails_to(&app, "maria@esempio.it").await;
    let kinds: Vec<&str> = to_reporter.iter().map(|(k, _)| k.as_str()).collect();
    // Taken in charge; given to the roads office; assigned to the contractor; work started; resolved.
    assert_eq!(kinds, ["report_update"; 5], "{to_reporter:?}");
    assert!(to_reporter.iter().all(|(_, s)| s.contains(&code)));
    assert_eq!(mails_to(&app, "pavan@asfalti.example").await.len(), 1);
    assert_eq!(mails_to(&app, "ufficio@asfalti.example").await.len(), 1);
    assert!(
        mails_to(&app, "rossi@comune.example")
            .await
            .iter()
            .any(|(k, _)| k == "report_assigned"),
        "the roads manager is told of the office's assignment"
    );
    // Nobody is told of their own action, and nothing leaks an internal note.
    let leaked: i64 =
        sqlx::query_scalar("select count(*) from outbox_mail where body_text like '%NOTA-INTERNA%'")
            .fetch_one(&app.db.pool)
            .await
            .expect("count");
    assert_eq!(leaked, 0);

    // The audit log has every action, and refuses to be edited.
    let actions: Vec<String> = sqlx::query_scalar("select action from audit_log order by audit_id")
        .fetch_all(&app.db.pool)
        .await
        .expect("audit");
    assert_eq!(
        actions,
        [
            "take_in_charge",
            "assign",
            "internal_note",
            "assign",
            "change_state",
            "contractor_progress",
            "validate_completion"
        ]
    );
    let edit = sqlx::query("update audit_log set action = 'nothing'")
        .execute(&app.db.pool)
        .await;
    assert!(edit.is_err(), "the audit log must be append-only");
    let erase = sqlx::query("delete from audit_log").execute(&app.db.pool).await;
    assert!(erase.is_err(), "the audit log must be append-only");
    let admin = signed_in(&app, "admin@comune.example").await;
    let log = admin
        .get("/amministrazione/registro")
        .await
        .text()
        .await
        .expect("log");
    assert!(
        log.contains("validate_completion") && log.contains("Sara Pavan"),
        "{log}"
    );
    let log_by_urp = urp.get("/amministrazione/registro").await;
    assert_eq!(log_by_urp.status(), 403);
    let _ = t.manager;
}

#[tokio::test]
async fn a_stale_edit_is_refused_and_loses_nothing() {
    let app = spawn_app().await;
    let t = staff_town(&app).await;
    let manager = signed_in(&app, "rossi@comune.example").await;
    let colleague = signed_in(&app, "bianchi@comune.example").await;
    // Both open the page at version 1.
    let v = version(&app, &t.code).await;
    let first = manager
        .post(
            &format!("/ufficio/segnalazioni/{}/set_priority", t.code),
            &[("version", &v), ("priority", "urgent")],
        )
        .await;
    assert_eq!(first.status(), 303);
    let second = colleague
        .post(
            &format!("/ufficio/segnalazioni/{}/set_priority", t.code),
            &[("version", &v), ("priority", "low")],
        )
        .await;
    assert_eq!(second.status(), 409);
    let page = second.text().await.expect("page");
    assert!(
        page.contains("Qualcun altro ha modificato"),
        "a clear conflict message"
    );
    let priority: String = sqlx::query_scalar("select priority::text from report where receipt_code = $1")
        .bind(&t.code)
        .fetch_one(&app.db.pool)
        .await
        .expect("priority");
    assert_eq!(priority, "urgent", "the first change stands");
    assert_eq!(version(&app, &t.code).await, "2");
}

#[tokio::test]
async fn a_state_change_that_skips_the_lifecycle_is_refused_with_field_and_rule() {
    let app = spawn_app().await;
    let t = staff_town(&app).await;
    let manager = signed_in(&app, "rossi@comune.example").await;
    let entries_before = app.count("report_update").await;
    let res = act(&manager, &t.code, "change_state", &[("state", "resolved")]).await;
    assert_eq!(res.status(), 400);
    let page = res.text().await.expect("page");
    assert!(
        page.contains("Il campo «stato» non può passare da «Inviata» a «Risolta»"),
        "{}",
        &page[..page.len().min(3000)]
    );
    assert_eq!(state_of(&app, &t.code).await, "submitted");
    assert_eq!(app.count("report_update").await, entries_before);
    assert_eq!(app.count("audit_log").await, 0);
    // The database refuses it too, whoever asks.
    let direct = sqlx::query(
        "insert into report_update (report_id, from_state, to_state, actor_kind, actor_name) \
         select report_id, 'submitted', 'closed', 'staff', 'x' from report where receipt_code = $1",
    )
    .bind(&t.code)
    .execute(&app.db.pool)
    .await;
    assert!(direct.is_err());
    // Bad values name their field.
    let res = act(&manager, &t.code, "assign", &[("to", "contractor:abc")]).await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.expect("page").contains("assegnatario"));
    let res = act(
        &manager,
        &t.code,
        "assign",
        &[
            ("to", &format!("contractor:{}", t.contractor.0)),
            ("due", "2001-01-01"),
        ],
    )
    .await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .expect("page")
            .contains("non può essere nel passato")
    );
}

#[tokio::test]
async fn contractors_see_only_their_assignments_and_strangers_get_nothing_of_the_report() {
    let app = spawn_app().await;
    let t = staff_town(&app).await;
    let other = signed_in(&app, "neri@edilstrade.example").await;
    for path in [format!("/ufficio/segnalazioni/{}", t.code)] {
        let res = other.get(&path).await;
        assert_eq!(res.status(), 403, "{path}");
        let body = res.text().await.expect("body");
        assert!(
            !body.contains("Buca profonda"),
            "nothing of the report in the answer"
        );
    }
    let res = other.post("/api/work", &[("code", &t.code)]).await;
    assert_eq!(res.status(), 403);
    assert!(!res.text().await.expect("body").contains("Buca profonda"));
    let res = act(
        &other,
        &t.code,
        "contractor_progress",
        &[("note", "fatto"), ("done", "1")],
    )
    .await;
    assert_eq!(res.status(), 403);
    assert!(!res.text().await.expect("body").contains("Buca profonda"));
    // The contractor's inbox lists only its company's work.
    let inbox = other.get("/ufficio").await.text().await.expect("inbox");
    assert!(!inbox.contains(&t.code));
    let manager = signed_in(&app, "rossi@comune.example").await;
    ok(
        &manager,
        &t.code,
        "assign",
        &[("to", &format!("contractor:{}", t.other_contractor.0))],
    )
    .await;
    let inbox = other.get("/ufficio").await.text().await.expect("inbox");
    assert!(inbox.contains(&t.code));
    assert_eq!(
        other
            .get(&format!("/ufficio/segnalazioni/{}", t.code))
            .await
            .status(),
        200
    );
    // Staff of another office may read a public report but not act on it.
    let parks = signed_in(&app, "verdi@comune.example").await;
    let res = act(&parks, &t.code, "set_priority", &[("priority", "high")]).await;
    assert_eq!(res.status(), 403);
    let _ = (t.roads, t.parks);
}

#[tokio::test]
async fn staff_actions_need_a_session_and_this_site() {
    let app = spawn_app().await;
    let t = staff_town(&app).await;
    let anonymous = app.browser();
    let res = act(&anonymous, &t.code, "take_in_charge", &[]).await;
    assert_eq!(res.status(), 401);
    let manager = signed_in(&app, "rossi@comune.example").await;
    let v = version(&app, &t.code).await;
    let res = manager
        .post_from(
            &format!("/ufficio/segnalazioni/{}/take_in_charge", t.code),
            &[("version", &v)],
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(res.status(), 403);
    let citizen_id = app.account("cittadino@esempio.it", PASSWORD, Role::Citizen).await;
    let citizen = signed_in(&app, "cittadino@esempio.it").await;
    let res = act(&citizen, &t.code, "take_in_charge", &[]).await;
    assert_eq!(res.status(), 403);
    assert_eq!(state_of(&app, &t.code).await, "submitted");
    assert_eq!(app.count("audit_log").await, 0);
    let _ = citizen_id;
}

#[tokio::test]
async fn reclassifying_reroutes_and_marking_a_duplicate_moves_the_followers() {
    let app = spawn_app().await;
    let t = staff_town(&app).await;
    let urp = signed_in(&app, "urp@comune.example").await;
    ok(
        &urp,
        &t.code,
        "reclassify",
        &[("category", &t.parks_category.to_string())],
    )
    .await;
    let office: i32 = sqlx::query_scalar("select office_id from report where receipt_code = $1")
        .bind(&t.code)
        .fetch_one(&app.db.pool)
        .await
        .expect("office");
    assert_eq!(office, t.parks.0);
    assert!(
        mails_to(&app, "maria@esempio.it")
            .await
            .iter()
            .any(|(k, _)| k == "report_update")
    );

    // A second report of the same thing, with a follower and a supporter, marked as its duplicate.
    let potholes: i32 = sqlx::query_scalar("select category_id from category where name = 'Buche stradali'")
        .fetch_one(&app.db.pool)
        .await
        .expect("category");
    let (dup, dup_code) = app
        .report(
            shared::CategoryId(potholes),
            "Buca in via Roma angolo",
            45.4001,
            11.8701,
        )
        .await;
    let follower = app.browser();
    let reporter_id = app.account("luigi@esempio.it", PASSWORD, Role::Citizen).await;
    sqlx::query("update report set reporter_id = $2 where report_id = $1")
        .bind(dup.0)
        .bind(reporter_id.0)
        .execute(&app.db.pool)
        .await
        .expect("reporter");
    sqlx::query("insert into report_follower (report_id, email) values ($1, 'fan@esempio.it')")
        .bind(dup.0)
        .execute(&app.db.pool)
        .await
        .expect("follower");
    let _ = follower;
    ok(&urp, &dup_code.to_string(), "mark_duplicate", &[("of", &t.code)]).await;
    assert_eq!(state_of(&app, &dup_code.to_string()).await, "duplicate");
    let moved: i64 = sqlx::query_scalar(
        "select count(*) from report_follower f join report r using (report_id) where r.receipt_code = $1 and f.email = 'fan@esempio.it'",
    )
    .bind(&t.code)
    .fetch_one(&app.db.pool)
    .await
    .expect("moved");
    assert_eq!(moved, 1, "followers move to the original");
    let supports: i64 = sqlx::query_scalar(
        "select count(*) from report_supporter s join report r using (report_id) where r.receipt_code = $1 and s.user_id = $2",
    )
    .bind(&t.code)
    .bind(reporter_id.0)
    .fetch_one(&app.db.pool)
    .await
    .expect("supports");
    assert_eq!(supports, 1, "the duplicate's reporter supports the original");
    // Both reporters are told.
    assert!(
        mails_to(&app, "luigi@esempio.it")
            .await
            .iter()
            .any(|(_, s)| s.contains(&dup_code.to_string()))
    );
    assert_eq!(mails_to(&app, "maria@esempio.it").await.len(), 2);
    let page = app
        .get(&format!("/segnalazioni/{}", t.code))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains(&dup_code.to_string()),
        "the original names its duplicate"
    );
    // Marking it again (it is a duplicate already) is refused.
    let res = act(&urp, &dup_code.to_string(), "mark_duplicate", &[("of", &t.code)]).await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn comments_are_text_rate_limited_closed_with_the_report_and_absent_from_private_ones() {
    let app = spawn_app().await;
    let t = staff_town(&app).await;
    app.account("lucia@esempio.it", PASSWORD, Role::Citizen).await;
    let lucia = signed_in(&app, "lucia@esempio.it").await;
    let path = format!("/segnalazioni/{}/commenti", t.code);
    let res = lucia
        .post(
            &path,
            &[("comment", "<script>alert('x')</script><b>ancora</b> lì")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = app
        .get(&format!("/segnalazioni/{}", t.code))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("&lt;script&gt;alert"), "shown as text");
    assert!(!page.contains("<script>alert"), "never as HTML");
    // The reporter (by address) and the office are told.
    assert!(
        mails_to(&app, "maria@esempio.it")
            .await
            .iter()
            .any(|(k, _)| k == "report_comment")
    );
    assert!(
        mails_to(&app, "rossi@comune.example")
            .await
            .iter()
            .any(|(k, _)| k == "report_comment")
    );
    // Abuse: counted once per person.
    let id: i64 = sqlx::query_scalar("select comment_id from report_comment")
        .fetch_one(&app.db.pool)
        .await
        .expect("id");
    for _ in 0..2 {
        let res = lucia
            .post(&format!("/segnalazioni/{}/commenti/{id}/abuso", t.code), &[])
            .await;
        assert_eq!(res.status(), 303);
    }
    let n: i32 = sqlx::query_scalar("select abuse_reports from report_comment")
        .fetch_one(&app.db.pool)
        .await
        .expect("n");
    assert_eq!(n, 1);
    // The moderators' queue lists it; a moderator hides it from the report's staff page; it leaves the public page.
    app.account("moderatore@comune.example", PASSWORD, Role::Moderator)
        .await;
    let moderator = signed_in(&app, "moderatore@comune.example").await;
    let queue = moderator
        .get("/ufficio/moderazione")
        .await
        .text()
        .await
        .expect("queue");
    assert!(
        queue.contains("&lt;script&gt;alert") && queue.contains(&t.code),
        "the reported comment is queued"
    );
    assert_eq!(lucia.get("/ufficio/moderazione").await.status(), 403);
    ok(
        &moderator,
        &t.code,
        "hide_comment",
        &[("comment", &id.to_string()), ("hidden", "1")],
    )
    .await;
    let page = app
        .get(&format!("/segnalazioni/{}", t.code))
        .await
        .text()
        .await
        .expect("page");
    assert!(!page.contains("&lt;script&gt;alert"), "hidden from the public");
    let queue = moderator
        .get("/ufficio/moderazione")
        .await
        .text()
        .await
        .expect("queue");
    assert!(!queue.contains(&t.code), "no longer waiting");
    // A flood: the default is 10 an hour.
    let mut last = 0;
    for i in 0..12 {
        last = lucia
            .post(&path, &[("comment", &format!("commento numero {i}"))])
            .await
            .status()
            .as_u16();
    }
    assert_eq!(last, 429);
    assert_eq!(app.count("report_comment").await, 10);
    // Closed with the report.
    sqlx::query("update report set state = 'closed' where receipt_code = $1")
        .bind(&t.code)
        .execute(&app.db.pool)
        .await
        .expect("close");
    app.account("piero@esempio.it", PASSWORD, Role::Citizen).await;
    let piero = signed_in(&app, "piero@esempio.it").await;
    let res = piero.post(&path, &[("comment", "ancora rotta")]).await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .expect("page")
            .contains("la segnalazione è chiusa")
    );
    // A private report takes none, and answers as if it did not exist.
    let (_, private) = backend::testing::create_report_at(
        &app.db.pool,
        shared::CategoryId(t.parks_category),
        "Segnalazione privata su un vicino",
        45.40,
        11.87,
        chrono::Utc::now(),
        false,
    )
    .await;
    let res = piero
        .post(
            &format!("/segnalazioni/{private}/commenti"),
            &[("comment", "ciao a tutti")],
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(app.count("report_comment").await, 10);
    // Staff see the private report; other citizens do not.
    assert_eq!(piero.get(&format!("/segnalazioni/{private}")).await.status(), 404);
    let verdi = signed_in(&app, "verdi@comune.example").await;
    assert_eq!(verdi.get(&format!("/segnalazioni/{private}")).await.status(), 200);
}

#[tokio::test]
async fn following_by_email_waits_for_confirmation_then_gets_the_updates() {
    let app = spawn_app().await;
    let t = staff_town(&app).await;
    let visitor = app.browser();
    let res = visitor
        .post(
            &format!("/segnalazioni/{}/segui", t.code),
            &[("email", "Curioso@Esempio.it")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.count("report_follower").await,
        0,
        "not before the address is confirmed"
    );
    let link = backend::testing::outbox_link(&app.db.pool, "curioso@esempio.it", None, "/conferma/").await;
    let res = visitor.post(&link, &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.count("report_follower").await, 1);
    let urp = signed_in(&app, "urp@comune.example").await;
    ok(&urp, &t.code, "take_in_charge", &[]).await;
    assert!(
        mails_to(&app, "curioso@esempio.it")
            .await
            .iter()
            .any(|(k, _)| k == "report_update")
    );
}

#[tokio::test]
async fn the_inbox_pages_by_keyset_filters_and_counts() {
    let app = spawn_app().await;
    let t = staff_town(&app).await;
    let potholes: i32 = sqlx::query_scalar("select category_id from category where name = 'Buche stradali'")
        .fetch_one(&app.db.pool)
        .await
        .expect("category");
    for i in 0..119 {
        app.report(
            shared::CategoryId(potholes),
            &format!("Buca numero {i:03}"),
            45.40,
            11.87,
        )
        .await;
    }
    // Mixed priorities and due dates, so that every sort has ties and order to keep across pages.
    sqlx::query(
        "update report set priority = (array['low','normal','high','urgent'])[1 + report_id % 4]::report_priority, \
         sla_due_at = created_at + make_interval(days => (report_id % 7)::int)",
    )
    .execute(&app.db.pool)
    .await
    .expect("priorities");
    let manager = signed_in(&app, "rossi@comune.example").await;
    for sort in ["due", "oldest", "newest", "priority"] {
        let mut seen = std::collections::BTreeSet::new();
        let mut keys: Vec<(i64, i64)> = Vec::new();
        let mut after: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut form = vec![("query[sort]", sort.to_owned())];
            if let Some(a) = &after {
                form.push(("query[after]", a.clone()));
            }
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let res = manager.post("/api/inbox", &form).await;
            assert_eq!(res.status(), 200);
            let page: serde_json::Value = res.json().await.expect("json");
            for item in page["items"].as_array().expect("items") {
                assert!(
                    seen.insert(item["receipt_code"].as_str().expect("code").to_owned()),
                    "{sort}: twice"
                );
                let rank = ["low", "normal", "high", "urgent"]
                    .iter()
                    .position(|p| item["priority"] == *p)
                    .expect("priority") as i64;
                let at = match sort {
                    "oldest" | "newest" => item["created_at"].as_str(),
                    _ => item["sla_due_at"].as_str(),
                };
                let at = chrono::DateTime::parse_from_rfc3339(at.expect("time")).expect("rfc 3339");
                keys.push((rank, at.timestamp_micros()));
            }
            pages += 1;
            match page["next"].as_str() {
                Some(n) => after = Some(n.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen.len(), 120, "{sort}: every report once");
        assert_eq!(keys.len(), 120);
        for w in keys.windows(2) {
            let ordered = match sort {
                "priority" => w[0].0 > w[1].0 || (w[0].0 == w[1].0 && w[0].1 <= w[1].1),
                "newest" => w[0].1 >= w[1].1,
                _ => w[0].1 <= w[1].1,
            };
            assert!(ordered, "{sort}: {:?} before {:?}", w[0], w[1]);
        }
        assert_eq!(pages, 3, "{sort}");
    }
    // Counts per state, and the page marks overdue ones.
    sqlx::query("update report set sla_due_at = now() - interval '1 day' where title = 'Buca numero 000'")
        .execute(&app.db.pool)
        .await
        .expect("overdue");
    let page = manager
        .get("/ufficio?scadute=1")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("Buca numero 000") && !page.contains("Buca numero 001"),
        "overdue filter"
    );
    assert!(page.contains("tag-overdue"));
    // Another office's staff see none of them.
    let parks = signed_in(&app, "verdi@comune.example").await;
    let page = parks.get("/ufficio").await.text().await.expect("page");
    assert!(!page.contains("Buca numero"));
    let _ = t;
}

/// Reads a server-sent-event stream until an event named `changed` arrives (or the time runs out).
/// A live stream being read.
struct Live {
    stream: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<axum::body::Bytes>> + Send>>,
    text: String,
}

impl Live {
    fn of(res: reqwest::Response) -> Self {
        Self {
            stream: Box::pin(res.bytes_stream()),
            text: String::new(),
        }
    }

    /// Whether `event: {name}` arrives within `secs` (events already read count).
    async fn wait_for(&mut self, name: &str, secs: u64) -> bool {
        use futures_util::StreamExt;
        let wanted = format!("event: {name}");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        while !self.text.contains(&wanted) {
            match tokio::time::timeout_at(deadline, self.stream.next()).await {
                Ok(Some(Ok(chunk))) => self.text.push_str(&String::from_utf8_lossy(&chunk)),
                _ => return false,
            }
        }
        true
    }
}

#[tokio::test]
async fn live_pages_hear_of_a_change_made_through_another_instance() {
    let app = spawn_app().await;
    let t = staff_town(&app).await;
    let second = spawn_on(&app.db, None, &[]).await;
    let res = app
        .client
        .get(format!("{}/api/v1/live?report={}", app.base, t.code))
        .send()
        .await
        .expect("stream");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let map = app
        .client
        .get(format!("{}/api/v1/live", app.base))
        .send()
        .await
        .expect("map stream");
    let urp = second.browser();
    urp.sign_in("urp@comune.example", PASSWORD).await;
    // Both streams say "ready" once the database listener listens: no change after that is missed.
    let (mut res, mut map) = (Live::of(res), Live::of(map));
    assert!(
        res.wait_for("ready", 20).await && map.wait_for("ready", 20).await,
        "the streams are ready"
    );
    let v = version(&app, &t.code).await;
    let done = urp
        .post(
            &format!("/ufficio/segnalazioni/{}/take_in_charge", t.code),
            &[("version", &v)],
        )
        .await;
    assert_eq!(done.status(), 303);
    assert!(
        res.wait_for("changed", 20).await,
        "the report's stream says it changed"
    );
    assert!(
        map.wait_for("changed", 20).await,
        "the map's stream says something changed"
    );
    // A private report's stream is not open to strangers.
    let (_, private) = backend::testing::create_report_at(
        &app.db.pool,
        shared::CategoryId(t.parks_category),
        "Segnalazione privata",
        45.40,
        11.87,
        chrono::Utc::now(),
        false,
    )
    .await;
    let res = app.get(&format!("/api/v1/live?report={private}")).await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn the_urp_files_on_a_citizens_behalf_and_staff_file_internal_reports() {
    let app = spawn_app().await;
    let (pothole, _, _) = backend::testing::reporting_town(&app.db.pool).await;
    let category = pothole.to_string();
    staff(
        &app,
        "urp@comune.example",
        "Paolo Zanon",
        Role::UrpOperator,
        vec![],
        None,
    )
    .await;
    let urp = signed_in(&app, "urp@comune.example").await;
    let form = |key: &'static str, title: &'static str| {
        vec![
            ("idempotency_key", key.to_owned()),
            ("modulo", "ufficio".to_owned()),
            ("kind", "problem".to_owned()),
            ("category_id", category.clone()),
            ("address", "via Roma 12".to_owned()),
            ("title", title.to_owned()),
            ("description", "Segnalata al telefono.".to_owned()),
            ("is_public", "true".to_owned()),
        ]
    };
    let post = |mut f: Vec<(&'static str, String)>, extra: &[(&'static str, &str)]| {
        for (k, v) in extra {
            f.push((k, (*v).to_owned()));
        }
        f
    };
    let fields = post(
        form("behalf-key-00000000001", "Buca segnalata per telefono"),
        &[
            ("channel", "phone"),
            ("name", "Anna Rossi"),
            ("phone", "+39 333 1234567"),
            ("email", "anna@esempio.it"),
        ],
    );
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = urp.post("/segnala", &fields).await;
    assert_eq!(res.status(), 303, "{:?}", res.text().await);
    let row: (Option<i64>, String, bool, bool) = sqlx::query_as(
        "select reporter_id, channel::text, confirmed_at is not null, is_public from report where title = 'Buca segnalata per telefono'",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("report");
    assert_eq!(
        row,
        (None, "phone".to_owned(), true, true),
        "the citizen's report, confirmed, by phone"
    );
    assert_eq!(
        app.count("report_contact where phone = '+39 333 1234567' and name = 'Anna Rossi'")
            .await,
        1
    );
    assert_eq!(
        mails_to(&app, "anna@esempio.it")
            .await
            .first()
            .map(|m| m.0.as_str()),
        Some("report_receipt")
    );
    assert_eq!(app.count("audit_log where action = 'intake_on_behalf'").await, 1);

    // An internal report: never public, in the inbox with the others.
    let office = create_office(&app.db.pool, "Ufficio tecnico").await;
    staff(
        &app,
        "tecnico@comune.example",
        "geom. Elisa Neri",
        Role::OfficeStaff,
        vec![office],
        None,
    )
    .await;
    let tecnico = signed_in(&app, "tecnico@comune.example").await;
    let fields = post(
        form("internal-key-0000000001", "Tombino da controllare"),
        &[("internal", "true")],
    );
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = tecnico.post("/segnala", &fields).await;
    assert_eq!(res.status(), 303, "{:?}", res.text().await);
    let (code, public, internal): (String, bool, bool) = sqlx::query_as(
        "select receipt_code, is_public, is_internal from report where title = 'Tombino da controllare'",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("internal");
    assert!(!public && internal);
    assert_eq!(app.get(&format!("/segnalazioni/{code}")).await.status(), 404);
    let map = app
        .get("/api/v1/reports?bbox=11.7,45.3,12.0,45.5")
        .await
        .text()
        .await
        .expect("map");
    assert!(
        !map.contains("Tombino"),
        "internal reports stay off the public map"
    );
    let inbox = urp.get("/ufficio?interne=1").await.text().await.expect("inbox");
    assert!(inbox.contains(&code) && !inbox.contains("Buca segnalata per telefono"));

    // Neither is open to citizens, nor to people without an account.
    app.account("mario@esempio.it", PASSWORD, Role::Citizen).await;
    let citizen = signed_in(&app, "mario@esempio.it").await;
    let fields = post(
        form("citizen-key-00000000001", "Buca per conto di altri"),
        &[("channel", "counter")],
    );
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(citizen.post("/segnala", &fields).await.status(), 403);
    let anonymous = app.browser();
    let fields = post(
        form("anon-key-0000000000001", "Buca interna anonima"),
        &[("internal", "true"), ("email", "x@esempio.it")],
    );
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(anonymous.post("/segnala", &fields).await.status(), 401);
    assert_eq!(app.count("report").await, 2);
    // Through the API the channel is `api`.
    let res = app
        .client
        .post(format!("{}/api/v1/reports", app.base))
        .json(&serde_json::json!({
            "kind": "problem", "category_id": pothole, "lat": 45.40, "lng": 11.865,
            "title": "Buca inviata da un'app", "description": "Via API.", "email": "app@esempio.it"
        }))
        .send()
        .await
        .expect("api");
    assert_eq!(res.status(), 201);
    assert_eq!(app.count("report where channel = 'api'").await, 1);
}

#[tokio::test]
async fn internal_notes_and_reporter_contacts_reach_no_public_answer() {
    let app = spawn_app().await;
    let t = staff_town(&app).await;
    let manager = signed_in(&app, "rossi@comune.example").await;
    ok(&manager, &t.code, "take_in_charge", &[]).await;
    ok(
        &manager,
        &t.code,
        "internal_note",
        &[("note", "SEGRETO-INTERNO-4471 telefonare al vicino")],
    )
    .await;
    ok(
        &manager,
        &t.code,
        "publish_update",
        &[("note", "Sopralluogo fissato per lunedì.")],
    )
    .await;
    app.account("lucia@esempio.it", PASSWORD, Role::Citizen).await;
    let lucia = signed_in(&app, "lucia@esempio.it").await;
    let res = lucia
        .post(
            &format!("/segnalazioni/{}/commenti", t.code),
            &[("comment", "Anche io l'ho vista")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let secrets = [
        "SEGRETO-INTERNO-4471",
        "maria@esempio.it",
        "1234567",
        "Maria Esposito",
        "lucia@esempio.it",
    ];
    // Every public door that shows this (public) report: pages, REST, #[server] fns, lists, exports, feeds;
    // reports nobody else may see are probed over every door in visibility.rs.
    let mut answers = Vec::new();
    for path in [
        "/".to_owned(),
        format!("/segnalazioni/{}", t.code),
        "/segnala".to_owned(),
        format!("/api/v1/reports/{}", t.code),
        "/api/v1/reports?bbox=11.0,45.0,12.5,46.0".to_owned(),
        // Browsing without the map (issue 15): the list, exports, feeds.
        "/elenco".to_owned(),
        "/elenco?q=vista".to_owned(),
        "/api/v1/export.geojson".to_owned(),
        "/api/v1/export.csv".to_owned(),
        "/feed/nuove.atom".to_owned(),
        "/feed/nuove.rss".to_owned(),
        "/feed/risolte.atom".to_owned(),
    ] {
        for who in [&app.browser(), &lucia] {
            let res = who.get(&path).await;
            // A refusal would show nothing, and prove nothing: every one of these doors answers.
            assert_eq!(res.status(), 200, "{path}");
            answers.push((path.clone(), res.text().await.expect("body")));
        }
    }
    for (name, form) in [
        ("report", vec![("code", t.code.as_str())]),
        ("viewport", vec![("bbox", "11.0,45.0,12.5,46.0")]),
        ("map_setup", vec![]),
        ("list", vec![("query", ""), ("limit", "100")]),
    ] {
        let res = lucia.post(&format!("/api/{name}"), &form).await;
        assert_eq!(res.status(), 200, "/api/{name}");
        answers.push((format!("/api/{name}"), res.text().await.expect("body")));
    }
    for (path, body) in &answers {
        for s in secrets {
            assert!(!body.contains(s), "{path} shows {s}");
        }
    }
    // The public page does show what is public: the update, the comment, who signed.
    let page = &answers[2].1;
    assert!(
        page.contains("Sopralluogo fissato")
            && page.contains("Anche io l")
            && page.contains("ing. Marco Rossi")
    );
    // And the staff page does show the note and the contact to the office.
    let work = manager
        .get(&format!("/ufficio/segnalazioni/{}", t.code))
        .await
        .text()
        .await
        .expect("work");
    assert!(work.contains("SEGRETO-INTERNO-4471") && work.contains("maria@esempio.it"));
    let _ = (t.roads, t.parks, t.contractor, t.other_contractor, t.manager);
}

#[tokio::test]
async fn rejecting_needs_a_reason_and_a_private_report_leaves_the_public_pages() {
    let app = spawn_app().await;
    let t = staff_town(&app).await;
    let urp = signed_in(&app, "urp@comune.example").await;
    // Following and stopping, signed in.
    app.account("lucia@esempio.it", PASSWORD, Role::Citizen).await;
    let lucia = signed_in(&app, "lucia@esempio.it").await;
    let follow = format!("/segnalazioni/{}/segui", t.code);
    assert_eq!(lucia.post(&follow, &[("segui", "1")]).await.status(), 303);
    assert_eq!(app.count("report_follower").await, 1);
    assert_eq!(lucia.post(&follow, &[("segui", "0")]).await.status(), 303);
    assert_eq!(app.count("report_follower").await, 0);
    // A rejection without a reason names the field; nothing changes.
    let res = act(&urp, &t.code, "reject", &[("note", "  ")]).await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .expect("page")
            .contains("Il campo «testo» è obbligatorio")
    );
    assert_eq!(state_of(&app, &t.code).await, "submitted");
    ok(
        &urp,
        &t.code,
        "reject",
        &[("note", "Area privata: non di competenza comunale.")],
    )
    .await;
    assert_eq!(state_of(&app, &t.code).await, "rejected");
    let page = app
        .get(&format!("/segnalazioni/{}", t.code))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("Area privata: non di competenza comunale."),
        "the reason is public"
    );
    // Made private: gone from the public pages and the API, still there for the office.
    ok(&urp, &t.code, "set_visibility", &[("public", "0")]).await;
    assert_eq!(app.get(&format!("/segnalazioni/{}", t.code)).await.status(), 404);
    assert_eq!(
        app.get(&format!("/api/v1/reports/{}", t.code)).await.status(),
        404
    );
    assert_eq!(urp.get(&format!("/segnalazioni/{}", t.code)).await.status(), 200);
    assert_eq!(
        app.count("audit_log where action in ('reject', 'set_visibility')")
            .await,
        2
    );
}

/// The back office's reporting form is for staff who file there: a citizen, a contractor, a moderator or an
/// observer is refused like on any other staff page (403 and no form), a visitor asked to sign in.
#[tokio::test]
async fn the_back_offices_reporting_form_refuses_who_may_not_file_there() {
    let app = spawn_app().await;
    staff_town(&app).await;
    for (email, role) in [
        ("maria@esempio.it", Role::Citizen),
        ("osservatore@comune.example", Role::Observer),
        ("moderatore@comune.example", Role::Moderator),
    ] {
        staff(&app, email, "Persona di prova", role, vec![], None).await;
    }
    assert_eq!(app.get("/ufficio/nuova").await.status(), 401);
    for email in [
        "maria@esempio.it",
        "osservatore@comune.example",
        "moderatore@comune.example",
        "pavan@asfalti.example",
    ] {
        let res = signed_in(&app, email).await.get("/ufficio/nuova").await;
        assert_eq!(res.status(), 403, "{email}");
        let page = res.text().await.expect("page");
        assert!(page.contains("data-code=\"forbidden\""), "{email}: says why");
        assert!(!page.contains("id=\"report-form\""), "{email}: no form");
    }
    for email in ["urp@comune.example", "bianchi@comune.example"] {
        let res = signed_in(&app, email).await.get("/ufficio/nuova").await;
        assert_eq!(res.status(), 200, "{email}");
        assert!(res.text().await.expect("page").contains("id=\"report-form\""));
    }
}
