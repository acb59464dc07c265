//! The partner's tier and the gap to the next one.

use leptos::prelude::*;
use mitra_scheme::report::TierStatus;
use mitra_scheme::Program;

use crate::format;
use crate::session::AppState;

fn tier_name(program: &Program, id: &str) -> String {
    program.tiers.iter().find(|t| t.id == id).map_or_else(|| id.to_string(), |t| t.name.clone())
}

#[component]
pub fn TierCard(status: TierStatus, program: Program) -> impl IntoView {
    let state = expect_context::<AppState>();
    let current = status.tier.as_deref().map(|t| tier_name(&program, t)).unwrap_or_else(|| "No tier yet".into());
    let next = status.next.clone().map(|gap| {
        let name = tier_name(&program, &gap.tier);
        let (currency, decimals) = (program.currency.clone(), program.decimals);
        view! {
            <p class="muted" data-test="tier-gap">
                {move || format::money(state.locale.get(), gap.gap, &currency, decimals)}
                " more to reach " {name}
            </p>
        }
    });
    view! {
        <article class="card tier">
            <h2>"Tier"</h2>
            <p class="figure" data-test="tier">{current}</p>
            {next}
        </article>
    }
}
