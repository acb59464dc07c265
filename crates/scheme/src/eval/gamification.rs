//! Tiers and badges: who holds which tier on a date, the gap to the next, and the dates badges
//! were earned.

use std::cell::RefCell;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::exact::Sum;
use super::facts::{PartnerFacts, RunningSums};
use super::period::trailing_start;
use crate::model::{BadgeRule, FactKind, Program, Tier};
use crate::report::{BadgeEarned, SchemeResult, TierGap, TierStanding, TierStatus};

/// Tier look-ups for one partner, remembered per date (every scheme asks for the same period
/// ends). Trailing measures come from running totals, shared by tiers that measure the same way.
pub struct TierCache<'a, 'f> {
    pf: &'a PartnerFacts<'f>,
    seen: RefCell<Vec<(NaiveDate, Held)>>,
    /// Per tier: the index into `sums` of its running totals (`None`: sum the window directly).
    sums_of: Vec<Option<usize>>,
    sums: Vec<TierSums<'a>>,
}

/// A tier's running totals: the sales' own (kept with the facts), or summed for its filter.
enum TierSums<'a> {
    Kept(RunningSums<'a>),
    Summed(Vec<Sum>),
}

impl TierSums<'_> {
    fn at(&self, i: usize) -> Sum {
        match self {
            TierSums::Kept(sums) => sums.at(i),
            TierSums::Summed(sums) => sums[i],
        }
    }
}

/// The tier held on a date: the index of the highest tier held (`None`: no tier), or
/// [`TierOverflow`] when a trailing measure that decides it overflowed.
pub type Held = Result<Option<usize>, TierOverflow>;

/// A trailing measure no longer fits a decimal, so the tier held cannot be decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TierOverflow;

impl<'a, 'f> TierCache<'a, 'f> {
    pub fn new(program: &Program, pf: &'a PartnerFacts<'f>) -> Self {
        let mut sums: Vec<TierSums<'a>> = Vec::new();
        let mut sums_of: Vec<Option<usize>> = Vec::new();
        for (i, t) in program.tiers.iter().enumerate() {
            let same = program.tiers[..i].iter().position(|e| e.counts == t.counts && e.measure == t.measure);
            let slot = match same {
                Some(j) => sums_of[j],
                None => {
                    // Unfiltered sales sums are the running totals the facts already keep.
                    let all_sales = t.counts.fact == FactKind::Sale
                        && t.counts.skus.is_empty()
                        && t.counts.categories.is_empty()
                        && t.counts.courses.is_empty();
                    let kept = if all_sales { pf.sales_running(&t.measure).map(TierSums::Kept) } else { None };
                    kept.or_else(|| pf.prefix_sums(&t.counts, &t.measure).map(TierSums::Summed)).map(|v| {
                        sums.push(v);
                        sums.len() - 1
                    })
                }
            };
            sums_of.push(slot);
        }
        TierCache { pf, seen: RefCell::new(Vec::new()), sums_of, sums }
    }

    /// The tier's trailing measure over the window ending on `date`, and certifications held then.
    /// `None` when the measure overflows.
    fn trailing(&self, program: &Program, tier: usize, date: NaiveDate) -> Option<(Decimal, usize)> {
        let t = &program.tiers[tier];
        let certs = self.pf.certifications_by(date, None);
        let from = trailing_start(date, t.trailing_months);
        let Some(sums) = self.sums_of[tier].map(|i| &self.sums[i]) else {
            return Some((trailing(self.pf, t, date)?.0, certs));
        };
        let rows = self.pf.rows(t.counts.fact);
        let lo = rows.partition_point(|r| r.date < from);
        let hi = rows.partition_point(|r| r.date <= date).max(lo);
        Some((sums.at(hi).since(&sums.at(lo))?, certs))
    }

    /// The highest tier held on `date`. Tiers are tried from the highest down; a trailing
    /// measure that overflows before a tier is found held leaves the answer undecided.
    pub fn at(&self, program: &Program, date: NaiveDate) -> Held {
        if program.tiers.is_empty() {
            return Ok(None);
        }
        if let Some((_, t)) = self.seen.borrow().iter().find(|(d, _)| *d == date) {
            return *t;
        }
        let mut held = Ok(None);
        for i in (0..program.tiers.len()).rev() {
            let t = &program.tiers[i];
            let Some((measure, certs)) = self.trailing(program, i, date) else {
                held = Err(TierOverflow);
                break;
            };
            if measure >= t.threshold && certs >= t.min_certifications as usize {
                held = Ok(Some(i));
                break;
            }
        }
        self.seen.borrow_mut().push((date, held));
        held
    }

    /// Where the partner stands against every tier on `date`: the trailing measure, the
    /// certifications held, and whether the tier's threshold and requirements are met.
    pub fn standings(&self, program: &Program, date: NaiveDate) -> Vec<TierStanding> {
        (0..program.tiers.len())
            .map(|i| {
                let t = &program.tiers[i];
                let trailing = self.trailing(program, i, date);
                TierStanding {
                    tier: t.id.clone(),
                    threshold: t.threshold,
                    measure: trailing.map(|(m, _)| m),
                    certifications: trailing.map_or(0, |(_, c)| c as u32),
                    min_certifications: t.min_certifications,
                    reached: trailing.is_some_and(|(m, c)| m >= t.threshold && c >= t.min_certifications as usize),
                }
            })
            .collect()
    }

