//! What a draft would pay against the published version, from two population runs over the same
//! partners and facts. Only the periods the draft would govern count: a published version
//! decides the periods ending on or after the day it is published (docs/semantics.md,
//! "Versions"), so a period that ended before today keeps its published figure whatever the
//! draft says.
//!
//! Lines whose arithmetic overflowed carry no figure (they are counted as unsettled, never
//! summed); running periods count with their figure so far.

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use serde::{Deserialize, Serialize};

use mitra_scheme::model::Instrument;
use mitra_scheme::report::SchemeTotal;
use mitra_scheme::Population;

/// One scheme's payouts over the governed periods, in both versions (`None`: the version has
/// no such scheme).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SchemeCost {
    pub scheme: String,
    pub instrument: Instrument,
    pub published: Option<Decimal>,
    pub draft: Option<Decimal>,
    /// Partner period lines left out of the draft's figure because they overflowed.
    pub unsettled: usize,
}

impl SchemeCost {
    /// Draft minus published.
    pub fn change(&self) -> Decimal {
        self.draft.unwrap_or_default() - self.published.unwrap_or_default()
    }
}

/// Sum of every partner's payout in the periods of `scheme` (its index in the run) ending on or
/// after `from`, and how many lines overflowed.
fn governed(run: &Population, scheme: usize, from: NaiveDate) -> (Decimal, usize) {
    let periods: Vec<usize> =
        run.schemes[scheme].periods.iter().enumerate().filter(|(_, p)| p.end >= from).map(|(i, _)| i).collect();
    let (mut sum, mut unsettled) = (Decimal::ZERO, 0);
    for partner in &run.partners {
        for &i in &periods {
            match partner.schemes[scheme].periods.get(i) {
                Some(line) if line.overflow => unsettled += 1,
                Some(line) => sum += line.payout,
                None => {}
            }
        }
    }
    (sum, unsettled)
}

fn index(run: &Population, id: &str) -> Option<usize> {
    run.schemes.iter().position(|s: &SchemeTotal| s.scheme == id)
}

/// Per scheme (the draft's in order, then those only the published version has): what each
/// version pays over the periods ending on or after `from`.
pub fn compare(published: Option<&Population>, draft: &Population, from: NaiveDate) -> Vec<SchemeCost> {
    let mut out: Vec<SchemeCost> = draft
        .schemes
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (sum, unsettled) = governed(draft, i, from);
            let published = published.and_then(|p| index(p, &s.scheme).map(|j| governed(p, j, from).0));
            SchemeCost { scheme: s.scheme.clone(), instrument: s.instrument, published, draft: Some(sum), unsettled }
        })
        .collect();
    if let Some(p) = published {
        for (j, s) in p.schemes.iter().enumerate() {
            if index(draft, &s.scheme).is_none() {
                let (sum, _) = governed(p, j, from);
                out.push(SchemeCost {
                    scheme: s.scheme.clone(),
                    instrument: s.instrument,
                    published: Some(sum),
                    draft: None,
                    unsettled: 0,
                });
            }
        }
    }
    out
}

/// The totals per instrument (points, cash and funds are never added together): published,
/// draft, in the order points, cash, fund; instruments no scheme pays in are left out.
pub fn totals(costs: &[SchemeCost]) -> Vec<(Instrument, Decimal, Decimal)> {
    [Instrument::Points, Instrument::Cash, Instrument::Fund]
        .into_iter()
        .filter(|i| costs.iter().any(|c| c.instrument == *i))
        .map(|i| {
            let of = |f: fn(&SchemeCost) -> Option<Decimal>| {
                costs.iter().filter(|c| c.instrument == i).filter_map(f).sum::<Decimal>()
            };
            (i, of(|c| c.published), of(|c| c.draft))
        })
        .collect()
}

/// One partner's payout from a scheme over the governed periods in both versions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartnerChange {
    pub partner: String,
    pub published: Decimal,
    pub draft: Decimal,
}

impl PartnerChange {
    pub fn change(&self) -> Decimal {
        self.draft - self.published
    }
}

/// A partner's payout from `scheme` over its periods ending on or after `from` (0 when the run
/// has no such scheme); lines that overflowed carry no figure.
fn payout_of(run: &Population, scheme: &str, partner: usize, from: NaiveDate) -> Decimal {
    let Some(si) = index(run, scheme) else { return Decimal::ZERO };
    let periods = &run.schemes[si].periods;
    run.partners[partner].schemes[si]
        .periods
        .iter()
        .zip(periods)
        .filter(|(line, p)| p.end >= from && !line.overflow)
        .map(|(line, _)| line.payout)
        .sum()
}

/// Every partner's payout from `scheme` in both versions (the published run only counts when it
/// covers the same partners).
fn both(published: Option<&Population>, draft: &Population, scheme: &str, from: NaiveDate) -> Vec<PartnerChange> {
    let published = published.filter(|run| run.partners.len() == draft.partners.len());
    draft
        .partners
        .iter()
        .enumerate()
        .map(|(i, p)| PartnerChange {
            partner: p.partner.clone(),
            published: published.map_or(Decimal::ZERO, |run| payout_of(run, scheme, i, from)),
            draft: payout_of(draft, scheme, i, from),
        })
        .collect()
}

