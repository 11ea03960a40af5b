//! The back office working a report: one entry point, [`act`], for every command staff (and contractors) give,
//! and [`view`], the staff page's data.
//!
//! Every command runs in one transaction: the report's row is locked, the version the person saw is compared
//! with the current one (a stale edit is refused with `Conflict`, never applied over someone else's change), the
//! permission table is asked, the change and its signed timeline entry are written, the version is bumped, the
//! audit log and the outbox get their rows — all or nothing. The database's trigger tells the live pages.

use chrono::Utc;
use serde_json::json;
use shared::permission::{Action, StaffSight, Target, can};
use shared::report::work::{
    Assignee, Choice, Command, Contact, Note, StaffEntry, StaffPhoto, TemplateView, WorkView, fill_template,
};
use shared::report::{ActorKind, PhotoRef, ReportState, TimelineEntry};
use shared::{CategoryId, ContractorId, Field, OfficeId, ReceiptCode, ReportId, Role, Rule, UserId, Viewer};
use sqlx::PgConnection;

use super::notify::{self, Step};
use super::store::{self, Facts};
use crate::error::invalid;
use crate::{Error, Result, State};

/// Whether `viewer` may open the staff page of the report: the staff's sight (`StaffSight`: staff who may see it
/// privately — their offices, the URP, administrators; contractors only when it is assigned to their company —
/// and for reports everyone may see, inbox readers and moderators too). Every staff listing filters by the same
/// rule in SQL (`super::sight`).
pub fn may_view_work(viewer: Option<&Viewer>, f: &Facts) -> bool {
    StaffSight::of(viewer).allows(&f.access(), f.is_open_to_all())
}

/// The report `code` for `viewer`'s staff page: `NotFound` when there is no such report, `Forbidden` (and
/// nothing of the report) when the viewer may not work on it.
async fn facts_for(
    conn: &mut PgConnection,
    viewer: Option<&Viewer>,
    code: &str,
    lock: bool,
) -> Result<Facts> {
    if viewer.is_none() {
        return Err(Error::Unauthenticated);
    }
    let code = ReceiptCode::parse(code)?;
    let f = store::facts(conn, &code.to_string(), lock)
        .await?
        .ok_or(Error::NotFound)?;
    if !may_view_work(viewer, &f) {
        return Err(Error::Forbidden);
    }
    Ok(f)
}

/// The commands `viewer` may give on the report now (names as in [`Command::name`]).
fn allowed(v: &Viewer, f: &Facts) -> Vec<String> {
    let access = f.access();
    let may = |a: Action| can(Some(v), a, Target::Report(&access));
    let s = f.state;
    let mut out = Vec::new();
    let mut push = |ok: bool, name: &str| {
        if ok {
            out.push(name.to_owned());
        }
    };
    let contractor = v.role == Role::Contractor;
    push(
        may(Action::TakeInCharge) && s.can_become(ReportState::InCharge) && s != ReportState::Assigned,
        "take_in_charge",
    );
    push(may(Action::AssignReport) && s.is_open(), "assign");
    push(may(Action::SetPriority) && s.is_open(), "set_priority");
    push(
        may(Action::ChangeReportState) && (!contractor || s.can_become(ReportState::InProgress)),
        "change_state",
    );
    push(may(Action::PublishUpdate), "publish_update");
    push(may(Action::AddInternalNote), "internal_note");
    push(may(Action::ReclassifyReport) && s.is_open(), "reclassify");
    push(
        may(Action::MarkDuplicate) && s.can_become(ReportState::Duplicate),
        "mark_duplicate",
    );
    push(
        may(Action::RejectReport) && s.can_become(ReportState::Rejected),
        "reject",
    );
    push(may(Action::ModerateContent) && !f.is_internal, "set_visibility");
    push(
        may(Action::PostContractorProgress) && s.is_open(),
        "contractor_progress",
    );
    push(
        may(Action::ValidateCompletion) && f.completion_reported && s.can_become(ReportState::Resolved),
        "validate_completion",
    );
    push(may(Action::ModerateContent), "hide_photo");
    push(may(Action::ModerateContent), "hide_comment");
    out
}

/// The states `viewer` may move the report to with "change state" (duplicate and rejected have their own
/// commands, which ask for what they need; a contractor only starts the work).
fn next_states(v: &Viewer, f: &Facts) -> Vec<ReportState> {
    f.state
        .next_states()
        .iter()
        .copied()
        .filter(|s| !matches!(s, ReportState::Duplicate | ReportState::Rejected))
        .filter(|s| v.role != Role::Contractor || *s == ReportState::InProgress)
        .collect()
}

