//! One scheme on the dashboard: its current period's measure, what it earned, the progress to
//! the next milestone and what reaching it would add.

use leptos::prelude::*;
use mitra_scheme::model::{Fact, Instrument, Measure, Scheme};
use mitra_scheme::report::SchemeResult;
use mitra_scheme::Program;
use rust_decimal::Decimal;

use crate::components::explanation::Explanation;
use crate::format;
use crate::i18n::td_string;
use crate::locale::Locale;
use crate::session::AppState;

/// How a scheme's measure reads: money for value measures, plain numbers otherwise.
pub fn measure_text(locale: Locale, scheme: &Scheme, program: &Program, value: Decimal) -> String {
    match scheme.measure {
        Measure::SumValue => format::money(locale, value, &program.currency, program.decimals),
        Measure::Growth { .. } => format!("{} %", format::number(locale, value, 2)),
        _ => format::number(locale, value, 2),
    }
}

pub fn payout_text(locale: Locale, instrument: Instrument, program: &Program, value: Decimal) -> String {
    match instrument {
        Instrument::Points => format!("{} {}", format::number(locale, value, 0), program.points_name),
        Instrument::Cash | Instrument::Fund => format::money(locale, value, &program.currency, program.decimals),
    }
}

#[component]
pub fn SchemeCard(
    scheme: Scheme,
    result: SchemeResult,
    program: Program,
    /// The partner's facts, in the order the statement was computed from.
    facts: std::sync::Arc<Vec<Fact>>,
    /// The date figures are as of, in the program's time zone.
    today: chrono::NaiveDate,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get().i18n();
    let Some(line) = result.periods.iter().rev().find(|l| l.running).or(result.periods.last()).cloned() else {
        return view! {
            <article class="card scheme" data-scheme=scheme.id.clone()>
                <h3>{let s = scheme.clone(); move || crate::locale::named(state.locale.get(), &s.name, &s.names)}</h3>
                <p class="muted">{crate::locale::tr(|l| td_string!(l.i18n(), not_started).to_string())}</p>
            </article>
        }
        .into_any();
    };
    let measure = line.measure.unwrap_or_default();
    let progress = line.next.as_ref().map(|n| crate::components::tier::percent_of(measure, n.threshold));
    let (s1, p1, p2, p_total) = (scheme.clone(), program.clone(), program.clone(), program.clone());
    let instrument = scheme.instrument;
    let earned = line.payout;
    let total = result.total;
    let next = line.next.clone().map(|n| {
        let (s, p, p2, p3) = (scheme.clone(), program.clone(), program.clone(), program.clone());
        view! {
            <div class="milestone">
                <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=progress.unwrap_or(0)
                    aria-label=move || td_string!(l(), next_step_progress).to_string()>
                    <span style=format!("width: {}%", progress.unwrap_or(0))></span>
                </div>
                <p>
                    <strong data-test="next-needed">{move || measure_text(state.locale.get(), &s, &p, n.needed)}</strong>
                    " " {crate::locale::tr(|l| td_string!(l.i18n(), next_step).to_string())} " "
                    <strong data-test="next-payout">{move || payout_text(state.locale.get(), instrument, &p2, n.payout)}</strong>
                    " ("
                    <span data-test="next-gain">{move || format!("+{}", payout_text(state.locale.get(), instrument, &p3, n.gain))}</span>
                    ")"
                </p>
            </div>
        }
    });
    let counted: Vec<Fact> = line.facts.iter().filter_map(|i| facts.get(*i as usize).cloned()).collect();
    let why = view! {
        <Explanation steps=line.explanation.clone() counted=counted scheme=scheme.clone() program=program.clone()/>
    };
    let label = line.label.clone();
    let running = line.running;
    let end = line.end;
    // Today counts: on the period's last day, one day is left.
    let days_left = (end - today).num_days() + 1;
    let remaining = running.then(|| {
        view! {
            <p class="days-left" data-test="days-left">{move || {
                let date = format::date(state.locale.get(), end);
                if days_left <= 1 {
                    td_string!(l(), last_day, date = date).to_string()
                } else {
                    td_string!(l(), days_left, days = days_left, date = date).to_string()
                }
            }}</p>
        }
    });
    let href = format!("/schemes/{}", scheme.id);
    let status = move || {
        let period = crate::locale::period_name(state.locale.get(), &label);
        if running {
            td_string!(l(), period_so_far, period = period).to_string()
        } else {
            td_string!(l(), period_closed, period = period).to_string()
        }
    };
    view! {
        <article class="card scheme" data-scheme=scheme.id.clone()>
            <h3>{let s = scheme.clone(); move || crate::locale::named(state.locale.get(), &s.name, &s.names)}</h3>
            <p class="muted">{status}</p>
            {remaining}
            <dl>
                <dt>{crate::locale::tr(|l| td_string!(l.i18n(), measure).to_string())}</dt>
                <dd data-test="measure">{move || measure_text(state.locale.get(), &s1, &p1, measure)}</dd>
                <dt>{crate::locale::tr(|l| td_string!(l.i18n(), earned_period).to_string())}</dt>
                <dd data-test="earned">{move || payout_text(state.locale.get(), instrument, &p2, earned)}</dd>
                <dt>{crate::locale::tr(|l| td_string!(l.i18n(), earned_scheme).to_string())}</dt>
                <dd data-test="scheme-total">{move || payout_text(state.locale.get(), instrument, &p_total, total)}</dd>
            </dl>
            {next}
            {why}
            <a class="more" href=href data-test="scheme-link">{crate::locale::tr(|l| td_string!(l.i18n(), scheme_details).to_string())}</a>
        </article>
    }
    .into_any()
}
