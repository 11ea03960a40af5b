//! Account services: what the doors call. Every function takes the viewer (or the cookie it stands for) from the
//! door and decides permissions itself.
//!
//! Nothing here tells a stranger whether an address has an account: registering an address that exists sends
//! that address a "you already have an account" message instead and answers the same; a reset request answers
//! the same whether or not there is an account; a sign-in with an unknown address hashes a dummy password and
//! fails exactly like a wrong password. Registration and reset answers are also padded to a minimum time.

use std::time::Instant;

use serde::Deserialize;
use serde_json::Value;
use shared::permission::{Action, Target};
use shared::user::{DisplayName, Email, MyPage, Role, SessionInfo};
use shared::{ContractorId, Field, Locale, OfficeId, Rule, SessionId, UserId, ValidationError, Viewer};
use sqlx::PgConnection;

use super::password::check_new_password;
use super::sessions::{self, Authenticated, ClientInfo, NewSession};
use super::throttle::{self, Policy};
use super::tokens::{self, Purpose};
use super::{require, store, totp};
use crate::mail::{self, Message, Recipient};
use crate::{Error, Result, State};

/// What the registration form sends.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Registration {
    pub email: String,
    pub name: String,
    pub password: String,
    pub locale: Locale,
}

/// The outcome of a right password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    /// Signed in: set the session cookie, and the trusted-device cookie for this address.
    SignedIn { session: NewSession, device: String },
    /// The person has a second factor: this half-finished session only lets them type the code.
    SecondFactor { pending: NewSession },
}

fn login_policy(state: &State) -> Policy {
    let a = &state.settings.accounts;
    Policy {
        max: a.login_failures,
        window: a.login_window,
        block: a.login_block,
        block_max: a.login_block_max,
    }
}

fn mail_policy(state: &State) -> Policy {
    let a = &state.settings.accounts;
    Policy {
        max: a.mails_per_address,
        window: a.mail_window,
        block: a.mail_window,
        block_max: a.mail_window,
    }
}

/// Waits until `min` has passed since `start` (answers that must not reveal which path they took).
async fn pad(start: Instant, min: std::time::Duration) {
    let elapsed = start.elapsed();
    if elapsed < min {
        tokio::time::sleep(min - elapsed).await;
    }
}

const DEVICE: &str = "device";

/// A trusted-device cookie for `email`: a random id and its signature.
async fn device_cookie(state: &State, email: &str) -> Result<String> {
    let id = crate::secrets::new_token();
    let sig = state.keys().await?.sign(DEVICE, &format!("{email}|{id}"));
    Ok(format!("{id}.{sig}"))
}

/// The device id of a cookie that signed in to `email` before, if it is genuine.
async fn trusted_device(state: &State, email: &str, cookie: Option<&str>) -> Result<Option<String>> {
    let Some((id, sig)) = cookie.and_then(|c| c.split_once('.')) else {
        return Ok(None);
    };
    let ok = state.keys().await?.verify(DEVICE, &format!("{email}|{id}"), sig);
    Ok(ok.then(|| id.to_owned()))
}

/// The throttle key for sign-ins to `email` from this browser.
async fn login_key(state: &State, email: &str, device: Option<&str>) -> Result<String> {
    Ok(match trusted_device(state, email, device).await? {
        Some(id) => format!("login-device:{id}"),
        None => format!("login:{email}"),
    })
}

/// Registers an account, or — for an address that already has one — writes to it instead. The answer is the
/// same either way: "if the address can be used, a message is on its way". Returns the address as stored.
#[tracing::instrument(skip_all)]
pub async fn register(state: &State, form: &Registration) -> Result<Email> {
    let start = Instant::now();
    let email = Email::parse(&form.email)?;
    let name = DisplayName::parse(&form.name)?;
    check_new_password(&form.password, Some(email.as_str()))?;
    let result = register_inner(state, form, &email, &name).await;
    pad(start, state.settings.accounts.min_answer_time).await;
    result.map(|()| email)
}

