//! Signing in and out, and who is signed in.

use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::NoContent;

use super::Json;
use crate::auth::{self, ClientAddr, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::input;
use crate::storage::accounts;
use crate::storage::queries;
use crate::AppState;

pub use mitra_api::{Me, ProgramName, Session, SignIn};

/// Sign in with email and password, within the limits of [`crate::Limits`]: after
/// `pair_failures` failures of one account from one client address the pair waits out
/// `pair_window`; past `account_failures` failures of the account from anywhere, every attempt
/// is slowed down and a reset offered, but the owner is never locked out by strangers. Each
/// attempt is recorded before the password is checked, so concurrent guesses count each other.
pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Json(body): Json<SignIn>,
) -> ApiResult<axum::Json<Session>> {
    input::text("email", &body.email, input::MAX_EMAIL)?;
    input::text("password", &body.password, input::MAX_PASSWORD)?;
    let email = body.email.trim().to_lowercase();
    if email.is_empty() || body.password.is_empty() {
        return Err(ApiError::bad_request("missing_credentials", "enter your email and password"));
    }
    let (limits, now) = (state.config.limits.clone(), auth::now_rfc3339());
    let (reservation, found) = state
        .write(move |tx| {
            let reservation = accounts::reserve_sign_in(tx, &email, addr, &limits, &now)?;
            Ok((reservation, queries::user_by_email(tx, &email)?))
        })
        .await?;
    if reservation.slow {
        tokio::time::sleep(state.config.limits.slowdown).await;
    }
    let (user, hash) = found.map_or((None, None), |(u, h)| (Some(u), Some(h)));
    let verified = auth::verify_bounded(&state, body.password, hash).await?;
    let Some(user) = user.filter(|_| verified) else {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "wrong email or password")
            .with_details(serde_json::json!({ "reset_suggested": reservation.slow })));
    };
    let (token, hash) = auth::new_token();
    let expires_at =
        (chrono::Utc::now() + state.config.session_ttl).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let (uid, exp) = (user.id, expires_at.clone());
    state
        .write(move |tx| {
            accounts::release(tx, &reservation)?;
            Ok(queries::insert_session(tx, &hash, uid, &exp)?)
        })
        .await?;
    Ok(axum::Json(Session { token, expires_at, user }))
}

pub async fn sign_out(State(state): State<AppState>, parts: Parts) -> ApiResult<NoContent> {
    if let Some(token) = auth::bearer(&parts) {
        let hash = auth::token_hash(token);
        state.db.write(move |tx| queries::delete_session(tx, &hash)).await?;
    }
    Ok(NoContent)
}

pub async fn me(State(state): State<AppState>, user: CurrentUser) -> ApiResult<axum::Json<Me>> {
    let u = user.0.clone();
    let programs = state
        .read(move |conn| {
            let ids = match &u.partner {
                Some(p) => queries::partner_programs(conn, p)?,
                None => queries::program_ids(conn)?,
            };
            let mut named = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some((_, program)) = queries::program(conn, &id)? {
                    named.push(ProgramName { id, name: program.name, names: program.names });
                }
            }
            Ok(named)
        })
        .await?;
    Ok(axum::Json(Me { user: user.0, today: state.today(), programs }))
}
