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
    Ok(MapSetup {
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

/// A public report and its timeline, by receipt code.
#[server(endpoint = "report")]
pub async fn get_report(code: String) -> Result<ReportDetail, AppError> {
    let state = state()?;
    backend::reports::get_by_code(&state, &code)
        .await
        .map_err(AppError::from_backend)
}
