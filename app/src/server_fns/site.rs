//! The municipality's identity and legal pages, and the administrator's checklist.

use leptos::prelude::*;
use shared::site::{Checklist, IdentityPage, LegalKind, Section};

use crate::error::AppError;

#[cfg(feature = "ssr")]
use super::reports::state;

/// A legal page as the site publishes it (the administrator's own text, or the generated one).
#[server(endpoint = "legal_page")]
pub async fn get_legal(kind: LegalKind) -> Result<Vec<Section>, AppError> {
    let state = state()?;
    let site = backend::site::get(&state).await.map_err(AppError::from_backend)?;
    Ok(backend::site::legal::page(
        &site,
        &state.settings,
        kind,
        crate::i18n::request_locale(),
    ))
}

/// The identity form's values and the logo (administrators).
#[server(endpoint = "identity")]
pub async fn get_identity() -> Result<IdentityPage, AppError> {
    let auth = crate::auth::authenticated();
    let state = state()?;
    backend::users::require(
        auth.as_ref().map(|a| &a.viewer),
        shared::permission::Action::ManageOffices,
        shared::permission::Target::Municipality,
    )
    .map_err(AppError::from_backend)?;
    let site = backend::site::get(&state).await.map_err(AppError::from_backend)?;
    let form = backend::site::IdentityForm::of(&site);
    Ok(IdentityPage {
        values: backend::site::IdentityForm::FIELDS
            .iter()
            .map(|n| ((*n).to_owned(), form.get(n).to_owned()))
            .collect(),
        logo_url: site.site.logo_url(),
    })
}

/// The setup checklist (administrators).
#[server(endpoint = "checklist")]
pub async fn get_checklist() -> Result<Checklist, AppError> {
    let auth = crate::auth::authenticated();
    let smtp = use_context::<super::mail::SmtpConfigured>().is_some_and(|s| s.0);
    backend::site::checklist(&state()?, auth.as_ref().map(|a| &a.viewer), smtp)
        .await
        .map_err(AppError::from_backend)
}
