//! The application's vocabulary: roles, workflow states, and small helpers
//! (time, random identifiers, hashing of secrets).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A unit's P2HAM operator: the unit's own self-assessment and evidence.
    Operator,
    /// A Kanwil's verification team: the units of that Kanwil.
    Verifier,
    /// Central evaluators: every unit, read, evaluate and award.
    Evaluator,
    /// Administrators: users, units, periods, the audit log.
    Admin,
    /// A monitoring system: with an API token, reads `GET /metrics` and nothing else.
    Metrics,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Verifier => "verifier",
            Role::Evaluator => "evaluator",
            Role::Admin => "admin",
            Role::Metrics => "metrics",
        }
    }

    /// Read a stored name.
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "operator" => Role::Operator,
            "verifier" => Role::Verifier,
            "evaluator" => Role::Evaluator,
            "admin" => Role::Admin,
            "metrics" => Role::Metrics,
            _ => return None,
        })
    }
}

/// Where a unit's evaluation for a period stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The operator is preparing the self-assessment.
    Draft,
    /// The operator submitted; the Kanwil verifies.
    Submitted,
    /// The verifier sent it back with comments; the operator may edit and resubmit.
    Returned,
    /// The verifier's own assessment is recorded.
    Verified,
    /// Central evaluators evaluated the verified result.
    Evaluated,
    /// Awarded (with the decree).
    Awarded,
    /// Not awarded (with the reasons).
    NotAwarded,
}

impl Status {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Verified => "verified",
            Status::Evaluated => "evaluated",
            Status::Awarded => "awarded",
            Status::NotAwarded => "not_awarded",
        }
    }

    /// Read a stored name.
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "draft" => Status::Draft,
            "submitted" => Status::Submitted,
            "returned" => Status::Returned,
            "verified" => Status::Verified,
            "evaluated" => Status::Evaluated,
            "awarded" => Status::Awarded,
            "not_awarded" => Status::NotAwarded,
            _ => return None,
        })
    }
}

/// The first character of `s` that no one types and that changes how text
/// shows or is read: a control character (tab and line breaks allowed where
/// `multiline`), a bidirectional override or isolate (`foto/\u{202e}gnp.exe`
/// shows as `foto/exe.png`), or a zero-width character.
pub fn hidden_character(s: &str, multiline: bool) -> Option<char> {
    s.chars().find(|&c| {
        (c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
            || p2ham_report::sanitize::is_invisible_mark(c)
    })
}

/// Refuse text with a [`hidden_character`]: the message names the field and
/// the character by its code point.
pub fn plain_text(field: &str, s: &str, multiline: bool) -> Result<(), String> {
    match hidden_character(s, multiline) {
        None => Ok(()),
        Some(c) => Err(format!(
            "{field}: holds the invisible or control character U+{:04X}; type the text without it",
            u32::from(c)
        )),
    }
}

/// Now, as RFC 3339 UTC with microseconds (sorts as text).
pub fn now() -> String {
    format!("{:.6}", jiff::Timestamp::now())
}

/// A random token: 32 bytes from the operating system, as hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system's random source");
    buf.iter().fold(String::with_capacity(bytes * 2), |mut s, b| {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The SHA-256 of a secret (session id, API token) as stored: the secret itself never is.
pub fn secret_digest(secret: &str) -> String {
    p2ham_io::digest::sha256_hex(secret.as_bytes())
}

/// Equal in constant time (for secrets compared in the clear, such as CSRF tokens).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Parse an RFC 3339 instant (`2023-03-31T23:59:59+07:00`) or a date
/// (`2023-03-31`, meaning the end of that day in UTC+7, Western Indonesia
/// Time, for closing dates, or its start for opening dates).
pub fn parse_instant(s: &str, end_of_day: bool) -> Result<jiff::Timestamp, String> {
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    let date: jiff::civil::Date = s.parse().map_err(|_| {
        format!("`{s}` is neither an RFC 3339 time (2023-03-31T23:59:59+07:00) nor a date (2023-03-31)")
    })?;
    let time = if end_of_day {
        jiff::civil::Time::constant(23, 59, 59, 999_999_999)
    } else {
        jiff::civil::Time::midnight()
    };
    let zone = jiff::tz::TimeZone::fixed(jiff::tz::offset(7));
    date.to_datetime(time)
        .to_zoned(zone)
        .map(|z| z.timestamp())
        .map_err(|e| format!("`{s}`: {e}"))
}

/// An optional count (`null`, or a whole number from 0 to `u32::MAX`, also
/// written with a zero fraction as JSON Schema's `integer` allows).
pub(crate) fn optional_count<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    use serde::de::Error as _;
    #[derive(Deserialize)]
    struct Whole(#[serde(deserialize_with = "integral")] i64);
    Option::<Whole>::deserialize(d)?
        .map(|Whole(i)| {
            u32::try_from(i)
                .map_err(|_| D::Error::custom(format!("expected a count from 0 to {}, found {i}", u32::MAX)))
        })
        .transpose()
}

/// A JSON integer, also when written with a zero fraction (`2023.0`), as JSON
/// Schema's `integer` allows; a fraction or a number beyond `i64` is refused.
pub(crate) fn integral<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    use serde::de::Error as _;
    let n = serde_json::Number::deserialize(d)?;
    if let Some(i) = n.as_i64() {
        return Ok(i);
    }
    match n.as_f64() {
        // A whole number inside i64's range (-2^63 ≤ f < 2^63): the conversion is exact.
        #[allow(clippy::cast_possible_truncation)]
        Some(f)
            if f.fract() == 0.0
                && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) =>
        {
            Ok(f as i64)
        }
        _ => Err(D::Error::custom(format!("expected an integer, found {n}"))),
    }
}
