//! The public record of a period: what a published decree lets anyone read
//! about each unit of its award list, and nothing more.
//!
//! Built from the decreed award list and each evaluated unit's verified score
//! report (no I/O here): the unit's name, kind and Kanwil, the decision and
//! predikat, the decree, the verified total and per-criterion scores, and the
//! indicators the verification found fully met with the vulnerable groups
//! they serve. Never notes, comments, people's names, self-assessment
//! figures, justifications or evidence: none of those is copied.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{AwardList, AwardReasonCode, Decimal, Decision, Decree, Text, VulnerableGroup};
use crate::scoring::{IndicatorStatus, ScoreReport};

/// The `format` of the public record of a period's units.
pub const PUBLIC_UNITS_FORMAT: &str = "p2ham-public-units/1";

/// The format tag of [`PublicUnits`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum PublicUnitsFormat {
    /// Format version 1.
    #[default]
    #[serde(rename = "p2ham-public-units/1")]
    V1,
}

/// The public record of one published period (`"format": "p2ham-public-units/1"`):
/// one record per unit of the decreed award list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(
    feature = "schema",
    schemars(title = "P2HAM public record of a period's units")
)]
pub struct PublicUnits {
    /// Always `p2ham-public-units/1`.
    pub format: PublicUnitsFormat,
    /// The evaluation period, e.g. `2023`.
    pub period: String,
    /// The decree that fixed the award list.
    pub decree: Decree,
    /// When the period was published, RFC 3339 (UTC).
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
    pub published_at: String,
    /// The licence of this data, as an SPDX id (`CC-BY-4.0`).
    pub licence: String,
    /// The signed decree (a PDF) the publication fixed, when one was
    /// uploaded: served beside this file as `keputusan.pdf`; its digest lets
    /// anyone check the copy they hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decree_document: Option<PublicDocument>,
    /// One record per unit of the award list, in the list's order.
    pub units: Vec<PublicUnit>,
}

/// A file published beside the record, named by its digest and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PublicDocument {
    /// Lowercase hex SHA-256 of the file's bytes.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::model::SHA256_PATTERN)))]
    pub sha256: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// What is public about one unit in one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PublicUnit {
    /// Unit id, e.g. `kanim-sampit`.
    pub id: String,
    /// Official name.
    pub name: String,
    /// Kind of unit, e.g. `kanim`.
    pub kind: String,
    /// The supervising office (Kanwil), one per province.
    pub office: Option<String>,
    /// Whether the unit holds the predikat after this period.
    pub predikat: bool,
    /// The decision relative to the previous list (`retained`, `gained`, `lost`, …).
    pub decision: Option<Decision>,
    /// The verified total 0–100 (2 decimals); `null` without a verified result.
    pub total: Option<Decimal>,
    /// The verified score of each criterion, in instrument order (empty without a verified result).
    pub criteria: Vec<PublicCriterion>,
    /// The indicators the verification found fully met, in instrument order.
    pub met: Vec<PublicIndicator>,
}

/// A criterion's verified score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PublicCriterion {
    /// Criterion id.
    pub id: String,
    /// Its title.
    pub title: Text,
    /// Score 0–100 (2 decimals); `null` when no indicator of it is included.
    pub score: Option<Decimal>,
}

/// An indicator (a facility or service) verified as fully met.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PublicIndicator {
    /// Indicator id.
    pub id: String,
    /// The criterion it belongs to.
    pub criterion: String,
    /// What it is, in plain words.
    pub title: Text,
    /// The vulnerable groups it serves (empty: everyone).
    pub groups: Vec<VulnerableGroup>,
    /// Photos of it a verifier marked public (absent: none): copies made
    /// without any of the original's metadata.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<PublicPhoto>,
}

/// A photo of a met indicator that a verifier marked public, attesting that
/// it shows no face, no person's name and no personal document. The copy
/// published is the photo decoded and encoded again (JPEG), so it carries no
/// metadata of the original (no EXIF, no GPS position).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PublicPhoto {
    /// Lowercase hex SHA-256 of the public copy (a JPEG, served at `/publik/foto/{sha256}.jpg`).
    #[cfg_attr(feature = "schema", schemars(pattern(crate::model::SHA256_PATTERN)))]
    pub sha256: String,
    /// What it shows, in the verifier's words (never an answer's notes), at
    /// most 200 characters.
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = 200)))]
    pub caption: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl PublicUnits {
    /// Attach a public photo to a unit's met indicator; `false` (and nothing
    /// attached) when the unit is not listed or the indicator was not verified as met.
    pub fn attach_photo(&mut self, unit: &str, indicator: &str, photo: PublicPhoto) -> bool {
        let Some(i) = self
            .units
            .iter_mut()
            .find(|u| u.id == unit)
            .and_then(|u| u.met.iter_mut().find(|i| i.id == indicator))
        else {
            return false;
        };
        if !i.photos.iter().any(|p| p.sha256 == photo.sha256) {
            i.photos.push(photo);
        }
        true
    }

    /// The digests of every public photo of the record.
    pub fn photo_digests(&self) -> impl Iterator<Item = &str> + '_ {
        self.units
            .iter()
            .flat_map(|u| u.met.iter())
            .flat_map(|i| i.photos.iter())
            .map(|p| p.sha256.as_str())
    }
}

