//! Tiers and badges in a no-code form, like schemes: each tier's trailing measure, threshold,
//! certifications needed, multiplier and perks; each badge's rule. Tiers are listed lowest first
//! (a later tier is a higher one); adding one copies the highest.

use leptos::prelude::*;
use rust_decimal::Decimal;

use mitra_scheme::model::{Badge, BadgeRule, FactKind, Tier};
use mitra_scheme::Program;

use super::fields::{words, DecimalField, ListField, SelectField, TextField};
use super::problems::Item;
use crate::i18n::td_string;
use crate::words::{current, lang, tr};

type TierAt = super::at::At<Tier>;
type BadgeAt = super::at::At<Badge>;

/// A whole number typed as a decimal, kept when it is one.
fn whole(d: Decimal) -> Option<u32> {
    (d.fract().is_zero() && d >= Decimal::ZERO).then(|| u32::try_from(d.trunc().mantissa()).ok()).flatten()
}

#[component]
pub fn TiersForm(program: RwSignal<Program>) -> impl IntoView {
    let count = Memo::new(move |_| program.with(|p| p.tiers.len()));
    view! {
        <div class="scheme-form" data-test="tiers-form">
            <p class="hint">{tr(|l| td_string!(l, tiers_hint).to_string())}</p>
            {move || (0..count.get()).map(|index| view! { <TierFields at=TierAt::new(program, index)/> }).collect_view()}
            <button type="button" data-test="add-tier" on:click=move |_| program.update(|p| {
                let mut next = p.tiers.last().cloned().unwrap_or_else(|| Tier {
                    id: String::new(), name: String::new(), names: Default::default(),
                    counts: mitra_scheme::model::FactFilter { fact: FactKind::Sale, skus: vec![], categories: vec![], courses: vec![] },
                    measure: mitra_scheme::model::Measure::SumValue, trailing_months: 12, threshold: Decimal::ZERO,
                    min_certifications: 0, multiplier: Decimal::ONE, perks: vec![],
                });
                next.id = format!("tier-{}", p.tiers.len() + 1);
                next.names.clear();
                p.tiers.push(next);
            })>{tr(|l| td_string!(l, add_tier).to_string())}</button>
        </div>
    }
}

#[component]
fn TierFields(at: TierAt) -> impl IntoView {
    let id = at.signal(|t| t.id.clone());
    provide_context(Item { kind: "tier", id });
    let n = at.index + 1;
    view! {
        <fieldset data-test="tier" data-tier=id>
            <legend>{move || td_string!(lang(current()), tier_n, n = n).to_string()}</legend>
            <div class="row">
                <TextField label=words(|l| td_string!(l, field_name).to_string()) path="name"
                    value=at.signal(|t| t.name.clone()) set=move |v| at.set(|t| t.name = v)/>
                <TextField label=words(|l| td_string!(l, field_id).to_string()) path="id"
                    value=at.signal(|t| t.id.clone()) set=move |v| at.set(|t| t.id = v)/>
                <DecimalField label=words(|l| td_string!(l, field_threshold).to_string()) path="threshold"
                    value=at.signal(|t| t.threshold) set=move |v| at.set(|t| t.threshold = v)/>
                <DecimalField label=words(|l| td_string!(l, field_multiplier).to_string()) path="multiplier"
                    value=at.signal(|t| t.multiplier) set=move |v| at.set(|t| t.multiplier = v)/>
            </div>
            <div class="row">
                <SelectField label=words(|l| td_string!(l, field_measure).to_string()) path="measure"
                    options=vec![
                        ("sum_value", words(|l| td_string!(l, measure_sum_value).to_string())),
                        ("sum_units", words(|l| td_string!(l, measure_sum_units).to_string())),
                        ("count", words(|l| td_string!(l, measure_count).to_string())),
                        ("distinct_skus", words(|l| td_string!(l, measure_distinct_skus).to_string())),
                    ]
                    value=at.signal(|t| serde_json::to_value(&t.measure).ok().and_then(|v| v["type"].as_str().map(String::from)).unwrap_or_default())
                    set=move |v: String| {
                        if let Ok(m) = serde_json::from_value(serde_json::json!({ "type": v })) {
                            at.set(|t| t.measure = m)
                        }
                    }/>
                <DecimalField label=words(|l| td_string!(l, field_trailing_months).to_string()) path="trailing_months"
                    value=at.signal(|t| Decimal::from(t.trailing_months))
                    set=move |v| if let Some(n) = whole(v) { at.set(|t| t.trailing_months = n) }/>
                <DecimalField label=words(|l| td_string!(l, field_min_certifications).to_string()) path="min_certifications"
                    value=at.signal(|t| Decimal::from(t.min_certifications))
                    set=move |v| if let Some(n) = whole(v) { at.set(|t| t.min_certifications = n) }/>
            </div>
            <ListField label=words(|l| td_string!(l, field_perks).to_string()) path="perks"
                value=at.signal(|t| t.perks.clone()) set=move |v| at.set(|t| t.perks = v)/>
            <button type="button" class="link" data-test="remove-tier"
                on:click=move |_| at.remove()>
                {tr(|l| td_string!(l, remove).to_string())}
            </button>
        </fieldset>
    }
}

fn rule_code(r: &BadgeRule) -> &'static str {
    match r {
        BadgeRule::FirstSale => "first_sale",
        BadgeRule::Certifications { .. } => "certifications",
        BadgeRule::TargetStreak { .. } => "target_streak",
        BadgeRule::TopN { .. } => "top_n",
        BadgeRule::CategoryShare { .. } => "category_share",
    }
}

