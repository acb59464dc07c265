//! Closing periods and manual adjustments (designers only).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use mitra_scheme::model::Instrument;

use super::answer::{Created, Encoded};
use super::extract::ById;
use super::Json;
use crate::auth::{now_rfc3339, Designer};
use crate::error::{ApiError, ApiResult};
use crate::input;
use crate::storage::{audit, ledger, queries};
use crate::AppState;

pub use mitra_api::{ClosePosting, CloseReport, CloseSkipped};

/// Partners posted per write transaction of a close: short enough that a redemption waiting
/// behind one waits a few milliseconds.
const CLOSE_BATCH: usize = 20;

#[derive(Deserialize, schemars::JsonSchema)]
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
    Path(ById { id: program }): Path<ById<String>>,
    axum::extract::Query(q): axum::extract::Query<CloseQuery>,
    headers: axum::http::HeaderMap,
) -> ApiResult<Encoded<CloseReport>> {
    let pinned = state.config.today;
    let (uid, now) = (user.id, now_rfc3339());
    // Evaluated on one read snapshot, outside the write lock and below the requests' priority:
    // redemptions and claims go on meanwhile. What each partner was seen with is kept to check
    // at posting.
    let id = program.clone();
    let (mut outcome, seen) =
        state.db.read_in_background(move |conn| ledger::evaluate_close(conn, &id, pinned)).await?;
    if !q.dry_run {
        // Posted a few partners per short transaction, each checking that nothing it read changed.
        let mut by_partner: std::collections::BTreeMap<String, Vec<ledger::Due>> = std::collections::BTreeMap::new();
        for d in std::mem::take(&mut outcome.postings) {
            by_partner.entry(d.partner.clone()).or_default().push(d);
        }
        // Each batch owns its partners' postings and what they were seen with (nothing copied).
        let mut groups = by_partner
            .into_iter()
            .filter_map(|(partner, postings)| Some((seen.get(&partner).copied()?, partner, postings)));
        loop {
            let batch: Vec<_> = groups.by_ref().take(CLOSE_BATCH).collect();
            if batch.is_empty() {
                break;
            }
            let (program, now) = (program.clone(), now.clone());
            let done = state
                .write(move |tx| {
                    let mut done = (0, Vec::new(), Vec::new());
                    for (was, partner, postings) in batch {
                        match ledger::post_if_unchanged(tx, &program, &partner, was, &postings, &now)? {
                            Ok(n) => {
                                done.0 += n;
                                done.1.extend(postings);
                            }
                            Err(skipped) => done.2.extend(skipped),
                        }
                    }
                    Ok(done)
                })
                .await?;
            outcome.posted += done.0;
            outcome.postings.extend(done.1);
            outcome.skipped.extend(done.2);
        }
        let summary = format!("{program}: {} journals posted, {} lines skipped", outcome.posted, outcome.skipped.len());
        state.db.write(move |tx| audit::record(tx, uid, "close", &summary, &now)).await?;
    }
    let report = CloseReport {
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
    };
    Encoded::built_aside(report, super::answer::accepts(&headers, "gzip")).await
}

#[derive(Deserialize, schemars::JsonSchema)]
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
    Path(ById { id: partner }): Path<ById<String>>,
    Json(body): Json<Adjustment>,
) -> ApiResult<Created<ledger::Posting>> {
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
    Ok(Created(posting))
}
