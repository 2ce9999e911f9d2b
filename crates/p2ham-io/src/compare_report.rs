//! Comparing a self-assessment file with its verification file, and rendering
//! the comparison as text, Markdown and CSV.

use std::fmt::Write;

use p2ham_model::{Lang, Stage};
use p2ham_scoring::{
    check_pair, check_verifies, compare, Award, ComparisonDigests, ComparisonReport, Discrepancy,
    DiscrepancyKind, Status,
};

use crate::score_report::{figure, status_label};
use crate::table::{Align, CsvText, Table};
use crate::{check_assessment, IoError, LoadedAssessment, LoadedInstrument};

/// Compare a self-assessment with its verification against one instrument.
///
/// In order: the two documents must form a pair (stages, unit, period,
/// instrument: [`check_pair`]); a `verifies` digest in the verification must be
/// the SHA-256 of the self-assessment file's bytes; each document must fit the
/// instrument. Errors name both files (or the one at fault).
pub fn compare_loaded(
    self_assessment: &LoadedAssessment,
    verification: &LoadedAssessment,
    instrument: &LoadedInstrument,
) -> Result<ComparisonReport, IoError> {
    let pair = |source| IoError::Compare {
        self_file: self_assessment.file.clone(),
        verified_file: verification.file.clone(),
        source: Box::new(source),
    };
    check_pair(&self_assessment.assessment, &verification.assessment).map_err(pair)?;
    check_verifies(&verification.assessment, &self_assessment.sha256).map_err(pair)?;
    check_assessment(self_assessment, instrument)?;
    check_assessment(verification, instrument)?;
    let digests = ComparisonDigests {
        instrument: instrument.sha256.clone(),
        self_assessment: self_assessment.sha256.clone(),
        verification: verification.sha256.clone(),
    };
    compare(
        &instrument.checked,
        &self_assessment.assessment,
        &verification.assessment,
        &digests,
    )
    .map_err(pair)
}

/// The kind of a discrepancy in the chosen language.
pub fn kind_label(kind: DiscrepancyKind, lang: Lang) -> &'static str {
    match kind {
        DiscrepancyKind::Overclaim => lang.pick("klaim berlebih", "overclaim"),
        DiscrepancyKind::Underclaim => lang.pick("klaim kurang", "underclaim"),
        DiscrepancyKind::NaDisputed => lang.pick("N/A tidak disetujui", "N/A disputed"),
        DiscrepancyKind::Unverified => lang.pick("tidak diverifikasi", "unverified"),
        DiscrepancyKind::EvidenceDiffers => lang.pick("data dukung berbeda", "evidence differs"),
    }
}

fn answer_cell(
    answer: Option<&str>,
    label: Option<&p2ham_model::Text>,
    status: Status,
    lang: Lang,
) -> String {
    let mut s = match (answer, label) {
        (_, Some(label)) => label.get(lang).to_owned(),
        (Some(a), None) => a.to_owned(),
        (None, None) => "—".to_owned(),
    };
    if status == Status::Unsupported {
        let _ = write!(s, " ({})", status_label(status, lang));
    }
    s
}

/// The discrepancies as a table: indicator, kind, both answers, points, note.
pub(crate) fn discrepancy_table(r: &ComparisonReport, lang: Lang) -> Table {
    let l = |id, en| lang.pick(id, en);
    let mut t = Table::new(&[
        (l("Indikator", "Indicator"), Align::Left),
        (l("Jenis", "Kind"), Align::Left),
        (l("Mandiri", "Self"), Align::Left),
        (l("Verifikasi", "Verified"), Align::Left),
        (l("Selisih poin", "Points lost"), Align::Right),
        (l("Catatan verifikator", "Verifier's note"), Align::Left),
    ]);
    for d in &r.discrepancies {
        let mut title = format!("{} {}", d.indicator, d.title.get(lang));
        if d.mandatory {
            title.push_str(" *");
        }
        t.row(vec![
            title,
            kind_label(d.kind, lang).to_owned(),
            answer_cell(
                d.self_answer.as_deref(),
                d.self_label.as_ref(),
                d.self_status,
                lang,
            ),
            answer_cell(
                d.verified.as_deref(),
                d.verified_label.as_ref(),
                d.verified_status,
                lang,
            ),
            // Shown as computed (4 decimals): a second rounding could move a .xx5.
            d.points_difference.to_string(),
            note(d, lang),
        ]);
    }
    t
}

fn note(d: &Discrepancy, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(j) = &d.self_justification {
        parts.push(format!(
            "{}: {j}",
            lang.pick("alasan N/A unit", "unit's N/A reason")
        ));
    }
    if let Some(j) = &d.verified_justification {
        parts.push(format!(
            "{}: {j}",
            lang.pick("alasan N/A verifikator", "verifier's N/A reason")
        ));
    }
    if let Some(n) = &d.note {
        parts.push(n.clone());
    }
    parts.join("; ")
}