/// The most characters a public photo's caption may have.
pub const PUBLIC_CAPTION_MAX_CHARS: usize = 200;

/// The licence of the published data.
pub const PUBLIC_LICENCE: &str = "CC-BY-4.0";

/// The award list as the public may read it: the decreed list with the
/// evaluator's own words taken out of an exclusion's reason (the code, and
/// that the evaluator struck the unit off, stay), and the evaluation's other
/// evidence (the IKM, the Zona Integritas status, complaint figures) reduced
/// to which gate was not met: a gate's figures and the notes of gates met are
/// not part of the public record.
pub fn public_award_list(list: &AwardList) -> AwardList {
    let mut out = list.clone();
    for e in &mut out.units {
        e.notes.clear();
        for r in &mut e.reasons {
            let (id, en) = match r.code {
                AwardReasonCode::Excluded => ("Dikeluarkan oleh evaluator", "Struck off by the evaluator"),
                AwardReasonCode::ComponentMissing => (
                    "Bukti evaluasi lain yang disyaratkan tidak tercatat",
                    "Other evidence the rule requires was not recorded",
                ),
                AwardReasonCode::IkmBelowMinimum => (
                    "Indeks Kepuasan Masyarakat di bawah syarat periode",
                    "Satisfaction index below the period's requirement",
                ),
                AwardReasonCode::ZonaIntegritasBelowMinimum => (
                    "Status Zona Integritas di bawah syarat periode",
                    "Zona Integritas status below the period's requirement",
                ),
                AwardReasonCode::OmbudsmanUnresolved => (
                    "Temuan Ombudsman belum diselesaikan",
                    "Unresolved Ombudsman findings",
                ),
                AwardReasonCode::ElaporUnresolved => (
                    "Pengaduan e-Lapor belum diselesaikan",
                    "Unresolved e-Lapor complaints",
                ),
                AwardReasonCode::CompositeBelowMinimum => (
                    "Nilai gabungan di bawah syarat periode",
                    "Composite score below the period's requirement",
                ),
                _ => continue,
            };
            r.message = Text {
                id: id.into(),
                en: Some(en.into()),
            };
            r.actual = None;
            r.required = None;
        }
    }
    out
}

/// The public record of a decreed list: `scores` holds the verified score
/// report of each unit that has one, by unit id. A list without a decree is
/// not public; `None` then.
pub fn public_units(
    list: &AwardList,
    scores: &BTreeMap<String, ScoreReport>,
    published_at: &str,
) -> Option<PublicUnits> {
    let decree = list.decree.clone()?;
    let units = list
        .units
        .iter()
        .map(|e| {
            let report = scores.get(&e.unit.id);
            PublicUnit {
                id: e.unit.id.clone(),
                name: e.unit.name.clone(),
                kind: e.unit.kind.clone(),
                office: e.unit.office.clone(),
                predikat: e.predikat,
                decision: e.decision,
                total: e.total,
                criteria: report.map_or_else(Vec::new, |r| {
                    r.criteria
                        .iter()
                        .map(|c| PublicCriterion {
                            id: c.id.clone(),
                            title: c.title.clone(),
                            score: c.score,
                        })
                        .collect()
                }),
                met: report.map_or_else(Vec::new, met_indicators),
            }
        })
        .collect();
    Some(PublicUnits {
        format: PublicUnitsFormat::V1,
        period: list.period.clone(),
        decree,
        published_at: published_at.to_owned(),
        licence: PUBLIC_LICENCE.to_owned(),
        decree_document: None,
        units,
    })
}

