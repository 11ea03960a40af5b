//! The demo municipality: Padova's boundary and districts, offices, categories and a few thousand reports over
//! eighteen months, each with a plausible timeline. Deterministic: the same seed and anchor day give the same
//! data. Idempotent: does nothing when a municipality is already loaded.

pub mod accounts;
pub mod rng;
pub mod town;

use anyhow::Context;
use chrono::{DateTime, Datelike, Duration, Utc};
use shared::{ReportKind, ReportState};
use sqlx::PgConnection;

use rng::Rng;
use town::{CATEGORIES, CONTRACTORS, DESCRIPTIONS, OFFICES, STAFF, STREETS};

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub seed: u64,
    pub reports: usize,
    /// The demo's "today": reports are spread over the 18 months before it.
    pub now: DateTime<Utc>,
}

impl Default for DemoOptions {
    fn default() -> Self {
        // Anchored to today at noon, so the same day always gives the same data and ages stay recent.
        let today = Utc::now()
            .date_naive()
            .and_hms_opt(12, 0, 0)
            .unwrap_or_default()
            .and_utc();
        Self {
            seed: 2026,
            reports: 3000,
            now: today,
        }
    }
}

/// What was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub created: bool,
    pub districts: usize,
    pub offices: usize,
    pub categories: usize,
    pub reports: usize,
    pub updates: usize,
    pub accounts: usize,
}

struct Update {
    from: Option<ReportState>,
    to: Option<ReportState>,
    note: Option<String>,
    actor_kind: &'static str,
    actor: String,
    office: Option<usize>,
    at: DateTime<Utc>,
}

struct GenReport {
    kind: ReportKind,
    category: usize,
    lng: f64,
    lat: f64,
    title: String,
    description: String,
    is_public: bool,
    created_at: DateTime<Utc>,
    receipt_code: String,
    duplicate_of: Option<usize>,
    /// The external company the work went to, if it did (recorded on the report, as the back office does).
    contractor: Option<&'static str>,
    updates: Vec<Update>,
}

impl GenReport {
    fn state(&self) -> ReportState {
        self.updates
            .iter()
            .rev()
            .find_map(|u| u.to)
            .unwrap_or(ReportState::Submitted)
    }
}

