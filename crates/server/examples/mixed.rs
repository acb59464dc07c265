//! Mixed load, the way a program runs on a busy day: the demo program grown to 10,000 partners,
//! served by `mitra-server` in a process of its own (the load generator is this process), and
//! for 60 s at once:
//!
//! - statement and dashboard reads at the highest rate the machine sustains (found first: the
//!   knee, the highest rate served at ≥ 95 % with p99 ≤ 20 ms);
//! - redemptions from 32 clients, each sending one every 100 ms (320 a second, above the 300/s
//!   the ledger must sustain), timed from when each was due, so a late send counts as waiting;
//!   `MIXED_REDEEM_EVERY_MS=0` sends them back to back instead (the most the mix sustains, where
//!   a redemption's latency is only 32 divided by the rate);
//! - a claim approved every second;
//! - a 1,000-row sales import every 10 s;
//! - one close of the program's periods, at 30 s.
//!
//! Reported: p50, p99 and max per endpoint; the read rate and redemptions per second; the
//! longest any read or redemption took while a close or an import ran; then the ledger's
//! invariants on the database the server wrote. `MIXED_READ_RATE=n` runs the mix with reads at
//! `n` a second instead of the knee; `MIXED_TRACE=1` also lists every request slower than 60 ms
//! with when it started, and when the close and the imports ran. Run by `scripts/bench.sh`:
//! `cargo build --release -p mitra-server && cargo run --release -p mitra-server --example mixed`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mitra_server::demo;
use mitra_server::storage::Db;
use serde_json::{json, Value};

#[path = "support/mod.rs"]
mod support;

use support::{PARTNERS, PROGRAM};

const RUN: Duration = Duration::from_secs(60);
/// How often each redemption client sends one, by default.
const REDEEM_EVERY_MS: u64 = 100;
const CLAIMS: usize = 70;
/// Answers larger than this are parsed off the generator's runtime (see [`Api::post`]).
const LARGE_ANSWER: usize = 256 * 1024;

