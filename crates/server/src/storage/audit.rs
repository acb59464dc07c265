//! The audit log: what designers did, who and when.

use rusqlite::{params, Connection};

use super::error::StoreResult;

/// Record a designer's action.
pub fn record(conn: &Connection, user: i64, action: &str, detail: &str, at: &str) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO audit_log (user_id, action, detail, at) VALUES (?1, ?2, ?3, ?4)",
        params![user, action, detail, at],
    )?;
    Ok(())
}
