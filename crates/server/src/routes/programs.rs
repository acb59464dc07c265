//! Program definitions and the population context partners' statements need.

use axum::extract::{Path, State};
use axum::response::NoContent;

use mitra_scheme::{Context, Partner, Program};

use super::answer::{Created, Encoded};
use super::extract::{ById, ProgramPartner};
use crate::auth::{CurrentUser, Designer};
use crate::error::{ApiError, ApiResult};
use crate::storage::queries;
use crate::AppState;

/// The programs the user may see: all for designers, their organisation's for partners.
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<axum::Json<Vec<String>>> {
    let partner = user.0.partner.clone();
    Ok(axum::Json(
        state
            .read(move |c| match partner {
                Some(p) => Ok(queries::partner_programs(c, &p)?),
                None => Ok(queries::program_ids(c)?),
            })
            .await?,
    ))
}

pub async fn definition(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ById { id }): Path<ById<String>>,
) -> ApiResult<axum::Json<Program>> {
    user.may_see_program(&state, &id).await?;
    let (_, program) =
        state.db.read(move |c| queries::program(c, &id)).await?.ok_or_else(|| ApiError::not_found("the program"))?;
    Ok(axum::Json(program))
}

/// `GET /programs/{id}/products`: the product list claims pick their lines from.
pub async fn products(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ById { id }): Path<ById<String>>,
) -> ApiResult<axum::Json<Vec<crate::storage::products::Product>>> {
    user.may_see_program(&state, &id).await?;
    Ok(axum::Json(
        state
            .read(move |c| {
                queries::program(c, &id)?.ok_or_else(|| ApiError::not_found("the program"))?;
                Ok(crate::storage::products::list(c, &id)?)
            })
            .await?,
    ))
}

/// `GET /programs/{id}/data` (designers): every partner of the program with their facts, in
/// the compact columns of [`mitra_api::FactColumns`], for the designer's preview. Encoded and
/// compressed once per change ([`AppState::program_data`]) and sent brotli or gzip compressed
/// as the client accepts.
pub async fn data(
    State(state): State<AppState>,
    _: Designer,
    Path(ById { id }): Path<ById<String>>,
    headers: axum::http::HeaderMap,
) -> ApiResult<Encoded<mitra_api::ProgramData>> {
    let data = state.program_data(&id).await?;
    let accepts = |coding: &str| super::answer::accepts(&headers, coding);
    let (body, coding) = if accepts("br") {
        (data.br.clone(), Some("br"))
    } else if accepts("gzip") {
        (data.gzip.clone(), Some("gzip"))
    } else {
        (data.json.clone(), None)
    };
    Ok(Encoded { body, coding, of: std::marker::PhantomData })
}

/// `GET /programs/{id}/versions` (designers): every published version, oldest first.
pub async fn versions(
    State(state): State<AppState>,
    _: Designer,
    Path(ById { id }): Path<ById<String>>,
) -> ApiResult<axum::Json<Vec<mitra_api::Version>>> {
    let versions = state.db.read(move |c| queries::published_versions(c, &id)).await?;
    if versions.is_empty() {
        return Err(ApiError::not_found("the program"));
    }
    Ok(axum::Json(versions))
}

pub async fn context(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ById { id }): Path<ById<String>>,
) -> ApiResult<axum::Json<Context>> {
    user.may_see_program(&state, &id).await?;
    let run = state.run_to_serve(&id).await?;
    Ok(axum::Json(run.population.context.clone()))
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BoardQuery {
    scheme: Option<String>,
    period: Option<String>,
    group: Option<String>,
    /// Rows from the top to show (the viewer's own row is always shown).
    top: Option<usize>,
}

/// What anyone may see of a leaderboard: rank, display name and measure per row.
pub use mitra_api::{Board as PublicBoard, BoardRow as PublicRow};

/// `GET /programs/{id}/leaderboards`: per scheme, period and group, the top rows and the
/// viewer's own.
pub async fn leaderboards(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ById { id }): Path<ById<String>>,
    axum::extract::Query(q): axum::extract::Query<BoardQuery>,
) -> ApiResult<axum::Json<Vec<PublicBoard>>> {
    user.may_see_program(&state, &id).await?;
    // A board a moment old is fine: while the program is being evaluated, the last run answers.
    let run = state.run_to_serve(&id).await?;
    let me = user.0.partner.clone();
    let top = q.top.unwrap_or(10);
    let boards = run
        .population
        .leaderboards
        .iter()
        .filter(|b| q.scheme.as_ref().is_none_or(|s| &b.scheme == s))
        .filter(|b| q.period.as_ref().is_none_or(|p| &b.period == p))
        .filter(|b| q.group.as_ref().is_none_or(|g| &b.group == g))
        .map(|b| PublicBoard {
            scheme: b.scheme.clone(),
            period: b.period.clone(),
            group_by: b.group_by,
            group: b.group.clone(),
            size: b.rows.len(),
            rows: b
                .rows
                .iter()
                .enumerate()
                .filter(|(i, r)| *i < top || me.as_deref() == Some(&*r.partner))
                .map(|(_, r)| PublicRow {
                    rank: r.rank,
                    name: r.name.to_string(),
                    measure: r.measure,
                    you: me.as_deref() == Some(&*r.partner),
                })
                .collect(),
        })
        .collect();
    Ok(axum::Json(boards))
}

