//! The no-code form of one scheme: every field the evaluator reads, as dates, choices, decimals
//! and tables, each bound to the program being edited and showing the problems at its path.
//! Sections that change shape (the payout's type, the slab table's rows) are rebuilt only when
//! their shape changes, so typing in a field never loses its focus.

use leptos::prelude::*;
use rust_decimal::Decimal;

use mitra_scheme::model::{
    FactKind, Gate, GroupBy, Instrument, Measure, Payout, PeriodKind, Rate, Scheme, SchemeKind, Slab, SlabBounds,
    SlabMode, SlabPay,
};

use super::fields::{
    words, CheckField, DateField, DecimalField, ListField, OptionalDecimalField, SelectField, TextField,
};
use super::problems::Item;
use crate::i18n::td_string;
use crate::words::tr;

/// One scheme of the program being edited.
pub type SchemeAt = super::at::At<Scheme>;

/// The serde name of a unit variant (`"sales_incentive"`).
fn code<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

fn parse<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

macro_rules! options {
    ($($v:literal => $key:ident),* $(,)?) => {
        vec![$(($v, words(|l| td_string!(l, $key).to_string()))),*]
    };
}

#[component]
pub fn SchemeForm(at: SchemeAt) -> impl IntoView {
    provide_context(Item { kind: "scheme", id: at.signal(|s| s.id.clone()) });
    view! {
        <div class="scheme-form" data-test="scheme-form">
            <fieldset>
                <legend>{tr(|l| td_string!(l, section_scheme).to_string())}</legend>
                <div class="row">
                    <TextField label=words(|l| td_string!(l, field_name).to_string()) path="name"
                        value=at.signal(|s| s.name.clone()) set=move |v| at.set(|s| s.name = v)/>
                    <TextField label=words(|l| td_string!(l, field_id).to_string()) path="id"
                        value=at.signal(|s| s.id.clone()) set=move |v| at.set(|s| s.id = v)/>
                    <SelectField label=words(|l| td_string!(l, field_kind).to_string()) path="kind"
                        options=options![
                            "sales_incentive" => kind_sales_incentive, "rebate" => kind_rebate,
                            "volume_discount" => kind_volume_discount, "performance_bonus" => kind_performance_bonus,
                            "spif" => kind_spif, "training" => kind_training, "referral" => kind_referral,
                            "mdf" => kind_mdf, "coop_fund" => kind_coop_fund, "value_added" => kind_value_added,
                        ]
                        value=at.signal(|s| code(&s.kind))
                        set=move |v: String| { if let Some(k) = parse::<SchemeKind>(&v) { at.set(|s| s.kind = k) } }/>
                    <SelectField label=words(|l| td_string!(l, field_instrument).to_string()) path="instrument"
                        options=options!["points" => instrument_points, "cash" => instrument_cash, "fund" => instrument_fund]
                        value=at.signal(|s| code(&s.instrument))
                        set=move |v: String| { if let Some(i) = parse::<Instrument>(&v) { at.set(|s| s.instrument = i) } }/>
                </div>
                <div class="row">
                    <DateField label=words(|l| td_string!(l, field_start).to_string()) path="window"
                        value=at.signal(|s| s.window.start) set=move |d| at.set(|s| s.window.start = d)/>
                    <DateField label=words(|l| td_string!(l, field_end).to_string()) path="window.end"
                        value=at.signal(|s| s.window.end) set=move |d| at.set(|s| s.window.end = d)/>
                    <SelectField label=words(|l| td_string!(l, field_period).to_string()) path="period"
                        options=options!["window" => period_window, "month" => period_month, "quarter" => period_quarter]
                        value=at.signal(|s| code(&s.period))
                        set=move |v: String| { if let Some(p) = parse::<PeriodKind>(&v) { at.set(|s| s.period = p) } }/>
                </div>
            </fieldset>
            <Who at=at/>
            <Counts at=at/>
            <Gates at=at/>
            <Payouts at=at/>
            <fieldset>
                <legend>{tr(|l| td_string!(l, section_limits).to_string())}</legend>
                <div class="row">
                    <CheckField label=words(|l| td_string!(l, field_tier_multiplier).to_string()) path="tier_multiplier"
                        value=at.signal(|s| s.tier_multiplier) set=move |v| at.set(|s| s.tier_multiplier = v)/>
                    <OptionalDecimalField label=words(|l| td_string!(l, field_cap).to_string()) path="cap"
                        value=at.signal(|s| s.cap) set=move |v| at.set(|s| s.cap = v)/>
                    <OptionalDecimalField label=words(|l| td_string!(l, field_budget).to_string()) path="budget"
                        value=at.signal(|s| s.budget) set=move |v| at.set(|s| s.budget = v)/>
                </div>
            </fieldset>
        </div>
    }
}

