//! Signing in and out, and who is signed in.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};

use super::Json;
use crate::auth::{self, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::storage::queries::{self, User};
use crate::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    email: String,
    password: String,
}

#[derive(Serialize)]
pub struct Session {
    token: String,
    expires_at: String,
    user: User,
}

pub async fn sign_in(State(state): State<AppState>, Json(body): Json<SignIn>) -> ApiResult<axum::Json<Session>> {
    let email = body.email.trim().to_string();
    if email.is_empty() || body.password.is_empty() {
        return Err(ApiError::bad_request("missing_credentials", "enter your email and password"));
    }
    let found = state.db.read(move |conn| queries::user_by_email(conn, &email)).await?;
    let password = body.password;
    let user = tokio::task::spawn_blocking(move || {
        found.and_then(|(user, hash)| auth::verify_password(&password, &hash).then_some(user))
    })
    .await
    .map_err(ApiError::internal)?
    .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "wrong email or password"))?;
    let (token, hash) = auth::new_token();
    let expires_at = (chrono::Utc::now() + state.config.session_ttl)
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let (uid, exp) = (user.id, expires_at.clone());
    state.db.write(move |tx| queries::insert_session(tx, &hash, uid, &exp)).await?;
    Ok(axum::Json(Session { token, expires_at, user }))
}

pub async fn sign_out(State(state): State<AppState>, parts: Parts) -> ApiResult<StatusCode> {
    if let Some(token) = auth::bearer(&parts) {
        let hash = auth::token_hash(token);
        state.db.write(move |tx| queries::delete_session(tx, &hash)).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize)]
pub struct Me {
    user: User,
    /// The date figures are computed as of.
    today: chrono::NaiveDate,
    programs: Vec<String>,
}

pub async fn me(State(state): State<AppState>, user: CurrentUser) -> ApiResult<axum::Json<Me>> {
    let u = user.0.clone();
    let programs = state
        .db
        .read(move |conn| match &u.partner {
            Some(p) => queries::partner_programs(conn, p),
            None => queries::program_ids(conn),
        })
        .await?;
    Ok(axum::Json(Me { user: user.0, today: state.today(), programs }))
}