fn rule_of(code: &str, first_scheme: &str) -> BadgeRule {
    match code {
        "certifications" => BadgeRule::Certifications { count: 1 },
        "target_streak" => BadgeRule::TargetStreak { scheme: first_scheme.into(), periods: 2 },
        "top_n" => BadgeRule::TopN { scheme: first_scheme.into(), n: 3 },
        "category_share" => BadgeRule::CategoryShare { category: String::new(), percent: Decimal::from(50) },
        _ => BadgeRule::FirstSale,
    }
}

#[component]
pub fn BadgesForm(program: RwSignal<Program>) -> impl IntoView {
    let count = Memo::new(move |_| program.with(|p| p.badges.len()));
    view! {
        <div class="scheme-form" data-test="badges-form">
            {move || (0..count.get()).map(|index| view! { <BadgeFields at=BadgeAt::new(program, index)/> }).collect_view()}
            <button type="button" data-test="add-badge" on:click=move |_| program.update(|p| {
                let id = format!("badge-{}", p.badges.len() + 1);
                p.badges.push(Badge { id: id.clone(), name: id, names: Default::default(), rule: BadgeRule::FirstSale });
            })>{tr(|l| td_string!(l, add_badge).to_string())}</button>
        </div>
    }
}

#[component]
fn BadgeFields(at: BadgeAt) -> impl IntoView {
    provide_context(Item { kind: "badge", id: at.signal(|b| b.id.clone()) });
    let kind = at.signal(|b| rule_code(&b.rule).to_string());
    let name = at.signal(|b| b.name.clone());
    let number = move |path: &'static str, get: fn(&BadgeRule) -> Option<Decimal>, put: fn(&mut BadgeRule, Decimal)| {
        view! {
            <DecimalField label=words(|l| td_string!(l, field_rule_number).to_string()) path=path
                value=at.signal(move |b| get(&b.rule).unwrap_or_default()) set=move |v| at.set(|b| put(&mut b.rule, v))/>
        }
    };
    let scheme = move || {
        view! {
            <TextField label=words(|l| td_string!(l, field_rule_scheme).to_string()) path="rule.scheme"
                value=at.signal(|b| match &b.rule {
                    BadgeRule::TargetStreak { scheme, .. } | BadgeRule::TopN { scheme, .. } => scheme.clone(),
                    _ => String::new(),
                })
                set=move |v: String| at.set(|b| match &mut b.rule {
                    BadgeRule::TargetStreak { scheme, .. } | BadgeRule::TopN { scheme, .. } => *scheme = v,
                    _ => {}
                })/>
        }
    };
    view! {
        <fieldset data-test="badge">
            <legend>{name}</legend>
            <div class="row">
                <TextField label=words(|l| td_string!(l, field_name).to_string()) path="name"
                    value=at.signal(|b| b.name.clone()) set=move |v| at.set(|b| b.name = v)/>
                <TextField label=words(|l| td_string!(l, field_id).to_string()) path="id"
                    value=at.signal(|b| b.id.clone()) set=move |v| at.set(|b| b.id = v)/>
                <SelectField label=words(|l| td_string!(l, field_rule).to_string()) path="rule"
                    options=vec![
                        ("first_sale", words(|l| td_string!(l, rule_first_sale).to_string())),
                        ("certifications", words(|l| td_string!(l, rule_certifications).to_string())),
                        ("target_streak", words(|l| td_string!(l, rule_target_streak).to_string())),
                        ("top_n", words(|l| td_string!(l, rule_top_n).to_string())),
                        ("category_share", words(|l| td_string!(l, rule_category_share).to_string())),
                    ]
                    value=kind
                    set=move |v: String| {
                        let first = at.program.with_untracked(|p| p.schemes.first().map(|s| s.id.clone()).unwrap_or_default());
                        at.set(|b| b.rule = rule_of(&v, &first));
                    }/>
            </div>
            <div class="row">
                {move || match kind.get().as_str() {
                    "certifications" => number("rule.count",
                        |r| match r { BadgeRule::Certifications { count } => Some(Decimal::from(*count)), _ => None },
                        |r, v| if let (BadgeRule::Certifications { count }, Some(n)) = (r, whole(v)) { *count = n }).into_any(),
                    "target_streak" => view! {
                        {scheme()}
                        {number("rule.periods",
                            |r| match r { BadgeRule::TargetStreak { periods, .. } => Some(Decimal::from(*periods)), _ => None },
                            |r, v| if let (BadgeRule::TargetStreak { periods, .. }, Some(n)) = (r, whole(v)) { *periods = n })}
                    }.into_any(),
                    "top_n" => view! {
                        {scheme()}
                        {number("rule.n",
                            |r| match r { BadgeRule::TopN { n, .. } => Some(Decimal::from(*n)), _ => None },
                            |r, v| if let (BadgeRule::TopN { n, .. }, Some(x)) = (r, whole(v)) { *n = x })}
                    }.into_any(),
                    "category_share" => view! {
                        <TextField label=words(|l| td_string!(l, field_rule_category).to_string()) path="rule.category"
                            value=at.signal(|b| match &b.rule { BadgeRule::CategoryShare { category, .. } => category.clone(), _ => String::new() })
                            set=move |v: String| at.set(|b| if let BadgeRule::CategoryShare { category, .. } = &mut b.rule { *category = v })/>
                        {number("rule.percent",
                            |r| match r { BadgeRule::CategoryShare { percent, .. } => Some(*percent), _ => None },
                            |r, v| if let BadgeRule::CategoryShare { percent, .. } = r { *percent = v })}
                    }.into_any(),
                    _ => ().into_any(),
                }}
            </div>
            <button type="button" class="link" data-test="remove-badge"
                on:click=move |_| at.remove()>
                {tr(|l| td_string!(l, remove).to_string())}
            </button>
        </fieldset>
    }
}
