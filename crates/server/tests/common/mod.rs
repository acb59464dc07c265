//! A server on a random port over a temporary database seeded with the demo data.

#![allow(dead_code)]

use std::path::PathBuf;

use mitra_server::storage::Db;
use mitra_server::{app, demo, AppState, Config};
use serde_json::{json, Value};

pub const TODAY: &str = "2026-11-15";

pub struct Server {
    pub url: String,
    pub state: AppState,
    /// The directory of the server's database file (`test.db`), removed when dropped.
    pub dir: PathBuf,
    _dir: TempDir,
}

/// A directory removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!("{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst))
}

pub async fn start() -> Server {
    start_with(|_| {}).await
}

/// A server whose settings `adjust` changes first.
pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Server {
    let dir = std::env::temp_dir().join(format!("mitra-api-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = Db::open(&dir.join("test.db")).unwrap();
    let mut config = Config { today: Some(TODAY.parse().unwrap()), ..Config::default() };
    adjust(&mut config);
    let state = AppState::new(db, config);
    assert!(demo::seed(&state.db, state.today()).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let router = app(state.clone());
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap()
    });
    Server { url, state, dir: dir.clone(), _dir: TempDir(dir) }
}

pub async fn sign_in(s: &Server, email: &str) -> String {
    let resp = reqwest::Client::new()
        .post(format!("{}/api/sessions", s.url))
        .json(&json!({ "email": email, "password": demo::PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string()
}

pub async fn get(s: &Server, token: &str, path: &str) -> (u16, Value) {
    let resp = reqwest::Client::new().get(format!("{}{path}", s.url)).bearer_auth(token).send().await.unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

pub async fn post(s: &Server, token: &str, path: &str, key: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = reqwest::Client::new().post(format!("{}{path}", s.url)).bearer_auth(token).json(body);
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap_or(Value::Null))
}

pub async fn put(s: &Server, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let resp =
        reqwest::Client::new().put(format!("{}{path}", s.url)).bearer_auth(token).json(body).send().await.unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap_or(Value::Null))
}

/// Upload a sales CSV to the demo program as `token`; the answer's status and body.
pub async fn import_sales(s: &Server, token: &str, csv: &str) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/api/programs/nusantara-2026/imports/sales", s.url))
        .bearer_auth(token)
        .body(csv.to_string())
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap_or(Value::Null))
}
