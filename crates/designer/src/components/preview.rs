//! The live preview: what the draft pays across every partner against the published version,
//! recomputed on every edit (in the preview's worker, see [`crate::worker`]) from the partners
//! and facts loaded once. Totals per scheme and per instrument over the periods the draft would
//! govern, budgets that scale payouts down, the tier distribution, how payouts spread, how many
//! partners reach each slab, who gains and loses most, and one partner's statement side by side
//! (published and draft) with its explanations.

use std::sync::Arc;

use chrono::NaiveDate;
use leptos::prelude::*;
use rust_decimal::Decimal;

use mitra::components::explanation::Explanation;
use mitra::components::scheme_card::payout_text;
use mitra::locale::{named, scheme_name, tier_name};
use mitra_scheme::model::Instrument;
use mitra_scheme::Program;

use crate::api::ApiError;
use crate::components::scheme_form::Choices;
use crate::cost;
use crate::engine::{Ask, Load, Loaded, SchemeDetail as SchemeFigures, Summary};
use crate::i18n::td_string;
use crate::words::{current, lang, tr};
use crate::worker::PreviewWorker;

/// What the preview works on: the worker holding the partners and facts (and the published
/// version's run), what it loaded, and the day figures are computed as of.
#[derive(Clone)]
pub struct Base {
    pub worker: PreviewWorker,
    pub loaded: Arc<Loaded>,
    pub today: NaiveDate,
}

