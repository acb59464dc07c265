//! The server process is killed (SIGKILL) in the middle of a stream of writes and restarted:
//! every acknowledged redemption, claim and import is there, whole, and the ledger balances; a
//! backup taken while the writes ran is a consistent database of its own.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn spawn(db: &std::path::Path, port: u16) -> Killed {
    let child = Command::new(env!("CARGO_BIN_EXE_mitra-server"))
        .args(["--db", db.to_str().unwrap(), "--addr", &format!("127.0.0.1:{port}"), "--today", "2026-11-15", "--demo"])
        .env("MITRA_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/api/me");
    for _ in 0..200 {
        if reqwest::get(&url).await.is_ok() {
            return Killed(child);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut child = child;
    let _ = child.kill();
    let _ = child.wait();
    panic!("server did not start");
}

async fn get_json(base: &str, token: &str, path: &str) -> Value {
    reqwest::Client::new().get(format!("{base}{path}")).bearer_auth(token).send().await.unwrap().json().await.unwrap()
}

async fn sign_in(base: &str, email: &str) -> String {
    let r: Value = reqwest::Client::new()
        .post(format!("{base}/api/sessions"))
        .json(&json!({ "email": email, "password": "mitra-demo" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn acknowledged_redemptions_survive_a_kill() {
    let dir = std::env::temp_dir().join(format!("mitra-kill-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("kill.db");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = spawn(&db, port).await;
    let token = sign_in(&base, "owner@sinar-jaya.demo").await;
    // Top the balance up so that the stream is still running when the server dies.
    let designer = sign_in(&base, "designer@nusantara.demo").await;
    let resp = reqwest::Client::new()
        .post(format!("{base}/api/partners/sinar-jaya/adjustments"))
        .bearer_auth(&designer)
        .json(&json!({ "program": "nusantara-2026", "points": 9_880_000, "reason": "durability test" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);

    // A stream of redemptions from four clients; the server dies while they run.
    let mut acked = Vec::new();
    let mut tasks = Vec::new();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for client in 0..4 {
        let (base, token, done) = (base.clone(), token.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            let mut ok = Vec::new();
            for i in 0..400 {
                let resp = reqwest::Client::new()
                    .post(format!("{base}/api/partners/sinar-jaya/redemptions"))
                    .bearer_auth(&token)
                    .header("idempotency-key", format!("kill-{client}-{i}"))
                    .json(&json!({ "program": "nusantara-2026", "lines": [{ "item": "school-paint", "quantity": 1 }] }))
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await;
                match resp {
                    Ok(r) if r.status() == 201 => {
                        ok.push(r.json::<Value>().await.map(|v| v["id"].as_i64().unwrap()).ok());
                        done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                    Ok(_) => {}
                    Err(_) => break, // the server is gone
                }
            }
            ok
        }));
    }
    while done.load(std::sync::atomic::Ordering::SeqCst) < 40 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let mut child = server;
    unsafe_kill(&mut child.0);
    for t in tasks {
        acked.extend(t.await.unwrap().into_iter().flatten());
    }
    // 10,000,000 poin cover 400 redemptions: the kill came in the middle of the stream.
    assert!(!acked.is_empty() && acked.len() < 400, "{} redemptions were acknowledged", acked.len());

    let _again = spawn(&db, port).await;
    let token = sign_in(&base, "owner@sinar-jaya.demo").await;
    let history = get_json(&base, &token, "/api/partners/sinar-jaya/redemptions?program=nusantara-2026").await;
    let stored: std::collections::HashSet<i64> =
        history.as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    for id in &acked {
        assert!(stored.contains(id), "acknowledged redemption #{id} was lost");
    }
    // The balance is 10,000,000 less 25,000 per stored redemption; journals balance.
    let ledger = get_json(&base, &token, "/api/partners/sinar-jaya/ledger?program=nusantara-2026").await;
    let points: i64 = ledger["points"].as_str().unwrap().parse().unwrap();
    assert_eq!(points, 10_000_000 - 25_000 * stored.len() as i64);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let unbalanced: i64 = mitra_server::storage::ledger::unbalanced_journals(&conn).unwrap();
    assert_eq!(unbalanced, 0);
    drop(conn);
    std::fs::remove_dir_all(&dir).ok();
}

fn sale_claim(invoice: &str) -> Value {
    json!({ "kind": "sale", "program": "nusantara-2026", "invoice": invoice, "date": "2026-11-14",
            "lines": [{ "sku": "WS-20L", "category": "exterior", "units": "2", "value": "2500000", "serials": [] }] })
}

/// Twenty rows of one import: one invoice of depo-medan per batch, a line per row.
fn import_batch(batch: usize) -> String {
    let mut csv = String::from("partner,invoice,line,date,sku,category,units,value\n");
    for line in 1..=20 {
        csv.push_str(&format!("depo-medan,KILL-{batch},{line},2026-11-14,EM-5L,interior,1,180000\n"));
    }
    csv
}

/// Rows of each `KILL-` import in a database, by invoice.
fn imported_rows(db: &std::path::Path) -> std::collections::BTreeMap<String, i64> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt =
        conn.prepare("SELECT invoice, COUNT(*) FROM sale_lines WHERE invoice LIKE 'KILL-%' GROUP BY invoice").unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[tokio::test]
async fn acknowledged_claims_and_imports_survive_a_kill_and_a_backup_taken_meanwhile_is_whole() {
    let dir = std::env::temp_dir().join(format!("mitra-kill-mixed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (db, copy) = (dir.join("kill.db"), dir.join("meanwhile.db"));
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = spawn(&db, port).await;
    let partner = sign_in(&base, "owner@sinar-jaya.demo").await;
    let designer = sign_in(&base, "designer@nusantara.demo").await;

    let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    // Claims by the partner, imports by the designer, at the same time.
    let claims = {
        let (base, token, done) = (base.clone(), partner.clone(), done.clone());
        tokio::spawn(async move {
            let mut acked = Vec::new();
            for i in 0..2_000 {
                let resp = reqwest::Client::new()
                    .post(format!("{base}/api/partners/sinar-jaya/claims"))
                    .bearer_auth(&token)
                    .json(&sale_claim(&format!("SJ-KILL-{i}")))
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await;
                match resp {
                    Ok(r) if r.status() == 201 => {
                        acked.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
                        done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                    Ok(r) => panic!("claim {i} refused: {}", r.status()),
                    Err(_) => break,
                }
            }
            acked
        })
    };
    let imports = {
        let (base, token, done) = (base.clone(), designer.clone(), done.clone());
        tokio::spawn(async move {
            let mut acked = Vec::new();
            for batch in 0..2_000 {
                let resp = reqwest::Client::new()
                    .post(format!("{base}/api/programs/nusantara-2026/imports/sales"))
                    .bearer_auth(&token)
                    .header("content-type", "text/csv")
                    .body(import_batch(batch))
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await;
                match resp {
                    Ok(r) if r.status() == 200 => {
                        acked.push(format!("KILL-{batch}"));
                        done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                    Ok(r) => panic!("import {batch} refused: {}", r.status()),
                    Err(_) => break,
                }
            }
            acked
        })
    };
    // A backup while both run, through the command an operator uses.
    while done.load(std::sync::atomic::Ordering::SeqCst) < 20 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_mitra-server"))
        .arg("--db")
        .arg(&db)
        .arg("backup")
        .arg(&copy)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    while done.load(std::sync::atomic::Ordering::SeqCst) < 60 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let mut child = server;
    unsafe_kill(&mut child.0);
    let (claimed, imported) = (claims.await.unwrap(), imports.await.unwrap());
    assert!(!claimed.is_empty() && claimed.len() < 2_000, "{} claims acknowledged", claimed.len());
    assert!(!imported.is_empty() && imported.len() < 2_000, "{} imports acknowledged", imported.len());

    let _again = spawn(&db, port).await;
    // Every acknowledged claim is there.
    let partner = sign_in(&base, "owner@sinar-jaya.demo").await;
    let listed = get_json(&base, &partner, "/api/partners/sinar-jaya/claims?program=nusantara-2026").await;
    let stored: std::collections::HashSet<i64> =
        listed.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    for id in &claimed {
        assert!(stored.contains(id), "acknowledged claim #{id} was lost");
    }
    // Every acknowledged import is there with all its rows; none is there in part.
    let rows = imported_rows(&db);
    for invoice in &imported {
        assert_eq!(rows.get(invoice), Some(&20), "acknowledged import {invoice}");
    }
    assert!(rows.values().all(|&n| n == 20), "an import half-written: {rows:?}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    assert_eq!(mitra_server::storage::ledger::unbalanced_journals(&conn).unwrap(), 0);
    drop(conn);

    // The backup taken meanwhile: sound, balanced, every import in it whole, and no later than
    // what survived the kill.
    let backup = rusqlite::Connection::open(&copy).unwrap();
    let check: String = backup.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    assert_eq!(mitra_server::storage::ledger::unbalanced_journals(&backup).unwrap(), 0);
    let claims_then: i64 =
        backup.query_row("SELECT COUNT(*) FROM claims WHERE invoice LIKE 'SJ-KILL-%'", [], |r| r.get(0)).unwrap();
    drop(backup);
    let in_backup = imported_rows(&copy);
    assert!(in_backup.values().all(|&n| n == 20), "an import half-written in the backup: {in_backup:?}");
    assert!(in_backup.keys().all(|k| rows.contains_key(k)), "the backup holds an import the database lost");
    assert!(claims_then as usize <= stored.len());
    std::fs::remove_dir_all(&dir).ok();
}

/// SIGKILL: no chance to flush or shut down cleanly.
fn unsafe_kill(child: &mut Child) {
    Command::new("kill").args(["-9", &child.id().to_string()]).status().unwrap();
    let _ = child.wait();
}
