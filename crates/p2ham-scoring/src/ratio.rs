//! Exact rational arithmetic on `i128`, so that every figure is computed
//! without any rounding until the single rounding at the end.

use std::cmp::Ordering;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::ScoringError;

/// A reduced fraction `num / den` with `den > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ratio {
    num: i128,
    den: i128,
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    // Fast path: 64-bit operands (almost every figure) avoid 128-bit division.
    if let (Ok(x), Ok(y)) = (u64::try_from(a), u64::try_from(b)) {
        return i128::from(gcd64(x, y));
    }
    while b != 0 {
        (a, b) = (b, a % b);
    }
    // Only gcd(i128::MIN, 0) exceeds i128::MAX; callers reject i128::MIN first.
    i128::try_from(a).unwrap_or(1)
}

/// Binary GCD on 64 bits.
fn gcd64(a: u64, b: u64) -> u64 {
    if a == 0 || b == 0 {
        return a | b;
    }
    let shift = (a | b).trailing_zeros();
    let (mut a, mut b) = (a >> a.trailing_zeros(), b);
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

/// `a × b`, `None` on overflow; a plain 64×64→128-bit product when both fit in 64 bits.
fn mul128(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(x), Ok(y)) => Some(i128::from(x) * i128::from(y)),
        _ => a.checked_mul(b),
    }
}

/// `n / d` rounded down, for `n ≥ 0` and `d > 0`; in 64 bits when both fit.
fn quo_floor(n: i128, d: i128) -> i128 {
    match (u64::try_from(n), u64::try_from(d)) {
        (Ok(n), Ok(d)) => i128::from(n / d),
        _ => n / d,
    }
}

/// `x / g` for a divisor `g > 0` that divides `x`, in 64 bits when both fit.
fn quo(x: i128, g: i128) -> i128 {
    match (i64::try_from(x), i64::try_from(g)) {
        (Ok(x), Ok(g)) => i128::from(x / g),
        _ => x / g,
    }
}

fn overflow(what: &str) -> ScoringError {
    ScoringError::Overflow {
        what: what.to_owned(),
    }
}

