//! Rendering a roll-up report as text, Markdown and CSV (one row per unit).

use std::fmt::Write;

use p2ham_model::Lang;
use p2ham_scoring::{RollupReport, Summary};

use crate::rollup::invalid_to_text;
use crate::score_report::figure;
use crate::table::{Align, CsvText, Table};

/// The sections of a human-readable roll-up: a heading and a table each.
fn sections(r: &RollupReport, lang: Lang) -> (String, Vec<(String, Table)>) {
    let l = |id: &'static str, en: &'static str| lang.pick(id, en);
    let counts = &r.records;
    let mut intro = format!(
        "{}: {} {}, {} {}, {} {}, {} {}",
        l("Rekap P2HAM", "P2HAM roll-up"),
        counts.read,
        l("rekaman dibaca", "records read"),
        counts.units,
        l("unit dihitung", "units counted"),
        counts.invalid,
        l("tidak sah", "invalid"),
        counts.duplicates,
        l("duplikat tidak dihitung", "duplicates not counted"),
    );
    if counts.skipped > 0 {
        let _ = write!(
            intro,
            ", {} {}",
            counts.skipped,
            l("dari tahap lain dilewati", "of another stage skipped")
        );
    }
    intro.push('.');
    let mut out = Vec::new();

    let mut summary = Table::new(&[
        (l("Wilayah", "Area"), Align::Left),
        (l("Unit", "Units"), Align::Right),
        (l("Layak", "Eligible"), Align::Right),
        (l("Layak %", "Eligible %"), Align::Right),
        (l("Rata-rata", "Mean"), Align::Right),
        ("Median", Align::Right),
        (l("Tanpa data", "No data"), Align::Right),
    ]);
    let row = |name: String, s: &Summary| {
        vec![
            name,
            s.units.to_string(),
            s.eligible.to_string(),
            figure(s.eligible_rate, lang),
            figure(s.mean, lang),
            figure(s.median, lang),
            s.no_data.to_string(),
        ]
    };
    summary.row(row(l("NASIONAL", "NATIONAL").to_owned(), &r.national));
    for o in &r.offices {
        let name = o
            .office
            .clone()
            .unwrap_or_else(|| l("(tanpa kanwil)", "(no office)").to_owned());
        summary.row(row(name, &o.summary));
    }
    out.push((
        l("Ringkasan per kanwil", "Summary per office").to_owned(),
        summary,
    ));

    let mut bins = Table::new(&[
        (l("Nilai", "Total"), Align::Left),
        (l("Unit", "Units"), Align::Right),
    ]);
    for (i, b) in r.national.bins.iter().enumerate() {
        let close = if i + 1 == r.national.bins.len() { "]" } else { ")" };
        bins.row(vec![format!("[{}, {}{close}", b.from, b.to), b.units.to_string()]);
    }
    out.push((
        l("Sebaran nilai nasional", "National distribution").to_owned(),
        bins,
    ));

    let mut units = Table::new(&[
        (l("Peringkat", "Rank"), Align::Right),
        ("Unit", Align::Left),
        (l("Kanwil", "Office"), Align::Left),
        (l("Jenis", "Kind"), Align::Left),
        (l("Periode", "Period"), Align::Left),
        (l("Tahap", "Stage"), Align::Left),
        (l("Nilai", "Total"), Align::Right),
        (l("Layak", "Eligible"), Align::Left),
        (l("Celah utama", "Main gap"), Align::Left),
    ]);
    for u in &r.units {
        units.row(vec![
            u.rank.map(|r| r.to_string()).unwrap_or_default(),
            u.unit.clone(),
            u.office.clone().unwrap_or_default(),
            u.kind.clone(),
            u.period.clone(),
            u.stage.as_str().to_owned(),
            figure(u.total, lang),
            if u.eligible {
                l("ya", "yes")
            } else {
                l("tidak", "no")
            }
            .to_owned(),
            u.main_gap.clone().unwrap_or_default(),
        ]);
    }
    out.push((l("Peringkat unit", "Unit ranking").to_owned(), units));

    for g in &r.gaps {
        let mut ind = Table::new(&[
            (l("Indikator", "Indicator"), Align::Left),
            (l("Kelompok rentan", "Vulnerable groups"), Align::Left),
            (l("Berlaku", "Applies"), Align::Right),
            (l("Belum terpenuhi", "Not met"), Align::Right),
            ("%", Align::Right),
        ]);
        for i in &g.indicators {
            ind.row(vec![
                format!("{} {}", i.indicator, i.title.get(lang)),
                i.groups
                    .iter()
                    .map(|g| g.label(lang))
                    .collect::<Vec<_>>()
                    .join(", "),
                i.applies.to_string(),
                i.not_met.to_string(),
                i.share.map(|s| s.to_string()).unwrap_or_default(),
            ]);
        }
        out.push((
            format!(
                "{} ({} {}, {} {})",
                l("Analisis celah per indikator", "Gap analysis per indicator"),
                g.instrument,
                g.version,
                g.units,
                l("unit", "units")
            ),
            ind,
        ));
        let mut groups = Table::new(&[
            (l("Kelompok rentan", "Vulnerable group"), Align::Left),
            (l("Unit", "Units"), Align::Right),
            (l("Semua terpenuhi", "All met"), Align::Right),
            ("%", Align::Right),
        ]);
        for c in &g.groups {
            groups.row(vec![
                c.label.get(lang).to_owned(),
                c.units.to_string(),
                c.all_met.to_string(),
                c.share.map(|s| s.to_string()).unwrap_or_default(),
            ]);
        }
        out.push((
            format!(
                "{} ({} {})",
                l("Fasilitas kelompok rentan", "Facilities for vulnerable groups"),
                g.instrument,
                g.version
            ),
            groups,
        ));
    }

    if !r.duplicates.is_empty() {
        let mut dups = Table::new(&[
            ("Unit", Align::Left),
            (l("Periode", "Period"), Align::Left),
            (l("Tahap", "Stage"), Align::Left),
            (l("Dihitung", "Kept"), Align::Left),
            (l("Diabaikan", "Ignored"), Align::Left),
        ]);
        let loc = |l: &p2ham_scoring::Location| match l.line {
            Some(n) => format!("{}:{n}", l.file),
            None => l.file.clone(),
        };
        for x in &r.duplicates {
            dups.row(vec![
                x.unit.clone(),
                x.period.clone(),
                x.stage.as_str().to_owned(),
                loc(&x.kept),
                loc(&x.ignored),
            ]);
        }
        out.push((l("Duplikat", "Duplicates").to_owned(), dups));
    }
    (intro, out)
}