/// How `viewer` signs: their name, their role, and the office they act for (the report's, when it is one of
/// theirs); `line` is the whole signature for messages ("ing. M. Rossi, Responsabile d'ufficio, Lavori
/// pubblici", in Italian: the signature of the public record), read once per command.
struct Signature {
    name: String,
    role: Role,
    office: Option<OfficeId>,
    line: String,
}

impl Signature {
    async fn of(conn: &mut PgConnection, v: &Viewer, f: &Facts) -> Result<Self> {
        let office = if v.offices.contains(&f.office) {
            Some(f.office)
        } else {
            v.offices.first().copied()
        };
        let office_name = match office {
            Some(o) => {
                sqlx::query_scalar!("select name from office where office_id = $1", o as OfficeId)
                    .fetch_optional(&mut *conn)
                    .await?
            }
            None => None,
        };
        let role = v.role.label(shared::Locale::It);
        let line = match office_name {
            Some(o) => format!("{}, {role}, {o}", v.name),
            None => format!("{}, {role}", v.name),
        };
        Ok(Self {
            name: v.name.clone(),
            role: v.role,
            office,
            line,
        })
    }
}

/// Writes a timeline entry signed by `sig`.
async fn entry(
    conn: &mut PgConnection,
    f: &Facts,
    sig: &Signature,
    v: &Viewer,
    change: Option<(ReportState, ReportState)>,
    note: Option<&str>,
    public: bool,
) -> Result<i64> {
    let id = sqlx::query_scalar!(
        r#"
        insert into report_update (report_id, from_state, to_state, note, is_public, actor_kind, actor_name,
                                   office_id, user_id, actor_role)
        values ($1, $2, $3, $4, $5, 'staff', $6, $7, $8, $9)
        returning update_id
        "#,
        f.id as ReportId,
        change.map(|c| c.0) as Option<ReportState>,
        change.map(|c| c.1) as Option<ReportState>,
        note,
        public,
        sig.name,
        sig.office as Option<OfficeId>,
        v.id as UserId,
        sig.role.as_str()
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Moves the report to `to`, refusing a move the lifecycle does not allow (the database would too).
async fn set_state(conn: &mut PgConnection, f: &mut Facts, to: ReportState) -> Result<()> {
    if !f.state.can_become(to) {
        return Err(invalid(
            Field::State,
            Rule::TransitionNotAllowed { from: f.state, to },
        ));
    }
    sqlx::query!(
        "update report set state = $2 where report_id = $1",
        f.id as ReportId,
        to as ReportState
    )
    .execute(&mut *conn)
    .await?;
    f.state = to;
    Ok(())
}

/// A state change with its public, signed entry, and the message to everyone who follows the report.
async fn public_move(
    conn: &mut PgConnection,
    state: &State,
    f: &mut Facts,
    sig: &Signature,
    v: &Viewer,
    to: ReportState,
    note: Option<&str>,
) -> Result<()> {
    let from = f.state;
    set_state(conn, f, to).await?;
    entry(conn, f, sig, v, Some((from, to)), note, true).await?;
    notify::public_step(conn, state, f, &Step::new(Some(to), note), &sig.line, v).await
}

/// Gives `command` on the report `code`, as `viewer`, based on `version` (what the person's page showed).
pub async fn act(
    state: &State,
    viewer: Option<&Viewer>,
    code: &str,
    version: i32,
    command: Command,
) -> Result<()> {
    act_with_photos(state, viewer, code, version, command, Vec::new()).await
}

/// [`act`] with photos (a contractor's progress or completion): decoded, re-encoded and stored before the
/// transaction, attached to the command's timeline entry, removed again if the change does not commit.
#[tracing::instrument(skip(state, viewer, command, photos), fields(command = command.name(), photos = photos.len()))]
pub async fn act_with_photos(
    state: &State,
    viewer: Option<&Viewer>,
    code: &str,
    version: i32,
    command: Command,
    photos: Vec<crate::photos::Upload>,
) -> Result<()> {
    if !photos.is_empty() && !matches!(command, Command::ContractorProgress { .. }) {
        return Err(invalid(Field::Photos, Rule::UnknownValue));
    }
    if photos.len() > shared::report::submission::MAX_PHOTOS {
        return Err(invalid(
            Field::Photos,
            Rule::TooMany {
                max: shared::report::submission::MAX_PHOTOS,
            },
        ));
    }
    let stored = if photos.is_empty() {
        Vec::new()
    } else {
        // Only someone who may see the report gets to spend the decoder's time.
        let mut conn = state.pool.acquire().await?;
        facts_for(&mut conn, viewer, code, false).await?;
        drop(conn);
        let processed = crate::photos::process_all(state, photos).await?;
        crate::photos::store_all(&state.photos, processed).await?
    };
    let result = act_in_tx(state, viewer, code, version, command, &stored).await;
    if result.is_err() {
        crate::photos::remove(&state.photos, &stored).await;
    }
    result
}

async fn act_in_tx(
    state: &State,
    viewer: Option<&Viewer>,
    code: &str,
    version: i32,
    command: Command,
    photos: &[crate::photos::Stored],
) -> Result<()> {
    let mut tx = state.pool.begin().await?;
    let mut f = facts_for(&mut tx, viewer, code, true).await?;
    let v = viewer.ok_or(Error::Unauthenticated)?;
    if let Command::ChangeState { to, .. } = &command
        && v.role == Role::Contractor
        && *to != ReportState::InProgress
    {
        // A contractor starts the work; the office resolves it.
        return Err(Error::Forbidden);
    }
    if !allowed(v, &f).iter().any(|c| c == command.name()) {
        // Either the role may not (403), or the report is not in a state where it makes sense (400, named).
        let access = f.access();
        if !can(Some(v), command.action(), Target::Report(&access)) {
            return Err(Error::Forbidden);
        }
        if let Command::ChangeState { to, .. } = &command {
            return Err(invalid(
                Field::State,
                Rule::TransitionNotAllowed {
                    from: f.state,
                    to: *to,
                },
            ));
        }
        return Err(invalid(Field::State, Rule::Disabled));
    }
    if version != f.version {
        return Err(Error::Conflict);
    }
    let sig = Signature::of(&mut tx, v, &f).await?;
    let detail = run(&mut tx, state, &mut f, &sig, v, &command, photos).await?;
    sqlx::query!(
        "update report set version = version + 1, updated_at = now() where report_id = $1",
        f.id as ReportId
    )
    .execute(&mut *tx)
    .await?;
    crate::audit::record(&mut tx, v, command.name(), Some(f.id), &detail).await?;
    tx.commit().await?;
    tracing::info!(report = %f.code, "staff action");
    Ok(())
}

/// The command's own work; returns the audit log's details.
async fn run(
    conn: &mut PgConnection,
    state: &State,
    f: &mut Facts,
    sig: &Signature,
    v: &Viewer,
    command: &Command,
    photos: &[crate::photos::Stored],
) -> Result<serde_json::Value> {
    let note_of = |n: &Option<Note>| n.as_ref().map(|n| n.as_str().to_owned());
    Ok(match command {
        Command::TakeInCharge { note } => {
            let from = f.state;
            public_move(
                conn,
                state,
                f,
                sig,
                v,
                ReportState::InCharge,
                note_of(note).as_deref(),
            )
            .await?;
            json!({ "from": from, "to": "in_charge" })
        }
        Command::Assign { to, due, note } => {
            if due.is_some_and(|d| d < Utc::now().date_naive()) {
                return Err(invalid(Field::DueDate, Rule::InThePast));
            }
            assign(conn, state, f, sig, v, *to, *due, note_of(note).as_deref()).await?;
            json!({ "to": to.key(), "due": due })
        }
        Command::SetPriority(p) => {
            sqlx::query!(
                "update report set priority = $2 where report_id = $1",
                f.id as ReportId,
                *p as shared::report::work::Priority
            )
            .execute(&mut *conn)
            .await?;
            let text = format!("Priorità: {}", p.label(shared::Locale::It));
            entry(conn, f, sig, v, None, Some(&text), false).await?;
            json!({ "priority": p })
        }
        Command::ChangeState { to, note } => {
            let from = f.state;
            if v.role == Role::Contractor && *to != ReportState::InProgress {
                return Err(Error::Forbidden);
            }
            if matches!(to, ReportState::Duplicate | ReportState::Rejected) {
                // They need the original, or a reason: their own commands.
                return Err(invalid(
                    Field::State,
                    Rule::TransitionNotAllowed { from, to: *to },
                ));
            }
            public_move(conn, state, f, sig, v, *to, note_of(note).as_deref()).await?;
            json!({ "from": from, "to": to })
        }
        Command::PublishUpdate(note) => {
            entry(conn, f, sig, v, None, Some(note.as_str()), true).await?;
            notify::public_step(
                conn,
                state,
                f,
                &Step::new(None, Some(note.as_str())),
                &sig.line,
                v,
            )
            .await?;
            json!({ "public": true })
        }
        Command::InternalNote(note) => {
            entry(conn, f, sig, v, None, Some(note.as_str()), false).await?;
            json!({ "public": false })
        }
        Command::Reclassify { category, note } => {
            reclassify(conn, state, f, sig, v, *category, note_of(note)).await?
        }
        Command::MarkDuplicate { of } => mark_duplicate(conn, state, f, sig, v, of).await?,
        Command::Reject { reason } => {
            let from = f.state;
            public_move(
                conn,
                state,
                f,
                sig,
                v,
                ReportState::Rejected,
                Some(reason.as_str()),
            )
            .await?;
            json!({ "from": from, "to": "rejected" })
        }
        Command::SetVisibility { public } => {
            sqlx::query!(
                "update report set is_public = $2 where report_id = $1",
                f.id as ReportId,
                public
            )
            .execute(&mut *conn)
            .await?;
            f.is_public = *public;
            let text = if *public {
                "Resa pubblica."
            } else {
                "Resa privata."
            };
            entry(conn, f, sig, v, None, Some(text), false).await?;
            json!({ "public": public })
        }
        Command::ContractorProgress { note, done } => {
            let update = entry(conn, f, sig, v, None, Some(note.as_str()), false).await?;
            store::insert_update_photos(conn, f.id, update, photos).await?;
            if *done {
                sqlx::query!(
                    "update report set completion_reported_at = now() where report_id = $1",
                    f.id as ReportId
                )
                .execute(&mut *conn)
                .await?;
                notify::completion_reported(conn, state, f, &v.name).await?;
            }
            json!({ "done": done, "photos": photos.len() })
        }
        Command::ValidateCompletion { note } => {
            let from = f.state;
            public_move(conn, state, f, sig, v, ReportState::Resolved, Some(note.as_str())).await?;
            json!({ "from": from, "to": "resolved", "validated": true })
        }
        Command::HidePhoto { photo, hidden } => {
            let n = sqlx::query!(
                "update report_photo set is_hidden = $3 where photo_id = $1 and report_id = $2",
                photo,
                f.id as ReportId,
                hidden
            )
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(invalid(Field::Photos, Rule::UnknownValue));
            }
            json!({ "photo": photo, "hidden": hidden })
        }
        Command::HideComment { comment, hidden } => {
            let n = sqlx::query!(
                r#"
                update report_comment set hidden_at = case when $3 then now() end,
                                          hidden_by = case when $3 then $4::bigint end
                where comment_id = $1 and report_id = $2
                "#,
                comment,
                f.id as ReportId,
                hidden,
                v.id as UserId
            )
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(invalid(Field::Comment, Rule::UnknownValue));
            }
            json!({ "comment": comment, "hidden": hidden })
        }
    })
}