/// `GET /programs/{id}/partners` (designers): the partners taking part in the program.
pub async fn partners(
    State(state): State<AppState>,
    _: Designer,
    Path(ById { id }): Path<ById<String>>,
) -> ApiResult<axum::Json<Vec<mitra_scheme::Partner>>> {
    Ok(axum::Json(
        state
            .read(move |c| {
                queries::program(c, &id)?.ok_or_else(|| ApiError::not_found("the program"))?;
                Ok(queries::program_partners(c, &id)?)
            })
            .await?,
    ))
}

/// `POST /programs/{id}/partners` (designers): a new partner organisation, taking part in the
/// program from the day it is created.
pub async fn create_partner(
    State(state): State<AppState>,
    crate::auth::Designer(user): crate::auth::Designer,
    Path(ById { id }): Path<ById<String>>,
    super::Json(partner): super::Json<Partner>,
) -> ApiResult<Created<Partner>> {
    crate::input::id("id", &partner.id)?;
    for (what, text, max) in [
        ("name", &partner.name, crate::input::MAX_NAME),
        ("type", &partner.partner_type, crate::input::MAX_ID),
        ("region", &partner.region, crate::input::MAX_ID),
        ("segment", &partner.segment, crate::input::MAX_ID),
    ] {
        crate::input::text(what, text, max)?;
    }
    for (what, text) in [("name", &partner.name), ("type", &partner.partner_type), ("region", &partner.region)] {
        if text.trim().is_empty() {
            return Err(ApiError::bad_request("missing_field", format!("the partner's {what} is missing"))
                .with_details(serde_json::json!({ "field": what })));
        }
    }
    crate::input::date("enrolled", partner.enrolled)?;
    let now = crate::auth::now_rfc3339();
    let program = id.clone();
    let saved = partner.clone();
    state
        .write(move |tx| {
            queries::program(tx, &id)?.ok_or_else(|| ApiError::not_found("the program"))?;
            if queries::partner(tx, &partner.id)?.is_some() {
                return Err(ApiError::new(
                    axum::http::StatusCode::CONFLICT,
                    "duplicate_partner",
                    format!("a partner `{}` already exists", partner.id),
                )
                .with_details(serde_json::json!({ "field": "id" })));
            }
            if let Some(parent) = &partner.parent {
                queries::partner(tx, parent)?.ok_or_else(|| {
                    ApiError::bad_request("unknown_parent", format!("no partner `{parent}` to be the parent"))
                        .with_details(serde_json::json!({ "field": "parent" }))
                })?;
            }
            queries::insert_partner(tx, &partner)?;
            queries::enrol(tx, &id, &partner.id)?;
            Ok(crate::storage::audit::record(tx, user.id, "create_partner", &format!("{} in {id}", partner.id), &now)?)
        })
        .await?;
    state.invalidate_program(&program);
    Ok(Created(saved))
}

/// `PUT /programs/{id}/partners/{partner}` (designers): the partner takes part in the program.
pub async fn enrol(
    State(state): State<AppState>,
    crate::auth::Designer(user): crate::auth::Designer,
    Path(ProgramPartner { id, partner }): Path<ProgramPartner>,
) -> ApiResult<NoContent> {
    let now = crate::auth::now_rfc3339();
    let program = id.clone();
    state
        .write(move |tx| {
            queries::program(tx, &id)?.ok_or_else(|| ApiError::not_found("the program"))?;
            queries::partner(tx, &partner)?.ok_or_else(|| ApiError::not_found("the partner"))?;
            queries::enrol(tx, &id, &partner)?;
            Ok(crate::storage::audit::record(tx, user.id, "enrol", &format!("{partner} in {id}"), &now)?)
        })
        .await?;
    state.invalidate_program(&program);
    Ok(NoContent)
}
