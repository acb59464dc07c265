//! Program drafts (designers): create, edit, validate, publish.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use mitra_scheme::{validate, Program, ValidationError};

use super::answer::Created;
use super::extract::ById;
use super::Json;
use crate::auth::{now_rfc3339, Designer};
use crate::error::{ApiError, ApiResult};
use crate::storage::{audit, queries};
use crate::AppState;

pub use mitra_api::{Draft, DraftSummary, Published, SaveDraft};

/// Parse a definition: shape errors (unknown fields, wrong types) are refused at once.
fn parse(definition: serde_json::Value) -> ApiResult<Program> {
    serde_json::from_value(definition).map_err(|e| ApiError::bad_request("invalid_definition", e.to_string()))
}

fn load(conn: &rusqlite::Connection, id: i64) -> ApiResult<Draft> {
    let (program, json, updated_at, revision): (String, String, String, i64) = conn
        .query_row("SELECT program_id, definition, updated_at, revision FROM program_drafts WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?
        .ok_or_else(|| ApiError::not_found("the draft"))?;
    let definition: Program = serde_json::from_str(&json).map_err(ApiError::internal)?;
    let errors = validate(&definition);
    Ok(Draft { id, program, definition, revision, updated_at, errors })
}

pub async fn create(
    State(state): State<AppState>,
    Designer(user): Designer,
    Json(body): Json<SaveDraft>,
) -> ApiResult<Created<Draft>> {
    let program = parse(body.definition)?;
    let json = serde_json::to_string(&program).map_err(ApiError::internal)?;
    let (uid, now) = (user.id, now_rfc3339());
    let draft = state
        .write(move |tx| {
            tx.execute(
                "INSERT INTO program_drafts (program_id, definition, updated_at) VALUES (?1, ?2, ?3)",
                params![program.id, json, now],
            )?;
            let id = tx.last_insert_rowid();
            audit::record(tx, uid, "create_draft", &format!("draft #{id} of {}", program.id), &now)?;
            load(tx, id)
        })
        .await?;
    Ok(Created(draft))
}

pub async fn update(
    State(state): State<AppState>,
    Designer(user): Designer,
    Path(ById { id }): Path<ById<i64>>,
    Json(body): Json<SaveDraft>,
) -> ApiResult<axum::Json<Draft>> {
    let program = parse(body.definition)?;
    let json = serde_json::to_string(&program).map_err(ApiError::internal)?;
    let (uid, now) = (user.id, now_rfc3339());
    Ok(axum::Json(
        state
            .write(move |tx| {
                let before = load(tx, id)?;
                if body.revision.is_some_and(|r| r != before.revision) {
                    let mut e = ApiError::new(
                        StatusCode::CONFLICT,
                        "draft_conflict",
                        format!("draft #{id} was saved by someone else since revision {}", body.revision.unwrap_or(0)),
                    );
                    e.details = Some(serde_json::to_value(&before).map_err(ApiError::internal)?);
                    return Err(e);
                }
                if before.program != program.id {
                    return Err(ApiError::bad_request(
                        "program_changed",
                        format!("draft #{id} is for program {}; its id cannot change", before.program),
                    ));
                }
                tx.execute(
                    "UPDATE program_drafts SET definition = ?2, updated_at = ?3, revision = revision + 1 WHERE id = ?1",
                    params![id, json, now],
                )?;
                audit::record(tx, uid, "edit_draft", &format!("draft #{id}"), &now)?;
                load(tx, id)
            })
            .await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftQuery {
    program: Option<String>,
}

/// `GET /drafts?program=`: the drafts (of one program, when named), newest first.
pub async fn list(
    State(state): State<AppState>,
    _: Designer,
    axum::extract::Query(q): axum::extract::Query<DraftQuery>,
) -> ApiResult<axum::Json<Vec<DraftSummary>>> {
    Ok(axum::Json(
        state
            .read(move |c| {
                let ids: Vec<i64> = c
                    .prepare("SELECT id FROM program_drafts WHERE ?1 IS NULL OR program_id = ?1 ORDER BY id DESC")?
                    .query_map([q.program], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                ids.into_iter()
                    .map(|id| {
                        let d = load(c, id)?;
                        Ok(DraftSummary {
                            id,
                            program: d.program,
                            revision: d.revision,
                            updated_at: d.updated_at,
                            problems: d.errors.len(),
                        })
                    })
                    .collect()
            })
            .await?,
    ))
}

pub async fn show(
    State(state): State<AppState>,
    _: Designer,
    Path(ById { id }): Path<ById<i64>>,
) -> ApiResult<axum::Json<Draft>> {
    Ok(axum::Json(state.read(move |c| load(c, id)).await?))
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct Validation {
    valid: bool,
    errors: Vec<ValidationError>,
}

pub async fn check(
    State(state): State<AppState>,
    _: Designer,
    Path(ById { id }): Path<ById<i64>>,
) -> ApiResult<axum::Json<Validation>> {
    let d = state.read(move |c| load(c, id)).await?;
    Ok(axum::Json(Validation { valid: d.errors.is_empty(), errors: d.errors }))
}

/// Publish a valid draft as the program's next version. Periods already closed stay decided by
/// the version in force when they ended.
pub async fn publish(
    State(state): State<AppState>,
    Designer(user): Designer,
    Path(ById { id }): Path<ById<i64>>,
) -> ApiResult<axum::Json<Published>> {
    let (uid, now, today) = (user.id, now_rfc3339(), state.today());
    let published = state
        .write(move |tx| {
            let d = load(tx, id)?;
            if !d.errors.is_empty() {
                let mut e = ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_program",
                    format!("draft #{id} has {} problems; fix them first", d.errors.len()),
                );
                e.details = Some(serde_json::to_value(&d.errors).map_err(ApiError::internal)?);
                return Err(e);
            }
            // A program's first version governs every period; later ones those not yet closed.
            let first = queries::program(tx, &d.program)?.is_none();
            let effective_from = if first { mitra_api::SINCE_ALWAYS } else { today };
            let version = queries::publish_program(tx, &d.definition, &now, effective_from)?;
            audit::record(tx, uid, "publish", &format!("{} version {version}", d.program), &now)?;
            Ok(Published { program: d.program, version, effective_from })
        })
        .await?;
    state.invalidate_program(&published.program);
    Ok(axum::Json(published))
}
