//! Closing periods and manual adjustments (designers only).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use mitra_scheme::model::Instrument;

use super::Json;
use crate::auth::{now_rfc3339, Designer};
use crate::error::{ApiError, ApiResult};
use crate::input;
use crate::storage::{audit, ledger, queries};
use crate::AppState;

pub use mitra_api::{ClosePosting, CloseReport, CloseSkipped};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseQuery {
    /// Say what would be posted, and post nothing.
    #[serde(default)]
    dry_run: bool,
}

/// `POST /programs/{id}/close`: post, for every closed period, what its payout now is minus what
/// was already posted. Running it again with unchanged data posts nothing. With `?dry_run=true`
/// it answers what it would post, computed the same way, and writes nothing.
pub async fn close(
    State(state): State<AppState>,
    Designer(user): Designer,
    Path(program): Path<String>,
    axum::extract::Query(q): axum::extract::Query<CloseQuery>,
) -> ApiResult<axum::Json<CloseReport>> {
    let pinned = state.config.today;
    let (uid, now) = (user.id, now_rfc3339());
    let work = move |tx: &rusqlite::Connection| -> ApiResult<ledger::CloseOutcome> {
        // Each closed period is decided by the version in force when it ended.
        let versions = queries::program_versions(tx, &program)?;
        if versions.is_empty() {
            return Err(ApiError::not_found("the program"));
        }
        let partners = queries::program_partners(tx, &program)?;
        let facts = queries::program_facts(tx, &program)?;
        let zone = versions.last().map(|v| v.program.time_zone.as_str()).unwrap_or("UTC");
        let today = crate::today_in(pinned, zone);
        let mut outcome = ledger::CloseOutcome::default();
        for (i, v) in versions.iter().enumerate() {
            let until = versions.get(i + 1).map(|n| n.effective_from);
            let run = mitra_scheme::population(&v.program, &partners, &facts, today);
            let governs = |end: chrono::NaiveDate| end >= v.effective_from && until.is_none_or(|u| end < u);
            ledger::due(tx, &v.program, &run, governs, &mut outcome)?;
        }
        if !q.dry_run {
            ledger::post_due(tx, &program, &mut outcome, &now)?;
            let summary =
                format!("{program}: {} journals posted, {} lines skipped", outcome.posted, outcome.skipped.len());
            audit::record(tx, uid, "close", &summary, &now)?;
        }
        Ok(outcome)
    };
    let outcome =
        if q.dry_run { state.db.read(move |c| work(c)).await? } else { state.db.write(move |tx| work(tx)).await? };
    Ok(axum::Json(CloseReport {
        posted: outcome.posted,
        postings: outcome
            .postings
            .into_iter()
            .map(|d| ClosePosting {
                partner: d.partner,
                scheme: d.scheme,
                period: d.period,
                instrument: d.instrument,
                amount: d.amount,
            })
            .collect(),
        skipped: outcome
            .skipped
            .into_iter()
            .map(|k| CloseSkipped { partner: k.partner, scheme: k.scheme, period: k.period, reason: k.reason.into() })
            .collect(),
        dry_run: q.dry_run,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adjustment {
    program: String,
    /// Whole points; negative to take points back.
    points: i64,
    reason: String,
}

/// `POST /partners/{id}/adjustments`: a manual posting with a reason.
pub async fn adjust(
    State(state): State<AppState>,
    Designer(user): Designer,
    Path(partner): Path<String>,
    Json(body): Json<Adjustment>,
) -> ApiResult<(StatusCode, axum::Json<ledger::Posting>)> {
    input::text("reason", &body.reason, input::MAX_TEXT)?;
    if body.reason.trim().is_empty() {
        return Err(ApiError::bad_request("reason_required", "say why the points are adjusted"));
    }
    if body.points.unsigned_abs() > input::MAX_MINOR.unsigned_abs() {
        return Err(ApiError::bad_request(
            "invalid_amount",
            format!("an adjustment is at most {} points either way", input::MAX_MINOR),
        )
        .with_details(serde_json::json!({ "field": "points", "max": input::MAX_MINOR })));
    }
    if body.points == 0 {
        return Err(ApiError::bad_request("zero_adjustment", "an adjustment of 0 points changes nothing"));
    }
    let (uid, now) = (user.id, now_rfc3339());
    let posting = state
        .db
        .write(move |tx| {
            queries::program(tx, &body.program)?.ok_or_else(|| ApiError::not_found("the program"))?;
            queries::partner(tx, &partner)?.ok_or_else(|| ApiError::not_found("the partner"))?;
            let account = ledger::partner_account(&body.program, &partner, Instrument::Points);
            if body.points < 0 && ledger::balance(tx, &account)? + body.points < 0 {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "insufficient_points",
                    "the adjustment would make the balance negative",
                ));
            }
            let memo = format!("Adjustment: {}", body.reason.trim());
            let id = ledger::post(
                tx,
                &body.program,
                &partner,
                Instrument::Points,
                crate::storage::ledger::PostingKind::Adjustment,
                None,
                None,
                &memo,
                body.points,
                &now,
            )?;
            audit::record(
                tx,
                uid,
                "adjustment",
                &format!("{partner} {:+} points: {}", body.points, body.reason.trim()),
                &now,
            )?;
            ledger::postings(tx, &account, 0)?
                .into_iter()
                .find(|p| p.id == id)
                .ok_or_else(|| ApiError::internal("posting vanished"))
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(posting)))
}
