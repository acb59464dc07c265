//! What an attacker can measure from outside, measured: the demo server on loopback, driven from
//! the same process.
//!
//! - sign-in time for known emails with a wrong password and for unknown emails, interleaved
//!   (60 of each): the medians must be within 30 % of each other, so timing does not tell who
//!   has an account;
//! - 200 concurrent `POST /api/password` with made-up tokens: the peak resident memory of the
//!   process (VmHWM) before and after, which must stay under 300 MiB, and how many password
//!   hashes they caused (none: the token is checked first).
//!
//! Run: `cargo run --release -p mitra-server --example probe` (scripts/bench.sh does).

use std::time::{Duration, Instant};

use mitra_server::{app, demo, AppState, Config};
use serde_json::json;

/// Peak resident memory of this process so far, in MiB (Linux).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("mitra-probe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = mitra_server::storage::Db::open(&dir.join("probe.db")).unwrap();
    let today = "2026-11-15".parse().unwrap();
    let mut config = Config { today: Some(today), ..Config::default() };
    // Timing is measured here, not rate limiting: let every attempt through.
    config.limits.pair_failures = i64::MAX;
    config.limits.account_failures = i64::MAX;
    let state = AppState::new(db, config);
    demo::seed(&state.db, today).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let router = app(state.clone());
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap()
    });
    let client = reqwest::Client::new();

    let sign_in = |email: String| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let t = Instant::now();
            let resp = client
                .post(format!("{url}/api/sessions"))
                .json(&json!({ "email": email, "password": "not the password" }))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 401);
            t.elapsed()
        }
    };
    // Warm up (the dummy hash is made on first use).
    sign_in("nobody@example.com".into()).await;
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for i in 0..60 {
        known.push(sign_in(demo::owner_email(["sinar-jaya", "bangun-warna", "depo-medan"][i % 3])).await);
        unknown.push(sign_in(format!("nobody-{i}@example.com")).await);
    }
    let (k, u) = (median(known), median(unknown));
    let ratio = u.as_secs_f64() / k.as_secs_f64();
    println!("sign-in, wrong password: known email median {k:.1?}, unknown email median {u:.1?} (ratio {ratio:.2})");

    let before = peak_rss_mib();
    let hashes = state.hashes.load(std::sync::atomic::Ordering::SeqCst);
    let t = Instant::now();
    let flood: Vec<_> = (0..200)
        .map(|i| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                let body = json!({ "token": format!("{i:064x}"), "password": "a long enough new password" });
                client.post(format!("{url}/api/password")).json(&body).send().await.unwrap().status().as_u16()
            })
        })
        .collect();
    let mut refused = 0;
    for f in flood {
        refused += usize::from(f.await.unwrap() == 400);
    }
    let hashed = state.hashes.load(std::sync::atomic::Ordering::SeqCst) - hashes;
    println!(
        "200 concurrent password requests with made-up tokens: {refused} refused in {:.1?}, {hashed} hashes, \
         peak RSS {before:.0} MiB before, {:.0} MiB after",
        t.elapsed(),
        peak_rss_mib()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
