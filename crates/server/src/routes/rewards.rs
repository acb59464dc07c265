//! The catalog and redemptions.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::NoContent;
use sha2::{Digest, Sha256};

use super::answer::{Counted, Created, Replayable};
use super::extract::{ById, IdempotencyKey, PartnerRedemption};
use super::{Json, ProgramQuery};
use crate::auth::{now_rfc3339, CurrentUser, Designer, ForPartner};
use crate::error::{ApiError, ApiResult};
use crate::input;
use crate::storage::audit;
use crate::storage::queries::Role;
use crate::storage::rewards::{self, CancelledBy, CatalogItem, CatalogQuery, Redeemed, Redemption, RedemptionRequest};
use crate::AppState;

#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewItem {
    program: String,
    #[serde(flatten)]
    item: CatalogItem,
}

/// What any item must be: texts within their lengths, a known kind, a positive price, a stock
/// not below zero and a limit of at least one.
fn check_item(item: &CatalogItem) -> ApiResult<()> {
    input::text("id", &item.id, input::MAX_ID)?;
    input::text("name", &item.name, input::MAX_NAME)?;
    input::text("category", &item.category, input::MAX_ID)?;
    input::text("image", &item.image, input::MAX_NAME)?;
    input::text("description", &item.description, input::MAX_TEXT)?;
    if item.names.len() > 20 {
        return Err(ApiError::bad_request("invalid_item", "an item has names in at most 20 languages"));
    }
    for (code, name) in &item.names {
        input::text("names (language code)", code, input::MAX_ID)?;
        input::text(&format!("names.{code}"), name, input::MAX_NAME)?;
    }
    if item.price > input::MAX_MINOR || item.stock.is_some_and(|s| s > input::MAX_UNITS) {
        return Err(ApiError::bad_request(
            "invalid_item",
            format!("the price is at most {} points and the stock at most {}", input::MAX_MINOR, input::MAX_UNITS),
        ));
    }
    if !["voucher", "merchandise", "experience", "donation"].contains(&item.kind.as_str()) {
        return Err(ApiError::bad_request(
            "invalid_item",
            format!("kind `{}` is not voucher, merchandise, experience or donation", item.kind),
        ));
    }
    if item.id.trim().is_empty() || item.name.trim().is_empty() {
        return Err(ApiError::bad_request("invalid_item", "an item needs an id and a name"));
    }
    if item.price <= 0 || item.stock.is_some_and(|s| s < 0) || item.per_partner_limit.is_some_and(|l| l <= 0) {
        return Err(ApiError::bad_request(
            "invalid_item",
            "the price must be positive, the stock not negative and a limit at least 1",
        ));
    }
    Ok(())
}

/// The item's tier, if it names one, must be one of its program's tiers.
fn check_tier(def: &mitra_scheme::Program, program: &str, item: &CatalogItem) -> ApiResult<()> {
    match item.min_tier.as_ref().filter(|t| !def.tiers.iter().any(|x| &x.id == *t)) {
        Some(t) => Err(ApiError::bad_request("invalid_item", format!("no tier `{t}` in {program}"))),
        None => Ok(()),
    }
}

/// `POST /catalog` (designers): add an item to a program's catalog.
pub async fn add_item(
    State(state): State<AppState>,
    Designer(user): Designer,
    Json(body): Json<NewItem>,
) -> ApiResult<Created<CatalogItem>> {
    let item = body.item;
    check_item(&item)?;
    let (uid, now, program) = (user.id, now_rfc3339(), body.program);
    let saved = item.clone();
    state
        .write(move |tx| {
            let (_, def) =
                crate::storage::queries::program(tx, &program)?.ok_or_else(|| ApiError::not_found("the program"))?;
            check_tier(&def, &program, &item)?;
            let taken: bool =
                tx.query_row("SELECT EXISTS (SELECT 1 FROM catalog_items WHERE id = ?1)", [&item.id], |r| r.get(0))?;
            if taken {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "duplicate_item",
                    format!("an item `{}` already exists", item.id),
                ));
            }
            rewards::insert_item(tx, &program, &item)?;
            Ok(crate::storage::audit::record(tx, uid, "add_item", &format!("{} in {program}", item.id), &now)?)
        })
        .await?;
    Ok(Created(saved))
}

