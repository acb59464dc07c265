//! The live preview: what the draft pays across every partner against the published version,
//! recomputed on every edit from the partners and facts loaded once. Totals per scheme and per
//! instrument over the periods the draft would govern, budgets that scale payouts down, the
//! tier distribution, how many partners reach each slab, who gains and loses most, and one
//! partner's statement side by side (published and draft) with its explanations.

use std::sync::Arc;

use chrono::NaiveDate;
use leptos::prelude::*;
use rust_decimal::Decimal;

use mitra::components::explanation::Explanation;
use mitra::components::scheme_card::payout_text;
use mitra::locale::{named, scheme_name, tier_name};
use mitra_scheme::model::{Fact, Instrument, Partner};
use mitra_scheme::{FactTable, Population, Program};

use crate::cost;
use crate::i18n::td_string;
use crate::words::{current, lang, tr};

/// Everything loaded once per program: the partners and their facts, the day figures are
/// computed as of, and the published version with its run (computed once and kept).
pub struct Base {
    pub partners: Vec<Partner>,
    pub facts: Vec<Fact>,
    pub table: FactTable,
    pub today: NaiveDate,
    pub published: Option<Program>,
    pub published_run: Option<Population>,
}

impl Base {
    pub fn new(partners: Vec<Partner>, facts: Vec<Fact>, today: NaiveDate, published: Option<Program>) -> Self {
        let table: FactTable = facts.iter().collect();
        // For the benchmark (tests/bench/designer.mjs): the facts are ready to evaluate.
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let _ = p.mark("mitra-facts-ready");
        }
        let published_run = published.as_ref().map(|p| mitra_scheme::population(p, &partners, &table, today));
        Base { partners, facts, table, today, published, published_run }
    }

    pub fn run(&self, program: &Program) -> Population {
        mitra_scheme::population(program, &self.partners, &self.table, self.today)
    }
}

/// A population run and the program it ran, compared by identity (a new run is a new value).
/// Figures drawn from a run read its own program: while the draft being edited has problems,
/// the preview shows the last run that had none.
#[derive(Clone)]
pub struct Run(pub Arc<Population>, pub Arc<Program>);

