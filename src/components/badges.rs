//! Badges: every badge of the program, earned (with the date) or not yet (with what earns it).

use leptos::prelude::*;
use mitra_scheme::model::{Badge, BadgeRule};
use mitra_scheme::report::BadgeEarned;
use mitra_scheme::Program;

use crate::format;
use crate::i18n::td_string;
use crate::locale::{named, scheme_name, Locale};
use crate::session::AppState;

/// What earns a badge, in words.
pub fn earns(locale: Locale, badge: &Badge, program: &Program) -> String {
    let l = locale.i18n();
    let scheme_name = |id: &str| scheme_name(locale, program, id);
    match &badge.rule {
        BadgeRule::FirstSale => td_string!(l, badge_first_sale).to_string(),
        // A count of one has its own words: English and Dutch nouns take the plural otherwise.
        BadgeRule::Certifications { count: 1 } => td_string!(l, badge_certification).to_string(),
        BadgeRule::Certifications { count } => td_string!(l, badge_certifications, count = *count).to_string(),
        BadgeRule::TargetStreak { scheme, periods: 1 } => {
            td_string!(l, badge_target_once, scheme = scheme_name(scheme)).to_string()
        }
        BadgeRule::TargetStreak { scheme, periods } => {
            td_string!(l, badge_target_streak, periods = *periods, scheme = scheme_name(scheme)).to_string()
        }
        BadgeRule::TopN { scheme, n: 1 } => td_string!(l, badge_top_one, scheme = scheme_name(scheme)).to_string(),
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

/// Every badge of the program; earned ones first, with the date.
#[component]
pub fn BadgeList(program: Program, earned: Vec<BadgeEarned>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let mut badges: Vec<(Badge, Option<chrono::NaiveDate>)> = program
        .badges
        .iter()
        .map(|b| (b.clone(), earned.iter().find(|e| e.badge == b.id).map(|e| e.earned)))
        .collect();
    badges.sort_by_key(|(_, when)| when.is_none());
    let items = badges
        .into_iter()
        .map(|(b, when)| {
            let (b2, p) = (b.clone(), program.clone());
            let b3 = b.clone();
            view! {
                <li class="card badge" class:earned=when.is_some() data-badge=b.id.clone()>
                    <h3>{move || named(l(), &b3.name, &b3.names)}</h3>
                    <p class="muted">{move || earns(l(), &b2, &p)}</p>
                    <p data-test="badge-status">{move || match when {
                        Some(d) => td_string!(l().i18n(), earned_on, date = format::date(l(), d)).to_string(),
                        None => td_string!(l().i18n(), not_yet).to_string(),
                    }}</p>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="badges">{items}</ul> }
}
