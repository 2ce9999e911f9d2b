//! Aligned terminal text. Every string passes [`sanitize::terminal`] here:
//! no control character or escape sequence reaches a terminal.

use std::fmt::Write as _;

use rust_decimal::prelude::ToPrimitive;

use crate::doc::{Align, BarChart, Block, Doc, ImageContent, Table};
use crate::number::decimal;
use crate::sanitize;

fn width(s: &str) -> usize {
    s.chars().count()
}

/// A table as aligned text, two spaces between columns, a rule under the header.
pub(crate) fn table(t: &Table) -> String {
    let header: Vec<String> = t.columns.iter().map(|(h, _)| sanitize::terminal(h)).collect();
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| r.iter().map(|c| sanitize::terminal(&c.display())).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(width(c));
        }
    }
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            let pad = w - width(c);
            match t.columns[i].1 {
                Align::Right => {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(c);
                }
                Align::Left => {
                    s.push_str(c);
                    s.push_str(&" ".repeat(pad));
                }
            }
        }
        let mut s = s.trim_end().to_owned();
        s.push('\n');
        s
    };
    let mut out = line(&header);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&line(&rule));
    for r in &rows {
        out.push_str(&line(r));
    }
    out
}

/// Bars of 40 characters on the chart's scale; `│` marks the marked value.
pub(crate) fn bars(c: &BarChart, no_data: &str) -> Vec<String> {
    const SIZE: i64 = 40;
    let cells = |d: p2ham_model::Decimal| -> i64 {
        if c.max.is_zero() {
            return 0;
        }
        (d * p2ham_model::Decimal::from(SIZE) / c.max)
            .round()
            .to_i64()
            .unwrap_or(0)
            .clamp(0, SIZE)
    };
    let label_width = c.bars.iter().map(|(l, _)| width(l)).max().unwrap_or(0);
    let mark = c.mark.as_ref().map(|(v, _)| cells(*v));
    let mut lines = Vec::new();
    for (label, value) in &c.bars {
        let filled = value.map_or(0, cells);
        let mut bar: String = (0..SIZE)
            .map(|i| {
                if Some(i) == mark && i >= filled {
                    '│'
                } else if i < filled {
                    '█'
                } else {
                    '·'
                }
            })
            .collect();
        bar.push(' ');
        let shown = value.map_or_else(|| no_data.to_owned(), decimal);
        let pad = label_width - width(label);
        lines.push(format!("{label}{}  {bar}{shown}", " ".repeat(pad)));
    }
    if let Some((_, text)) = &c.mark {
        lines.push(format!("{}  │ {text}", " ".repeat(label_width)));
    }
    lines
}

/// Evidence files as lines: `[foto] A.07  foto/ramp.jpg — caption (problem)`.
pub(crate) fn image_lines(images: &[crate::doc::Image]) -> Vec<String> {
    images
        .iter()
        .map(|i| {
            let kind = match i.content {
                ImageContent::Thumbnail { .. }
                | ImageContent::Served {
                    thumbnail: Some(_), ..
                } => "[foto]",
                ImageContent::Linked | ImageContent::Served { thumbnail: None, .. } => "[file]",
                ImageContent::Absent => "[ !! ]",
            };
            let mut s = format!("{kind} {}  {}", i.indicator, i.path);
            if !i.caption.is_empty() {
                let _ = write!(s, " — {}", i.caption);
            }
            if !i.problem.is_empty() {
                let _ = write!(s, " ({})", i.problem);
            }
            s
        })
        .collect()
}

/// Two sources' evidence as lines, each line's source first:
/// `Operator: [foto] A.07  foto/ramp.jpg`.
pub(crate) fn beside_lines(b: &crate::doc::Beside) -> Vec<String> {
    let mut out = Vec::new();
    for (_, one, two) in &b.rows {
        for (label, images) in [(&b.labels[0], one), (&b.labels[1], two)] {
            for line in image_lines(images) {
                out.push(format!("{label}: {line}"));
            }
        }
    }
    out
}

/// The document as terminal text.
pub fn to_text(doc: &Doc) -> String {
    let clean = sanitize::terminal;
    let mut out = String::new();
    let title = clean(&doc.title);
    out.push_str(&title);
    out.push('\n');
    out.push_str(&"=".repeat(width(&title)));
    out.push('\n');
    for (k, v) in &doc.meta {
        let _ = writeln!(out, "{}: {}", clean(k), clean(v));
    }
    let no_data = crate::number::no_data(doc.lang);
    let mut after_heading = false;
    for block in &doc.blocks {
        if !after_heading {
            out.push('\n');
        }
        after_heading = false;
        match block {
            Block::Heading { level, text } => {
                let text = clean(text);
                out.push_str(&text);
                out.push('\n');
                if *level <= 2 {
                    out.push_str(&"-".repeat(width(&text)));
                    out.push('\n');
                }
                after_heading = true;
            }
            Block::Paragraph { text, .. } | Block::Note(text) => {
                out.push_str(&clean(text));
                out.push('\n');
            }
            Block::List { items, numbered } => {
                for (n, item) in items.iter().enumerate() {
                    let bullet = crate::doc::bullet(n, *numbered);
                    let _ = writeln!(out, "{bullet} {}", clean(item));
                }
            }
            Block::KeyValue(pairs) => {
                for (k, v) in pairs {
                    let _ = writeln!(out, "{}: {}", clean(k), clean(v));
                }
            }
            Block::Table(t) => out.push_str(&table(t)),
            Block::Verdict(v) => {
                let _ = writeln!(
                    out,
                    "{}: {} ({})",
                    clean(&v.label),
                    clean(&v.decision),
                    clean(&v.rule)
                );
                for r in &v.reasons {
                    let _ = writeln!(out, "- {}", clean(r));
                }
            }
            Block::BarChart(c) => {
                let c = BarChart {
                    bars: c.bars.iter().map(|(l, v)| (clean(l), *v)).collect(),
                    mark: c.mark.as_ref().map(|(v, t)| (*v, clean(t))),
                    ..c.clone()
                };
                for line in bars(&c, no_data) {
                    out.push_str(line.trim_end());
                    out.push('\n');
                }
            }
            Block::Lines(lines) => {
                for line in lines {
                    out.push_str(&clean(line));
                    out.push('\n');
                }
            }
            Block::Images(images) => {
                for line in image_lines(images) {
                    out.push_str(&clean(&line));
                    out.push('\n');
                }
            }
            Block::Beside(b) => {
                for line in beside_lines(b) {
                    out.push_str(&clean(&line));
                    out.push('\n');
                }
            }
        }
    }
    out
}