/// `PUT /catalog/{id}` (designers): change an item's details (everything but its id, its program
/// and its stock, which only [`restock`] changes, so that a redemption meanwhile is never undone).
pub async fn edit_item(
    State(state): State<AppState>,
    Designer(user): Designer,
    Path(ById { id }): Path<ById<String>>,
    Json(item): Json<CatalogItem>,
) -> ApiResult<axum::Json<CatalogItem>> {
    if item.id != id {
        return Err(ApiError::bad_request(
            "invalid_item",
            format!("the item in the body is `{}`, not `{id}`", item.id),
        )
        .with_details(serde_json::json!({ "field": "id" })));
    }
    check_item(&item)?;
    let (uid, now) = (user.id, now_rfc3339());
    let saved = state
        .write(move |tx| {
            let program = rewards::item_program(tx, &id)?.ok_or_else(|| ApiError::not_found("the item"))?;
            let (_, def) =
                crate::storage::queries::program(tx, &program)?.ok_or_else(|| ApiError::not_found("the program"))?;
            check_tier(&def, &program, &item)?;
            let saved = rewards::update_item(tx, &item)?;
            audit::record(tx, uid, "edit_item", &format!("{id} in {program}"), &now)?;
            Ok(saved)
        })
        .await?;
    Ok(axum::Json(saved))
}

/// A change of stock: units added (negative: taken away).
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Restock {
    add: i64,
}

/// `POST /catalog/{id}/stock` (designers): add units to an item's stock, or take them away (never
/// below zero), in one statement so redemptions meanwhile are counted.
pub async fn restock(
    State(state): State<AppState>,
    Designer(user): Designer,
    Path(ById { id }): Path<ById<String>>,
    Json(body): Json<Restock>,
) -> ApiResult<axum::Json<CatalogItem>> {
    if body.add == 0 || body.add.unsigned_abs() > input::MAX_UNITS.unsigned_abs() {
        return Err(ApiError::bad_request(
            "invalid_stock_change",
            format!("add a whole number of units from 1 to {} (negative to take away)", input::MAX_UNITS),
        ));
    }
    let (uid, now) = (user.id, now_rfc3339());
    let saved = state
        .write(move |tx| {
            let saved = rewards::add_stock(tx, &id, body.add)?;
            audit::record(tx, uid, "restock", &format!("{id}: {:+}", body.add), &now)?;
            Ok(saved)
        })
        .await?;
    Ok(axum::Json(saved))
}

/// `GET /catalog?program=&q=&kind=&category=&max_price=&sort=&limit=&offset=`: a page of the
/// matching items (at most 500), with the number matching in `X-Total-Count`.
pub async fn catalog(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CatalogQuery>,
) -> ApiResult<Counted<Vec<CatalogItem>>> {
    user.may_see_program(&state, &q.program).await?;
    let (items, total) = state.db.read(move |c| rewards::catalog(c, &q)).await?;
    Ok(Counted { total, items })
}

/// `GET /catalog/categories?program=`: every category of the program's catalog.
pub async fn categories(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ProgramQuery>,
) -> ApiResult<axum::Json<Vec<String>>> {
    user.may_see_program(&state, &q.program).await?;
    Ok(axum::Json(state.db.read(move |c| rewards::categories(c, &q.program)).await?))
}

