//! Invitations and password resets.

use axum::extract::State;
use axum::response::NoContent;
use serde::{Deserialize, Serialize};

use super::answer::{Accepted, Created};
use super::Json;
use crate::auth::{self, now_rfc3339, ClientAddr, Designer};
use crate::error::{ApiError, ApiResult};
use crate::input;
use crate::storage::queries::{self, Role};
use crate::storage::{accounts, audit};
use crate::AppState;

const INVITE_DAYS: i64 = 7;
const RESET_MINUTES: i64 = 60;
const MIN_PASSWORD: usize = 10;

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Invitation {
    email: String,
    name: String,
    role: Role,
    partner: Option<String>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct Invited {
    user: i64,
    email: String,
    /// Where the invited user sets a password (the app's `/set-password` page). Shown once.
    link: String,
    expires_at: String,
}

/// `POST /invitations` (designers): a user with no password yet, and a one-time link.
pub async fn invite(
    State(state): State<AppState>,
    Designer(user): Designer,
    Json(body): Json<Invitation>,
) -> ApiResult<Created<Invited>> {
    input::text("email", &body.email, input::MAX_EMAIL)?;
    input::text("name", &body.name, input::MAX_NAME)?;
    let email = body.email.trim().to_lowercase();
    if !email.contains('@') || body.name.trim().is_empty() {
        return Err(ApiError::bad_request("invalid_invitation", "give the person's name and a valid email address"));
    }
    match (body.role, &body.partner) {
        (Role::Partner, None) => {
            return Err(ApiError::bad_request(
                "invalid_invitation",
                "a partner user belongs to a partner: give `partner`",
            ))
        }
        (Role::Designer, Some(_)) => {
            return Err(ApiError::bad_request("invalid_invitation", "designers belong to no partner"))
        }
        _ => {}
    }
    let (token, hash) = auth::new_token();
    let expires_at = auth::minutes_from_now(INVITE_DAYS * 24 * 60);
    let (uid, now, exp) = (user.id, now_rfc3339(), expires_at.clone());
    let mail = email.clone();
    let id = state
        .write(move |tx| {
            let id = accounts::invite(tx, &mail, body.name.trim(), body.role, body.partner.as_deref())?;
            accounts::insert_token(tx, &hash, id, "invite", &exp)?;
            audit::record(tx, uid, "invite", &mail, &now)?;
            Ok(id)
        })
        .await?;
    Ok(Created(Invited { user: id, email, link: state.app_link(&format!("/set-password?token={token}")), expires_at }))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    email: String,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ResetSent {
    message: &'static str,
}

/// `POST /password-resets`: mails a one-time link when the account exists. The answer is the
/// same either way, so it does not reveal who has an account.
pub async fn request_reset(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Json(body): Json<ResetRequest>,
) -> ApiResult<Accepted<ResetSent>> {
    input::text("email", &body.email, input::MAX_EMAIL)?;
    let email = body.email.trim().to_lowercase();
    let (now, limits) = (now_rfc3339(), state.config.limits.clone());
    let link_base = state.app_link("/set-password?token=");
    state
        .write(move |tx| {
            accounts::reserve_reset(tx, &email, addr, &limits, &now)?;
            if let Some((user, _)) = queries::user_by_email(tx, &email)? {
                let (token, hash) = auth::new_token();
                accounts::insert_token(tx, &hash, user.id, "reset", &auth::minutes_from_now(RESET_MINUTES))?;
                let body = format!("Set a new Mitra password within {RESET_MINUTES} minutes: {link_base}{token}");
                accounts::send(tx, &email, "Reset your Mitra password", &body, &now)?;
            }
            Ok(())
        })
        .await?;
    Ok(Accepted(ResetSent { message: "if this email has an account, a link to set a new password is on its way" }))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    token: String,
    password: String,
}

/// `POST /password`: set a password with a one-time token (from an invitation or a reset).
/// The token is checked before the password is hashed, and hashes are bounded server-wide, so
/// made-up tokens cost nothing but a look-up. Setting it ends every session of the account and
/// voids every other outstanding link.
pub async fn set_password(State(state): State<AppState>, Json(body): Json<NewPassword>) -> ApiResult<NoContent> {
    input::text("password", &body.password, input::MAX_PASSWORD)?;
    input::text("token", &body.token, input::MAX_ID)?;
    if body.password.chars().count() < MIN_PASSWORD {
        return Err(ApiError::bad_request("weak_password", format!("use at least {MIN_PASSWORD} characters"))
            .with_details(serde_json::json!({ "min": MIN_PASSWORD })));
    }
    let token_hash = auth::token_hash(body.token.trim());
    let (check, now) = (token_hash.clone(), now_rfc3339());
    state.db.read(move |conn| accounts::check_token(conn, &check, &now)).await?;
    let hash = auth::hash_bounded(&state, body.password).await?;
    let now = now_rfc3339();
    state
        .write(move |tx| {
            let user = accounts::use_token(tx, &token_hash, &now)?;
            Ok(accounts::set_password(tx, user, &hash, &now)?)
        })
        .await?;
    Ok(NoContent)
}