/// Assigns the report to an office (re-routing it), a person of its office, or a contractor.
#[allow(clippy::too_many_arguments)]
async fn assign(
    conn: &mut PgConnection,
    state: &State,
    f: &mut Facts,
    sig: &Signature,
    v: &Viewer,
    to: Assignee,
    due: Option<chrono::NaiveDate>,
    note: Option<&str>,
) -> Result<()> {
    let unknown = || invalid(Field::Assignee, Rule::UnknownValue);
    match to {
        Assignee::Office(o) => {
            // A disabled office takes no new reports.
            let name = sqlx::query_scalar!(
                "select name from office where office_id = $1 and disabled_at is null",
                o as OfficeId
            )
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(unknown)?;
            sqlx::query!(
                r#"
                update report set office_id = $2, assigned_user_id = null, assigned_contractor_id = null,
                                  assignment_due_on = $3, completion_reported_at = null
                where report_id = $1
                "#,
                f.id as ReportId,
                o as OfficeId,
                due
            )
            .execute(&mut *conn)
            .await?;
            f.office = o;
            f.assigned_user = None;
            f.assigned_contractor = None;
            let text = match note {
                Some(n) => format!("Assegnata all'ufficio {name}. {n}"),
                None => format!("Assegnata all'ufficio {name}."),
            };
            entry(conn, f, sig, v, None, Some(&text), true).await?;
            notify::public_step(conn, state, f, &Step::new(None, Some(&text)), &sig.line, v).await?;
            notify::assigned(conn, state, f, to, &v.name, due).await?;
        }
        Assignee::User(u) => {
            let name = sqlx::query_scalar!(
                r#"
                select u.display_name from app_user u join user_office uo using (user_id)
                where u.user_id = $1 and uo.office_id = $2 and u.disabled_at is null
                  and u.role in ('office_manager', 'office_staff')
                "#,
                u as UserId,
                f.office as OfficeId
            )
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(unknown)?;
            sqlx::query!(
                "update report set assigned_user_id = $2, assignment_due_on = $3 where report_id = $1",
                f.id as ReportId,
                u as UserId,
                due
            )
            .execute(&mut *conn)
            .await?;
            f.assigned_user = Some(u);
            let text = format!("Assegnata a {name}.");
            to_assigned(conn, state, f, sig, v, note).await?;
            entry(conn, f, sig, v, None, Some(&text), false).await?;
            notify::assigned(conn, state, f, to, &v.name, due).await?;
        }
        Assignee::Contractor(c) => {
            let name = sqlx::query_scalar!(
                "select name from contractor where contractor_id = $1 and disabled_at is null",
                c as ContractorId
            )
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(unknown)?;
            sqlx::query!(
                r#"
                update report set assigned_contractor_id = $2, assignment_due_on = $3, completion_reported_at = null
                where report_id = $1
                "#,
                f.id as ReportId,
                c as ContractorId,
                due
            )
            .execute(&mut *conn)
            .await?;
            f.assigned_contractor = Some(c);
            f.completion_reported = false;
            let text = match note {
                Some(n) => format!("Affidata alla ditta {name}. {n}"),
                None => format!("Affidata alla ditta {name}."),
            };
            to_assigned(conn, state, f, sig, v, Some(&text)).await?;
            notify::assigned(conn, state, f, to, &v.name, due).await?;
        }
    }
    Ok(())
}