/// Loads the demo municipality unless one is already there.
#[tracing::instrument(skip(conn))]
///
/// `hasher` hashes the demo accounts' passwords (with the server's own settings).
pub async fn load_demo(
    conn: &mut PgConnection,
    hasher: &crate::users::password::Hasher,
    opts: &DemoOptions,
) -> anyhow::Result<DemoSummary> {
    let existing: i64 =
        sqlx::query_scalar!(r#"select count(*) as "n!" from area where kind = 'municipality'"#)
            .fetch_one(&mut *conn)
            .await?;
    if existing > 0 {
        return Ok(DemoSummary {
            created: false,
            districts: 0,
            offices: 0,
            categories: 0,
            reports: 0,
            updates: 0,
            accounts: 0,
        });
    }
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;

    // Who the demo town is, how to reach it, and that it is open (a year ago: its reports go back that far).
    sqlx::query!(
        r#"
        update site set name = $1, urp_address = 'Via del Municipio 1, 35122 Padova', phone = '049 820 1111',
               email = 'urp@comune.padova.it', pec = 'protocollo.generale@pec.comune.padova.it',
               hours = 'Lunedì-venerdì 9-13, giovedì anche 15-17', dpo = 'Responsabile della protezione dei dati, dpo@comune.padova.it',
               accessibility_url = 'https://form.agid.gov.it/view/demo', example_street = 'Prato della Valle',
               footer = 'Dati di prova: segnalazioni e persone sono inventate.',
               opened_at = now() - interval '400 days', updated_at = now()
        "#,
        format!("Comune di {}", town::NAME)
    )
    .execute(&mut *tx)
    .await
    .context("setting the demo town's identity")?;

    let municipality_id: i32 = sqlx::query_scalar!(
        "insert into area (kind, name, boundary) values ('municipality', $1, ST_GeomFromText($2, 4326)) \
         returning area_id",
        town::NAME,
        town::boundary_wkt()
    )
    .fetch_one(&mut *tx)
    .await
    .context("inserting the municipality boundary")?;
    let districts = town::districts();
    for (name, wkt) in &districts {
        sqlx::query!(
            "insert into area (kind, parent_id, name, boundary) values ('district', $1, $2, ST_GeomFromText($3, 4326))",
            municipality_id,
            name,
            wkt
        )
        .execute(&mut *tx)
        .await
        .with_context(|| format!("inserting district {name}"))?;
    }

    for (kind, name, wkt) in town::gazetteer() {
        sqlx::query!(
            "insert into place (kind, name, geom) values ($1::text::place_kind, $2, ST_GeomFromText($3, 4326))",
            kind,
            name,
            wkt
        )
        .execute(&mut *tx)
        .await
        .with_context(|| format!("inserting the place {name}"))?;
    }

    let mut office_ids = Vec::new();
    for (name, email) in OFFICES {
        let id: i32 = sqlx::query_scalar!(
            "insert into office (name, email) values ($1, $2) returning office_id",
            name,
            email
        )
        .fetch_one(&mut *tx)
        .await?;
        office_ids.push(id);
    }
    let mut category_ids = Vec::new();
    for c in &CATEGORIES {
        let id: i32 = sqlx::query_scalar!(
            "insert into category (office_id, name, sla_days, duplicate_radius_m) values ($1, $2, $3, $4) \
             returning category_id",
            office_ids[c.office],
            c.name,
            c.sla_days,
            c.duplicate_radius_m
        )
        .fetch_one(&mut *tx)
        .await?;
        category_ids.push(id);
    }

    let reports = generate(opts);
    // Originals first: a duplicate references a report that must already exist.
    let mut ids: Vec<i64> = vec![0; reports.len()];
    for duplicates in [false, true] {
        let batch: Vec<usize> = (0..reports.len())
            .filter(|&i| reports[i].duplicate_of.is_some() == duplicates)
            .collect();
        let col = |f: &dyn Fn(&GenReport) -> String| -> Vec<String> {
            batch.iter().map(|&i| f(&reports[i])).collect()
        };
        let codes = col(&|r| r.receipt_code.clone());
        let kinds = col(&|r| r.kind.as_str().to_owned());
        let states = col(&|r| r.state().as_str().to_owned());
        let titles = col(&|r| r.title.clone());
        let descriptions = col(&|r| r.description.clone());
        let cats: Vec<i32> = batch.iter().map(|&i| category_ids[reports[i].category]).collect();
        let lngs: Vec<f64> = batch.iter().map(|&i| reports[i].lng).collect();
        let lats: Vec<f64> = batch.iter().map(|&i| reports[i].lat).collect();
        let public: Vec<bool> = batch.iter().map(|&i| reports[i].is_public).collect();
        let created: Vec<DateTime<Utc>> = batch.iter().map(|&i| reports[i].created_at).collect();
        let updated: Vec<DateTime<Utc>> = batch
            .iter()
            .map(|&i| reports[i].updates.last().map_or(reports[i].created_at, |u| u.at))
            .collect();
        let dup_of: Vec<Option<i64>> = batch
            .iter()
            .map(|&i| reports[i].duplicate_of.map(|j| ids[j]))
            .collect();
        let rows = sqlx::query!(
            r#"
            insert into report (receipt_code, kind, state, category_id, office_id, area_id, location, title,
                                description, is_public, created_at, updated_at, duplicate_of)
            select t.code, t.kind::report_kind, t.state::report_state, t.cat, c.office_id,
                   (select a.area_id from area a
                    where a.kind = 'district' and ST_Intersects(a.boundary, ST_SetSRID(ST_MakePoint(t.lng, t.lat), 4326))
                    order by a.area_id limit 1),
                   ST_SetSRID(ST_MakePoint(t.lng, t.lat), 4326), t.title, t.descr, t.public, t.created, t.updated,
                   t.dup
            from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::float8[], $6::float8[], $7::text[],
                        $8::text[], $9::bool[], $10::timestamptz[], $11::timestamptz[], $12::int8[])
                 as t(code, kind, state, cat, lng, lat, title, descr, public, created, updated, dup)
            join category c on c.category_id = t.cat
            returning report_id, receipt_code
            "#,
            &codes,
            &kinds,
            &states,
            &cats,
            &lngs,
            &lats,
            &titles,
            &descriptions,
            &public,
            &created,
            &updated,
            &dup_of as &[Option<i64>]
        )
        .fetch_all(&mut *tx)
        .await
        .context("inserting demo reports")?;
        let by_code: std::collections::HashMap<String, i64> =
            rows.into_iter().map(|r| (r.receipt_code, r.report_id)).collect();
        for &i in &batch {
            ids[i] = by_code[&reports[i].receipt_code];
        }
    }

    let mut u_report = Vec::new();
    let mut u_from: Vec<Option<String>> = Vec::new();
    let mut u_to: Vec<Option<String>> = Vec::new();
    let mut u_note: Vec<Option<String>> = Vec::new();
    let mut u_kind = Vec::new();
    let mut u_actor = Vec::new();
    let mut u_office: Vec<Option<i32>> = Vec::new();
    let mut u_at = Vec::new();
    for (i, r) in reports.iter().enumerate() {
        for u in &r.updates {
            u_report.push(ids[i]);
            u_from.push(u.from.map(|s| s.as_str().to_owned()));
            u_to.push(u.to.map(|s| s.as_str().to_owned()));
            u_note.push(u.note.clone());
            u_kind.push(u.actor_kind.to_owned());
            u_actor.push(u.actor.clone());
            u_office.push(u.office.map(|o| office_ids[o]));
            u_at.push(u.at);
        }
    }
    sqlx::query!(
        r#"
        insert into report_update (report_id, from_state, to_state, note, actor_kind, actor_name, office_id, created_at)
        select t.report_id, t.from_state::report_state, t.to_state::report_state, t.note, t.kind::actor_kind,
               t.actor, t.office, t.at
        from unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[],
                    $8::timestamptz[]) as t(report_id, from_state, to_state, note, kind, actor, office, at)
        "#,
        &u_report,
        &u_from as &[Option<String>],
        &u_to as &[Option<String>],
        &u_note as &[Option<String>],
        &u_kind,
        &u_actor,
        &u_office as &[Option<i32>],
        &u_at
    )
    .execute(&mut *tx)
    .await
    .context("inserting demo timelines")?;

    // Contacts come by every channel: most through the site, the others by phone, email, the counter, the API.
    sqlx::query!(
        "update report set channel = (array['web', 'web', 'web', 'web', 'phone', 'email', 'counter', 'api', 'web',
             'letter'])[1 + report_id % 10]::report_channel"
    )
    .execute(&mut *tx)
    .await?;
    // A third of the resolved reports' reporters answered the satisfaction questionnaire, three days or more
    // after resolution; most are content, some not.
    sqlx::query!(
        r#"
        insert into survey (report_id, resolved_at, token_hash, email, locale, sent_at, expires_at, answered_at,
                            timeliness, quality, not_solved)
        select r.report_id, u.at, sha256(convert_to('segnala-demo-survey-' || r.report_id, 'UTF8')),
               'cittadino.demo@example.org', 'it', u.at + interval '3 days', u.at + interval '33 days',
               u.at + interval '3 days' + (r.report_id % 72) * interval '1 hour',
               (array[5, 4, 4, 3, 5, 2, 4, 5, 1, 4])[1 + r.report_id % 10],
               (array[4, 5, 4, 4, 3, 5, 2, 4, 5, 3])[1 + (r.report_id / 3) % 10],
               false
        from report r
        join lateral (select max(created_at) as at from report_update
                      where report_id = r.report_id and to_state = 'resolved') u on u.at is not null
        where report_state_is_resolved(r.state) and r.report_id % 3 = 0
          and u.at + interval '3 days' + (r.report_id % 72) * interval '1 hour' < now()
        "#
    )
    .execute(&mut *tx)
    .await
    .context("inserting demo satisfaction answers")?;

    // Receipt counters continue after the demo's numbers.
    sqlx::query!(
        r#"
        insert into receipt_counter (year, last_number)
        select substr(receipt_code, 5, 4)::int, max(substr(receipt_code, 10, 6)::int) from report group by 1
        on conflict (year) do update set last_number = greatest(receipt_counter.last_number, excluded.last_number)
        "#
    )
    .execute(&mut *tx)
    .await?;
    let accounts = accounts::create(&mut tx, hasher, &office_ids)
        .await
        .context("creating the demo accounts")?;
    // The companies the work went to, now that they exist (the demo contractor sees its own assignments).
    let (a_codes, a_names): (Vec<String>, Vec<String>) = reports
        .iter()
        .filter_map(|r| r.contractor.map(|c| (r.receipt_code.clone(), c.to_owned())))
        .unzip();
    sqlx::query!(
        "update report r set assigned_contractor_id = c.contractor_id
         from unnest($1::text[], $2::text[]) as t(code, name) join contractor c on c.name = t.name
         where r.receipt_code = t.code",
        &a_codes,
        &a_names
    )
    .execute(&mut *tx)
    .await
    .context("recording the demo assignments")?;
    tx.commit().await?;
    sqlx::query("analyze").execute(&mut *conn).await?;

    Ok(DemoSummary {
        created: true,
        districts: districts.len(),
        offices: OFFICES.len(),
        categories: CATEGORIES.len(),
        reports: reports.len(),
        updates: u_report.len(),
        accounts,
    })
}

