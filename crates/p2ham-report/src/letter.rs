//! The outcome letter of a verified evaluation: the *Berita Acara Hasil
//! Evaluasi* for a unit whose verified result is eligible, the *Surat
//! Keterangan Hasil Evaluasi* with every reason for one that is not.
//!
//! Everything in the letter comes from the comparison report; nothing depends
//! on the clock, and no ministry or office name is written into the text: the
//! office is the unit's.

use p2ham_model::Lang;
use p2ham_scoring::ComparisonReport;

use crate::compare::{criteria_table, discrepancy_table, evidence_section};
use crate::doc::{Align, Block, Cell, Doc, Table};
use crate::evidence_view::EvidenceView;
use crate::labels::{self as t, Phrase};
use crate::number::{figure, figure_or_dash, long_date};
use crate::score::improvement_plan;

/// Which outcome document a comparison calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LetterKind {
    /// *Berita Acara Hasil Evaluasi*: the verified result is eligible.
    BeritaAcara,
    /// *Surat Keterangan Hasil Evaluasi*: it is not; the letter states every reason.
    SuratKeterangan,
}

impl LetterKind {
    /// The document the verified result calls for.
    pub fn for_report(r: &ComparisonReport) -> Self {
        if r.verified_award.eligible {
            LetterKind::BeritaAcara
        } else {
            LetterKind::SuratKeterangan
        }
    }

    /// The regulation's name of the document.
    pub fn title(self) -> &'static str {
        match self {
            LetterKind::BeritaAcara => "Berita Acara Hasil Evaluasi",
            LetterKind::SuratKeterangan => "Surat Keterangan Hasil Evaluasi",
        }
    }

    /// The name in English.
    pub fn title_en(self) -> &'static str {
        match self {
            LetterKind::BeritaAcara => "Record of Evaluation Results",
            LetterKind::SuratKeterangan => "Statement of Evaluation Results",
        }
    }
}

