//! The partner's dashboard: points balance, tier, and for each scheme the measure so far, what
//! was earned and the next milestone. Figures are computed here by crates/scheme from the
//! program, the partner's facts and the context the server publishes.

use crate::api::Dashboard;
use crate::components::loaded::WithDashboard;
use crate::components::scheme_card::SchemeCard;
use crate::components::tier::TierCard;
use crate::components::what_if::{Basis, WhatIfPanel};
use crate::format;
use crate::i18n::td_string;
use crate::session::AppState;
use leptos::prelude::*;

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
    let today = data.today;
    let facts = std::sync::Arc::new(data.facts.clone());
    let basis = std::sync::Arc::new(Basis {
        program: data.program.clone(),
        partner: data.partner.clone(),
        facts: data.facts.clone(),
        context: data.context.clone(),
        today: data.today,
        now: statement.clone(),
    });
    let cards = statement
        .schemes
        .iter()
        .zip(&program.schemes)
        .map(|(result, scheme)| {
            view! { <SchemeCard scheme=scheme.clone() result=result.clone() program=program.clone() facts=facts.clone()/> }
        })
        .collect_view();
    view! {
        <section class="dashboard">
            <header class="dashboard-head">
                <h1 data-test="partner-name">{data.partner.name.clone()}</h1>
                <p class="muted">
                    {data.program.name.clone()} " · "
                    <span data-test="as-of-line">
                        {move || td_string!(state.locale.get().i18n(), as_of, date = format::date(state.locale.get(), today)).to_string()}
                    </span>
                    <span data-test="as-of" hidden>{move || format::date(state.locale.get(), today)}</span>
                </p>
            </header>
            <div class="summary">
                <article class="card balance">
                    <h2>{move || td_string!(state.locale.get().i18n(), balance).to_string()}</h2>
                    <p class="figure">
                        <span data-test="points-balance">{move || format::number(state.locale.get(), balance, 0)}</span>
                        " " {points_name}
                    </p>
                </article>
                <TierCard status=statement.tier.clone() program=program.clone()/>
            </div>
            <div class="schemes">{cards}</div>
            <WhatIfPanel basis=basis/>
        </section>
    }
}