/// Scores per criterion, both sides, as a table.
pub(crate) fn criteria_table(r: &ComparisonReport, lang: Lang) -> Table {
    let l = |id, en| lang.pick(id, en);
    let mut t = Table::new(&[
        (l("Kriteria", "Criterion"), Align::Left),
        (l("Bobot", "Weight"), Align::Right),
        (l("Mandiri", "Self"), Align::Right),
        (l("Verifikasi", "Verified"), Align::Right),
        (l("Selisih", "Difference"), Align::Right),
    ]);
    for c in &r.criteria {
        t.row(vec![
            format!("{} {}", c.id, c.title.get(lang)),
            c.weight.to_string(),
            figure(c.self_score, lang),
            figure(c.verified_score, lang),
            c.difference.map(|d| d.to_string()).unwrap_or_default(),
        ]);
    }
    t.row(vec![
        "TOTAL".into(),
        String::new(),
        figure(r.self_total, lang),
        figure(r.verified_total, lang),
        r.total_difference.map(|d| d.to_string()).unwrap_or_default(),
    ]);
    t
}

#[allow(clippy::many_single_char_names)]
fn points_table(r: &ComparisonReport, lang: Lang) -> Table {
    let l = |id, en| lang.pick(id, en);
    let mut t = Table::new(&[
        (l("Jenis", "Kind"), Align::Left),
        (l("Indikator", "Indicators"), Align::Right),
        (l("Selisih poin", "Points lost"), Align::Right),
    ]);
    let p = &r.points_by_kind;
    let n = &r.counts;
    let rows = [
        (DiscrepancyKind::Overclaim, n.overclaim, p.overclaim),
        (DiscrepancyKind::Underclaim, n.underclaim, p.underclaim),
        (DiscrepancyKind::NaDisputed, n.na_disputed, p.na_disputed),
        (DiscrepancyKind::Unverified, n.unverified, p.unverified),
        (
            DiscrepancyKind::EvidenceDiffers,
            n.evidence_differs,
            p.evidence_differs,
        ),
    ];
    for (kind, count, points) in rows {
        t.row(vec![
            kind_label(kind, lang).into(),
            count.to_string(),
            points.to_string(),
        ]);
    }
    t.row(vec![
        l(
            "sama (bobot kriteria berubah)",
            "agreed (criterion weight changed)",
        )
        .into(),
        n.agreed.to_string(),
        p.reweighting.to_string(),
    ]);
    t.row(vec![
        l("selisih total (eksak)", "total difference (exact)").into(),
        n.compared.to_string(),
        p.exact_total_difference.to_string(),
    ]);
    t
}

/// The award decision in words, with every reason.
pub(crate) fn award_text(award: &Award, lang: Lang, bullet: &str) -> String {
    let l = |id, en| lang.pick(id, en);
    let mut out = String::new();
    let mut rule = format!("{} {}", l("batas total", "pass mark"), award.min_total);
    if let Some(m) = award.min_criterion {
        let _ = write!(
            rule,
            ", {} {m}",
            l("minimum per kriteria", "minimum per criterion")
        );
    }
    let verdict = if award.eligible {
        l("MEMENUHI SYARAT", "ELIGIBLE")
    } else {
        l("BELUM MEMENUHI SYARAT", "NOT ELIGIBLE")
    };
    let _ = writeln!(out, "{verdict} ({rule})");
    for reason in &award.reasons {
        let _ = writeln!(out, "{bullet}{}", reason.message.get(lang));
    }
    out
}

fn header(r: &ComparisonReport, lang: Lang) -> Vec<String> {
    let l = |id, en| lang.pick(id, en);
    let doc = |d: &p2ham_scoring::ComparedDocument| {
        let stage = match d.stage {
            Stage::SelfAssessment => l("Penilaian mandiri", "Self-assessment"),
            Stage::Verification => l("Verifikasi", "Verification"),
        };
        format!(
            "{stage}: {}, SHA-256 {}",
            d.assessed_on.as_deref().unwrap_or("—"),
            d.sha256
        )
    };
    vec![
        format!(
            "{}: {} ({}, {})",
            l("Unit", "Unit"),
            r.unit.name,
            r.unit.id,
            r.unit.kind
        ),
        format!(
            "{}: {}",
            l("Kantor wilayah", "Regional office"),
            r.unit.office.as_deref().unwrap_or("—")
        ),
        format!("{}: {}", l("Periode", "Period"), r.period),
        format!(
            "{}: {} {} — {}",
            l("Instrumen", "Instrument"),
            r.instrument.id,
            r.instrument.version,
            r.instrument.title.get(lang)
        ),
        format!("{}: {}", l("Model penilaian", "Scoring model"), r.model),
        doc(&r.self_assessment),
        doc(&r.verification),
    ]
}

