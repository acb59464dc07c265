//! The API's edges: every rejection answers the documented JSON error, and every response
//! carries security and caching headers.

mod common;

use common::{get, sign_in, start, start_with};
use mitra_server::demo;
use serde_json::Value;

async fn raw(method: reqwest::Method, url: String, token: &str, body: Option<String>) -> reqwest::Response {
    let mut req = reqwest::Client::new().request(method, url).bearer_auth(token);
    if let Some(b) = body {
        req = req.body(b);
    }
    req.send().await.unwrap()
}

async fn json_error(resp: reqwest::Response) -> (u16, String) {
    let status = resp.status().as_u16();
    let kind = resp.headers()[reqwest::header::CONTENT_TYPE].to_str().unwrap().to_string();
    assert!(kind.starts_with("application/json"), "{status}: {kind}");
    let body: Value = resp.json().await.unwrap();
    let code = body["error"]["code"].as_str().unwrap_or_else(|| panic!("{body}")).to_string();
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    (status, code)
}

#[tokio::test]
async fn every_rejection_is_a_json_error() {
    let s = start_with(|c| c.body_limit = 4096).await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let url = |p: &str| format!("{}{p}", s.url);
    // A query parameter missing, an id that is not a number, a method the route lacks.
    let cases = [
        (reqwest::Method::GET, "/api/partners/sinar-jaya/ledger", None, 400, "invalid_query"),
        (reqwest::Method::POST, "/api/claims/abc/approve", Some("{}".to_string()), 400, "invalid_path"),
        (reqwest::Method::DELETE, "/api/catalog", None, 405, "method_not_allowed"),
        (reqwest::Method::GET, "/api/no/such/thing", None, 404, "not_found"),
        // A CSV over the body limit.
        (
            reqwest::Method::POST,
            "/api/programs/nusantara-2026/imports/sales",
            Some("x".repeat(10_000)),
            413,
            "body_too_large",
        ),
    ];
    for (method, path, body, status, code) in cases {
        let got = json_error(raw(method.clone(), url(path), &designer, body).await).await;
        assert_eq!(got, (status, code.to_string()), "{method} {path}");
    }
}

#[tokio::test]
async fn api_answers_carry_security_headers_and_are_never_stored() {
    let s = start().await;
    let token = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let resp = raw(reqwest::Method::GET, format!("{}/api/me", s.url), &token, None).await;
    let h = resp.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["cache-control"], "no-store");
    assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert_eq!(get(&s, &token, "/api/me").await.0, 200);
}

