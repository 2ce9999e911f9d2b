//! Rendering a score report as text, Markdown, CSV and HTML.

use std::fmt::Write;

use p2ham_model::{Decimal, Lang};
use p2ham_scoring::{Breakdown, CriterionResult, Gap, ScoreReport, Status};

use crate::table::{Align, CsvText, Table};

/// A figure, or "no data" in the chosen language.
pub fn figure(d: Option<Decimal>, lang: Lang) -> String {
    d.map_or_else(
        || lang.pick("tidak ada data", "no data").to_owned(),
        |d| d.to_string(),
    )
}

/// A status in the chosen language.
pub fn status_label(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::Met => lang.pick("terpenuhi", "met"),
        Status::Partial => lang.pick("sebagian", "partial"),
        Status::Unmet => lang.pick("tidak terpenuhi", "unmet"),
        Status::Missing => lang.pick("tidak dijawab", "missing"),
        Status::Unsupported => lang.pick("tanpa data dukung", "unsupported"),
        Status::Excluded => lang.pick("dikecualikan", "excluded"),
    }
}

fn criteria_table(r: &ScoreReport, lang: Lang) -> Table {
    let l = |id, en| lang.pick(id, en);
    let mut t = Table::new(&[
        (l("Kriteria", "Criterion"), Align::Left),
        (l("Bobot", "Weight"), Align::Right),
        (l("Porsi %", "Share %"), Align::Right),
        (l("Nilai", "Score"), Align::Right),
        (l("Maks", "Max"), Align::Right),
        (l("Penuh", "Met"), Align::Right),
        (l("Sebagian", "Partial"), Align::Right),
        (l("Tidak", "Unmet"), Align::Right),
        (l("Kosong", "Missing"), Align::Right),
        (l("Tanpa bukti", "Unsupported"), Align::Right),
        (l("Dikecualikan", "Excluded"), Align::Right),
    ]);
    let row = |c: &CriterionResult| {
        vec![
            format!("{} {}", c.id, c.title.get(lang)),
            c.weight.to_string(),
            c.share.to_string(),
            figure(c.score, lang),
            c.max.to_string(),
            c.counts.met.to_string(),
            c.counts.partial.to_string(),
            c.counts.unmet.to_string(),
            c.counts.missing.to_string(),
            c.counts.unsupported.to_string(),
            c.counts.excluded.to_string(),
        ]
    };
    for c in &r.criteria {
        t.row(row(c));
    }
    let n = &r.counts;
    t.row(vec![
        l("TOTAL", "TOTAL").into(),
        String::new(),
        // The shares of the criteria with data make up the whole total.
        if r.total.is_some() { "100.00" } else { "0.00" }.to_owned(),
        figure(r.total, lang),
        r.max.to_string(),
        n.met.to_string(),
        n.partial.to_string(),
        n.unmet.to_string(),
        n.missing.to_string(),
        n.unsupported.to_string(),
        n.excluded.to_string(),
    ]);
    t
}

fn indicator_table(c: &CriterionResult, lang: Lang) -> Table {
    let l = |id, en| lang.pick(id, en);
    let mut t = Table::new(&[
        (l("Indikator", "Indicator"), Align::Left),
        (l("Jawaban", "Answer"), Align::Left),
        (l("Nilai", "Value"), Align::Right),
        (l("Bobot", "Weight"), Align::Right),
        (l("Perolehan", "Earned"), Align::Right),
        (l("Poin total", "Total points"), Align::Right),
        ("Status", Align::Left),
        (l("Bukti", "Evidence"), Align::Right),
    ]);
    for i in &c.indicators {
        let mut title = format!("{} {}", i.id, i.title.get(lang));
        if i.mandatory {
            title.push_str(" *");
        }
        let answer = match (&i.answer_label, &i.justification) {
            (Some(label), _) => label.get(lang).to_owned(),
            (None, Some(_)) => "N/A".to_owned(),
            (None, None) => "—".to_owned(),
        };
        let mut status = status_label(i.status, lang).to_owned();
        if let Some(j) = &i.justification {
            let _ = write!(status, " (N/A: {j})");
        } else if i.status == Status::Excluded {
            let _ = write!(
                status,
                " ({})",
                l("tidak berlaku untuk jenis unit ini", "not for this kind of unit")
            );
        }
        t.row(vec![
            title,
            answer,
            i.value.map(|v| v.to_string()).unwrap_or_default(),
            i.weight.to_string(),
            format!("{}/{}", i.earned, i.possible),
            format!("{}/{}", i.total_points_earned, i.total_points_possible),
            status,
            if i.evidence_required || i.evidence > 0 {
                i.evidence.to_string()
            } else {
                String::new()
            },
        ]);
    }
    t
}