/// The outcome letter as a document.
pub fn letter_doc(r: &ComparisonReport, lang: Lang, evidence: Option<&EvidenceView>) -> Doc {
    let l = |p: Phrase| p.get(lang);
    let kind = LetterKind::for_report(r);
    let office = r.unit.office.as_deref().unwrap_or("");
    let team = if office.is_empty() {
        l(t::TEAM_PLAIN).to_owned()
    } else {
        format!("{} {office}", l(t::TEAM_OF))
    };
    let verified_on = long_date(r.verification.assessed_on.as_deref(), lang);
    let title = match lang {
        Lang::Id => kind.title().to_uppercase(),
        Lang::En => format!("{} ({})", kind.title_en().to_uppercase(), kind.title()),
    };
    let mut doc = Doc::new(title, lang);
    doc.strong(format!(
        "{} — {} {}",
        l(t::LETTER_SUBJECT),
        l(t::PERIOD),
        r.period
    ));
    doc.paragraph(match lang {
        Lang::Id => format!(
            "Pada tanggal {verified_on}, {team} telah melaksanakan verifikasi atas penilaian mandiri \
             Pelayanan Publik Berbasis Hak Asasi Manusia pada unit berikut, dengan hasil sebagaimana \
             tercantum di bawah ini."
        ),
        Lang::En => format!(
            "On {verified_on}, {team} verified the self-assessment of human-rights-based public \
             service of the unit below, with the results set out in this document."
        ),
    });

    doc.heading(l(t::IDENTIFICATION));
    let legal = if r.instrument.legal_basis.is_empty() {
        "—".to_owned()
    } else {
        r.instrument.legal_basis.join("; ")
    };
    doc.push(Block::KeyValue(vec![
        (l(t::UNIT).into(), format!("{} ({})", r.unit.name, r.unit.id)),
        (l(t::UNIT_KIND).into(), r.unit.kind.clone()),
        (
            l(t::OFFICE).into(),
            r.unit.office.clone().unwrap_or_else(|| "—".into()),
        ),
        (l(t::PERIOD).into(), r.period.clone()),
        (
            l(t::INSTRUMENT).into(),
            format!(
                "{} ({} {})",
                r.instrument.title.get(lang),
                r.instrument.id,
                r.instrument.version
            ),
        ),
        (l(t::LEGAL_BASIS).into(), legal),
        (l(t::MODEL).into(), r.model.clone()),
        (
            l(t::DATE_SELF).into(),
            long_date(r.self_assessment.assessed_on.as_deref(), lang),
        ),
        (l(t::DATE_VERIFICATION).into(), verified_on.clone()),
    ]));

    doc.heading(l(t::RESULT));
    doc.push(Block::KeyValue(vec![
        (
            l(t::TOTAL_VERIFIED).into(),
            format!("{} / 100", figure(r.verified_total, lang)),
        ),
        (l(t::TOTAL_SELF).into(), figure(r.self_total, lang)),
        (l(t::PASS_MARK_KEY).into(), r.verified_award.min_total.to_string()),
    ]));
    doc.push(Block::Table(criteria_table(r, lang)));
    match kind {
        LetterKind::BeritaAcara => doc.strong(l(t::LETTER_ELIGIBLE)),
        LetterKind::SuratKeterangan => {
            doc.strong(l(t::LETTER_NOT_ELIGIBLE));
            doc.push(Block::List {
                items: r
                    .verified_award
                    .reasons
                    .iter()
                    .map(|x| x.message.get(lang).to_owned())
                    .collect(),
                numbered: true,
            });
        }
    }
    doc.paragraph(format!(
        "{}: {}.",
        l(t::AWARD_RULE),
        t::award_rule(&r.verified_award, lang)
    ));

    doc.heading(l(t::LETTER_DIFFERENCES));
    if r.discrepancies.is_empty() {
        doc.paragraph(l(t::LETTER_AGREES));
    } else {
        doc.push(Block::Table(discrepancy_table(r, lang)));
        doc.paragraph(format!(
            "{}: {} {} ({}: {}).",
            l(t::LOST_TO_OVERCLAIMS),
            r.score_lost_to_overclaims,
            l(t::POINTS_WORD),
            l(t::TOTAL_DIFF),
            figure_or_dash(r.total_difference),
        ));
        doc.note(l(t::MANDATORY_MARK));
    }
    improvement_plan(&mut doc, &r.verified_gaps, lang);

    doc.heading(l(t::DOCUMENTS));
    let expected = format!("sha256:{}", r.self_assessment.sha256);
    doc.push(Block::KeyValue(vec![
        (
            format!(
                "{} {} {}",
                l(t::INSTRUMENT),
                r.instrument.id,
                r.instrument.version
            ),
            format!("SHA-256 {}", r.instrument.sha256),
        ),
        (
            l(t::SELF_DOC).into(),
            format!("SHA-256 {}", r.self_assessment.sha256),
        ),
        (
            l(t::VERIFICATION_DOC).into(),
            format!("SHA-256 {}", r.verification.sha256),
        ),
    ]));
    doc.paragraph(match &r.verification.verifies {
        Some(v) if *v == expected => l(t::VERIFIES_MATCHES),
        _ => l(t::VERIFIES_ABSENT),
    });

    doc.heading(l(t::VERIFICATION_TEAM));
    doc.paragraph(verified_on);
    if r.verification.assessors.is_empty() {
        doc.paragraph(l(t::NO_TEAM));
    } else {
        let mut tb = Table::new(
            l(t::VERIFICATION_TEAM),
            &[
                (l(t::NUMBER), Align::Right),
                (l(t::NAME), Align::Left),
                (l(t::ROLE), Align::Left),
                (l(t::SIGNATURE), Align::Left),
            ],
        );
        for (n, who) in r.verification.assessors.iter().enumerate() {
            tb.row(vec![
                Cell::int(n + 1),
                who.name.clone().into(),
                who.role.clone().into(),
                "____________________".into(),
            ]);
        }
        doc.push(Block::Table(tb));
    }
    evidence_section(&mut doc, evidence, lang);
    doc
}
