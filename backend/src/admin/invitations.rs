//! Staff invitations: an administrator adds a person with their role and offices; they get an invitation (who
//! invited them, as what, until when) with a one-use link to choose their password, valid [`VALID_DAYS`] days.
//! The administration page shows the pending ones, to send again (a new link; the old one stops working) or to
//! revoke (the link stops working and the account is disabled). Someone who already has a citizen's account is
//! given the role instead, and told by email: they keep their password.

use chrono::{DateTime, Utc};
use serde_json::json;
use shared::permission::Action;
use shared::{Field, Locale, Rule, UserId, Viewer};
use sqlx::PgConnection;

use super::{audit, begin};
use crate::error::invalid;
use crate::mail::{self, Message, Recipient};
use crate::users::store;
use crate::users::tokens::{self, Purpose};
use crate::{Error, Result, State};

pub use shared::admin::INVITATION_VALID_DAYS as VALID_DAYS;

/// " per l'ufficio Lavori pubblici", " for the offices A, B", " per la ditta X": where the person works, in
/// their language (empty when nowhere in particular).
async fn workplace(conn: &mut PgConnection, user: UserId, locale: Locale) -> Result<String> {
    let row = sqlx::query!(
        r#"
        select coalesce(array_agg(o.name order by o.name) filter (where o.name is not null), '{}') as "offices!",
               (select c.name from contractor c where c.contractor_id = u.contractor_id) as contractor
        from app_user u left join user_office uo using (user_id) left join office o using (office_id)
        where u.user_id = $1 group by u.user_id
        "#,
        user as UserId
    )
    .fetch_one(&mut *conn)
    .await?;
    let list = row.offices.join(", ");
    Ok(match (locale, row.contractor, row.offices.len()) {
        (Locale::It, Some(c), _) => format!(" per la ditta {c}"),
        (Locale::En, Some(c), _) => format!(" for the company {c}"),
        (_, None, 0) => String::new(),
        (Locale::It, None, 1) => format!(" per l'ufficio {list}"),
        (Locale::En, None, 1) => format!(" for the office {list}"),
        (Locale::It, None, _) => format!(" per gli uffici {list}"),
        (Locale::En, None, _) => format!(" for the offices {list}"),
    })
}

/// Sends `user` an invitation from `by` (a new link; an earlier one stops working), in the caller's transaction.
pub(super) async fn send(conn: &mut PgConnection, state: &State, by: &Viewer, user: UserId) -> Result<()> {
    let account = store::find_by_id(&mut *conn, user)
        .await?
        .ok_or(Error::NotFound)?;
    let lifetime = std::time::Duration::from_secs(VALID_DAYS as u64 * 86_400);
    let token = tokens::issue(
        &mut *conn,
        Purpose::Invitation,
        &account.email,
        Some(user),
        None,
        lifetime,
    )
    .await?;
    let expires: DateTime<Utc> = sqlx::query_scalar!(
        r#"
        insert into staff_invitation (user_id, invited_by, expires_at)
        values ($1, $2, now() + make_interval(days => $3))
        on conflict (user_id) do update
            set invited_by = excluded.invited_by, invited_at = now(), expires_at = excluded.expires_at,
                sent_count = staff_invitation.sent_count + 1, accepted_at = null, revoked_at = null
        returning expires_at
        "#,
        user as UserId,
        by.id as UserId,
        VALID_DAYS as i32
    )
    .fetch_one(&mut *conn)
    .await?;
    let message = Message::StaffInvitation {
        name: account.name.clone(),
        by: by.name.clone(),
        role: account.role.label(account.locale).to_lowercase(),
        offices: workplace(&mut *conn, user, account.locale).await?,
        until: shared::i18n::date_label(expires, account.locale),
        link: state.link(&format!("/nuova-password/{token}")),
    };
    mail::enqueue(&mut *conn, state, &Recipient::account(&account), &message).await?;
    Ok(())
}

/// Tells a citizen promoted to staff of their new role, in the caller's transaction.
pub(super) async fn role_granted(
    conn: &mut PgConnection,
    state: &State,
    by: &Viewer,
    user: UserId,
) -> Result<()> {
    let account = store::find_by_id(&mut *conn, user)
        .await?
        .ok_or(Error::NotFound)?;
    let message = Message::RoleGranted {
        name: account.name.clone(),
        by: by.name.clone(),
        role: account.role.label(account.locale).to_lowercase(),
        offices: workplace(&mut *conn, user, account.locale).await?,
        link: state.link("/ufficio"),
    };
    mail::enqueue(&mut *conn, state, &Recipient::account(&account), &message).await?;
    Ok(())
}

/// The invitation of `user` was used: they chose their password.
pub(crate) async fn accepted(conn: &mut PgConnection, user: UserId) -> Result<()> {
    sqlx::query!(
        "update staff_invitation set accepted_at = now() where user_id = $1 and accepted_at is null and revoked_at is null",
        user as UserId
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether `user` has an invitation not yet accepted nor revoked (expired ones can be sent again).
async fn pending(conn: &mut PgConnection, user: UserId) -> Result<bool> {
    Ok(sqlx::query_scalar!(
        r#"select exists(select 1 from staff_invitation
                         where user_id = $1 and accepted_at is null and revoked_at is null) as "x!""#,
        user as UserId
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// Sends the invitation again: a new link valid [`VALID_DAYS`] days from now; the old one stops working.
pub async fn resend(state: &State, viewer: Option<&Viewer>, user: UserId) -> Result<()> {
    let (v, mut tx) = begin(state, viewer, Action::ManageStaff).await?;
    if !pending(&mut tx, user).await? {
        return Err(invalid(Field::Email, Rule::NoInvitation));
    }
    send(&mut tx, state, v, user).await?;
    audit(&mut tx, v, "resend_invitation", json!({ "user": user })).await?;
    tx.commit().await?;
    Ok(())
}

/// Withdraws the invitation: its link stops working and the account is disabled (kept, as every account is,
/// for the audit log).
pub async fn revoke(state: &State, viewer: Option<&Viewer>, user: UserId) -> Result<()> {
    let (v, mut tx) = begin(state, viewer, Action::ManageStaff).await?;
    if !pending(&mut tx, user).await? {
        return Err(invalid(Field::Email, Rule::NoInvitation));
    }
    sqlx::query!(
        "update staff_invitation set revoked_at = now() where user_id = $1",
        user as UserId
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update email_token set used_at = now() where user_id = $1 and purpose = 'invitation' and used_at is null",
        user as UserId
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update app_user set disabled_at = coalesce(disabled_at, now()), updated_at = now() where user_id = $1",
        user as UserId
    )
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, v, "revoke_invitation", json!({ "user": user })).await?;
    tx.commit().await?;
    Ok(())
}
