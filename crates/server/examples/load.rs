//! Load benchmark: the demo program scaled to 10,000 partners (120 generated facts each),
//! served on loopback, driven from the same machine.
//!
//! - the statement endpoint at a steady 200 requests/s for 10 s: latency percentiles;
//! - redemptions from 32 concurrent clients for 5 s: how many per second, then the invariants
//!   (no negative balance, debits equal the change in balances, every journal balanced); once
//!   with every commit synced before it is acknowledged (`synchronous = FULL`, what the server
//!   runs with), once synced at checkpoints only (`NORMAL`), to show what durability costs.
//!
//! Run: `cargo run --release -p mitra-server --example load` (scripts/bench.sh does).

use std::sync::Arc;
use std::time::{Duration, Instant};

use mitra_server::storage::{Db, Durability};
use mitra_server::{app, demo, AppState, Config};
use serde_json::{json, Value};

#[path = "support/mod.rs"]
mod support;

use support::{PARTNERS, PROGRAM};

/// A database of the demo program grown to [`PARTNERS`] partners with 120 facts each, opened with
/// `durability`, and its server on loopback: the state and the server's address.
async fn seeded(dir: &std::path::Path, durability: Durability) -> (AppState, String) {
    let today = "2026-11-15".parse().unwrap();
    let db = Db::open_with(&dir.join(format!("load-{durability:?}.db")), durability).unwrap();
    let state = AppState::new(db, Config { today: Some(today), ..Config::default() });
    support::grow(&state.db, today, PARTNERS);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = app(state.clone());
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap()
    });
    (state, base)
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("mitra-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (state, base) = seeded(&dir, Durability::Full).await;
    let client = reqwest::Client::new();
    let token = Arc::new(support::sign_in(&client, &base, demo::DESIGNER).await);

    let t = Instant::now();
    let warm = client
        .get(format!("{base}/api/partners/partner-00000/statement?program={PROGRAM}"))
        .bearer_auth(token.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(warm.status(), 200);
    println!("first statement (loads and evaluates the whole population): {:.1?}", t.elapsed());

    // Statement endpoint: open loop, 200 requests/s for 10 s.
    let mut tasks = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_millis(5));
    for i in 0..2000 {
        tick.tick().await;
        let (client, base, token) = (client.clone(), base.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let r = client
                .get(format!("{base}/api/partners/partner-{:05}/statement?program={PROGRAM}", (i * 7919) % PARTNERS))
                .bearer_auth(token.as_str())
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            r.bytes().await.unwrap();
            t.elapsed()
        }));
    }
    let mut lat: Vec<Duration> = Vec::new();
    for t in tasks {
        lat.push(t.await.unwrap());
    }
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    println!(
        "statement endpoint at 200 req/s: p50 {:.2?}, p99 {:.2?}, max {:.2?} ({} requests)",
        pct(0.50),
        pct(0.99),
        lat[lat.len() - 1],
        lat.len()
    );

    redemptions(&state, &client, &base, &token, "FULL", "full").await;
    // The same, on a database of its own whose connections sync at checkpoints only.
    let (normal, base) = seeded(&dir, Durability::Normal).await;
    let token = Arc::new(support::sign_in(&client, &base, demo::DESIGNER).await);
    redemptions(&normal, &client, &base, &token, "NORMAL", "normal").await;
    std::fs::remove_dir_all(&dir).ok();
}

/// Redemptions from 32 clients for 5 s, each 5,000 points of a donation item; then the ledger's
/// invariants.
async fn redemptions(
    state: &AppState,
    client: &reqwest::Client,
    base: &str,
    token: &Arc<String>,
    sync: &str,
    keys: &str,
) {
    // Redemptions: 32 clients for 5 s, each redemption 5,000 points of a donation item.
    let before: i64 = total_balance(state);
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut tasks = Vec::new();
    for c in 0..32 {
        let (client, base, token, keys) = (client.clone(), base.to_string(), token.clone(), keys.to_string());
        tasks.push(tokio::spawn(async move {
            let (mut ok, mut debited, mut i) = (0u64, 0i64, 0u64);
            while Instant::now() < deadline {
                let partner = format!("partner-{:05}", (c * 313 + i * 31) % PARTNERS as u64);
                let r = client
                    .post(format!("{base}/api/partners/{partner}/redemptions"))
                    .bearer_auth(token.as_str())
                    .header("idempotency-key", format!("load-{keys}-{c}-{i}"))
                    .json(&json!({ "program": PROGRAM, "lines": [{ "item": "school-paint", "quantity": 1 }] }))
                    .send()
                    .await
                    .unwrap();
                if r.status() == 201 {
                    ok += 1;
                    debited += r.json::<Value>().await.unwrap()["total"].as_i64().unwrap();
                }
                i += 1;
            }
            (ok, debited)
        }));
    }
    let t = Instant::now();
    let (mut ok, mut debited) = (0, 0);
    for task in tasks {
        let (o, d) = task.await.unwrap();
        ok += o;
        debited += d;
    }
    let secs = t.elapsed().as_secs_f64();
    let after = total_balance(state);
    let conn = state.db.blocking().unwrap();
    let negative: i64 = conn
        .query_row("SELECT COUNT(*) FROM (SELECT account FROM entries WHERE account LIKE 'partner:%:points' GROUP BY account HAVING SUM(amount) < 0)", [], |r| r.get(0))
        .unwrap();
    let unbalanced: i64 = mitra_server::storage::ledger::unbalanced_journals(&conn).unwrap();
    println!("redemptions, synchronous = {sync}: {ok} in {secs:.1} s = {:.0}/s", ok as f64 / secs);
    println!(
        "invariants: negative balances {negative}, unbalanced journals {unbalanced}, debits {debited} = balance change {}",
        before - after
    );
    assert!(negative == 0 && unbalanced == 0 && debited == before - after);
}

fn total_balance(state: &AppState) -> i64 {
    let conn = state.db.blocking().unwrap();
    conn.query_row("SELECT SUM(amount) FROM entries WHERE account LIKE 'partner:%:points'", [], |r| r.get(0)).unwrap()
}
