//! Exact rational arithmetic on 256-bit integers, so that every figure is
//! computed without any rounding until the single rounding at the end.
//!
//! 256 bits hold the denominators of realistic instruments (weights and option
//! values with several decimals over many criteria) with a wide margin; a
//! figure that still leaves that range is an error, never a wrong number.

use std::cmp::Ordering;

use ethnum::{I256, U256};
use rust_decimal::Decimal;

use crate::ScoringError;

/// A reduced fraction `num / den` with `den > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ratio {
    num: I256,
    den: I256,
}

fn gcd(a: I256, b: I256) -> I256 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    // Fast path: operands of 128 bits or less (almost every figure) use the
    // native binary GCD, never a wide division.
    if let (Ok(x), Ok(y)) = (u128::try_from(a), u128::try_from(b)) {
        return I256::from(gcd128(x, y));
    }
    while b != U256::ZERO {
        (a, b) = (b, a % b);
    }
    // Only gcd(I256::MIN, 0) exceeds I256::MAX; callers reject I256::MIN first.
    I256::try_from(a).unwrap_or(I256::ONE)
}

/// Binary GCD on 128 bits (shifts and subtractions only).
fn gcd128(a: u128, b: u128) -> u128 {
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

/// `a × b`, `None` on overflow (or when the product is `I256::MIN`, whose
/// negation overflows); a plain 64×64→128-bit product when both fit in 64 bits.
fn mul_wide(a: I256, b: I256) -> Option<I256> {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(x), Ok(y)) => Some(I256::from(i128::from(x) * i128::from(y))),
        _ => match (i128::try_from(a), i128::try_from(b)) {
            (Ok(x), Ok(y)) if x.checked_mul(y).is_some() => x.checked_mul(y).map(I256::from),
            _ => a.checked_mul(b).filter(|p| *p != I256::MIN),
        },
    }
}

/// `n / d` rounded down, for `n ≥ 0` and `d > 0`; in 64 bits when both fit.
fn quo_floor(n: I256, d: I256) -> I256 {
    match (u64::try_from(n), u64::try_from(d)) {
        (Ok(n), Ok(d)) => I256::from(n / d),
        _ => match (i128::try_from(n), i128::try_from(d)) {
            (Ok(n), Ok(d)) => I256::from(n / d),
            _ => n / d,
        },
    }
}

/// `x / g` for a divisor `g > 0` that divides `x`, in 64 bits when both fit.
fn quo(x: I256, g: I256) -> I256 {
    match (i64::try_from(x), i64::try_from(g)) {
        (Ok(x), Ok(g)) => I256::from(x / g),
        _ => match (i128::try_from(x), i128::try_from(g)) {
            (Ok(x), Ok(g)) => I256::from(x / g),
            _ => x / g,
        },
    }
}

fn overflow(what: &str) -> ScoringError {
    ScoringError::Overflow {
        what: what.to_owned(),
    }
}

/// 10^n for n ≤ 38 (every scale of a decimal, every rounding), by table.
fn pow10(n: u32) -> I256 {
    const TABLE: [i128; 39] = {
        let mut t = [1i128; 39];
        let mut i = 1;
        while i < 39 {
            t[i] = t[i - 1] * 10;
            i += 1;
        }
        t
    };
    match TABLE.get(n as usize) {
        Some(p) => I256::new(*p),
        None => (0..n).fold(I256::ONE, |p, _| p * 10),
    }
}

/// Both halves of a ratio as 64-bit integers, when they fit (almost always).
fn small(r: Ratio) -> Option<(i64, i64)> {
    Some((i64::try_from(r.num).ok()?, i64::try_from(r.den).ok()?))
}

impl Ratio {
    /// Zero.
    pub const ZERO: Ratio = Ratio {
        num: I256::ZERO,
        den: I256::ONE,
    };
    /// One.
    pub const ONE: Ratio = Ratio {
        num: I256::ONE,
        den: I256::ONE,
    };
    /// One hundred.
    pub const HUNDRED: Ratio = Ratio {
        num: I256::new(100),
        den: I256::ONE,
    };

