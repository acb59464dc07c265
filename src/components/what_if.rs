//! "What if I sell more?": hypothetical sales added to the partner's own, every scheme's payout
//! projected at once by crates/scheme's `project` right here in the browser, with no request to
//! the server. The sale being typed counts as you type; "add" keeps it and starts another. A
//! slider adds "this much more" of the chosen product today, in units at the partner's own
//! average price for it.

use std::sync::Arc;

use chrono::NaiveDate;
use leptos::prelude::*;
use mitra_scheme::model::{Fact, Instrument};
use mitra_scheme::{Context, Program, ProjectionBase, Statement, WhatIf};
use rust_decimal::Decimal;

use crate::format;
use crate::i18n::td_string;
use crate::locale::Locale;
use crate::session::AppState;

/// What the projection needs, shared by every keystroke's computation: the partner's facts
/// indexed once, and the statement now.
pub struct Basis {
    pub program: Program,
    pub partner: mitra_scheme::Partner,
    /// The partner's facts, shared with the scheme cards' explanations.
    pub facts: Arc<Vec<Fact>>,
    /// `facts` made ready for projections as of `today`; each copies it and adds the
    /// hypothetical sales.
    pub base: ProjectionBase,
    pub context: Context,
    pub today: NaiveDate,
    pub now: Statement,
}

impl Basis {
    /// The basis of a loaded dashboard bundle, with the statement already computed from it.
    pub fn new(data: &crate::api::Dashboard, now: Statement) -> Basis {
        Basis {
            program: data.program.clone(),
            partner: data.partner.clone(),
            facts: Arc::new(data.facts.clone()),
            base: ProjectionBase::new(&data.partner.id, &data.facts, data.today),
            context: data.context.clone(),
            today: data.today,
            now,
        }
    }
}

/// The products the partner has sold (SKU and category), most recent first, for the picker.
fn products(facts: &[Fact]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for f in facts.iter().rev() {
        if let Fact::Sale { sku, category, .. } = f {
            if !out.iter().any(|(s, _)| s == sku.as_str()) {
                out.push((sku.to_string(), category.to_string()));
            }
        }
    }
    out
}

/// The slider's reach: twice the largest amount a running period still needs for its next
/// milestone, or ten times the partner's average sale when no milestone is in sight; a round
/// figure, so its steps read well.
fn slider_max(basis: &Basis) -> Decimal {
    let needed = basis
        .now
        .schemes
        .iter()
        .zip(&basis.program.schemes)
        .filter(|(_, s)| s.measure == mitra_scheme::model::Measure::SumValue)
        .flat_map(|(r, _)| r.periods.iter().filter(|l| l.running).filter_map(|l| l.next.as_ref().map(|n| n.needed)))
        .max();
    let sales: Vec<Decimal> = basis
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::Sale { value, .. } if *value > Decimal::ZERO => Some(*value),
            _ => None,
        })
        .collect();
    let average = if sales.is_empty() {
        Decimal::ZERO
    } else {
        sales.iter().sum::<Decimal>() / Decimal::from(sales.len())
    };
    let raw = needed.map_or(average * Decimal::TEN, |n| n * Decimal::TWO).max(Decimal::ONE_HUNDRED);
    // Round up to one significant digit: 19,000,000 → 20,000,000.
    let digits = raw.trunc().to_string().len() as u32;
    let unit = Decimal::from(10u64.pow(digits.saturating_sub(1).min(18)));
    (raw / unit).ceil() * unit
}

/// Units for `value` of `sku` at the partner's own average price for it (at least one).
fn units_for(facts: &[Fact], sku: &str, value: Decimal) -> Decimal {
    let (units, total) = facts.iter().fold((Decimal::ZERO, Decimal::ZERO), |(u, v), f| match f {
        Fact::Sale { sku: s, units, value, .. } if s.as_str() == sku && *value > Decimal::ZERO => (u + units, v + value),
        _ => (u, v),
    });
    if units <= Decimal::ZERO || total <= Decimal::ZERO {
        return Decimal::ONE;
    }
    (value * units / total).round().max(Decimal::ONE)
}