fn breakdown_table<K>(items: &[Breakdown<K>], head: &str, lang: Lang) -> Table {
    let l = |id, en| lang.pick(id, en);
    let mut t = Table::new(&[
        (head, Align::Left),
        (l("Nilai", "Score"), Align::Right),
        (l("Poin", "Points"), Align::Right),
        (l("Terpenuhi", "Met"), Align::Left),
        (l("Belum terpenuhi", "Not met"), Align::Left),
    ]);
    for b in items {
        t.row(vec![
            b.label.get(lang).to_owned(),
            figure(b.score, lang),
            format!("{}/{}", b.points_earned, b.points_possible),
            b.met.join(", "),
            b.not_met.join(", "),
        ]);
    }
    t
}

/// The gap list (rencana tindak lanjut) as a table.
pub(crate) fn gap_table(gaps: &[Gap], lang: Lang) -> Table {
    let l = |id, en| lang.pick(id, en);
    let mut t = Table::new(&[
        ("#", Align::Right),
        (l("Indikator", "Indicator"), Align::Left),
        ("Status", Align::Left),
        (l("Tambahan poin", "Points to gain"), Align::Right),
        (l("Wajib", "Mandatory"), Align::Left),
    ]);
    for (n, g) in gaps.iter().enumerate() {
        t.row(vec![
            (n + 1).to_string(),
            format!("{} {}", g.indicator, g.title.get(lang)),
            status_label(g.status, lang).to_owned(),
            g.gain.to_string(),
            if g.mandatory {
                l("ya", "yes").to_owned()
            } else {
                String::new()
            },
        ]);
    }
    t
}

fn award_lines(r: &ScoreReport, lang: Lang) -> String {
    let l = |id, en| lang.pick(id, en);
    let mut out = String::new();
    let rule = match r.award.min_criterion {
        Some(m) => format!(
            "{} {}, {} {m}",
            l("batas total", "pass mark"),
            r.award.min_total,
            l("minimum per kriteria", "minimum per criterion")
        ),
        None => format!("{} {}", l("batas total", "pass mark"), r.award.min_total),
    };
    if r.award.eligible {
        let _ = writeln!(
            out,
            "{}: {} ({rule})",
            l("Predikat", "Award"),
            l("MEMENUHI SYARAT", "ELIGIBLE")
        );
    } else {
        let _ = writeln!(
            out,
            "{}: {} ({rule})",
            l("Predikat", "Award"),
            l("BELUM MEMENUHI SYARAT", "NOT ELIGIBLE")
        );
        for reason in &r.award.reasons {
            let _ = writeln!(out, "- {}", reason.message.get(lang));
        }
    }
    out
}

fn header(r: &ScoreReport, lang: Lang) -> Vec<String> {
    let l = |id, en| lang.pick(id, en);
    let a = &r.assessment;
    let stage = match a.stage {
        p2ham_model::Stage::SelfAssessment => l("penilaian mandiri", "self-assessment"),
        p2ham_model::Stage::Verification => l("verifikasi", "verification"),
    };
    vec![
        format!(
            "{}: {} ({}, {})",
            l("Unit", "Unit"),
            a.unit.name,
            a.unit.id,
            a.unit.kind
        ),
        format!(
            "{}: {}",
            l("Kantor wilayah", "Regional office"),
            a.unit.office.as_deref().unwrap_or("—")
        ),
        format!(
            "{}: {}, {}: {stage}",
            l("Periode", "Period"),
            a.period,
            l("tahap", "stage")
        ),
        format!(
            "{}: {} {} — {}",
            l("Instrumen", "Instrument"),
            r.instrument.id,
            r.instrument.version,
            r.instrument.title.get(lang)
        ),
        format!("{}: {}", l("Model penilaian", "Scoring model"), r.model),
        format!(
            "SHA-256 {}: {}",
            l("instrumen", "instrument"),
            r.instrument.sha256
        ),
        format!("SHA-256 {}: {}", l("penilaian", "assessment"), a.sha256),
    ]
}

/// The report as a readable terminal text.
pub fn score_to_text(r: &ScoreReport, lang: Lang) -> String {
    let l = |id, en| lang.pick(id, en);
    let mut out = String::new();
    let _ = writeln!(out, "{}", l("HASIL PENILAIAN P2HAM", "P2HAM SCORE"));
    for line in header(r, lang) {
        let line: String = line
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}: {} / {}",
        l("Nilai total", "Total"),
        figure(r.total, lang),
        r.max
    );
    out.push_str(&award_lines(r, lang));
    let _ = writeln!(out);
    out.push_str(&criteria_table(r, lang).to_text());
    for c in &r.criteria {
        let _ = writeln!(
            out,
            "\n{} {} — {} {}",
            l("Kriteria", "Criterion"),
            c.id,
            c.title.get(lang),
            figure(c.score, lang)
        );
        out.push_str(&indicator_table(c, lang).to_text());
    }
    let _ = writeln!(out, "\n{}", l("* indikator wajib", "* mandatory indicator"));
    let _ = writeln!(out, "\n{}", l("Kelompok rentan", "Vulnerable groups"));
    out.push_str(&breakdown_table(&r.groups, l("Kelompok", "Group"), lang).to_text());
    let _ = writeln!(
        out,
        "\n{}",
        l(
            "Asas pelayanan publik (UU 25/2009 Pasal 4)",
            "Principles of public service (UU 25/2009 Art. 4)"
        )
    );
    out.push_str(&breakdown_table(&r.principles, l("Asas", "Principle"), lang).to_text());
    let _ = writeln!(
        out,
        "\n{}",
        l(
            "Rencana tindak lanjut (indikator belum terpenuhi)",
            "Improvement plan (indicators not fully met)"
        )
    );
    if r.gaps.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            l("Semua indikator terpenuhi.", "Every indicator is met.")
        );
    } else {
        out.push_str(&gap_table(&r.gaps, lang).to_text());
    }
    out
}

