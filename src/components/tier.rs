//! The partner's tier card: the tier held, its benefits, and the progress to the next one.

use leptos::prelude::*;
use mitra_scheme::report::TierStatus;
use mitra_scheme::Program;
use rust_decimal::Decimal;

use crate::format;
use crate::i18n::td_string;
use crate::locale::{perk, tier_name};
use crate::session::AppState;

/// `part` of `whole` in whole percent, rounded, 0–100 (100 when there is nothing to reach): how
/// full a progress bar is.
pub fn percent_of(part: Decimal, whole: Decimal) -> i64 {
    part.checked_div(whole)
        .and_then(|share| share.checked_mul(Decimal::ONE_HUNDRED))
        .and_then(|pct| i64::try_from(pct.round()).ok())
        .unwrap_or(100)
        .clamp(0, 100)
}

#[component]
pub fn TierCard(status: TierStatus, program: Program) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let held = status.tier.clone();
    let p1 = program.clone();
    let perks = status.perks.clone();
    let next = status.next.clone().map(|gap| {
        let (currency, decimals, p) = (program.currency.clone(), program.decimals, program.clone());
        let progress = percent_of(gap.measure, gap.threshold);
        let tier = gap.tier.clone();
        view! {
            <div class="milestone">
                <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=progress
                    aria-label=move || td_string!(l().i18n(), tier_progress).to_string()>
                    <span style=format!("width: {progress}%")></span>
                </div>
                <p class="muted" data-test="tier-gap">
                    {move || {
                        let amount = format::money(l(), gap.gap, &currency, decimals);
                        td_string!(l().i18n(), tier_gap, amount = amount, tier = tier_name(l(), &p, &tier)).to_string()
                    }}
                </p>
            </div>
        }
    });
    view! {
        <article class="card tier">
            <h2>{crate::locale::tr(|l| td_string!(l.i18n(), tier).to_string())}</h2>
            <p class="figure" data-test="tier">
                {move || match &held {
                    Some(t) => tier_name(l(), &p1, t),
                    None => td_string!(l().i18n(), no_tier).to_string(),
                }}
            </p>
            {(!perks.is_empty()).then(|| view! {
                <ul class="perks" data-test="tier-perks">
                    {move || perks.iter().map(|x| view! { <li>{perk(l(), x)}</li> }).collect_view()}
                </ul>
            })}
            {next}
        </article>
    }
}