/// Every partner whose payout from `scheme` changes, biggest gain first, biggest loss last.
pub fn partner_changes(
    published: Option<&Population>,
    draft: &Population,
    scheme: &str,
    from: NaiveDate,
) -> Vec<PartnerChange> {
    let mut out = both(published, draft, scheme, from);
    out.retain(|c| c.change() != Decimal::ZERO);
    out.sort_by(|a, b| b.change().cmp(&a.change()).then_with(|| a.partner.cmp(&b.partner)));
    out
}

/// Budgets that bite in the draft: per scheme and period, the budget, the payouts before
/// scaling, and the factor they are scaled by (budget ÷ payouts).
pub fn budget_scales(draft: &Population) -> Vec<(String, String, Decimal, Decimal, Decimal)> {
    draft
        .context
        .budgets
        .iter()
        .filter(|b| !b.overflow && b.total > b.budget && !b.total.is_zero())
        .map(|b| (b.scheme.clone(), b.period.clone(), b.budget, b.total, b.budget / b.total))
        .collect()
}

/// How many partners' measure, in the scheme's latest period, reached each slab of a slab
/// scheme (by the slabs' lower bounds, absolute bounds only): `None` for other schemes.
pub fn slab_reach(program: &mitra_scheme::Program, run: &Population, scheme: &str) -> Option<Vec<(Decimal, usize)>> {
    use mitra_scheme::model::{Payout, SlabBounds};
    let def = program.schemes.iter().find(|s| s.id == scheme)?;
    let Payout::Slabs { slabs, bounds: SlabBounds::Absolute, .. } = &def.payout else { return None };
    let si = index(run, scheme)?;
    let last = run.schemes[si].periods.len().checked_sub(1)?;
    let mut counts = vec![0usize; slabs.len()];
    for p in &run.partners {
        if let Some(m) = p.schemes[si].periods.get(last).and_then(|l| l.measure) {
            // The highest slab whose bound the measure reaches.
            if let Some(k) = slabs.iter().rposition(|s| m >= s.from) {
                counts[k] += 1;
            }
        }
    }
    Some(slabs.iter().map(|s| s.from).zip(counts).collect())
}

/// How partners' payouts from one scheme spread, in both versions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// Partners paid nothing: published, draft.
    pub nothing: (usize, usize),
    /// Bins of equal width from 0, each holding the payouts above `from` up to `to`.
    pub bins: Vec<Bin>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    pub from: Decimal,
    pub to: Decimal,
    pub published: usize,
    pub draft: usize,
}

/// A width of 1, 2, 2.5 or 5 times a power of ten, at least one whole unit, of at least `w`.
fn round_width(w: Decimal) -> Decimal {
    let mut unit = Decimal::ONE;
    loop {
        for step in [Decimal::ONE, Decimal::TWO, Decimal::new(25, 1), Decimal::from(5)] {
            let candidate = unit * step;
            if candidate >= w {
                return candidate;
            }
        }
        match unit.checked_mul(Decimal::TEN) {
            Some(next) => unit = next,
            None => return w.ceil(),
        }
    }
}

/// Partners' payouts from `scheme` over the governed periods, in at most `bins` bins of a
/// round width covering the largest payout of either version.
pub fn histogram(
    published: Option<&Population>,
    draft: &Population,
    scheme: &str,
    from: NaiveDate,
    bins: usize,
) -> Histogram {
    let payouts = both(published, draft, scheme, from);
    let top = payouts.iter().map(|c| c.published.max(c.draft)).max().unwrap_or_default();
    let mut out = Histogram::default();
    out.nothing = (
        payouts.iter().filter(|c| c.published <= Decimal::ZERO).count(),
        payouts.iter().filter(|c| c.draft <= Decimal::ZERO).count(),
    );
    if top <= Decimal::ZERO || bins == 0 {
        return out;
    }
    let width = round_width(top / Decimal::from(bins));
    let count = (top / width).ceil().to_usize().unwrap_or(bins).clamp(1, bins);
    out.bins = (0..count)
        .map(|k| Bin { from: width * Decimal::from(k), to: width * Decimal::from(k + 1), published: 0, draft: 0 })
        .collect();
    let place = |x: Decimal| -> Option<usize> {
        // Above `from`, up to and including `to`: bin ceil(x / width) - 1.
        (x > Decimal::ZERO).then(|| (x / width).ceil().to_usize().unwrap_or(count).clamp(1, count) - 1)
    };
    for c in &payouts {
        if let Some(k) = place(c.published) {
            out.bins[k].published += 1;
        }
        if let Some(k) = place(c.draft) {
            out.bins[k].draft += 1;
        }
    }
    out
}
