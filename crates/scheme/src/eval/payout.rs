//! The base payout of a period: flat rates, fixed amounts, retroactive and incremental slabs.
//! Every operation is checked; `None` means the arithmetic overflowed.

use rust_decimal::Decimal;

use super::exact;
use super::facts::{cmp_dec, Quantities};
use super::Trace;
use crate::model::{Rate, Slab, SlabBounds, SlabMode, SlabPay};
use crate::report::{RateKind, Step};

fn percent_of(base: Decimal, percent: Decimal) -> Option<Decimal> {
    exact::div100(base.checked_mul(percent)?)
}

/// A flat rate applied to the period's quantities.
pub fn flat(rate: &Rate, q: &Quantities, trace: &mut Trace) -> Option<Decimal> {
    let (name, amount, base, payout) = match rate {
        Rate::PercentOfValue { percent } => {
            (RateKind::PercentOfValue, *percent, q.value, percent_of(q.value, *percent)?)
        }
        Rate::PerUnit { amount } => (RateKind::PerUnit, *amount, q.units, q.units.checked_mul(*amount)?),
        Rate::PerCount { amount } => (RateKind::PerCount, *amount, q.count, q.count.checked_mul(*amount)?),
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
                SlabPay::PercentOfValue { percent } => percent_of(q.value, *percent)?,
                SlabPay::PerUnit { amount } => q.units.checked_mul(*amount)?,
                SlabPay::PerCount { amount } => q.count.checked_mul(*amount)?,
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
                    SlabPay::PerUnit { amount } | SlabPay::PerCount { amount } => slice.checked_mul(*amount)?,
                    SlabPay::Fixed { .. } => Decimal::ZERO,
                };
                total = total.checked_add(payout)?;
                trace.push(|| Step::SlabSlice { slab: i, from: lo, slice, rate, payout });
            }
            Some((total, reached))
        }
    }
}
