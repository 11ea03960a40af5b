//! The built site: `/pkg` (WASM, JS, CSS, Leaflet) with pre-compressed variants and, when the names carry
//! content hashes, a one-year immutable cache. Other files (favicon) come through the pages' fallback.

use axum::Router;
use axum::http::{HeaderValue, header};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;

pub fn router(state: &AppState) -> Router<AppState> {
    let dir = std::path::Path::new(&state.config.site_root).join("pkg");
    let cache = if state.assets.hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let serve = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    Router::new().nest_service(
        "/pkg",
        tower::ServiceBuilder::new()
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static(cache),
            ))
            .service(serve),
    )
}
