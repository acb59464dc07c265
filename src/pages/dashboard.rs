//! The partner's dashboard: points balance (available and pending), tier, the next best actions,
//! for each scheme the measure so far, what was earned and the next milestone, recent postings
//! and badges. Figures are computed here by crates/scheme from the program, the partner's facts
//! and the context the server publishes.

use crate::api::{Dashboard, Posting};
use crate::components::badges::BadgeList;
use crate::components::loaded::WithDashboard;
use crate::components::scheme_card::{measure_text, payout_text, SchemeCard};
use crate::components::tier::TierCard;
use crate::components::what_if::{Basis, WhatIfPanel};
use crate::format;
use crate::i18n::td_string;
use crate::session::AppState;
use leptos::prelude::*;
use mitra_scheme::model::{FactKind, Instrument, Scheme};
use mitra_scheme::report::{MilestoneKind, PeriodLine, Statement};
use mitra_scheme::Program;
use rust_decimal::Decimal;

#[component]
pub fn DashboardPage() -> impl IntoView {
    view! { <WithDashboard view=|d| view! { <DashboardView data=d/> }/> }
}

/// The dashboard for loaded data.
#[component]
pub fn DashboardView(data: Dashboard) -> impl IntoView {
    let state = expect_context::<AppState>();
    let statement = mitra_scheme::statement(&data.program, &data.partner, &data.facts, data.today, Some(&data.context));
    let program = data.program.clone();
    let points_name = program.points_name.clone();
    let balance = data.ledger.points;
    let pending = pending_points(&statement, &program);
    let today = data.today;
    let basis = std::sync::Arc::new(Basis::new(&data, statement.clone()));
    let facts = basis.facts.clone();
    let cards = statement
        .schemes
        .iter()
        .zip(&program.schemes)
        .map(|(result, scheme)| {
            view! { <SchemeCard scheme=scheme.clone() result=result.clone() program=program.clone() facts=facts.clone() today=today/> }
        })
        .collect_view();
    view! {
        <section class="dashboard">
            <header class="dashboard-head">
                <h1 data-test="partner-name">{data.partner.name.clone()}</h1>
                <p class="muted">
                    {let p = data.program.clone(); move || crate::locale::named(state.locale.get(), &p.name, &p.names)} " · "
                    <span data-test="as-of-line">
                        {move || td_string!(state.locale.get().i18n(), as_of, date = format::date(state.locale.get(), today)).to_string()}
                    </span>
                    <span data-test="as-of" hidden>{move || format::date(state.locale.get(), today)}</span>
                </p>
            </header>
            {data.offline_as_of.clone().map(|at| view! {
                <p class="notice offline" role="status" data-test="offline">
                    {move || td_string!(state.locale.get().i18n(), offline_as_of, when = format::date_time(state.locale.get(), &at)).to_string()}
                </p>
            })}
            <div class="summary">
                <article class="card balance">
                    <h2>{crate::locale::tr(|l| td_string!(l.i18n(), balance).to_string())}</h2>
                    <p class="figure">
                        <span data-test="points-balance">{move || format::number(state.locale.get(), balance, 0)}</span>
                        " " {points_name.clone()}
                    </p>
                    <p class="muted" data-test="pending-line">
                        {move || td_string!(state.locale.get().i18n(), pending_points,
                            amount = format::number(state.locale.get(), pending, 0), points = points_name.clone()).to_string()}
                    </p>
                    <span data-test="points-pending" hidden>{pending.to_string()}</span>
                </article>
                {(!program.tiers.is_empty()).then(|| view! { <TierCard status=statement.tier.clone() program=program.clone()/> })}
            </div>
            <GoalCard statement=statement.clone() program=program.clone() balance=balance pending=pending/>
            <NextActions statement=statement.clone() program=program.clone()/>
            <div class="schemes">{cards}</div>
            <WhatIfPanel basis=basis/>
            <div class="dashboard-foot">
                <RecentPostings postings=data.ledger.postings.clone() program=program.clone()/>
                <section class="badges-section">
                    <h2>{crate::locale::tr(|l| td_string!(l.i18n(), badges_title).to_string())}</h2>
                    <BadgeList program=program.clone() earned=statement.badges.clone()/>
                </section>
            </div>
        </section>
    }
}

