//! Closed vocabularies of the domain: principles of public service, vulnerable
//! groups, evidence requirements, assessment stages.

use serde::{Deserialize, Serialize};

use crate::Lang;

/// The principles of public service of UU 25/2009 Pasal 4 (a–l).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Principle {
    /// a. kepentingan umum (public interest).
    KepentinganUmum,
    /// b. kepastian hukum (legal certainty).
    KepastianHukum,
    /// c. kesamaan hak (equal rights).
    KesamaanHak,
    /// d. keseimbangan hak dan kewajiban (balance of rights and obligations).
    KeseimbanganHakKewajiban,
    /// e. keprofesionalan (professionalism).
    Keprofesionalan,
    /// f. partisipatif (participation).
    Partisipatif,
    /// g. persamaan perlakuan/tidak diskriminatif (equal treatment, non-discrimination).
    PersamaanPerlakuan,
    /// h. keterbukaan (openness).
    Keterbukaan,
    /// i. akuntabilitas (accountability).
    Akuntabilitas,
    /// j. fasilitas dan perlakuan khusus bagi kelompok rentan (facilities and special treatment for vulnerable groups).
    FasilitasKelompokRentan,
    /// k. ketepatan waktu (timeliness).
    KetepatanWaktu,
    /// l. kecepatan, kemudahan, dan keterjangkauan (speed, ease and affordability).
    KecepatanKemudahanKeterjangkauan,
}

impl Principle {
    /// All twelve principles, in the order of Pasal 4.
    pub const ALL: [Principle; 12] = [
        Principle::KepentinganUmum,
        Principle::KepastianHukum,
        Principle::KesamaanHak,
        Principle::KeseimbanganHakKewajiban,
        Principle::Keprofesionalan,
        Principle::Partisipatif,
        Principle::PersamaanPerlakuan,
        Principle::Keterbukaan,
        Principle::Akuntabilitas,
        Principle::FasilitasKelompokRentan,
        Principle::KetepatanWaktu,
        Principle::KecepatanKemudahanKeterjangkauan,
    ];

    /// The id used in documents, e.g. `kepastian_hukum`.
    pub fn as_str(self) -> &'static str {
        match self {
            Principle::KepentinganUmum => "kepentingan_umum",
            Principle::KepastianHukum => "kepastian_hukum",
            Principle::KesamaanHak => "kesamaan_hak",
            Principle::KeseimbanganHakKewajiban => "keseimbangan_hak_kewajiban",
            Principle::Keprofesionalan => "keprofesionalan",
            Principle::Partisipatif => "partisipatif",
            Principle::PersamaanPerlakuan => "persamaan_perlakuan",
            Principle::Keterbukaan => "keterbukaan",
            Principle::Akuntabilitas => "akuntabilitas",
            Principle::FasilitasKelompokRentan => "fasilitas_kelompok_rentan",
            Principle::KetepatanWaktu => "ketepatan_waktu",
            Principle::KecepatanKemudahanKeterjangkauan => "kecepatan_kemudahan_keterjangkauan",
        }
    }

    /// The principle's name in the chosen language.
    pub fn label(self, lang: Lang) -> &'static str {
        let (id, en) = match self {
            Principle::KepentinganUmum => ("Kepentingan umum", "Public interest"),
            Principle::KepastianHukum => ("Kepastian hukum", "Legal certainty"),
            Principle::KesamaanHak => ("Kesamaan hak", "Equal rights"),
            Principle::KeseimbanganHakKewajiban => (
                "Keseimbangan hak dan kewajiban",
                "Balance of rights and obligations",
            ),
            Principle::Keprofesionalan => ("Keprofesionalan", "Professionalism"),
            Principle::Partisipatif => ("Partisipatif", "Participation"),
            Principle::PersamaanPerlakuan => (
                "Persamaan perlakuan/tidak diskriminatif",
                "Equal treatment, non-discrimination",
            ),
            Principle::Keterbukaan => ("Keterbukaan", "Openness"),
            Principle::Akuntabilitas => ("Akuntabilitas", "Accountability"),
            Principle::FasilitasKelompokRentan => (
                "Fasilitas dan perlakuan khusus bagi kelompok rentan",
                "Facilities and special treatment for vulnerable groups",
            ),
            Principle::KetepatanWaktu => ("Ketepatan waktu", "Timeliness"),
            Principle::KecepatanKemudahanKeterjangkauan => (
                "Kecepatan, kemudahan, dan keterjangkauan",
                "Speed, ease and affordability",
            ),
        };
        lang.pick(id, en)
    }
}

/// The vulnerable groups (kelompok rentan) of Permenkumham 25/2023 Pasal 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum VulnerableGroup {
    /// Lanjut usia: older persons.
    LanjutUsia,
    /// Anak: children.
    Anak,
    /// Wanita hamil dan menyusui: pregnant and breastfeeding women.
    WanitaHamilMenyusui,
    /// Penyandang disabilitas: persons with disabilities.
    PenyandangDisabilitas,
}

impl VulnerableGroup {
    /// All four groups.
    pub const ALL: [VulnerableGroup; 4] = [
        VulnerableGroup::LanjutUsia,
        VulnerableGroup::Anak,
        VulnerableGroup::WanitaHamilMenyusui,
        VulnerableGroup::PenyandangDisabilitas,
    ];

    /// The id used in documents, e.g. `penyandang_disabilitas`.
    pub fn as_str(self) -> &'static str {
        match self {
            VulnerableGroup::LanjutUsia => "lanjut_usia",
            VulnerableGroup::Anak => "anak",
            VulnerableGroup::WanitaHamilMenyusui => "wanita_hamil_menyusui",
            VulnerableGroup::PenyandangDisabilitas => "penyandang_disabilitas",
        }
    }

    /// The group's name in the chosen language.
    pub fn label(self, lang: Lang) -> &'static str {
        let (id, en) = match self {
            VulnerableGroup::LanjutUsia => ("Lanjut usia", "Older persons"),
            VulnerableGroup::Anak => ("Anak", "Children"),
            VulnerableGroup::WanitaHamilMenyusui => {
                ("Wanita hamil dan menyusui", "Pregnant and breastfeeding women")
            }
            VulnerableGroup::PenyandangDisabilitas => ("Penyandang disabilitas", "Persons with disabilities"),
        };
        lang.pick(id, en)
    }
}

/// Whether an indicator's answer must be supported by evidence (data dukung).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EvidenceRequirement {
    /// A positive answer without evidence is an unsupported claim.
    Required,
    /// Evidence may be attached.
    #[default]
    Optional,
    /// No evidence is expected.
    None,
}

/// The stage of an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The unit's own self-assessment (penilaian mandiri).
    #[serde(rename = "self")]
    SelfAssessment,
    /// The regional team's verification (verifikasi) of a self-assessment.
    Verification,
}

impl Stage {
    /// The id used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::SelfAssessment => "self",
            Stage::Verification => "verification",
        }
    }
}

/// How a positive answer without required evidence counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnsupportedClaims {
    /// It earns nothing and is reported as `unsupported` (the default).
    #[default]
    Zero,
    /// It earns its value, and is still reported as `unsupported`.
    Count,
}
