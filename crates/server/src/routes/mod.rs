//! The HTTP API: thin handlers over typed extractors. Figures come from crates/scheme; storage
//! and authorization live in their own modules.

mod accounts;
mod claims;
mod drafts;
mod imports;
mod ledger;
mod partners;
mod programs;
mod rewards;

pub use rewards::TOTAL_HEADER;
mod sessions;

use axum::extract::{FromRequest, Request};
use axum::routing::{get, post, put};
use axum::Router;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::AppState;

/// `?program=…`: the program a partner's figures are asked for.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramQuery {
    pub program: String,
}

/// JSON bodies whose rejections are [`ApiError`]s (so every error has the same shape).
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(Json(value))
    }
}

/// `GET /health`: the server runs and its database answers (`503 unavailable` when it does not).
async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> crate::error::ApiResult<axum::Json<serde_json::Value>> {
    // The cause is in the log (see `ApiError::internal`), not in the answer.
    state.db.healthy().await.map_err(|_| {
        ApiError::new(axum::http::StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the database does not answer")
    })?;
    Ok(axum::Json(serde_json::json!({ "status": "ok", "database": "ok" })))
}

pub fn api() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/sessions", post(sessions::sign_in).delete(sessions::sign_out))
        .route("/me", get(sessions::me))
        .route("/me/goal", get(rewards::goal).put(rewards::set_goal).delete(rewards::clear_goal))
        .route("/invitations", post(accounts::invite))
        .route("/password-resets", post(accounts::request_reset))
        .route("/password", post(accounts::set_password))
        .route("/programs", get(programs::list))
        .route("/programs/{id}", get(programs::definition))
        .route("/programs/{id}/context", get(programs::context))
        .route("/programs/{id}/leaderboards", get(programs::leaderboards))
        .route("/programs/{id}/partners", get(programs::partners).post(programs::create_partner))
        .route("/programs/{id}/partners/{partner}", put(programs::enrol))
        .route("/partners/{id}/funds", get(partners::funds))
        .route("/partners/{id}", get(partners::profile))
        .route("/partners/{id}/facts", get(partners::facts))
        .route("/partners/{id}/statement", get(partners::statement))
        .route("/partners/{id}/ledger", get(partners::ledger))
        .route("/partners/{id}/postings", get(partners::postings))
        .route("/partners/{id}/postings.csv", get(partners::postings_csv))
        .route("/partners/{id}/dashboard", get(partners::dashboard))
        .route("/catalog", get(rewards::catalog).post(rewards::add_item))
        .route("/catalog/categories", get(rewards::categories))
        .route("/catalog/{id}", put(rewards::edit_item))
        .route("/catalog/{id}/stock", post(rewards::restock))
        .route("/partners/{id}/claims", get(claims::of_partner).post(claims::submit))
        .route("/claims", get(claims::queue))
        .route("/claims/{id}/approve", post(claims::approve))
        .route("/claims/{id}/reject", post(claims::reject))
        .route("/programs/{id}/imports/sales", post(imports::sales))
        .route("/programs/{id}/imports/products", post(imports::products))
        .route("/programs/{id}/imports/targets", post(imports::targets))
        .route("/programs/{id}/imports/certifications", post(imports::certifications))
        .route("/programs/{id}/imports/referrals", post(imports::referrals))
        .route("/programs/{id}/products", get(programs::products))
        .route("/programs/{id}/data", get(programs::data))
        .route("/programs/{id}/versions", get(programs::versions))
        .route("/programs/{id}/close", post(ledger::close))
        .route("/drafts", get(drafts::list).post(drafts::create))
        .route("/drafts/{id}", get(drafts::show).put(drafts::update))
        .route("/drafts/{id}/validate", post(drafts::check))
        .route("/drafts/{id}/publish", post(drafts::publish))
        .route("/partners/{id}/adjustments", post(ledger::adjust))
        .route("/partners/{id}/redemptions", get(rewards::history).post(rewards::redeem))
        .route("/partners/{id}/redemptions/{redemption}/cancel", post(rewards::cancel))
        .fallback(|| async { ApiError::not_found("this API endpoint") })
}
