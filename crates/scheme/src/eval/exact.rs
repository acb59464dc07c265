//! Exact decimal arithmetic for the hot paths of evaluation (sums over facts, percentages,
//! rounding): the same digits and the same scale as rust_decimal's own operations give, computed
//! in machine integers when the operands are the ordinary figures of a program (the library's
//! general algorithms otherwise). Each shortcut is tested against the library on random operands
//! of every size and scale.

use rust_decimal::{Decimal, RoundingStrategy};

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

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

/// Round half away from zero to `dp` decimals.
pub fn round(amount: Decimal, dp: u32) -> Decimal {
    let scale = amount.scale();
    // Already at or below the precision: nothing to round (a cheap test).
    if scale <= dp {
        return amount;
    }
    // Figures that fit 64 bits round in integers, to the same digits and scale.
    if let (Ok(magnitude), Some(unit)) =
        (u64::try_from(amount.mantissa().unsigned_abs()), 10u64.checked_pow(scale - dp))
    {
        let (whole, rest) = (magnitude / unit, magnitude % unit);
        let rounded = whole + u64::from(rest >= unit - rest);
        return from_u64(rounded, amount.is_sign_negative(), dp);
    }
    amount.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Decimals a product keeps at the least before its digits are checked: rounding beyond the
/// twelfth decimal (as a quotient's long tail is) cannot reach a payout's rounding.
const KEPT_DECIMALS: u32 = 12;

/// `a × b`, only when it is exact where a payout's rounding looks: `None` when it does not fit a
/// decimal, or when rust_decimal would have to drop non-zero digits at or above the twelfth
/// decimal to hold it (a product of a huge measure needing more than the 28–29 significant digits
/// a decimal has: `docs/semantics.md`, "Overflow").
pub fn mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    let product = a.checked_mul(b)?;
    let scale = a.scale() + b.scale();
    if product.scale() == scale || product.scale() >= KEPT_DECIMALS {
        return Some(product);
    }
    // Digits were dropped: exact only if they were zeros, which the mantissas tell when their
    // product fits 128 bits (a larger one surely needed more digits than a decimal has).
    let exact = a.mantissa().checked_mul(b.mantissa())?;
    let kept = product.mantissa().checked_mul(10i128.checked_pow(scale.checked_sub(product.scale())?)?)?;
    (kept == exact).then_some(product)
}

/// An exact sum of decimals: their mantissas added in 128 bits at the largest scale seen so far,
/// which is the scale and value adding them one by one as decimals gives, at a fraction of the
/// cost. `None` once the sum no longer fits a decimal (an overflow).
#[derive(Clone, Copy, Debug, Default)]
pub struct Sum {
    mantissa: i128,
    scale: u32,
}

impl Sum {
    #[inline(always)]
    pub fn add(&mut self, d: Decimal) -> Option<()> {
        let scale = d.scale();
        let mut m = d.mantissa();
        if scale > self.scale {
            self.mantissa = self.mantissa.checked_mul(10i128.checked_pow(scale - self.scale)?)?;
            self.scale = scale;
        } else if scale < self.scale {
            m = m.checked_mul(10i128.checked_pow(self.scale - scale)?)?;
        }
        self.mantissa = self.mantissa.checked_add(m)?;
        Some(())
    }

    /// `self − before` (the rows added since `before` was taken), as a decimal at the larger
    /// scale of the two, as subtracting the two decimals would give it.
    #[inline]
    pub fn since(&self, before: &Sum) -> Option<Decimal> {
        let scale = self.scale.max(before.scale);
        let lift = |s: &Sum| match scale - s.scale {
            0 => Some(s.mantissa),
            up => s.mantissa.checked_mul(10i128.checked_pow(up)?),
        };
        Sum { mantissa: lift(self)?.checked_sub(lift(before)?)?, scale }.total()
    }