/// The report as Markdown.
pub fn score_to_markdown(r: &ScoreReport, lang: Lang) -> String {
    let l = |id, en| lang.pick(id, en);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} — {}\n",
        l("Hasil Penilaian P2HAM", "P2HAM Score"),
        r.assessment.unit.name
    );
    for line in header(r, lang) {
        // Names and periods come from the document: keep each on its own line.
        let _ = writeln!(out, "- {}", crate::table::md_cell(&line));
    }
    let _ = writeln!(
        out,
        "\n**{}: {} / {}**\n",
        l("Nilai total", "Total"),
        figure(r.total, lang),
        r.max
    );
    out.push_str(&award_lines(r, lang));
    let _ = writeln!(out, "\n## {}\n", l("Nilai per kriteria", "Scores per criterion"));
    out.push_str(&criteria_table(r, lang).to_markdown());
    for c in &r.criteria {
        let _ = writeln!(
            out,
            "\n### {} {} — {}\n",
            c.id,
            c.title.get(lang),
            figure(c.score, lang)
        );
        out.push_str(&indicator_table(c, lang).to_markdown());
    }
    let _ = writeln!(out, "\n{}", l("\\* indikator wajib", "\\* mandatory indicator"));
    let _ = writeln!(out, "\n## {}\n", l("Kelompok rentan", "Vulnerable groups"));
    out.push_str(&breakdown_table(&r.groups, l("Kelompok", "Group"), lang).to_markdown());
    let _ = writeln!(
        out,
        "\n## {}\n",
        l(
            "Asas pelayanan publik (UU 25/2009 Pasal 4)",
            "Principles of public service (UU 25/2009 Art. 4)"
        )
    );
    out.push_str(&breakdown_table(&r.principles, l("Asas", "Principle"), lang).to_markdown());
    let _ = writeln!(out, "\n## {}\n", l("Rencana tindak lanjut", "Improvement plan"));
    if r.gaps.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            l("Semua indikator terpenuhi.", "Every indicator is met.")
        );
    } else {
        out.push_str(&gap_table(&r.gaps, lang).to_markdown());
    }
    let _ = write!(
        out,
        "\n{} `{}`; {}",
        l("Dihitung dengan model", "Computed with model"),
        r.model,
        l(
            "nilai dibulatkan sekali ke 2 desimal",
            "figures rounded once to 2 decimals"
        ),
    );
    if let Some(t) = r.total_exact {
        let _ = write!(
            out,
            " ({} {t})",
            l("nilai total tanpa pembulatan", "unrounded total")
        );
    }
    let _ = writeln!(out, ".");
    out
}

/// One CSV row per indicator.
pub fn score_to_csv(r: &ScoreReport, lang: Lang) -> String {
    let mut w = CsvText::new();
    w.row([
        "unit",
        "period",
        "stage",
        "criterion",
        "indicator",
        "title",
        "status",
        "excluded",
        "answer",
        "value",
        "weight",
        "earned",
        "possible",
        "total_points_possible",
        "total_points_earned",
        "mandatory",
        "evidence",
        "evidence_required",
    ]);
    for c in &r.criteria {
        for i in &c.indicators {
            let excluded = match i.excluded {
                Some(p2ham_scoring::Exclusion::UnitKind) => "unit_kind",
                Some(p2ham_scoring::Exclusion::NotApplicable) => "not_applicable",
                None => "",
            };
            w.row([
                r.assessment.unit.id.as_str(),
                r.assessment.period.as_str(),
                r.assessment.stage.as_str(),
                c.id.as_str(),
                i.id.as_str(),
                i.title.get(lang),
                i.status.as_str(),
                excluded,
                i.answer.as_deref().unwrap_or(""),
                &i.value.map(|v| v.to_string()).unwrap_or_default(),
                &i.weight.to_string(),
                &i.earned.to_string(),
                &i.possible.to_string(),
                &i.total_points_possible.to_string(),
                &i.total_points_earned.to_string(),
                if i.mandatory { "true" } else { "false" },
                &i.evidence.to_string(),
                if i.evidence_required { "true" } else { "false" },
            ]);
        }
    }
    w.finish()
}

/// The report as pretty JSON with a final newline.
pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("reports always serialise");
    s.push('\n');
    s
}

/// Write any report as pretty JSON with a final newline (the bytes of [`to_json`]).
pub fn to_json_writer<T: serde::Serialize>(w: &mut dyn std::io::Write, value: &T) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, value)?;
    w.write_all(b"\n")
}
