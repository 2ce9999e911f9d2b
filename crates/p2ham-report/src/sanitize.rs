//! Cleaning untrusted text, once per backend, at the boundary. Names, notes
//! and captions come from the documents read; none of them may break the
//! output they are written into.

/// Text for a terminal or a plain-text file: every control character (C0, DEL,
/// C1, so every escape sequence's introducer) and every line or paragraph
/// separator becomes a space; tabs too, so columns stay aligned.
pub fn terminal(s: &str) -> String {
    s.chars()
        .map(|c| if is_break_or_control(c) { ' ' } else { c })
        .collect()
}

/// A message for a terminal (an error, a warning, a verdict): every control
/// character but the line break (ESC, BEL, NUL, CR, TAB, DEL, C1), every other
/// line or paragraph separator and every bidirectional or invisible direction
/// mark is shown escaped, as `\u{1b}`, so text read from a document can
/// neither drive the terminal nor hide itself, and still shows what it held.
pub fn message(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(escaped_in_messages) {
        escaped(s, escaped_in_messages).into()
    } else {
        s.into()
    }
}

/// `s` with every character `which` picks written as `\u{…}`.
fn escaped(s: &str, which: impl Fn(char) -> bool) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if which(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

fn escaped_in_messages(c: char) -> bool {
    (c.is_control() && c != '\n') || is_invisible_mark(c)
}

/// A character that shows nothing of its own yet changes how the text around
/// it shows or reads: a line or paragraph separator, a bidirectional mark,
/// override or isolate (`foto/\u{202e}gnp.exe` shows as `foto/exe.png`), or a
/// zero-width character. Messages show them escaped; the application refuses
/// them in names and notes.
pub fn is_invisible_mark(c: char) -> bool {
    matches!(
        c,
        '\u{2028}'
            | '\u{2029}'
            | '\u{61c}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
}

/// A text cell of a CSV data projection: control characters other than line
/// breaks and tabs (ESC, BEL, NUL, CR, DEL, C1) are written escaped, as
/// `\u{1b}`, so a spreadsheet or a terminal showing the file is never driven
/// by a name or note; then the formula rule ([`formula_safe`]).
pub fn csv_cell(s: &str) -> std::borrow::Cow<'_, str> {
    let visible = |c: char| c.is_control() && !matches!(c, '\n' | '\t');
    if s.chars().any(visible) {
        formula_safe(&escaped(s, visible)).into_owned().into()
    } else {
        formula_safe(s)
    }
}

fn is_break_or_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}')
}

/// Text inside a Markdown line (a heading, a list item, a table cell, a
/// paragraph): line breaks and control characters become spaces, and the
/// characters that open Markdown or HTML structure are escaped with `\`, so the
/// text reads as itself and cannot end its row or item, open a link (or an
/// autolink), a code span, an emphasis or an HTML tag.
pub fn markdown(s: &str) -> String {
    let chars: Vec<char> = s
        .chars()
        .map(|c| if is_break_or_control(c) { ' ' } else { c })
        .collect();
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for (i, &c) in chars.iter().enumerate() {
        let next_is_word = chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' => {
                out.push('\\');
                out.push(c);
            }
            // A line that starts like a heading, a list or a rule (`-1.42` is a figure).
            '#' if start => {
                out.push('\\');
                out.push(c);
            }
            // `http://…` would become a link by itself (GFM autolinks).
            ':' if chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/') => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' | '~' if start && !next_is_word => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        start = start && c == ' ';
    }
    out
}

/// A CSV or spreadsheet text cell neutralised against formula injection
/// (OWASP): a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
/// return is prefixed with `'`, unless it is a plain number (`-3.8462`), which
/// stays a number. The rule of every CSV the project writes, checklists
/// included: [`p2ham_io::formula::formula_safe`].
pub use p2ham_io::{formula::formula_safe, formula::is_plain_number};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_has_no_control_characters() {
        assert_eq!(terminal("a\u{1b}[31mb\r\nc\td\u{9b}e"), "a [31mb  c d e");
    }

    #[test]
    fn messages_show_control_characters_escaped() {
        assert_eq!(message("plain\nline"), "plain\nline");
        assert_eq!(
            message("a\u{1b}[31mb\u{7}\u{0}\r\t\u{9b}\u{202e}c"),
            "a\\u{1b}[31mb\\u{7}\\u{0}\\u{d}\\u{9}\\u{9b}\\u{202e}c"
        );
    }

    #[test]
    fn csv_cells_show_control_characters_escaped() {
        assert_eq!(csv_cell("Lapas\u{1b}[2J\u{7}"), "Lapas\\u{1b}[2J\\u{7}");
        assert_eq!(csv_cell("a\nb\tc"), "a\nb\tc");
        assert_eq!(csv_cell("\r=1+1"), "\\u{d}=1+1");
        assert_eq!(csv_cell("=1"), "'=1");
    }

    #[test]
    fn markdown_cannot_break_structure() {
        assert_eq!(markdown("a|b\nc"), "a\\|b c");
        assert_eq!(markdown("# x"), "\\# x");
        assert_eq!(markdown("<script>"), "\\<script\\>");
        assert_eq!(markdown("[x](y)"), "\\[x\\](y)");
        assert_eq!(markdown("see http://x"), "see http\\://x");
        assert_eq!(markdown("SHA-256 a-b"), "SHA-256 a-b");
        assert_eq!(markdown(" - x"), " \\- x");
        assert_eq!(markdown("-1.42"), "-1.42");
        assert_eq!(markdown("---"), "\\---");
    }

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        assert_eq!(formula_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(formula_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(formula_safe("+1+1"), "'+1+1");
        assert_eq!(formula_safe("-2+3"), "'-2+3");
        assert_eq!(formula_safe("\tx"), "'\tx");
        assert_eq!(formula_safe("-3.8462"), "-3.8462");
        assert_eq!(formula_safe("96.15"), "96.15");
        assert_eq!(formula_safe("Lapas"), "Lapas");
        assert!(!is_plain_number("-"));
        assert!(!is_plain_number("1."));
    }
}
