//! Signing in through an OpenID Connect provider (the municipality's SPID/CIE gateway, or any certified provider),
//! when configured: the authorization code flow with PKCE, a nonce, and a one-use `state` kept (hashed) in the
//! database, so any server instance can finish a sign-in another one started.
//!
//! A person is recognised by the provider's issuer and subject (`user_identity`). The first time, an account
//! with the same address is linked to it — only when the provider says the address is verified — or a citizen's
//! account is created, confirmed, without a password.

use anyhow::{Context, anyhow};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    HttpRequest, HttpResponse, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    TokenResponse,
};
use shared::user::{DisplayName, Email, Role};
use shared::{Locale, UserId};

use super::service::LoginOutcome;
use super::sessions::ClientInfo;
use super::store;
use crate::secrets::token_hash;
use crate::settings::OidcSettings;
use crate::{Error, Result, State};

/// Where the provider sends people back.
pub const CALLBACK_PATH: &str = "/accedi/oidc/ritorno";

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// An HTTP error for the OpenID client.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(String);

/// The HTTP client the OpenID library calls: the project's reqwest, never following redirects (so a provider's
/// answer cannot send the server elsewhere), with a timeout.
async fn http(request: HttpRequest) -> std::result::Result<HttpResponse, HttpError> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| HttpError(e.to_string()))?;
    let (parts, body) = request.into_parts();
    let mut req = client.request(parts.method, parts.uri.to_string()).body(body);
    for (k, v) in &parts.headers {
        req = req.header(k, v);
    }
    let res = req.send().await.map_err(|e| HttpError(e.to_string()))?;
    let mut out = http::Response::builder().status(res.status());
    for (k, v) in res.headers() {
        out = out.header(k, v);
    }
    let bytes = res.bytes().await.map_err(|e| HttpError(e.to_string()))?;
    out.body(bytes.to_vec()).map_err(|e| HttpError(e.to_string()))
}

fn settings(state: &State) -> Result<&OidcSettings> {
    state.settings.oidc.as_ref().ok_or(Error::NotFound)
}

/// Reads the provider's metadata (`/.well-known/openid-configuration`) and builds the client.
async fn client(state: &State) -> Result<Client> {
    let s = settings(state)?;
    let issuer = IssuerUrl::new(s.issuer.clone()).context("SEGNALA_OIDC_ISSUER is not a URL")?;
    let metadata = CoreProviderMetadata::discover_async(issuer, &http)
        .await
        .map_err(|e| Error::Unavailable(anyhow!("OpenID provider discovery failed: {e}")))?;
    let redirect = RedirectUrl::new(state.link(CALLBACK_PATH)).context("the callback URL")?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(s.client_id.clone()),
        s.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(redirect))
}

/// A sign-in just started: the provider's authorization URL to send the browser to, and the `state` value the
/// door also keeps in a cookie, so that only the browser that started a sign-in can finish it.
#[derive(Debug, Clone)]
pub struct Started {
    pub url: String,
    pub state: String,
}

/// Starts a sign-in. `return_to` is where to go after.
pub async fn begin(state: &State, return_to: &str) -> Result<Started> {
    let client = client(state).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    sqlx::query!(
        "insert into oidc_login (state_hash, nonce, pkce_verifier, return_to, expires_at) \
         values ($1, $2, $3, $4, now() + interval '10 minutes')",
        token_hash(csrf.secret()),
        nonce.secret(),
        verifier.secret(),
        return_to
    )
    .execute(&state.pool)
    .await?;
    Ok(Started {
        url: url.to_string(),
        state: csrf.secret().clone(),
    })
}

/// Finishes a sign-in the provider sent back: checks `state` (one use, ten minutes), exchanges the code, verifies
/// the ID token, finds or creates the account, and starts a session. Returns where to go next.
pub async fn complete(
    state: &State,
    code: &str,
    state_param: &str,
    client_info: &ClientInfo,
) -> Result<(LoginOutcome, String)> {
    let row = sqlx::query!(
        "delete from oidc_login where state_hash = $1 and expires_at > now() returning nonce, pkce_verifier, return_to",
        token_hash(state_param)
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or(Error::LinkInvalid)?;
    let client = client(state).await?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .context("the provider has no token endpoint")?
        .set_pkce_verifier(PkceCodeVerifier::new(row.pkce_verifier))
        .request_async(&http)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "OpenID code exchange refused");
            Error::LinkInvalid
        })?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| Error::Internal(anyhow!("the provider sent no ID token")))?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(row.nonce))
        .map_err(|e| {
            tracing::warn!(error = %e, "OpenID ID token refused");
            Error::LinkInvalid
        })?;
    let issuer = claims.issuer().to_string();
    let subject = claims.subject().to_string();
    let email = claims
        .email()
        .filter(|_| claims.email_verified() == Some(true))
        .and_then(|e| Email::parse(e).ok());
    let name = claims
        .name()
        .and_then(|n| n.get(None))
        .map(|n| n.to_string())
        .or_else(|| {
            let given = claims
                .given_name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string());
            let family = claims
                .family_name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string());
            match (given, family) {
                (Some(g), Some(f)) => Some(format!("{g} {f}")),
                (g, f) => g.or(f),
            }
        });

    let mut tx = state.pool.begin().await?;
    let linked: Option<UserId> = sqlx::query_scalar!(
        r#"select user_id as "id: UserId" from user_identity where issuer = $1 and subject = $2"#,
        issuer,
        subject
    )
    .fetch_optional(&mut *tx)
    .await?;
    let user = match linked {
        Some(u) => u,
        None => {
            // Without an address the provider vouches for, there is nothing to link or create an account with.
            let email = email
                .ok_or_else(|| shared::ValidationError::new(shared::Field::Email, shared::Rule::Required))?;
            let user = match store::find_by_email(&mut tx, &email).await? {
                Some(existing) => {
                    store::mark_confirmed(&mut tx, existing.id).await?;
                    existing.id
                }
                None => {
                    let name = name
                        .and_then(|n| DisplayName::parse(&n).ok())
                        .or_else(|| {
                            DisplayName::parse(email.as_str().split('@').next().unwrap_or_default()).ok()
                        })
                        .map_or_else(|| "Utente".to_owned(), |n| n.as_str().to_owned());
                    store::insert(
                        &mut tx,
                        &store::NewUser {
                            email: &email,
                            name: &name,
                            password_hash: None,
                            confirmed: true,
                            role: Role::Citizen,
                            contractor: None,
                            locale: Locale::It,
                        },
                    )
                    .await?
                }
            };
            sqlx::query!(
                "insert into user_identity (issuer, subject, user_id) values ($1, $2, $3)",
                issuer,
                subject,
                user as UserId
            )
            .execute(&mut *tx)
            .await?;
            user
        }
    };
    let account = store::find_by_id(&mut tx, user)
        .await?
        .ok_or(Error::Unauthenticated)?;
    if account.disabled {
        return Err(Error::Forbidden);
    }
    // The provider authenticated the person; a staff member's own second factor still applies.
    let outcome = super::service::sign_in_verified(&mut tx, state, &account, client_info).await?;
    tx.commit().await?;
    tracing::info!(user.id = %user, "signed in through OpenID Connect");
    Ok((outcome, row.return_to))
}
