//! Every bilingual phrase of every report, once: statuses, stages, kinds,
//! headings, the award rule's wording and the letter's clauses. Builders pick
//! a phrase in the report's language; no backend holds words of its own.

use std::fmt::Write as _;

use p2ham_io::evidence::EvidenceStatus;
use p2ham_model::{Lang, Stage};
use p2ham_scoring::{Award, DiscrepancyKind, IndicatorStatus};

/// A phrase in Indonesian and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phrase {
    /// Bahasa Indonesia.
    pub id: &'static str,
    /// English.
    pub en: &'static str,
}

impl Phrase {
    /// The phrase in the chosen language.
    pub fn get(self, lang: Lang) -> &'static str {
        lang.pick(self.id, self.en)
    }
}

macro_rules! phrases {
    ($($name:ident = $id:literal / $en:literal;)*) => {
        $(
            #[doc = concat!("“", $id, "” / “", $en, "”")]
            pub const $name: Phrase = Phrase { id: $id, en: $en };
        )*
    };
}

phrases! {
    NO_DATA = "tidak ada data" / "no data";
    YES = "ya" / "yes";
    NO = "tidak" / "no";
    TOTAL_ROW = "TOTAL" / "TOTAL";
    // Identification.
    UNIT = "Unit" / "Unit";
    UNITS = "Unit" / "Units";
    UNIT_KIND = "Jenis unit" / "Kind of unit";
    OFFICE = "Kantor wilayah" / "Regional office";
    OFFICE_SHORT = "Kanwil" / "Office";
    NO_OFFICE = "(tanpa kanwil)" / "(no office)";
    PERIOD = "Periode" / "Period";
    STAGE = "Tahap" / "Stage";
    INSTRUMENT = "Instrumen" / "Instrument";
    LEGAL_BASIS = "Dasar hukum" / "Legal basis";
    MODEL = "Model penilaian" / "Scoring model";
    SHA_INSTRUMENT = "SHA-256 instrumen" / "SHA-256 instrument";
    SHA_ASSESSMENT = "SHA-256 penilaian" / "SHA-256 assessment";
    SHA_SELF = "SHA-256 penilaian mandiri" / "SHA-256 self-assessment";
    SHA_VERIFICATION = "SHA-256 verifikasi" / "SHA-256 verification";
    DATE_SELF = "Tanggal penilaian mandiri" / "Date of self-assessment";
    DATE_VERIFICATION = "Tanggal verifikasi" / "Date of verification";
    FILE = "Berkas" / "File";
    SHEET = "Lembar" / "Sheet";
    DOCUMENT = "Dokumen" / "Document";
    DOCUMENTS = "Dokumen" / "Documents";
    // Stages.
    STAGE_SELF = "penilaian mandiri" / "self-assessment";
    STAGE_VERIFICATION = "verifikasi" / "verification";
    // Statuses.
    MET = "terpenuhi" / "met";
    PARTIAL = "sebagian" / "partial";
    UNMET = "tidak terpenuhi" / "unmet";
    MISSING = "tidak dijawab" / "missing";
    UNSUPPORTED = "tanpa data dukung" / "unsupported";
    EXCLUDED = "dikecualikan" / "excluded";
    NOT_FOR_KIND = "tidak berlaku untuk jenis unit ini" / "not for this kind of unit";
    // Discrepancy kinds.
    OVERCLAIM = "klaim berlebih" / "overclaim";
    UNDERCLAIM = "klaim kurang" / "underclaim";
    NA_DISPUTED = "N/A tidak disetujui" / "N/A disputed";
    UNVERIFIED = "tidak diverifikasi" / "unverified";
    EVIDENCE_DIFFERS = "data dukung berbeda" / "evidence differs";
    AGREED_REWEIGHTED = "sama (bobot kriteria berubah)" / "agreed (criterion weight changed)";
    TOTAL_DIFFERENCE_EXACT = "selisih total (eksak)" / "total difference (exact)";
    // Evidence statuses.
    EV_PRESENT = "sesuai" / "present";
    EV_PRESENT_UNHASHED = "ada (tanpa hash)" / "present (no hash)";
    EV_MISSING = "tidak ditemukan" / "missing";
    EV_ALTERED = "berubah" / "altered";
    EV_REFUSED = "ditolak" / "refused";
    EV_UNREADABLE = "tidak terbaca" / "unreadable";
    EV_UNREFERENCED = "tidak dirujuk" / "unreferenced";
    // The award.
    AWARD = "Predikat" / "Award";
    AWARD_VERIFIED = "Predikat (hasil verifikasi)" / "Award (verified result)";
    ELIGIBLE = "MEMENUHI SYARAT" / "ELIGIBLE";
    NOT_ELIGIBLE = "BELUM MEMENUHI SYARAT" / "NOT ELIGIBLE";
    PASS_MARK = "batas total" / "pass mark";
    MIN_PER_CRITERION = "minimum per kriteria" / "minimum per criterion";
    MANDATORY_ALL_MET = "setiap indikator wajib terpenuhi" / "every mandatory indicator fully met";
    // Columns and headings.
    CRITERION = "Kriteria" / "Criterion";
    WEIGHT = "Bobot" / "Weight";
    SHARE = "Porsi %" / "Share %";
    SCORE = "Nilai" / "Score";
    MAX = "Maks" / "Max";
    COUNT_MET = "Penuh" / "Met";
    COUNT_PARTIAL = "Sebagian" / "Partial";
    COUNT_UNMET = "Tidak" / "Unmet";
    COUNT_MISSING = "Kosong" / "Missing";
    COUNT_UNSUPPORTED = "Tanpa bukti" / "Unsupported";
    COUNT_EXCLUDED = "Dikecualikan" / "Excluded";
    INDICATOR = "Indikator" / "Indicator";
    INDICATORS = "Indikator" / "Indicators";
    ANSWER = "Jawaban" / "Answer";
    VALUE = "Nilai" / "Value";
    EARNED = "Perolehan" / "Earned";
    TOTAL_POINTS = "Poin total" / "Total points";
    STATUS = "Status" / "Status";
    EVIDENCE = "Bukti" / "Evidence";
    POINTS = "Poin" / "Points";
    MET_LIST = "Terpenuhi" / "Met";
    NOT_MET_LIST = "Belum terpenuhi" / "Not met";
    GROUP = "Kelompok" / "Group";
    PRINCIPLE = "Asas" / "Principle";
    GAIN = "Tambahan poin" / "Points to gain";
    MANDATORY = "Wajib" / "Mandatory";
    MANDATORY_MARK = "* indikator wajib" / "* mandatory indicator";
    TOTAL = "Nilai total" / "Total";
    SCORES_PER_CRITERION = "Nilai per kriteria" / "Scores per criterion";
    VULNERABLE_GROUPS = "Kelompok rentan" / "Vulnerable groups";
    PRINCIPLES = "Asas pelayanan publik (UU 25/2009 Pasal 4)" / "Principles of public service (UU 25/2009 Art. 4)";
    IMPROVEMENT_PLAN = "Rencana tindak lanjut" / "Improvement plan";
    ALL_MET = "Semua indikator terpenuhi." / "Every indicator is met.";
    COMPUTED_WITH = "Dihitung dengan model" / "Computed with model";
    ROUNDED_ONCE = "nilai dibulatkan sekali ke 2 desimal" / "figures rounded once to 2 decimals";
    UNROUNDED_TOTAL = "nilai total tanpa pembulatan" / "unrounded total";
    PASS_MARK_KEY = "Batas kelulusan" / "Pass mark";
    PASS_MARK_SHORT = "batas" / "pass mark";
    EVIDENCE_PHOTOS = "Foto dan data dukung" / "Photos and evidence";
    NOT_A_PICTURE = "tidak dapat ditampilkan sebagai gambar" / "cannot be shown as a picture";
    EVIDENCE_BESIDE = "Foto operator dan tim verifikasi per indikator" / "The operator's and the verification team's photos per indicator";
    BY_OPERATOR = "Operator" / "Operator";
    BY_TEAM = "Tim verifikasi" / "Verification team";
    // Score.
    SCORE_TITLE = "Hasil Penilaian P2HAM" / "P2HAM Score";
    // Compare.
    COMPARE_TITLE = "Perbandingan Penilaian Mandiri dan Verifikasi P2HAM" / "P2HAM Self-assessment vs Verification";
    SELF = "Mandiri" / "Self";
    VERIFIED = "Verifikasi" / "Verified";
    DIFFERENCE = "Selisih" / "Difference";
    KIND = "Jenis" / "Kind";
    POINTS_LOST = "Selisih poin" / "Points lost";
    VERIFIER_NOTE = "Catatan verifikator" / "Verifier's note";
    UNIT_NA_REASON = "alasan N/A unit" / "unit's N/A reason";
    VERIFIER_NA_REASON = "alasan N/A verifikator" / "verifier's N/A reason";
    DISCREPANCIES = "Perbedaan per indikator" / "Discrepancies";
    NO_DISCREPANCIES = "Tidak ada perbedaan." / "None.";
    POINTS_PER_KIND = "Selisih poin per jenis" / "Points lost per kind";
    TOTAL_SELF = "Nilai total mandiri" / "Self-assessed total";
    TOTAL_VERIFIED = "Nilai total verifikasi" / "Verified total";
    TOTAL_DIFF = "Selisih nilai total" / "Difference of the totals";
    LOST_TO_OVERCLAIMS = "Nilai yang hilang karena klaim berlebih" / "Score lost to overclaims";
    INDICATORS_COMPARED = "Indikator dibandingkan" / "Indicators compared";
    INDICATORS_AGREED = "Indikator sama" / "Indicators agreed";
    INDICATORS_DIFFER = "Indikator berbeda" / "Indicators that differ";
    // Letter.
    LETTER_SUBJECT = "Pelayanan Publik Berbasis Hak Asasi Manusia (P2HAM)" / "Human-rights-based public service (P2HAM)";
    VERIFICATION_TEAM = "Tim Verifikator" / "Verification team";
    TEAM_OF = "Tim Verifikator" / "the verification team of";
    TEAM_PLAIN = "Tim Verifikator" / "the verification team";
    IDENTIFICATION = "Identitas" / "Identification";
    RESULT = "Hasil evaluasi" / "Result";
    AWARD_RULE = "Syarat predikat" / "Award rule";
    LETTER_DIFFERENCES = "Perbedaan antara penilaian mandiri dan hasil verifikasi" / "Differences between the self-assessment and the verification";
    LETTER_AGREES = "Hasil verifikasi sama dengan penilaian mandiri pada setiap indikator." / "The verification agrees with the self-assessment on every indicator.";
    LETTER_ELIGIBLE = "Kesimpulan: berdasarkan hasil verifikasi, unit ini MEMENUHI SYARAT untuk memperoleh predikat Pelayanan Publik Berbasis HAM." / "Conclusion: on the verified result, the unit is ELIGIBLE for the human-rights-based public service award (predikat P2HAM).";
    LETTER_NOT_ELIGIBLE = "Kesimpulan: berdasarkan hasil verifikasi, unit ini BELUM MEMENUHI SYARAT untuk memperoleh predikat Pelayanan Publik Berbasis HAM, dengan alasan sebagai berikut:" / "Conclusion: on the verified result, the unit is NOT ELIGIBLE for the human-rights-based public service award (predikat P2HAM), for the following reasons:";
    VERIFIES_MATCHES = "Hasil verifikasi merujuk penilaian mandiri di atas (verifies cocok)." / "The verification names the self-assessment above (verifies matches).";
    VERIFIES_ABSENT = "Hasil verifikasi tidak mencantumkan digest penilaian mandiri (verifies)." / "The verification does not name the self-assessment's digest (verifies).";
    NO_TEAM = "(anggota tim tidak dicantumkan)" / "(no team members given)";
    NUMBER = "No." / "No.";
    NAME = "Nama" / "Name";
    ROLE = "Peran" / "Role";
    SIGNATURE = "Tanda tangan" / "Signature";
    VERIFICATION_DOC = "Hasil verifikasi" / "Verification";
    SELF_DOC = "Penilaian mandiri" / "Self-assessment";
    POINTS_WORD = "poin" / "points";
    // Roll-up.
    ROLLUP_TITLE = "Rekap P2HAM" / "P2HAM roll-up";
    RECORDS_READ = "Rekaman dibaca" / "Records read";
    UNITS_COUNTED = "Unit dihitung" / "Units counted";
    RECORDS_INVALID = "Rekaman tidak sah" / "Invalid records";
    DUPLICATES_NOT_COUNTED = "Duplikat tidak dihitung" / "Duplicates not counted";
    OTHER_STAGE_SKIPPED = "Dari tahap lain dilewati" / "Of another stage skipped";
    AREA = "Wilayah" / "Area";
    NATIONAL = "NASIONAL" / "NATIONAL";
    ELIGIBLE_COL = "Layak" / "Eligible";
    ELIGIBLE_PCT = "Layak %" / "Eligible %";
    MEAN = "Rata-rata" / "Mean";
    MEDIAN = "Median" / "Median";
    SUMMARY_PER_OFFICE = "Ringkasan per kanwil" / "Summary per office";
    NATIONAL_DISTRIBUTION = "Sebaran nilai nasional" / "National distribution";
    RANK = "Peringkat" / "Rank";
    MAIN_GAP = "Celah utama" / "Main gap";
    UNIT_RANKING = "Peringkat unit" / "Unit ranking";
    APPLIES = "Berlaku" / "Applies";
    GAP_ANALYSIS = "Analisis celah per indikator" / "Gap analysis per indicator";
    GROUP_FACILITIES = "Fasilitas kelompok rentan" / "Facilities for vulnerable groups";
    ALL_MET_COL = "Semua terpenuhi" / "All met";
    DUPLICATES = "Duplikat" / "Duplicates";
    KEPT = "Dihitung" / "Kept";
    IGNORED = "Diabaikan" / "Ignored";
    UNITS_WORD = "unit" / "units";
    // SKM.
    SKM_TITLE = "Indeks Kepuasan Masyarakat (SKM) — PermenPANRB 14/2017" / "Public satisfaction index (SKM) — PermenPANRB 14/2017";
    ELEMENT_WEIGHT = "Bobot unsur" / "Element weight";
    RESPONDENTS = "Responden" / "Respondents";
    ELEMENT = "Unsur" / "Element";
    ANSWERS = "Jawaban" / "Answers";
    BLANK = "Kosong" / "Blank";
    SUM = "Jumlah" / "Sum";
    ELEMENT_INDEX = "IKM unsur" / "Element index";
    WEIGHTED_NRR = "Σ NRR × bobot" / "Σ NRR × weight";
    UNROUNDED_INDEX = "IKM tanpa pembulatan" / "Unrounded index";
    SERVICE_QUALITY = "Mutu pelayanan" / "Service quality";
    PERFORMANCE = "Kinerja" / "Performance";
    WEAKEST = "Unsur terlemah (*)" / "Weakest element (*)";
    BLANK_VALUE = "(kosong)" / "(blank)";
    WEIGHTS_EXACT = "1/9 (tepat)" / "1/9 (exact)";
    WEIGHTS_0111 = "0.111 (sesuai naskah peraturan)" / "0.111 (as printed in the regulation)";
    WEIGHTS_01111 = "0.1111 (kebiasaan lembar kerja)" / "0.1111 (spreadsheet practice)";
    ELEMENTS_SHEET = "Unsur" / "Elements";
    // Evidence check.
    EVIDENCE_TITLE = "Pemeriksaan Data Dukung P2HAM" / "P2HAM Evidence Check";
    EVIDENCE_FOLDER = "Folder data dukung" / "Evidence folder";
    CHECK_RESULT = "Hasil" / "Result";
    OK = "OK" / "OK";
    FAILED = "GAGAL" / "FAILED";
    DETAIL = "Keterangan" / "Detail";
    FILES = "Berkas" / "Files";
    // Validation.
    VALIDATION_TITLE = "Validasi Dokumen P2HAM" / "P2HAM Document Validation";
    SUMMARY = "Ringkasan" / "Summary";
}

