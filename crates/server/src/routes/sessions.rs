//! Signing in and out, and who is signed in.

use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::Json;
use crate::auth::{self, ClientAddr, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::storage::accounts;
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

/// Sign in with email and password. After [`accounts::MAX_FAILURES`] failures within
/// [`accounts::FAILURE_WINDOW_MINUTES`] minutes, for the account or from the client's address,
/// further attempts are refused until the window has passed.
pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Json(body): Json<SignIn>,
) -> ApiResult<axum::Json<Session>> {
    let email = body.email.trim().to_lowercase();
    if email.is_empty() || body.password.is_empty() {
        return Err(ApiError::bad_request("missing_credentials", "enter your email and password"));
    }
    let mut subjects = vec![format!("account:{email}")];
    if let Some(ip) = addr {
        subjects.push(format!("address:{ip}"));
    }
    let since = auth::minutes_from_now(-accounts::FAILURE_WINDOW_MINUTES);
    let (checked, lookup) = (subjects.clone(), email.clone());
    let found = state
        .db
        .read(move |conn| {
            for s in &checked {
                if accounts::failures_since(conn, s, &since)? >= accounts::MAX_FAILURES {
                    return Err(ApiError::new(
                        StatusCode::TOO_MANY_REQUESTS,
                        "too_many_attempts",
                        format!(
                            "too many failed sign-ins; wait {} minutes or reset your password",
                            accounts::FAILURE_WINDOW_MINUTES
                        ),
                    ));
                }
            }
            queries::user_by_email(conn, &lookup)
        })
        .await?;
    let password = body.password;
    let verified = tokio::task::spawn_blocking(move || {
        found.and_then(|(user, hash)| auth::verify_password(&password, &hash).then_some(user))
    })
    .await
    .map_err(ApiError::internal)?;
    let Some(user) = verified else {
        let now = auth::now_rfc3339();
        state.db.write(move |tx| accounts::record_failure(tx, &subjects, &now)).await?;
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "wrong email or password"));
    };
    let account = format!("account:{email}");
    state.db.write(move |tx| accounts::clear_failures(tx, &account)).await?;
    let (token, hash) = auth::new_token();
    let expires_at =
        (chrono::Utc::now() + state.config.session_ttl).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
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
