//! `/tier`: every tier with its threshold, multiplier and perks, and where the partner stands
//! against each; every badge, earned (with the date) or not yet (with what earns it).

use leptos::prelude::*;
use mitra_scheme::model::{Badge, BadgeRule};
use mitra_scheme::Program;
use rust_decimal::Decimal;

use crate::api::Dashboard;
use crate::components::loaded::WithDashboard;
use crate::format;
use crate::i18n::td_string;
use crate::locale::Locale;
use crate::session::AppState;

#[component]
pub fn TierPage() -> impl IntoView {
    view! { <WithDashboard view=|d| view! { <TierView data=d/> }/> }
}

/// A perk in words: the ones the portal knows are translated, others shown as the program names them.
fn perk(locale: Locale, id: &str) -> String {
    let l = locale.i18n();
    match id {
        "newsletter_feature" => td_string!(l, perk_newsletter_feature).to_string(),
        "event_tickets" => td_string!(l, perk_event_tickets).to_string(),
        "marketing_support" => td_string!(l, perk_marketing_support).to_string(),
        "premium_listing" => td_string!(l, perk_premium_listing).to_string(),
        other => other.replace('_', " "),
    }
}

/// What earns a badge, in words.
fn earns(locale: Locale, badge: &Badge, program: &Program) -> String {
    let l = locale.i18n();
    let scheme_name =
        |id: &str| program.schemes.iter().find(|s| s.id == id).map_or_else(|| id.to_string(), |s| s.name.clone());
    match &badge.rule {
        BadgeRule::FirstSale => td_string!(l, badge_first_sale).to_string(),
        BadgeRule::Certifications { count } => td_string!(l, badge_certifications, count = *count).to_string(),
        BadgeRule::TargetStreak { scheme, periods } => {
            td_string!(l, badge_target_streak, periods = *periods, scheme = scheme_name(scheme)).to_string()
        }
        BadgeRule::TopN { scheme, n } => td_string!(l, badge_top_n, n = *n, scheme = scheme_name(scheme)).to_string(),
        BadgeRule::CategoryShare { category, percent } => td_string!(
            l,
            badge_category_share,
            percent = format::number(locale, *percent, 2),
            category = category.clone()
        )
        .to_string(),
    }
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
            let pct = measure
                .checked_mul(Decimal::ONE_HUNDRED)
                .and_then(|m| m.checked_div(standing.threshold))
                .and_then(|x| i64::try_from(x.round()).ok())
                .unwrap_or(100)
                .clamp(0, 100);
            let (threshold, months, multiplier, perks) =
                (tier.threshold, tier.trailing_months, tier.multiplier, tier.perks.clone());
            view! {
                <li class="card tier-row" class:current=current data-tier=tier.id.clone()>
                    <h2>{tier.name.clone()}
                        {current.then(|| view! { <span class="badge-pill">{move || td_string!(l().i18n(), your_tier).to_string()}</span> })}
                    </h2>
                    <p data-test="tier-threshold">{move || td_string!(l().i18n(), tier_threshold,
                        amount = format::money(l(), threshold, &p.currency, p.decimals), months = months).to_string()}</p>
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
                        {move || perks.iter().map(|x| view! { <li>{perk(l(), x)}</li> }).collect_view()}
                    </ul>
                </li>
            }
        })
        .collect_view();
    let earned = statement.badges.clone();
    let badges = program
        .badges
        .iter()
        .map(|b| {
            let when = earned.iter().find(|e| e.badge == b.id).map(|e| e.earned);
            let (b2, p) = (b.clone(), program.clone());
            view! {
                <li class="card badge" class:earned=when.is_some() data-badge=b.id.clone()>
                    <h3>{b.name.clone()}</h3>
                    <p class="muted">{move || earns(l(), &b2, &p)}</p>
                    <p data-test="badge-status">{move || match when {
                        Some(d) => td_string!(l().i18n(), earned_on, date = format::date(l(), d)).to_string(),
                        None => td_string!(l().i18n(), not_yet).to_string(),
                    }}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="tier-page">
            <h1>{move || td_string!(l().i18n(), tiers_title).to_string()}</h1>
            <ol class="tiers">{tiers}</ol>
            <h2>{move || td_string!(l().i18n(), badges_title).to_string()}</h2>
            <ul class="badges">{badges}</ul>
        </section>
    }
}