/// What the partner base holds, for the pickers: the values partners actually have, and the
/// SKUs and categories they sold.
#[derive(Clone, Debug, Default)]
pub struct Choices {
    pub regions: Vec<String>,
    pub types: Vec<String>,
    pub segments: Vec<String>,
    pub skus: Vec<String>,
    pub categories: Vec<String>,
}

/// Most values shown as boxes to tick; more are typed as a list.
const PICKABLE: usize = 40;

/// One list of the eligibility as checkboxes over the values partners have (and any value the
/// definition names that no partner has, so nothing is hidden).
#[component]
fn Pick(
    at: SchemeAt,
    #[prop(into)] legend: Signal<String>,
    path: &'static str,
    values: Vec<String>,
    get: fn(&Scheme) -> &Vec<String>,
    set: fn(&mut Scheme) -> &mut Vec<String>,
) -> impl IntoView {
    let mut all = values;
    for v in at.get(move |s| get(s).clone()) {
        if !all.contains(&v) {
            all.push(v);
        }
    }
    view! {
        <fieldset class="pick" data-path=path>
            <legend>{legend}</legend>
            {all.into_iter().map(|v| {
                let v2 = v.clone();
                let checked = at.signal(move |s| get(s).contains(&v2));
                let v3 = v.clone();
                view! {
                    <label class="check">
                        <input type="checkbox" prop:checked=checked on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let v = v3.clone();
                            at.set(move |s| {
                                let list = set(s);
                                list.retain(|x| *x != v);
                                if on { list.push(v); list.sort(); }
                            });
                        }/>
                        {v}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// Who may earn: regions, partner types and segments picked from the partners' own values
/// (none ticked: everyone), and the lowest tier.
#[component]
fn Who(at: SchemeAt) -> impl IntoView {
    let choices = use_context::<Choices>().unwrap_or_default();
    let tiers: Vec<(String, String)> =
        at.program.with_untracked(|p| p.tiers.iter().map(|t| (t.id.clone(), t.name.clone())).collect());
    let min_tier = at.signal(|s| s.eligibility.min_tier.clone().unwrap_or_default());
    view! {
        <fieldset>
            <legend>{tr(|l| td_string!(l, section_who).to_string())}</legend>
            <p class="hint">{tr(|l| td_string!(l, who_hint).to_string())}</p>
            <div class="row">
                <Pick at=at legend=words(|l| td_string!(l, field_regions).to_string()) path="eligibility.regions"
                    values=choices.regions.clone() get=|s| &s.eligibility.regions set=|s| &mut s.eligibility.regions/>
                <Pick at=at legend=words(|l| td_string!(l, field_types).to_string()) path="eligibility.partner_types"
                    values=choices.types.clone() get=|s| &s.eligibility.partner_types set=|s| &mut s.eligibility.partner_types/>
                <Pick at=at legend=words(|l| td_string!(l, field_segments).to_string()) path="eligibility.segments"
                    values=choices.segments.clone() get=|s| &s.eligibility.segments set=|s| &mut s.eligibility.segments/>
            </div>
            <div class="field" data-path="eligibility.min_tier">
                <label for="min-tier">{tr(|l| td_string!(l, field_min_tier).to_string())}</label>
                <select id="min-tier" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    at.set(|s| s.eligibility.min_tier = (!v.is_empty()).then_some(v));
                }>
                    <option value="" selected=move || min_tier.get().is_empty()>{tr(|l| td_string!(l, any_tier).to_string())}</option>
                    {tiers.into_iter().map(|(id, name)| {
                        let id2 = id.clone();
                        view! { <option value=id selected=move || min_tier.get() == id2>{name}</option> }
                    }).collect_view()}
                </select>
                <super::problems::FieldProblems id="min-tier-problems".to_string() problems=super::problems::at("eligibility.min_tier")/>
            </div>
        </fieldset>
    }
}

/// What counts and how it is measured.
#[component]
fn Counts(at: SchemeAt) -> impl IntoView {
    let choices = use_context::<Choices>().unwrap_or_default();
    let measure = at.signal(|s| measure_code(&s.measure).to_string());
    view! {
        <fieldset>
            <legend>{tr(|l| td_string!(l, section_counts).to_string())}</legend>
            <div class="row">
                <SelectField label=words(|l| td_string!(l, field_fact).to_string()) path="counts.fact"
                    options=options![
                        "sale" => fact_sale, "certification" => fact_certification,
                        "referral" => fact_referral, "marketing_spend" => fact_marketing_spend,
                    ]
                    value=at.signal(|s| code(&s.counts.fact))
                    set=move |v: String| { if let Some(f) = parse::<FactKind>(&v) { at.set(|s| s.counts.fact = f) } }/>
                <SelectField label=words(|l| td_string!(l, field_measure).to_string()) path="measure"
                    options=options![
                        "sum_value" => measure_sum_value, "sum_units" => measure_sum_units, "count" => measure_count,
                        "distinct_skus" => measure_distinct_skus, "growth" => measure_growth,
                    ]
                    value=measure
                    set=move |v: String| at.set(|s| s.measure = measure_of(&v))/>
            </div>
            // The SKUs and categories partners sold, as boxes to tick when there are few; as a
            // typed list otherwise.
            <div class="row">
                {if choices.skus.is_empty() || choices.skus.len() > PICKABLE {
                    view! { <ListField label=words(|l| td_string!(l, field_skus).to_string()) path="counts.skus"
                        value=at.signal(|s| s.counts.skus.clone()) set=move |v| at.set(|s| s.counts.skus = v)/> }.into_any()
                } else {
                    view! { <Pick at=at legend=words(|l| td_string!(l, pick_skus).to_string()) path="counts.skus"
                        values=choices.skus.clone() get=|s| &s.counts.skus set=|s| &mut s.counts.skus/> }.into_any()
                }}
                {if choices.categories.is_empty() || choices.categories.len() > PICKABLE {
                    view! { <ListField label=words(|l| td_string!(l, field_categories).to_string()) path="counts.categories"
                        value=at.signal(|s| s.counts.categories.clone()) set=move |v| at.set(|s| s.counts.categories = v)/> }.into_any()
                } else {
                    view! { <Pick at=at legend=words(|l| td_string!(l, pick_categories).to_string()) path="counts.categories"
                        values=choices.categories.clone() get=|s| &s.counts.categories set=|s| &mut s.counts.categories/> }.into_any()
                }}
            </div>
        </fieldset>
    }
}

fn measure_code(m: &Measure) -> &'static str {
    match m {
        Measure::SumValue => "sum_value",
        Measure::SumUnits => "sum_units",
        Measure::Count => "count",
        Measure::DistinctSkus => "distinct_skus",
        Measure::Growth { .. } => "growth",
    }
}

fn measure_of(code: &str) -> Measure {
    match code {
        "sum_units" => Measure::SumUnits,
        "count" => Measure::Count,
        "distinct_skus" => Measure::DistinctSkus,
        "growth" => Measure::Growth { of: mitra_scheme::model::GrowthBase::SumValue, baseline_offset_months: 12 },
        _ => Measure::SumValue,
    }
}

fn payout_code(p: &Payout) -> &'static str {
    match p {
        Payout::Flat { .. } => "flat",
        Payout::Fixed { .. } => "fixed",
        Payout::Slabs { .. } => "slabs",
        Payout::Rank { .. } => "rank",
    }
}

/// A new payout of another type, keeping what carries over (a flat rate becomes the first slab).
fn payout_of(code: &str, old: &Payout) -> Payout {
    let rate = match old {
        Payout::Flat { rate } => Some(rate.clone()),
        _ => None,
    };
    match code {
        "fixed" => Payout::Fixed { amount: Decimal::ZERO },
        "slabs" => Payout::Slabs {
            mode: SlabMode::Retroactive,
            bounds: SlabBounds::Absolute,
            slabs: vec![Slab {
                from: Decimal::ZERO,
                pay: match rate {
                    Some(Rate::PerUnit { amount }) => SlabPay::PerUnit { amount },
                    Some(Rate::PerCount { amount }) => SlabPay::PerCount { amount },
                    Some(Rate::PercentOfValue { percent }) => SlabPay::PercentOfValue { percent },
                    None => SlabPay::PercentOfValue { percent: Decimal::ZERO },
                },
            }],
        },
        "rank" => Payout::Rank { group_by: GroupBy::All, amounts: vec![Decimal::ZERO] },
        _ => Payout::Flat { rate: rate.unwrap_or(Rate::PercentOfValue { percent: Decimal::ZERO }) },
    }
}

/// The payout: its type, then the fields of that type.
#[component]
fn Payouts(at: SchemeAt) -> impl IntoView {
    let kind = at.signal(|s| payout_code(&s.payout).to_string());
    view! {
        <fieldset>
            <legend>{tr(|l| td_string!(l, section_payout).to_string())}</legend>
            <SelectField label=words(|l| td_string!(l, field_payout_type).to_string()) path="payout"
                options=options!["flat" => payout_flat, "fixed" => payout_fixed, "slabs" => payout_slabs, "rank" => payout_rank]
                value=kind
                set=move |v: String| at.set(|s| s.payout = payout_of(&v, &s.payout))/>
            {move || match kind.get().as_str() {
                "flat" => view! { <FlatRate at=at/> }.into_any(),
                "fixed" => view! {
                    <DecimalField label=words(|l| td_string!(l, field_amount).to_string()) path="payout.amount"
                        value=at.signal(|s| match &s.payout { Payout::Fixed { amount } => *amount, _ => Decimal::ZERO })
                        set=move |v| at.set(|s| if let Payout::Fixed { amount } = &mut s.payout { *amount = v })/>
                }.into_any(),
                "slabs" => view! { <SlabTable at=at/> }.into_any(),
                _ => view! { <RankAmounts at=at/> }.into_any(),
            }}
        </fieldset>
    }
}

fn rate_code(r: &Rate) -> &'static str {
    match r {
        Rate::PercentOfValue { .. } => "percent_of_value",
        Rate::PerUnit { .. } => "per_unit",
        Rate::PerCount { .. } => "per_count",
    }
}

#[component]
fn FlatRate(at: SchemeAt) -> impl IntoView {
    let rate = move |s: &Scheme| match &s.payout {
        Payout::Flat { rate } => Some(rate.clone()),
        _ => None,
    };
    let kind = at.signal(move |s| rate(s).map(|r| rate_code(&r).to_string()).unwrap_or_default());
    let value = at.signal(move |s| match rate(s) {
        Some(Rate::PercentOfValue { percent }) => percent,
        Some(Rate::PerUnit { amount } | Rate::PerCount { amount }) => amount,
        None => Decimal::ZERO,
    });
    view! {
        <div class="row">
            <SelectField label=words(|l| td_string!(l, field_rate_type).to_string()) path="payout.rate"
                options=options!["percent_of_value" => rate_percent_of_value, "per_unit" => rate_per_unit, "per_count" => rate_per_count]
                value=kind
                set=move |v: String| at.set(|s| if let Payout::Flat { rate } = &mut s.payout {
                    let x = match rate { Rate::PercentOfValue { percent } => *percent, Rate::PerUnit { amount } | Rate::PerCount { amount } => *amount };
                    *rate = match v.as_str() {
                        "per_unit" => Rate::PerUnit { amount: x },
                        "per_count" => Rate::PerCount { amount: x },
                        _ => Rate::PercentOfValue { percent: x },
                    };
                })/>
            {move || {
                let path = if kind.get() == "percent_of_value" { "payout.rate.percent" } else { "payout.rate.amount" };
                view! {
                    <DecimalField label=words(|l| td_string!(l, field_rate).to_string()) path=path value=value
                        set=move |v| at.set(|s| if let Payout::Flat { rate } = &mut s.payout {
                            match rate { Rate::PercentOfValue { percent } => *percent = v, Rate::PerUnit { amount } | Rate::PerCount { amount } => *amount = v }
                        })/>
                }
            }}
        </div>
    }
}

fn slab_pay_code(p: &SlabPay) -> &'static str {
    match p {
        SlabPay::PercentOfValue { .. } => "percent_of_value",
        SlabPay::PerUnit { .. } => "per_unit",
        SlabPay::PerCount { .. } => "per_count",
        SlabPay::Fixed { .. } => "fixed",
    }
}