impl Ratio {
    /// Zero.
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    /// One.
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };
    /// One hundred.
    pub const HUNDRED: Ratio = Ratio { num: 100, den: 1 };

    /// A reduced ratio from a result of checked arithmetic; `i128::MIN`
    /// (whose negation overflows) counts as overflow.
    fn checked(num: i128, den: i128, what: &str) -> Result<Ratio, ScoringError> {
        if num == i128::MIN || den == i128::MIN || den == 0 {
            return Err(overflow(what));
        }
        Ok(Ratio::new(num, den))
    }

    fn new(num: i128, den: i128) -> Ratio {
        debug_assert!(den != 0);
        let g = gcd(num, den).max(1);
        let (num, den) = (quo(num, g), quo(den, g));
        if den < 0 {
            Ratio { num: -num, den: -den }
        } else {
            Ratio { num, den }
        }
    }

    /// The exact value of a decimal.
    pub fn from_decimal(d: Decimal) -> Ratio {
        if d.scale() == 0 {
            return Ratio {
                num: d.mantissa(),
                den: 1,
            };
        }
        // scale ≤ 28, so 10^scale fits in i128 (< 1.7e38).
        Ratio::new(d.mantissa(), 10i128.pow(d.scale()))
    }

    /// Whether this is zero.
    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    /// Whether this is > 0.
    pub fn is_positive(self) -> bool {
        self.num > 0
    }

    /// `self + rhs`, or an overflow error naming `what`.
    pub fn add(self, rhs: Ratio, what: &str) -> Result<Ratio, ScoringError> {
        if self.den == 1 && rhs.den == 1 {
            let num = self.num.checked_add(rhs.num).ok_or_else(|| overflow(what))?;
            return Ok(Ratio { num, den: 1 });
        }
        if self.den == rhs.den {
            let num = self.num.checked_add(rhs.num).ok_or_else(|| overflow(what))?;
            return Ok(Ratio::new(num, self.den));
        }
        let g = gcd(self.den, rhs.den);
        let l = quo(self.den, g);
        let r = quo(rhs.den, g);
        let num = mul128(self.num, r)
            .and_then(|a| mul128(rhs.num, l).and_then(|b| a.checked_add(b)))
            .ok_or_else(|| overflow(what))?;
        let den = mul128(l, rhs.den).ok_or_else(|| overflow(what))?;
        Ratio::checked(num, den, what)
    }

    /// `self - rhs`.
    pub fn sub(self, rhs: Ratio, what: &str) -> Result<Ratio, ScoringError> {
        self.add(
            Ratio {
                num: -rhs.num,
                den: rhs.den,
            },
            what,
        )
    }

    /// `self × rhs`.
    pub fn mul(self, rhs: Ratio, what: &str) -> Result<Ratio, ScoringError> {
        if self.den == 1 && rhs.den == 1 {
            let num = mul128(self.num, rhs.num)
                .filter(|n| *n != i128::MIN)
                .ok_or_else(|| overflow(what))?;
            return Ok(Ratio { num, den: 1 });
        }
        let g1 = gcd(self.num, rhs.den).max(1);
        let g2 = gcd(rhs.num, self.den).max(1);
        let num = mul128(quo(self.num, g1), quo(rhs.num, g2))
            .filter(|n| *n != i128::MIN)
            .ok_or_else(|| overflow(what))?;
        let den = mul128(quo(self.den, g2), quo(rhs.den, g1)).ok_or_else(|| overflow(what))?;
        // Both operands are reduced and the cross factors cancelled: so is the product.
        Ok(Ratio { num, den })
    }

    /// `self ÷ rhs`; `None` when `rhs` is zero.
    pub fn div(self, rhs: Ratio, what: &str) -> Result<Option<Ratio>, ScoringError> {
        if rhs.num == 0 {
            return Ok(None);
        }
        self.mul(Ratio::checked(rhs.den, rhs.num, what)?, what).map(Some)
    }

    /// Rounded to `dp` decimals, half away from zero, computed exactly.
    pub fn round(self, dp: u32, what: &str) -> Result<Decimal, ScoringError> {
        let scale = 10i128.checked_pow(dp).ok_or_else(|| overflow(what))?;
        // round(|n|/d × s) = floor((2·|n|·s + d) / (2·d))
        let twice = self
            .num
            .abs()
            .checked_mul(scale)
            .and_then(|x| x.checked_mul(2))
            .ok_or_else(|| overflow(what))?;
        let twice_den = self.den.checked_mul(2).ok_or_else(|| overflow(what))?;
        let n = twice.checked_add(self.den).ok_or_else(|| overflow(what))?;
        let q = quo_floor(n, twice_den);
        let q = if self.num < 0 { -q } else { q };
        Decimal::try_from_i128_with_scale(q, dp).map_err(|_| overflow(what))
    }

    /// The value as a decimal with up to 28 significant digits (for showing the
    /// unrounded figure; never used for decisions).
    pub fn to_decimal(self, what: &str) -> Result<Decimal, ScoringError> {
        let d = |x: i128| Decimal::try_from_i128_with_scale(x, 0).map_err(|_| overflow(what));
        let (n, den) = (d(self.num)?, d(self.den)?);
        let q = n.checked_div(den).ok_or_else(|| overflow(what))?;
        Ok(
            q.round_dp_with_strategy(20, RoundingStrategy::MidpointAwayFromZero)
                .normalize(),
        )
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        // a/b ? c/d  ⇔  a·d ? c·b (b, d > 0); fall back to floating comparison of
        // quotients only if the products overflow, then refine exactly.
        if let (Some(l), Some(r)) = (mul128(self.num, other.den), mul128(other.num, self.den)) {
            l.cmp(&r)
        } else {
            {
                let (a, b) = (self.num.div_euclid(self.den), other.num.div_euclid(other.den));
                if a != b {
                    return a.cmp(&b);
                }
                // Same integer part: compare the fractional parts' reciprocals.
                let fa = Ratio::new(self.num.rem_euclid(self.den), self.den);
                let fb = Ratio::new(other.num.rem_euclid(other.den), other.den);
                match (fa.num == 0, fb.num == 0) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    (false, false) => Ratio::new(fb.den, fb.num).cmp(&Ratio::new(fa.den, fa.num)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn r(n: i128, d: i128) -> Ratio {
        Ratio::new(n, d)
    }

    #[test]
    fn rounds_half_away_from_zero_exactly() {
        assert_eq!(r(80_005, 1000).round(2, "t").unwrap(), dec!(80.01));
        assert_eq!(r(80_004_999, 1_000_000).round(2, "t").unwrap(), dec!(80.00));
        assert_eq!(r(-1, 200).round(2, "t").unwrap(), dec!(-0.01));
        assert_eq!(r(2, 3).round(2, "t").unwrap(), dec!(0.67));
        assert_eq!(r(1, 3).round(4, "t").unwrap(), dec!(0.3333));
    }

    #[test]
    fn arithmetic_is_exact() {
        let third = r(1, 3);
        let sum = third.add(third, "t").unwrap().add(third, "t").unwrap();
        assert_eq!(sum, Ratio::ONE);
        assert_eq!(Ratio::from_decimal(dec!(0.50)), r(1, 2));
        assert_eq!(r(1, 2).div(Ratio::ZERO, "t").unwrap(), None);
        assert!(r(1, 3) < r(34, 100));
        assert_eq!(r(1, 3).to_decimal("t").unwrap(), dec!(0.33333333333333333333));
    }

    #[test]
    fn overflow_is_an_error() {
        let big = r(i128::MAX / 2 + 1, 1);
        assert!(big.mul(big, "x").is_err());
        assert!(big.add(big, "x").unwrap_err().to_string().contains("overflow"));
    }

    #[test]
    fn extreme_operands_never_panic() {
        let min_ish = r(-(i128::MAX / 2) - 1, 1);
        let _ = min_ish.mul(r(2, 1), "x");
        let _ = min_ish.add(min_ish, "x");
        let _ = r(1, i128::MAX).round(2, "x");
        let _ = r(i128::MAX, 1).round(2, "x");
        let _ = r(1, 3).div(r(i128::MAX, 1), "x");
        assert!(r(i128::MAX, 1).mul(r(i128::MAX, 1), "x").is_err());
    }

    #[test]
    fn comparison_survives_large_terms() {
        let a = r(i128::MAX / 3, 7);
        let b = r(i128::MAX / 3 - 1, 7);
        assert!(a > b);
    }
}