fn hours(rng: &mut Rng, lo: f64, hi: f64) -> Duration {
    Duration::minutes((rng.range(lo, hi) * 60.0) as i64)
}

fn generate(opts: &DemoOptions) -> Vec<GenReport> {
    let mut rng = Rng::new(opts.seed);
    let span_days = 548.0; // eighteen months
    let cat_weights: Vec<(usize, f64)> = CATEGORIES
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c.weight))
        .collect();
    // Submission times, oldest first; a little busier lately (more citizens know the service).
    let mut times: Vec<DateTime<Utc>> = (0..opts.reports)
        .map(|_| {
            let days_ago = (span_days * rng.f64().powf(1.15)) as i64 + 1;
            // Citizens write between 7:00 and 23:00.
            let minute_of_day = rng.range(7.0 * 60.0, 23.0 * 60.0) as i64;
            let midnight = opts.now - Duration::hours(12);
            midnight - Duration::days(days_ago) + Duration::minutes(minute_of_day)
        })
        .collect();
    times.sort();

    let mut counters: std::collections::HashMap<i32, u32> = Default::default();
    let mut out: Vec<GenReport> = Vec::with_capacity(opts.reports);
    for created_at in times {
        let category = *rng.weighted(&cat_weights);
        let spec = &CATEGORIES[category];
        let kind = if spec.office == 5 {
            *rng.weighted(&[(ReportKind::Suggestion, 6.0), (ReportKind::Compliment, 4.0)])
        } else {
            *rng.weighted(&[
                (ReportKind::Problem, 80.0),
                (ReportKind::Complaint, 12.0),
                (ReportKind::Suggestion, 6.0),
                (ReportKind::Compliment, 2.0),
            ])
        };
        let street = rng.pick(&STREETS);
        let title = rng.pick(spec.titles).replace("{}", street);
        let first = rng.index(DESCRIPTIONS.len());
        let second = (first + 1 + rng.index(DESCRIPTIONS.len() - 1)) % DESCRIPTIONS.len();
        let description = format!("{} {}", DESCRIPTIONS[first], DESCRIPTIONS[second]);
        // Denser towards the centre, as the population is.
        let (lng, lat) = town::point_at(rng.range(0.0, 360.0), 0.97 * rng.f64().powf(0.8));
        let year = created_at.year();
        let n = counters.entry(year).or_default();
        *n += 1;
        let receipt_code = format!("SEG-{year:04}-{n:06}");
        let is_public = !(spec.name == "Persone in difficoltà" || rng.chance(0.02));
        // A possible original: an earlier report of the same category.
        let original = (0..8).find_map(|_| {
            let j = rng.index(out.len().max(1));
            (out.len() > 10 && out[j].category == category && out[j].duplicate_of.is_none()).then_some(j)
        });
        let mut r = GenReport {
            kind,
            category,
            lng,
            lat,
            title,
            description,
            is_public,
            created_at,
            receipt_code,
            duplicate_of: None,
            contractor: None,
            updates: Vec::new(),
        };
        timeline(&mut rng, &mut r, original, opts.now);
        out.push(r);
    }
    out
}

