//! Authentication: argon2 password hashes, opaque bearer tokens (stored hashed, expiring), and
//! the extractor that turns a request into the signed-in user.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};
use crate::storage::queries::{self, Role, User};
use crate::AppState;

pub fn hash_password(password: &str) -> ApiResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(ApiError::internal)
}

/// A hash no password matches in practice, verified against when there is no real hash (an
/// unknown email, an invited user without a password) so every sign-in costs the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        hash_password(&hex::encode(secret)).unwrap_or_default()
    })
}

/// Whether `password` matches `hash` (`None`: no account, or no password set yet). Takes the
/// same time either way.
pub fn verify_password(password: &str, hash: Option<&str>) -> bool {
    let parsed = hash.and_then(|h| PasswordHash::new(h).ok());
    let matches = |h: &PasswordHash| Argon2::default().verify_password(password.as_bytes(), h).is_ok();
    match parsed {
        Some(h) => matches(&h),
        None => {
            let _ = PasswordHash::new(dummy_hash()).map(|h| matches(&h));
            false
        }
    }
}

/// [`verify_password`] off the async threads, at most `hash_concurrency` at once server-wide.
pub async fn verify_bounded(state: &AppState, password: String, hash: Option<String>) -> ApiResult<bool> {
    let _permit = state.hashing.acquire().await.map_err(ApiError::internal)?;
    state.hashes.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    tokio::task::spawn_blocking(move || verify_password(&password, hash.as_deref())).await.map_err(ApiError::internal)
}

/// [`hash_password`] off the async threads, at most `hash_concurrency` at once server-wide.
pub async fn hash_bounded(state: &AppState, password: String) -> ApiResult<String> {
    let _permit = state.hashing.acquire().await.map_err(ApiError::internal)?;
    state.hashes.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(ApiError::internal)?
}

/// A fresh session token (what the client keeps) and its hash (what the database keeps).
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The bearer token of a request, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    parts.headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// The signed-in user of a request; rejects with 401 when there is none.
pub struct CurrentUser(pub User);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or_else(|| ApiError::unauthorized("sign in first: no session token was sent"))?;
        let hash = token_hash(token);
        let now = now_rfc3339();
        state
            .db
            .read(move |conn| queries::session_user(conn, &hash, &now))
            .await?
            .map(CurrentUser)
            .ok_or_else(|| ApiError::unauthorized("your session has expired or was ended; sign in again"))
    }
}

impl CurrentUser {
    /// Designers see every partner; a partner's users see only their own organisation.
    pub fn may_see_partner(&self, partner: &str) -> ApiResult<()> {
        match self.0.role {
            Role::Designer => Ok(()),
            Role::Partner if self.0.partner.as_deref() == Some(partner) => Ok(()),
            Role::Partner => Err(ApiError::forbidden("you can only see your own organisation's data")),
        }
    }

    /// Designers see every program; a partner's users only those their organisation takes part
    /// in (another brand's program is none of their business).
    pub async fn may_see_program(&self, state: &AppState, program: &str) -> ApiResult<()> {
        let Some(partner) = self.0.partner.clone() else { return Ok(()) };
        let program = program.to_string();
        let enrolled = state.db.read(move |c| queries::partner_programs(c, &partner)).await?;
        if enrolled.contains(&program) {
            Ok(())
        } else {
            Err(ApiError::forbidden("your organisation does not take part in this program"))
        }
    }

    pub fn designer(&self) -> ApiResult<()> {
        match self.0.role {
            Role::Designer => Ok(()),
            Role::Partner => Err(ApiError::forbidden("only program designers can do this")),
        }
    }
}

/// The client's address, when the server knows it. Behind a trusted proxy (see
/// [`crate::Config::trusted_proxies`]) it is the right-most address of `X-Forwarded-For` that is
/// not a trusted proxy; otherwise the connection's own address.
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientAddr(client_addr(peer, &parts.headers, &state.config.trusted_proxies)))
    }
}

/// The client's address from the connection's and the proxies' `X-Forwarded-For`.
pub fn client_addr(
    peer: Option<std::net::IpAddr>,
    headers: &axum::http::HeaderMap,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    // Entries are appended left to right, each proxy adding the address it saw: reading from the
    // right, the first that is not a trusted proxy was written by one, so it can be believed.
    // Anything further left is what the client claimed.
    let forwarded: Vec<&str> =
        headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).collect();
    for entry in forwarded.into_iter().rev() {
        match entry.trim().parse::<std::net::IpAddr>() {
            Ok(a) if trusted.contains(&a) => continue,
            Ok(a) => return Some(a),
            Err(_) => return Some(peer),
        }
    }
    Some(peer)
}

/// An RFC 3339 timestamp `minutes` from now (negative: in the past).
pub fn minutes_from_now(minutes: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::minutes(minutes)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A signed-in designer; partners are refused (403) before the request body is read.
pub struct Designer(pub User);

impl FromRequestParts<AppState> for Designer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        user.designer()?;
        Ok(Designer(user.0))
    }
}

/// The partner named by the path's `id`, when the signed-in user may act for it (its own
/// users, and designers); others are refused (403) before the request body is read.
pub struct ForPartner {
    pub user: User,
    pub partner: String,
}

impl FromRequestParts<AppState> for ForPartner {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        let axum::extract::Path(params) =
            axum::extract::Path::<Vec<(String, String)>>::from_request_parts(parts, state)
                .await
                .map_err(|e| ApiError::bad_request("invalid_path", e.body_text()))?;
        let partner = params
            .into_iter()
            .find(|(k, _)| k == "id")
            .map(|(_, v)| v)
            .ok_or_else(|| ApiError::internal("route without a partner id"))?;
        user.may_see_partner(&partner)?;
        Ok(ForPartner { user: user.0, partner })
    }
}
