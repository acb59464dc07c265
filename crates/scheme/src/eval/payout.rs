//! The base payout of a period: flat rates, fixed amounts, retroactive and incremental slabs.
//! Every operation is checked; `None` means the arithmetic overflowed.

use rust_decimal::Decimal;

use super::exact;
use super::facts::{cmp_dec, Quantities};
use super::Trace;
use crate::model::{Rate, Slab, SlabBounds, SlabMode, SlabPay};
use crate::report::{RateKind, Step};

fn percent_of(base: Decimal, percent: Decimal) -> Option<Decimal> {
    exact::div100(exact::mul(base, percent)?)
}

/// A flat rate applied to the period's quantities.
pub fn flat(rate: &Rate, q: &Quantities, trace: &mut Trace) -> Option<Decimal> {
    let (name, amount, base, payout) = match rate {
        Rate::PercentOfValue { percent } => {
            let value = q.value?;
            (RateKind::PercentOfValue, *percent, value, percent_of(value, *percent)?)
        }
        Rate::PerUnit { amount } => {
            let units = q.units?;
            (RateKind::PerUnit, *amount, units, exact::mul(units, *amount)?)
        }
        Rate::PerCount { amount } => (RateKind::PerCount, *amount, q.count, exact::mul(q.count, *amount)?),
    };
    trace.push(|| Step::FlatRate { rate: name, amount, base, payout });
    Some(payout)
}

/// Slab bounds in the measure's unit: absolute ones as they are, target-relative ones as
/// `percent × target / 100`, worked out when read (no list is built per period line).
#[derive(Clone, Copy)]
pub struct Bounds<'a> {
    slabs: &'a [Slab],
    /// The target, for target-relative bounds.
    target: Option<Decimal>,
}

impl<'a> Bounds<'a> {
    /// `None` when the bounds are relative to a target the partner does not have.
    pub fn new(slabs: &'a [Slab], bounds: SlabBounds, target: Option<Decimal>) -> Option<Self> {
        match bounds {
            SlabBounds::Absolute => Some(Bounds { slabs, target: None }),
            SlabBounds::PercentOfTarget => Some(Bounds { slabs, target: Some(target?) }),
        }
    }

