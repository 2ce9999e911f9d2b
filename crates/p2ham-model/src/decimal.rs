//! Reading decimals exactly: a weight, an option value or a threshold is taken
//! digit for digit, or refused — never rounded, never guessed.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, Visitor};

/// The key under which serde_json (feature `arbitrary_precision`) hands over
/// the digits of a JSON number.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Parse a decimal written as a string: `-?digits(.digits)?([eE]digits)?`,
/// the grammar of the published schemas, with at most 28 significant digits.
pub fn parse_decimal(s: &str) -> Result<Decimal, String> {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = mantissa.strip_prefix('-').unwrap_or(mantissa);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let well_formed = all_digits(int) && frac.is_none_or(all_digits) && exponent.is_none_or(all_digits);
    if !well_formed {
        return Err(format!(
            "`{s}` is not a decimal: expected digits with an optional fraction, e.g. \"0.5\" or \"60\""
        ));
    }
    let too_long = || format!("`{s}` has more digits than the 28 significant digits a decimal keeps");
    let value = Decimal::from_str_exact(mantissa).map_err(|_| too_long())?;
    match exponent {
        None => Ok(value),
        Some(e) => {
            let e: u32 = e.parse().map_err(|_| too_long())?;
            let factor = (0..e).try_fold(Decimal::ONE, |acc, _| acc.checked_mul(Decimal::TEN));
            factor.and_then(|f| value.checked_mul(f)).ok_or_else(too_long)
        }
    }
}

/// Parse the digits of a JSON number (which may carry a signed exponent).
fn parse_number(s: &str) -> Result<Decimal, String> {
    match s.find(['e', 'E']) {
        None => parse_decimal(s),
        Some(i) => {
            let (mantissa, exponent) = (&s[..i], s[i + 1..].trim_start_matches('+'));
            match exponent.strip_prefix('-') {
                None => parse_decimal(&format!("{mantissa}e{exponent}")),
                Some(neg) => {
                    let value = parse_decimal(mantissa)?;
                    let e: u32 = neg.parse().map_err(|_| format!("`{s}` is out of range"))?;
                    let scale = value.scale() + e;
                    if scale > 28 {
                        return Err(format!(
                            "`{s}` has more digits than the 28 significant digits a decimal keeps"
                        ));
                    }
                    let mut v = value;
                    v.set_scale(scale).map_err(|_| format!("`{s}` is out of range"))?;
                    Ok(v)
                }
            }
        }
    }
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
    fn numbers_keep_their_digits_and_signed_exponents() {
        assert_eq!(
            parse_number("0.3333333333333333333").unwrap().to_string(),
            "0.3333333333333333333"
        );
        assert_eq!(parse_number("25e-2").unwrap().to_string(), "0.25");
        assert_eq!(parse_number("1E+2").unwrap().to_string(), "100");
        assert!(parse_number("1e-40").is_err());
    }
}