/// Moves the report to `assigned` (taking it in charge first when nobody has yet), with a public entry.
async fn to_assigned(
    conn: &mut PgConnection,
    state: &State,
    f: &mut Facts,
    sig: &Signature,
    v: &Viewer,
    note: Option<&str>,
) -> Result<()> {
    if matches!(f.state, ReportState::Submitted) {
        public_move(conn, state, f, sig, v, ReportState::InCharge, None).await?;
    }
    if f.state == ReportState::Assigned {
        if let Some(n) = note {
            entry(conn, f, sig, v, None, Some(n), true).await?;
        }
        return Ok(());
    }
    public_move(conn, state, f, sig, v, ReportState::Assigned, note).await
}

async fn reclassify(
    conn: &mut PgConnection,
    state: &State,
    f: &mut Facts,
    sig: &Signature,
    v: &Viewer,
    category: CategoryId,
    note: Option<String>,
) -> Result<serde_json::Value> {
    let route = crate::places::route(conn, category, f.area.map(shared::AreaId))
        .await?
        .ok_or_else(|| invalid(Field::Category, Rule::UnknownValue))?;
    if !route.enabled {
        return Err(invalid(Field::Category, Rule::Disabled));
    }
    if category == f.category {
        return Err(invalid(Field::Category, Rule::Mismatch));
    }
    let old = sqlx::query_scalar!(
        "select name from category where category_id = $1",
        f.category as CategoryId
    )
    .fetch_one(&mut *conn)
    .await?;
    let moved = route.office != f.office;
    sqlx::query!(
        r#"
        update report set category_id = $2, office_id = $3,
               assigned_user_id = case when $4 then null else assigned_user_id end
        where report_id = $1
        "#,
        f.id as ReportId,
        category as CategoryId,
        route.office as OfficeId,
        moved
    )
    .execute(&mut *conn)
    .await?;
    f.category = category;
    f.office = route.office;
    let mut text = format!(
        "Categoria cambiata da «{old}» a «{}»; la segue l'ufficio {}.",
        route.category_name, route.office_name
    );
    if let Some(n) = note {
        text.push(' ');
        text.push_str(&n);
    }
    entry(conn, f, sig, v, None, Some(&text), true).await?;
    notify::public_step(conn, state, f, &Step::new(None, Some(&text)), &sig.line, v).await?;
    if moved {
        notify::assigned(conn, state, f, Assignee::Office(route.office), &v.name, None).await?;
    }
    Ok(json!({ "from_category": old, "to_category": route.category_name, "office": route.office }))
}

