//! The catalog and redemptions.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use sha2::{Digest, Sha256};

use super::{Json, ProgramQuery};
use crate::auth::{now_rfc3339, CurrentUser, ForPartner};
use crate::error::{ApiError, ApiResult};
use crate::storage::rewards::{self, CatalogItem, CatalogQuery, Redeemed, Redemption, RedemptionRequest};
use crate::AppState;

pub async fn catalog(State(state): State<AppState>, _user: CurrentUser, Query(q): Query<CatalogQuery>) -> ApiResult<axum::Json<Vec<CatalogItem>>> {
    Ok(axum::Json(state.db.read(move |c| rewards::catalog(c, &q)).await?))
}

/// `POST /partners/{id}/redemptions` with an `Idempotency-Key` header: 201 with the redemption,
/// or 200 with the first result when the same request is sent again with the same key.
pub async fn redeem(
    State(state): State<AppState>,
    ForPartner { user, partner }: ForPartner,
    headers: HeaderMap,
    Json(request): Json<RedemptionRequest>,
) -> ApiResult<(StatusCode, axum::Json<Redemption>)> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .ok_or_else(|| ApiError::bad_request("idempotency_key_required", "send an Idempotency-Key header (a unique value per redemption) so a retry never debits twice"))?
        .to_string();
    let run = state.population(&request.program).await?;
    let figures = run.population.figures(&partner).ok_or_else(|| ApiError::not_found("this partner in the program"))?;
    let tiers: Vec<String> = run.program.tiers.iter().map(|t| t.id.clone()).collect();
    let tier_rank = figures.tier.as_ref().and_then(|t| tiers.iter().position(|x| x == t));
    let hash = hex::encode(Sha256::digest(serde_json::to_vec(&request).map_err(ApiError::internal)?));
    let uid = user.id;
    let now = now_rfc3339();
    let result = state
        .db
        .write(move |tx| rewards::redeem(tx, &partner, uid, &key, &request, &hash, tier_rank, |t| tiers.iter().position(|x| x == t), &now))
        .await?;
    Ok(match result {
        Redeemed::New(r) => (StatusCode::CREATED, axum::Json(r)),
        Redeemed::Replayed(r) => (StatusCode::OK, axum::Json(r)),
    })
}


pub async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(partner): Path<String>,
    Query(q): Query<ProgramQuery>,
) -> ApiResult<axum::Json<Vec<Redemption>>> {
    user.may_see_partner(&partner)?;
    Ok(axum::Json(state.db.read(move |c| rewards::history(c, &q.program, &partner)).await?))
}

pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((partner, id)): Path<(String, i64)>,
) -> ApiResult<axum::Json<Redemption>> {
    user.may_see_partner(&partner)?;
    let now = now_rfc3339();
    Ok(axum::Json(state.db.write(move |tx| rewards::cancel(tx, &partner, id, &now)).await?))
}