    #[inline]
    pub fn total(&self) -> Option<Decimal> {
        // A decimal's mantissa has 96 bits.
        let magnitude = self.mantissa.unsigned_abs();
        if magnitude >> 96 != 0 {
            return None;
        }
        let (lo, mid, hi) = (magnitude as u32, (magnitude >> 32) as u32, (magnitude >> 64) as u32);
        Some(Decimal::from_parts(lo, mid, hi, self.mantissa < 0, self.scale))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_product_is_exact_or_none() {
        use rust_decimal::Decimal;
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        // Ordinary figures keep every digit.
        assert_eq!(super::mul(d("9500000"), d("2.44")), Some(d("23180000.00")));
        assert_eq!(super::mul(d("0.5"), d("1.23")), Some(d("0.615")));
        // Trailing zeros a decimal cannot hold are dropped exactly: 10^27 × 1.00 = 10^27.
        assert_eq!(super::mul(d("1000000000000000000000000000"), d("1.00")), Some(d("1000000000000000000000000000")));
        // 11,290,629,520,512,777,417,324,979,305 × 2.44 is ...949,504.20: 31 digits; a decimal
        // would round it, so it is no figure.
        assert_eq!(super::mul(d("11290629520512777417324979305"), d("2.44")), None);
        // A long tail of decimals (a quotient's) is kept as far as a decimal holds it.
        let third = Decimal::ONE / d("3");
        assert_eq!(super::mul(third, d("2.44")), third.checked_mul(d("2.44")));
        // Too large for a decimal at all.
        assert_eq!(super::mul(Decimal::MAX, d("2")), None);
    }

    use super::*;

    /// Pseudo-random decimals of every size (3 to 96 bits), both signs, and every scale (small
    /// ones more often, as in programs).
    struct Operands(u64);

    impl Operands {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn decimal(&mut self) -> Decimal {
            let bits = [3u32, 8, 16, 32, 48, 63, 64, 65, 80, 96][(self.next() % 10) as usize];
            let raw = (u128::from(self.next()) | (u128::from(self.next()) << 64)) & ((1u128 << bits) - 1);
            let mantissa = if self.next().is_multiple_of(2) { raw as i128 } else { -(raw as i128) };
            let scale =
                if self.next().is_multiple_of(2) { (self.next() % 4) as u32 } else { (self.next() % 29) as u32 };
            Decimal::try_from_i128_with_scale(mantissa, scale).unwrap_or(Decimal::ONE)
        }
    }

    fn text(d: Option<Decimal>) -> Option<String> {
        d.map(|d| d.to_string())
    }

    #[test]
    fn dividing_by_a_hundred_matches_long_division_digit_for_digit() {
        let mut ops = Operands(0x2545_F491_4F6C_DD1D);
        for _ in 0..20_000 {
            let x = ops.decimal();
            assert_eq!(text(div100(x)), text(x.checked_div(HUNDRED)), "{x} / 100");
        }
        for x in ["0", "0.00", "150", "1010", "-250.50", "7500000.00", "0.15"] {
            let x: Decimal = x.parse().unwrap();
            assert_eq!(text(div100(x)), text(x.checked_div(HUNDRED)), "{x} / 100");
        }
    }

    #[test]
    fn rounding_matches_the_library_digit_for_digit() {
        let mut ops = Operands(0xD6E8_FEB8_6659_FD93);
        for _ in 0..20_000 {
            let x = ops.decimal();
            let dp = (ops.next() % 6) as u32;
            let want = x.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
            assert_eq!(round(x, dp).to_string(), want.to_string(), "{x} to {dp} decimals");
        }
        for (x, dp, want) in [("2.5", 0, "3"), ("-2.5", 0, "-3"), ("-0.4", 0, "0"), ("1.005", 2, "1.01"), ("7", 2, "7")]
        {
            assert_eq!(round(x.parse().unwrap(), dp).to_string(), want);
        }
    }

    #[test]
    fn sums_match_adding_one_by_one() {
        let mut ops = Operands(0x1234_5678_9ABC_DEF1);
        let mut compared = 0;
        for _ in 0..2_000 {
            let terms: Vec<Decimal> = (0..(ops.next() % 12)).map(|_| ops.decimal()).collect();
            let mut sum = Sum::default();
            let fast = terms.iter().try_for_each(|t| sum.add(*t)).and_then(|_| sum.total());
            // Adding one by one, the library drops decimals (rounds) once a partial sum outgrows
            // 96 bits; the 128-bit sum stays exact. Wherever the library did not round, both give
            // the same figure.
            let mut rounded = false;
            let slow = terms.iter().try_fold(Decimal::ZERO, |acc, t| {
                let next = acc.checked_add(*t)?;
                rounded |= next.scale() < acc.scale().max(t.scale());
                Some(next)
            });
            if let (Some(f), Some(s), false) = (fast, slow, rounded) {
                assert_eq!(f.to_string(), s.to_string(), "{terms:?}");
                compared += 1;
            }
        }
        assert!(compared > 500, "only {compared} sums compared");
    }
}