    /// Tier held on `as_of` and the gap to the next one.
    pub fn status(&self, program: &Program, as_of: NaiveDate) -> TierStatus {
        let Ok(held) = self.at(program, as_of) else {
            return TierStatus { multiplier: Decimal::ONE, overflow: true, ..TierStatus::default() };
        };
        let next_index = held.map_or(0, |t| t + 1);
        let next = program.tiers.get(next_index).and_then(|t| {
            let (measure, certs) = self.trailing(program, next_index, as_of)?;
            Some(TierGap {
                tier: t.id.clone(),
                threshold: t.threshold,
                measure,
                gap: t.threshold.checked_sub(measure).unwrap_or_default().max(Decimal::ZERO),
                certifications_missing: t.min_certifications.saturating_sub(certs as u32),
            })
        });
        let current = held.map(|t| &program.tiers[t]);
        TierStatus {
            tier: current.map(|t| t.id.clone()),
            multiplier: current.map_or(Decimal::ONE, |t| t.multiplier),
            perks: current.map(|t| t.perks.clone()).unwrap_or_default(),
            next,
            overflow: false,
        }
    }
}

/// The tier's trailing measure summed directly over the window ending on `date`.
fn trailing(pf: &PartnerFacts, tier: &Tier, date: NaiveDate) -> Option<(Decimal, usize)> {
    let rows = pf.between(tier.counts.fact, trailing_start(date, tier.trailing_months), date);
    let measure = pf.measure_of(&tier.counts, &tier.measure, rows)?;
    Some((measure, pf.certifications_by(date, None)))
}

/// A badge whose date is known from the partner's facts alone, or that waits for the
/// statement's lines.
#[derive(Clone, Debug)]
pub struct PendingBadge {
    pub badge: usize,
    pub earned: Option<NaiveDate>,
}

/// Badges decided by the partner's own facts.
pub fn badges(program: &Program, pf: &PartnerFacts) -> Vec<PendingBadge> {
    program
        .badges
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let earned = match &b.rule {
                BadgeRule::FirstSale => pf.sales.iter().find(|r| r.value > Decimal::ZERO).map(|r| r.date),
                BadgeRule::Certifications { count } => {
                    (*count as usize).checked_sub(1).and_then(|n| pf.certifications.get(n)).map(|r| r.date)
                }
                BadgeRule::CategoryShare { category, percent } => category_share(pf, category, *percent),
                BadgeRule::TargetStreak { .. } | BadgeRule::TopN { .. } => None,
            };
            PendingBadge { badge: i, earned }
        })
        .collect()
}

/// The first date on which the cumulative share of `category` in sales value reaches `percent`.
fn category_share(pf: &PartnerFacts, category: &str, percent: Decimal) -> Option<NaiveDate> {
    let rows = pf.rows(FactKind::Sale);
    // A category no sale names never reaches a share.
    let category = pf.sym(category)?;
    let (mut all, mut cat) = (Decimal::ZERO, Decimal::ZERO);
    for (i, r) in rows.iter().enumerate() {
        all = all.checked_add(r.value)?;
        if r.category == category {
            cat = cat.checked_add(r.value)?;
        }
        let day_done = rows.get(i + 1).is_none_or(|n| n.date != r.date);
        if day_done && all > Decimal::ZERO && cat.checked_mul(Decimal::ONE_HUNDRED)? >= percent.checked_mul(all)? {
            return Some(r.date);
        }
    }
    None
}

/// Badges earned by the statement date, with the rules that read the statement's lines.
pub fn settle_badges(program: &Program, pending: &[PendingBadge], schemes: &[SchemeResult]) -> Vec<BadgeEarned> {
    pending
        .iter()
        .filter_map(|p| {
            let badge = &program.badges[p.badge];
            let earned = p.earned.or_else(|| match &badge.rule {
                BadgeRule::TargetStreak { scheme, periods } => {
                    let s = schemes.iter().find(|s| &s.scheme == scheme)?;
                    let mut run = 0;
                    s.periods.iter().filter(|l| !l.running).find_map(|l| {
                        run = if l.attainment.is_some_and(|a| a >= Decimal::ONE_HUNDRED) { run + 1 } else { 0 };
                        (run >= *periods && *periods > 0).then_some(l.end)
                    })
                }
                BadgeRule::TopN { scheme, n } => {
                    let s = schemes.iter().find(|s| &s.scheme == scheme)?;
                    s.periods.iter().filter(|l| !l.running).find(|l| l.rank.is_some_and(|r| r <= *n)).map(|l| l.end)
                }
                _ => None,
            })?;
            Some(BadgeEarned { badge: badge.id.clone(), name: badge.name.clone(), earned })
        })
        .collect()
}