    /// The bound of slab `i` (`None` past the last slab, or on overflow).
    pub fn get(&self, i: usize) -> Option<Decimal> {
        let from = self.slabs.get(i)?.from;
        match self.target {
            None => Some(from),
            Some(t) => percent_of(t, from),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = Decimal> + '_ {
        (0..self.slabs.len()).map_while(|i| self.get(i))
    }

    /// The index of the slab the measure falls in: the last one whose bound it reaches. A
    /// measure below the first bound (a negative one, after returns) is in the first slab.
    pub fn index_of(&self, measure: Decimal) -> usize {
        (0..self.slabs.len()).rev().find(|&i| self.get(i).is_some_and(|b| cmp_dec(&measure, &b).is_ge())).unwrap_or(0)
    }
}

fn pay_name(pay: &SlabPay) -> (RateKind, Decimal) {
    match pay {
        SlabPay::PercentOfValue { percent } => (RateKind::PercentOfValue, *percent),
        SlabPay::PerUnit { amount } => (RateKind::PerUnit, *amount),
        SlabPay::PerCount { amount } => (RateKind::PerCount, *amount),
        SlabPay::Fixed { amount } => (RateKind::Fixed, *amount),
    }
}

/// Slab payout. Retroactive: the reached slab's pay applies to the whole period. Incremental:
/// each slice of the measure between two bounds is paid at its own slab's rate (the rate's base
/// is the measure itself; validation ensures they agree and forbids fixed amounts).
pub fn slabs(
    mode: SlabMode,
    slabs: &[Slab],
    bounds: Bounds,
    measure: Decimal,
    q: &Quantities,
    trace: &mut Trace,
) -> Option<(Decimal, usize)> {
    let reached = bounds.index_of(measure);
    match mode {
        SlabMode::Retroactive => {
            let slab = slabs.get(reached)?;
            let payout = match &slab.pay {
                SlabPay::PercentOfValue { percent } => percent_of(q.value?, *percent)?,
                SlabPay::PerUnit { amount } => exact::mul(q.units?, *amount)?,
                SlabPay::PerCount { amount } => exact::mul(q.count, *amount)?,
                SlabPay::Fixed { amount } => *amount,
            };
            let (pay, rate) = pay_name(&slab.pay);
            let from = bounds.get(reached)?;
            trace.push(|| Step::Slab { mode, slab: reached, from, pay, rate, payout });
            Some((payout, reached))
        }
        SlabMode::Incremental => {
            let mut total = Decimal::ZERO;
            for (i, slab) in slabs.iter().enumerate() {
                let lo = bounds.get(i)?;
                if cmp_dec(&measure, &lo).is_le() {
                    break;
                }
                let hi = bounds.get(i + 1).map_or(measure, |h| if cmp_dec(&h, &measure).is_lt() { h } else { measure });
                let slice = hi.checked_sub(lo)?;
                let (_, rate) = pay_name(&slab.pay);
                let payout = match &slab.pay {
                    SlabPay::PercentOfValue { percent } => percent_of(slice, *percent)?,
                    SlabPay::PerUnit { amount } | SlabPay::PerCount { amount } => exact::mul(slice, *amount)?,
                    SlabPay::Fixed { .. } => Decimal::ZERO,
                };
                total = total.checked_add(payout)?;
                trace.push(|| Step::SlabSlice { slab: i, from: lo, slice, rate, payout });
            }
            Some((total, reached))
        }
    }
}

/// The base payout (before tier multiplier, cap and budget) a period would pay if its measure were
/// `measure`, for schemes whose rate reads the measure itself: a value measure paid on value, a
/// units measure paid per unit, a count measure paid per line, or fixed amounts. This is what the
/// portal draws as a scheme's payout curve; `None` for other schemes (rank payouts, a rate on a
/// quantity the measure is not, target-relative slabs without a target) and on overflow.
pub fn base_at(scheme: &crate::model::Scheme, target: Option<Decimal>, measure: Decimal) -> Option<Decimal> {
    use crate::model::{Measure, Payout};
    let reads_measure = |kind: RateKind| {
        matches!(
            (&scheme.measure, kind),
            (_, RateKind::Fixed)
                | (Measure::SumValue, RateKind::PercentOfValue)
                | (Measure::SumUnits, RateKind::PerUnit)
                | (Measure::Count, RateKind::PerCount)
        )
    };
    let q = Quantities { value: Some(measure), units: Some(measure), count: measure, distinct: measure, lines: 0 };
    let mut trace = super::Trace(None);
    match &scheme.payout {
        Payout::Flat { rate } => {
            let kind = match rate {
                Rate::PercentOfValue { .. } => RateKind::PercentOfValue,
                Rate::PerUnit { .. } => RateKind::PerUnit,
                Rate::PerCount { .. } => RateKind::PerCount,
            };
            reads_measure(kind).then(|| flat(rate, &q, &mut trace)).flatten()
        }
        Payout::Fixed { amount } => Some(*amount),
        Payout::Slabs { mode, bounds, slabs: list } => {
            if !list.iter().all(|s| reads_measure(pay_name(&s.pay).0)) {
                return None;
            }
            let b = Bounds::new(list, *bounds, target)?;
            slabs(*mode, list, b, measure, &q, &mut trace).map(|(p, _)| p)
        }
        Payout::Rank { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Scheme;

    fn scheme(payout: &str, measure: &str) -> Scheme {
        serde_json::from_str(&format!(
            r#"{{"id":"s","name":"s","kind":"sales_incentive","window":{{"start":"2026-01-01","end":"2026-12-31"}},
               "counts":{{"fact":"sale"}},"measure":{{"type":"{measure}"}},"payout":{payout},"instrument":"points"}}"#
        ))
        .unwrap()
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn the_curve_of_retroactive_and_incremental_slabs() {
        let slabs = r#"[{"from":"0","pay":{"type":"percent_of_value","percent":"1"}},{"from":"1000","pay":{"type":"percent_of_value","percent":"2"}}]"#;
        let retro = scheme(&format!(r#"{{"type":"slabs","mode":"retroactive","slabs":{slabs}}}"#), "sum_value");
        // 999 × 1 % = 9.99; 1000 × 2 % = 20 (the whole measure at the reached rate).
        assert_eq!(base_at(&retro, None, d("999")), Some(d("9.99")));
        assert_eq!(base_at(&retro, None, d("1000")), Some(d("20")));
        let incr = scheme(&format!(r#"{{"type":"slabs","mode":"incremental","slabs":{slabs}}}"#), "sum_value");
        // 1000 × 1 % + 500 × 2 % = 10 + 10.
        assert_eq!(base_at(&incr, None, d("1500")), Some(d("20")));
    }

    #[test]
    fn no_curve_when_the_rate_reads_another_quantity_or_ranks() {
        let per_unit_on_value = scheme(r#"{"type":"flat","rate":{"type":"per_unit","amount":"5"}}"#, "sum_value");
        assert_eq!(base_at(&per_unit_on_value, None, d("10")), None);
        let per_unit = scheme(r#"{"type":"flat","rate":{"type":"per_unit","amount":"5"}}"#, "sum_units");
        assert_eq!(base_at(&per_unit, None, d("10")), Some(d("50")));
        let rank = scheme(r#"{"type":"rank","group_by":"all","amounts":["10"]}"#, "sum_value");
        assert_eq!(base_at(&rank, None, d("10")), None);
    }
}