/// A sale as typed, when its figures read as numbers (units default to 1).
fn typed_sale(
    locale: Locale,
    basis: &Basis,
    sku: &str,
    category: &str,
    units: &str,
    value: &str,
    date: NaiveDate,
) -> Option<Fact> {
    let value = format::parse_amount(locale, value).filter(|v| *v > Decimal::ZERO)?;
    let units = if units.trim().is_empty() { Decimal::ONE } else { format::parse_amount(locale, units)? };
    Some(Fact::Sale {
        partner: basis.partner.id.as_str().into(),
        date,
        invoice: "what-if".into(),
        sku: sku.into(),
        category: category.into(),
        units,
        value,
    })
}

fn signed(locale: Locale, instrument: Instrument, program: &Program, x: Decimal) -> String {
    let body = match instrument {
        Instrument::Points => format!("{} {}", format::number(locale, x.abs(), 0), program.points_name),
        Instrument::Cash | Instrument::Fund => format::money(locale, x.abs(), &program.currency, program.decimals),
    };
    if x.is_sign_negative() && !x.is_zero() {
        format!("−{body}")
    } else {
        format!("+{body}")
    }
}

/// Whether the panel's projection changed. A new one is made only when the hypothetical sales
/// did, so any new one is news: comparing it with the last would walk every scheme's periods and
/// explanations for nothing.
fn projection_changed(old: Option<&Option<Arc<WhatIf>>>, new: Option<&Option<Arc<WhatIf>>>) -> bool {
    match (old, new) {
        (Some(Some(a)), Some(Some(b))) => !Arc::ptr_eq(a, b),
        (old, new) => old.map(Option::is_some) != new.map(Option::is_some),
    }
}

