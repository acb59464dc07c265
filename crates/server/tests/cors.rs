//! The API served to an app on another origin: CORS for the configured origins only, with
//! bearer tokens (no cookies) so sessions work across origins.

use mitra_server::storage::Db;
use mitra_server::{app, AppState, Config};

#[tokio::test]
async fn only_configured_origins_may_call_the_api() {
    let dir = std::env::temp_dir().join(format!("mitra-cors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = Db::open(&dir.join("cors.db")).unwrap();
    let config = Config { cors_origins: vec!["https://portal.example.com".into()], ..Config::default() };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let router = app(AppState::new(db, config));
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let preflight = |origin: &'static str| {
        reqwest::Client::new()
            .request(reqwest::Method::OPTIONS, format!("{url}/api/me"))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
    };
    let ok = preflight("https://portal.example.com").await.unwrap();
    assert_eq!(ok.headers().get("access-control-allow-origin").unwrap(), "https://portal.example.com");
    let allowed = ok.headers().get("access-control-allow-headers").unwrap().to_str().unwrap().to_lowercase();
    assert!(allowed.contains("authorization"), "{allowed}");
    let refused = preflight("https://evil.example.net").await.unwrap();
    assert!(refused.headers().get("access-control-allow-origin").is_none());
    std::fs::remove_dir_all(&dir).ok();
}
