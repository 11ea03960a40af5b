//! The demo's people: one account per role, with passwords printed by `scripts/run`, and the external
//! contractors. Created only together with the demo town, never added to an existing database: a real
//! municipality's database cannot end up with accounts whose passwords are public.

use anyhow::Context;
use shared::Role;
use sqlx::PgConnection;

use super::town::{CONTRACTORS, OFFICES};
use crate::users::password::Hasher;

/// A demo account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoAccount {
    pub role: Role,
    pub email: &'static str,
    pub name: &'static str,
    pub password: &'static str,
}

/// One per role. `.example` is a reserved top-level domain: no mail to these addresses can leave the machine.
pub const DEMO_ACCOUNTS: [DemoAccount; 8] = [
    DemoAccount {
        role: Role::Administrator,
        email: "amministratore@segnala.example",
        name: "Giulia Ferri",
        password: "demo-amministratore-padova",
    },
    DemoAccount {
        role: Role::UrpOperator,
        email: "urp@segnala.example",
        name: "Paolo Zanon",
        password: "demo-urp-padova",
    },
    DemoAccount {
        role: Role::OfficeManager,
        email: "responsabile.lavori@segnala.example",
        name: "ing. Marco Rossi",
        password: "demo-responsabile-padova",
    },
    DemoAccount {
        role: Role::OfficeStaff,
        email: "operatore.lavori@segnala.example",
        name: "geom. Luca Bianchi",
        password: "demo-operatore-padova",
    },
    DemoAccount {
        role: Role::Contractor,
        email: "ditta@segnala.example",
        name: "Sara Pavan",
        password: "demo-ditta-esterna-padova",
    },
    DemoAccount {
        role: Role::Moderator,
        email: "moderatore@segnala.example",
        name: "Elena Gallo",
        password: "demo-moderatore-padova",
    },
    DemoAccount {
        role: Role::Observer,
        email: "osservatore@segnala.example",
        name: "cons. Franco Righetto",
        password: "demo-osservatore-padova",
    },
    DemoAccount {
        role: Role::Citizen,
        email: "cittadino@segnala.example",
        name: "Maria Esposito",
        password: "demo-cittadino-padova",
    },
];

/// The demo's office staff work for the first office (Lavori pubblici); the contractor's staff for the first
/// contractor.
pub(super) async fn create(
    tx: &mut PgConnection,
    hasher: &Hasher,
    office_ids: &[i32],
) -> anyhow::Result<usize> {
    let mut contractor_ids = Vec::new();
    let mut names: Vec<&str> = CONTRACTORS.iter().flat_map(|c| c.iter().copied()).collect();
    names.dedup();
    for name in names {
        let id: i32 = sqlx::query_scalar!(
            "insert into contractor (name) values ($1) returning contractor_id",
            name
        )
        .fetch_one(&mut *tx)
        .await
        .with_context(|| format!("inserting contractor {name}"))?;
        contractor_ids.push(id);
    }
    debug_assert_eq!(OFFICES.len(), office_ids.len());
    for a in DEMO_ACCOUNTS {
        let hash = hasher
            .hash(a.password)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let contractor = (a.role == Role::Contractor).then(|| contractor_ids[0]);
        let id: i64 = sqlx::query_scalar!(
            "insert into app_user (email, display_name, password_hash, email_confirmed_at, role, contractor_id) \
             values ($1, $2, $3, now(), $4, $5) returning user_id",
            a.email,
            a.name,
            hash,
            a.role as Role,
            contractor
        )
        .fetch_one(&mut *tx)
        .await
        .with_context(|| format!("inserting demo account {}", a.email))?;
        if a.role.needs_office() {
            sqlx::query!(
                "insert into user_office (user_id, office_id) values ($1, $2)",
                id,
                office_ids[0]
            )
            .execute(&mut *tx)
            .await?;
        }
        if a.role == Role::Citizen {
            // The demo citizen sent a few of the reports, so "La mia pagina" has something to show.
            sqlx::query!(
                "update report set reporter_id = $1 where report_id in \
                 (select report_id from report where is_public order by created_at desc offset 3 limit 4)",
                id
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(DEMO_ACCOUNTS.len())
}

/// The demo accounts present in this database (none when it was loaded by a version without them).
pub async fn present(conn: &mut PgConnection) -> anyhow::Result<Vec<DemoAccount>> {
    let emails: Vec<&str> = DEMO_ACCOUNTS.iter().map(|a| a.email).collect();
    let found: Vec<String> = sqlx::query_scalar!(
        "select email from app_user where email = any($1::text[])",
        &emails as &[&str]
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(DEMO_ACCOUNTS
        .into_iter()
        .filter(|a| found.iter().any(|f| f == a.email))
        .collect())
}