fn summary(r: &ComparisonReport, lang: Lang) -> Vec<String> {
    let l = |id, en| lang.pick(id, en);
    vec![
        format!(
            "{}: {} {}, {} {}, {} {}",
            l("Nilai total", "Total"),
            l("mandiri", "self"),
            figure(r.self_total, lang),
            l("verifikasi", "verified"),
            figure(r.verified_total, lang),
            l("selisih", "difference"),
            r.total_difference
                .map_or_else(|| "—".to_owned(), |d| d.to_string())
        ),
        format!(
            "{}: {}",
            l(
                "Nilai yang hilang karena klaim berlebih",
                "Score lost to overclaims"
            ),
            r.score_lost_to_overclaims
        ),
        format!(
            "{}: {} {}, {} {}, {} {}",
            l("Indikator", "Indicators"),
            r.counts.compared,
            l("dibandingkan", "compared"),
            r.counts.agreed,
            l("sama", "agreed"),
            r.discrepancies.len(),
            l("berbeda", "differ")
        ),
    ]
}

/// The comparison as a readable terminal text.
pub fn compare_to_text(r: &ComparisonReport, lang: Lang) -> String {
    let l = |id, en| lang.pick(id, en);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        l(
            "PERBANDINGAN PENILAIAN MANDIRI DAN VERIFIKASI P2HAM",
            "P2HAM SELF-ASSESSMENT VS VERIFICATION"
        )
    );
    for line in header(r, lang) {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out);
    for line in summary(r, lang) {
        let _ = writeln!(out, "{line}");
    }
    let _ = write!(
        out,
        "{}: {}",
        l("Predikat (hasil verifikasi)", "Award (verified result)"),
        award_text(&r.verified_award, lang, "- ")
    );
    let _ = writeln!(out);
    out.push_str(&criteria_table(r, lang).to_text());
    let _ = writeln!(out, "\n{}", l("Perbedaan per indikator", "Discrepancies"));
    if r.discrepancies.is_empty() {
        let _ = writeln!(out, "{}", l("Tidak ada perbedaan.", "None."));
    } else {
        out.push_str(&discrepancy_table(r, lang).to_text());
        let _ = writeln!(out, "{}", l("* indikator wajib", "* mandatory indicator"));
    }
    let _ = writeln!(out, "\n{}", l("Selisih poin per jenis", "Points lost per kind"));
    out.push_str(&points_table(r, lang).to_text());
    out
}

/// The comparison as Markdown.
pub fn compare_to_markdown(r: &ComparisonReport, lang: Lang) -> String {
    let l = |id, en| lang.pick(id, en);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} — {}\n",
        l(
            "Perbandingan Penilaian Mandiri dan Verifikasi",
            "Self-assessment vs Verification"
        ),
        r.unit.name
    );
    for line in header(r, lang) {
        let _ = writeln!(out, "- {line}");
    }
    let _ = writeln!(out);
    for line in summary(r, lang) {
        let _ = writeln!(out, "- {line}");
    }
    let _ = write!(
        out,
        "\n**{}: {}**",
        l("Predikat (hasil verifikasi)", "Award (verified result)"),
        award_text(&r.verified_award, lang, "- ")
    );
    let _ = writeln!(out, "\n## {}\n", l("Nilai per kriteria", "Scores per criterion"));
    out.push_str(&criteria_table(r, lang).to_markdown());
    let _ = writeln!(out, "\n## {}\n", l("Perbedaan per indikator", "Discrepancies"));
    if r.discrepancies.is_empty() {
        let _ = writeln!(out, "{}", l("Tidak ada perbedaan.", "None."));
    } else {
        out.push_str(&discrepancy_table(r, lang).to_markdown());
        let _ = writeln!(out, "\n{}", l("\\* indikator wajib", "\\* mandatory indicator"));
    }
    let _ = writeln!(
        out,
        "\n## {}\n",
        l("Selisih poin per jenis", "Points lost per kind")
    );
    out.push_str(&points_table(r, lang).to_markdown());
    out
}

/// One CSV row per discrepancy.
pub fn compare_to_csv(r: &ComparisonReport, lang: Lang) -> String {
    let mut w = CsvText::new();
    w.row([
        "unit",
        "period",
        "criterion",
        "indicator",
        "title",
        "kind",
        "self",
        "verified",
        "self_value",
        "verified_value",
        "self_status",
        "verified_status",
        "points_difference",
        "mandatory",
        "note",
    ]);
    let opt = |d: Option<p2ham_model::Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
    for d in &r.discrepancies {
        w.row([
            r.unit.id.as_str(),
            r.period.as_str(),
            d.criterion.as_str(),
            d.indicator.as_str(),
            d.title.get(lang),
            d.kind.as_str(),
            d.self_answer.as_deref().unwrap_or(""),
            d.verified.as_deref().unwrap_or(""),
            &opt(d.self_value),
            &opt(d.verified_value),
            d.self_status.as_str(),
            d.verified_status.as_str(),
            &d.points_difference.to_string(),
            if d.mandatory { "true" } else { "false" },
            d.note.as_deref().unwrap_or(""),
        ]);
    }
    w.finish()
}
