//! `/healthz`: 200 when the server can reach its database, 503 otherwise (for load balancers and monitors).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::doors::Doors;
use crate::state::AppState;

pub fn doors() -> Doors {
    Doors::new().get("/healthz", healthz)
}

async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match backend::db::ping(&state.backend.pool).await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ok", "database": "ok" }))),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "unreachable" })),
            )
        }
    }
}
