//! The base payout of a period: flat rates, fixed amounts, retroactive and incremental slabs.
//! Every operation is checked; `None` means the arithmetic overflowed.

use rust_decimal::Decimal;

use super::facts::Quantities;
use crate::model::{Rate, Slab, SlabBounds, SlabMode, SlabPay};
use super::Trace;
use crate::report::{RateKind, Step};

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

fn percent_of(base: Decimal, percent: Decimal) -> Option<Decimal> {
    base.checked_mul(percent)?.checked_div(HUNDRED)
}

/// A flat rate applied to the period's quantities.
pub fn flat(rate: &Rate, q: &Quantities, trace: &mut Trace) -> Option<Decimal> {
    let (name, amount, base, payout) = match rate {
        Rate::PercentOfValue { percent } => (RateKind::PercentOfValue, *percent, q.value, percent_of(q.value, *percent)?),
        Rate::PerUnit { amount } => (RateKind::PerUnit, *amount, q.units, q.units.checked_mul(*amount)?),
        Rate::PerCount { amount } => (RateKind::PerCount, *amount, q.count, q.count.checked_mul(*amount)?),
    };
    trace.push(|| Step::FlatRate { rate: name, amount, base, payout });
    Some(payout)
}

/// Slab bounds in the measure's unit: absolute ones as they are, target-relative ones as
/// `percent × target / 100`.
pub fn absolute_bounds(slabs: &[Slab], bounds: SlabBounds, target: Option<Decimal>) -> Option<Vec<Decimal>> {
    slabs
        .iter()
        .map(|s| match bounds {
            SlabBounds::Absolute => Some(s.from),
            SlabBounds::PercentOfTarget => percent_of(target?, s.from),
        })
        .collect()
}

/// The index of the slab the measure falls in: the last one whose bound it reaches. A measure
/// below the first bound (a negative one, after returns) is in the first slab.
pub fn slab_index(bounds: &[Decimal], measure: Decimal) -> usize {
    bounds.iter().rposition(|b| measure >= *b).unwrap_or(0)
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
    bounds: &[Decimal],
    measure: Decimal,
    q: &Quantities,
    trace: &mut Trace,
) -> Option<(Decimal, usize)> {
    let reached = slab_index(bounds, measure);
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
            trace.push(|| Step::Slab { mode, slab: reached, from: bounds[reached], pay, rate, payout });
            Some((payout, reached))
        }
        SlabMode::Incremental => {
            let mut total = Decimal::ZERO;
            for (i, slab) in slabs.iter().enumerate() {
                let lo = bounds[i];
                if measure <= lo {
                    break;
                }
                let hi = bounds.get(i + 1).copied().map_or(measure, |h| h.min(measure));
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
