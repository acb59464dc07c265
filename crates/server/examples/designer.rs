//! What the designer's preview loads: a program of 12 schemes over 10,000 partners with 120
//! generated facts each, in the compact columns of `GET /api/programs/{id}/data`.
//!
//! - bytes on the wire per fact, brotli, gzip and uncompressed (what a browser receives);
//! - the time to fetch the answer on loopback, and to decode it and build the `FactTable` here
//!   (natively; the browser's figure comes from `tests/bench/designer.mjs`).
//!
//! With `--serve`, it keeps serving (with the built app from `MITRA_DIST`, default `dist`) and
//! prints its address, for the headless-Chromium benchmark.
//!
//! Run: `cargo run --release -p mitra-server --example designer` (scripts/bench.sh does).

use std::time::Instant;

use mitra_scheme::synthetic;
use mitra_server::storage::{queries, Db};
use mitra_server::{app, demo, AppState, Config};
use serde_json::{json, Value};

const PARTNERS: usize = 10_000;
const FACTS_EACH: usize = 120;

#[tokio::main]
async fn main() {
    let serve = std::env::args().any(|a| a == "--serve");
    let dir = std::env::temp_dir().join(format!("mitra-designer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = Db::open(&dir.join("designer.db")).unwrap();
    let today = synthetic::as_of();
    let dist = std::env::var_os("MITRA_DIST").map(Into::into).unwrap_or_else(|| "dist".into());
    let state = AppState::new(db, Config { today: Some(today), dist: Some(dist), ..Config::default() });
    demo::seed(&state.db, today).unwrap();

    let program = synthetic::program();
    let partners = synthetic::partners(PARTNERS);
    let facts = synthetic::facts(&partners, FACTS_EACH, 3);
    let stored = facts.iter().filter(|f| f.date().is_none_or(|d| d <= today)).count();
    {
        let mut conn = state.db.blocking().unwrap();
        let tx = conn.transaction().unwrap();
        queries::publish_program(&tx, &program, "now", mitra_api::SINCE_ALWAYS).unwrap();
        for p in &partners {
            queries::insert_partner(&tx, p).unwrap();
            queries::enrol(&tx, &program.id, &p.id).unwrap();
        }
        for f in facts.iter().filter(|f| f.date().is_none_or(|d| d <= today)) {
            queries::insert_fact(&tx, f).unwrap();
        }
        tx.commit().unwrap();
    }
    println!("program {}: {} schemes, {PARTNERS} partners, {stored} facts", program.id, program.schemes.len());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = app(state.clone());
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap()
    });
    let client = reqwest::Client::new();
    let session: Value = client
        .post(format!("{base}/api/sessions"))
        .json(&json!({ "email": demo::DESIGNER, "password": demo::PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().unwrap().to_string();
    let url = format!("{base}/api/programs/{}/data", program.id);

    let mut plain = Vec::new();
    for encoding in ["br", "gzip", "identity"] {
        let t = Instant::now();
        let resp = client.get(&url).bearer_auth(&token).header("Accept-Encoding", encoding).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let sent = resp.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_string());
        let body = resp.bytes().await.unwrap();
        println!(
            "data, {encoding:>8}: {:>10} bytes, {:.2} bytes a fact, fetched in {:.0?} (content-encoding {})",
            body.len(),
            body.len() as f64 / stored as f64,
            t.elapsed(),
            sent.as_deref().unwrap_or("none"),
        );
        if encoding == "identity" {
            plain = body.to_vec();
        }
    }
    let t = Instant::now();
    let data: mitra_api::ProgramData = serde_json::from_slice(&plain).unwrap();
    let decoded = data.facts.decode(&data.partners).unwrap();
    let table: mitra_scheme::FactTable = decoded.iter().collect();
    println!("decoded {} facts and built the FactTable natively in {:.0?}", table.len(), t.elapsed());
    let t = Instant::now();
    let run = mitra_scheme::population(&program, &data.partners, &table, today);
    println!("population run natively: {:.0?} ({} schemes)", t.elapsed(), run.schemes.len());

    if serve {
        println!("serving at {base} (program {})", program.id);
        std::future::pending::<()>().await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}