async fn mark_duplicate(
    conn: &mut PgConnection,
    state: &State,
    f: &mut Facts,
    sig: &Signature,
    v: &Viewer,
    of: &ReceiptCode,
) -> Result<serde_json::Value> {
    let bad = |rule| invalid(Field::DuplicateOf, rule);
    let original = store::facts(conn, &of.to_string(), true)
        .await?
        .filter(|o| may_view_work(Some(v), o))
        .ok_or_else(|| bad(Rule::UnknownValue))?;
    if original.id == f.id || original.state == ReportState::Duplicate {
        return Err(bad(Rule::Mismatch));
    }
    let text = format!(
        "Duplicata della segnalazione {}: gli aggiornamenti proseguono là.",
        original.code
    );
    let from = f.state;
    if !from.can_become(ReportState::Duplicate) {
        return Err(invalid(
            Field::State,
            Rule::TransitionNotAllowed {
                from,
                to: ReportState::Duplicate,
            },
        ));
    }
    // Together: a duplicate must point at its original (a check in the table).
    sqlx::query!(
        "update report set state = 'duplicate', duplicate_of = $2 where report_id = $1",
        f.id as ReportId,
        original.id as ReportId
    )
    .execute(&mut *conn)
    .await?;
    f.state = ReportState::Duplicate;
    entry(
        conn,
        f,
        sig,
        v,
        Some((from, ReportState::Duplicate)),
        Some(&text),
        true,
    )
    .await?;
    // Told before they move: the duplicate's reporter, supporters and followers.
    notify::public_step(
        conn,
        state,
        f,
        &Step::new(Some(ReportState::Duplicate), Some(&text)),
        &sig.line,
        v,
    )
    .await?;
    // Supporters and followers move to the original; the duplicate's reporter supports it.
    sqlx::query!(
        r#"
        with moved as (delete from report_supporter where report_id = $1 returning user_id, email)
        insert into report_supporter (report_id, user_id, email)
        select $2::bigint, user_id, email from moved
        union
        select $2::bigint, r.reporter_id, null from report r where r.report_id = $1 and r.reporter_id is not null
        union
        select $2::bigint, null, c.email from report_contact c join report r using (report_id)
        where c.report_id = $1 and c.email is not null and r.reporter_id is null
        on conflict do nothing
        "#,
        f.id as ReportId,
        original.id as ReportId
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"
        with moved as (delete from report_follower where report_id = $1 returning user_id, email)
        insert into report_follower (report_id, user_id, email) select $2, user_id, email from moved
        on conflict do nothing
        "#,
        f.id as ReportId,
        original.id as ReportId
    )
    .execute(&mut *conn)
    .await?;
    // The original's reporter must not be its own supporter.
    sqlx::query!(
        r#"
        delete from report_supporter s using report r
        where s.report_id = $1 and r.report_id = $1 and s.user_id = r.reporter_id
        "#,
        original.id as ReportId
    )
    .execute(&mut *conn)
    .await?;
    let back = format!(
        "La segnalazione {} descrive lo stesso problema ed è stata unita a questa.",
        f.code
    );
    entry(conn, &original, sig, v, None, Some(&back), true).await?;
    sqlx::query!(
        "update report set version = version + 1, updated_at = now() where report_id = $1",
        original.id as ReportId
    )
    .execute(&mut *conn)
    .await?;
    notify::reporter_only(
        conn,
        state,
        &original,
        &Step::new(None, Some(&back)),
        &sig.line,
        v,
    )
    .await?;
    Ok(json!({ "original": original.code }))
}

