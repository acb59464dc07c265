//! The partner's tier and the gap to the next one.

use leptos::prelude::*;
use mitra_scheme::report::TierStatus;
use mitra_scheme::Program;

use crate::format;
use crate::i18n::td_string;
use crate::session::AppState;

fn tier_name(program: &Program, id: &str) -> String {
    program.tiers.iter().find(|t| t.id == id).map_or_else(|| id.to_string(), |t| t.name.clone())
}

#[component]
pub fn TierCard(status: TierStatus, program: Program) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let current = status.tier.as_deref().map(|t| tier_name(&program, t));
    let next = status.next.clone().map(|gap| {
        let name = tier_name(&program, &gap.tier);
        let (currency, decimals) = (program.currency.clone(), program.decimals);
        view! {
            <p class="muted" data-test="tier-gap">
                {move || {
                    let amount = format::money(l(), gap.gap, &currency, decimals);
                    td_string!(l().i18n(), tier_gap, amount = amount, tier = name.clone()).to_string()
                }}
            </p>
        }
    });
    view! {
        <article class="card tier">
            <h2>{move || td_string!(l().i18n(), tier).to_string()}</h2>
            <p class="figure" data-test="tier">
                {move || current.clone().unwrap_or_else(|| td_string!(l().i18n(), no_tier).to_string())}
            </p>
            {next}
        </article>
    }
}
