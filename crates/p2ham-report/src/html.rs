//! A self-contained HTML page: inline CSS with a print stylesheet (A4), inline
//! SVG charts, images as data URIs; no script, no external resource. Every
//! string is cleaned of control characters and escaped by the `maud` templates.
//!
//! The same body is also offered as a fragment ([`to_html_fragment`]) for a
//! page that embeds a report: no `<html>`, `<head>` or style, one wrapping
//! `div class="report"`, headings from a chosen level, and only class names
//! (`report-meta`, `verdict`, `eligible`, `met`, `gallery`, …) for the
//! embedding page's stylesheet to style.

use std::fmt::Write as _;

use base64::prelude::{Engine as _, BASE64_STANDARD};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use p2ham_model::{Decimal, Lang};
use rust_decimal::prelude::ToPrimitive;

use crate::doc::{Align, BarChart, Block, Cell, Doc, Image, ImageContent, Table};
use crate::number::decimal;

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.4rem}h2{margin-top:2rem;border-bottom:2px solid #ddd;padding-bottom:.2rem;font-size:1.25rem}h3{margin-top:1.4rem;font-size:1.05rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.92rem}
th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
p.strong{font-size:1.15rem;font-weight:700}.verdict{padding:.6rem 1rem;border-radius:.4rem;margin:1rem 0}
.eligible{background:#e5f5e8;border:1px solid #3c9a4f}.not-eligible{background:#fdecea;border:1px solid #c62828}
.met{color:#1e7b34}.partial{color:#9a6700}.unmet,.missing,.unsupported{color:#b3261e}.excluded{color:#6b6b6b}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dl.meta dt{font-weight:600}dl.meta dd{margin:0;overflow-wrap:anywhere}
p.note{font-size:.85rem;color:#444}pre{background:#f6f8fa;padding:.6rem;overflow-x:auto;font-size:.85rem}svg{max-width:100%}
.gallery{display:flex;flex-wrap:wrap;gap:.8rem;margin:.6rem 0}.gallery figure{margin:0;width:200px;border:1px solid #ddd;border-radius:.3rem;padding:.4rem;font-size:.8rem;overflow-wrap:anywhere}
.gallery img{display:block;max-width:100%;height:auto;margin-bottom:.3rem}.gallery figure.fails{border:2px solid #c62828;background:#fdecea}
.beside td{width:45%}.beside .gallery figure{width:160px}
.gallery .absent{height:6rem;display:flex;align-items:center;justify-content:center;background:#eee;color:#b3261e;font-weight:600}
@page{size:A4;margin:18mm 16mm}
@media print{body{margin:0;max-width:none;font-size:10.5pt}h2{break-after:avoid}tr,figure,.verdict{break-inside:avoid}table{font-size:9pt}}
";

fn cell(c: &Cell, align: Align) -> Markup {
    let num = align == Align::Right;
    match c {
        Cell::Styled(s, class) => {
            html! { td class=(if num { format!("num {class}") } else { (*class).to_owned() }) { (s) } }
        }
        other => html! { td class=[num.then_some("num")] { (other.display()) } },
    }
}

fn table(t: &Table) -> Markup {
    html! {
        table {
            thead { tr { @for (h, a) in &t.columns { th class=[(*a == Align::Right).then_some("num")] { (h) } } } }
            tbody { @for r in &t.rows { tr { @for (c, (_, a)) in r.iter().zip(&t.columns) { (cell(c, *a)) } } } }
        }
    }
}

fn px(d: Decimal) -> String {
    d.round_dp(1).normalize().to_string()
}

fn chart(c: &BarChart, no_data: &str) -> Markup {
    let label_width = c
        .bars
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(3, 24);
    let x0 = Decimal::from(label_width * 8 + 8);
    let width = Decimal::from(480);
    let row_h = 26;
    let height = row_h * c.bars.len() + if c.mark.is_some() { 24 } else { 6 };
    let scale = |d: Decimal| -> Decimal {
        if c.max.is_zero() {
            Decimal::ZERO
        } else {
            (d.max(Decimal::ZERO).min(c.max) * width / c.max).round_dp(1)
        }
    };
    let total_width = (x0 + width).to_u64().unwrap_or(600) + 90;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(total_width) height=(height) role="img" aria-label=(c.title) {
            title { (c.title) }
            @for (i, (label, value)) in c.bars.iter().enumerate() {
                @let y = 4 + i * row_h;
                text x="0" y=(y + 15) font-size="12" { (label) }
                rect x=(px(x0)) y=(y) width=(px(width)) height="18" fill="#eef0f2" {}
                @if let Some(v) = value {
                    rect x=(px(x0)) y=(y) width=(px(scale(*v))) height="18" fill="#3b6ea8" {}
                    text x=(px(x0 + width + Decimal::from(6))) y=(y + 14) font-size="12" { (decimal(*v)) }
                } @else {
                    text x=(px(x0 + width + Decimal::from(6))) y=(y + 14) font-size="12" { (no_data) }
                }
            }
            @if let Some((v, label)) = &c.mark {
                @let x = px(x0 + scale(*v));
                line x1=(x) x2=(x) y1="0" y2=(height - 18) stroke="#c62828" stroke-dasharray="4 3" {}
                text x=(x) y=(height - 5) font-size="11" text-anchor="middle" fill="#c62828" { (label) }
            }
        }
    }
}

fn gallery(images: &[Image]) -> Markup {
    html! {
        div.gallery {
            @for i in images {
                figure class=[i.fails.then_some("fails")] {
                    @match &i.content {
                        ImageContent::Thumbnail { mime, bytes } => {
                            img src=(format!("data:{mime};base64,{}", BASE64_STANDARD.encode(bytes))) alt=(if i.caption.is_empty() { &i.path } else { &i.caption });
                        }
                        ImageContent::Linked => {
                            // Linked by name, relative to where the evidence folder is kept.
                            a href=(i.path.split('/').map(percent).collect::<Vec<_>>().join("/")) { "📄 " (i.path) }
                        }
                        ImageContent::Absent => { div.absent { (i.problem) } }
                        ImageContent::Served { thumbnail: Some(small), original } => {
                            a href=(original) {
                                img src=(small) loading="lazy" alt=(if i.caption.is_empty() { &i.path } else { &i.caption });
                            }
                        }
                        ImageContent::Served { thumbnail: None, original } => {
                            a href=(original) { "📄 " (i.path) }
                        }
                    }
                    figcaption {
                        strong { (i.indicator) } " " (i.path)
                        @if !i.caption.is_empty() { br; (i.caption) }
                        @if !i.problem.is_empty() { br; span class=(if i.fails { "unmet" } else { "partial" }) { (i.problem) } }
                    }
                }
            }
        }
    }
}

/// A path segment percent-encoded for an `href` (letters, digits and `-._~` kept).
fn percent(segment: &str) -> String {
    let mut out = String::new();
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A heading of level `level` (1 to 6; anything deeper is a level-6 heading).
fn heading(level: u8, text: &str) -> Markup {
    match level {
        0 | 1 => html! { h1 { (text) } },
        2 => html! { h2 { (text) } },
        3 => html! { h3 { (text) } },
        4 => html! { h4 { (text) } },
        5 => html! { h5 { (text) } },
        _ => html! { h6 { (text) } },
    }
}

/// A block; `top` is the level of the document's title (section headings are one below).
fn block(b: &Block, lang: Lang, top: u8) -> Markup {
    match b {
        Block::Heading { level, text } => heading(top.saturating_add(if *level <= 2 { 1 } else { 2 }), text),
        Block::Paragraph { text, strong } => html! { p class=[strong.then_some("strong")] { (text) } },
        Block::Note(text) => html! { p.note { (text) } },
        Block::List {
            items,
            numbered: true,
        } => html! { ol { @for i in items { li { (i) } } } },
        Block::List {
            items,
            numbered: false,
        } => html! { ul { @for i in items { li { (i) } } } },
        Block::KeyValue(pairs) => html! { dl.meta { @for (k, v) in pairs { dt { (k) } dd { (v) } } } },
        Block::Table(t) => table(t),
        Block::Verdict(v) => html! {
            div class={ "verdict " (if v.eligible { "eligible" } else { "not-eligible" }) } {
                strong { (v.label) ": " (v.decision) } " (" (v.rule) ")"
                @if !v.reasons.is_empty() { ul { @for r in &v.reasons { li { (r) } } } }
            }
        },
        Block::BarChart(c) => chart(c, crate::number::no_data(lang)),
        Block::Lines(lines) => html! { pre { @for l in lines { (l) "\n" } } },
        Block::Images(images) => gallery(images),
        Block::Beside(b) => html! {
            table.beside {
                thead { tr { th scope="col" { (b.labels[2]) } th scope="col" { (b.labels[0]) } th scope="col" { (b.labels[1]) } } }
                tbody { @for (ind, one, two) in &b.rows {
                    tr { th scope="row" { (ind) } td { (gallery(one)) } td { (gallery(two)) } }
                } }
            }
        },
    }
}

/// Where a fragment's headings start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FragmentOptions {
    /// The level of the title's heading (`2` for a report inside a page
    /// whose own title is the `h1`); sections are one level below it.
    pub heading_level: u8,
    /// Whether to show the title and the key/value lines under it.
    pub title: bool,
}

impl Default for FragmentOptions {
    fn default() -> Self {
        FragmentOptions {
            heading_level: 2,
            title: true,
        }
    }
}

/// The document as an HTML fragment for a page to embed: the body of
/// [`to_html`] inside `<div class="report">`, without `<html>`, `<head>` or
/// style; the key/value lines are `dl.report-meta`.
pub fn to_html_fragment(doc: &Doc, options: &FragmentOptions) -> String {
    let doc = &doc.map_text(crate::sanitize::terminal);
    let top = options.heading_level.clamp(1, 6);
    let markup = html! {
        div.report lang=(if doc.lang == Lang::En { "en" } else { "id" }) {
            @if options.title {
                (heading(top, &doc.title))
                @if !doc.meta.is_empty() {
                    dl.report-meta { @for (k, v) in &doc.meta { dt { (k) } dd { (v) } } }
                }
            }
            @for b in &doc.blocks { (block(b, doc.lang, top)) }
        }
    };
    markup.into_string()
}

/// The document as a standalone HTML page.
pub fn to_html(doc: &Doc) -> String {
    // No control character (an escape sequence) survives into the page either.
    let doc = &doc.map_text(crate::sanitize::terminal);
    let page = html! {
        (DOCTYPE)
        html lang=(if doc.lang == Lang::En { "en" } else { "id" }) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (doc.title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main {
                    h1 { (doc.title) }
                    @if !doc.meta.is_empty() {
                        dl.meta { @for (k, v) in &doc.meta { dt { (k) } dd { (v) } } }
                    }
                    @for b in &doc.blocks { (block(b, doc.lang, 1)) }
                }
            }
        }
    };
    let mut s = page.into_string();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Table;

    fn sample() -> Doc {
        let mut d = Doc::new("Judul <b>laporan</b>", Lang::Id);
        d.meta("Unit", "Kanim \u{1b}[31mSampit");
        d.heading("Bagian");
        d.subheading("Sub-bagian");
        let mut t = Table::new("t", &[("A", Align::Left), ("B", Align::Right)]);
        t.row(vec!["x".into(), Decimal::new(1234, 2).into()]);
        d.push(Block::Table(t));
        d
    }

    #[test]
    fn a_fragment_has_no_page_around_it_and_its_headings_start_at_the_level_asked() {
        let f = to_html_fragment(
            &sample(),
            &FragmentOptions {
                heading_level: 2,
                title: true,
            },
        );
        assert!(f.starts_with("<div class=\"report\" lang=\"id\">"), "{f}");
        assert!(f.ends_with("</div>"), "{f}");
        for absent in ["<html", "<head", "<style", "<body", "<h1", "<!DOCTYPE"] {
            assert!(!f.contains(absent), "{absent} in {f}");
        }
        assert!(f.contains("<h2>Judul &lt;b&gt;laporan&lt;/b&gt;</h2>"), "{f}");
        assert!(
            f.contains("<h3>Bagian</h3>") && f.contains("<h4>Sub-bagian</h4>"),
            "{f}"
        );
        assert!(f.contains("<dl class=\"report-meta\">"), "{f}");
        assert!(!f.contains('\u{1b}'), "control characters are removed: {f}");
        assert!(f.contains("<td class=\"num\">12.34</td>"), "{f}");
    }

    #[test]
    fn a_fragment_without_its_title_shows_only_the_body() {
        let f = to_html_fragment(
            &sample(),
            &FragmentOptions {
                heading_level: 3,
                title: false,
            },
        );
        assert!(!f.contains("Judul") && !f.contains("report-meta"), "{f}");
        assert!(
            f.contains("<h4>Bagian</h4>") && f.contains("<h5>Sub-bagian</h5>"),
            "{f}"
        );
    }

    #[test]
    fn the_page_keeps_its_heading_levels() {
        let p = to_html(&sample());
        assert!(
            p.contains("<h1>Judul") && p.contains("<h2>Bagian</h2>") && p.contains("<h3>Sub-bagian</h3>")
        );
    }
}