/// The months, January first.
pub const MONTHS: [Phrase; 12] = [
    Phrase {
        id: "Januari",
        en: "January",
    },
    Phrase {
        id: "Februari",
        en: "February",
    },
    Phrase {
        id: "Maret",
        en: "March",
    },
    Phrase {
        id: "April",
        en: "April",
    },
    Phrase { id: "Mei", en: "May" },
    Phrase {
        id: "Juni",
        en: "June",
    },
    Phrase {
        id: "Juli",
        en: "July",
    },
    Phrase {
        id: "Agustus",
        en: "August",
    },
    Phrase {
        id: "September",
        en: "September",
    },
    Phrase {
        id: "Oktober",
        en: "October",
    },
    Phrase {
        id: "November",
        en: "November",
    },
    Phrase {
        id: "Desember",
        en: "December",
    },
];

/// An indicator status in words.
pub fn status(s: IndicatorStatus) -> Phrase {
    match s {
        IndicatorStatus::Met => MET,
        IndicatorStatus::Partial => PARTIAL,
        IndicatorStatus::Unmet => UNMET,
        IndicatorStatus::Missing => MISSING,
        IndicatorStatus::Unsupported => UNSUPPORTED,
        IndicatorStatus::Excluded => EXCLUDED,
    }
}

/// A stage in words.
pub fn stage(s: Stage) -> Phrase {
    match s {
        Stage::SelfAssessment => STAGE_SELF,
        Stage::Verification => STAGE_VERIFICATION,
    }
}