/// Points earned in periods still running: shown as pending until the period closes and posts them.
fn pending_points(statement: &Statement, program: &Program) -> Decimal {
    statement
        .schemes
        .iter()
        .zip(&program.schemes)
        .filter(|(_, s)| s.instrument == Instrument::Points)
        .flat_map(|(r, _)| r.periods.iter().filter(|l| l.running))
        .filter(|l| !l.overflow)
        .map(|l| l.payout)
        .sum()
}

/// A running period's next milestone as something to do: "Sell Rp 9.500.000 more by 31 Dec to
/// reach step 2 of …: +34.500 poin".
pub fn action_text(loc: crate::locale::Locale, scheme: &Scheme, program: &Program, line: &PeriodLine) -> String {
    let Some(next) = line.next.as_ref() else { return String::new() };
    let needed = measure_text(loc, scheme, program, next.needed);
    let date = format::date(loc, line.end);
    let gain = format!("+{}", payout_text(loc, scheme.instrument, program, next.gain));
    let name = crate::locale::named(loc, &scheme.name, &scheme.names);
    let sells = scheme.counts.fact == FactKind::Sale;
    let i = loc.i18n();
    match (next.kind, sells) {
        (MilestoneKind::Slab, true) => {
            let slab = line.slab.map_or(1, |s| s + 2);
            td_string!(i, action_sell_slab, needed = needed, date = date, slab = slab, scheme = name, gain = gain).to_string()
        }
        (MilestoneKind::Rank, true) => td_string!(i, action_sell_rank, needed = needed, date = date, scheme = name, gain = gain).to_string(),
        (_, true) => td_string!(i, action_sell_gate, needed = needed, date = date, scheme = name, gain = gain).to_string(),
        (_, false) => td_string!(i, action_other, needed = needed, date = date, scheme = name, gain = gain).to_string(),
    }
}

/// The milestone that best closes a gap in points: the smallest gain that covers it, else the
/// largest gain there is.
pub fn step_toward(statement: &Statement, program: &Program, gap: Decimal) -> Option<(Scheme, PeriodLine)> {
    let mut steps: Vec<(Scheme, PeriodLine)> = statement
        .schemes
        .iter()
        .zip(&program.schemes)
        .filter(|(_, s)| s.instrument == Instrument::Points)
        .flat_map(|(r, s)| r.periods.iter().filter(|l| l.running && l.next.is_some()).map(move |l| (s.clone(), l.clone())))
        .collect();
    let gain = |x: &(Scheme, PeriodLine)| x.1.next.as_ref().map(|n| n.gain).unwrap_or_default();
    steps.sort_by_key(gain);
    let covering = steps.iter().position(|x| gain(x) >= gap);
    match covering {
        Some(i) => Some(steps.swap_remove(i)),
        None => steps.pop(),
    }
}

