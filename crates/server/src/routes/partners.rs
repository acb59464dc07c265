//! A partner's own data: profile, facts, statement, ledger, and the dashboard bundle the app
//! computes its figures from.

use axum::extract::{Path, Query, State};
use serde::Serialize;

use mitra_scheme::model::{Fact, Instrument, Partner};
use mitra_scheme::{Program, Statement};

use super::answer::Csv;
use super::extract::ById;
use super::ProgramQuery;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::storage::ledger;
use crate::storage::queries;
use crate::AppState;

pub async fn partner_of(state: &AppState, user: &CurrentUser, id: String) -> ApiResult<Partner> {
    user.may_see_partner(&id)?;
    state.db.read(move |c| queries::partner(c, &id)).await?.ok_or_else(|| ApiError::not_found("the partner"))
}

pub async fn profile(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ById { id }): Path<ById<String>>,
) -> ApiResult<axum::Json<Partner>> {
    Ok(axum::Json(partner_of(&state, &user, id).await?))
}

pub async fn facts(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ById { id }): Path<ById<String>>,
) -> ApiResult<axum::Json<Vec<Fact>>> {
    let p = partner_of(&state, &user, id).await?;
    Ok(axum::Json(state.db.read(move |c| queries::partner_facts(c, &p.id)).await?))
}

/// A partner's full statement, computed with the whole population's context.
pub async fn partner_statement(state: &AppState, partner: &Partner, program: &str) -> ApiResult<Statement> {
    let run = state.run_to_serve(program).await?;
    if run.population.figures(&partner.id).is_none() {
        return Err(ApiError::not_found("this partner in the program"));
    }
    let pid = partner.id.clone();
    let facts = state.db.read(move |c| queries::partner_facts(c, &pid)).await?;
    let context = run.population.context_for(&run.program, partner);
    Ok(mitra_scheme::statement(&run.program, partner, &facts, run.population.as_of, Some(&context)))
}

/// The authoritative statement.
pub async fn statement(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ById { id }): Path<ById<String>>,
    Query(q): Query<ProgramQuery>,
) -> ApiResult<axum::Json<Statement>> {
    let partner = partner_of(&state, &user, id).await?;
    Ok(axum::Json(partner_statement(&state, &partner, &q.program).await?))
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct Fund {
    scheme: String,
    name: String,
    #[serde(flatten)]
    balance: mitra_scheme::report::FundBalance,
}

/// `GET /partners/{id}/funds`: MDF and co-op balances (accrued, drawn, balance) per fund scheme.
pub async fn funds(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ById { id }): Path<ById<String>>,
    Query(q): Query<ProgramQuery>,
) -> ApiResult<axum::Json<Vec<Fund>>> {
    let partner = partner_of(&state, &user, id).await?;
    let st = partner_statement(&state, &partner, &q.program).await?;
    Ok(axum::Json(
        st.schemes
            .into_iter()
            .filter_map(|s| Some(Fund { balance: s.fund?, scheme: s.scheme, name: s.name }))
            .collect(),
    ))
}

pub use mitra_api::{Dashboard, Ledger, StatementPage, StatementQuery};

/// Lines a statement page shows unless asked otherwise, and at most.
const PER_PAGE: u32 = 50;
const MAX_PER_PAGE: u32 = 500;

fn line_filter(q: &StatementQuery) -> ledger::LineFilter<'_> {
    ledger::LineFilter { instrument: q.instrument, scheme: q.scheme.as_deref(), period: q.period.as_deref() }
}

