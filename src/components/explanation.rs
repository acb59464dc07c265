//! How a period's payout was worked out: the evaluator's steps (codes and parameters) put into
//! words, and the facts that counted.

use leptos::prelude::*;
use mitra_scheme::model::{Fact, Instrument, Program, Scheme};
use mitra_scheme::report::{EligibilityField, GateKind, RateKind, Step};
use rust_decimal::Decimal;

use crate::format;
use crate::i18n::td_string;
use crate::locale::Locale;
use crate::session::AppState;

/// A rate in words: `0,15 %`, `Rp 500 per unit`, `25 poin each`, or a fixed amount.
pub fn rate_text(locale: Locale, kind: RateKind, r: Decimal, scheme: &Scheme, program: &Program) -> String {
    let l = locale.i18n();
    let paid = |x: Decimal| match scheme.instrument {
        Instrument::Points => format!("{} {}", format::number(locale, x, 0), program.points_name),
        Instrument::Cash | Instrument::Fund => format::money(locale, x, &program.currency, program.decimals),
    };
    match kind {
        RateKind::PercentOfValue => format!("{} %", format::number(locale, r, 4)),
        RateKind::PerUnit => td_string!(l, rate_per_unit, amount = paid(r)).to_string(),
        RateKind::PerCount => td_string!(l, rate_each, amount = paid(r)).to_string(),
        RateKind::Fixed => paid(r),
    }
}

/// The words for one step, in the reader's language, with figures in the reader's locale.
pub fn describe(step: &Step, locale: Locale, scheme: &Scheme, program: &Program) -> String {
    let l = locale.i18n();
    let num = |x: Decimal| format::number(locale, x, 4);
    let money = |x: Decimal| format::money(locale, x, &program.currency, program.decimals);
    let paid = |x: Decimal| match scheme.instrument {
        Instrument::Points => format!("{} {}", format::number(locale, x, 0), program.points_name),
        Instrument::Cash | Instrument::Fund => money(x),
    };
    let rate = |kind: RateKind, r: Decimal| rate_text(locale, kind, r, scheme, program);
    let tier_name = |id: &str| crate::locale::tier_name(locale, program, id);
    match step {
        Step::Ineligible { field, required, .. } => {
            let what = match field {
                EligibilityField::Type => td_string!(l, field_type).to_string(),
                EligibilityField::Region => td_string!(l, field_region).to_string(),
                EligibilityField::Segment => td_string!(l, field_segment).to_string(),
                EligibilityField::Tier => td_string!(l, field_tier).to_string(),
            };
            let or = format!(" {} ", td_string!(l, or));
            let required = match field {
                EligibilityField::Tier => required.iter().map(|t| tier_name(t)).collect::<Vec<_>>().join(&or),
                _ => required.join(&or),
            };
            td_string!(l, step_ineligible, field = what, required = required).to_string()
        }
        Step::NotEnrolled { enrolled } => {
            td_string!(l, step_not_enrolled, date = format::date(locale, *enrolled)).to_string()
        }
        // One fact has words of its own: English and Dutch nouns take the plural otherwise.
        Step::Measured { measure, facts: 1 } => td_string!(l, step_measured_one, measure = num(*measure)).to_string(),
        Step::Measured { measure, facts } => {
            td_string!(l, step_measured, measure = num(*measure), facts = *facts).to_string()
        }
        Step::Growth { current, baseline, growth } => {
            td_string!(l, step_growth, growth = num(*growth), current = num(*current), baseline = num(*baseline))
                .to_string()
        }
        Step::ZeroBaseline => td_string!(l, step_zero_baseline).to_string(),
        Step::NoTarget => td_string!(l, step_no_target).to_string(),
        Step::Attainment { target, attainment } => {
            td_string!(l, step_attainment, attainment = num(*attainment), target = num(*target)).to_string()
        }
        Step::GateFailed { kind, required, actual, .. } => {
            let figure = |s: &str| s.parse::<Decimal>().map(num).unwrap_or_else(|_| s.to_string());
            match kind {
                GateKind::MinMeasure => {
                    td_string!(l, step_gate_min_measure, required = figure(required), actual = figure(actual))
                        .to_string()
                }
                GateKind::MinAttainment if actual == "no_target" => {
                    td_string!(l, step_gate_no_target, required = figure(required)).to_string()
                }
                GateKind::MinAttainment => {
                    td_string!(l, step_gate_min_attainment, required = figure(required), actual = figure(actual))
                        .to_string()
                }
                GateKind::Certification => {
                    td_string!(l, step_gate_certification, course = required.clone()).to_string()
                }
                GateKind::MinTier => td_string!(l, step_gate_min_tier, tier = tier_name(required)).to_string(),
            }
        }
        Step::FlatRate { rate: kind, amount, base, payout } => {
            td_string!(l, step_flat_rate, rate = rate(*kind, *amount), base = num(*base), payout = paid(*payout))
                .to_string()
        }
        Step::FixedAmount { amount } => td_string!(l, step_fixed_amount, amount = paid(*amount)).to_string(),
        Step::Slab { slab, from, pay, rate: r, payout, .. } => {
            td_string!(l, step_slab, slab = slab + 1, from = num(*from), rate = rate(*pay, *r), payout = paid(*payout))
                .to_string()
        }
        Step::SlabSlice { slab, slice, rate: r, payout, .. } => {
            td_string!(l, step_slab_slice, slab = slab + 1, slice = num(*slice), rate = num(*r), payout = paid(*payout))
                .to_string()
        }
        Step::Rank { group, rank, amount } => {
            td_string!(l, step_rank, rank = *rank, group = group.clone(), amount = paid(*amount)).to_string()
        }
        Step::NotRanked { .. } => td_string!(l, step_not_ranked).to_string(),
        Step::RankUnknown => td_string!(l, step_rank_unknown).to_string(),
        Step::Multiplier { tier, multiplier, payout } => td_string!(
            l,
            step_multiplier,
            tier = tier_name(tier),
            multiplier = num(*multiplier),
            payout = paid(*payout)
        )
        .to_string(),
        Step::Capped { cap, .. } => td_string!(l, step_capped, cap = paid(*cap)).to_string(),
        Step::Rounded { payout, .. } => td_string!(l, step_rounded, payout = paid(*payout)).to_string(),
        Step::BudgetScaled { budget, total, payout } => {
            td_string!(l, step_budget_scaled, budget = paid(*budget), total = paid(*total), payout = paid(*payout))
                .to_string()
        }
        Step::BudgetUnknown => td_string!(l, step_budget_unknown).to_string(),
        Step::Overflow => td_string!(l, step_overflow).to_string(),
    }
}

