//! Claims: partners submit, designers approve or reject.

use axum::extract::{Path, Query, State};
use serde::Deserialize;

use mitra_scheme::model::Instrument;

use super::answer::Created;
use super::extract::ById;
use super::partners::{partner_of, partner_statement};
use super::Json;
use crate::auth::{now_rfc3339, CurrentUser, Designer, ForPartner};
use crate::error::{ApiError, ApiResult};
use crate::storage::audit;
use crate::storage::claims::{self, Claim, ClaimRequest};
use crate::AppState;

pub async fn submit(
    State(state): State<AppState>,
    ForPartner { user, partner }: ForPartner,
    Json(request): Json<ClaimRequest>,
) -> ApiResult<Created<Claim>> {
    let (id, program) = (partner.clone(), request.program().to_string());
    let (partner, enrolled) = state
        .read(move |c| {
            let partner =
                crate::storage::queries::partner(c, &id)?.ok_or_else(|| ApiError::not_found("the partner"))?;
            Ok((partner, crate::storage::queries::partner_programs(c, &id)?.contains(&program)))
        })
        .await?;
    // The program must exist and the partner take part in it.
    // The definition and today are all a claim needs of the run.
    let run = state.run_to_serve(request.program()).await?;
    if !enrolled {
        return Err(ApiError::forbidden("your organisation does not take part in this program"));
    }
    claims::check(&request, run.today, run.program.decimals)?;
    let fund = match &request {
        ClaimRequest::Spend { program, scheme, .. } => {
            let def = run
                .program
                .schemes
                .iter()
                .find(|s| &s.id == scheme)
                .ok_or_else(|| ApiError::not_found(&format!("scheme {scheme}")))?;
            if def.instrument != Instrument::Fund {
                return Err(ApiError::bad_request("not_a_fund", format!("scheme {scheme} does not pay into a fund")));
            }
            let share = def.fund.as_ref().map_or(rust_decimal::Decimal::ONE_HUNDRED, |f| f.reimburse_percent);
            let st = partner_statement(&state, &partner, program).await?;
            let balance = st
                .schemes
                .iter()
                .find(|s| &s.scheme == scheme)
                .and_then(|s| s.fund.clone())
                .map(|f| f.balance)
                .unwrap_or_default();
            Some((balance, share))
        }
        ClaimRequest::Sale { .. } => None,
    };
    let (uid, now) = (user.id, now_rfc3339());
    let claim = state.db.write(move |tx| claims::submit(tx, &partner.id, uid, &request, fund, &now)).await?;
    Ok(Created(claim))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimQuery {
    program: String,
    status: Option<String>,
}

pub async fn of_partner(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ById { id }): Path<ById<String>>,
    Query(q): Query<ClaimQuery>,
) -> ApiResult<axum::Json<Vec<Claim>>> {
    let partner = partner_of(&state, &user, id).await?;
    Ok(axum::Json(state.db.read(move |c| claims::list(c, &q.program, Some(&partner.id), q.status.as_deref())).await?))
}

/// `GET /claims?program=&status=`: the designers' queue.
pub async fn queue(
    State(state): State<AppState>,
    _: Designer,
    Query(q): Query<ClaimQuery>,
) -> ApiResult<axum::Json<Vec<Claim>>> {
    Ok(axum::Json(state.db.read(move |c| claims::list(c, &q.program, None, q.status.as_deref())).await?))
}

pub async fn approve(
    State(state): State<AppState>,
    Designer(user): Designer,
    Path(ById { id }): Path<ById<i64>>,
) -> ApiResult<axum::Json<Claim>> {
    let (uid, now) = (user.id, now_rfc3339());
    let claim = state
        .write(move |tx| {
            let c = claims::approve(tx, id, &now)?;
            audit::record(tx, uid, "approve_claim", &format!("claim #{id} of {}", c.partner), &now)?;
            Ok(c)
        })
        .await?;
    // The claim's lines became the partner's facts: every program the partner is in changes.
    state.invalidate_partner(&claim.partner).await?;
    Ok(axum::Json(claim))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    reason: String,
}

pub async fn reject(
    State(state): State<AppState>,
    Designer(user): Designer,
    Path(ById { id }): Path<ById<i64>>,
    Json(body): Json<Rejection>,
) -> ApiResult<axum::Json<Claim>> {
    crate::input::text("reason", &body.reason, crate::input::MAX_TEXT)?;
    if body.reason.trim().is_empty() {
        return Err(ApiError::bad_request("reason_required", "say why the claim is rejected"));
    }
    let (uid, now) = (user.id, now_rfc3339());
    Ok(axum::Json(
        state
            .write(move |tx| {
                let c = claims::reject(tx, id, body.reason.trim(), &now)?;
                audit::record(
                    tx,
                    uid,
                    "reject_claim",
                    &format!("claim #{id} of {}: {}", c.partner, body.reason.trim()),
                    &now,
                )?;
                Ok(c)
            })
            .await?,
    ))
}