async fn register_inner(state: &State, form: &Registration, email: &Email, name: &DisplayName) -> Result<()> {
    // Hashed whatever happens next, so every path costs the same.
    let hash = state.passwords.hash(&form.password).await?;
    let mut tx = state.pool.begin().await?;
    throttle::take(&mut tx, &format!("mail:{email}"), mail_policy(state)).await?;
    match store::find_by_email(&mut tx, email).await? {
        Some(existing) if existing.confirmed => {
            let message = Message::AlreadyRegistered {
                sign_in: state.link("/accedi"),
                reset: state.link("/password-dimenticata"),
            };
            mail::enqueue(
                &mut tx,
                state,
                &Recipient::address(email, existing.locale),
                &message,
            )
            .await?;
        }
        Some(existing) => {
            store::replace_unconfirmed(&mut tx, existing.id, name.as_str(), &hash, form.locale).await?;
            send_confirmation(&mut tx, state, existing.id, email, name.as_str(), form.locale).await?;
        }
        None => {
            let id = store::insert(
                &mut tx,
                &store::NewUser {
                    email,
                    name: name.as_str(),
                    password_hash: Some(&hash),
                    confirmed: false,
                    role: Role::Citizen,
                    contractor: None,
                    locale: form.locale,
                },
            )
            .await?;
            send_confirmation(&mut tx, state, id, email, name.as_str(), form.locale).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

async fn send_confirmation(
    conn: &mut PgConnection,
    state: &State,
    user: UserId,
    email: &Email,
    name: &str,
    locale: Locale,
) -> Result<()> {
    let token = tokens::issue(
        conn,
        Purpose::ConfirmAccount,
        email.as_str(),
        Some(user),
        None,
        state.settings.accounts.confirm_link_lifetime,
    )
    .await?;
    let message = Message::ConfirmAccount {
        name: name.to_owned(),
        link: state.link(&format!("/conferma-email/{token}")),
    };
    mail::enqueue(conn, state, &Recipient::address(email, locale), &message).await?;
    Ok(())
}

/// The address a confirmation or reset link is for (masked), if the link can still be used. Changes nothing.
pub async fn peek_link(state: &State, reset: bool, token: &str) -> Result<String> {
    let purposes: &[Purpose] = if reset {
        &tokens::PASSWORD_LINKS
    } else {
        &[Purpose::ConfirmAccount]
    };
    let mut conn = state.pool.acquire().await?;
    let (_, t) = tokens::peek_any(&mut conn, purposes, token).await?;
    Ok(Email::parse(&t.email)?.masked())
}

/// Confirms an account's address with the link from the email and the password chosen at registration (so
/// that neither the mailbox alone nor the password alone is enough), and signs the person in.
#[tracing::instrument(skip_all)]
pub async fn confirm_account(
    state: &State,
    token: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<LoginOutcome> {
    let (account, key) = {
        let mut conn = state.pool.acquire().await?;
        let t = tokens::peek(&mut conn, Purpose::ConfirmAccount, token).await?;
        let user = t.user.ok_or(Error::LinkInvalid)?;
        let account = store::find_by_id(&mut conn, user)
            .await?
            .ok_or(Error::LinkInvalid)?;
        let key = format!("login:{}", account.email);
        throttle::check(&mut conn, &key).await?;
        (account, key)
    };
    // No connection is held while the password is hashed (a flood of these must not take the pool).
    let right = state
        .passwords
        .verify(password, account.password_hash.as_deref())
        .await?;
    let mut tx = state.pool.begin().await?;
    if !right {
        throttle::hit(&mut tx, &key, login_policy(state)).await?;
        tx.commit().await?;
        return Err(ValidationError::new(Field::Password, Rule::Mismatch).into());
    }
    let t = tokens::consume(&mut tx, Purpose::ConfirmAccount, token).await?;
    if t.user != Some(account.id) {
        return Err(Error::LinkInvalid);
    }
    store::mark_confirmed(&mut tx, account.id).await?;
    let outcome = finish_sign_in(&mut tx, state, &account, client).await?;
    tx.commit().await?;
    tracing::info!(user.id = %account.id, "account confirmed");
    Ok(outcome)
}

/// The session (or half-session, with a second factor) of a person someone else authenticated (an OpenID
/// Connect provider).
pub(crate) async fn sign_in_verified(
    conn: &mut PgConnection,
    state: &State,
    account: &store::Account,
    client: &ClientInfo,
) -> Result<LoginOutcome> {
    finish_sign_in(conn, state, account, client).await
}

/// The session (or half-session, with a second factor) after a right password.
async fn finish_sign_in(
    conn: &mut PgConnection,
    state: &State,
    account: &store::Account,
    client: &ClientInfo,
) -> Result<LoginOutcome> {
    if account.totp_enabled {
        let pending = sessions::create(conn, state, account.id, true, client).await?;
        return Ok(LoginOutcome::SecondFactor { pending });
    }
    let session = sessions::create(conn, state, account.id, false, client).await?;
    Ok(LoginOutcome::SignedIn {
        session,
        device: device_cookie(state, &account.email).await?,
    })
}

/// Signs in with email and password. `device` is the browser's trusted-device cookie, if any.
#[tracing::instrument(skip_all)]
pub async fn login(
    state: &State,
    email: &str,
    password: &str,
    device: Option<&str>,
    client: &ClientInfo,
) -> Result<LoginOutcome> {
    let email = Email::parse(email)?;
    if password.is_empty() {
        return Err(ValidationError::new(Field::Password, Rule::Required).into());
    }
    let key = login_key(state, email.as_str(), device).await?;
    let account = {
        let mut conn = state.pool.acquire().await?;
        throttle::check(&mut conn, &key).await?;
        store::find_by_email(&mut conn, &email).await?
    };
    // No connection is held while the password is hashed: a flood of sign-ins waits for the hasher, not for the
    // pool the map needs.
    let hash = account.as_ref().and_then(|a| a.password_hash.as_deref());
    let right = state.passwords.verify(password, hash).await?;
    let mut tx = state.pool.begin().await?;
    let account = match account {
        Some(a) if right && !a.disabled => a,
        _ => {
            throttle::hit(&mut tx, &key, login_policy(state)).await?;
            tx.commit().await?;
            tracing::info!("sign-in refused: wrong email or password");
            return Err(Error::InvalidCredentials);
        }
    };
    throttle::clear(&mut tx, &key).await?;
    if !account.confirmed {
        // The right password, but the address was never confirmed: send a new link (within the mail limit).
        if throttle::take(&mut tx, &format!("mail:{email}"), mail_policy(state))
            .await
            .is_ok()
        {
            send_confirmation(&mut tx, state, account.id, &email, &account.name, account.locale).await?;
        }
        tx.commit().await?;
        return Err(Error::EmailNotConfirmed);
    }
    let outcome = finish_sign_in(&mut tx, state, &account, client).await?;
    tx.commit().await?;
    tracing::info!(user.id = %account.id, "signed in");
    Ok(outcome)
}

/// The second step of signing in: the code from the authenticator app, with the half-finished session's cookie.
/// The half-session is replaced by a real one.
pub async fn second_factor(
    state: &State,
    pending_token: &str,
    code: &str,
    client: &ClientInfo,
) -> Result<LoginOutcome> {
    let mut tx = state.pool.begin().await?;
    let (pending, user) = sessions::pending_user(&mut tx, pending_token)
        .await?
        .ok_or(Error::Unauthenticated)?;
    let key = format!("totp:{user}");
    throttle::check(&mut tx, &key).await?;
    if !totp::verify_login(&mut tx, state, user, code).await? {
        throttle::hit(&mut tx, &key, login_policy(state)).await?;
        tx.commit().await?;
        return Err(ValidationError::new(Field::TotpCode, Rule::Mismatch).into());
    }
    throttle::clear(&mut tx, &key).await?;
    sqlx::query!(
        "delete from user_session where session_id = $1",
        pending as SessionId
    )
    .execute(&mut *tx)
    .await?;
    let account = store::find_by_id(&mut tx, user)
        .await?
        .ok_or(Error::Unauthenticated)?;
    let session = sessions::create(&mut tx, state, user, false, client).await?;
    let device = device_cookie(state, &account.email).await?;
    tx.commit().await?;
    Ok(LoginOutcome::SignedIn { session, device })
}

/// Signs out the session with this cookie.
pub async fn logout(state: &State, token: &str) -> Result<()> {
    let mut conn = state.pool.acquire().await?;
    sessions::revoke_token(&mut conn, token).await
}

/// Sends a reset link if the address has an account. Answers the same (and after the same minimum time) either
/// way; `RateLimited` after too many requests for one address, whether or not it has an account.
#[tracing::instrument(skip_all)]
pub async fn request_password_reset(state: &State, email: &str, locale: Locale) -> Result<()> {
    let start = Instant::now();
    let email = Email::parse(email)?;
    let result = async {
        let mut tx = state.pool.begin().await?;
        throttle::take(&mut tx, &format!("mail:{email}"), mail_policy(state)).await?;
        if let Some(account) = store::find_by_email(&mut tx, &email)
            .await?
            .filter(|a| !a.disabled)
        {
            let lifetime = state.settings.accounts.reset_link_lifetime;
            let token = tokens::issue(
                &mut tx,
                Purpose::ResetPassword,
                email.as_str(),
                Some(account.id),
                None,
                lifetime,
            )
            .await?;
            let message = Message::PasswordReset {
                name: account.name.clone(),
                link: state.link(&format!("/nuova-password/{token}")),
                minutes: lifetime.as_secs() / 60,
            };
            mail::enqueue(&mut tx, state, &Recipient::account(&account), &message).await?;
        } else {
            tracing::info!(?locale, "reset requested for an address without an account");
        }
        tx.commit().await?;
        Ok(())
    }
    .await;
    pad(start, state.settings.accounts.min_answer_time).await;
    result
}

/// Sets a new password with a reset link: every session of the person ends, the address counts as confirmed
/// (the link proved it), and a notice goes out. Signs the person in unless they have a second factor.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    state: &State,
    token: &str,
    new_password: &str,
    client: &ClientInfo,
) -> Result<Option<LoginOutcome>> {
    // A reset link, or an invitation's: both let the person choose their password.
    let (purpose, email) = {
        let mut conn = state.pool.acquire().await?;
        let (p, t) = tokens::peek_any(&mut conn, &tokens::PASSWORD_LINKS, token).await?;
        (p, t.email)
    };
    // Checked before the link is used, so a refused password does not cost the person their link.
    check_new_password(new_password, Some(&email))?;
    let hash = state.passwords.hash(new_password).await?;
    let mut tx = state.pool.begin().await?;
    let t = tokens::consume(&mut tx, purpose, token).await?;
    let user = t.user.ok_or(Error::LinkInvalid)?;
    if purpose == Purpose::Invitation {
        crate::admin::invitations::accepted(&mut tx, user).await?;
    }
    let account = store::find_by_id(&mut tx, user)
        .await?
        .ok_or(Error::LinkInvalid)?;
    store::set_password(&mut tx, user, &hash).await?;
    store::mark_confirmed(&mut tx, user).await?;
    let ended = sessions::revoke_all(&mut tx, user).await?;
    throttle::clear(&mut tx, &format!("login:{}", account.email)).await?;
    password_changed_notice(&mut tx, state, &account).await?;
    let outcome = if account.totp_enabled {
        None
    } else {
        Some(finish_sign_in(&mut tx, state, &account, client).await?)
    };
    tx.commit().await?;
    tracing::info!(user.id = %user, sessions_ended = ended, "password reset");
    Ok(outcome)
}

async fn password_changed_notice(
    conn: &mut PgConnection,
    state: &State,
    account: &store::Account,
) -> Result<()> {
    let message = Message::PasswordChanged {
        name: account.name.clone(),
        reset: state.link("/password-dimenticata"),
    };
    mail::enqueue(conn, state, &Recipient::account(account), &message).await?;
    Ok(())
}

/// Changes the password of the signed-in person: every session ends, including this one, which gets a fresh
/// session (a new cookie) in its place.
#[tracing::instrument(skip_all)]
pub async fn change_password(
    state: &State,
    auth: Option<&Authenticated>,
    current: &str,
    new_password: &str,
    client: &ClientInfo,
) -> Result<NewSession> {
    let auth = auth.ok_or(Error::Unauthenticated)?;
    let v = require(
        Some(&auth.viewer),
        Action::ManageOwnAccount,
        Target::User(auth.viewer.id),
    )?;
    let (account, key) = {
        let mut conn = state.pool.acquire().await?;
        let account = store::find_by_id(&mut conn, v.id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        let key = format!("login:{}", account.email);
        throttle::check(&mut conn, &key).await?;
        (account, key)
    };
    if !state
        .passwords
        .verify(current, account.password_hash.as_deref())
        .await?
    {
        let mut conn = state.pool.acquire().await?;
        throttle::hit(&mut conn, &key, login_policy(state)).await?;
        return Err(ValidationError::new(Field::CurrentPassword, Rule::Mismatch).into());
    }
    check_new_password(new_password, Some(&account.email))?;
    let hash = state.passwords.hash(new_password).await?;
    let mut tx = state.pool.begin().await?;
    store::set_password(&mut tx, v.id, &hash).await?;
    sessions::revoke_all(&mut tx, v.id).await?;
    let session = sessions::create(&mut tx, state, v.id, false, client).await?;
    password_changed_notice(&mut tx, state, &account).await?;
    tx.commit().await?;
    tracing::info!(user.id = %v.id, "password changed; every session ended");
    Ok(session)
}

/// The signed-in person's sessions.
pub async fn sessions(state: &State, auth: Option<&Authenticated>) -> Result<Vec<SessionInfo>> {
    let auth = auth.ok_or(Error::Unauthenticated)?;
    require(
        Some(&auth.viewer),
        Action::ManageOwnAccount,
        Target::User(auth.viewer.id),
    )?;
    let mut conn = state.pool.acquire().await?;
    sessions::list(&mut conn, auth.viewer.id, auth.session).await
}

/// Ends one of the signed-in person's sessions (another device, or this one).
pub async fn end_session(state: &State, viewer: Option<&Viewer>, session: SessionId) -> Result<()> {
    let v = require(
        viewer,
        Action::ManageOwnAccount,
        Target::User(viewer.map_or(UserId(0), |v| v.id)),
    )?;
    let mut conn = state.pool.acquire().await?;
    if sessions::revoke_one(&mut conn, v.id, session).await? {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// "La mia pagina"'s mail form: the notifications to keep on (by name; unknown names are ignored) and the
/// language of emails (a tag such as `it`; empty leaves it as it is).
pub async fn save_mail_settings(
    state: &State,
    viewer: Option<&Viewer>,
    enabled: &[String],
    locale_tag: &str,
) -> Result<()> {
    let locale = match locale_tag.trim() {
        "" => None,
        tag => Some(
            Locale::from_tag(tag).ok_or_else(|| ValidationError::new(Field::Locale, Rule::UnknownValue))?,
        ),
    };
    let enabled: Vec<shared::mail::NotificationKind> = enabled
        .iter()
        .filter_map(|k| shared::mail::NotificationKind::parse(k))
        .collect();
    mail::set_preferences(state, viewer, &enabled).await?;
    if let Some(l) = locale {
        set_locale(state, viewer, l).await?;
    }
    Ok(())
}

/// Sets the language of the person's emails.
pub async fn set_locale(state: &State, viewer: Option<&Viewer>, locale: Locale) -> Result<()> {
    let v = require(
        viewer,
        Action::ManageOwnAccount,
        Target::User(viewer.map_or(UserId(0), |v| v.id)),
    )?;
    let mut conn = state.pool.acquire().await?;
    store::set_locale(&mut conn, v.id, locale).await
}

pub async fn my_page(state: &State, auth: Option<&Authenticated>) -> Result<MyPage> {
    let auth = auth.ok_or(Error::Unauthenticated)?;
    let v = &auth.viewer;
    let sessions = sessions(state, Some(auth)).await?;
    let preferences = mail::preferences(state, Some(v)).await?;
    let reports = crate::reports::of_reporter(state, Some(v)).await?;
    let totp_setup = totp::setup(state, Some(v)).await?;
    let mut conn = state.pool.acquire().await?;
    let p = store::profile(&mut conn, v.id).await?;
    Ok(MyPage {
        viewer: v.clone(),
        locale: p.locale,
        created_at: p.created_at,
        totp_enabled: p.totp_enabled,
        totp_setup,
        office_names: p.office_names,
        contractor_name: p.contractor_name,
        sessions,
        preferences,
        reports,
        now: chrono::Utc::now(),
    })
}

/// A confirmed account created by an administrator or the command line (`segnala admin create`).
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: String,
    pub name: String,
    pub password: String,
    pub role: Role,
    pub offices: Vec<OfficeId>,
    pub contractor: Option<ContractorId>,
    pub locale: Locale,
}

/// Creates a confirmed account. `viewer` is who does it: `None` only from the command line, which runs with the
/// operator's authority over the database.
pub async fn create_account(
    state: &State,
    viewer: Option<&Viewer>,
    new: &NewAccount,
    from_cli: bool,
) -> Result<UserId> {
    if !from_cli {
        require(viewer, Action::ManageStaff, Target::Municipality)?;
    }
    let email = Email::parse(&new.email)?;
    let name = DisplayName::parse(&new.name)?;
    check_new_password(&new.password, Some(email.as_str()))?;
    if new.role.needs_office() && new.offices.is_empty() {
        return Err(ValidationError::new(Field::Office, Rule::Required).into());
    }
    if (new.role == Role::Contractor) != new.contractor.is_some() {
        return Err(ValidationError::new(Field::Role, Rule::UnknownValue).into());
    }
    let hash = state.passwords.hash(&new.password).await?;
    let mut tx = state.pool.begin().await?;
    if store::find_by_email(&mut tx, &email).await?.is_some() {
        return Err(ValidationError::new(Field::Email, Rule::Taken).into());
    }
    let id = store::insert(
        &mut tx,
        &store::NewUser {
            email: &email,
            name: name.as_str(),
            password_hash: Some(&hash),
            confirmed: true,
            role: new.role,
            contractor: new.contractor,
            locale: new.locale,
        },
    )
    .await?;
    store::set_offices(&mut tx, id, &new.offices).await?;
    tx.commit().await?;
    tracing::info!(user.id = %id, role = new.role.as_str(), "account created");
    Ok(id)
}

/// Asks `email` to confirm it is theirs for one action, without an account (used by the reporting and
/// conversation services). `what` describes the action in `locale`; `action` is what [`confirm_action`] gives
/// back. Runs in the caller's transaction, beside the change it is for.
pub async fn request_action_confirmation(
    conn: &mut PgConnection,
    state: &State,
    email: &Email,
    locale: Locale,
    what: &str,
    action: &Value,
) -> Result<()> {
    throttle::take(conn, &format!("mail:{email}"), mail_policy(state)).await?;
    let token = tokens::issue(
        conn,
        Purpose::ConfirmAction,
        email.as_str(),
        None,
        Some(action),
        state.settings.accounts.action_link_lifetime,
    )
    .await?;
    let message = Message::ConfirmAction {
        what: what.to_owned(),
        link: state.link(&format!("/conferma/{token}")),
    };
    mail::enqueue(conn, state, &Recipient::address(email, locale), &message).await?;
    Ok(())
}

/// Uses a one-action confirmation link (in the caller's transaction, beside what it confirms): the confirmed
/// address and the action it was asked for.
pub async fn confirm_action(conn: &mut PgConnection, token: &str) -> Result<(Email, Value)> {
    let t = tokens::consume(conn, Purpose::ConfirmAction, token).await?;
    Ok((Email::parse(&t.email)?, t.action.unwrap_or(Value::Null)))
}
