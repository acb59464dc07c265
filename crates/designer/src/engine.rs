//! The preview's computation, apart from the page: the partners and facts loaded once, the
//! published version's run computed once, and the draft's run brought up to date on each
//! request (only the schemes an edit changed are evaluated again, see
//! [`mitra_scheme::update`]). It answers with a [`Summary`]: the figures the preview shows,
//! small enough to send between threads.
//!
//! The designer runs it in a Web Worker (`src/bin/preview-worker.rs`, [`crate::worker`]) so the
//! page never waits on an evaluation; it has no I/O of its own, so tests run it directly.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use mitra_scheme::model::{Fact, Instrument, Partner};
use mitra_scheme::report::{SchemeTotal, Step};
use mitra_scheme::{FactTable, Population, Program};

use crate::cost::{self, Histogram, PartnerChange, SchemeCost};

/// How the worker gets the partners and facts.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Load {
    /// From the server's preview data (`GET /api/programs/{id}/data`), fetched by the worker.
    Server { url: String, token: String, today: NaiveDate, published: Program },
    /// From files opened on the page: their names here, their texts sent beside this header.
    Files { today: NaiveDate, published: Program, partners: String, facts: String },
}

/// What the page asks: the figures of `program` (a draft without problems), with the detail of
/// one scheme and one partner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ask {
    /// Increasing: the page shows only the answer to its latest question.
    pub id: u64,
    pub program: Program,
    pub scheme: Option<String>,
    pub partner: Option<String>,
}

/// What the worker answers.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Reply {
    /// The worker's code is running and listening.
    Ready,
    Loaded(Box<Loaded>),
    /// Loading failed: an API error (`code`, the server's words, `details`) or, for files, what
    /// the reader says about them (`code` `invalid_file`, naming the file and line).
    Failed {
        code: String,
        message: String,
        details: Option<serde_json::Value>,
    },
    Summary(Box<Summary>),
}

/// What was loaded: each partner's id and name (for pickers and names), the values partners
/// have for the eligibility pickers, and how many facts there are.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Loaded {
    pub partners: Vec<(String, String)>,
    pub regions: Vec<String>,
    pub types: Vec<String>,
    pub segments: Vec<String>,
    /// The SKUs and categories of the sales, for the pickers of what counts.
    pub skus: Vec<String>,
    pub categories: Vec<String>,
    pub facts: usize,
    /// Milliseconds from the worker's start of loading to its table ready (and the published
    /// version evaluated).
    pub millis: f64,
}

/// The figures of one draft, as the preview shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub id: u64,
    /// The program the figures are of.
    pub program: Program,
    /// What each scheme pays over the periods the draft would govern, in both versions.
    pub costs: Vec<SchemeCost>,
    /// The draft's totals over every period (closed and running), as `mitra-eval` gives them.
    pub totals: Vec<SchemeTotal>,
    /// Budgets that bite: scheme, period, budget, payouts before scaling, factor.
    pub budgets: Vec<(String, String, Decimal, Decimal, Decimal)>,
    /// Partners per tier id (`""`: none), published then draft.
    pub tiers: Vec<(String, usize, usize)>,
    pub scheme: Option<SchemeDetail>,
    pub partner: Option<SideBySide>,
    /// Milliseconds the worker spent on this answer.
    pub millis: f64,
}

/// The scheme being edited across the partner base.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SchemeDetail {
    pub scheme: String,
    pub instrument: Instrument,
    /// Partners per slab reached (slab schemes with absolute bounds).
    pub reach: Option<Vec<(Decimal, usize)>>,
    /// The five biggest gains and losses against the published version, with names.
    pub gainers: Vec<(String, PartnerChange)>,
    pub losers: Vec<(String, PartnerChange)>,
    pub histogram: Histogram,
}

/// One partner's statement under both versions, scheme by scheme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SideBySide {
    pub partner: String,
    pub rows: Vec<SideRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SideRow {
    pub scheme: String,
    pub instrument: Instrument,
    pub published: Option<Decimal>,
    pub draft: Decimal,
    /// How the draft's latest period was worked out, and the facts it counted.
    pub explanation: Vec<Step>,
    pub counted: Vec<Fact>,
}

/// The loaded partner base and the runs kept between requests.
pub struct Engine {
    partners: Vec<Partner>,
    facts: Vec<Fact>,
    table: FactTable,
    today: NaiveDate,
    published: Option<Program>,
    published_run: Option<Population>,
    /// The last draft evaluated and its run, which the next request updates.
    draft: Option<(Program, Population)>,
}

impl Engine {
    /// Index the facts and evaluate the published version once.
    pub fn new(partners: Vec<Partner>, facts: Vec<Fact>, today: NaiveDate, published: Option<Program>) -> Self {
        let table: FactTable = facts.iter().collect();
        let published_run = published.as_ref().map(|p| mitra_scheme::population(p, &partners, &table, today));
        Engine { partners, facts, table, today, published, published_run, draft: None }
    }

