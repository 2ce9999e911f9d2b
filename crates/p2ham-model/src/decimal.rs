//! Reading decimals exactly: a weight, an option value or a threshold is taken
//! digit for digit, or refused — never rounded, never guessed.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, Visitor};

/// The key under which serde_json (feature `arbitrary_precision`) hands over
/// the digits of a JSON number.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// The largest coefficient a [`Decimal`] holds: 2^96 - 1.
const MAX_COEFFICIENT: u128 = (1 << 96) - 1;
/// [`MAX_COEFFICIENT`] written out: 29 digits.
const MAX_COEFFICIENT_DIGITS: &str = "79228162514264337593543950335";

/// The most decimal places a [`Decimal`] keeps.
const MAX_SCALE: i64 = 28;

/// At most this many characters of a rejected number are quoted in a message.
const QUOTED: usize = 32;

/// A rejected number as quoted in a message: whole when short, else its first
/// characters and its length (a megabyte of digits is never echoed).
pub(crate) fn quoted(s: &str) -> String {
    let n = s.chars().count();
    if n <= QUOTED {
        format!("`{s}`")
    } else {
        let head: String = s.chars().take(QUOTED).collect();
        format!("`{head}…` ({n} characters)")
    }
}

/// The exact value `±digits × 10^(exponent - fraction_len)`, or why it has none
/// as a [`Decimal`]. `int` and `frac` are ASCII digits; `exp_digits` is the
/// exponent's magnitude in ASCII digits (any length).
///
/// A value is refused unless it is representable exactly: a coefficient below
/// 2^96 at a scale of at most 28. An exponent whose magnitude exceeds the
/// mantissa's digit count plus 28 is "out of range" even when the mantissa is
/// zero (no decimal reaches that far); nothing here can overflow or wrap.
fn exact_value(
    written: &str,
    negative: bool,
    int: &str,
    frac: &str,
    exp_negative: bool,
    exp_digits: &str,
) -> Result<Decimal, String> {
    let digit_count = int.len().saturating_add(frac.len());
    let limit = i64::try_from(digit_count)
        .unwrap_or(i64::MAX)
        .saturating_add(MAX_SCALE);
    let magnitude = exp_digits.trim_start_matches('0');
    let exponent = match magnitude.parse::<i64>() {
        Ok(e) if e <= limit => e,
        Err(_) if magnitude.is_empty() => 0,
        _ => {
            return Err(format!(
            "{}: exponent out of range (a decimal keeps 28 decimal places and 28 to 29 significant digits)",
            quoted(written)
        ))
        }
    };
    let exponent = if exp_negative { -exponent } else { exponent };
    // value = coefficient × 10^-scale, scale possibly negative for now.
    let mut scale = i64::try_from(frac.len())
        .unwrap_or(i64::MAX)
        .saturating_sub(exponent);
    let mut coefficient: String = int
        .chars()
        .chain(frac.chars())
        .skip_while(|&c| c == '0')
        .collect();
    let too_many = || {
        format!(
            "{} has more digits than the 28 significant digits a decimal keeps",
            quoted(written)
        )
    };
    if coefficient.is_empty() {
        // Zero, at the scale written where a decimal can keep it.
        let mut zero = Decimal::ZERO;
        zero.set_scale(u32::try_from(scale.clamp(0, MAX_SCALE)).unwrap_or(0))
            .map_err(|_| too_many())?;
        return Ok(zero);
    }
    // Trailing zeros below the decimal point change nothing: drop them while
    // the scale or the coefficient is beyond what a decimal keeps
    // (`80000000.000000000000000000000` is 80000000).
    let beyond = |c: &str| c.len() > 29 || (c.len() == 29 && c > MAX_COEFFICIENT_DIGITS);
    while scale > 0 && coefficient.ends_with('0') && (scale > MAX_SCALE || beyond(&coefficient)) {
        coefficient.pop();
        scale -= 1;
    }
    if scale > MAX_SCALE {
        return Err(format!(
            "{} cannot be kept exactly: it needs {scale} decimal places and a decimal keeps 28",
            quoted(written)
        ));
    }
    if scale < 0 {
        let zeros = usize::try_from(-scale).map_err(|_| too_many())?;
        if coefficient.len().saturating_add(zeros) > 29 {
            return Err(too_many());
        }
        coefficient.extend(std::iter::repeat_n('0', zeros));
        scale = 0;
    }
    if coefficient.len() > 29 {
        return Err(too_many());
    }
    let c: u128 = coefficient.parse().map_err(|_| too_many())?;
    if c > MAX_COEFFICIENT {
        return Err(too_many());
    }
    let signed = i128::try_from(c).map_err(|_| too_many())?;
    let signed = if negative { -signed } else { signed };
    Decimal::try_from_i128_with_scale(signed, u32::try_from(scale).map_err(|_| too_many())?)
        .map_err(|_| too_many())
}

