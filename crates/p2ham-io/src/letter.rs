//! The outcome document of a verified evaluation, in Markdown: the *Berita Acara
//! Hasil Evaluasi* for a unit whose verified result is eligible, the *Surat
//! Keterangan Hasil Evaluasi* with every reason for one that is not.
//!
//! Everything in the letter comes from the comparison report (which comes from
//! the two documents and the instrument); nothing depends on the clock, and no
//! ministry or office name is written into the text: the office is the unit's.

use std::fmt::Write;

use p2ham_model::Lang;
use p2ham_scoring::ComparisonReport;

use crate::compare_report::{criteria_table, discrepancy_table};
use crate::score_report::{figure, gap_table};
use crate::table::{Align, Table};

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

const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A `YYYY-MM-DD` date written out (`22 Maret 2023`); anything else as given, or `—`.
pub fn long_date(date: Option<&str>, lang: Lang) -> String {
    let Some(d) = date else {
        return "—".to_owned();
    };
    let parts: Vec<&str> = d.split('-').collect();
    if let [y, m, day] = parts[..] {
        if let (Ok(m), Ok(day)) = (m.parse::<usize>(), day.parse::<u32>()) {
            if (1..=12).contains(&m) {
                let month = match lang {
                    Lang::Id => MONTHS_ID[m - 1],
                    Lang::En => MONTHS_EN[m - 1],
                };
                return format!("{day} {month} {y}");
            }
        }
    }
    d.to_owned()
}

