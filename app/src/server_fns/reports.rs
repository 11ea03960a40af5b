//! Reports for the public pages.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::BBox;
use shared::report::{ReportDetail, Viewport};

use crate::error::AppError;

/// What the map needs to open: where, and which tiles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapSetup {
    pub municipality: String,
    pub bbox: BBox,
    /// The municipality's border, rings of `(lat, lng)`, drawn as an outline.
    pub outline: Vec<Vec<(f64, f64)>>,
    pub tile_url: String,
    pub tile_attribution: String,
    /// What the filters offer.
    pub choices: shared::map::FilterChoices,
}

/// Map settings the server is configured with, provided as context by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TileConfig {
    pub url: String,
    pub attribution: String,
}

#[cfg(feature = "ssr")]
pub(crate) fn state() -> Result<backend::State, AppError> {
    use_context::<backend::State>().ok_or_else(|| {
        tracing::error!("backend::State is not in the Leptos context");
        AppError::Internal
    })
}

/// Where the map opens (the municipality's extent and border) and its tile source.
#[server(endpoint = "map_setup")]
pub async fn get_map_setup() -> Result<MapSetup, AppError> {
    let tiles = get_tiles().await?;
    let view = backend::areas::map_view(&state()?)
        .await
        .map_err(AppError::from_backend)?;
    let choices = backend::reports::browse::choices(&state()?)
        .await
        .map_err(AppError::from_backend)?;
    Ok(MapSetup {
        choices,
        municipality: view.municipality,
        bbox: view.bbox,
        outline: view.outline,
        tile_url: tiles.url,
        tile_attribution: tiles.attribution,
    })
}

/// The tile source alone (server configuration; no database), for maps that know where to open.
#[server(endpoint = "tiles")]
pub async fn get_tiles() -> Result<TileConfig, AppError> {
    use_context::<TileConfig>().ok_or_else(|| {
        tracing::error!("TileConfig is not in the Leptos context");
        AppError::Internal
    })
}

/// The public reports in a map viewport (`"west,south,east,north"`); the whole municipality when `None`.
#[server(endpoint = "viewport")]
pub async fn get_viewport(bbox: Option<String>) -> Result<Viewport, AppError> {
    let bbox = bbox
        .map(|s| BBox::parse(&s))
        .transpose()
        .map_err(|e| AppError::from_backend(e.into()))?;
    backend::reports::viewport(&state()?, bbox.as_ref())
        .await
        .map_err(AppError::from_backend)
}

/// The newest public reports matching a query string (`bbox`, the filters of [`shared::map::MapFilter`],
/// `dopo` for the next page), `limit` of them (at most 100).
#[server(endpoint = "list")]
pub async fn get_list(query: String, limit: u32) -> Result<shared::map::ReportList, AppError> {
    let b =
        backend::reports::browse::Browse::from_query(&query).map_err(|e| AppError::from_backend(e.into()))?;
    let after = shared::map::parse_query(&query)
        .into_iter()
        .find(|(k, _)| k == "dopo")
        .map(|(_, v)| v);
    backend::reports::browse::list(&state()?, &b, after.as_deref(), i64::from(limit.clamp(1, 100)))
        .await
        .map_err(AppError::from_backend)
}

/// A public report and its timeline, by receipt code.
#[server(endpoint = "report")]
pub async fn get_report(code: String) -> Result<ReportDetail, AppError> {
    let state = state()?;
    let auth = crate::auth::authenticated();
    backend::reports::get_by_code(&state, auth.as_ref().map(|a| &a.viewer), &code)
        .await
        .map_err(AppError::from_backend)
}

/// What the reporting page needs before anything is chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportFormSetup {
    pub map: MapSetup,
    /// Every enabled category (the place narrows them down once chosen).
    pub categories: Vec<shared::report::submission::CategoryChoice>,
    /// The districts, for a spot without an address: (id, name).
    pub districts: Vec<(i32, String)>,
    /// The form's idempotency key: one per page shown, so a retry of the same post is the same report.
    pub idempotency_key: String,
    pub signed_in: bool,
}

/// The reporting page's setup.
/// The back office's reporting form (`/ufficio/nuova`): the same setup, for staff who may file there only.
#[server(endpoint = "staff_report_form")]
pub async fn get_staff_report_form() -> Result<ReportFormSetup, AppError> {
    let auth = crate::auth::authenticated();
    backend::reports::intake::require_staff_intake(auth.as_ref().map(|a| &a.viewer))
        .map_err(AppError::from_backend)?;
    get_report_form().await
}

#[server(endpoint = "report_form")]
pub async fn get_report_form() -> Result<ReportFormSetup, AppError> {
    let state = state()?;
    let map = get_map_setup().await?;
    let categories = backend::places::all_categories(&state)
        .await
        .map_err(AppError::from_backend)?;
    let districts = backend::places::districts(&state)
        .await
        .map_err(AppError::from_backend)?
        .into_iter()
        .map(|(id, name)| (id.0, name))
        .collect();
    let signed_in = crate::auth::authenticated().is_some();
    Ok(ReportFormSetup {
        map,
        categories,
        districts,
        idempotency_key: backend::secrets::new_token(),
        signed_in,
    })
}

/// What a point is: inside the municipality or not, nearest street, district, categories offered there.
#[server(endpoint = "point_info")]
pub async fn get_point_info(lat: f64, lng: f64) -> Result<shared::report::submission::PointInfo, AppError> {
    let p = shared::LatLng::new(lat, lng).map_err(|e| AppError::from_backend(e.into()))?;
    backend::places::point_info(&state()?, p)
        .await
        .map_err(AppError::from_backend)
}

/// Streets and places matching what was typed.
#[server(endpoint = "places")]
pub async fn find_places(q: String) -> Result<Vec<shared::report::submission::PlaceHit>, AppError> {
    backend::places::search(&state()?, &q)
        .await
        .map_err(AppError::from_backend)
}

/// Open reports near the point that may be the same problem.
#[server(endpoint = "duplicates")]
pub async fn get_duplicates(
    lat: f64,
    lng: f64,
    category: Option<i32>,
    text: String,
) -> Result<shared::report::submission::Duplicates, AppError> {
    let p = shared::LatLng::new(lat, lng).map_err(|e| AppError::from_backend(e.into()))?;
    backend::reports::duplicates::suggest(&state()?, p, category.map(shared::CategoryId), &text)
        .await
        .map_err(AppError::from_backend)
}

/// A receipt, for whoever holds its signed link.
#[server(endpoint = "receipt")]
pub async fn get_receipt(
    code: String,
    signature: String,
) -> Result<shared::report::submission::Receipt, AppError> {
    backend::reports::intake::signed_receipt(&state()?, &code, &signature)
        .await
        .map_err(AppError::from_backend)
}

/// What a one-action confirmation link is for: (what — 0 a report, 1 a support, 2 a comment, 3 following —,
/// receipt code, title).
#[server(endpoint = "pending_confirmation")]
pub async fn get_pending_confirmation(token: String) -> Result<(u8, String, String), AppError> {
    use backend::reports::intake::Pending;
    match backend::reports::intake::peek_confirmation(&state()?, &token).await {
        Ok(Pending::Report { code, title }) => Ok((0, code, title)),
        Ok(Pending::Support { code, title }) => Ok((1, code, title)),
        Ok(Pending::Comment { code, title }) => Ok((2, code, title)),
        Ok(Pending::Follow { code, title }) => Ok((3, code, title)),
        Err(e) => Err(AppError::from_backend(e)),
    }
}