/// A discrepancy kind in words.
pub fn kind(k: DiscrepancyKind) -> Phrase {
    match k {
        DiscrepancyKind::Overclaim => OVERCLAIM,
        DiscrepancyKind::Underclaim => UNDERCLAIM,
        DiscrepancyKind::NaDisputed => NA_DISPUTED,
        DiscrepancyKind::Unverified => UNVERIFIED,
        DiscrepancyKind::EvidenceDiffers => EVIDENCE_DIFFERS,
    }
}

/// An evidence status in words.
pub fn evidence_status(s: EvidenceStatus) -> Phrase {
    match s {
        EvidenceStatus::Present => EV_PRESENT,
        EvidenceStatus::PresentUnhashed => EV_PRESENT_UNHASHED,
        EvidenceStatus::Missing => EV_MISSING,
        EvidenceStatus::Altered => EV_ALTERED,
        EvidenceStatus::Refused => EV_REFUSED,
        EvidenceStatus::Unreadable => EV_UNREADABLE,
        EvidenceStatus::Unreferenced => EV_UNREFERENCED,
    }
}

/// The award rule in one wording, used by every report: `batas total 75,
/// minimum per kriteria 60, setiap indikator wajib terpenuhi`.
pub fn award_rule(award: &Award, lang: Lang) -> String {
    let mut rule = format!("{} {}", PASS_MARK.get(lang), award.min_total);
    if let Some(m) = award.min_criterion {
        let _ = write!(rule, ", {} {m}", MIN_PER_CRITERION.get(lang));
    }
    rule.push_str(", ");
    rule.push_str(MANDATORY_ALL_MET.get(lang));
    rule
}

