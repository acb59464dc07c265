//! The base payout of a period: flat rates, fixed amounts, retroactive and incremental slabs.
//! Every operation is checked; `None` means the arithmetic overflowed.

use rust_decimal::Decimal;

use super::facts::{cmp_dec, Quantities};
use super::Trace;
use crate::model::{Rate, Slab, SlabBounds, SlabMode, SlabPay};
use crate::report::{RateKind, Step};

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

fn percent_of(base: Decimal, percent: Decimal) -> Option<Decimal> {
    div100(base.checked_mul(percent)?)
}

/// `x / 100`, digit for digit as [`Decimal::checked_div`] gives it, without a long division for
/// the figures programs deal in (mantissas below 2^64, at most 18 decimals): a mantissa that 100
/// divides keeps its scale; another gains two decimals. Other values take the long division,
/// whose choice of scale differs near the limits of the type.
pub fn div100(x: Decimal) -> Option<Decimal> {
    let (m, scale) = (x.mantissa(), x.scale());
    let Ok(magnitude) = u64::try_from(m.unsigned_abs()) else { return x.checked_div(HUNDRED) };
    if m == 0 || scale > 18 {
        return x.checked_div(HUNDRED);
    }
    let negative = m < 0;
    Some(if magnitude % 100 == 0 {
        from_u64(magnitude / 100, negative, scale)
    } else {
        from_u64(magnitude, negative, scale + 2)
    })
}

/// A decimal from a magnitude that fits 64 bits (`scale` at most 28).
pub fn from_u64(magnitude: u64, negative: bool, scale: u32) -> Decimal {
    Decimal::from_parts(magnitude as u32, (magnitude >> 32) as u32, 0, negative, scale)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `div100` gives the same value and the same scale (so the same text) as long division.
    #[test]
    fn dividing_by_a_hundred_matches_long_division_digit_for_digit() {
        // Pseudo-random mantissas of every size, both signs, every scale.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut compared = 0;
        for bits in [4u32, 8, 16, 32, 48, 63, 64, 65, 80, 96] {
            for _ in 0..2_000 {
                let raw = (u128::from(next()) | (u128::from(next()) << 64)) & ((1u128 << bits) - 1);
                let mantissa = if next() % 2 == 0 { raw as i128 } else { -(raw as i128) };
                let scale = (next() % 29) as u32;
                let Ok(x) = Decimal::try_from_i128_with_scale(mantissa, scale) else { continue };
                let want = x.checked_div(HUNDRED).map(|d| d.to_string());
                assert_eq!(div100(x).map(|d| d.to_string()), want, "{x} / 100");
                compared += 1;
            }
        }
        for x in ["0", "0.00", "150", "1010", "-250.50", "7500000.00", "0.15"] {
            let x: Decimal = x.parse().unwrap();
            assert_eq!(div100(x).map(|d| d.to_string()), x.checked_div(HUNDRED).map(|d| d.to_string()));
        }
        assert!(compared > 15_000);
    }
}
