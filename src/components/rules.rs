//! A scheme's rules in plain words, rendered from its definition in the reader's language, and
//! its payout ladder (slabs or rank amounts) with the partner's position marked.

use leptos::prelude::*;
use mitra_scheme::model::{FactKind, Gate, Instrument, Measure, Payout, PeriodKind, Rate, Scheme, SlabBounds, SlabMode, SlabPay};
use mitra_scheme::report::RateKind;
use mitra_scheme::Program;
use rust_decimal::Decimal;

use crate::components::explanation::rate_text;
use crate::components::scheme_card::{measure_text, payout_text};
use crate::format;
use crate::i18n::td_string;
use crate::locale::{tier_name, Locale};
use crate::session::AppState;

fn slab_rate(pay: &SlabPay) -> (RateKind, Decimal) {
    match pay {
        SlabPay::PercentOfValue { percent } => (RateKind::PercentOfValue, *percent),
        SlabPay::PerUnit { amount } => (RateKind::PerUnit, *amount),
        SlabPay::PerCount { amount } => (RateKind::PerCount, *amount),
        SlabPay::Fixed { amount } => (RateKind::Fixed, *amount),
    }
}

/// Every rule of the scheme, one sentence each.
pub fn rule_lines(locale: Locale, scheme: &Scheme, program: &Program) -> Vec<String> {
    let l = locale.i18n();
    let paid = |x: Decimal| payout_text(locale, scheme.instrument, program, x);
    let (start, end) = (format::date(locale, scheme.window.start), format::date(locale, scheme.window.end));
    let mut lines = vec![match scheme.period {
        PeriodKind::Quarter => td_string!(l, rule_window_quarter, start = start, end = end).to_string(),
        PeriodKind::Month => td_string!(l, rule_window_month, start = start, end = end).to_string(),
        PeriodKind::Window => td_string!(l, rule_window_whole, start = start, end = end).to_string(),
    }];
    lines.push(match scheme.counts.fact {
        FactKind::Sale => td_string!(l, rule_counts_sale).to_string(),
        FactKind::Certification => td_string!(l, rule_counts_certification).to_string(),
        FactKind::Referral => td_string!(l, rule_counts_referral).to_string(),
        FactKind::MarketingSpend => td_string!(l, rule_counts_spend).to_string(),
    });
    if !scheme.counts.skus.is_empty() {
        lines.push(td_string!(l, rule_skus, list = scheme.counts.skus.join(", ")).to_string());
    }
    if !scheme.counts.categories.is_empty() {
        lines.push(td_string!(l, rule_categories, list = scheme.counts.categories.join(", ")).to_string());
    }
    if !scheme.counts.courses.is_empty() {
        lines.push(td_string!(l, rule_courses, list = scheme.counts.courses.join(", ")).to_string());
    }
    lines.push(match &scheme.measure {
        Measure::SumValue => td_string!(l, rule_measure_value).to_string(),
        Measure::SumUnits => td_string!(l, rule_measure_units).to_string(),
        Measure::Count => td_string!(l, rule_measure_count).to_string(),
        Measure::DistinctSkus => td_string!(l, rule_measure_distinct).to_string(),
        Measure::Growth { .. } => td_string!(l, rule_measure_growth).to_string(),
    });
    let e = &scheme.eligibility;
    let open_to: Vec<String> = e
        .partner_types
        .iter()
        .chain(&e.regions)
        .chain(&e.segments)
        .cloned()
        .collect();
    if !open_to.is_empty() {
        lines.push(td_string!(l, rule_open_to, list = open_to.join(", ")).to_string());
    }
    if let Some(tier) = &e.min_tier {
        lines.push(td_string!(l, rule_gate_tier, tier = tier_name(locale, program, tier)).to_string());
    }
    for gate in &scheme.gates {
        lines.push(match gate {
            Gate::MinMeasure { value } => {
                td_string!(l, rule_gate_min_measure, amount = measure_text(locale, scheme, program, *value)).to_string()
            }
            Gate::MinAttainment { percent } => {
                td_string!(l, rule_gate_attainment, percent = format::number(locale, *percent, 2)).to_string()
            }
            Gate::Certification { course } => td_string!(l, rule_gate_certification, course = course.clone()).to_string(),
            Gate::MinTier { tier } => td_string!(l, rule_gate_tier, tier = tier_name(locale, program, tier)).to_string(),
        });
    }
    lines.push(match &scheme.payout {
        Payout::Flat { rate } => {
            let (kind, r) = match rate {
                Rate::PercentOfValue { percent } => (RateKind::PercentOfValue, *percent),
                Rate::PerUnit { amount } => (RateKind::PerUnit, *amount),
                Rate::PerCount { amount } => (RateKind::PerCount, *amount),
            };
            td_string!(l, rule_pays_flat, rate = rate_text(locale, kind, r, scheme, program)).to_string()
        }
        Payout::Fixed { amount } => td_string!(l, rule_pays_fixed, amount = paid(*amount)).to_string(),
        Payout::Slabs { mode: SlabMode::Retroactive, .. } => td_string!(l, rule_pays_retroactive).to_string(),
        Payout::Slabs { mode: SlabMode::Incremental, .. } => td_string!(l, rule_pays_incremental).to_string(),
        Payout::Rank { amounts, .. } if amounts.len() == 1 => td_string!(l, rule_pays_first).to_string(),
        Payout::Rank { amounts, .. } => td_string!(l, rule_pays_rank, n = amounts.len()).to_string(),
    });
    if scheme.tier_multiplier {
        lines.push(td_string!(l, rule_tier_multiplier).to_string());
    }
    if let Some(cap) = scheme.cap {
        lines.push(td_string!(l, rule_cap, amount = paid(cap)).to_string());
    }
    if let Some(budget) = scheme.budget {
        lines.push(td_string!(l, rule_budget, amount = paid(budget)).to_string());
    }
    lines.push(match scheme.instrument {
        Instrument::Points => td_string!(l, rule_in_points, points = program.points_name.clone()).to_string(),
        Instrument::Cash => td_string!(l, rule_in_cash).to_string(),
        Instrument::Fund => td_string!(l, rule_in_fund).to_string(),
    });
    lines
}