/// The award decision in words.
pub fn decision(eligible: bool) -> Phrase {
    if eligible {
        ELIGIBLE
    } else {
        NOT_ELIGIBLE
    }
}

// The award cycle: decisions, the award report, the decree annex, the history.
phrases! {
    DECISION_RETAINED = "mempertahankan predikat" / "retained";
    DECISION_GAINED = "memperoleh predikat" / "gained";
    DECISION_LOST = "kehilangan predikat" / "lost";
    DECISION_NOT_AWARDED = "tidak memperoleh predikat" / "not awarded";
    DECISION_NOT_EVALUATED = "tidak dievaluasi" / "not evaluated";
    DECISION_EXCLUDED = "dikeluarkan" / "excluded";
    DECISION_NOT_RECORDED = "(tidak dicatat)" / "(not recorded)";
    COUNT_RETAINED = "Dipertahankan" / "Retained";
    COUNT_GAINED = "Diperoleh" / "Gained";
    COUNT_LOST = "Hilang" / "Lost";
    COUNT_NOT_AWARDED = "Tidak diberikan" / "Not awarded";
    COUNT_NOT_EVALUATED = "Tidak dievaluasi" / "Not evaluated";
    COUNT_EXCLUDED_UNITS = "Dikeluarkan" / "Excluded";
    AWARD_TITLE = "Penetapan predikat P2HAM" / "P2HAM predikat decision";
    AGAINST_PREVIOUS = "Dibandingkan dengan daftar periode" / "Against the award list of period";
    NO_PREVIOUS = "tidak ada: setiap unit memperoleh atau tidak memperoleh predikat" / "none: every unit gains the predikat or is not awarded";
    DECREE = "Keputusan" / "Decree";
    DECREE_DATE = "Tanggal keputusan" / "Date of the decree";
    DECREE_ISSUER = "Ditetapkan oleh" / "Issued by";
    DECREE_NOT_SET = "(nomor dan tanggal belum ditetapkan)" / "(number and date not yet set)";
    DECISION_PER_UNIT = "Keputusan per unit" / "Decision per unit";
    DECISION_COL = "Keputusan" / "Decision";
    ELIGIBLE_SHORT = "Memenuhi syarat" / "Eligible";
    REASONS_AND_NOTES = "Alasan dan catatan" / "Reasons and notes";
    NOTE_WORD = "catatan" / "note";
    SUMMARY_PER_KANWIL = "Ringkasan per Kanwil" / "Summary per Kanwil";
    SUMMARY_PER_KIND = "Ringkasan per jenis unit" / "Summary per unit kind";
    SCOPE = "Cakupan" / "Scope";
    PREDIKAT_COL = "Predikat" / "Predikat";
    ANNEX_TITLE = "LAMPIRAN KEPUTUSAN PENETAPAN PREDIKAT P2HAM" / "ANNEX TO THE P2HAM PREDIKAT DECREE";
    ANNEX_INTRO = "Daftar unit pelayanan yang memperoleh predikat Pelayanan Publik Berbasis Hak Asasi Manusia (P2HAM)" / "Service units granted the predikat of human-rights-based public service (P2HAM)";
    ANNEX_COUNT = "Jumlah" / "Total";
    ANNEX_UNITS = "unit" / "unit(s)";
    ANNEX_OFFICES = "Kanwil" / "regional office(s)";
    NAME_COL = "Nama" / "Name";
    UNIT_NAME = "Nama unit" / "Unit";
    KIND_SHORT = "Jenis" / "Kind";
    NO_COL = "No" / "No";
    HISTORY_TITLE = "Riwayat P2HAM" / "P2HAM history";
    PERIODS = "Periode" / "Periods";
    CHANGE = "Selisih" / "Change";
    NOT_COMPARABLE = "tidak sebanding" / "not comparable";
    IKM_BAND = "IKM (mutu)" / "IKM (band)";
    NOTES = "Catatan" / "Notes";
    CURRENT_STREAK = "Predikat berturut-turut saat ini" / "Current streak";
    LONGEST_STREAK = "Terpanjang" / "Longest streak";
}

