//! GitHub-flavoured Markdown. Every string passes [`sanitize::markdown`]
//! here (or [`sanitize::terminal`] inside a fenced block): no text can end a
//! table row or a list item, open a link, or carry raw HTML.

use std::fmt::Write as _;

use crate::doc::{Align, Block, Doc, Table};
use crate::sanitize;

fn table(t: &Table) -> String {
    let esc = sanitize::markdown;
    let mut out = format!(
        "| {} |\n",
        t.columns
            .iter()
            .map(|(h, _)| esc(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let rule: Vec<&str> = t
        .columns
        .iter()
        .map(|(_, a)| if *a == Align::Right { "---:" } else { "---" })
        .collect();
    let _ = writeln!(out, "| {} |", rule.join(" | "));
    for r in &t.rows {
        let _ = writeln!(
            out,
            "| {} |",
            r.iter()
                .map(|c| esc(&c.display()))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    out
}

/// A fenced block that no line inside can close.
fn fenced(lines: &[String]) -> String {
    let clean: Vec<String> = lines.iter().map(|l| sanitize::terminal(l)).collect();
    let longest = clean
        .iter()
        .flat_map(|l| l.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let mut out = format!("{fence}text\n");
    for l in clean {
        out.push_str(l.trim_end());
        out.push('\n');
    }
    out.push_str(&fence);
    out.push('\n');
    out
}

/// The document as Markdown.
pub fn to_markdown(doc: &Doc) -> String {
    let esc = sanitize::markdown;
    let mut out = format!("# {}\n", esc(&doc.title));
    if !doc.meta.is_empty() {
        out.push('\n');
        for (k, v) in &doc.meta {
            let _ = writeln!(out, "- **{}:** {}", esc(k), esc(v));
        }
    }
    for block in &doc.blocks {
        out.push('\n');
        match block {
            Block::Heading { level, text } => {
                let _ = writeln!(out, "{} {}", "#".repeat(usize::from(*level)), esc(text));
            }
            Block::Paragraph { text, strong: false } => {
                let _ = writeln!(out, "{}", esc(text));
            }
            Block::Paragraph { text, strong: true } => {
                let _ = writeln!(out, "**{}**", esc(text));
            }
            Block::Note(text) => {
                let _ = writeln!(out, "*{}*", esc(text));
            }
            Block::List { items, numbered } => {
                for (n, item) in items.iter().enumerate() {
                    let bullet = crate::doc::bullet(n, *numbered);
                    let _ = writeln!(out, "{bullet} {}", esc(item));
                }
            }
            Block::KeyValue(pairs) => {
                for (k, v) in pairs {
                    let _ = writeln!(out, "- **{}:** {}", esc(k), esc(v));
                }
            }
            Block::Table(t) => out.push_str(&table(t)),
            Block::Verdict(v) => {
                let _ = writeln!(
                    out,
                    "**{}: {}** ({})",
                    esc(&v.label),
                    esc(&v.decision),
                    esc(&v.rule)
                );
                if !v.reasons.is_empty() {
                    out.push('\n');
                }
                for r in &v.reasons {
                    let _ = writeln!(out, "- {}", esc(r));
                }
            }
            Block::BarChart(c) => {
                out.push_str(&fenced(&crate::text::bars(c, crate::number::no_data(doc.lang))));
            }
            Block::Lines(lines) => out.push_str(&fenced(lines)),
            Block::Images(images) => {
                for line in crate::text::image_lines(images) {
                    let _ = writeln!(out, "- {}", esc(&line));
                }
            }
            Block::Beside(b) => {
                for line in crate::text::beside_lines(b) {
                    let _ = writeln!(out, "- {}", esc(&line));
                }
            }
        }
    }
    out
}
