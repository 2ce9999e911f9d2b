//! The one rule against formula injection in every CSV (and spreadsheet text
//! cell) the project writes, and its inverse for the CSV checklist it reads
//! back.
//!
//! A spreadsheet program opening a CSV runs a cell that starts with `=`, `+`,
//! `-`, `@`, a tab or a carriage return as a formula (OWASP "CSV injection"):
//! such a cell is written with a `'` before it, unless it is a plain number
//! (`-3.8462`), which stays a number. A cell that already starts with `'`
//! followed by what would be prefixed gets one more `'`, so that
//! [`formula_unescape`] gives back exactly the text written.
//!
//! ```
//! use p2ham_io::{formula::formula_safe, formula::formula_unescape};
//!
//! assert_eq!(formula_safe("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
//! assert_eq!(formula_safe("-3.8462"), "-3.8462");
//! for text in ["=1+1", "'=1+1", "''@x", "Lapas", "'quoted'", "-2"] {
//!     assert_eq!(formula_unescape(&formula_safe(text)), text);
//! }
//! ```

use std::borrow::Cow;

/// `-12`, `+3.5`, `-0.0001`: a sign, digits and at most one decimal point.
pub fn is_plain_number(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut parts = body.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a cell holding `s` needs the `'` prefix.
fn needs_prefix(s: &str) -> bool {
    // Every prefix character is one byte, so the loop is linear.
    let quotes = s.bytes().take_while(|&b| b == b'\'').count();
    let rest = &s[quotes..];
    match rest.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => !is_plain_number(rest),
        _ => false,
    }
}

/// A CSV or spreadsheet text cell neutralised against formula injection:
/// `'` before a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
/// return (after any `'`s), unless it is a plain number.
pub fn formula_safe(s: &str) -> Cow<'_, str> {
    if needs_prefix(s) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// The text [`formula_safe`] was given: its `'` prefix removed, when it added one.
pub fn formula_unescape(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_prefix(rest) => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_given_back() {
        for (text, written) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            (
                "=DDE(\"cmd\";\"/c calc\";\"x\")",
                "'=DDE(\"cmd\";\"/c calc\";\"x\")",
            ),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("\tx", "'\tx"),
            ("\r=1", "'\r=1"),
            ("'=1+1", "''=1+1"),
            ("'-", "''-"),
            ("-3.8462", "-3.8462"),
            ("96.15", "96.15"),
            ("'5", "'5"),
            ("'-5", "'-5"),
            ("Lapas", "Lapas"),
            ("", ""),
            ("'", "'"),
        ] {
            assert_eq!(formula_safe(text), written, "{text:?}");
            assert_eq!(formula_unescape(written), text, "{written:?}");
        }
        assert!(!is_plain_number("-"));
        assert!(!is_plain_number("1."));
    }

    proptest::proptest! {
        #[test]
        fn unescape_inverts_the_rule(text in "['=+\\-@\t\r0-9a.]{0,6}") {
            let written = formula_safe(&text);
            proptest::prop_assert_eq!(formula_unescape(&written), text.as_str());
        }
    }
}