/// A fact that counted, in a line.
fn fact_line(fact: &Fact, locale: Locale, program: &Program) -> String {
    let money = |x: Decimal| format::money(locale, x, &program.currency, program.decimals);
    match fact {
        Fact::Sale { date, invoice, sku, units, value, .. } => {
            format!(
                "{} · {invoice} · {sku} × {} · {}",
                format::date(locale, *date),
                format::number(locale, *units, 2),
                money(*value)
            )
        }
        Fact::Certification { date, course, .. } => format!("{} · {course}", format::date(locale, *date)),
        Fact::Referral { date, referred, .. } => format!("{} · {referred}", format::date(locale, *date)),
        Fact::MarketingSpend { date, amount, .. } => format!("{} · {}", format::date(locale, *date), money(*amount)),
        Fact::Target { period, value, .. } => format!("{period} · {}", format::number(locale, *value, 2)),
    }
}

/// At most this many counted facts are listed; the rest are summed up in a line.
const SHOWN_FACTS: usize = 12;

#[component]
pub fn Explanation(steps: Vec<Step>, counted: Vec<Fact>, scheme: Scheme, program: Program) -> impl IntoView {
    let state = expect_context::<AppState>();
    let p2 = program.clone();
    let more = counted.len().saturating_sub(SHOWN_FACTS);
    view! {
        <details class="why" data-test="explanation">
            <summary>{crate::locale::tr(|l| td_string!(l.i18n(), how_worked_out).to_string())}</summary>
            <ol>
                {move || {
                    let locale = state.locale.get();
                    steps.iter().map(|s| view! { <li>{describe(s, locale, &scheme, &program)}</li> }).collect_view()
                }}
            </ol>
            <ul class="facts">
                {move || {
                    let locale = state.locale.get();
                    counted.iter().take(SHOWN_FACTS).map(|f| view! { <li>{fact_line(f, locale, &p2)}</li> }).collect_view()
                }}
                {(more > 0).then(|| view! {
                    <li class="muted">{move || td_string!(state.locale.get().i18n(), and_more, count = more).to_string()}</li>
                })}
            </ul>
        </details>
    }
}