/// An award decision in words.
pub fn award_decision(d: p2ham_model::Decision) -> Phrase {
    use p2ham_model::Decision;
    match d {
        Decision::Retained => DECISION_RETAINED,
        Decision::Gained => DECISION_GAINED,
        Decision::Lost => DECISION_LOST,
        Decision::NotAwarded => DECISION_NOT_AWARDED,
        Decision::NotEvaluated => DECISION_NOT_EVALUATED,
        Decision::Excluded => DECISION_EXCLUDED,
    }
}

/// The column heading of a count of one decision.
pub fn decision_count(d: p2ham_model::Decision) -> Phrase {
    use p2ham_model::Decision;
    match d {
        Decision::Retained => COUNT_RETAINED,
        Decision::Gained => COUNT_GAINED,
        Decision::Lost => COUNT_LOST,
        Decision::NotAwarded => COUNT_NOT_AWARDED,
        Decision::NotEvaluated => COUNT_NOT_EVALUATED,
        Decision::Excluded => COUNT_EXCLUDED_UNITS,
    }
}

phrases! {
    DIFF_TITLE = "Perbedaan Instrumen P2HAM" / "P2HAM Instrument Difference";
    DIFF_FROM = "Dari" / "From";
    DIFF_TO = "Menjadi" / "To";
    DIFF_ADDED = "ditambahkan" / "added";
    DIFF_REMOVED = "dihapus" / "removed";
    DIFF_CHANGED = "diubah" / "changed";
    DIFF_UNCHANGED = "tetap" / "unchanged";
    DIFF_CHANGE = "Perubahan" / "Change";
    DIFF_WHAT = "Yang berbeda" / "What differs";
    DIFF_FIELD = "Isian" / "Field";
    DIFF_NONE = "Tidak ada perbedaan." / "No difference.";
    DIFF_SCALES = "Skala jawaban" / "Answer scales";
    DIFF_CRITERIA = "Kriteria" / "Criteria";
    DIFF_INDICATORS = "Indikator" / "Indicators";
    DIFF_SAME_SCORING = "Setiap unit mendapat nilai yang sama dengan kedua instrumen (hanya judul, label atau catatan yang berbeda)." / "Every unit scores the same under both instruments (only titles, labels or notes differ).";
    DIFF_OTHER_SCORING = "Nilai unit dapat berbeda: bobot, skala, keberlakuan, indikator wajib atau syarat penghargaan berubah." / "Units may score differently: weights, scales, applicability, mandatory indicators or the award rule changed.";
}
