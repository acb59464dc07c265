//! Account life cycle: invitations and password resets through one-time tokens (mail goes to
//! an outbox table), and the record of failed sign-ins that rate limiting reads.

use rusqlite::{params, Connection, OptionalExtension};

use super::queries::{self, Role};
use crate::error::{ApiError, ApiResult};

/// Failed sign-ins allowed per account and per client address within [`FAILURE_WINDOW_MINUTES`].
pub const MAX_FAILURES: i64 = 5;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

pub fn record_failure(conn: &Connection, subjects: &[String], at: &str) -> ApiResult<()> {
    for s in subjects {
        conn.execute("INSERT INTO sign_in_failures (subject, at) VALUES (?1, ?2)", params![s, at])?;
    }
    Ok(())
}

/// Failures of a subject (`account:…` or `address:…`) since `since`.
pub fn failures_since(conn: &Connection, subject: &str, since: &str) -> ApiResult<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM sign_in_failures WHERE subject = ?1 AND at > ?2",
        params![subject, since],
        |r| r.get(0),
    )?)
}

pub fn clear_failures(conn: &Connection, subject: &str) -> ApiResult<()> {
    conn.execute("DELETE FROM sign_in_failures WHERE subject = ?1", [subject])?;
    Ok(())
}

pub fn insert_token(conn: &Connection, token_hash: &str, user: i64, purpose: &str, expires_at: &str) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO one_time_tokens (token_hash, user_id, purpose, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash, user, purpose, expires_at],
    )?;
    Ok(())
}

/// Use a one-time token: the user it belongs to, or an error saying why it cannot be used.
pub fn use_token(conn: &Connection, token_hash: &str, now: &str) -> ApiResult<i64> {
    let row: Option<(i64, String, Option<String>)> = conn
        .query_row(
            "SELECT user_id, expires_at, used_at FROM one_time_tokens WHERE token_hash = ?1",
            [token_hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let invalid = |m: &str| ApiError::bad_request("invalid_token", m.to_string());
    let (user, expires_at, used_at) = row.ok_or_else(|| invalid("this link is not valid; ask for a new one"))?;
    if used_at.is_some() {
        return Err(invalid("this link was already used; ask for a new one"));
    }
    if expires_at.as_str() <= now {
        return Err(invalid("this link has expired; ask for a new one"));
    }
    conn.execute("UPDATE one_time_tokens SET used_at = ?2 WHERE token_hash = ?1", params![token_hash, now])?;
    Ok(user)
}

pub fn set_password(conn: &Connection, user: i64, hash: &str) -> ApiResult<()> {
    conn.execute("UPDATE users SET password_hash = ?2 WHERE id = ?1", params![user, hash])?;
    // Every session of the account ends: whoever knew the old password is out.
    conn.execute("DELETE FROM sessions WHERE user_id = ?1", [user])?;
    Ok(())
}

pub fn send(conn: &Connection, to: &str, subject: &str, body: &str, at: &str) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO outbox (to_email, subject, body, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![to, subject, body, at],
    )?;
    Ok(())
}

/// Create an invited user with no usable password yet.
pub fn invite(conn: &Connection, email: &str, name: &str, role: Role, partner: Option<&str>) -> ApiResult<i64> {
    if queries::user_by_email(conn, email)?.is_some() {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "email_taken",
            format!("{email} already has an account"),
        ));
    }
    if let Some(p) = partner {
        queries::partner(conn, p)?.ok_or_else(|| ApiError::not_found(&format!("partner {p}")))?;
    }
    // An argon2 hash never has this form, so no password matches until one is set.
    queries::insert_user(conn, email, name, "!invited", role, partner)
}
