//! `/funds`: each marketing (MDF) or co-op fund the partner accrues: accrued, drawn, what
//! pending claims will draw and what is left, period by period, with the spend claims against it.
//! The figures are the evaluator's, computed here from the partner's facts like every other page.

use leptos::prelude::*;
use mitra_scheme::model::Instrument;
use mitra_scheme::report::SchemeResult;
use mitra_scheme::Program;
use rust_decimal::Decimal;

use crate::api::{Claim, ClaimRequest, Dashboard};
use crate::components::error::ErrorPanel;
use crate::components::loaded::WithDashboard;
use crate::format;
use crate::i18n::td_string;
use crate::locale::{named, period_name, tr};
use crate::pages::claims::{claims_resource, money, pending_draw, reimbursed_percent, status_text};
use crate::session::AppState;

#[component]
pub fn FundsPage() -> impl IntoView {
    view! { <WithDashboard view=|d| view! { <Funds data=d/> }/> }
}

#[component]
fn Funds(data: Dashboard) -> impl IntoView {
    let statement = mitra_scheme::statement(&data.program, &data.partner, &data.facts, data.today, Some(&data.context));
    let funds: Vec<SchemeResult> = statement.schemes.into_iter().filter(|s| s.instrument == Instrument::Fund).collect();
    let claims = claims_resource(data.program.id.clone(), data.partner.id.clone());
    let program = data.program.clone();
    let empty = funds.is_empty();
    view! {
        <section class="funds">
            <header class="dashboard-head">
                <h1>{tr(|l| td_string!(l.i18n(), funds_title).to_string())}</h1>
                <p class="muted">{tr(|l| td_string!(l.i18n(), funds_intro).to_string())}</p>
                {(!empty).then(|| view! { <p><a class="button" href="/claims/new">{tr(|l| td_string!(l.i18n(), new_claim).to_string())}</a></p> })}
            </header>
            {empty.then(|| view! { <p class="empty" data-test="no-funds">{tr(|l| td_string!(l.i18n(), no_funds).to_string())}</p> })}
            <Transition fallback=move || view! { <p class="loading">{tr(|l| td_string!(l.i18n(), loading_figures).to_string())}</p> }>
                {move || claims.get().map(|result| match result {
                    Err(e) => view! { <ErrorPanel error=e retry=move || claims.refetch()/> }.into_any(),
                    Ok(list) => funds.iter().map(|f| view! { <FundCard fund=f.clone() program=program.clone() claims=list.clone()/> }).collect_view().into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn FundCard(fund: SchemeResult, program: Program, claims: Vec<Claim>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let balance = fund.fund.clone().unwrap_or_default();
    let pending = pending_draw(&program, &claims, &fund.scheme);
    let available = (balance.balance - pending).max(Decimal::ZERO);
    let share = reimbursed_percent(&program, &fund.scheme);
    let name = program.schemes.iter().find(|s| s.id == fund.scheme).map(|s| (s.name.clone(), s.names.clone()));
    let scheme_id = fund.scheme.clone();
    // Period by period: what each accrued and drew (differences of the running totals).
    let mut before = mitra_scheme::report::FundBalance::default();
    let periods: Vec<(String, Decimal, Decimal, Decimal)> = fund
        .periods
        .iter()
        .filter_map(|line| {
            let now = line.fund.clone()?;
            let row = (line.label.clone(), now.accrued - before.accrued, now.drawn - before.drawn, now.balance);
            before = now;
            Some(row)
        })
        .collect();
    let against: Vec<Claim> = claims
        .into_iter()
        .filter(|c| matches!(&c.request, ClaimRequest::Spend { scheme, .. } if *scheme == scheme_id))
        .collect();
    let p = program.clone();
    let stat = move |label: &'static str, x: Decimal| {
        let p = p.clone();
        view! {
            <div class="stat" data-test=format!("fund-{label}")>
                <span class="muted">{move || match label {
                    "accrued" => td_string!(l().i18n(), fund_accrued).to_string(),
                    "drawn" => td_string!(l().i18n(), fund_drawn).to_string(),
                    "pending" => td_string!(l().i18n(), fund_pending).to_string(),
                    _ => td_string!(l().i18n(), fund_available).to_string(),
                }}</span>
                <span class="figure">{move || money(l(), &p, x)}</span>
            </div>
        }
    };
    let (p_rows, p_claims) = (program.clone(), program);
    let no_claims = against.is_empty();
    view! {
        <article class="card fund" data-fund=fund.scheme.clone()>
            <h2>{move || name.as_ref().map(|(n, names)| named(l(), n, names)).unwrap_or_default()}</h2>
            <p class="muted">{move || td_string!(l().i18n(), reimburse_share, percent = format!("{} %", format::number(l(), share, 0))).to_string()}</p>
            <div class="balances">
                {stat("accrued", balance.accrued)}
                {stat("drawn", balance.drawn)}
                {stat("pending", pending)}
                {stat("available", available)}
            </div>
            <table class="statement-lines fund-periods">
                <thead><tr>
                    <th scope="col">{tr(|l| td_string!(l.i18n(), period_label).to_string())}</th>
                    <th scope="col" class="num">{tr(|l| td_string!(l.i18n(), fund_accrued).to_string())}</th>
                    <th scope="col" class="num">{tr(|l| td_string!(l.i18n(), fund_drawn).to_string())}</th>
                    <th scope="col" class="num">{tr(|l| td_string!(l.i18n(), col_balance).to_string())}</th>
                </tr></thead>
                <tbody>
                    {periods.into_iter().map(|(label, accrued, drawn, after)| {
                        let (p1, p2, p3) = (p_rows.clone(), p_rows.clone(), p_rows.clone());
                        view! {
                            <tr data-test="fund-period">
                                <th scope="row">{move || period_name(l(), &label)}</th>
                                <td class="num">{move || money(l(), &p1, accrued)}</td>
                                <td class="num">{move || money(l(), &p2, drawn)}</td>
                                <td class="num">{move || money(l(), &p3, after)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <h3>{tr(|l| td_string!(l.i18n(), fund_claims).to_string())}</h3>
            {no_claims.then(|| view! { <p class="empty">{tr(|l| td_string!(l.i18n(), no_fund_claims).to_string())}</p> })}
            <ul class="fund-claims">
                {against.into_iter().map(|c| {
                    let p = p_claims.clone();
                    let (status, id, reason) = (c.status, c.id, c.reason.clone());
                    let (date, amount, description) = match c.request {
                        ClaimRequest::Spend { date, amount, description, .. } => (Some(date), amount, description),
                        ClaimRequest::Sale { .. } => (None, Decimal::ZERO, String::new()),
                    };
                    view! {
                        <li data-test="fund-claim" data-claim=id>
                            <span>{move || date.map(|d| format::date(l(), d)).unwrap_or_default()} " · " {description}</span>
                            <span class="num">{move || money(l(), &p, amount)}</span>
                            <span class="status">{move || status_text(l(), status)}</span>
                            {reason.map(|r| view! { <span class="error">{r}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </article>
    }
}