impl Base {
    /// Start the preview's worker on `load` and wait for it to have the facts ready.
    pub async fn start(load: Load, texts: Vec<String>, today: NaiveDate) -> Result<Base, ApiError> {
        let (worker, loaded) = PreviewWorker::start(load, texts).await?;
        // For the benchmark (tests/bench/designer.mjs): the facts are ready to evaluate.
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let _ = p.mark("mitra-facts-ready");
        }
        Ok(Base { worker, loaded: Arc::new(loaded), today })
    }

    /// The values partners have, for the eligibility pickers.
    pub fn choices(&self) -> Choices {
        let l = &self.loaded;
        Choices {
            regions: l.regions.clone(),
            types: l.types.clone(),
            segments: l.segments.clone(),
            skus: l.skus.clone(),
            categories: l.categories.clone(),
        }
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

/// The preview of `program`: each valid version of it is sent to the worker, and the latest
/// answer shown from `summary` (kept while the draft has problems, marked as such).
#[component]
pub fn Preview(
    base: Base,
    program: RwSignal<Program>,
    summary: RwSignal<Option<Arc<Summary>>>,
    #[prop(into)] selected: Signal<Option<String>>,
    /// The draft has problems: the figures are the last valid draft's.
    #[prop(into)]
    stale: Signal<bool>,
) -> impl IntoView {
    let today = base.today;
    let chosen = RwSignal::new(base.loaded.partners.first().map(|p| p.0.clone()));
    let asked = RwSignal::new(0u64);
    base.worker.on_summary(move |s| {
        summary.set(Some(Arc::new(s)));
        // For the benchmark (tests/bench/designer.mjs): an answer arrived and is being painted.
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let _ = p.mark("mitra-preview-answer");
        }
    });
    let worker = base.worker.clone();
    Effect::new(move || {
        let (scheme, partner) = (selected.get(), chosen.get());
        if !stale.get() {
            let id = asked.get_untracked() + 1;
            asked.set(id);
            worker.ask(Ask { id, program: program.get(), scheme, partner });
        }
    });
    let computing = move || summary.with(|s| s.as_ref().map(|s| s.id)) != Some(asked.get()) && !stale.get();
    view! {
        <section class="preview card" aria-labelledby="preview-title" data-test="preview"
            aria-busy=move || computing().to_string() data-answer=move || summary.with(|s| s.as_ref().map(|s| s.id))>
            <h2 id="preview-title">{tr(|l| td_string!(l, preview_title).to_string())}</h2>
            <p class="muted">{let n = base.loaded.partners.len(); move || td_string!(lang(current()), preview_scope, partners = n, date = mitra::format::date(current(), today)).to_string()}</p>
            {move || match summary.get() {
                None => view! { <p class="loading" data-test="preview-computing">{tr(|l| td_string!(l, preview_computing).to_string())}</p> }.into_any(),
                Some(s) => view! {
                    <Show when=move || stale.get()>
                        <p class="notice" role="status" data-test="preview-stale">{tr(|l| td_string!(l, preview_last_valid).to_string())}</p>
                    </Show>
                    <CostTable costs=s.costs.clone() program=program/>
                    <AllPeriods summary=s.clone()/>
                    <Budgets summary=s.clone()/>
                    <Tiers summary=s.clone()/>
                    {s.scheme.clone().map(|d| view! { <SchemeDetail detail=d program=s.program.clone()/> })}
                }.into_any(),
            }}
            <PartnerSideBySide base=base.clone() summary=summary chosen=chosen/>
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
fn AllPeriods(summary: Arc<Summary>) -> impl IntoView {
    let p = summary.program.clone();
    view! {
        <table class="figures" data-test="all-periods">
            <caption>{tr(|l| td_string!(l, all_periods_caption).to_string())}</caption>
            <thead><tr>
                <th scope="col">{tr(|l| td_string!(l, col_scheme).to_string())}</th>
                <th scope="col" class="num">{tr(|l| td_string!(l, col_total).to_string())}</th>
                <th scope="col" class="num">{tr(|l| td_string!(l, col_paid).to_string())}</th>
            </tr></thead>
            <tbody>
                {summary.totals.iter().map(|s| view! {
                    <tr data-test="scheme-total" data-scheme=s.scheme.clone() data-value=s.total.to_string()>
                        <th scope="row">{scheme_name(current(), &p, &s.scheme)}</th>
                        <td class="num">{figure(&p, s.instrument, s.total)}</td>
                        <td class="num">{s.partners_paid}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
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
fn Budgets(summary: Arc<Summary>) -> impl IntoView {
    let p = summary.program.clone();
    (!summary.budgets.is_empty()).then(|| view! {
        <ul class="budgets" data-test="budgets">
            {summary.budgets.iter().cloned().map(|(scheme, period, budget, total, factor)| {
                let instrument = p.schemes.iter().find(|s| s.id == scheme).map_or(Instrument::Points, |s| s.instrument);
                let text = td_string!(lang(current()), budget_bites,
                    scheme = scheme_name(current(), &p, &scheme), period = period,
                    budget = figure(&p, instrument, budget), total = figure(&p, instrument, total),
                    percent = mitra::format::number(current(), factor * Decimal::ONE_HUNDRED, 1)).to_string();
                view! { <li class="notice">{text}</li> }
            }).collect_view()}
        </ul>
    })
}

#[component]
fn Tiers(summary: Arc<Summary>) -> impl IntoView {
    let p = summary.program.clone();
    view! {
        <table class="figures" data-test="tiers">
            <caption>{tr(|l| td_string!(l, tiers_caption).to_string())}</caption>
            <thead><tr>
                <th scope="col">{tr(|l| td_string!(l, col_tier).to_string())}</th>
                <th scope="col" class="num">{tr(|l| td_string!(l, col_published).to_string())}</th>
                <th scope="col" class="num">{tr(|l| td_string!(l, col_draft).to_string())}</th>
            </tr></thead>
            <tbody>
                {summary.tiers.iter().cloned().map(|(id, published, draft)| {
                    let name = if id.is_empty() { td_string!(lang(current()), no_tier).to_string() } else { tier_name(current(), &p, &id) };
                    view! {
                        <tr>
                            <th scope="row">{name}</th>
                            <td class="num">{published}</td>
                            <td class="num">{draft}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The scheme being edited: how payouts spread, partners per slab, who gains and loses most.
#[component]
fn SchemeDetail(detail: SchemeFigures, program: Program) -> impl IntoView {
    let instrument = detail.instrument;
    let p = program.clone();
    let list = move |rows: Vec<(String, cost::PartnerChange)>| {
        if rows.is_empty() {
            return view! { <p class="muted">{tr(|l| td_string!(l, nobody).to_string())}</p> }.into_any();
        }
        let items = rows.into_iter().map(|(name, c)| {
            let change = c.change();
            view! {
                <li data-test="partner-change">
                    <span>{name}</span>
                    <span class="num">{figure(&p, instrument, c.published)}" → "{figure(&p, instrument, c.draft)}</span>
                    <strong class="num">{signed(figure(&p, instrument, change), change)}</strong>
                </li>
            }
        });
        view! { <ul class="changes">{items.collect_view()}</ul> }.into_any()
    };
    view! {
        <h3>{scheme_name(current(), &program, &detail.scheme)}</h3>
        <PayoutHistogram histogram=detail.histogram program=program.clone() instrument=instrument/>
        {detail.reach.map(|rows| view! {
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
                {list.clone()(detail.gainers)}
            </div>
            <div>
                <h4>{tr(|l| td_string!(l, top_losers).to_string())}</h4>
                {list(detail.losers)}
            </div>
        </div>
    }
}

/// How many partners each payout band holds, published beside draft: the counts written out,
/// with bars scaled to the fullest band to help the eye.
#[component]
fn PayoutHistogram(histogram: cost::Histogram, program: Program, instrument: Instrument) -> impl IntoView {
    let (nothing, bins) = (histogram.nothing, histogram.bins);
    let most = bins.iter().flat_map(|b| [b.published, b.draft]).chain([nothing.0, nothing.1]).max().unwrap_or(0).max(1);
    let bar = move |n: usize, class: &'static str| {
        view! {
            <span class=format!("bar {class}") style=format!("width: {}%", n * 100 / most)></span>
            <span class="num">{n}</span>
        }
    };
    let band = move |from: Decimal, to: Decimal| {
        format!("{} – {}", figure(&program, instrument, from), figure(&program, instrument, to))
    };
    let rows = std::iter::once((None, nothing.0, nothing.1))
        .chain(bins.into_iter().map(|b| (Some((b.from, b.to)), b.published, b.draft)));
    view! {
        <table class="figures histogram" data-test="histogram">
            <caption>{tr(|l| td_string!(l, histogram_caption).to_string())}</caption>
            <thead><tr>
                <th scope="col">{tr(|l| td_string!(l, col_payout).to_string())}</th>
                <th scope="col">{tr(|l| td_string!(l, col_published).to_string())}</th>
                <th scope="col">{tr(|l| td_string!(l, col_draft).to_string())}</th>
            </tr></thead>
            <tbody>
                {rows.map(|(range, published, draft)| {
                    let band = band.clone();
                    view! {
                        <tr data-test="histogram-bin" data-published=published data-draft=draft>
                            <th scope="row">{move || match range {
                                None => td_string!(lang(current()), paid_nothing).to_string(),
                                Some((from, to)) => band(from, to),
                            }}</th>
                            <td><div class="bars">{bar(published, "published")}</div></td>
                            <td><div class="bars">{bar(draft, "draft")}</div></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// One partner's statement under both versions, scheme by scheme, with the draft's explanations.
#[component]
fn PartnerSideBySide(
    base: Base,
    summary: RwSignal<Option<Arc<Summary>>>,
    chosen: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <h3>{tr(|l| td_string!(l, side_by_side).to_string())}</h3>
        <label for="preview-partner">{tr(|l| td_string!(l, partner_label).to_string())}</label>
        <select id="preview-partner" data-test="preview-partner" on:change=move |ev| chosen.set(Some(event_target_value(&ev)))>
            {base.loaded.partners.iter().map(|(id, name)| view! { <option value=id.clone()>{name.clone()}</option> }).collect_view()}
        </select>
        {move || {
            let s = summary.get()?;
            let side = s.partner.clone()?;
            let p = s.program.clone();
            Some(view! {
                <table class="figures" data-test="side-by-side" data-partner=side.partner.clone()>
                    <thead><tr>
                        <th scope="col">{tr(|l| td_string!(l, col_scheme).to_string())}</th>
                        <th scope="col" class="num">{tr(|l| td_string!(l, col_published).to_string())}</th>
                        <th scope="col" class="num">{tr(|l| td_string!(l, col_draft).to_string())}</th>
                    </tr></thead>
                    <tbody>
                        {side.rows.into_iter().map(|r| {
                            let def = p.schemes.iter().find(|x| x.id == r.scheme).cloned();
                            let name = def.as_ref().map_or_else(|| r.scheme.clone(), |d| named(current(), &d.name, &d.names));
                            view! {
                                <tr>
                                    <th scope="row">{name}
                                        {def.map(|d| view! { <Explanation steps=r.explanation counted=r.counted scheme=d program=p.clone()/> })}
                                    </th>
                                    <td class="num">{r.published.map(|x| figure(&p, r.instrument, x)).unwrap_or_else(|| "—".into())}</td>
                                    <td class="num">{figure(&p, r.instrument, r.draft)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })
        }}
    }
}
