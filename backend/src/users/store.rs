//! SQL for accounts. Functions take a connection (or a transaction) from the caller, which owns its scope.

use chrono::{DateTime, Utc};
use shared::user::{Email, Role};
use shared::{ContractorId, Locale, OfficeId, UserId, Viewer};
use sqlx::PgConnection;

use crate::Result;

/// An account as sign-in needs it.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub confirmed: bool,
    pub role: Role,
    pub locale: Locale,
    pub totp_enabled: bool,
    pub disabled: bool,
}

/// The account with this address (locked until the end of the caller's transaction, if it runs in one).
pub async fn find_by_email(conn: &mut PgConnection, email: &Email) -> Result<Option<Account>> {
    let row = sqlx::query!(
        r#"
        select user_id as "id: UserId", email, display_name, password_hash, email_confirmed_at is not null as "confirmed!",
               role as "role: Role", locale, totp_enabled_at is not null as "totp!", disabled_at is not null as "disabled!"
        from app_user where email = $1
        for update
        "#,
        email.as_str()
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| Account {
        id: r.id,
        email: r.email,
        name: r.display_name,
        password_hash: r.password_hash,
        confirmed: r.confirmed,
        role: r.role,
        locale: Locale::from_tag(&r.locale).unwrap_or_default(),
        totp_enabled: r.totp,
        disabled: r.disabled,
    }))
}

/// The account with this id (locked).
pub async fn find_by_id(conn: &mut PgConnection, id: UserId) -> Result<Option<Account>> {
    let email: Option<String> =
        sqlx::query_scalar!("select email from app_user where user_id = $1", id as UserId)
            .fetch_optional(&mut *conn)
            .await?;
    match email {
        Some(e) => find_by_email(conn, &Email::parse(&e)?).await,
        None => Ok(None),
    }
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub email: &'a Email,
    pub name: &'a str,
    pub password_hash: Option<&'a str>,
    pub confirmed: bool,
    pub role: Role,
    pub contractor: Option<ContractorId>,
    pub locale: Locale,
}

pub async fn insert(conn: &mut PgConnection, u: &NewUser<'_>) -> Result<UserId> {
    let id = sqlx::query_scalar!(
        r#"
        insert into app_user (email, display_name, password_hash, email_confirmed_at, role, contractor_id, locale)
        values ($1, $2, $3, case when $4 then now() end, $5, $6, $7)
        returning user_id as "id: UserId"
        "#,
        u.email.as_str(),
        u.name,
        u.password_hash,
        u.confirmed,
        u.role as Role,
        u.contractor as Option<ContractorId>,
        u.locale.tag()
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Replaces the offices a member of staff works for.
pub async fn set_offices(conn: &mut PgConnection, user: UserId, offices: &[OfficeId]) -> Result<()> {
    sqlx::query!("delete from user_office where user_id = $1", user as UserId)
        .execute(&mut *conn)
        .await?;
    let ids: Vec<i32> = offices.iter().map(|o| o.0).collect();
    sqlx::query!(
        "insert into user_office (user_id, office_id) select $1, unnest($2::int[])",
        user as UserId,
        &ids
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Registration again before confirmation: the newest name, password and language win (older links stop working).
pub async fn replace_unconfirmed(
    conn: &mut PgConnection,
    id: UserId,
    name: &str,
    password_hash: &str,
    locale: Locale,
) -> Result<()> {
    sqlx::query!(
        "update app_user set display_name = $2, password_hash = $3, locale = $4, updated_at = now() \
         where user_id = $1 and email_confirmed_at is null",
        id as UserId,
        name,
        password_hash,
        locale.tag()
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_password(conn: &mut PgConnection, id: UserId, password_hash: &str) -> Result<()> {
    sqlx::query!(
        "update app_user set password_hash = $2, updated_at = now() where user_id = $1",
        id as UserId,
        password_hash
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn mark_confirmed(conn: &mut PgConnection, id: UserId) -> Result<()> {
    sqlx::query!(
        "update app_user set email_confirmed_at = coalesce(email_confirmed_at, now()), updated_at = now() \
         where user_id = $1",
        id as UserId
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_locale(conn: &mut PgConnection, id: UserId, locale: Locale) -> Result<()> {
    sqlx::query!(
        "update app_user set locale = $2, updated_at = now() where user_id = $1",
        id as UserId,
        locale.tag()
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The viewer of an account: who they are and where they work.
pub async fn viewer(conn: &mut PgConnection, id: UserId) -> Result<Option<Viewer>> {
    let row = sqlx::query!(
        r#"
        select u.user_id as "id: UserId", u.display_name, u.email, u.role as "role: Role",
               u.contractor_id as "contractor: ContractorId",
               coalesce(array_agg(o.office_id order by o.office_id) filter (where o.office_id is not null), '{}')
                 as "offices!: Vec<i32>"
        from app_user u
        left join user_office o using (user_id)
        where u.user_id = $1 and u.disabled_at is null
        group by u.user_id
        "#,
        id as UserId
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| Viewer {
        id: r.id,
        name: r.display_name,
        email: r.email,
        role: r.role,
        offices: r.offices.into_iter().map(OfficeId).collect(),
        contractor: r.contractor,
    }))
}

/// What "La mia pagina" shows about the account itself.
#[derive(Debug, Clone)]
pub struct Profile {
    pub locale: Locale,
    pub created_at: DateTime<Utc>,
    pub totp_enabled: bool,
    pub has_password: bool,
    pub office_names: Vec<String>,
    pub contractor_name: Option<String>,
}

pub async fn profile(conn: &mut PgConnection, id: UserId) -> Result<Profile> {
    let r = sqlx::query!(
        r#"
        select u.locale, u.created_at, u.totp_enabled_at is not null as "totp!", u.password_hash is not null as "pw!",
               coalesce((select array_agg(o.name order by o.name) from user_office uo join office o using (office_id)
                         where uo.user_id = u.user_id), '{}') as "offices!",
               (select c.name from contractor c where c.contractor_id = u.contractor_id) as contractor
        from app_user u where u.user_id = $1
        "#,
        id as UserId
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Profile {
        locale: Locale::from_tag(&r.locale).unwrap_or_default(),
        created_at: r.created_at,
        totp_enabled: r.totp,
        has_password: r.pw,
        office_names: r.offices,
        contractor_name: r.contractor,
    })
}