    pub fn loaded(&self, millis: f64) -> Loaded {
        let sorted = |f: fn(&Partner) -> &str| {
            let mut v: Vec<String> = self.partners.iter().map(f).filter(|x| !x.is_empty()).map(String::from).collect();
            v.sort();
            v.dedup();
            v
        };
        Loaded {
            partners: self.partners.iter().map(|p| (p.id.clone(), p.name.clone())).collect(),
            regions: sorted(|p| &p.region),
            types: sorted(|p| &p.partner_type),
            segments: sorted(|p| &p.segment),
            skus: sold(&self.facts, |f| match f {
                Fact::Sale { sku, .. } => sku,
                _ => "",
            }),
            categories: sold(&self.facts, |f| match f {
                Fact::Sale { category, .. } => category,
                _ => "",
            }),
            facts: self.facts.len(),
            millis,
        }
    }

    /// The figures of `ask.program` (`clock`: milliseconds, for the answer's own timing).
    pub fn summary(&mut self, ask: &Ask, clock: impl Fn() -> f64) -> Summary {
        let started = clock();
        // The draft's run, brought up to date from the last one (or from the published run,
        // where an edit usually starts).
        let (before, last) = match self.draft.take() {
            Some(last) => last,
            None => match (&self.published, &self.published_run) {
                (Some(p), Some(r)) => (p.clone(), r.clone()),
                _ => (
                    ask.program.clone(),
                    mitra_scheme::population(&ask.program, &self.partners, &self.table, self.today),
                ),
            },
        };
        let run = mitra_scheme::update(&before, last, &ask.program, &self.partners, &self.table, self.today);
        let (program, draft) = &*self.draft.insert((ask.program.clone(), run));
        let published = self.published_run.as_ref();
        let today = self.today;
        let costs = cost::compare(published, draft, today);

        let mut tiers: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for (id, n) in published.map(|r| &r.tiers).into_iter().flatten() {
            tiers.entry(id.clone()).or_default().0 = *n;
        }
        for (id, n) in &draft.tiers {
            tiers.entry(id.clone()).or_default().1 = *n;
        }
        // Lowest first as the program lists its tiers, "no tier" first, unknown ids last.
        let order = |id: &str| {
            if id.is_empty() {
                0
            } else {
                program.tiers.iter().position(|t| t.id == id).map_or(usize::MAX, |i| i + 1)
            }
        };
        let mut tiers: Vec<(String, usize, usize)> = tiers.into_iter().map(|(id, (a, b))| (id, a, b)).collect();
        tiers.sort_by_key(|t| order(&t.0));

        let name_of =
            |id: &str| self.partners.iter().find(|p| p.id == id).map_or_else(|| id.to_string(), |p| p.name.clone());
        let scheme = ask.scheme.as_ref().and_then(|id| {
            let instrument = program.schemes.iter().find(|s| &s.id == id)?.instrument;
            let changes = cost::partner_changes(published, draft, id, today);
            let named = |c: &PartnerChange| (name_of(&c.partner), c.clone());
            Some(SchemeDetail {
                scheme: id.clone(),
                instrument,
                reach: cost::slab_reach(program, draft, id),
                gainers: changes.iter().filter(|c| c.change() > Decimal::ZERO).take(5).map(named).collect(),
                losers: changes.iter().rev().filter(|c| c.change() < Decimal::ZERO).take(5).map(named).collect(),
                histogram: cost::histogram(published, draft, id, today, 10),
            })
        });
        let before = self.published.as_ref().zip(published);
        let partner = ask
            .partner
            .as_ref()
            .and_then(|id| side_by_side(&self.partners, &self.facts, today, before, program, draft, id));
        Summary {
            id: ask.id,
            program: program.clone(),
            costs,
            totals: draft.schemes.clone(),
            budgets: cost::budget_scales(draft),
            tiers,
            scheme,
            partner,
            millis: clock() - started,
        }
    }
}

/// The distinct non-empty values of the facts, sorted.
fn sold(facts: &[Fact], value: fn(&Fact) -> &str) -> Vec<String> {
    let set: std::collections::BTreeSet<&str> = facts.iter().map(value).filter(|v| !v.is_empty()).collect();
    set.into_iter().map(String::from).collect()
}

/// One partner's statement under the published version (with its run) and the draft.
fn side_by_side(
    partners: &[Partner],
    all: &[Fact],
    today: NaiveDate,
    published: Option<(&Program, &Population)>,
    program: &Program,
    run: &Population,
    id: &str,
) -> Option<SideBySide> {
    let partner = partners.iter().find(|p| p.id == id)?;
    let facts: Vec<Fact> = all.iter().filter(|f| f.partner() == id).cloned().collect();
    let draft = mitra_scheme::statement(program, partner, &facts, today, Some(&run.context));
    let published = published.map(|(p, r)| mitra_scheme::statement(p, partner, &facts, today, Some(&r.context)));
    let rows = draft
        .schemes
        .into_iter()
        .map(|s| {
            let before =
                published.as_ref().and_then(|st| st.schemes.iter().find(|x| x.scheme == s.scheme)).map(|x| x.total);
            let last = s.periods.into_iter().last();
            let counted = last
                .as_ref()
                .map(|l| l.facts.iter().filter_map(|&i| facts.get(i as usize).cloned()).collect())
                .unwrap_or_default();
            SideRow {
                scheme: s.scheme,
                instrument: s.instrument,
                published: before,
                draft: s.total,
                explanation: last.map(|l| l.explanation).unwrap_or_default(),
                counted,
            }
        })
        .collect();
    Some(SideBySide { partner: id.to_string(), rows })
}
