//! What operators see: a request id on every answer, a health check that asks the database,
//! and a log line per request (JSON when asked) carrying that id, its status and latency.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::start;
use serde_json::Value;

#[tokio::test]
async fn every_answer_carries_a_request_id_and_health_asks_the_database() {
    let s = start().await;
    let client = reqwest::Client::new();
    let resp = client.get(format!("{}/api/health", s.url)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let id = resp.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    assert_eq!(resp.json::<Value>().await.unwrap(), serde_json::json!({ "status": "ok", "database": "ok" }));
    // Errors carry one too; a client's own id is kept.
    let resp =
        client.get(format!("{}/api/no-such-thing", s.url)).header("x-request-id", "client-7").send().await.unwrap();
    assert_eq!((resp.status().as_u16(), resp.headers()["x-request-id"].to_str().unwrap()), (404, "client-7"));
    // Two requests, two ids.
    let other = client.get(format!("{}/api/health", s.url)).send().await.unwrap();
    assert_ne!(other.headers()["x-request-id"].to_str().unwrap(), id);
}

#[tokio::test]
async fn the_server_logs_each_request_as_json_with_its_id_status_and_latency() {
    let dir = std::env::temp_dir().join(format!("mitra-logs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_mitra-server"))
        .args([
            "--db",
            &dir.join("logs.db").to_string_lossy(),
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--log-format",
            "json",
        ])
        .env("MITRA_TODAY", "2026-11-15")
        .env_remove("MITRA_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The log is on standard error; ready once the server answers.
    let out = BufReader::new(server.stderr.take().unwrap()).lines();
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if client.get(format!("{base}/api/health")).header("x-request-id", "warm-up").send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ok = client.get(format!("{base}/api/health")).header("x-request-id", "trace-ok-1").send().await.unwrap();
    assert_eq!(ok.status(), 200);
    let refused = client.get(format!("{base}/api/me")).header("x-request-id", "trace-401-1").send().await.unwrap();
    assert_eq!(refused.status(), 401);
    tokio::time::sleep(Duration::from_millis(200)).await;
    server.kill().unwrap();
    server.wait().unwrap();
    let lines: Vec<Value> = out.map_while(Result::ok).filter_map(|l| serde_json::from_str(&l).ok()).collect();
    let finished = |id: &str| {
        lines
            .iter()
            .find(|l| l["span"]["id"] == id && l["fields"]["message"] == "finished processing request")
            .cloned()
            .unwrap_or_else(|| panic!("no line for {id} in {lines:?}"))
    };
    let line = finished("trace-ok-1");
    assert_eq!((line["span"]["method"].as_str(), line["span"]["path"].as_str()), (Some("GET"), Some("/api/health")));
    assert_eq!(line["fields"]["status"], 200);
    assert!(line["fields"]["latency"].as_str().is_some_and(|l| l.ends_with("μs")), "{line}");
    assert_eq!(finished("trace-401-1")["fields"]["status"], 401);
    std::fs::remove_dir_all(&dir).ok();
}
