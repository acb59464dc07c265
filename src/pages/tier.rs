//! `/tier`: every tier with its threshold, multiplier and perks, and where the partner stands
//! against each; every badge, earned (with the date) or not yet (with what earns it).

use leptos::prelude::*;

use crate::api::Dashboard;
use crate::components::badges::BadgeList;
use crate::components::loaded::WithDashboard;
use crate::format;
use crate::i18n::td_string;
use crate::session::AppState;

/// A tier's threshold in words: the sales `amount` over the trailing `months` (one month has
/// words of its own: English and Dutch nouns take the plural otherwise).
pub fn threshold_text(locale: crate::locale::Locale, amount: String, months: u32) -> String {
    if months == 1 {
        td_string!(locale.i18n(), tier_threshold_month, amount = amount).to_string()
    } else {
        td_string!(locale.i18n(), tier_threshold, amount = amount, months = months).to_string()
    }
}

#[component]
pub fn TierPage() -> impl IntoView {
    view! { <WithDashboard view=|d| view! { <TierView data=d/> }/> }
}

#[component]
pub fn TierView(data: Dashboard) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let statement = mitra_scheme::statement(&data.program, &data.partner, &data.facts, data.today, Some(&data.context));
    let standings = mitra_scheme::eval::tier_standings(&data.program, &data.partner, &data.facts, data.today);
    let program = data.program.clone();
    let held = statement.tier.tier.clone();
    let tiers = program
        .tiers
        .iter()
        .zip(standings)
        .map(|(tier, standing)| {
            let (p, p2) = (program.clone(), program.clone());
            let current = held.as_deref() == Some(tier.id.as_str());
            let measure = standing.measure.unwrap_or_default();
            let pct = crate::components::tier::percent_of(measure, standing.threshold);
            let (threshold, months, multiplier, perks) =
                (tier.threshold, tier.trailing_months, tier.multiplier, tier.perks.clone());
            view! {
                <li class="card tier-row" class:current=current data-tier=tier.id.clone()>
                    <h2>{let t = tier.clone(); move || crate::locale::named(l(), &t.name, &t.names)}
                        {current.then(|| view! { <span class="badge-pill">{crate::locale::tr(|l| td_string!(l.i18n(), your_tier).to_string())}</span> })}
                    </h2>
                    <p data-test="tier-threshold">{move || {
                        threshold_text(l(), format::money(l(), threshold, &p.currency, p.decimals), months)
                    }}</p>
                    <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=pct
                        aria-label=move || td_string!(l().i18n(), tier_progress).to_string()>
                        <span style=format!("width: {pct}%")></span>
                    </div>
                    <p class="muted" data-test="tier-standing">
                        {move || {
                            let now = format::money(l(), measure, &p2.currency, p2.decimals);
                            if standing.reached {
                                td_string!(l().i18n(), tier_reached, amount = now).to_string()
                            } else {
                                td_string!(l().i18n(), tier_not_reached, amount = now).to_string()
                            }
                        }}
                    </p>
                    <p>{move || td_string!(l().i18n(), tier_multiplier, multiplier = format::number(l(), multiplier, 2)).to_string()}</p>
                    <ul class="perks">
                        {move || perks.iter().map(|x| view! { <li>{crate::locale::perk(l(), x)}</li> }).collect_view()}
                    </ul>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="tier-page">
            <h1>{crate::locale::tr(|l| td_string!(l.i18n(), tiers_title).to_string())}</h1>
            <ol class="tiers">{tiers}</ol>
            <h2>{crate::locale::tr(|l| td_string!(l.i18n(), badges_title).to_string())}</h2>
            <BadgeList program=program.clone() earned=statement.badges.clone()/>
        </section>
    }
}