/// `GET /partners/{id}/postings?program=&instrument=&scheme=&period=&page=&per_page=`: the
/// partner's statement, every instrument's postings newest first with the running balance.
pub async fn postings(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ById { id }): Path<ById<String>>,
    Query(q): Query<StatementQuery>,
) -> ApiResult<axum::Json<StatementPage>> {
    let p = partner_of(&state, &user, id).await?;
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(PER_PAGE);
    if page == 0 || per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(ApiError::bad_request(
            "invalid_page",
            format!("page counts from 1 and per_page from 1 to {MAX_PER_PAGE}"),
        ));
    }
    let answer = state
        .read(move |c| {
            let (_, prog) = queries::program(c, &q.program)?.ok_or_else(|| ApiError::not_found("the program"))?;
            let offset = u64::from(page - 1) * u64::from(per_page);
            let (lines, total) = ledger::statement_lines(
                c,
                &prog,
                &p.id,
                &line_filter(&q),
                ledger::Cut::Page { limit: per_page, offset },
            )?;
            let balance = |i: Instrument| -> ApiResult<rust_decimal::Decimal> {
                let minor = ledger::balance(c, &ledger::partner_account(&prog.id, &p.id, i))?;
                Ok(ledger::from_minor(minor, mitra_scheme::eval::precision(&prog, i)))
            };
            Ok(StatementPage {
                lines,
                total,
                page,
                per_page,
                periods: ledger::posted_periods(c, &prog.id, &p.id)?,
                points: balance(Instrument::Points)?,
                cash: balance(Instrument::Cash)?,
                fund: balance(Instrument::Fund)?,
            })
        })
        .await?;
    Ok(axum::Json(answer))
}

/// `GET /partners/{id}/postings.csv?program=&instrument=&scheme=&period=`: the same statement as
/// a spreadsheet, oldest first, every line.
pub async fn postings_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ById { id }): Path<ById<String>>,
    Query(q): Query<StatementQuery>,
) -> ApiResult<Csv> {
    if q.page.is_some() || q.per_page.is_some() {
        return Err(ApiError::bad_request("invalid_page", "the CSV export has every line: no page or per_page"));
    }
    let p = partner_of(&state, &user, id).await?;
    let file = format!("statement-{}-{}.csv", q.program, p.id);
    let body = state
        .read(move |c| {
            let (_, prog) = queries::program(c, &q.program)?.ok_or_else(|| ApiError::not_found("the program"))?;
            let (lines, _) = ledger::statement_lines(c, &prog, &p.id, &line_filter(&q), ledger::Cut::Everything)?;
            Ok(ledger::statement_csv(&lines)?)
        })
        .await?;
    Ok(Csv { file, body })
}

async fn ledger_of(state: &AppState, program: String, partner: String) -> ApiResult<(Program, Ledger)> {
    state
        .read(move |c| {
            let (_, prog) = queries::program(c, &program)?.ok_or_else(|| ApiError::not_found("the program"))?;
            let points_account = ledger::partner_account(&prog.id, &partner, Instrument::Points);
            let cash_account = ledger::partner_account(&prog.id, &partner, Instrument::Cash);
            let l = Ledger {
                points: ledger::from_minor(ledger::balance(c, &points_account)?, 0),
                cash: ledger::from_minor(ledger::balance(c, &cash_account)?, prog.decimals),
                postings: ledger::postings(c, &points_account, 0)?,
            };
            Ok((prog, l))
        })
        .await
}

pub async fn ledger(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ById { id }): Path<ById<String>>,
    Query(q): Query<ProgramQuery>,
) -> ApiResult<axum::Json<Ledger>> {
    let p = partner_of(&state, &user, id).await?;
    Ok(axum::Json(ledger_of(&state, q.program, p.id).await?.1))
}

pub async fn dashboard(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ById { id }): Path<ById<String>>,
    Query(q): Query<ProgramQuery>,
) -> ApiResult<axum::Json<Dashboard>> {
    let partner = partner_of(&state, &user, id).await?;
    let run = state.run_to_serve(&q.program).await?;
    if run.population.figures(&partner.id).is_none() {
        return Err(ApiError::not_found("this partner in the program"));
    }
    let pid = partner.id.clone();
    let facts = state.db.read(move |c| queries::partner_facts(c, &pid)).await?;
    let (program, ledger) = ledger_of(&state, q.program, partner.id.clone()).await?;
    let context = run.population.context_for(&run.program, &partner);
    Ok(axum::Json(Dashboard { today: run.today, program, partner, facts, context, ledger, offline_as_of: None }))
}