/// The reward the partner saves up for: how far the balance is, what pending points will add,
/// and the one step that would get them there.
#[component]
fn GoalCard(statement: Statement, program: Program, balance: Decimal, pending: Decimal) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let program_id = program.id.clone();
    let goal = LocalResource::new(move || {
        let token = state.session.get().map(|s| s.token).unwrap_or_default();
        let program = program_id.clone();
        async move { crate::api::goal(&token, &program).await }
    });
    let points = move |x: Decimal, p: &Program| format!("{} {}", format::number(l(), x, 0), p.points_name);
    move || {
        let (statement, program) = (statement.clone(), program.clone());
        goal.get().and_then(Result::ok).map(move |goal| match goal {
            None => view! {
                <p class="goal-pick"><a href="/rewards" data-test="pick-goal">{crate::locale::tr(|l| td_string!(l.i18n(), goal_pick).to_string())}</a></p>
            }.into_any(),
            Some(goal) => {
                let price = Decimal::from(goal.item.price);
                let gap = (price - balance).max(Decimal::ZERO);
                let percent = if price.is_zero() { 100 } else { (balance * Decimal::ONE_HUNDRED / price).min(Decimal::ONE_HUNDRED).trunc().try_into().unwrap_or(0u32) };
                let step = (gap > pending).then(|| step_toward(&statement, &program, gap - pending)).flatten();
                let (p1, p2, p3) = (program.clone(), program.clone(), program.clone());
                let href = format!("/rewards/{}", goal.item.id);
                view! {
                    <article class="card goal" data-test="goal">
                        <h2>{crate::locale::tr(|l| td_string!(l.i18n(), goal_title).to_string())}</h2>
                        <p class="goal-name"><a href=href>{goal.item.name.clone()}</a></p>
                        <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=percent
                            aria-label=move || td_string!(l().i18n(), goal_title).to_string()>
                            <span style=format!("width: {percent}%")></span>
                        </div>
                        <p class="muted" data-test="goal-progress">
                            {move || td_string!(l().i18n(), goal_progress, balance = points(balance, &p1), price = points(price, &p1)).to_string()}
                        </p>
                        <p data-test="goal-status">{move || {
                            let i = l().i18n();
                            if gap.is_zero() {
                                td_string!(i, goal_ready).to_string()
                            } else if gap <= pending {
                                td_string!(i, goal_pending_covers, gap = points(gap, &p2), pending = points(pending, &p2)).to_string()
                            } else {
                                td_string!(i, goal_to_go, gap = points(gap, &p2)).to_string()
                            }
                        }}</p>
                        {step.map(|(scheme, line)| view! {
                            <p class="goal-step" data-test="goal-step">{move || action_text(l(), &scheme, &p3, &line)}</p>
                        })}
                    </article>
                }.into_any()
            }
        })
    }
}

/// The next best actions: every running period's next milestone, the largest gain first.
#[component]
fn NextActions(statement: Statement, program: Program) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let mut actions: Vec<(Scheme, PeriodLine)> = statement
        .schemes
        .iter()
        .zip(&program.schemes)
        .flat_map(|(r, s)| r.periods.iter().filter(|l| l.running && l.next.is_some()).map(move |l| (s.clone(), l.clone())))
        .collect();
    actions.sort_by(|a, b| {
        let gain = |x: &(Scheme, PeriodLine)| x.1.next.as_ref().map(|n| n.gain).unwrap_or_default();
        gain(b).cmp(&gain(a))
    });
    if actions.is_empty() {
        return ().into_any();
    }
    let items = actions
        .into_iter()
        .take(3)
        .map(|(scheme, line)| {
            let p = program.clone();
            let text = move || action_text(l(), &scheme, &p, &line);
            view! { <li data-test="next-action">{text}</li> }
        })
        .collect_view();
    view! {
        <section class="card actions">
            <h2>{crate::locale::tr(|l| td_string!(l.i18n(), actions_title).to_string())}</h2>
            <ul>{items}</ul>
        </section>
    }
    .into_any()
}

/// The latest postings to the points account.
#[component]
fn RecentPostings(postings: Vec<Posting>, program: Program) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let empty = postings.is_empty();
    let rows = postings
        .into_iter()
        .take(5)
        .map(|posting| {
            let p = program.clone();
            let what = move || {
                crate::locale::posting_text(
                    l(),
                    &p,
                    posting.kind,
                    posting.scheme.as_deref(),
                    posting.period.as_deref(),
                    &posting.memo,
                )
            };
            let amount = posting.amount;
            let (gain, loss) = (amount > Decimal::ZERO, amount < Decimal::ZERO);
            let date = format::day_of(&posting.created_at);
            view! {
                <tr data-test="posting">
                    <td>{move || date.map(|d| format::date(l(), d)).unwrap_or_default()}</td>
                    <td>{what}</td>
                    <td class="num" class:gain=gain class:loss=loss>
                        {move || {
                            let sign = if amount > Decimal::ZERO { "+" } else { "" };
                            format!("{sign}{}", format::number(l(), amount, 0))
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="recent">
            <h2>{crate::locale::tr(|l| td_string!(l.i18n(), recent_title).to_string())}</h2>
            {empty.then(|| view! { <p class="empty">{crate::locale::tr(|l| td_string!(l.i18n(), no_postings).to_string())}</p> })}
            <table class="postings"><tbody>{rows}</tbody></table>
        </section>
    }
}
