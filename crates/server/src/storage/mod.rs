//! Storage: an embedded SQLite file (WAL mode), migrated on start.
//!
//! Durability: every connection runs with `synchronous = FULL`, so a commit is on disk (the WAL
//! synced) before the write is acknowledged: a redemption whose voucher code a partner saw
//! survives a power cut. [`Durability::Normal`] (synced at checkpoints only) exists to measure
//! what that costs (`cargo run --release -p mitra-server --example load`). [`Db::backup`] writes
//! a consistent copy of the live database (`VACUUM INTO`); [`restore`] puts one in place.
//!
//! Domain queries are written in portable SQL. What differs between databases, how a balance
//! check and its debit are made race-free, lives in [`Db::write`]: on SQLite a `BEGIN
//! IMMEDIATE` transaction takes the write lock up front, so no two writers interleave between
//! reading a balance and debiting it.

pub mod accounts;
pub mod audit;
pub mod background;
pub mod claims;
pub mod error;
pub mod imports;
pub mod ledger;
pub mod migrations;
pub mod products;
pub mod queries;
pub mod rewards;
mod writer;

use std::path::Path;
use std::time::Duration;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;

pub use error::{Refusal, StoreError, StoreResult};

pub type Pool = r2d2::Pool<SqliteConnectionManager>;

/// A pool of connections to the database file.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    /// The writer every write goes to ([`writer`]): in the order they come, committed together
    /// when several wait. (SQLite's own way, writers polling its lock and sleeping up to 100 ms
    /// a try while holding a pooled connection, let one wait seconds and starved reads.)
    writes: writer::Queue,
    /// Reads that can wait, at a lower priority ([`background`]).
    background: background::Queue,
}

/// When a commit reaches the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// Before the commit returns (`synchronous = FULL`): what the server runs with.
    Full,
    /// At WAL checkpoints (`synchronous = NORMAL`): a power cut can lose the last commits.
    Normal,
}

fn configure(conn: &mut Connection, durability: Durability) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    // Statements are prepared once per connection and kept: a redemption runs about fifteen.
    conn.set_prepared_statement_cache_capacity(64);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let sync = match durability {
        Durability::Full => "FULL",
        Durability::Normal => "NORMAL",
    };
    conn.pragma_update(None, "synchronous", sync)?;
    // Checkpoints run in the background ([`background`]), never inside a commit.
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    Ok(())
}

impl Db {
    /// Open (creating if needed) and migrate the database at `path`, every commit durable.
    pub fn open(path: &Path) -> Result<Db, String> {
        Db::open_with(path, Durability::Full)
    }