/// Split `-?int(.frac)?([eE][+-]?exp)?`; `signed_exponent` allows the exponent's
/// sign (JSON numbers), the string grammar of the schemas does not.
fn parse_with(s: &str, signed_exponent: bool) -> Result<Decimal, String> {
    let not_decimal = || {
        format!(
            "{} is not a decimal: expected digits with an optional fraction, e.g. \"0.5\" or \"60\"",
            quoted(s)
        )
    };
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (negative, digits) = match mantissa.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, mantissa),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let (exp_negative, exp_digits) = match exponent {
        None => (false, Some("0")),
        Some(e) if signed_exponent => match e.strip_prefix('-') {
            Some(m) => (true, Some(m)),
            None => (false, Some(e.strip_prefix('+').unwrap_or(e))),
        },
        Some(e) => (false, Some(e)),
    };
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let well_formed = all_digits(int) && frac.is_none_or(all_digits) && exp_digits.is_some_and(all_digits);
    if !well_formed {
        return Err(not_decimal());
    }
    exact_value(
        s,
        negative,
        int,
        frac.unwrap_or(""),
        exp_negative,
        exp_digits.unwrap_or("0"),
    )
}

/// Parse a decimal written as a string: `-?digits(.digits)?([eE]digits)?`,
/// the grammar of the published schemas. The value is taken exactly or
/// refused: never rounded, and no exponent wraps or overflows.
pub fn parse_decimal(s: &str) -> Result<Decimal, String> {
    parse_with(s, false)
}

/// Parse the digits of a JSON number (which may carry a signed exponent).
fn parse_number(s: &str) -> Result<Decimal, String> {
    parse_with(s, true)
}

struct ExactVisitor;