    /// A reduced ratio from a result of checked arithmetic; `I256::MIN`
    /// (whose negation overflows) counts as overflow.
    fn checked(num: I256, den: I256, what: &str) -> Result<Ratio, ScoringError> {
        if num == I256::MIN || den == I256::MIN || den == I256::ZERO {
            return Err(overflow(what));
        }
        Ok(Ratio::new(num, den))
    }

    /// A reduced ratio of two 128-bit integers (`den ≠ 0`, neither `i128::MIN`).
    fn new128(num: i128, den: i128) -> Ratio {
        let g = i128::try_from(gcd128(num.unsigned_abs(), den.unsigned_abs()))
            .unwrap_or(1)
            .max(1);
        let (num, den) = (num / g, den / g);
        if den < 0 {
            Ratio {
                num: I256::new(-num),
                den: I256::new(-den),
            }
        } else {
            Ratio {
                num: I256::new(num),
                den: I256::new(den),
            }
        }
    }

    fn new(num: I256, den: I256) -> Ratio {
        debug_assert!(den != I256::ZERO);
        if let (Ok(n), Ok(d)) = (i128::try_from(num), i128::try_from(den)) {
            if n != i128::MIN && d != i128::MIN {
                return Ratio::new128(n, d);
            }
        }
        let g = gcd(num, den).max(I256::ONE);
        let (num, den) = (quo(num, g), quo(den, g));
        if den < I256::ZERO {
            Ratio { num: -num, den: -den }
        } else {
            Ratio { num, den }
        }
    }

    /// The exact value of a decimal.
    pub fn from_decimal(d: Decimal) -> Ratio {
        Ratio::new(I256::from(d.mantissa()), pow10(d.scale()))
    }

    /// Whether this is zero.
    pub fn is_zero(self) -> bool {
        self.num == I256::ZERO
    }

    /// Whether this is > 0.
    pub fn is_positive(self) -> bool {
        self.num > I256::ZERO
    }

    /// `self + rhs`, or an overflow error naming `what`.
    pub fn add(self, rhs: Ratio, what: &str) -> Result<Ratio, ScoringError> {
        if let (Some((a, b)), Some((c, d))) = (small(self), small(rhs)) {
            // 64-bit halves: the cross products cannot overflow 128 bits.
            let (a, b, c, d) = (i128::from(a), i128::from(b), i128::from(c), i128::from(d));
            if b == d {
                return Ok(Ratio::new128(a + c, b));
            }
            return Ok(Ratio::new128(a * d + c * b, b * d));
        }
        if self.den == rhs.den {
            let num = self.num.checked_add(rhs.num).ok_or_else(|| overflow(what))?;
            return Ratio::checked(num, self.den, what);
        }
        let g = gcd(self.den, rhs.den);
        let l = quo(self.den, g);
        let r = quo(rhs.den, g);
        let num = mul_wide(self.num, r)
            .and_then(|a| mul_wide(rhs.num, l).and_then(|b| a.checked_add(b)))
            .ok_or_else(|| overflow(what))?;
        let den = mul_wide(l, rhs.den).ok_or_else(|| overflow(what))?;
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
        if let (Some((a, b)), Some((c, d))) = (small(self), small(rhs)) {
            // 64-bit halves: the products fit 128 bits.
            return Ok(Ratio::new128(
                i128::from(a) * i128::from(c),
                i128::from(b) * i128::from(d),
            ));
        }
        if self.den == I256::ONE && rhs.den == I256::ONE {
            let num = mul_wide(self.num, rhs.num).ok_or_else(|| overflow(what))?;
            return Ok(Ratio { num, den: I256::ONE });
        }
        let g1 = gcd(self.num, rhs.den).max(I256::ONE);
        let g2 = gcd(rhs.num, self.den).max(I256::ONE);
        let num = mul_wide(quo(self.num, g1), quo(rhs.num, g2)).ok_or_else(|| overflow(what))?;
        let den = mul_wide(quo(self.den, g2), quo(rhs.den, g1)).ok_or_else(|| overflow(what))?;
        // Both operands are reduced and the cross factors cancelled: so is the product.
        Ok(Ratio { num, den })
    }