    /// [`Db::open`] with another durability (for measuring what durability costs).
    pub fn open_with(path: &Path, durability: Durability) -> Result<Db, String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let mut conn = Connection::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| e.to_string())?;
        configure(&mut conn, durability).map_err(|e| e.to_string())?;
        migrations::migrate(&mut conn).map_err(|e| format!("migration failed: {e}"))?;
        let writes = writer::start(conn).map_err(|e| format!("cannot start the writer: {e}"))?;
        let manager = SqliteConnectionManager::file(path).with_init(move |c| configure(c, durability));
        let pool = r2d2::Pool::builder().max_size(8).build(manager).map_err(|e| e.to_string())?;
        let background =
            background::start(pool.clone()).map_err(|e| format!("cannot start the background thread: {e}"))?;
        Ok(Db { pool, writes, background })
    }

    /// Run read queries on a pooled connection, off the async runtime.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        let (pool, span) = (self.pool.clone(), tracing::Span::current());
        tokio::task::spawn_blocking(move || {
            let _in_request = span.enter();
            let conn = pool.get().map_err(StoreError::from)?;
            f(&conn)
        })
        .await
        .map_err(|e| E::from(StoreError::internal(e)))?
    }

    /// Run read queries that can wait (a whole-program evaluation nobody is waiting for, or only
    /// a designer) on the background thread, at a lower priority than requests ([`background`]).
    pub async fn read_in_background<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        let (pool, span) = (self.pool.clone(), tracing::Span::current());
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job: background::Job = Box::new(move || {
            let _in_request = span.enter();
            let out = pool.get().map_err(|e| E::from(StoreError::from(e))).and_then(|conn| f(&conn));
            let _ = reply.send(out);
        });
        self.background.send(job).map_err(|_| E::from(StoreError::internal("the background thread has stopped")))?;
        answer.await.map_err(|_| E::from(StoreError::internal("a background read failed")))?
    }

    /// Run `f` as one write: all of it is kept, or (when it returns an error) none of it, and the
    /// answer comes once it is committed to disk. The writer may commit it together with other
    /// writes waiting at the same time, each in a savepoint of its own ([`writer`]).
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&rusqlite::Transaction) -> Result<T, E> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = writer::Write { f: Some(f), out: None, reply, span: tracing::Span::current() };
        self.writes.send(Box::new(job)).map_err(|_| E::from(StoreError::internal("the writer has stopped")))?;
        answer.await.map_err(|_| E::from(StoreError::internal("the writer dropped a write")))?
    }

    /// Write a consistent copy of the database to `to` (a new file: an existing one is refused),
    /// while the server keeps serving: `VACUUM INTO` reads one snapshot, so the copy holds
    /// every write committed before it started and none after.
    pub async fn backup(&self, to: &Path) -> StoreResult<()> {
        if to.exists() {
            return Err(StoreError::invalid("backup_exists", format!("{} already exists", to.display())));
        }
        let target = to.to_string_lossy().into_owned();
        self.read(move |c| {
            c.execute("VACUUM INTO ?1", [&target]).map_err(StoreError::from)?;
            Ok(())
        })
        .await
    }

    /// Whether the database answers (for `/api/health`).
    pub async fn healthy(&self) -> StoreResult<()> {
        self.read(|c| {
            c.query_row("SELECT COUNT(*) FROM programs", [], |r| r.get::<_, i64>(0)).map_err(StoreError::from)?;
            Ok(())
        })
        .await
    }

    /// A connection for synchronous start-up work (seeding).
    pub fn blocking(&self) -> StoreResult<r2d2::PooledConnection<SqliteConnectionManager>> {
        Ok(self.pool.get()?)
    }
}

/// Put the backup `from` in place as the database `db` (the server stopped): the backup is
/// checked (a Mitra database, intact), copied beside `db`, then renamed over it, so `db` is
/// either the old database or the whole backup, never half of one. The old write-ahead log,
/// which belongs to the old database, is removed.
pub fn restore(from: &Path, db: &Path) -> Result<(), String> {
    {
        let conn = Connection::open_with_flags(from, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| format!("cannot open {}: {e}", from.display()))?;
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| format!("{} is not a database: {e}", from.display()))?;
        if ok != "ok" {
            return Err(format!("{} is damaged: {ok}", from.display()));
        }
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| e.to_string())?;
        let programs: Result<i64, _> = conn.query_row("SELECT COUNT(*) FROM programs", [], |r| r.get(0));
        if version == 0 || programs.is_err() {
            return Err(format!("{} is not a Mitra database", from.display()));
        }
    }
    let staged = db.with_extension("restoring");
    let _ = std::fs::remove_file(&staged);
    std::fs::copy(from, &staged).map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), staged.display()))?;
    std::fs::File::open(&staged).and_then(|f| f.sync_all()).map_err(|e| e.to_string())?;
    for side in ["wal", "shm"] {
        let path = std::path::PathBuf::from(format!("{}-{side}", db.display()));
        if path.exists() {
            std::fs::remove_file(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
    }
    std::fs::rename(&staged, db).map_err(|e| format!("cannot move the backup into {}: {e}", db.display()))
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