/// The staff page of the report `code`.
#[tracing::instrument(skip(state, viewer))]
pub async fn view(state: &State, viewer: Option<&Viewer>, code: &str) -> Result<WorkView> {
    let mut tx = state.pool.begin().await?;
    let f = facts_for(&mut tx, viewer, code, false).await?;
    let v = viewer.ok_or(Error::Unauthenticated)?;
    let access = f.access();
    let mut report = store::detail(&mut tx, f.id).await?;
    report.photos = store::public_photos(&mut tx, f.id).await?;
    (report.supporters, report.reporter) = store::supporters_and_reporter(&mut tx, f.id).await?;
    report.comments = super::conversation::comments(&mut tx, f.id, true).await?;
    report.now = Utc::now();
    let extra = sqlx::query!(
        r#"
        select r.version, r.priority as "priority: shared::report::work::Priority",
               r.channel as "channel: shared::report::work::Channel", r.is_public, r.is_internal,
               r.confirmed_at is not null as "confirmed!", u.display_name as "assigned_user?",
               ct.name as "assigned_contractor?", r.assignment_due_on, r.completion_reported_at,
               d.receipt_code as "duplicate_of?",
               coalesce((select array_agg(x.receipt_code order by x.report_id) from report x
                         where x.duplicate_of = r.report_id), '{}') as "duplicates!"
        from report r
        left join app_user u on u.user_id = r.assigned_user_id
        left join contractor ct on ct.contractor_id = r.assigned_contractor_id
        left join report d on d.report_id = r.duplicate_of
        where r.report_id = $1
        "#,
        f.id as ReportId
    )
    .fetch_one(&mut *tx)
    .await?;
    let timeline = sqlx::query!(
        r#"
        select u.from_state as "from_state: ReportState", u.to_state as "to_state: ReportState",
               u.note, u.actor_kind as "actor_kind: ActorKind", u.actor_name, u.actor_role, o.name as "office?",
               u.created_at, u.is_public
        from report_update u left join office o on o.office_id = u.office_id
        where u.report_id = $1
        order by u.created_at, u.update_id
        "#,
        f.id as ReportId
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|u| StaffEntry {
        entry: TimelineEntry {
            from_state: u.from_state,
            to_state: u.to_state,
            note: u.note,
            actor_kind: u.actor_kind,
            actor: u.actor_name,
            role: u.actor_role,
            office: u.office,
            at: u.created_at,
        },
        is_public: u.is_public,
    })
    .collect();
    let staff_photos = sqlx::query!(
        "select photo_id, object_key, thumb_key, width, height, is_hidden from report_photo where report_id = $1 order by position",
        f.id as ReportId
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|p| StaffPhoto {
        id: p.photo_id,
        photo: PhotoRef {
            url: store::photo_url(&p.object_key),
            thumb_url: store::photo_url(&p.thumb_key),
            width: p.width,
            height: p.height,
        },
        hidden: p.is_hidden,
    })
    .collect();
    let contact = if can(Some(v), Action::ViewReporterContact, Target::Report(&access)) {
        sqlx::query!(
            r#"
            select coalesce(c.name, u.display_name) as name, coalesce(c.email, u.email) as email, c.phone as "phone?"
            from report r left join report_contact c using (report_id) left join app_user u on u.user_id = r.reporter_id
            where r.report_id = $1
            "#,
            f.id as ReportId
        )
        .fetch_optional(&mut *tx)
        .await?
        .map(|c| Contact {
            name: c.name,
            email: c.email,
            phone: c.phone,
        })
    } else {
        None
    };
    let assignees = choices_for_assignment(&mut tx, &f).await?;
    let categories = sqlx::query!("select category_id, name from category where enabled order by name")
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|c| Choice {
            value: c.category_id.to_string(),
            label: c.name,
        })
        .collect();
    let line = Signature::of(&mut tx, v, &f).await?.line;
    let templates = sqlx::query!(
        "select name, body from answer_template
         where (category_id = $1 or category_id is null) and disabled_at is null order by name",
        f.category as CategoryId
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|t| TemplateView {
        name: t.name,
        text: fill_template(
            &t.body,
            &[
                &f.code,
                &f.title,
                &report.category,
                report.office.as_deref().unwrap_or_default(),
                &shared::i18n::date_label(report.now, shared::Locale::It),
                &line,
            ],
        ),
    })
    .collect();
    tx.commit().await?;
    Ok(WorkView {
        version: extra.version,
        priority: extra.priority,
        channel: extra.channel,
        is_public: extra.is_public,
        is_internal: extra.is_internal,
        confirmed: extra.confirmed,
        assigned_user: extra.assigned_user,
        assigned_contractor: extra.assigned_contractor,
        assignment_due_on: extra.assignment_due_on,
        completion_reported_at: extra.completion_reported_at,
        duplicate_of: extra.duplicate_of,
        duplicates: extra.duplicates,
        timeline,
        staff_photos,
        contact,
        allowed: allowed(v, &f),
        next_states: next_states(v, &f),
        assignees,
        categories,
        templates,
        report,
    })
}