/// The fully met indicators of a score report, with the groups they serve.
fn met_indicators(r: &ScoreReport) -> Vec<PublicIndicator> {
    let mut out = Vec::new();
    for c in &r.criteria {
        for i in c.indicators.iter().filter(|i| i.status == IndicatorStatus::Met) {
            let groups = r
                .groups
                .iter()
                .filter(|g| g.met.iter().chain(&g.not_met).any(|m| *m == i.id))
                .map(|g| g.id)
                .collect();
            out.push(PublicIndicator {
                id: i.id.clone(),
                criterion: c.id.clone(),
                title: i.title.clone(),
                groups,
                photos: Vec::new(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AwardEntry, AwardReason, Unit};

    fn entry(id: &str, reason: Option<AwardReason>) -> AwardEntry {
        AwardEntry {
            unit: Unit {
                id: id.into(),
                name: format!("Unit {id}"),
                kind: "kanim".into(),
                office: Some("Kanwil X".into()),
            },
            instrument: None,
            total: None,
            eligible: false,
            predikat: false,
            decision: Some(Decision::Excluded),
            reasons: reason.into_iter().collect(),
            notes: Vec::new(),
            rests_on: Vec::new(),
        }
    }

    #[test]
    fn the_other_evidence_is_public_only_as_the_gate_not_met() {
        let gate = |code, actual: &str, required: &str, message: &str| AwardReason {
            code,
            criterion: None,
            indicator: None,
            actual: Some(actual.parse().unwrap()),
            required: Some(required.parse().unwrap()),
            message: Text::id(message),
        };
        let mut e = entry("lapas", None);
        e.reasons = vec![
            gate(
                AwardReasonCode::OmbudsmanUnresolved,
                "3",
                "0",
                "3 temuan Ombudsman belum selesai",
            ),
            gate(
                AwardReasonCode::TotalBelowPassMark,
                "79.58",
                "80",
                "Nilai 79,58 di bawah 80",
            ),
        ];
        e.notes = vec![gate(
            AwardReasonCode::GateMet,
            "87.09",
            "76.61",
            "IKM 87,09 (B) memenuhi",
        )];
        let mut list: AwardList = serde_json::from_value(serde_json::json!({
            "format": "p2ham-awards/1", "period": "2023", "units": []
        }))
        .unwrap();
        list.units.push(e);
        let public = public_award_list(&list);
        let text = serde_json::to_string(&public).unwrap();
        for secret in ["87.09", "87,09", "3 temuan", "\"3\""] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        let unit = &public.units[0];
        assert!(unit.notes.is_empty());
        assert_eq!(unit.reasons[0].code, AwardReasonCode::OmbudsmanUnresolved);
        assert_eq!(unit.reasons[0].message.id, "Temuan Ombudsman belum diselesaikan");
        // The verified total is public, so its reason keeps its figures.
        assert_eq!(unit.reasons[1].actual, Some("79.58".parse().unwrap()));
    }

    #[test]
    fn an_exclusion_reason_loses_the_evaluators_words_and_a_list_without_decree_is_not_public() {
        let reason = AwardReason {
            code: AwardReasonCode::Excluded,
            criterion: None,
            indicator: None,
            actual: None,
            required: None,
            message: Text::id("Dikeluarkan oleh evaluator: dalam pemeriksaan Itjen"),
        };
        let mut list: AwardList = serde_json::from_value(serde_json::json!({
            "format": "p2ham-awards/1", "period": "2023", "units": []
        }))
        .unwrap();
        list.units.push(entry("a", Some(reason)));
        let public = public_award_list(&list);
        assert_eq!(
            public.units[0].reasons[0].message.id,
            "Dikeluarkan oleh evaluator"
        );
        assert_eq!(public.units[0].reasons[0].code, AwardReasonCode::Excluded);
        assert!(public_units(&list, &BTreeMap::new(), "2024-01-01T00:00:00Z").is_none());
        list.decree = Some(Decree {
            number: "M.HH-01".into(),
            date: Some("2023-12-10".into()),
            issuer: None,
        });
        let units = public_units(&list, &BTreeMap::new(), "2024-01-01T00:00:00Z").unwrap();
        assert_eq!(units.units.len(), 1);
        assert!(units.units[0].criteria.is_empty() && units.units[0].met.is_empty());
        assert_eq!(units.licence, "CC-BY-4.0");
    }

    #[test]
    fn a_photo_attaches_only_to_a_met_indicator_and_a_record_without_photos_reads_as_before() {
        let mut units: PublicUnits = serde_json::from_value(serde_json::json!({
            "format": "p2ham-public-units/1", "period": "2023",
            "decree": {"number": "M.HH-01"}, "published_at": "2024-01-01T00:00:00Z",
            "licence": "CC-BY-4.0",
            "units": [{"id": "a", "name": "Unit a", "kind": "kanim", "office": null, "predikat": true,
                "decision": "gained", "total": "90.00", "criteria": [],
                "met": [{"id": "A.03", "criterion": "A", "title": {"id": "Ramp"}, "groups": []}]}]
        }))
        .expect("a record of version 1 without photos");
        let photo = |sha: &str| PublicPhoto {
            sha256: sha.repeat(64),
            caption: "Ramp at the entrance".into(),
            width: 1600,
            height: 1200,
        };
        let before = serde_json::to_string(&units).unwrap();
        assert!(!before.contains("photos"), "no photos: the field is left out");
        assert!(!units.attach_photo("a", "A.04", photo("b")), "not met");
        assert!(!units.attach_photo("z", "A.03", photo("b")), "not listed");
        assert_eq!(serde_json::to_string(&units).unwrap(), before);
        assert!(units.attach_photo("a", "A.03", photo("c")));
        assert!(units.attach_photo("a", "A.03", photo("c")), "the same photo once");
        assert_eq!(units.units[0].met[0].photos.len(), 1);
        assert_eq!(units.photo_digests().collect::<Vec<_>>(), ["c".repeat(64)]);
        let again: PublicUnits = serde_json::from_str(&serde_json::to_string(&units).unwrap()).unwrap();
        assert_eq!(again, units);
    }
}
