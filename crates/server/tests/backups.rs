//! Durable writes (every commit synced before it is acknowledged) and backups that restore.

mod common;

use std::process::Command;

use common::{post, sign_in, start};
use mitra_server::demo;
use mitra_server::storage::{restore, Db};
use serde_json::json;

const PROGRAM: &str = "nusantara-2026";

fn redemptions(db: &Db) -> Vec<String> {
    let conn = db.blocking().unwrap();
    let mut stmt = conn.prepare("SELECT idempotency_key FROM redemptions ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// Every journal of the ledger balances.
fn ledger_holds(db: &Db) {
    let conn = db.blocking().unwrap();
    assert_eq!(mitra_server::storage::ledger::unbalanced_journals(&conn).unwrap(), 0, "every journal balanced");
}

async fn redeem(s: &common::Server, token: &str, key: &str) {
    let order = json!({ "program": PROGRAM, "lines": [{ "item": "pulsa-50k", "quantity": 1 }] });
    let (status, body) = post(s, token, "/api/partners/sinar-jaya/redemptions", Some(key), &order).await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn every_connection_syncs_each_commit() {
    let s = start().await;
    let conn = s.state.db.blocking().unwrap();
    // 2 is FULL: the WAL is synced before a commit returns.
    let sync: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!((sync, mode.as_str()), (2, "wal"));
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_everything_acknowledged_before_it() {
    let s = start().await;
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    redeem(&s, &partner, "before-backup").await;
    let copy = s.dir.join("backup.db");
    s.state.db.backup(&copy).await.unwrap();
    redeem(&s, &partner, "after-backup").await;
    // A second backup to the same file is refused, the first kept.
    let again = s.state.db.backup(&copy).await.unwrap_err();
    assert_eq!(again.code(), Some("backup_exists"));

    // Restored over another database: what was acknowledged before the backup, nothing after.
    let target = s.dir.join("restored.db");
    let other = Db::open(&target).unwrap();
    assert!(redemptions(&other).is_empty());
    drop(other);
    restore(&copy, &target).unwrap();
    let restored = Db::open(&target).unwrap();
    assert_eq!(redemptions(&restored), ["before-backup"]);
    ledger_holds(&restored);

    // Not a database, or not Mitra's: refused, the target untouched.
    let junk = s.dir.join("junk.db");
    std::fs::write(&junk, "not a database at all, just text that is long enough to be read").unwrap();
    assert!(restore(&junk, &target).unwrap_err().contains("junk.db"));
    let foreign = s.dir.join("foreign.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    assert!(restore(&foreign, &target).unwrap_err().contains("not a Mitra database"));
    assert_eq!(redemptions(&Db::open(&target).unwrap()), ["before-backup"]);
}

#[tokio::test]
async fn the_command_backs_up_and_restores() {
    let s = start().await;
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    redeem(&s, &partner, "cli").await;
    let (db, copy, target) = (s.dir.join("test.db"), s.dir.join("cli-backup.db"), s.dir.join("cli-restored.db"));
    let bin = env!("CARGO_BIN_EXE_mitra-server");
    let out = Command::new(bin).arg("--db").arg(&db).arg("backup").arg(&copy).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new(bin).arg("--db").arg(&target).arg("restore").arg(&copy).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(redemptions(&Db::open(&target).unwrap()), ["cli"]);
    // A backup onto an existing file fails with a message naming it.
    let out = Command::new(bin).arg("--db").arg(&db).arg("backup").arg(&copy).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}