/// The outcome letter for a comparison, in Markdown.
pub fn letter_markdown(r: &ComparisonReport, lang: Lang) -> String {
    let l = |id, en| lang.pick(id, en);
    let kind = LetterKind::for_report(r);
    let office = r.unit.office.as_deref().unwrap_or("");
    let team = if office.is_empty() {
        l("Tim Verifikator", "the verification team").to_owned()
    } else {
        format!("{} {office}", l("Tim Verifikator", "the verification team of"))
    };
    let verified_on = long_date(r.verification.assessed_on.as_deref(), lang);
    let mut out = String::new();
    match lang {
        Lang::Id => {
            let _ = writeln!(out, "# {}\n", kind.title().to_uppercase());
        }
        Lang::En => {
            let _ = writeln!(out, "# {} ({})\n", kind.title_en().to_uppercase(), kind.title());
        }
    }
    let _ = writeln!(
        out,
        "**{} — {} {}**\n",
        l(
            "Pelayanan Publik Berbasis Hak Asasi Manusia (P2HAM)",
            "Human-rights-based public service (P2HAM)"
        ),
        l("Periode", "Period"),
        r.period
    );
    let _ = writeln!(
        out,
        "{}\n",
        match lang {
            Lang::Id => format!(
                "Pada tanggal {verified_on}, {team} telah melaksanakan verifikasi atas penilaian mandiri \
                 Pelayanan Publik Berbasis Hak Asasi Manusia pada unit berikut, dengan hasil sebagaimana \
                 tercantum di bawah ini."
            ),
            Lang::En => format!(
                "On {verified_on}, {team} verified the self-assessment of human-rights-based public \
                 service of the unit below, with the results set out in this document."
            ),
        }
    );

    let _ = writeln!(out, "## {}\n", l("Identitas", "Identification"));
    let mut t = Table::new(&[("", Align::Left), ("", Align::Left)]);
    let legal = if r.instrument.legal_basis.is_empty() {
        "—".to_owned()
    } else {
        r.instrument.legal_basis.join("; ")
    };
    for (k, v) in [
        (l("Unit", "Unit"), format!("{} (`{}`)", r.unit.name, r.unit.id)),
        (l("Jenis unit", "Kind of unit"), r.unit.kind.clone()),
        (
            l("Kantor wilayah", "Regional office"),
            r.unit.office.clone().unwrap_or_else(|| "—".into()),
        ),
        (l("Periode", "Period"), r.period.clone()),
        (
            l("Instrumen", "Instrument"),
            format!(
                "{} (`{}` {})",
                r.instrument.title.get(lang),
                r.instrument.id,
                r.instrument.version
            ),
        ),
        (l("Dasar hukum", "Legal basis"), legal),
        (l("Model penilaian", "Scoring model"), format!("`{}`", r.model)),
        (
            l("Tanggal penilaian mandiri", "Date of self-assessment"),
            long_date(r.self_assessment.assessed_on.as_deref(), lang),
        ),
        (
            l("Tanggal verifikasi", "Date of verification"),
            verified_on.clone(),
        ),
    ] {
        t.row(vec![k.to_owned(), v]);
    }
    out.push_str(&t.to_markdown());

    let _ = writeln!(out, "\n## {}\n", l("Hasil evaluasi", "Result"));
    let _ = writeln!(
        out,
        "{}: **{}** / 100 ({}: {}; {}: {}).\n",
        l("Nilai hasil verifikasi", "Verified total"),
        figure(r.verified_total, lang),
        l("penilaian mandiri", "self-assessment"),
        figure(r.self_total, lang),
        l("batas kelulusan", "pass mark"),
        r.verified_award.min_total
    );
    out.push_str(&criteria_table(r, lang).to_markdown());
    let _ = writeln!(out);
    match kind {
        LetterKind::BeritaAcara => {
            let _ = writeln!(
                out,
                "{}",
                l(
                    "Kesimpulan: berdasarkan hasil verifikasi, unit ini **MEMENUHI SYARAT** untuk \
                     memperoleh predikat Pelayanan Publik Berbasis HAM.",
                    "Conclusion: on the verified result, the unit is **ELIGIBLE** for the \
                     human-rights-based public service award (predikat P2HAM)."
                )
            );
        }
        LetterKind::SuratKeterangan => {
            let _ = writeln!(
                out,
                "{}\n",
                l(
                    "Kesimpulan: berdasarkan hasil verifikasi, unit ini **BELUM MEMENUHI SYARAT** untuk \
                     memperoleh predikat Pelayanan Publik Berbasis HAM, dengan alasan sebagai berikut:",
                    "Conclusion: on the verified result, the unit is **NOT ELIGIBLE** for the \
                     human-rights-based public service award (predikat P2HAM), for the following reasons:"
                )
            );
            for (n, reason) in r.verified_award.reasons.iter().enumerate() {
                let _ = writeln!(out, "{}. {}", n + 1, reason.message.get(lang));
            }
        }
    }
    let _ = write!(
        out,
        "\n{}: {} {}",
        l("Syarat predikat", "Award rule"),
        l("nilai total paling rendah", "a total of at least"),
        r.verified_award.min_total
    );
    if let Some(m) = r.verified_award.min_criterion {
        let _ = write!(
            out,
            "{} {m}",
            l(", setiap kriteria paling rendah", ", every criterion at least")
        );
    }
    let _ = writeln!(
        out,
        "{}",
        l(
            ", dan setiap indikator wajib terpenuhi.",
            ", and every mandatory indicator fully met."
        )
    );

    let _ = writeln!(
        out,
        "\n## {}\n",
        l(
            "Perbedaan antara penilaian mandiri dan hasil verifikasi",
            "Differences between the self-assessment and the verification"
        )
    );
    if r.discrepancies.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            l(
                "Hasil verifikasi sama dengan penilaian mandiri pada setiap indikator.",
                "The verification agrees with the self-assessment on every indicator."
            )
        );
    } else {
        out.push_str(&discrepancy_table(r, lang).to_markdown());
        let _ = writeln!(
            out,
            "\n{} {} {} ({}: {}).\n\n{}",
            l(
                "Nilai yang hilang karena klaim berlebih:",
                "Score lost to overclaims:"
            ),
            r.score_lost_to_overclaims,
            l("poin", "points"),
            l("selisih nilai total", "difference of the totals"),
            r.total_difference
                .map_or_else(|| "—".to_owned(), |d| d.to_string()),
            l("\\* indikator wajib.", "\\* mandatory indicator.")
        );
    }

    let _ = writeln!(out, "\n## {}\n", l("Rencana tindak lanjut", "Improvement plan"));
    if r.verified_gaps.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            l("Semua indikator terpenuhi.", "Every indicator is met.")
        );
    } else {
        out.push_str(&gap_table(&r.verified_gaps, lang).to_markdown());
    }

    let _ = writeln!(out, "\n## {}\n", l("Dokumen", "Documents"));
    let _ = writeln!(
        out,
        "- {} `{}` {}: SHA-256 `{}`",
        l("Instrumen", "Instrument"),
        r.instrument.id,
        r.instrument.version,
        r.instrument.sha256
    );
    let _ = writeln!(
        out,
        "- {}: SHA-256 `{}`",
        l("Penilaian mandiri", "Self-assessment"),
        r.self_assessment.sha256
    );
    let _ = writeln!(
        out,
        "- {}: SHA-256 `{}`",
        l("Hasil verifikasi", "Verification"),
        r.verification.sha256
    );
    let expected = format!("sha256:{}", r.self_assessment.sha256);
    let _ = writeln!(
        out,
        "- {}",
        match &r.verification.verifies {
            Some(v) if *v == expected => l(
                "Hasil verifikasi merujuk penilaian mandiri di atas (`verifies` cocok).",
                "The verification names the self-assessment above (`verifies` matches)."
            ),
            _ => l(
                "Hasil verifikasi tidak mencantumkan digest penilaian mandiri (`verifies`).",
                "The verification does not name the self-assessment's digest (`verifies`)."
            ),
        }
    );

    let _ = writeln!(out, "\n## {}\n", l("Tim Verifikator", "Verification team"));
    let _ = writeln!(out, "{verified_on}\n");
    if r.verification.assessors.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            l("(anggota tim tidak dicantumkan)", "(no team members given)")
        );
    } else {
        let mut t = Table::new(&[
            ("No.", Align::Right),
            (l("Nama", "Name"), Align::Left),
            (l("Peran", "Role"), Align::Left),
            (l("Tanda tangan", "Signature"), Align::Left),
        ]);
        for (n, who) in r.verification.assessors.iter().enumerate() {
            t.row(vec![
                format!("{}.", n + 1),
                who.name.clone(),
                who.role.clone(),
                "____________________".into(),
            ]);
        }
        out.push_str(&t.to_markdown());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_out() {
        assert_eq!(long_date(Some("2023-03-22"), Lang::Id), "22 Maret 2023");
        assert_eq!(long_date(Some("2023-12-01"), Lang::En), "1 December 2023");
        assert_eq!(long_date(Some("kemarin"), Lang::En), "kemarin");
        assert_eq!(long_date(None, Lang::Id), "—");
    }
}
