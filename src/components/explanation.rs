//! How a period's payout was worked out: the evaluator's steps (codes and parameters) put into
//! words, and the facts that counted.

use leptos::prelude::*;
use mitra_scheme::model::{Fact, Instrument, Program, Scheme};
use mitra_scheme::report::{EligibilityField, GateKind, RateKind, Step};
use rust_decimal::Decimal;

use crate::format;
use crate::i18n::Locale;
use crate::session::AppState;

/// The words for one step, with figures in the reader's locale.
pub fn describe(step: &Step, locale: Locale, scheme: &Scheme, program: &Program) -> String {
    let num = |x: Decimal| format::number(locale, x, 4);
    let money = |x: Decimal| format::money(locale, x, &program.currency, program.decimals);
    let paid = |x: Decimal| match scheme.instrument {
        Instrument::Points => format!("{} {}", format::number(locale, x, 0), program.points_name),
        Instrument::Cash | Instrument::Fund => money(x),
    };
    let rate = |kind: RateKind, r: Decimal| match kind {
        RateKind::PercentOfValue => format!("{} %", num(r)),
        RateKind::PerUnit => format!("{} per unit", paid(r)),
        RateKind::PerCount => format!("{} each", paid(r)),
        RateKind::Fixed => paid(r),
    };
    match step {
        Step::Ineligible { field, required, .. } => {
            let what = match field {
                EligibilityField::Type => "partner type",
                EligibilityField::Region => "region",
                EligibilityField::Segment => "segment",
                EligibilityField::Tier => "tier",
            };
            format!("Not eligible: the {what} must be {}", required.join(" or "))
        }
        Step::NotEnrolled { enrolled } => {
            format!("Not eligible before enrolment on {}", format::date(locale, *enrolled))
        }
        Step::Measured { measure, facts } => format!("Measured {} over {facts} facts", num(*measure)),
        Step::Growth { current, baseline, growth } => {
            format!("Growth {} %: {} against {} a year earlier", num(*growth), num(*current), num(*baseline))
        }
        Step::ZeroBaseline => "Nothing sold in the baseline period, so there is no growth to pay".into(),
        Step::NoTarget => "No target is set for this period yet".into(),
        Step::Attainment { target, attainment } => format!("{} % of the target of {}", num(*attainment), num(*target)),
        Step::GateFailed { kind, required, actual, .. } => match kind {
            GateKind::MinMeasure => format!("Needs at least {required} to earn (now {actual})"),
            GateKind::MinAttainment => format!("Needs {required} % of target to earn (now {actual})"),
            GateKind::Certification => format!("Needs the {required} certification to earn"),
            GateKind::MinTier => format!("Needs the {required} tier or higher to earn"),
        },
        Step::FlatRate { rate: kind, amount, base, payout } => {
            format!("{} on {} = {}", rate(*kind, *amount), num(*base), paid(*payout))
        }
        Step::FixedAmount { amount } => format!("Fixed reward of {}", paid(*amount)),
        Step::Slab { slab, from, pay, rate: r, payout, .. } => {
            format!("Slab {} (from {}): {} = {}", slab + 1, num(*from), rate(*pay, *r), paid(*payout))
        }
        Step::SlabSlice { slab, slice, rate: r, payout, .. } => {
            format!("Slab {}: {} at {} = {}", slab + 1, num(*slice), num(*r), paid(*payout))
        }
        Step::Rank { group, rank, amount } => format!("Rank {rank} in {group}: {}", paid(*amount)),
        Step::NotRanked { .. } => "Not among the rewarded ranks".into(),
        Step::RankUnknown => "Ranks are not published yet".into(),
        Step::Multiplier { tier, multiplier, payout } => {
            let name = program.tiers.iter().find(|t| &t.id == tier).map_or(tier.as_str(), |t| t.name.as_str());
            format!("{name} tier ×{}: {}", num(*multiplier), paid(*payout))
        }
        Step::Capped { cap, .. } => format!("Capped at {}", paid(*cap)),
        Step::Rounded { payout, .. } => format!("Rounded to {}", paid(*payout)),
        Step::BudgetScaled { budget, total, payout } => {
            format!("Budget of {} shared over {} earned: {}", paid(*budget), paid(*total), paid(*payout))
        }
        Step::BudgetUnknown => "The budget share is not known yet".into(),
        Step::Overflow => "The figures are too large to compute".into(),
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
            <summary>"How this was worked out"</summary>
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
                {(more > 0).then(|| view! { <li class="muted">{format!("and {more} more")}</li> })}
            </ul>
        </details>
    }
}