    /// `self ÷ rhs`; `None` when `rhs` is zero.
    pub fn div(self, rhs: Ratio, what: &str) -> Result<Option<Ratio>, ScoringError> {
        if rhs.num == I256::ZERO {
            return Ok(None);
        }
        self.mul(Ratio::checked(rhs.den, rhs.num, what)?, what).map(Some)
    }

    /// The value × 10^dp rounded half away from zero, as an integer, computed exactly.
    fn scaled(self, dp: u32, what: &str) -> Result<I256, ScoringError> {
        // round(|n|/d × s) = floor((2·|n|·s + d) / (2·d))
        let twice = mul_wide(self.num.abs(), pow10(dp))
            .and_then(|x| mul_wide(x, I256::new(2)))
            .ok_or_else(|| overflow(what))?;
        let twice_den = mul_wide(self.den, I256::new(2)).ok_or_else(|| overflow(what))?;
        let n = twice.checked_add(self.den).ok_or_else(|| overflow(what))?;
        let q = quo_floor(n, twice_den);
        Ok(if self.num < I256::ZERO { -q } else { q })
    }

    /// Rounded to `dp` decimals, half away from zero, computed exactly.
    pub fn round(self, dp: u32, what: &str) -> Result<Decimal, ScoringError> {
        let q = self.scaled(dp, what)?;
        let q = i128::try_from(q).map_err(|_| overflow(what))?;
        Decimal::try_from_i128_with_scale(q, dp).map_err(|_| overflow(what))
    }

    /// Rounded to at most `max_dp` decimals (fewer when a decimal of 28 digits
    /// cannot hold that many), half away from zero: for showing a figure.
    pub fn round_to_fit(self, max_dp: u32, what: &str) -> Result<Decimal, ScoringError> {
        (0..=max_dp)
            .rev()
            .find_map(|dp| self.round(dp, what).ok())
            .ok_or_else(|| overflow(what))
    }

    /// The unrounded value for people to read: rounded half away from zero to
    /// 20 decimals (fewer for very large values), trailing zeros dropped. Never
    /// used for decisions.
    pub fn to_decimal(self, what: &str) -> Result<Decimal, ScoringError> {
        Ok(self.round_to_fit(20, what)?.normalize())
    }
}

/// An exact sum of fractions whose common denominator may outgrow 256 bits
/// (the total of many criteria whose included weights have coprime sums): kept
/// as arbitrary-precision integers, so no instrument that validates can make
/// it overflow. Only rounded, never compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BigSum {
    num: num_bigint::BigInt,
    den: num_bigint::BigInt,
}

fn big(x: I256) -> num_bigint::BigInt {
    num_bigint::BigInt::from_signed_bytes_le(&x.to_le_bytes())
}

impl BigSum {
    /// Zero.
    pub(crate) fn zero() -> Self {
        BigSum {
            num: 0.into(),
            den: 1.into(),
        }
    }

    /// `self + a × b` (no reduction: denominators multiply, and that is fine).
    pub(crate) fn add_product(&self, a: Ratio, b: Ratio) -> Self {
        let (n, d) = (big(a.num) * big(b.num), big(a.den) * big(b.den));
        if d == self.den {
            return BigSum {
                num: &self.num + n,
                den: d,
            };
        }
        BigSum {
            num: &self.num * &d + n * &self.den,
            den: &self.den * d,
        }
    }

    /// `self / r` for `r > 0`.
    pub(crate) fn div(&self, r: Ratio) -> Self {
        BigSum {
            num: &self.num * big(r.den),
            den: &self.den * big(r.num),
        }
    }

    /// Rounded to `dp` decimals, half away from zero, computed exactly.
    pub(crate) fn round(&self, dp: u32, what: &str) -> Result<Decimal, ScoringError> {
        let scale = num_bigint::BigInt::from(10u8).pow(dp);
        let twice = num_bigint::BigInt::from(2u8);
        let n = self.num.magnitude() * scale.magnitude() * twice.magnitude() + self.den.magnitude();
        let q = n / (self.den.magnitude() * twice.magnitude());
        let q = i128::try_from(&q).map_err(|_| overflow(what))?;
        let negative =
            (self.num.sign() == num_bigint::Sign::Minus) != (self.den.sign() == num_bigint::Sign::Minus);
        let q = if negative { -q } else { q };
        Decimal::try_from_i128_with_scale(q, dp).map_err(|_| overflow(what))
    }