/// Whom the report can be assigned to: every office, the people of its office, every contractor.
async fn choices_for_assignment(conn: &mut PgConnection, f: &Facts) -> Result<Vec<Choice>> {
    let rows = sqlx::query!(
        r#"
        select 'office:' || office_id as "value!", name as "label!", 0 as "o!" from office where disabled_at is null
        union all
        select 'user:' || u.user_id, u.display_name, 1 from app_user u join user_office uo using (user_id)
        where uo.office_id = $1 and u.disabled_at is null and u.role in ('office_manager', 'office_staff')
        union all
        select 'contractor:' || contractor_id, name, 2 from contractor where disabled_at is null
        order by 3, 2
        "#,
        f.office as OfficeId
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Choice {
            value: r.value,
            label: r.label,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::viewer;
    use shared::permission::Action;

    fn report(state: ReportState, completion: bool) -> Facts {
        Facts {
            id: ReportId(1),
            code: "SEG-2026-000001".into(),
            title: "Buca".into(),
            state,
            version: 1,
            category: CategoryId(1),
            office: OfficeId(1),
            area: None,
            reporter: Some(UserId(99)),
            assigned_user: None,
            assigned_contractor: Some(ContractorId(3)),
            is_public: true,
            is_internal: false,
            confirmed: true,
            completion_reported: completion,
        }
    }

    /// The command names and the permission each needs.
    const COMMANDS: [(&str, Action); 14] = [
        ("take_in_charge", Action::TakeInCharge),
        ("assign", Action::AssignReport),
        ("set_priority", Action::SetPriority),
        ("change_state", Action::ChangeReportState),
        ("publish_update", Action::PublishUpdate),
        ("internal_note", Action::AddInternalNote),
        ("reclassify", Action::ReclassifyReport),
        ("mark_duplicate", Action::MarkDuplicate),
        ("reject", Action::RejectReport),
        ("set_visibility", Action::ModerateContent),
        ("contractor_progress", Action::PostContractorProgress),
        ("validate_completion", Action::ValidateCompletion),
        ("hide_photo", Action::ModerateContent),
        ("hide_comment", Action::ModerateContent),
    ];

    /// Role × command: what the staff page offers is exactly what the permission table grants, in some state of
    /// the lifecycle — never more in any state, never a granted command that no state offers.
    #[test]
    fn the_page_offers_what_the_table_grants_for_every_role_and_command() {
        for role in Role::ALL {
            let v = viewer(role);
            for (name, action) in COMMANDS {
                let access = report(ReportState::Submitted, false).access();
                let granted = can(Some(&v), action, Target::Report(&access));
                let mut offered_somewhere = false;
                for state in ReportState::ALL {
                    for completion in [false, true] {
                        let f = report(state, completion);
                        let offered = allowed(&v, &f).iter().any(|c| c == name);
                        assert!(
                            !offered || granted,
                            "{role:?} is offered {name} in {state} without the permission"
                        );
                        offered_somewhere |= offered;
                    }
                }
                assert_eq!(offered_somewhere, granted, "{role:?} × {name}");
            }
        }
        // The names are the commands' own.
        for (name, action) in COMMANDS {
            let probe = |k: &str| match k {
                "to" => "office:1".to_owned(),
                "state" => "in_progress".to_owned(),
                "priority" => "high".to_owned(),
                "category" | "photo" | "comment" => "1".to_owned(),
                "of" => "SEG-2026-000002".to_owned(),
                "due" => String::new(),
                _ => "testo".to_owned(),
            };
            let c = Command::from_form(name, probe).expect(name);
            assert_eq!(c.name(), name);
            assert_eq!(c.action(), action, "{name}");
        }
    }

    #[test]
    fn contractors_only_start_the_work_and_others_only_move_along_the_lifecycle() {
        let contractor = viewer(Role::Contractor);
        assert_eq!(
            next_states(&contractor, &report(ReportState::Assigned, false)),
            [ReportState::InProgress]
        );
        assert!(next_states(&contractor, &report(ReportState::InProgress, false)).is_empty());
        let manager = viewer(Role::OfficeManager);
        for state in ReportState::ALL {
            for next in next_states(&manager, &report(state, false)) {
                assert!(state.can_become(next), "{state} -> {next}");
                assert!(
                    !matches!(next, ReportState::Duplicate | ReportState::Rejected),
                    "they have their own commands"
                );
            }
        }
    }
}