/// The scheme's rules as a list.
#[component]
pub fn Rules(scheme: Scheme, program: Program) -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <ul class="rules" data-test="rules">
            {move || rule_lines(state.locale.get(), &scheme, &program).into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
        </ul>
    }
}

/// The slab ladder or the rank amounts, the partner's step marked (`reached`: the slab index or
/// the rank held) and the next one.
#[component]
pub fn Ladder(scheme: Scheme, program: Program, reached: Option<usize>, rank: Option<u32>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    match scheme.payout.clone() {
        Payout::Slabs { bounds, slabs, .. } => {
            let rows = slabs
                .into_iter()
                .enumerate()
                .map(|(i, slab)| {
                    let (s, p, s2, p2) = (scheme.clone(), program.clone(), scheme.clone(), program.clone());
                    let here = reached == Some(i);
                    let next = reached.map_or(i == 0, |r| r + 1 == i);
                    let (kind, r) = slab_rate(&slab.pay);
                    view! {
                        <tr class:here=here aria-current=here.then_some("step") data-test="slab-row">
                            <th scope="row">{move || td_string!(l().i18n(), slab_n, n = i + 1).to_string()}</th>
                            <td>{move || match bounds {
                                SlabBounds::Absolute => measure_text(l(), &s, &p, slab.from),
                                SlabBounds::PercentOfTarget => td_string!(l().i18n(), of_target,
                                    percent = format::number(l(), slab.from, 2)).to_string(),
                            }}</td>
                            <td>{move || rate_text(l(), kind, r, &s2, &p2)}</td>
                            <td class="mark">{move || if here {
                                td_string!(l().i18n(), you_are_here).to_string()
                            } else if next {
                                td_string!(l().i18n(), next_step_label).to_string()
                            } else { String::new() }}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="ladder" data-test="ladder">
                    <thead><tr>
                        <th scope="col">{crate::locale::tr(|l| td_string!(l.i18n(), ladder_step).to_string())}</th>
                        <th scope="col">{crate::locale::tr(|l| td_string!(l.i18n(), ladder_from).to_string())}</th>
                        <th scope="col">{crate::locale::tr(|l| td_string!(l.i18n(), ladder_pays).to_string())}</th>
                        <th scope="col"><span class="sr-only">{crate::locale::tr(|l| td_string!(l.i18n(), ladder_position).to_string())}</span></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        }
        Payout::Rank { amounts, .. } => {
            let rows = amounts
                .into_iter()
                .enumerate()
                .map(|(i, amount)| {
                    let p = program.clone();
                    let n = i as u32 + 1;
                    let here = rank == Some(n);
                    let instrument = scheme.instrument;
                    view! {
                        <tr class:here=here aria-current=here.then_some("step") data-test="rank-row">
                            <th scope="row">{move || td_string!(l().i18n(), rank_n, rank = n).to_string()}</th>
                            <td>{move || payout_text(l(), instrument, &p, amount)}</td>
                            <td class="mark">{move || if here { td_string!(l().i18n(), you_are_here).to_string() } else { String::new() }}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="ladder" data-test="ladder">
                    <thead><tr>
                        <th scope="col">{crate::locale::tr(|l| td_string!(l.i18n(), ladder_rank).to_string())}</th>
                        <th scope="col">{crate::locale::tr(|l| td_string!(l.i18n(), ladder_pays).to_string())}</th>
                        <th scope="col"><span class="sr-only">{crate::locale::tr(|l| td_string!(l.i18n(), ladder_position).to_string())}</span></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        }
        _ => ().into_any(),
    }
}