fn slab_pay_value(p: &SlabPay) -> Decimal {
    match p {
        SlabPay::PercentOfValue { percent } => *percent,
        SlabPay::PerUnit { amount } | SlabPay::PerCount { amount } | SlabPay::Fixed { amount } => *amount,
    }
}

fn with_slabs(s: &mut Scheme, f: impl FnOnce(&mut Vec<Slab>)) {
    if let Payout::Slabs { slabs, .. } = &mut s.payout {
        f(slabs)
    }
}

/// Slabs as an editable table: from, what the slab pays and its rate; rows added and removed.
#[component]
fn SlabTable(at: SchemeAt) -> impl IntoView {
    let count = at.signal(|s| match &s.payout {
        Payout::Slabs { slabs, .. } => slabs.len(),
        _ => 0,
    });
    let slab = move |k: usize| {
        move |s: &Scheme| match &s.payout {
            Payout::Slabs { slabs, .. } => slabs.get(k).cloned(),
            _ => None,
        }
    };
    view! {
        <div class="row">
            <SelectField label=words(|l| td_string!(l, field_slab_mode).to_string()) path="payout.mode"
                options=options!["retroactive" => slab_retroactive, "incremental" => slab_incremental]
                value=at.signal(|s| match &s.payout { Payout::Slabs { mode, .. } => code(mode), _ => String::new() })
                set=move |v: String| { if let Some(m) = parse::<SlabMode>(&v) {
                    at.set(|s| if let Payout::Slabs { mode, .. } = &mut s.payout { *mode = m })
                } }/>
            <SelectField label=words(|l| td_string!(l, field_slab_bounds).to_string()) path="payout.bounds"
                options=options!["absolute" => bounds_absolute, "percent_of_target" => bounds_percent_of_target]
                value=at.signal(|s| match &s.payout { Payout::Slabs { bounds, .. } => code(bounds), _ => String::new() })
                set=move |v: String| { if let Some(b) = parse::<SlabBounds>(&v) {
                    at.set(|s| if let Payout::Slabs { bounds, .. } = &mut s.payout { *bounds = b })
                } }/>
        </div>
        <table class="slabs" data-test="slabs">
            <caption>{tr(|l| td_string!(l, slabs_caption).to_string())}</caption>
            <thead><tr>
                <th scope="col">"#"</th>
                <th scope="col">{tr(|l| td_string!(l, slab_from).to_string())}</th>
                <th scope="col">{tr(|l| td_string!(l, slab_pays).to_string())}</th>
                <th scope="col">{tr(|l| td_string!(l, field_rate).to_string())}</th>
                <th scope="col"><span class="sr-only">{tr(|l| td_string!(l, remove).to_string())}</span></th>
            </tr></thead>
            <tbody>
                {move || (0..count.get()).map(|k| view! {
                    <tr data-test="slab">
                        <th scope="row">{k + 1}</th>
                        <td><DecimalField label=words(|l| td_string!(l, slab_from).to_string()) path=format!("payout.slabs[{k}].from")
                            value=at.signal(move |s| slab(k)(s).map(|x| x.from).unwrap_or_default())
                            set=move |v| at.set(|s| with_slabs(s, |sl| if let Some(x) = sl.get_mut(k) { x.from = v }))/></td>
                        <td><SelectField label=words(|l| td_string!(l, slab_pays).to_string()) path=format!("payout.slabs[{k}].pay")
                            options=options![
                                "percent_of_value" => rate_percent_of_value, "per_unit" => rate_per_unit,
                                "per_count" => rate_per_count, "fixed" => rate_fixed,
                            ]
                            value=at.signal(move |s| slab(k)(s).map(|x| slab_pay_code(&x.pay).to_string()).unwrap_or_default())
                            set=move |v: String| at.set(|s| with_slabs(s, |sl| if let Some(x) = sl.get_mut(k) {
                                let n = slab_pay_value(&x.pay);
                                x.pay = match v.as_str() {
                                    "per_unit" => SlabPay::PerUnit { amount: n },
                                    "per_count" => SlabPay::PerCount { amount: n },
                                    "fixed" => SlabPay::Fixed { amount: n },
                                    _ => SlabPay::PercentOfValue { percent: n },
                                };
                            }))/></td>
                        <td><DecimalField label=words(|l| td_string!(l, field_rate).to_string())
                            path=format!("payout.slabs[{k}].pay.{}", if at.get(move |s| slab(k)(s).map(|x| matches!(x.pay, SlabPay::PercentOfValue { .. }))) == Some(true) { "percent" } else { "amount" })
                            value=at.signal(move |s| slab(k)(s).map(|x| slab_pay_value(&x.pay)).unwrap_or_default())
                            set=move |v| at.set(|s| with_slabs(s, |sl| if let Some(x) = sl.get_mut(k) {
                                match &mut x.pay {
                                    SlabPay::PercentOfValue { percent } => *percent = v,
                                    SlabPay::PerUnit { amount } | SlabPay::PerCount { amount } | SlabPay::Fixed { amount } => *amount = v,
                                }
                            }))/></td>
                        <td><button type="button" class="link" data-test="remove-slab"
                            on:click=move |_| at.set(|s| with_slabs(s, |sl| if k < sl.len() { sl.remove(k); }))>
                            {tr(|l| td_string!(l, remove).to_string())}
                        </button></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <button type="button" data-test="add-slab" on:click=move |_| at.set(|s| with_slabs(s, |sl| {
            let next = sl.last().cloned().map(|mut x| { x.from += Decimal::ONE; x })
                .unwrap_or(Slab { from: Decimal::ZERO, pay: SlabPay::PercentOfValue { percent: Decimal::ZERO } });
            sl.push(next);
        }))>{tr(|l| td_string!(l, add_slab).to_string())}</button>
    }
}

/// A rank payout: the grouping and the amount of each rank.
#[component]
fn RankAmounts(at: SchemeAt) -> impl IntoView {
    let count = at.signal(|s| match &s.payout {
        Payout::Rank { amounts, .. } => amounts.len(),
        _ => 0,
    });
    let amount = move |k: usize| {
        move |s: &Scheme| match &s.payout {
            Payout::Rank { amounts, .. } => amounts.get(k).copied().unwrap_or_default(),
            _ => Decimal::ZERO,
        }
    };
    let edit = move |f: Box<dyn FnOnce(&mut Vec<Decimal>)>| {
        at.set(|s| {
            if let Payout::Rank { amounts, .. } = &mut s.payout {
                f(amounts)
            }
        })
    };
    view! {
        <SelectField label=words(|l| td_string!(l, field_group_by).to_string()) path="payout.group_by"
            options=options![
                "all" => group_all, "region" => group_region, "partner_type" => group_partner_type,
                "segment" => group_segment, "parent" => group_parent,
            ]
            value=at.signal(|s| match &s.payout { Payout::Rank { group_by, .. } => code(group_by), _ => String::new() })
            set=move |v: String| { if let Some(g) = parse::<GroupBy>(&v) {
                at.set(|s| if let Payout::Rank { group_by, .. } = &mut s.payout { *group_by = g })
            } }/>
        <ol class="ranks">
            {move || (0..count.get()).map(|k| view! {
                <li>
                    <DecimalField label=Signal::derive(move || td_string!(crate::words::lang(crate::words::current()), rank_n, n = k + 1).to_string())
                        path=format!("payout.amounts[{k}]") value=at.signal(amount(k))
                        set=move |v| edit(Box::new(move |a| if let Some(x) = a.get_mut(k) { *x = v }))/>
                </li>
            }).collect_view()}
        </ol>
        <div class="row">
            <button type="button" on:click=move |_| edit(Box::new(|a| a.push(a.last().copied().unwrap_or_default())))>
                {tr(|l| td_string!(l, add_rank).to_string())}
            </button>
            <button type="button" on:click=move |_| edit(Box::new(|a| { a.pop(); }))>
                {tr(|l| td_string!(l, remove_rank).to_string())}
            </button>
        </div>
    }
}

fn gate_code(g: &Gate) -> &'static str {
    match g {
        Gate::MinMeasure { .. } => "min_measure",
        Gate::MinAttainment { .. } => "min_attainment",
        Gate::Certification { .. } => "certification",
        Gate::MinTier { .. } => "min_tier",
    }
}

/// Conditions a partner must meet before the scheme pays anything in a period, checked in
/// order: a minimum measure, a share of the target, a certification held, a lowest tier.
#[component]
fn Gates(at: SchemeAt) -> impl IntoView {
    let count = at.signal(|s| s.gates.len());
    let gate = move |k: usize| move |s: &Scheme| s.gates.get(k).cloned();
    let tiers: Vec<(String, String)> =
        at.program.with_untracked(|p| p.tiers.iter().map(|t| (t.id.clone(), t.name.clone())).collect());
    view! {
        <fieldset data-test="gates">
            <legend>{tr(|l| td_string!(l, section_gates).to_string())}</legend>
            <p class="hint">{tr(|l| td_string!(l, gates_hint).to_string())}</p>
            {move || (0..count.get()).map(|k| {
                let kind = at.signal(move |s| gate(k)(s).map(|g| gate_code(&g).to_string()).unwrap_or_default());
                let tiers = tiers.clone();
                view! {
                    <div class="row" data-test="gate">
                        <SelectField label=words(|l| td_string!(l, gate_kind).to_string()) path=format!("gates[{k}]")
                            options=options![
                                "min_measure" => gate_min_measure, "min_attainment" => gate_min_attainment,
                                "certification" => gate_certification, "min_tier" => gate_min_tier,
                            ]
                            value=kind
                            set=move |v: String| at.set(|s| if let Some(g) = s.gates.get_mut(k) {
                                *g = match v.as_str() {
                                    "min_attainment" => Gate::MinAttainment { percent: Decimal::ONE_HUNDRED },
                                    "certification" => Gate::Certification { course: String::new() },
                                    "min_tier" => Gate::MinTier { tier: tiers.first().map(|t| t.0.clone()).unwrap_or_default() },
                                    _ => Gate::MinMeasure { value: Decimal::ZERO },
                                };
                            })/>
                        {move || match kind.get().as_str() {
                            "min_measure" => view! {
                                <DecimalField label=words(|l| td_string!(l, gate_value).to_string()) path=format!("gates[{k}].value")
                                    value=at.signal(move |s| match gate(k)(s) { Some(Gate::MinMeasure { value }) => value, _ => Decimal::ZERO })
                                    set=move |v| at.set(|s| if let Some(Gate::MinMeasure { value }) = s.gates.get_mut(k) { *value = v })/>
                            }.into_any(),
                            "min_attainment" => view! {
                                <DecimalField label=words(|l| td_string!(l, gate_percent).to_string()) path=format!("gates[{k}].percent")
                                    value=at.signal(move |s| match gate(k)(s) { Some(Gate::MinAttainment { percent }) => percent, _ => Decimal::ZERO })
                                    set=move |v| at.set(|s| if let Some(Gate::MinAttainment { percent }) = s.gates.get_mut(k) { *percent = v })/>
                            }.into_any(),
                            "certification" => view! {
                                <TextField label=words(|l| td_string!(l, gate_course).to_string()) path=format!("gates[{k}].course")
                                    value=at.signal(move |s| match gate(k)(s) { Some(Gate::Certification { course }) => course, _ => String::new() })
                                    set=move |v: String| at.set(|s| if let Some(Gate::Certification { course }) = s.gates.get_mut(k) { *course = v })/>
                            }.into_any(),
                            _ => {
                                let names: Vec<(String, String)> = at.program.with_untracked(|p| p.tiers.iter().map(|t| (t.id.clone(), t.name.clone())).collect());
                                let held = at.signal(move |s| match gate(k)(s) { Some(Gate::MinTier { tier }) => tier, _ => String::new() });
                                let id = format!("gate-{k}-tier");
                                view! {
                                    <div class="field" data-path=format!("gates[{k}].tier")>
                                        <label for=id.clone()>{tr(|l| td_string!(l, gate_tier).to_string())}</label>
                                        <select id=id on:change=move |ev| {
                                            let v = event_target_value(&ev);
                                            at.set(|s| if let Some(Gate::MinTier { tier }) = s.gates.get_mut(k) { *tier = v });
                                        }>
                                            {names.into_iter().map(|(id, name)| {
                                                let id2 = id.clone();
                                                view! { <option value=id selected=move || held.get() == id2>{name}</option> }
                                            }).collect_view()}
                                        </select>
                                        <super::problems::FieldProblems id=format!("gate-{k}-tier-problems") problems=super::problems::at(&format!("gates[{k}].tier"))/>
                                    </div>
                                }.into_any()
                            }
                        }}
                        <button type="button" class="link" data-test="remove-gate"
                            on:click=move |_| at.set(|s| if k < s.gates.len() { s.gates.remove(k); })>
                            {tr(|l| td_string!(l, remove).to_string())}
                        </button>
                    </div>
                }
            }).collect_view()}
            <button type="button" data-test="add-gate" on:click=move |_| at.set(|s| s.gates.push(Gate::MinMeasure { value: Decimal::ZERO }))>
                {tr(|l| td_string!(l, add_gate).to_string())}
            </button>
        </fieldset>
    }
}
