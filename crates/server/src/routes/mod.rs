//! The HTTP API: thin handlers over typed extractors. Figures come from crates/scheme; storage
//! and authorization live in their own modules.

mod accounts;
mod claims;
mod drafts;
mod imports;
mod ledger;
mod partners;
mod programs;
mod rewards;
mod sessions;

pub mod answer;
pub mod extract;

pub use answer::TOTAL_HEADER;
pub use extract::{Json, ProgramQuery};

use aide::axum::routing::{get_with, post_with, put_with};
use aide::axum::ApiRouter;
use aide::transform::TransformOperation;

use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// An operation's id, tag and one-line summary in the OpenAPI document.
fn op(
    id: &'static str,
    tag: &'static str,
    summary: &'static str,
) -> impl FnOnce(TransformOperation) -> TransformOperation {
    move |o| o.id(id).tag(tag).summary(summary)
}

/// `GET /health`'s answer.
#[derive(serde::Serialize, schemars::JsonSchema)]
struct Health {
    /// `ok`.
    status: &'static str,
    /// `ok`: the database answered a query.
    database: &'static str,
}

/// `GET /health`: the server runs and its database answers (`503 unavailable` when it does not).
async fn health(axum::extract::State(state): axum::extract::State<AppState>) -> ApiResult<axum::Json<Health>> {
    // The cause is in the log (see `ApiError::internal`), not in the answer.
    state.db.healthy().await.map_err(|_| {
        ApiError::new(axum::http::StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the database does not answer")
    })?;
    Ok(axum::Json(Health { status: "ok", database: "ok" }))
}

/// Every endpoint, each with its description in the OpenAPI document (see [`crate::openapi`]).
pub fn api() -> ApiRouter<AppState> {
    ApiRouter::new()
        .api_route(
            "/health",
            get_with(health, op("health", "operations", "The server runs and its database answers")),
        )
        .api_route(
            "/sessions",
            post_with(sessions::sign_in, op("signIn", "accounts", "Sign in with email and password; returns a bearer token"))
            .delete_with(sessions::sign_out, |o| {
                // It reads the session's token itself (and ends it), so it names the scheme here.
                op("signOut", "accounts", "End the current session")(o).security_requirement("bearer")
            }),
        )
        .api_route(
            "/me",
            get_with(sessions::me, op("me", "accounts", "The signed-in user, the date figures are computed as of, and their programs")),
        )
        .api_route(
            "/me/goal",
            get_with(rewards::goal, op("goal", "rewards", "The reward the user saves up for in a program, or null"))
            .put_with(rewards::set_goal, op("setGoal", "rewards", "Save up for an item of the program's catalog"))
            .delete_with(rewards::clear_goal, op("clearGoal", "rewards", "No goal any more")),
        )
        .api_route(
            "/invitations",
            post_with(accounts::invite, op("invite", "accounts", "Invite a user; the answer carries a one-time link to set a password")),
        )
        .api_route(
            "/password-resets",
            post_with(accounts::request_reset, op("requestPasswordReset", "accounts", "Mail a one-time link to set a new password (to the outbox)")),
        )
        .api_route(
            "/password",
            post_with(accounts::set_password, op("setPassword", "accounts", "Set a password with a one-time token")),
        )
        .api_route(
            "/programs",
            get_with(programs::list, op("listPrograms", "programs", "Program ids")),
        )
        .api_route(
            "/programs/{id}",
            get_with(programs::definition, op("program", "programs", "The published definition (latest version)")),
        )
        .api_route(
            "/programs/{id}/context",
            get_with(programs::context, op("context", "programs", "Rank thresholds and budget scales a partner's statement needs")),
        )
        .api_route(
            "/programs/{id}/leaderboards",
            get_with(programs::leaderboards, op("leaderboards", "programs", "Leaderboards: rank, display name and measure only")),
        )
        .api_route(
            "/programs/{id}/partners",
            get_with(programs::partners, op("programPartners", "programs", "The partners taking part in a program"))
            .post_with(programs::create_partner, op("createPartner", "programs", "Create a partner organisation taking part in the program")),
        )
        .api_route(
            "/programs/{id}/partners/{partner}",
            put_with(programs::enrol, op("enrol", "programs", "The partner takes part in the program (a partner can take part in several)")),
        )
        .api_route(
            "/partners/{id}/funds",
            get_with(partners::funds, op("funds", "partners", "MDF and co-op fund balances")),
        )
        .api_route(
            "/partners/{id}",
            get_with(partners::profile, op("partner", "partners", "A partner's profile")),
        )
        .api_route(
            "/partners/{id}/facts",
            get_with(partners::facts, op("facts", "partners", "A partner's facts")),
        )
        .api_route(
            "/partners/{id}/statement",
            get_with(partners::statement, op("statement", "partners", "The authoritative statement, with the population's context")),
        )
        .api_route(
            "/partners/{id}/ledger",
            get_with(partners::ledger, op("ledger", "ledger", "Points and cash balances and the points postings")),
        )
        .api_route(
            "/partners/{id}/postings",
            get_with(partners::postings, op("postings", "ledger", "A partner's statement: postings of every instrument with the running balance, paged")),
        )
        .api_route(
            "/partners/{id}/postings.csv",
            get_with(partners::postings_csv, op("postingsCsv", "ledger", "The same statement as CSV, oldest first")),
        )
        .api_route(
            "/partners/{id}/dashboard",
            get_with(partners::dashboard, op("dashboard", "partners", "Program, partner, facts, context and ledger: what the app computes the dashboard from")),
        )
        .api_route(
            "/catalog",
            get_with(rewards::catalog, op("catalog", "rewards", "Catalog items with search and filters (a page of at most 500; X-Total-Count says how many match)"))
            .post_with(rewards::add_item, op("addCatalogItem", "rewards", "Add an item to a program's catalog")),
        )
        .api_route(
            "/catalog/categories",
            get_with(rewards::categories, op("catalogCategories", "rewards", "Every category of the program's catalog")),
        )
        .api_route(
            "/catalog/{id}",
            put_with(rewards::edit_item, op("editCatalogItem", "rewards", "Change an item's details (not its stock: see /stock)")),
        )
        .api_route(
            "/catalog/{id}/stock",
            post_with(rewards::restock, op("restockCatalogItem", "rewards", "Add units to an item's stock, or take them away (never below zero)")),
        )
        .api_route(
            "/partners/{id}/claims",
            get_with(claims::of_partner, op("partnerClaims", "claims", "A partner's claims"))
            .post_with(claims::submit, op("submitClaim", "claims", "Claim a sale (invoice, lines, serials) or marketing spend against a fund")),
        )
        .api_route(
            "/claims",
            get_with(claims::queue, op("claimQueue", "claims", "Claims of a program, by status")),
        )
        .api_route(
            "/claims/{id}/approve",
            post_with(claims::approve, op("approveClaim", "claims", "Approve a claim: it becomes facts")),
        )
        .api_route(
            "/claims/{id}/reject",
            post_with(claims::reject, op("rejectClaim", "claims", "Reject a claim with a reason")),
        )
        .api_route(
            "/programs/{id}/imports/sales",
            post_with(imports::sales, op("importSales", "programs", "Import sales from CSV (partner,invoice,line,date,sku,category,units,value): all rows or none")),
        )
        .api_route(
            "/programs/{id}/imports/products",
            post_with(imports::products, op("importProducts", "programs", "Add or update the product list from CSV (sku,name,category), all rows or none")),
        )
        .api_route(
            "/programs/{id}/imports/targets",
            post_with(imports::targets, op("importTargets", "programs", "Import targets from CSV (partner,scheme,period,value), replacing a partner's earlier target for the period; all rows or none")),
        )
        .api_route(
            "/programs/{id}/imports/certifications",
            post_with(imports::certifications, op("importCertifications", "programs", "Import certifications from CSV (partner,date,course), all rows or none")),
        )
        .api_route(
            "/programs/{id}/imports/referrals",
            post_with(imports::referrals, op("importReferrals", "programs", "Import referrals from CSV (partner,date,referred), all rows or none")),
        )
        .api_route(
            "/programs/{id}/products",
            get_with(programs::products, op("products", "programs", "The program's product list")),
        )
        .api_route(
            "/programs/{id}/data",
            get_with(programs::data, op("programData", "programs", "Every partner of a program with their facts, in compact columns")),
        )
        .api_route(
            "/programs/{id}/versions",
            get_with(programs::versions, op("programVersions", "programs", "Every published version of a program, oldest first")),
        )
        .api_route(
            "/programs/{id}/close",
            post_with(ledger::close, op("closePeriods", "ledger", "Post, for every closed period, the payout minus what was already posted")),
        )
        .api_route(
            "/drafts",
            get_with(drafts::list, op("drafts", "programs", "Drafts, newest first (of one program when named)"))
            .post_with(drafts::create, op("createDraft", "programs", "Create a program draft")),
        )
        .api_route(
            "/drafts/{id}",
            get_with(drafts::show, op("draft", "programs", "A draft with its validation errors"))
            .put_with(drafts::update, op("updateDraft", "programs", "Replace a draft's definition")),
        )
        .api_route(
            "/drafts/{id}/validate",
            post_with(drafts::check, op("validateDraft", "programs", "The evaluator's errors for a draft")),
        )
        .api_route(
            "/drafts/{id}/publish",
            post_with(drafts::publish, op("publishDraft", "programs", "Publish a valid draft as the program's next version")),
        )
        .api_route(
            "/partners/{id}/adjustments",
            post_with(ledger::adjust, op("adjust", "ledger", "A manual points adjustment with a reason")),
        )
        .api_route(
            "/partners/{id}/redemptions",
            get_with(rewards::history, op("redemptions", "rewards", "A partner's redemption history"))
            .post_with(rewards::redeem, op("redeem", "rewards", "Redeem one or more items; balance, stock, limits and tier are checked and debited at once")),
        )
        .api_route(
            "/partners/{id}/redemptions/{redemption}/cancel",
            post_with(rewards::cancel, op("cancelRedemption", "rewards", "Cancel a redemption: refund its points and restore stock")),
        )
        .fallback(|| async { ApiError::not_found("this API endpoint") })
}
