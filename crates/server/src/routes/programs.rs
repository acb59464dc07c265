//! Program definitions and the population context partners' statements need.

use axum::extract::{Path, State};

use mitra_scheme::{Context, Program};

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::storage::queries;
use crate::AppState;

pub async fn list(State(state): State<AppState>, _user: CurrentUser) -> ApiResult<axum::Json<Vec<String>>> {
    Ok(axum::Json(state.db.read(queries::program_ids).await?))
}

pub async fn definition(State(state): State<AppState>, _user: CurrentUser, Path(id): Path<String>) -> ApiResult<axum::Json<Program>> {
    let (_, program) = state.db.read(move |c| queries::program(c, &id)).await?.ok_or_else(|| ApiError::not_found("the program"))?;
    Ok(axum::Json(program))
}

pub async fn context(State(state): State<AppState>, _user: CurrentUser, Path(id): Path<String>) -> ApiResult<axum::Json<Context>> {
    let run = state.population(&id).await?;
    Ok(axum::Json(run.population.context.clone()))
}
