//! The OpenAPI document generated from the code: served, complete (every operation named, every
//! answer with a schema), every operation in it served; and, driven by it, the access rules:
//! every designer operation refuses partners, every operation on a partner refuses other
//! organisations' users.

mod common;

use std::collections::BTreeSet;

use common::{sign_in, start};
use mitra_server::demo;
use serde_json::Value;

const METHODS: [&str; 4] = ["get", "post", "put", "delete"];

/// The document the server serves, as JSON.
async fn served(s: &common::Server) -> Value {
    let res = reqwest::get(format!("{}/api/openapi.json", s.url)).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    res.json().await.unwrap()
}

/// The document generated in this process.
fn spec() -> Value {
    serde_json::to_value(&*mitra_server::openapi::document()).unwrap()
}

/// Every operation: (METHOD, path, operation).
fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                out.push((m.to_uppercase(), path.clone(), op.clone()));
            }
        }
    }
    out
}

/// (METHOD, path) of every operation in the document.
fn documented() -> BTreeSet<(String, String)> {
    operations(&spec()).into_iter().map(|(m, p, _)| (m, p)).collect()
}

#[tokio::test]
async fn the_server_serves_the_document_generated_from_its_code() {
    let s = start().await;
    assert_eq!(served(&s).await, spec());
}

/// The document says what each operation takes and gives: an id, a summary and a tag; every
/// path parameter declared; every answer with a schema (no `{}`), errors included; the API's
/// own types as components.
#[test]
fn every_operation_is_described_in_full() {
    let spec = spec();
    let ops = operations(&spec);
    assert!(ops.len() >= 54, "only {} operations", ops.len());
    let mut ids = BTreeSet::new();
    for (method, path, op) in &ops {
        let what = format!("{method} {path}");
        let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{what} has no operationId"));
        assert!(ids.insert(id.to_string()), "{id} used twice");
        assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{what} has no summary");
        assert_eq!(op["tags"].as_array().map(Vec::len), Some(1), "{what}");
        // Each `{name}` of the path is a declared path parameter, and nothing else is.
        let declared: BTreeSet<&str> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        let templated: BTreeSet<&str> = path.split('{').skip(1).map(|rest| rest.split('}').next().unwrap()).collect();
        assert_eq!(declared, templated, "{what}: path parameters");
        // At least one success, and the error answer.
        let responses = op["responses"].as_object().unwrap();
        assert!(responses.keys().any(|k| k.starts_with('2')), "{what} documents no success");
        assert_eq!(
            responses["default"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorBody",
            "{what}"
        );
        for (status, response) in responses {
            assert!(response["description"].as_str().is_some_and(|d| !d.is_empty()), "{what} {status}: no description");
            for (kind, media) in response["content"].as_object().into_iter().flatten() {
                let schema = media["schema"].as_object();
                assert!(schema.is_some_and(|s| !s.is_empty()), "{what} {status} {kind}: empty schema");
            }
        }
        if let Some(body) = op.get("requestBody") {
            for (kind, media) in body["content"].as_object().unwrap() {
                assert!(media["schema"].as_object().is_some_and(|s| !s.is_empty()), "{what} body {kind}: empty schema");
            }
        }
    }
    // The types the app reads are described field by field.
    let schemas = &spec["components"]["schemas"];
    for name in ["Statement", "Dashboard", "Redemption", "CatalogItem", "Program", "Fact", "Claim", "ErrorBody"] {
        assert!(schemas[name]["properties"].is_object() || schemas[name]["oneOf"].is_array(), "no schema for {name}");
    }
}

/// Who may call what comes from the handlers' extractors: a designer's operations are marked
/// by the `Designer` extractor, signed-in operations name the bearer scheme, and only these
/// four are open to anyone.
#[test]
fn roles_and_sign_in_come_from_the_extractors() {
    let spec = spec();
    let mut designer = BTreeSet::new();
    let mut open = BTreeSet::new();
    for (_, _, op) in operations(&spec) {
        let id = op["operationId"].as_str().unwrap().to_string();
        if op["x-mitra-role"] == "designer" {
            designer.insert(id.clone());
        }
        match op["security"].as_array() {
            Some(s) => assert_eq!(s, &vec![serde_json::json!({ "bearer": [] })], "{id}"),
            None => {
                open.insert(id);
            }
        }
    }
    let expected_open = ["health", "requestPasswordReset", "setPassword", "signIn"];
    assert_eq!(open, expected_open.iter().map(|s| s.to_string()).collect());
    let expected_designer = [
        "addCatalogItem",
        "adjust",
        "approveClaim",
        "claimQueue",
        "closePeriods",
        "createDraft",
        "createPartner",
        "draft",
        "drafts",
        "editCatalogItem",
        "enrol",
        "importCertifications",
        "importProducts",
        "importReferrals",
        "importSales",
        "importTargets",
        "invite",
        "programData",
        "programPartners",
        "programVersions",
        "publishDraft",
        "rejectClaim",
        "restockCatalogItem",
        "updateDraft",
        "validateDraft",
    ];
    assert_eq!(designer, expected_designer.iter().map(|s| s.to_string()).collect());
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
    let spec = served(&s).await;
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
