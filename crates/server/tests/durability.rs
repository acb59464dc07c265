//! The server process is killed (SIGKILL) in the middle of a stream of redemptions and
//! restarted: every acknowledged redemption is there and the ledger balances.

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

/// SIGKILL: no chance to flush or shut down cleanly.
fn unsafe_kill(child: &mut Child) {
    Command::new("kill").args(["-9", &child.id().to_string()]).status().unwrap();
    let _ = child.wait();
}
