//! `/schemes/:id`: one scheme in full: its rules in words, the ladder with the partner's step,
//! the payout curve, every period's figure with its explanation and the facts that counted, and
//! the what-if panel.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use mitra_scheme::eval::payout::base_at;
use mitra_scheme::model::Fact;
use rust_decimal::Decimal;

use crate::api::Dashboard;
use crate::components::chart::PayoutChart;
use crate::components::explanation::Explanation;
use crate::components::loaded::WithDashboard;
use crate::components::rules::{Ladder, Rules};
use crate::components::scheme_card::{measure_text, payout_text};
use crate::components::what_if::{Basis, WhatIfPanel};
use crate::format;
use crate::i18n::td_string;
use crate::locale::{named, period_name};
use crate::session::AppState;

#[component]
pub fn SchemePage() -> impl IntoView {
    let params = use_params_map();
    view! {
        <WithDashboard view=move |d| {
            let id = params.read().get("id").unwrap_or_default();
            view! { <SchemeView data=d id=id/> }
        }/>
    }
}

#[component]
fn SchemeView(data: Dashboard, id: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let statement = mitra_scheme::statement(&data.program, &data.partner, &data.facts, data.today, Some(&data.context));
    let program = data.program.clone();
    let Some((scheme, result)) =
        program.schemes.iter().zip(&statement.schemes).find(|(s, _)| s.id == id).map(|(s, r)| (s.clone(), r.clone()))
    else {
        return view! {
            <p class="empty" data-test="no-scheme">{crate::locale::tr(|l| td_string!(l.i18n(), no_such_scheme).to_string())}</p>
        }
        .into_any();
    };
    let current = result.periods.iter().rev().find(|p| p.running).or(result.periods.last()).cloned();
    let basis = Arc::new(Basis::new(&data, statement.clone()));
    let facts = basis.facts.clone();
    // Only schemes whose payout follows from the measure alone have a curve to draw.
    let chart = current.clone().filter(|line| base_at(&scheme, line.target, Decimal::ZERO).is_some()).map(|line| {
        view! {
            <section class="card">
                <h2>{crate::locale::tr(|l| td_string!(l.i18n(), chart_title).to_string())}</h2>
                <PayoutChart scheme=scheme.clone() program=program.clone() target=line.target
                    measure=line.measure.unwrap_or_default() next=line.next.as_ref().map(|n| n.threshold)/>
            </section>
        }
    });
    let (reached, rank) = current.as_ref().map_or((None, None), |c| (c.slab, c.rank));
    let periods = result
        .periods
        .iter()
        .rev()
        .map(|line| {
            let (s, p, s2, p2) = (scheme.clone(), program.clone(), scheme.clone(), program.clone());
            let counted: Vec<Fact> = line.facts.iter().filter_map(|i| facts.get(*i as usize).cloned()).collect();
            let (label, measure, payout, running, instrument) =
                (line.label.clone(), line.measure, line.payout, line.running, scheme.instrument);
            view! {
                <li class="card period" data-period=line.label.clone()>
                    <h3>{move || period_name(l(), &label)}
                        {running.then(|| view! { <span class="badge-pill">{crate::locale::tr(|l| td_string!(l.i18n(), running_now).to_string())}</span> })}
                    </h3>
                    <dl>
                        <dt>{crate::locale::tr(|l| td_string!(l.i18n(), measure).to_string())}</dt>
                        <dd data-test="period-measure">{move || measure.map(|m| measure_text(l(), &s, &p, m)).unwrap_or_else(|| "–".into())}</dd>
                        <dt>{crate::locale::tr(|l| td_string!(l.i18n(), earned_period).to_string())}</dt>
                        <dd data-test="period-payout">{move || payout_text(l(), instrument, &p2, payout)}</dd>
                    </dl>
                    <Explanation steps=line.explanation.clone() counted=counted scheme=s2.clone() program=program.clone()/>
                </li>
            }
        })
        .collect_view();
    let (s_name, window) = (scheme.clone(), (scheme.window.start, scheme.window.end));
    view! {
        <section class="scheme-page" data-scheme=scheme.id.clone()>
            <header class="dashboard-head">
                <p class="muted"><a href="/dashboard">{crate::locale::tr(|l| td_string!(l.i18n(), back_to_dashboard).to_string())}</a></p>
                <h1>{move || named(l(), &s_name.name, &s_name.names)}</h1>
                <p class="muted">{move || format!("{} – {}", format::date(l(), window.0), format::date(l(), window.1))}</p>
            </header>
            <div class="scheme-grid">
                <section class="card">
                    <h2>{crate::locale::tr(|l| td_string!(l.i18n(), rules_title).to_string())}</h2>
                    <Rules scheme=scheme.clone() program=program.clone()/>
                    <Ladder scheme=scheme.clone() program=program.clone() reached=reached rank=rank/>
                </section>
                {chart}
            </div>
            <h2>{crate::locale::tr(|l| td_string!(l.i18n(), periods_title).to_string())}</h2>
            <ol class="periods">{periods}</ol>
            <WhatIfPanel basis=basis scheme=scheme.id.clone()/>
        </section>
    }
    .into_any()
}
