//! The OpenAPI document (crates/server/openapi.json) against the router: the same endpoints,
//! each one served; and, driven by the document, the access rules: every designer operation
//! refuses partners, every operation on a partner refuses other organisations' users.

mod common;

use std::collections::BTreeSet;

use common::{sign_in, start};
use mitra_server::demo;
use serde_json::Value;

const SPEC: &str = include_str!("../openapi.json");
const ROUTES: &str = include_str!("../src/routes/mod.rs");
const METHODS: [&str; 4] = ["get", "post", "put", "delete"];

fn spec() -> Value {
    serde_json::from_str(SPEC).expect("openapi.json is JSON")
}

/// (METHOD, path) of every operation in the document.
fn documented() -> BTreeSet<(String, String)> {
    let spec = spec();
    let mut out = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for m in METHODS {
            if item.get(m).is_some() {
                out.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// (METHOD, path) of every route the router declares, read from its source.
fn routed() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for line in ROUTES.lines().map(str::trim).filter(|l| l.starts_with(".route(\"")) {
        let path = line.split('"').nth(1).unwrap();
        for m in METHODS {
            if line.contains(&format!("{m}(")) {
                out.insert((m.to_uppercase(), format!("/api{path}")));
            }
        }
    }
    out
}

#[test]
fn the_document_lists_exactly_the_routes() {
    let (doc, routes) = (documented(), routed());
    assert!(routes.len() > 20, "the route table was not read");
    assert_eq!(
        doc.difference(&routes).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "documented but not routed"
    );
    assert_eq!(
        routes.difference(&doc).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "routed but not documented"
    );
}

fn fill(path: &str, partner: &str) -> String {
    path.replace(
        "{id}",
        if path.starts_with("/api/partners/") {
            partner
        } else if path.starts_with("/api/programs/") {
            "nusantara-2026"
        } else {
            "1"
        },
    )
    .replace("{redemption}", "1")
}

async fn call(url: &str, method: &str, token: &str) -> (u16, Value) {
    let client = reqwest::Client::new();
    let req = match method {
        "GET" => client.get(url),
        "POST" => client.post(url),
        "PUT" => client.put(url),
        _ => client.delete(url),
    };
    let resp = req.bearer_auth(token).header("idempotency-key", "k").json(&serde_json::json!({})).send().await.unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn every_documented_operation_is_served() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    // Signing out last, so every other call is made with a live session.
    let mut ops: Vec<_> = documented().into_iter().collect();
    ops.sort_by_key(|(m, p)| m == "DELETE" && p == "/api/sessions");
    for (method, path) in ops {
        let url = format!("{}{}?program=nusantara-2026", s.url, fill(&path, "sinar-jaya"));
        let (status, body) = call(&url, &method, &designer).await;
        assert_ne!(status, 405, "{method} {path}");
        assert!(
            !(status == 404 && body["error"]["message"] == "this API endpoint was not found"),
            "{method} {path} fell through to the fallback"
        );
        assert!(status < 500, "{method} {path}: {status} {body}");
    }
}

#[tokio::test]
async fn access_rules_hold_for_every_operation() {
    let s = start().await;
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let spec = spec();
    let mut checked = 0;
    for (method, path) in documented() {
        let op = &spec["paths"][&path][method.to_lowercase()];
        let designer_only = op["x-mitra-role"] == "designer";
        // Another organisation's data, or a designer operation: refused either way.
        if designer_only || path.starts_with("/api/partners/{id}") {
            let url = format!("{}{}?program=nusantara-2026", s.url, fill(&path, "bangun-warna"));
            let (status, body) = call(&url, &method, &partner).await;
            assert_eq!(status, 403, "{method} {path} as another organisation's user: {body}");
            assert_eq!(body["error"]["code"], "forbidden");
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} operations checked");
}
