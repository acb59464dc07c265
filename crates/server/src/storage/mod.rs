//! Storage: an embedded SQLite file (WAL mode), migrated on start.
//!
//! Domain queries are written in portable SQL. What differs between databases, how a balance
//! check and its debit are made race-free, lives in [`Db::write`]: on SQLite a `BEGIN
//! IMMEDIATE` transaction takes the write lock up front, so no two writers interleave between
//! reading a balance and debiting it.

pub mod accounts;
pub mod audit;
pub mod claims;
pub mod imports;
pub mod ledger;
pub mod migrations;
pub mod products;
pub mod queries;
pub mod rewards;

use std::path::Path;
use std::time::Duration;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, TransactionBehavior};

use crate::error::{ApiError, ApiResult};

pub type Pool = r2d2::Pool<SqliteConnectionManager>;

/// A pool of connections to the database file.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
}

fn configure(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(())
}

impl Db {
    /// Open (creating if needed) and migrate the database at `path`.
    pub fn open(path: &Path) -> Result<Db, String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        {
            let mut conn = Connection::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
            conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| e.to_string())?;
            configure(&mut conn).map_err(|e| e.to_string())?;
            migrations::migrate(&mut conn).map_err(|e| format!("migration failed: {e}"))?;
        }
        let manager = SqliteConnectionManager::file(path).with_init(configure);
        let pool = r2d2::Pool::builder().max_size(8).build(manager).map_err(|e| e.to_string())?;
        Ok(Db { pool })
    }

    /// Run read queries on a pooled connection, off the async runtime.
    pub async fn read<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> ApiResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let conn = pool.get()?;
            f(&conn)
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Run `f` in one write transaction, taken with the write lock from the start; committed
    /// only when `f` succeeds, so nothing is half-written.
    pub async fn write<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction) -> ApiResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// A connection for synchronous start-up work (seeding).
    pub fn blocking(&self) -> ApiResult<r2d2::PooledConnection<SqliteConnectionManager>> {
        Ok(self.pool.get()?)
    }
}

/// A text column holding a value its enum does not know: the database was written by something
/// else, never by this code.
pub(crate) fn unknown_text(column: usize, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unknown value {value:?}").into(),
    )
}