/// One finished request: what it was, when it started (since the run began) and how long it took.
type Sample = (&'static str, Duration, Duration);

#[derive(Clone)]
struct Api {
    client: reqwest::Client,
    base: String,
}

impl Api {
    async fn sign_in(&self, email: &str) -> String {
        support::sign_in(&self.client, &self.base, email).await
    }

    /// The answer's status, or 0 when the request failed on the way.
    async fn get(&self, token: &str, path: &str) -> u16 {
        let Ok(r) = self.client.get(format!("{}{path}", self.base)).bearer_auth(token).send().await else { return 0 };
        let status = r.status().as_u16();
        if r.bytes().await.is_err() {
            return 0;
        }
        status
    }

    async fn post(
        &self,
        token: &str,
        path: &str,
        key: Option<String>,
        body: reqwest::Body,
        json: bool,
    ) -> (u16, Value) {
        let mut req = self.client.post(format!("{}{path}", self.base)).bearer_auth(token).body(body);
        req = req.header("content-type", if json { "application/json" } else { "text/csv" });
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        let Ok(r) = req.send().await else { return (0, Value::Null) };
        let status = r.status().as_u16();
        let Ok(bytes) = r.bytes().await else { return (status, Value::Null) };
        let large = bytes.len() > LARGE_ANSWER;
        let parse = move || serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        // A close's report (every posting, megabytes) takes this process's thread a good part of a
        // second to parse: done there, it would stall the clients scheduled on the same thread and
        // count as the server's latency.
        let value = if large { tokio::task::spawn_blocking(parse).await.unwrap_or(Value::Null) } else { parse() };
        (status, value)
    }
}

/// The server binary built beside this example (`target/release/mitra-server`).
fn server_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(|d| d.parent()).unwrap().join("mitra-server")
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn partner(i: usize) -> String {
    format!("partner-{:05}", i % PARTNERS)
}

/// Most reads in flight at once: the generator is bounded (and so is its number of sockets); a
/// read that must wait for a slot is late, and its lateness counts in its latency.
const IN_FLIGHT: usize = 256;

/// Reads at `rate` a second for `length`, half statements, half dashboards, open loop: each
/// read's latency runs from the moment it was due. Failed reads are counted apart.
async fn reads(api: &Api, token: &str, rate: u32, length: Duration, started: Instant) -> (Vec<Sample>, usize) {
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let slots = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let end = Instant::now() + length;
    let mut tasks = Vec::new();
    let mut i = 0usize;
    while Instant::now() < end {
        let due = tick.tick().await.into_std();
        let slot = slots.clone().acquire_owned().await.unwrap();
        let (api, token) = (api.clone(), token.to_string());
        i += 1;
        tasks.push(tokio::spawn(async move {
            let (what, path) = if i.is_multiple_of(2) {
                ("statement", format!("/api/partners/{}/statement?program={PROGRAM}", partner(i * 7919)))
            } else {
                ("dashboard", format!("/api/partners/{}/dashboard?program={PROGRAM}", partner(i * 104_729)))
            };
            let ok = api.get(&token, &path).await == 200;
            drop(slot);
            ok.then(|| (what, due - started, due.elapsed()))
        }));
    }
    let (mut out, mut failed) = (Vec::new(), 0);
    for t in tasks {
        match t.await.unwrap() {
            Some(s) => out.push(s),
            None => failed += 1,
        }
    }
    (out, failed)
}

fn percentile(mut xs: Vec<Duration>, p: f64) -> Duration {
    xs.sort();
    xs.get(((xs.len() as f64 * p) as usize).min(xs.len().saturating_sub(1))).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("mitra-mixed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mixed.db");
    let today = "2026-11-15".parse().unwrap();
    support::grow(&Db::open(&path).unwrap(), today, PARTNERS);

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let _server = Server(
        std::process::Command::new(server_binary())
            .args(["--db", &path.to_string_lossy(), "--addr", &format!("127.0.0.1:{port}")])
            .env("MITRA_TODAY", "2026-11-15")
            .env("MITRA_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("build the server first: cargo build --release -p mitra-server"),
    );
    let api = Api { client: reqwest::Client::new(), base: format!("http://127.0.0.1:{port}") };
    for _ in 0..200 {
        if api.client.get(format!("{}/api/health", api.base)).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let designer = api.sign_in(demo::DESIGNER).await;

    // Claims waiting for approval, made by the demo's partners.
    let mut pending = Vec::new();
    let owners = ["sinar-jaya", "bangun-warna", "depo-medan", "bali-paint", "makassar-jaya"];
    for (k, owner) in owners.iter().enumerate() {
        let token = api.sign_in(&demo::owner_email(owner)).await;
        for i in 0..CLAIMS / owners.len() {
            let claim = json!({ "kind": "sale", "program": PROGRAM, "invoice": format!("MIX-C-{k}-{i}"), "date": "2026-11-14",
                "lines": [{ "sku": "WS-20L", "category": "exterior", "units": "2", "value": "2500000", "serials": [] }] });
            let (status, c) =
                api.post(&token, &format!("/api/partners/{owner}/claims"), None, claim.to_string().into(), true).await;
            assert_eq!(status, 201, "{c}");
            pending.push(c["id"].as_i64().unwrap());
        }
    }
    let t = Instant::now();
    assert_eq!(api.get(&designer, &format!("/api/partners/{}/statement?program={PROGRAM}", partner(0))).await, 200);
    println!("warm: the program evaluated in {:.1?}", t.elapsed());

    // The knee: the highest read rate served at ≥ 95 % with p99 ≤ 20 ms.
    let mut knee = 0;
    for rate in [250u32, 500, 1000, 1500, 2000, 3000] {
        let t = Instant::now();
        let (samples, failed) = reads(&api, &designer, rate, Duration::from_secs(4), t).await;
        let achieved = samples.len() as f64 / t.elapsed().as_secs_f64();
        let p99 = percentile(samples.iter().map(|s| s.2).collect(), 0.99);
        println!("knee: {rate}/s asked, {achieved:.0}/s served, p99 {}", ms(p99));
        if failed > 0 || achieved < rate as f64 * 0.95 || p99 > Duration::from_millis(20) {
            break;
        }
        knee = rate;
    }
    // `MIXED_READ_RATE` runs the mix at another read rate (to see what the mix itself sustains).
    let rate = std::env::var("MIXED_READ_RATE").ok().and_then(|r| r.parse().ok()).unwrap_or(knee.max(250));
    let every = Duration::from_millis(
        std::env::var("MIXED_REDEEM_EVERY_MS").ok().and_then(|r| r.parse().ok()).unwrap_or(REDEEM_EVERY_MS),
    );
    let pace = if every.is_zero() { "back to back".to_string() } else { format!("each every {every:?}") };
    println!("mixed run: reads at {rate}/s, 32 redemption clients {pace}, a claim approved a second, 1,000 rows imported every 10 s, a close at 30 s");

    let started = Instant::now();
    let samples: Arc<Mutex<Vec<Sample>>> = Arc::default();
    let busy: Arc<Mutex<Vec<(Duration, Duration)>>> = Arc::default();
    let mut jobs = Vec::new();
    for c in 0..32 {
        let (api, token, samples) = (api.clone(), designer.clone(), samples.clone());
        jobs.push(tokio::spawn(async move {
            let mut i = 0usize;
            // The clients start spread over one period, not all at once.
            let first = started + every * c as u32 / 32;
            while started.elapsed() < RUN {
                let order = json!({ "program": PROGRAM, "lines": [{ "item": "school-paint", "quantity": 1 }] });
                let due = first + every * i as u32;
                tokio::time::sleep_until(due.into()).await;
                let t = if every.is_zero() { Instant::now() } else { due };
                let (status, body) = api
                    .post(
                        &token,
                        &format!("/api/partners/{}/redemptions", partner(c * 313 + i * 31)),
                        Some(format!("mix-{c}-{i}")),
                        order.to_string().into(),
                        true,
                    )
                    .await;
                let what = if status == 201 { "redemption" } else { "redemption failed" };
                if status != 201 && i < 3 {
                    println!("redemption refused: {status} {body}");
                }
                samples.lock().unwrap().push((what, t - started, t.elapsed()));
                i += 1;
            }
        }));
    }
    {
        let (api, token, samples) = (api.clone(), designer.clone(), samples.clone());
        jobs.push(tokio::spawn(async move {
            for id in pending {
                if started.elapsed() >= RUN {
                    break;
                }
                let t = Instant::now();
                let (status, body) =
                    api.post(&token, &format!("/api/claims/{id}/approve"), None, "{}".into(), true).await;
                assert_eq!(status, 200, "{body}");
                samples.lock().unwrap().push(("approval", t - started, t.elapsed()));
                tokio::time::sleep(Duration::from_secs(1).saturating_sub(t.elapsed())).await;
            }
        }));
    }
    {
        let (api, token, samples, busy) = (api.clone(), designer.clone(), samples.clone(), busy.clone());
        jobs.push(tokio::spawn(async move {
            for batch in 0.. {
                if started.elapsed() >= RUN {
                    break;
                }
                let mut csv = String::from("partner,invoice,line,date,sku,category,units,value\n");
                for i in 0..1000 {
                    csv.push_str(&format!(
                        "{},MIX-I-{batch}-{i},1,2026-11-10,SKU-1,paint,1,150000\n",
                        partner(batch * 1000 + i * 7)
                    ));
                }
                let t = Instant::now();
                let (status, body) =
                    api.post(&token, &format!("/api/programs/{PROGRAM}/imports/sales"), None, csv.into(), false).await;
                assert_eq!(status, 200, "{body}");
                samples.lock().unwrap().push(("import", t - started, t.elapsed()));
                busy.lock().unwrap().push((t - started, started.elapsed()));
                tokio::time::sleep(Duration::from_secs(10).saturating_sub(t.elapsed())).await;
            }
        }));
    }
    {
        let (api, token, samples, busy) = (api.clone(), designer.clone(), samples.clone(), busy.clone());
        jobs.push(tokio::spawn(async move {
            tokio::time::sleep(RUN / 2).await;
            let t = Instant::now();
            let (status, body) =
                api.post(&token, &format!("/api/programs/{PROGRAM}/close"), None, "{}".into(), true).await;
            assert_eq!(status, 200, "{body}");
            samples.lock().unwrap().push(("close", t - started, t.elapsed()));
            busy.lock().unwrap().push((t - started, started.elapsed()));
            println!("close: {} journals posted in {:.1?}", body["posted"], t.elapsed());
        }));
    }
    let (read, failed) = reads(&api, &designer, rate, RUN, started).await;
    for j in jobs {
        j.await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    let mut all = samples.lock().unwrap().clone();
    all.extend(read.iter().copied());

    println!("{:<11} {:>8} {:>10} {:>10} {:>10}", "endpoint", "requests", "p50", "p99", "max");
    for what in ["statement", "dashboard", "redemption", "redemption failed", "approval", "import", "close"] {
        let lat: Vec<Duration> = all.iter().filter(|s| s.0 == what).map(|s| s.2).collect();
        let max = lat.iter().max().copied().unwrap_or_default();
        println!(
            "{what:<11} {:>8} {:>10} {:>10} {:>10}",
            lat.len(),
            ms(percentile(lat.clone(), 0.5)),
            ms(percentile(lat, 0.99)),
            ms(max)
        );
    }
    let reads_done = all.iter().filter(|s| s.0 == "statement" || s.0 == "dashboard").count();
    let redeemed = all.iter().filter(|s| s.0 == "redemption").count();
    println!(
        "reads: {:.0}/s ({failed} failed); redemptions: {:.0}/s",
        reads_done as f64 / secs,
        redeemed as f64 / secs
    );
    // The longest a read or redemption took that ran while a close or an import did.
    let windows = busy.lock().unwrap().clone();
    let overlapping = all
        .iter()
        .filter(|s| matches!(s.0, "statement" | "dashboard" | "redemption"))
        .filter(|s| windows.iter().any(|(a, b)| s.1 < *b && s.1 + s.2 > *a))
        .map(|s| s.2)
        .max()
        .unwrap_or_default();
    println!("longest read or redemption during a close or an import: {}", ms(overlapping));
    // Which requests were slow and when, beside when the close and the imports ran: to trace a
    // stall to what ran at that moment.
    if std::env::var_os("MIXED_TRACE").is_some() {
        let mut slow: Vec<Sample> = all.iter().copied().filter(|s| s.2 > Duration::from_millis(60)).collect();
        slow.sort_by_key(|s| s.1);
        for (what, at, took) in slow {
            println!("slow: {what} at {:.3}s took {}", at.as_secs_f64(), ms(took));
        }
        for (a, b) in &windows {
            println!("close or import: {:.3}s to {:.3}s", a.as_secs_f64(), b.as_secs_f64());
        }
    }

    drop(_server);
    let db = Db::open(&path).unwrap();
    let conn = db.blocking().unwrap();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let negative = one("SELECT COUNT(*) FROM (SELECT account FROM entries WHERE account LIKE 'partner:%' GROUP BY account HAVING SUM(amount) < 0)");
    let unbalanced = mitra_server::storage::ledger::unbalanced_journals(&conn).unwrap();
    let repeated = one(
        "SELECT COUNT(*) FROM (SELECT 1 FROM redemptions GROUP BY partner_id, idempotency_key HAVING COUNT(*) > 1)",
    );
    let redeemed_total = one("SELECT COALESCE(SUM(total), 0) FROM redemptions WHERE status = 'completed'");
    let debited = -one("SELECT COALESCE(SUM(e.amount), 0) FROM entries e JOIN journal j ON j.id = e.journal_id
         WHERE j.kind = 'redemption' AND e.account LIKE 'partner:%:points'");
    println!(
        "invariants: negative balances {negative}, unbalanced journals {unbalanced}, idempotency keys used twice {repeated}, redeemed {redeemed_total} = debited {debited}"
    );
    assert!(negative == 0 && unbalanced == 0 && repeated == 0 && redeemed_total == debited);
    drop(conn);
    std::fs::remove_dir_all(&dir).ok();
}