/// `POST /partners/{id}/redemptions` with an `Idempotency-Key` header: 201 with the redemption,
/// or 200 with the first result when the same request is sent again with the same key.
pub async fn redeem(
    State(state): State<AppState>,
    ForPartner { user, partner }: ForPartner,
    IdempotencyKey(key): IdempotencyKey,
    Json(request): Json<RedemptionRequest>,
) -> ApiResult<Replayable<Redemption>> {
    let run = state.run_to_serve(&request.program).await?;
    if run.population.figures(&partner).is_none() {
        return Err(ApiError::not_found("this partner in the program"));
    }
    // For an item kept for a tier, the partner's tier, from their own facts read now (the run
    // gives the definition). An item made tier-only meanwhile is refused: no tier is assumed.
    let items: Vec<String> = request.lines.iter().map(|l| l.item.clone()).collect();
    let tiers: Vec<String> = run.program.tiers.iter().map(|t| t.id.clone()).collect();
    let tier_rank = if state.db.read(move |c| rewards::any_for_a_tier(c, &items)).await? {
        let pid = partner.clone();
        let facts = state.db.read(move |c| crate::storage::queries::partner_facts(c, &pid)).await?;
        let held = mitra_scheme::tier_held(&run.program, &partner, &facts, run.population.as_of);
        held.as_ref().and_then(|t| tiers.iter().position(|x| x == t))
    } else {
        None
    };
    let hash = hex::encode(Sha256::digest(serde_json::to_vec(&request).map_err(ApiError::internal)?));
    let uid = user.id;
    let now = now_rfc3339();
    let result = state
        .write(move |tx| {
            Ok(rewards::redeem(
                tx,
                &partner,
                uid,
                &key,
                &request,
                &hash,
                tier_rank,
                |t| tiers.iter().position(|x| x == t),
                &now,
            )?)
        })
        .await?;
    Ok(match result {
        Redeemed::New(r) => Replayable::New(r),
        Redeemed::Replayed(r) => Replayable::Replayed(r),
    })
}

pub async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ById { id: partner }): Path<ById<String>>,
    Query(q): Query<ProgramQuery>,
) -> ApiResult<axum::Json<Vec<Redemption>>> {
    user.may_see_partner(&partner)?;
    Ok(axum::Json(state.db.read(move |c| rewards::history(c, &q.program, &partner)).await?))
}

/// `POST /partners/{id}/redemptions/{redemption}/cancel`: a partner cancels what has not been
/// handed out; a designer cancels anything, voiding its voucher codes (see [`rewards`]).
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(PartnerRedemption { id: partner, redemption: id }): Path<PartnerRedemption>,
) -> ApiResult<axum::Json<Redemption>> {
    user.may_see_partner(&partner)?;
    let by = match user.0.role {
        Role::Designer => CancelledBy::Designer,
        Role::Partner => CancelledBy::Partner,
    };
    let (uid, now) = (user.0.id, now_rfc3339());
    let cancelled = state
        .write(move |tx| {
            let r = rewards::cancel(tx, &partner, id, by, &now)?;
            if by == CancelledBy::Designer {
                audit::record(tx, uid, "cancel_redemption", &format!("{partner} #{id}"), &now)?;
            }
            Ok(r)
        })
        .await?;
    Ok(axum::Json(cancelled))
}

/// `GET /me/goal?program=`: the reward the user saves up for, or `null`.
pub async fn goal(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ProgramQuery>,
) -> ApiResult<axum::Json<Option<rewards::Goal>>> {
    user.may_see_program(&state, &q.program).await?;
    let uid = user.0.id;
    Ok(axum::Json(state.db.read(move |c| rewards::goal(c, uid, &q.program)).await?))
}

/// `PUT /me/goal`: save up for an item of the program's catalog (replacing any earlier goal).
pub async fn set_goal(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<mitra_api::SetGoal>,
) -> ApiResult<axum::Json<rewards::Goal>> {
    input::text("program", &body.program, input::MAX_ID)?;
    input::text("item", &body.item, input::MAX_ID)?;
    user.may_see_program(&state, &body.program).await?;
    let (uid, now) = (user.0.id, now_rfc3339());
    Ok(axum::Json(state.db.write(move |tx| rewards::set_goal(tx, uid, &body.program, &body.item, &now)).await?))
}

/// `DELETE /me/goal?program=`: no goal any more.
pub async fn clear_goal(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ProgramQuery>,
) -> ApiResult<NoContent> {
    user.may_see_program(&state, &q.program).await?;
    let uid = user.0.id;
    state.db.write(move |tx| rewards::clear_goal(tx, uid, &q.program)).await?;
    Ok(NoContent)
}