#[component]
pub fn WhatIfPanel(
    basis: Arc<Basis>,
    /// On a scheme's page, its id: the product picked at first is then the partner's latest that
    /// counts for that scheme (on the dashboard, the latest sold).
    #[prop(optional)]
    scheme: Option<String>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let catalog = products(&basis.facts);
    let focus = scheme.and_then(|id| basis.program.schemes.iter().find(|s| s.id == id));
    let first = catalog
        .iter()
        .find(|(sku, category)| focus.is_none_or(|s| s.counts.admits_sale(sku, category)))
        .or(catalog.first())
        .cloned()
        .unwrap_or_default();
    let sku = RwSignal::new(first.0.clone());
    let units = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let date = RwSignal::new(basis.today.to_string());
    let added: RwSignal<Vec<Fact>> = RwSignal::new(Vec::new());
    let category_of = {
        let catalog = catalog.clone();
        move |s: &str| catalog.iter().find(|(k, _)| k == s).map(|(_, c)| c.clone()).unwrap_or_default()
    };
    // The sale being typed, when it reads as one; and every hypothetical sale with it.
    let typed = {
        let basis = basis.clone();
        let category_of = category_of.clone();
        Memo::new(move |_| {
            let when = mitra_scheme::model::date::parse(&date.get()).unwrap_or(basis.today).min(basis.today);
            let s = sku.get();
            typed_sale(l(), &basis, &s, &category_of(&s), &units.get(), &value.get(), when)
        })
    };
    // The slider: 0–100 steps of a hundredth of its reach.
    let reach = slider_max(&basis);
    let steps = RwSignal::new(0u32);
    let slider_value = move || reach * Decimal::from(steps.get()) / Decimal::ONE_HUNDRED;
    let slider_sale = {
        let basis = basis.clone();
        let category_of = category_of.clone();
        Memo::new(move |_| {
            let value = slider_value();
            (value > Decimal::ZERO).then(|| {
                let s = sku.get();
                Fact::Sale {
                    partner: basis.partner.id.as_str().into(),
                    date: basis.today,
                    invoice: "what-if-more".into(),
                    sku: s.as_str().into(),
                    category: category_of(&s).into(),
                    units: units_for(&basis.facts, &s, value),
                    value,
                }
            })
        })
    };
    let extra = Memo::new(move |_| {
        let mut all = added.get();
        all.extend(typed.get());
        all.extend(slider_sale.get());
        all
    });
    let projection: Memo<Option<Arc<WhatIf>>> = {
        let basis = basis.clone();
        Memo::new_with_compare(move |_| {
            let extra = extra.get();
            (!extra.is_empty()).then(|| {
                Arc::new(mitra_scheme::project_figures(
                    &basis.now,
                    &basis.program,
                    &basis.partner,
                    &basis.base,
                    &extra,
                    Some(&basis.context),
                ))
            })
        }, projection_changed)
    };
    let add = move |_| {
        if let Some(f) = typed.get_untracked() {
            added.update(|a| a.push(f));
            units.set(String::new());
            value.set(String::new());
        }
    };
    let clear = move |_| {
        added.set(Vec::new());
        steps.set(0);
        units.set(String::new());
        value.set(String::new());
    };
    // The result table is built once and its cells follow the projection: an edit changes a
    // few text nodes, not the table (a keystroke must stay within a frame on a slow phone).
    let shown = move || projection.with(Option::is_some);
    let diff_of = move |id: &str| projection.with(|p| p.as_ref().and_then(|p| p.difference.get(id).copied()));
    let lines = {
        let basis = basis.clone();
        move || basis
        .program
        .schemes
        .iter()
        .map(|s| {
            let (id, id2, scheme, program) = (s.id.clone(), s.id.clone(), s.clone(), basis.program.clone());
            // The text of the last difference shown: a key that leaves a row's difference as it
            // was (a slab not crossed, a measure the sale does not change) formats nothing again.
            let last = std::sync::Mutex::new(None::<(Locale, Option<Decimal>, String)>);
            let text = move || {
                let (locale, diff) = (l(), diff_of(&id));
                let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
                match &*last {
                    Some((at, was, text)) if *at == locale && *was == diff => text.clone(),
                    _ => {
                        let text =
                            diff.map_or_else(|| "—".to_string(), |d| signed(locale, scheme.instrument, &program, d));
                        *last = Some((locale, diff, text.clone()));
                        text
                    }
                }
            };
            let class = move || match diff_of(&id2) {
                Some(d) if d > Decimal::ZERO => "up",
                Some(d) if d < Decimal::ZERO => "down",
                _ => "same",
            };
            let s2 = s.clone();
            view! {
                <tr data-scheme=s.id.clone()>
                    <th scope="row">{move || crate::locale::named(l(), &s2.name, &s2.names)}</th>
                    <td class=class data-test="what-if-diff">{text}</td>
                </tr>
            }
        })
        .collect_view()
    };
    let total = {
        let program = basis.program.clone();
        move || {
            let points = projection.with(|p| p.as_ref().map(|p| p.total_difference.points)).unwrap_or_default();
            signed(l(), Instrument::Points, &program, points)
        }
    };
    let tier_change = {
        let basis = basis.clone();
        move || {
            let tier = projection.with(|p| p.as_ref().map(|p| p.statement.tier.tier.clone()))?;
            (tier != basis.now.tier.tier).then(|| {
                let name = tier
                    .map(|t| crate::locale::tier_name(l(), &basis.program, &t))
                    .unwrap_or_else(|| td_string!(l().i18n(), no_tier).to_string());
                td_string!(l().i18n(), what_if_tier, tier = name).to_string()
            })
        }
    };
    // Badges the projection earns that the partner does not hold yet.
    let badges_gained = {
        let basis = basis.clone();
        move || {
            projection.with(|p| {
                let p = p.as_ref()?;
                let names: Vec<String> = p
                    .statement
                    .badges
                    .iter()
                    .filter(|b| !basis.now.badges.iter().any(|n| n.badge == b.badge))
                    .filter_map(|b| basis.program.badges.iter().find(|x| x.id == b.badge))
                    .map(|b| crate::locale::named(l(), &b.name, &b.names))
                    .collect();
                (!names.is_empty()).then(|| td_string!(l().i18n(), what_if_badges, badges = names.join(", ")).to_string())
            })
        }
    };
    let rows = view! {
        <Show when=shown>
            <table class="what-if-table">
                <tbody>{lines.clone()}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row">{crate::locale::tr(|l| td_string!(l.i18n(), what_if_total_points).to_string())}</th>
                        <td data-test="what-if-total-points">{total.clone()}</td>
                    </tr>
                </tfoot>
            </table>
        </Show>
        {move || tier_change().map(|t| view! { <p data-test="what-if-tier">{t}</p> })}
        {move || badges_gained().map(|t| view! { <p data-test="what-if-badges">{t}</p> })}
    };
    let count = move || added.get().len();
    let (currency, max_date) = (basis.program.currency.clone(), basis.today.to_string());
    let (currency_slider, currency_text, decimals) =
        (basis.program.currency.clone(), basis.program.currency.clone(), basis.program.decimals);
    view! {
        <section class="card what-if" aria-labelledby="what-if-title">
            <h2 id="what-if-title">{crate::locale::tr(|l| td_string!(l.i18n(), what_if_title).to_string())}</h2>
            <p class="muted">{crate::locale::tr(|l| td_string!(l.i18n(), what_if_hint).to_string())}</p>
            <div class="what-if-slider">
                <label for="what-if-more">
                    {move || td_string!(l().i18n(), slider_label,
                        amount = format::money(l(), slider_value(), &currency_slider, decimals)).to_string()}
                </label>
                <input id="what-if-more" type="range" min="0" max="100" step="1" data-test="what-if-more"
                    prop:value=move || steps.get().to_string()
                    aria-valuetext=move || format::money(l(), slider_value(), &currency_text, decimals)
                    on:input=move |ev| steps.set(event_target_value(&ev).parse().unwrap_or(0))/>
            </div>
            <form class="what-if-form" on:submit=move |ev| ev.prevent_default()>
                <label>
                    {crate::locale::tr(|l| td_string!(l.i18n(), product).to_string())}
                    <select data-test="what-if-sku" on:change=move |ev| sku.set(event_target_value(&ev))>
                        {catalog.iter().map(|(s, c)| {
                            let s2 = s.clone();
                            view! { <option value=s.clone() selected=move || sku.get() == s2>{format!("{s} · {c}")}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    {crate::locale::tr(|l| td_string!(l.i18n(), units).to_string())}
                    <input type="number" min="1" step="1" inputmode="numeric" data-test="what-if-units" bind:value=units/>
                </label>
                <label>
                    {move || td_string!(l().i18n(), value_label, currency = currency.clone()).to_string()}
                    <input type="text" inputmode="decimal" spellcheck="false" data-test="what-if-value"
                        bind:value=value/>
                </label>
                <label>
                    {crate::locale::tr(|l| td_string!(l.i18n(), date_label).to_string())}
                    <input type="date" data-test="what-if-date" max=max_date bind:value=date/>
                </label>
                <div class="actions">
                    <button type="button" data-test="what-if-add" on:click=add>
                        {crate::locale::tr(|l| td_string!(l.i18n(), add_sale).to_string())}
                    </button>
                    <button type="button" class="secondary" data-test="what-if-clear" on:click=clear>
                        {crate::locale::tr(|l| td_string!(l.i18n(), clear).to_string())}
                    </button>
                </div>
            </form>
            <Show when=move || { count() > 0 }>
                <p class="muted" data-test="what-if-added">
                    {move || td_string!(l().i18n(), sales_added, count = count()).to_string()}
                </p>
            </Show>
            <div aria-live="polite">{rows}</div>
        </section>
    }
}
