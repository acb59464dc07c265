//! Account life cycle: invitations and password resets through one-time tokens (mail goes to
//! an outbox table), and the record of attempts (failed sign-ins, reset requests) that rate
//! limiting reads.

use rusqlite::{params, Connection, OptionalExtension};

use super::error::{StoreError, StoreResult};
use super::queries::{self, Role};

use crate::Limits;

fn record(conn: &Connection, subject: &str, at: &str) -> StoreResult<i64> {
    conn.execute("INSERT INTO sign_in_failures (subject, at) VALUES (?1, ?2)", params![subject, at])?;
    Ok(conn.last_insert_rowid())
}

/// Attempts recorded for a subject since `since`.
pub fn attempts_since(conn: &Connection, subject: &str, since: &str) -> StoreResult<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM sign_in_failures WHERE subject = ?1 AND at > ?2",
        params![subject, since],
        |r| r.get(0),
    )?)
}

fn ago(d: chrono::Duration) -> String {
    crate::auth::minutes_from_now(-d.num_minutes())
}

/// A sign-in attempt let through: its rows stand as failures unless [`release`]d.
#[derive(Debug)]
pub struct Reservation {
    rows: [i64; 2],
    pair: String,
    /// The account is past its failure count: the attempt is slowed down.
    pub slow: bool,
}

/// Let one sign-in attempt through, or refuse it, in one step: the pair (account and client
/// address) must have fewer than `pair_failures` recorded within `pair_window`. The attempt is
/// recorded *before* the password is checked, as a failure, so concurrent guesses count each
/// other; a success [`release`]s it. Records older than the longest window are pruned.
pub fn reserve_sign_in(
    conn: &Connection,
    email: &str,
    addr: Option<std::net::IpAddr>,
    limits: &Limits,
    now: &str,
) -> StoreResult<Reservation> {
    conn.execute(
        "DELETE FROM sign_in_failures WHERE at < ?1",
        [ago(limits.account_window.max(limits.pair_window).max(limits.reset_window))],
    )?;
    let pair = format!("pair:{email}|{}", addr.map_or_else(|| "-".to_string(), |a| a.to_string()));
    let account = format!("account:{email}");
    if attempts_since(conn, &pair, &ago(limits.pair_window))? >= limits.pair_failures {
        return Err(StoreError::throttled(
            "too_many_attempts",
            format!(
                "too many failed sign-ins; wait {} minutes or reset your password",
                limits.pair_window.num_minutes()
            ),
        )
        .with_details(serde_json::json!({ "minutes": limits.pair_window.num_minutes() })));
    }
    let slow = attempts_since(conn, &account, &ago(limits.account_window))? >= limits.account_failures;
    let rows = [record(conn, &pair, now)?, record(conn, &account, now)?];
    Ok(Reservation { rows, pair, slow })
}

/// A successful sign-in: its attempt was no failure, and the pair's earlier failures are
/// forgiven (the account-wide count stands: it only ever slows down).
pub fn release(conn: &Connection, r: &Reservation) -> StoreResult<()> {
    conn.execute("DELETE FROM sign_in_failures WHERE rowid IN (?1, ?2)", params![r.rows[0], r.rows[1]])?;
    conn.execute("DELETE FROM sign_in_failures WHERE subject = ?1", [&r.pair])?;
    Ok(())
}

/// Record a password-reset request, or refuse it: at most `resets_per_email` per email and
/// `resets_per_address` per client address within `reset_window`. Counted whether or not the
/// email has an account, so the answer reveals nothing.
pub fn reserve_reset(
    conn: &Connection,
    email: &str,
    addr: Option<std::net::IpAddr>,
    limits: &Limits,
    now: &str,
) -> StoreResult<()> {
    let since = ago(limits.reset_window);
    let by_email = format!("reset:{email}");
    let by_addr = addr.map(|a| format!("reset-from:{a}"));
    let over = attempts_since(conn, &by_email, &since)? >= limits.resets_per_email
        || match &by_addr {
            Some(s) => attempts_since(conn, s, &since)? >= limits.resets_per_address,
            None => false,
        };
    if over {
        return Err(StoreError::throttled(
            "too_many_resets",
            "too many password resets were asked for; try again later",
        )
        .with_details(serde_json::json!({ "minutes": limits.reset_window.num_minutes() })));
    }
    record(conn, &by_email, now)?;
    if let Some(s) = by_addr {
        record(conn, &s, now)?;
    }
    Ok(())
}

pub fn insert_token(
    conn: &Connection,
    token_hash: &str,
    user: i64,
    purpose: &str,
    expires_at: &str,
) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO one_time_tokens (token_hash, user_id, purpose, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash, user, purpose, expires_at],
    )?;
    Ok(())
}

/// The user a one-time token may still be used for, without using it (checked before a new
/// password is hashed, so made-up tokens cost nothing).
pub fn check_token(conn: &Connection, token_hash: &str, now: &str) -> StoreResult<i64> {
    token_user(conn, token_hash, now)
}

/// Use a one-time token: the user it belongs to, or an error saying why it cannot be used.
pub fn use_token(conn: &Connection, token_hash: &str, now: &str) -> StoreResult<i64> {
    let user = token_user(conn, token_hash, now)?;
    conn.execute("UPDATE one_time_tokens SET used_at = ?2 WHERE token_hash = ?1", params![token_hash, now])?;
    Ok(user)
}

fn token_user(conn: &Connection, token_hash: &str, now: &str) -> StoreResult<i64> {
    let row: Option<(i64, String, Option<String>)> = conn
        .query_row(
            "SELECT user_id, expires_at, used_at FROM one_time_tokens WHERE token_hash = ?1",
            [token_hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let invalid = |m: &str| StoreError::invalid("invalid_token", m.to_string());
    let (user, expires_at, used_at) = row.ok_or_else(|| invalid("this link is not valid; ask for a new one"))?;
    if used_at.is_some() {
        return Err(invalid("this link was already used; ask for a new one"));
    }
    if expires_at.as_str() <= now {
        return Err(invalid("this link has expired; ask for a new one"));
    }
    Ok(user)
}

/// Change a user's password: every session of the account ends (whoever knew the old password
/// is out) and every invitation or reset link still outstanding is void.
pub fn set_password(conn: &Connection, user: i64, hash: &str, now: &str) -> StoreResult<()> {
    conn.execute("UPDATE users SET password_hash = ?2 WHERE id = ?1", params![user, hash])?;
    conn.execute("DELETE FROM sessions WHERE user_id = ?1", [user])?;
    conn.execute("UPDATE one_time_tokens SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL", params![user, now])?;
    Ok(())
}

pub fn send(conn: &Connection, to: &str, subject: &str, body: &str, at: &str) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO outbox (to_email, subject, body, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![to, subject, body, at],
    )?;
    Ok(())
}

/// Create an invited user with no usable password yet.
pub fn invite(conn: &Connection, email: &str, name: &str, role: Role, partner: Option<&str>) -> StoreResult<i64> {
    if queries::user_by_email(conn, email)?.is_some() {
        return Err(StoreError::conflict("email_taken", format!("{email} already has an account")));
    }
    if let Some(p) = partner {
        queries::partner(conn, p)?.ok_or_else(|| StoreError::not_found(&format!("partner {p}")))?;
    }
    // An argon2 hash never has this form, so no password matches until one is set.
    queries::insert_user(conn, email, name, "!invited", role, partner)
}