impl PartialEq for Run {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

fn signed(text: String, change: Decimal) -> String {
    if change > Decimal::ZERO {
        format!("+{text}")
    } else {
        text
    }
}

/// A figure in the instrument's unit (points, or money in the program's currency).
pub fn figure(program: &Program, instrument: Instrument, x: Decimal) -> String {
    payout_text(current(), instrument, program, x)
}

#[component]
pub fn Preview(
    base: Arc<Base>,
    program: RwSignal<Program>,
    run: Memo<Option<Run>>,
    #[prop(into)] selected: Signal<Option<String>>,
    /// The draft has problems: the figures are the last valid draft's.
    #[prop(into)] stale: Signal<bool>,
) -> impl IntoView {
    let today = base.today;
    let b = base.clone();
    let costs = Memo::new(move |_| {
        run.get().map(|r| cost::compare(b.published_run.as_ref(), &r.0, today))
    });
    view! {
        <section class="preview card" aria-labelledby="preview-title" data-test="preview">
            <h2 id="preview-title">{tr(|l| td_string!(l, preview_title).to_string())}</h2>
            <p class="muted">{let n = base.partners.len(); move || td_string!(lang(current()), preview_scope, partners = n, date = mitra::format::date(current(), today)).to_string()}</p>
            {move || match costs.get() {
                None => view! { <p class="notice" data-test="preview-stale">{tr(|l| td_string!(l, preview_needs_valid).to_string())}</p> }.into_any(),
                Some(c) => view! {
                    <Show when=move || stale.get()>
                        <p class="notice" role="status" data-test="preview-stale">{tr(|l| td_string!(l, preview_last_valid).to_string())}</p>
                    </Show>
                    <CostTable costs=c program=program/>
                }.into_any(),
            }}
            <AllPeriods run=run/>
            <Budgets run=run program=program/>
            <Tiers base=base.clone() run=run program=program/>
            <SchemeDetail base=base.clone() run=run selected=selected/>
            <PartnerSideBySide base=base.clone() run=run/>
        </section>
    }
}

#[component]
pub fn CostTable(costs: Vec<cost::SchemeCost>, program: RwSignal<Program>) -> impl IntoView {
    let totals = cost::totals(&costs);
    let p = move || program.get();
    view! {
        <table class="figures" data-test="costs">
            <caption>{tr(|l| td_string!(l, costs_caption).to_string())}</caption>
            <thead><tr>
                <th scope="col">{tr(|l| td_string!(l, col_scheme).to_string())}</th>
                <th scope="col" class="num">{tr(|l| td_string!(l, col_published).to_string())}</th>
                <th scope="col" class="num">{tr(|l| td_string!(l, col_draft).to_string())}</th>
                <th scope="col" class="num">{tr(|l| td_string!(l, col_change).to_string())}</th>
            </tr></thead>
            <tbody>
                {costs.into_iter().map(|c| {
                    let c2 = c.clone();
                    let id = c.scheme.clone();
                    let (instrument, change, published, draft) = (c.instrument, c.change(), c.published, c.draft);
                    view! {
                        <tr data-test="cost" data-scheme=id>
                            <th scope="row">{move || scheme_name(current(), &p(), &c2.scheme)}</th>
                            <td class="num">{move || published.map(|x| figure(&p(), instrument, x)).unwrap_or_else(|| "—".into())}</td>
                            <td class="num" data-test="cost-draft">{move || draft.map(|x| figure(&p(), instrument, x)).unwrap_or_else(|| "—".into())}</td>
                            <td class="num" data-test="cost-change" class:up={change > Decimal::ZERO} class:down={change < Decimal::ZERO}>
                                {move || signed(figure(&p(), instrument, change), change)}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
            <tfoot>
                {totals.into_iter().map(|(instrument, published, draft)| {
                    let change = draft - published;
                    let code = mitra::api::instrument_code(instrument);
                    view! {
                        <tr data-test="cost-total" data-instrument=code>
                            <th scope="row">{move || instrument_total(instrument)}</th>
                            <td class="num">{move || figure(&p(), instrument, published)}</td>
                            <td class="num" data-test="cost-total-draft">{move || figure(&p(), instrument, draft)}</td>
                            <td class="num" data-test="cost-total-change">{move || signed(figure(&p(), instrument, change), change)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tfoot>
        </table>
    }
}

/// The draft's payouts over every period (closed and running), as `mitra-eval` totals them.
#[component]
fn AllPeriods(run: Memo<Option<Run>>) -> impl IntoView {
    move || {
        let r = run.get()?;
        let p = (*r.1).clone();
        Some(view! {
            <table class="figures" data-test="all-periods">
                <caption>{tr(|l| td_string!(l, all_periods_caption).to_string())}</caption>
                <thead><tr>
                    <th scope="col">{tr(|l| td_string!(l, col_scheme).to_string())}</th>
                    <th scope="col" class="num">{tr(|l| td_string!(l, col_total).to_string())}</th>
                    <th scope="col" class="num">{tr(|l| td_string!(l, col_paid).to_string())}</th>
                </tr></thead>
                <tbody>
                    {r.0.schemes.iter().map(|s| view! {
                        <tr data-test="scheme-total" data-scheme=s.scheme.clone() data-value=s.total.to_string()>
                            <th scope="row">{scheme_name(current(), &p, &s.scheme)}</th>
                            <td class="num">{figure(&p, s.instrument, s.total)}</td>
                            <td class="num">{s.partners_paid}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })
    }
}

fn instrument_total(i: Instrument) -> String {
    let l = lang(current());
    match i {
        Instrument::Points => td_string!(l, total_points).to_string(),
        Instrument::Cash => td_string!(l, total_cash).to_string(),
        Instrument::Fund => td_string!(l, total_fund).to_string(),
    }
}

#[component]
fn Budgets(run: Memo<Option<Run>>, program: RwSignal<Program>) -> impl IntoView {
    move || {
        let scales = run.get().map(|r| cost::budget_scales(&r.0)).unwrap_or_default();
        (!scales.is_empty()).then(|| {
            let p = program.get();
            view! {
                <ul class="budgets" data-test="budgets">
                    {scales.into_iter().map(|(scheme, period, budget, total, factor)| {
                        let instrument = p.schemes.iter().find(|s| s.id == scheme).map_or(Instrument::Points, |s| s.instrument);
                        let text = td_string!(lang(current()), budget_bites,
                            scheme = scheme_name(current(), &p, &scheme), period = period,
                            budget = figure(&p, instrument, budget), total = figure(&p, instrument, total),
                            percent = mitra::format::number(current(), factor * Decimal::ONE_HUNDRED, 1)).to_string();
                        view! { <li class="notice">{text}</li> }
                    }).collect_view()}
                </ul>
            }
        })
    }
}

#[component]
fn Tiers(base: Arc<Base>, run: Memo<Option<Run>>, program: RwSignal<Program>) -> impl IntoView {
    move || {
        let r = run.get()?;
        let p = program.get();
        let published = base.published_run.as_ref().map(|x| x.tiers.clone()).unwrap_or_default();
        let mut ids: Vec<String> = std::iter::once(String::new()).chain(p.tiers.iter().map(|t| t.id.clone())).collect();
        for id in published.keys().chain(r.0.tiers.keys()) {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        Some(view! {
            <table class="figures" data-test="tiers">
                <caption>{tr(|l| td_string!(l, tiers_caption).to_string())}</caption>
                <thead><tr>
                    <th scope="col">{tr(|l| td_string!(l, col_tier).to_string())}</th>
                    <th scope="col" class="num">{tr(|l| td_string!(l, col_published).to_string())}</th>
                    <th scope="col" class="num">{tr(|l| td_string!(l, col_draft).to_string())}</th>
                </tr></thead>
                <tbody>
                    {ids.into_iter().map(|id| {
                        let name = if id.is_empty() { td_string!(lang(current()), no_tier).to_string() } else { tier_name(current(), &p, &id) };
                        view! {
                            <tr>
                                <th scope="row">{name}</th>
                                <td class="num">{published.get(&id).copied().unwrap_or(0)}</td>
                                <td class="num">{r.0.tiers.get(&id).copied().unwrap_or(0)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        })
    }
}

/// The scheme being edited: partners per slab, and who gains and loses most.
#[component]
fn SchemeDetail(base: Arc<Base>, run: Memo<Option<Run>>, selected: Signal<Option<String>>) -> impl IntoView {
    move || {
        let r = run.get()?;
        let scheme = selected.get()?;
        let p = (*r.1).clone();
        let instrument = p.schemes.iter().find(|s| s.id == scheme)?.instrument;
        let reach = cost::slab_reach(&p, &r.0, &scheme);
        let changes = cost::partner_changes(base.published_run.as_ref(), &r.0, &scheme, base.today);
        let name_of = |id: &str| base.partners.iter().find(|x| x.id == id).map_or(id.to_string(), |x| x.name.clone());
        let gainers: Vec<_> = changes.iter().filter(|c| c.change() > Decimal::ZERO).take(5).cloned().collect();
        let losers: Vec<_> = changes.iter().rev().filter(|c| c.change() < Decimal::ZERO).take(5).cloned().collect();
        let row = |c: cost::PartnerChange| {
            let change = c.change();
            view! {
                <li data-test="partner-change">
                    <span>{name_of(&c.partner)}</span>
                    <span class="num">{figure(&p, instrument, c.published)}" → "{figure(&p, instrument, c.draft)}</span>
                    <strong class="num">{signed(figure(&p, instrument, change), change)}</strong>
                </li>
            }
        };
        Some(view! {
            <h3>{scheme_name(current(), &p, &scheme)}</h3>
            {reach.map(|rows| view! {
                <table class="figures" data-test="slab-reach">
                    <caption>{tr(|l| td_string!(l, reach_caption).to_string())}</caption>
                    <thead><tr>
                        <th scope="col">{tr(|l| td_string!(l, slab_from).to_string())}</th>
                        <th scope="col" class="num">{tr(|l| td_string!(l, col_partners).to_string())}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(from, n)| view! {
                            <tr><th scope="row">{mitra::format::number(current(), from, 2)}</th><td class="num">{n}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <div class="gainers">
                <div>
                    <h4>{tr(|l| td_string!(l, top_gainers).to_string())}</h4>
                    {if gainers.is_empty() { view! { <p class="muted">{tr(|l| td_string!(l, nobody).to_string())}</p> }.into_any() }
                     else { view! { <ul class="changes">{gainers.into_iter().map(row).collect_view()}</ul> }.into_any() }}
                </div>
                <div>
                    <h4>{tr(|l| td_string!(l, top_losers).to_string())}</h4>
                    {if losers.is_empty() { view! { <p class="muted">{tr(|l| td_string!(l, nobody).to_string())}</p> }.into_any() }
                     else { view! { <ul class="changes">{losers.into_iter().map(row).collect_view()}</ul> }.into_any() }}
                </div>
            </div>
        })
    }
}

/// One partner's statement under both versions, scheme by scheme, with the draft's explanations.
#[component]
fn PartnerSideBySide(base: Arc<Base>, run: Memo<Option<Run>>) -> impl IntoView {
    let chosen = RwSignal::new(base.partners.first().map(|p| p.id.clone()).unwrap_or_default());
    let options = base.partners.iter().map(|p| (p.id.clone(), p.name.clone())).collect::<Vec<_>>();
    let b = base.clone();
    view! {
        <h3>{tr(|l| td_string!(l, side_by_side).to_string())}</h3>
        <label for="preview-partner">{tr(|l| td_string!(l, partner_label).to_string())}</label>
        <select id="preview-partner" data-test="preview-partner" on:change=move |ev| chosen.set(event_target_value(&ev))>
            {options.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
        </select>
        {move || {
            let id = chosen.get();
            let partner = b.partners.iter().find(|p| p.id == id)?.clone();
            let facts: Vec<Fact> = b.facts.iter().filter(|f| f.partner() == id).cloned().collect();
            let draft_run = run.get()?;
            let p = (*draft_run.1).clone();
            let draft = mitra_scheme::statement(&p, &partner, &facts, b.today, Some(&draft_run.0.context));
            let published = b.published.as_ref().zip(b.published_run.as_ref())
                .map(|(pp, run)| (pp.clone(), mitra_scheme::statement(pp, &partner, &facts, b.today, Some(&run.context))));
            Some(view! {
                <table class="figures" data-test="side-by-side">
                    <thead><tr>
                        <th scope="col">{tr(|l| td_string!(l, col_scheme).to_string())}</th>
                        <th scope="col" class="num">{tr(|l| td_string!(l, col_published).to_string())}</th>
                        <th scope="col" class="num">{tr(|l| td_string!(l, col_draft).to_string())}</th>
                    </tr></thead>
                    <tbody>
                        {draft.schemes.iter().map(|s| {
                            let before = published.as_ref().and_then(|(_, st)| st.schemes.iter().find(|x| x.scheme == s.scheme)).map(|x| x.total);
                            let def = p.schemes.iter().find(|x| x.id == s.scheme).cloned();
                            let last = s.periods.last().cloned();
                            let counted: Vec<Fact> = last.as_ref().map(|l| l.facts.iter().filter_map(|&i| facts.get(i as usize).cloned()).collect()).unwrap_or_default();
                            view! {
                                <tr>
                                    <th scope="row">{named(current(), &s.name, &def.as_ref().map(|d| d.names.clone()).unwrap_or_default())}
                                        {def.zip(last).map(|(d, l)| view! { <Explanation steps=l.explanation counted=counted scheme=d program=p.clone()/> })}
                                    </th>
                                    <td class="num">{before.map(|x| figure(&p, s.instrument, x)).unwrap_or_else(|| "—".into())}</td>
                                    <td class="num">{figure(&p, s.instrument, s.total)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })
        }}
    }
}