#[tokio::test]
async fn the_app_is_served_under_a_policy_it_works_with_and_cached_by_kind() {
    let dir = std::env::temp_dir().join(format!("mitra-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let loader = "import init from '/mitra-0123456789abcdef.js';init('/mitra-0123456789abcdef_bg.wasm');";
    std::fs::write(
        dir.join("index.html"),
        format!("<html><head><script type=\"module\">{loader}</script></head></html>"),
    )
    .unwrap();
    std::fs::write(dir.join("mitra-0123456789abcdef.js"), "export default function init() {}").unwrap();
    let s = start_with(|c| c.dist = Some(dir.clone())).await;
    let page = reqwest::get(format!("{}/rewards", s.url)).await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-cache");
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_string();
    use base64::Engine;
    use sha2::Digest;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(loader.as_bytes()));
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'") && !csp.contains("'unsafe-eval'"), "{csp}");
    let asset = reqwest::get(format!("{}/mitra-0123456789abcdef.js", s.url)).await.unwrap();
    assert_eq!(asset.headers()["cache-control"], "public, max-age=31536000, immutable");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn texts_are_bounded_and_failed_sign_ins_store_little() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let long = "x".repeat(1_000_000);
    let post = |path: &'static str, body: Value| {
        let (url, token) = (format!("{}{path}", s.url), designer.clone());
        async move {
            json_error(reqwest::Client::new().post(url).bearer_auth(token).json(&body).send().await.unwrap()).await
        }
    };
    let invite = serde_json::json!({ "email": "a@b.demo", "name": long, "role": "designer", "partner": null });
    assert_eq!(post("/api/invitations", invite).await, (400, "too_long".into()));
    let item = serde_json::json!({ "program": "nusantara-2026", "id": "big", "name": long, "kind": "merchandise",
        "category": "x", "price": 1, "stock": null, "per_partner_limit": null, "min_tier": null });
    assert_eq!(post("/api/catalog", item).await, (400, "too_long".into()));
    // Thirty concurrent sign-ins with megabyte emails: refused before anything is recorded.
    let attempts: Vec<_> = (0..30)
        .map(|i| {
            let url = format!("{}/api/sessions", s.url);
            let email = format!("{i}{}", "e".repeat(1_900_000));
            tokio::spawn(async move {
                let body = serde_json::json!({ "email": email, "password": "x" });
                json_error(reqwest::Client::new().post(url).json(&body).send().await.unwrap()).await
            })
        })
        .collect();
    for a in attempts {
        assert_eq!(a.await.unwrap().0, 400);
    }
    let conn = s.state.db.blocking().unwrap();
    let stored: i64 = conn.query_row("SELECT COUNT(*) FROM sign_in_failures", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn files_go_precompressed_missing_files_are_404_and_api_json_is_compressed() {
    let dir = std::env::temp_dir().join(format!("mitra-dist-c-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("img")).unwrap();
    std::fs::write(dir.join("index.html"), "<html><title>Mitra</title></html>").unwrap();
    std::fs::write(dir.join("mitra-0123456789abcdef_bg.wasm"), vec![0u8; 4096]).unwrap();
    std::fs::write(dir.join("mitra-0123456789abcdef_bg.wasm.br"), b"brotli bytes").unwrap();
    std::fs::write(dir.join("mitra-0123456789abcdef_bg.wasm.gz"), b"gzip bytes").unwrap();
    std::fs::write(dir.join("img/pulsa.svg"), "<svg/>").unwrap();
    let s = start_with(|c| c.dist = Some(dir.clone())).await;
    let client = reqwest::Client::new();
    let get =
        |path: &str, encoding: &str| client.get(format!("{}{path}", s.url)).header("accept-encoding", encoding).send();
    let wasm = get("/mitra-0123456789abcdef_bg.wasm", "gzip, br").await.unwrap();
    assert_eq!(wasm.headers()["content-encoding"], "br");
    assert_eq!(wasm.bytes().await.unwrap().as_ref(), b"brotli bytes");
    let wasm = get("/mitra-0123456789abcdef_bg.wasm", "gzip").await.unwrap();
    assert_eq!(wasm.headers()["content-encoding"], "gzip");
    let plain = get("/mitra-0123456789abcdef_bg.wasm", "identity").await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap().len(), 4096);
    // An asset that exists is served; one that does not is a 404, not the app.
    assert_eq!(get("/img/pulsa.svg", "identity").await.unwrap().status(), 200);
    let missing = get("/img/nothing.svg", "identity").await.unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.json::<Value>().await.unwrap()["error"]["code"], "not_found");
    assert_eq!(get("/../Cargo.toml", "identity").await.unwrap().status(), 404);
    // Client-side routes still get the app.
    let route = get("/rewards/history", "identity").await.unwrap();
    assert_eq!(route.status(), 200);
    assert!(route.text().await.unwrap().contains("<title>Mitra"));
    // API answers are compressed for clients that accept it.
    let token = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let statement = client
        .get(format!("{}/api/partners/sinar-jaya/statement?program=nusantara-2026", s.url))
        .bearer_auth(&token)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(statement.status(), 200);
    assert_eq!(statement.headers()["content-encoding"], "gzip");
    std::fs::remove_dir_all(&dir).unwrap();
}