fn invalid_lines(r: &RollupReport, lang: Lang) -> String {
    let mut s = String::new();
    if !r.invalid.is_empty() {
        let _ = writeln!(s, "{}:", lang.pick("Rekaman tidak sah", "Invalid records"));
        for i in &r.invalid {
            s.push_str(&invalid_to_text(i));
        }
    }
    s
}

/// The roll-up as aligned terminal text.
pub fn rollup_to_text(r: &RollupReport, lang: Lang) -> String {
    let (intro, sections) = sections(r, lang);
    let mut s = format!("{intro}\n");
    for (title, table) in sections {
        let _ = write!(s, "\n{title}\n\n{}", table.to_text());
    }
    let inv = invalid_lines(r, lang);
    if !inv.is_empty() {
        let _ = write!(s, "\n{inv}");
    }
    s
}

/// The roll-up as Markdown.
pub fn rollup_to_markdown(r: &RollupReport, lang: Lang) -> String {
    let (intro, sections) = sections(r, lang);
    let mut s = format!("# {}\n\n{intro}\n", lang.pick("Rekap P2HAM", "P2HAM roll-up"));
    for (title, table) in sections {
        let _ = write!(s, "\n## {title}\n\n{}", table.to_markdown());
    }
    let inv = invalid_lines(r, lang);
    if !inv.is_empty() {
        let _ = write!(
            s,
            "\n## {}\n\n```\n{inv}```\n",
            lang.pick("Rekaman tidak sah", "Invalid records")
        );
    }
    s
}

/// The roll-up as CSV: one row per unit, in ranking order.
pub fn rollup_to_csv(r: &RollupReport) -> String {
    let mut w = CsvText::new();
    w.row([
        "rank",
        "unit",
        "name",
        "office",
        "kind",
        "period",
        "stage",
        "instrument",
        "total",
        "eligible",
        "main_gap",
        "file",
        "line",
    ]);
    for u in &r.units {
        w.row([
            u.rank.map(|r| r.to_string()).unwrap_or_default(),
            u.unit.clone(),
            u.name.clone(),
            u.office.clone().unwrap_or_default(),
            u.kind.clone(),
            u.period.clone(),
            u.stage.as_str().to_owned(),
            u.instrument.clone(),
            u.total.map(|t| t.to_string()).unwrap_or_default(),
            u.eligible.to_string(),
            u.main_gap.clone().unwrap_or_default(),
            u.source.file.clone(),
            u.source.line.map(|l| l.to_string()).unwrap_or_default(),
        ]);
    }
    w.finish()
}

/// Write the roll-up as pretty JSON, byte for byte as [`crate::to_json`] would,
/// with the unit rows (most of a national report) serialised in parallel.
/// The rows are taken out of `report` while writing and put back.
pub fn rollup_to_json_writer(w: &mut dyn std::io::Write, report: &mut RollupReport) -> std::io::Result<()> {
    use rayon::prelude::*;

    const MARKER: &[u8] = b"\n  \"units\": [],\n";
    let units = std::mem::take(&mut report.units);
    let head = serde_json::to_vec_pretty(&*report);
    report.units = units;
    let head = head.map_err(std::io::Error::other)?;
    let at = match head.windows(MARKER.len()).position(|x| x == MARKER) {
        Some(at) if !report.units.is_empty() => at,
        _ => return crate::to_json_writer(w, &*report),
    };
    w.write_all(&head[..at])?;
    w.write_all(b"\n  \"units\": [")?;
    // Each row at depth 2: its own pretty form with every line indented by 4.
    // Batches bound the memory held; rows of a batch are serialised in parallel.
    let mut first = true;
    for batch in report.units.chunks(16 * 1024) {
        let parts: Vec<Vec<u8>> = batch
            .par_chunks(1024)
            .map(|rows| {
                let mut out = Vec::with_capacity(rows.len() * 512);
                for row in rows {
                    let text = serde_json::to_vec_pretty(row).map_err(std::io::Error::other)?;
                    out.extend_from_slice(b",\n    ");
                    for &b in &text {
                        out.push(b);
                        if b == b'\n' {
                            out.extend_from_slice(b"    ");
                        }
                    }
                }
                Ok(out)
            })
            .collect::<std::io::Result<_>>()?;
        for part in &parts {
            // No comma before the first row.
            w.write_all(if first { &part[1..] } else { part })?;
            first = false;
        }
    }
    w.write_all(b"\n  ],\n")?;
    w.write_all(&head[at + MARKER.len()..])?;
    w.write_all(b"\n")
}