/// Walks a report through its life until `now`, like an office would.
fn timeline(rng: &mut Rng, r: &mut GenReport, original: Option<usize>, now: DateTime<Utc>) {
    use ReportState::*;
    let spec = &CATEGORIES[r.category];
    let office = spec.office;
    let office_name = OFFICES[office].0;
    let staff = |rng: &mut Rng| format!("{}, {}", rng.pick(STAFF[office]), office_name);
    r.updates.push(Update {
        from: None,
        to: Some(Submitted),
        note: None,
        actor_kind: "citizen",
        actor: "Cittadino".into(),
        office: None,
        at: r.created_at,
    });
    let sla_h = f64::from(spec.sla_days) * 24.0;
    let mut state = Submitted;
    let mut at = r.created_at;
    let mut reopened = false;
    loop {
        let (next, delay, note, actor_kind): (ReportState, Duration, Option<String>, &'static str) =
            match state {
                Submitted | Reopened => {
                    let roll = rng.f64();
                    if state == Submitted && roll < 0.05 {
                        let note = *rng.pick(&[
                        "La segnalazione non è di competenza del Comune: è stata inoltrata all'ente gestore.",
                        "La segnalazione riguarda un'area privata: il Comune non può intervenire.",
                        "Non è stato possibile individuare il problema nel luogo indicato.",
                    ]);
                        (Rejected, hours(rng, 4.0, 96.0), Some(note.into()), "staff")
                    } else if state == Submitted && roll < 0.09 && original.is_some() {
                        (
                            Duplicate,
                            hours(rng, 2.0, 72.0),
                            Some(
                                "Il problema è già stato segnalato: seguite la segnalazione originale."
                                    .into(),
                            ),
                            "staff",
                        )
                    } else {
                        // A reopened report waits longer: the office first checks the earlier work.
                        let wait = if state == Reopened {
                            (48.0, 24.0 * 20.0)
                        } else {
                            (1.0, 24.0 * 6.0)
                        };
                        (
                            InCharge,
                            hours(rng, wait.0, wait.1),
                            Some(format!("Presa in carico dall'ufficio {office_name}.")),
                            "staff",
                        )
                    }
                }
                InCharge => {
                    let contractors = CONTRACTORS[office];
                    if spec.office == 5 || rng.chance(0.12) {
                        let note = if r.kind == ReportKind::Compliment {
                            "Grazie per il messaggio: lo abbiamo condiviso con il personale."
                        } else {
                            "Risposta inviata: la proposta sarà valutata nella prossima programmazione."
                        };
                        (Resolved, hours(rng, 24.0, sla_h), Some(note.into()), "staff")
                    } else if contractors.is_empty() || rng.chance(0.3) {
                        (
                            InProgress,
                            hours(rng, 12.0, sla_h * 0.4),
                            Some("Intervento affidato alla squadra comunale.".into()),
                            "staff",
                        )
                    } else {
                        let c: &'static str = rng.pick(contractors);
                        r.contractor = Some(c);
                        (
                            Assigned,
                            hours(rng, 12.0, sla_h * 0.3),
                            // "S.p.A." ends the sentence by itself.
                            Some(format!(
                                "Assegnata alla ditta esterna {c}{}",
                                if c.ends_with('.') { "" } else { "." }
                            )),
                            "staff",
                        )
                    }
                }
                Assigned => (
                    InProgress,
                    hours(rng, 24.0, sla_h * 0.5),
                    Some("Lavori avviati.".into()),
                    "staff",
                ),
                InProgress => {
                    // Some run late: the statistics must have something honest to show.
                    let late = if rng.chance(0.25) { 2.5 } else { 0.8 };
                    (
                        Resolved,
                        hours(rng, 24.0, sla_h * late),
                        Some("Intervento completato.".into()),
                        "staff",
                    )
                }
                Resolved => {
                    // Citizens reopen soon after a resolution, if at all: recent resolutions are the ones still
                    // being reopened, so some demo reports are caught in that state.
                    let recent = now - at < Duration::days(10);
                    if !reopened && rng.chance(if recent { 0.25 } else { 0.04 }) {
                        reopened = true;
                        (
                            Reopened,
                            hours(rng, 24.0, 24.0 * 10.0),
                            Some("Il problema si è ripresentato dopo l'intervento.".into()),
                            "citizen",
                        )
                    } else {
                        (
                            Closed,
                            hours(rng, 24.0 * 14.0, 24.0 * 16.0),
                            Some("Chiusa automaticamente: nessuna riapertura entro 14 giorni.".into()),
                            "system",
                        )
                    }
                }
                Closed | Rejected | Duplicate => break,
            };
        let next_at = at + delay;
        if next_at > now {
            break;
        }
        if next == Duplicate {
            r.duplicate_of = original;
        }
        let actor = match actor_kind {
            "citizen" => "Cittadino".to_owned(),
            "system" => "Segnala".to_owned(),
            _ => staff(rng),
        };
        r.updates.push(Update {
            from: Some(state),
            to: Some(next),
            note,
            actor_kind,
            actor,
            office: (actor_kind == "staff").then_some(office),
            at: next_at,
        });
        // Now and then a public note without a state change.
        if matches!(next, InProgress | Assigned) && rng.chance(0.15) {
            let note_at = next_at + hours(rng, 2.0, 48.0);
            if note_at < now {
                r.updates.push(Update {
                    from: None,
                    to: None,
                    note: Some("Sopralluogo effettuato: l'intervento è programmato.".into()),
                    actor_kind: "staff",
                    actor: staff(rng),
                    office: Some(office),
                    at: note_at,
                });
                at = note_at;
            }
        }
        at = at.max(next_at);
        state = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn opts() -> DemoOptions {
        DemoOptions {
            seed: 1,
            reports: 2000,
            now: Utc
                .with_ymd_and_hms(2026, 11, 25, 12, 0, 0)
                .single()
                .expect("date"),
        }
    }

    /// What the demo says happened is what its rows say: a report assigned to a company has that company
    /// recorded (the demo contractor's account sees its work), and no note ends with two full stops.
    #[test]
    fn assignments_are_recorded_and_notes_read_well() {
        let reports = generate(&opts());
        let assigned: Vec<&GenReport> = reports
            .iter()
            .filter(|r| r.state() == ReportState::Assigned)
            .collect();
        assert!(!assigned.is_empty());
        for r in &assigned {
            let c = r.contractor.expect("an assigned report names its company");
            assert!(
                r.updates
                    .iter()
                    .any(|u| u.note.as_deref().is_some_and(|n| n.contains(c))),
                "the timeline names {c}"
            );
        }
        assert!(
            reports.iter().any(|r| r.contractor == Some(CONTRACTORS[0][0])),
            "the demo company has work"
        );
        for r in &reports {
            for u in &r.updates {
                assert!(
                    !u.note.as_deref().unwrap_or_default().contains(".."),
                    "{:?}",
                    u.note
                );
            }
        }
    }

    #[test]
    fn generation_is_deterministic() {
        let (a, b) = (generate(&opts()), generate(&opts()));
        assert_eq!(a.len(), 2000);
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(
                (&x.receipt_code, &x.title, x.lat, x.state()),
                (&y.receipt_code, &y.title, y.lat, y.state())
            );
        }
    }

    #[test]
    fn timelines_follow_the_rules_and_cover_every_state() {
        let reports = generate(&opts());
        let mut seen = std::collections::HashSet::new();
        for r in &reports {
            let mut state = None;
            let mut last = r.created_at;
            for u in &r.updates {
                assert!(u.at >= last, "{} goes back in time", r.receipt_code);
                last = u.at;
                if let Some(to) = u.to {
                    match state {
                        None => assert_eq!(to, ReportState::Submitted),
                        Some(from) => assert!(ReportState::can_become(from, to), "{from} -> {to}"),
                    }
                    assert_eq!(u.from, state);
                    state = Some(to);
                }
            }
            assert!(last <= opts().now);
            assert_eq!(r.duplicate_of.is_some(), r.state() == ReportState::Duplicate);
            seen.insert(r.state());
        }
        for s in ReportState::ALL {
            assert!(seen.contains(&s), "no demo report is {s}");
        }
        let span = reports[reports.len() - 1].created_at - reports[0].created_at;
        assert!(span.num_days() > 500, "spread over 18 months");
    }

    #[test]
    fn the_gazetteer_has_every_street_of_the_demo() {
        let places = town::gazetteer();
        for street in STREETS {
            assert!(places.iter().any(|(_, n, _)| *n == street), "{street}");
        }
        let names: std::collections::HashSet<_> = places.iter().map(|(k, n, _)| (*k, *n)).collect();
        assert_eq!(names.len(), places.len(), "names are unique per kind");
        assert!(
            places
                .iter()
                .all(|(_, _, w)| w.starts_with("POINT(") || w.starts_with("LINESTRING("))
        );
    }

    #[test]
    fn the_drawn_town_is_padova_sized() {
        let a = town::area_km2();
        assert!((80.0..110.0).contains(&a), "area {a} km²");
    }
}