impl<'de> Visitor<'de> for ExactVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a decimal, as a string (\"0.5\") or a number (0.5)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse_decimal(v).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        // Only a deserializer without exact numbers gives a float; its shortest
        // representation is what was written, up to 17 significant digits.
        if !v.is_finite() {
            return Err(E::custom(format!("`{v}` is not a finite decimal")));
        }
        parse_number(&format!("{v}")).map_err(E::custom)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        match map.next_key::<String>()? {
            Some(k) if k == NUMBER_TOKEN => {
                let digits: String = map.next_value()?;
                parse_number(&digits).map_err(de::Error::custom)
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

/// `deserialize_with` for a decimal read exactly.
pub(crate) fn exact<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    d.deserialize_any(ExactVisitor)
}

/// `deserialize_with` for an optional decimal read exactly (`null` is `None`).
pub(crate) fn exact_option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    struct OptionVisitor;
    impl<'de> Visitor<'de> for OptionVisitor {
        type Value = Option<Decimal>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a decimal or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            exact(d).map(Some)
        }
    }
    d.deserialize_option(OptionVisitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_follow_the_schema_grammar() {
        assert_eq!(parse_decimal("0.5").unwrap().to_string(), "0.5");
        assert_eq!(parse_decimal("-12").unwrap().to_string(), "-12");
        assert_eq!(parse_decimal("15e1").unwrap().to_string(), "150");
        for bad in [
            "1_0", "+1", ".5", "5.", "", "1e-1", "0x10", " 1", "1 ", "NaN", "1.2.3",
        ] {
            assert!(parse_decimal(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn more_than_28_digits_is_refused_not_rounded() {
        assert!(parse_decimal("0.1000000000000000000000000000001")
            .unwrap_err()
            .contains("28"));
        assert!(parse_decimal("0.3333333333333333333333333333").is_ok());
        assert!(parse_decimal("1e40").is_err());
    }

    #[test]
    fn trailing_zeros_beyond_the_coefficient_are_dropped_not_refused() {
        // 29 written digits whose value fits once the zeros below the point go.
        assert_eq!(
            parse_decimal("80000000.000000000000000000000"),
            Ok(Decimal::from(80_000_000))
        );
        assert_eq!(
            parse_number("79230000000000000000000000000e-1"),
            Ok(Decimal::from_i128_with_scale(
                7_923_000_000_000_000_000_000_000_000,
                0
            ))
        );
        // A coefficient that does not fit without dropping a non-zero digit is refused.
        assert!(parse_decimal("79228162514264337593543950336").is_err());
        assert!(parse_decimal("7922816251426433759354395033.6").is_err());
    }

    #[test]
    fn numbers_keep_their_digits_and_signed_exponents() {
        assert_eq!(
            parse_number("0.3333333333333333333").unwrap().to_string(),
            "0.3333333333333333333"
        );
        assert_eq!(parse_number("25e-2").unwrap().to_string(), "0.25");
        assert_eq!(parse_number("1E+2").unwrap().to_string(), "100");
        assert!(parse_number("1e-40").is_err());
    }

    #[test]
    fn huge_exponents_never_wrap() {
        // `u32` scale arithmetic once read these as 10 and 0.5.
        for s in [
            "1.0e-4294967295",
            "0.05e-4294967295",
            "1e-4294967296",
            "1e-18446744073709551616",
        ] {
            let err = parse_number(s).unwrap_err();
            assert!(err.contains("exponent out of range"), "{s}: {err}");
        }
        for s in ["1e4294967295", "0e4294967295", "1e99999999999999999999999"] {
            assert!(
                parse_decimal(s).unwrap_err().contains("exponent out of range"),
                "{s}"
            );
        }
        assert!(parse_number("0e-4294967295")
            .unwrap_err()
            .contains("exponent out of range"));
        // Exact values far from the written exponent are kept.
        assert_eq!(
            parse_number("100e-30").unwrap().to_string(),
            "0.0000000000000000000000000001"
        );
        assert_eq!(
            parse_number("0.00000000000000000000000000000000000001e38").unwrap(),
            Decimal::ONE
        );
        assert_eq!(
            parse_number("1.0e-28").unwrap().to_string(),
            "0.0000000000000000000000000001"
        );
        assert_eq!(
            parse_decimal("79228162514264337593543950335").unwrap(),
            Decimal::MAX
        );
        assert!(parse_decimal("79228162514264337593543950336").is_err());
        assert!(parse_number("-7.9228162514264337593543950335e28").unwrap() == Decimal::MIN);
    }

    #[test]
    fn a_long_number_is_quoted_by_its_prefix() {
        let long = "1".repeat(1_000_000);
        let err = parse_decimal(&long).unwrap_err();
        assert!(err.len() < 200, "{err}");
        assert!(err.contains("1000000 characters"), "{err}");
        let err = parse_decimal(&format!("x{long}")).unwrap_err();
        assert!(err.len() < 200, "{err}");
    }

    /// The exact value of `±int.frac × 10^exp`, worked out on the digit string
    /// alone: `Some` of the decimal when one holds it exactly, else `None`.
    fn reference(negative: bool, int: &str, frac: &str, exp: i128) -> Option<Decimal> {
        // All digits, and where the decimal point falls among them.
        let digits = format!("{int}{frac}");
        let point = i128::try_from(int.len()).unwrap() + exp;
        let zero = digits.bytes().all(|b| b == b'0');
        let limit = i128::try_from(digits.len()).unwrap() + 28;
        if exp.abs() > limit {
            return None;
        }
        if zero {
            return Some(Decimal::ZERO);
        }
        let (int_part, frac_part) = if point <= 0 {
            (
                String::new(),
                "0".repeat(usize::try_from(-point).unwrap()) + &digits,
            )
        } else if point >= i128::try_from(digits.len()).unwrap() {
            (
                digits.clone() + &"0".repeat(usize::try_from(point).unwrap() - digits.len()),
                String::new(),
            )
        } else {
            let p = usize::try_from(point).unwrap();
            (digits[..p].to_owned(), digits[p..].to_owned())
        };
        let int_part = int_part.trim_start_matches('0');
        let frac_part = frac_part.trim_end_matches('0');
        if frac_part.len() > 28 {
            return None;
        }
        let coefficient = format!("{int_part}{frac_part}");
        let coefficient = coefficient.trim_start_matches('0');
        let max = "79228162514264337593543950335";
        if coefficient.len() > max.len() || (coefficient.len() == max.len() && coefficient > max) {
            return None;
        }
        let text = if frac_part.is_empty() {
            format!(
                "{}{}",
                if negative { "-" } else { "" },
                if int_part.is_empty() { "0" } else { int_part }
            )
        } else {
            format!(
                "{}{}.{frac_part}",
                if negative { "-" } else { "" },
                if int_part.is_empty() { "0" } else { int_part }
            )
        };
        Some(Decimal::from_str_exact(&text).expect("reference text is a decimal"))
    }

    fn exponent() -> impl proptest::strategy::Strategy<Value = i128> {
        use proptest::prelude::*;
        prop_oneof![
            -70i128..70,
            Just(i128::from(u32::MAX)),
            Just(-i128::from(u32::MAX)),
            Just(i128::from(u32::MAX) + 1),
            Just(-i128::from(u32::MAX) - 1),
            Just(i128::from(i64::MAX)),
            Just(-i128::from(i64::MAX) - 1),
            Just(i128::from(u64::MAX) + 1),
            (-40i128..40).prop_map(|d| i128::from(u32::MAX) + d),
            (-40i128..40).prop_map(|d| -i128::from(u32::MAX) + d),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// Every mantissa under every exponent: the exact value, or refused.
        #[test]
        fn exponent_and_mantissa_exact_or_refused(
            negative: bool,
            int in "[0-9]{1,32}",
            frac in proptest::option::of("[0-9]{1,32}"),
            exp in exponent(),
            zeros in 0usize..3,
            upper: bool,
        ) {
            let frac_text = frac.as_deref().map_or(String::new(), |f| format!(".{f}"));
            let e = if upper { 'E' } else { 'e' };
            let pad = "0".repeat(zeros);
            let sign = if negative { "-" } else { "" };
            let written = if exp < 0 {
                format!("{sign}{int}{frac_text}{e}-{pad}{}", -exp)
            } else {
                format!("{sign}{int}{frac_text}{e}{pad}{exp}")
            };
            let expected = reference(negative, &int, frac.as_deref().unwrap_or(""), exp);
            let got = parse_number(&written);
            match expected {
                Some(v) => proptest::prop_assert_eq!(got, Ok(v), "{}", written),
                None => proptest::prop_assert!(got.is_err(), "{} read as {:?}", written, got),
            }
            if exp >= 0 {
                let as_string = format!("{sign}{int}{frac_text}{e}{pad}{exp}");
                proptest::prop_assert_eq!(parse_decimal(&as_string), parse_number(&as_string));
            }
        }
    }
}
