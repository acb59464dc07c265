//! The designer's calls to the backend, on top of the portal's client (same session, same
//! error handling: errors carry a stable code the pages translate).

use gloo_net::http::Request;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub use mitra::api::ApiError;
use mitra::api::{authorized, decode, get, unreachable, url};
pub use mitra_api::{Claim, ClaimStatus, Draft, DraftSummary, ProgramData, Published, SaveDraft, Version};
use mitra_scheme::Program;

async fn send<T: DeserializeOwned>(req: Result<Request, gloo_net::Error>) -> Result<T, ApiError> {
    decode(req.map_err(unreachable)?.send().await.map_err(unreachable)?).await
}

fn with_json<B: Serialize>(
    req: gloo_net::http::RequestBuilder,
    token: &str,
    body: &B,
) -> Result<Request, gloo_net::Error> {
    authorized(req, token).json(body)
}

/// The ids of every program.
pub async fn programs(token: &str) -> Result<Vec<String>, ApiError> {
    get("/programs", token).await
}

/// A program's published definition (its latest version).
pub async fn program(token: &str, id: &str) -> Result<Program, ApiError> {
    get(&format!("/programs/{id}"), token).await
}

pub async fn versions(token: &str, id: &str) -> Result<Vec<Version>, ApiError> {
    get(&format!("/programs/{id}/versions"), token).await
}

/// Every partner of a program with their facts, for the preview.
pub async fn data(token: &str, id: &str) -> Result<ProgramData, ApiError> {
    get(&format!("/programs/{id}/data"), token).await
}

/// The program's drafts, newest first.
pub async fn drafts(token: &str, program: &str) -> Result<Vec<DraftSummary>, ApiError> {
    get(&format!("/drafts?program={program}"), token).await
}

pub async fn draft(token: &str, id: i64) -> Result<Draft, ApiError> {
    get(&format!("/drafts/{id}"), token).await
}

/// Save a definition: a new draft, or draft `id` made on `revision` (refused with
/// `draft_conflict` when someone saved since).
pub async fn save_draft(token: &str, id: Option<(i64, i64)>, definition: &Program) -> Result<Draft, ApiError> {
    let definition = serde_json::to_value(definition).map_err(|e| ApiError::local("bad_request", e.to_string()))?;
    match id {
        None => send(with_json(Request::post(&url("/drafts")), token, &SaveDraft { definition, revision: None })).await,
        Some((id, revision)) => {
            let body = SaveDraft { definition, revision: Some(revision) };
            send(with_json(Request::put(&url(&format!("/drafts/{id}"))), token, &body)).await
        }
    }
}

pub async fn publish(token: &str, draft: i64) -> Result<Published, ApiError> {
    send(authorized(Request::post(&url(&format!("/drafts/{draft}/publish"))), token).build()).await
}

/// The claims of a program, waiting ones when `pending`.
pub async fn claims(token: &str, program: &str, pending: bool) -> Result<Vec<Claim>, ApiError> {
    let status = if pending { "&status=pending" } else { "" };
    get(&format!("/claims?program={program}{status}"), token).await
}

pub async fn approve(token: &str, claim: i64) -> Result<Claim, ApiError> {
    send(authorized(Request::post(&url(&format!("/claims/{claim}/approve"))), token).build()).await
}

pub async fn reject(token: &str, claim: i64, reason: &str) -> Result<Claim, ApiError> {
    let body = serde_json::json!({ "reason": reason });
    send(with_json(Request::post(&url(&format!("/claims/{claim}/reject"))), token, &body)).await
}

/// What an import reports: counts of rows read and taken (the fields depend on what is imported).
pub type ImportReport = serde_json::Map<String, serde_json::Value>;

/// Upload a CSV file's text: `what` is `sales` or `products`.
pub async fn import(token: &str, program: &str, what: &str, csv: String) -> Result<ImportReport, ApiError> {
    let req = authorized(Request::post(&url(&format!("/programs/{program}/imports/{what}"))), token)
        .header("Content-Type", "text/csv")
        .body(csv);
    send(req).await
}

/// Close the program's ended periods, or with `dry_run` say what closing would post.
pub async fn close(token: &str, program: &str, dry_run: bool) -> Result<mitra_api::CloseReport, ApiError> {
    let q = if dry_run { "?dry_run=true" } else { "" };
    send(authorized(Request::post(&url(&format!("/programs/{program}/close{q}"))), token).build()).await
}

/// The partners taking part in a program.
pub async fn partners(token: &str, program: &str) -> Result<Vec<mitra_scheme::Partner>, ApiError> {
    get(&format!("/programs/{program}/partners"), token).await
}

/// Add (or, negative, take back) whole points, with the reason the partner reads.
pub async fn adjust(
    token: &str,
    partner: &str,
    program: &str,
    points: i64,
    reason: &str,
) -> Result<serde_json::Value, ApiError> {
    let body = serde_json::json!({ "program": program, "points": points, "reason": reason });
    send(with_json(Request::post(&url(&format!("/partners/{partner}/adjustments"))), token, &body)).await
}

/// Invite a person to a partner organisation: the answer carries the one-time link to send.
pub async fn invite(token: &str, partner: &str, email: &str, name: &str) -> Result<serde_json::Value, ApiError> {
    let body = serde_json::json!({ "email": email, "name": name, "role": "partner", "partner": partner });
    send(with_json(Request::post(&url("/invitations")), token, &body)).await
}

/// A new partner organisation, taking part in `program`.
pub async fn create_partner(
    token: &str,
    program: &str,
    partner: &mitra_scheme::Partner,
) -> Result<mitra_scheme::Partner, ApiError> {
    send(with_json(Request::post(&url(&format!("/programs/{program}/partners"))), token, partner)).await
}

/// An existing partner (of another program) takes part in `program` too.
pub async fn enrol(token: &str, program: &str, partner: &str) -> Result<(), ApiError> {
    mitra::api::done(authorized(Request::put(&url(&format!("/programs/{program}/partners/{partner}"))), token)).await
}

pub use mitra_api::CatalogItem;

/// The program's catalog, every item (up to the server's page of 500), cheapest first.
pub async fn catalog(token: &str, program: &str) -> Result<Vec<CatalogItem>, ApiError> {
    get(&format!("/catalog?program={program}&limit=500"), token).await
}

pub async fn add_item(token: &str, program: &str, item: &CatalogItem) -> Result<CatalogItem, ApiError> {
    let mut body = serde_json::to_value(item).map_err(|e| ApiError::local("bad_response", e.to_string()))?;
    body["program"] = serde_json::json!(program);
    send(with_json(Request::post(&url("/catalog")), token, &body)).await
}

/// Change an item's details (its stock is changed by [`restock`] only).
pub async fn edit_item(token: &str, item: &CatalogItem) -> Result<CatalogItem, ApiError> {
    send(with_json(Request::put(&url(&format!("/catalog/{}", item.id))), token, item)).await
}

/// Add units to an item's stock (negative: take them away).
pub async fn restock(token: &str, item: &str, add: i64) -> Result<CatalogItem, ApiError> {
    send(with_json(Request::post(&url(&format!("/catalog/{item}/stock"))), token, &serde_json::json!({ "add": add })))
        .await
}