    /// As [`Ratio::to_decimal`]: rounded to 20 decimals (fewer when a decimal
    /// cannot hold them), trailing zeros dropped.
    pub(crate) fn to_decimal(&self, what: &str) -> Result<Decimal, ScoringError> {
        (0..=20)
            .rev()
            .find_map(|dp| self.round(dp, what).ok())
            .map(|d| d.normalize())
            .ok_or_else(|| overflow(what))
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        if let (Some((a, b)), Some((c, d))) = (small(*self), small(*other)) {
            return (i128::from(a) * i128::from(d)).cmp(&(i128::from(c) * i128::from(b)));
        }
        // a/b ? c/d  ⇔  a·d ? c·b (b, d > 0); when the products overflow,
        // compare integer parts, then the fractional parts' reciprocals.
        if let (Some(l), Some(r)) = (mul_wide(self.num, other.den), mul_wide(other.num, self.den)) {
            return l.cmp(&r);
        }
        let (a, b) = (self.num.div_euclid(self.den), other.num.div_euclid(other.den));
        if a != b {
            return a.cmp(&b);
        }
        let fa = Ratio::new(self.num.rem_euclid(self.den), self.den);
        let fb = Ratio::new(other.num.rem_euclid(other.den), other.den);
        match (fa.num == I256::ZERO, fb.num == I256::ZERO) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => Ratio::new(fb.den, fb.num).cmp(&Ratio::new(fa.den, fa.num)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn r(n: i128, d: i128) -> Ratio {
        Ratio::new(I256::from(n), I256::from(d))
    }

    fn big(n: I256) -> Ratio {
        Ratio::new(n, I256::ONE)
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
        let half = big(I256::MAX / 2 + 1);
        assert!(half.mul(half, "x").is_err());
        assert!(half.add(half, "x").unwrap_err().to_string().contains("overflow"));
        // A value too large for a 28-digit decimal cannot be rounded into one.
        assert!(big(I256::MAX / 2).round(2, "x").is_err());
    }

    #[test]
    fn extreme_operands_never_panic() {
        let min_ish = big(-(I256::MAX / 2) - 1);
        let _ = min_ish.mul(r(2, 1), "x");
        let _ = min_ish.add(min_ish, "x");
        let _ = Ratio::new(I256::ONE, I256::MAX).round(2, "x");
        let _ = big(I256::MAX).round(2, "x");
        let _ = r(1, 3).div(big(I256::MAX), "x");
        assert!(big(I256::MAX).mul(big(I256::MAX), "x").is_err());
    }

    #[test]
    fn denominators_beyond_128_bits_are_exact() {
        // Five criteria whose scores have coprime denominators near 10^8:
        // the common denominator (~10^40) is beyond i128 but well within 256 bits.
        let dens = [99_999_989i128, 99_999_971, 99_999_959, 99_999_941, 99_999_931];
        let mut sum = Ratio::ZERO;
        for d in dens {
            sum = sum.add(r(1, d), "t").unwrap();
        }
        for d in dens {
            sum = sum.sub(r(1, d), "t").unwrap();
        }
        assert_eq!(sum, Ratio::ZERO);
    }

    #[test]
    fn large_figures_are_shown_with_fewer_decimals() {
        let w = Ratio::from_decimal("12345678901234567890.123456789".parse().unwrap());
        assert_eq!(
            w.round_to_fit(10, "t").unwrap().to_string(),
            "12345678901234567890.123456789"
        );
        assert_eq!(
            r(1, 3).to_decimal("t").unwrap().to_string(),
            "0.33333333333333333333"
        );
    }

    #[test]
    fn comparison_survives_large_terms() {
        let a = Ratio::new(I256::MAX / 3, I256::new(7));
        let b = Ratio::new(I256::MAX / 3 - 1, I256::new(7));
        assert!(a > b);
    }
}
