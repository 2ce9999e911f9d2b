//! The evaluation's other evidence, declared: a period's award rule
//! (`"format": "p2ham-award-rule/1"`) sets gates and weights over the unit's
//! Zona Integritas status, its satisfaction index (IKM, from the SKM) and its
//! complaints (Ombudsman findings, e-Lapor complaints) beside the P2HAM
//! verified result; the figures of each unit for a period are an award
//! components document (`"format": "p2ham-award-components/1"`).
//!
//! Both are data: the decision that applies them lives in `p2ham-scoring`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{Code, Diagnostic};

/// The `format` tag of a period's award rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum AwardRuleFormat {
    /// Format version 1.
    #[default]
    #[serde(rename = "p2ham-award-rule/1")]
    V1,
}

/// The `format` tag of an award components document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum AwardComponentsFormat {
    /// Format version 1.
    #[default]
    #[serde(rename = "p2ham-award-components/1")]
    V1,
}

/// The quality band (*mutu pelayanan*) of an IKM, PermenPANRB 14/2017:
/// `A` (Sangat Baik) is the best, `D` (Tidak Baik) the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum IkmMutu {
    /// 88.31 – 100.00, *Sangat Baik*.
    A,
    /// 76.61 – 88.30, *Baik*.
    B,
    /// 65.00 – 76.60, *Kurang Baik*.
    C,
    /// 25.00 – 64.99, *Tidak Baik*.
    D,
}

impl IkmMutu {
    /// The letter.
    pub fn as_str(self) -> &'static str {
        match self {
            IkmMutu::A => "A",
            IkmMutu::B => "B",
            IkmMutu::C => "C",
            IkmMutu::D => "D",
        }
    }

    /// The lowest IKM (2 decimals) of the band.
    pub fn lower_bound(self) -> Decimal {
        match self {
            IkmMutu::A => Decimal::new(8831, 2),
            IkmMutu::B => Decimal::new(7661, 2),
            IkmMutu::C => Decimal::new(6500, 2),
            IkmMutu::D => Decimal::new(2500, 2),
        }
    }

    /// The band of an IKM already rounded to 2 decimals.
    pub fn of_rounded_ikm(ikm: Decimal) -> IkmMutu {
        [IkmMutu::A, IkmMutu::B, IkmMutu::C]
            .into_iter()
            .find(|m| ikm >= m.lower_bound())
            .unwrap_or(IkmMutu::D)
    }

    /// Whether this band is `min` or better.
    pub fn at_least(self, min: IkmMutu) -> bool {
        self.lower_bound() >= min.lower_bound()
    }

    /// The performance (*kinerja*) of the band, Indonesian as the regulation writes it.
    pub fn kinerja(self) -> &'static str {
        match self {
            IkmMutu::A => "Sangat Baik",
            IkmMutu::B => "Baik",
            IkmMutu::C => "Kurang Baik",
            IkmMutu::D => "Tidak Baik",
        }
    }
}

/// A unit's Zona Integritas status (*predikat Zona Integritas*), ordered
/// `none` < `wbk` < `wbbm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum ZonaIntegritas {
    /// No Zona Integritas predikat.
    #[serde(rename = "none")]
    NotDesignated,
    /// *Wilayah Bebas dari Korupsi*.
    Wbk,
    /// *Wilayah Birokrasi Bersih dan Melayani*.
    Wbbm,
}

impl ZonaIntegritas {
    /// The status as written in documents: `none`, `wbk` or `wbbm`.
    pub fn as_str(self) -> &'static str {
        match self {
            ZonaIntegritas::NotDesignated => "none",
            ZonaIntegritas::Wbk => "wbk",
            ZonaIntegritas::Wbbm => "wbbm",
        }
    }

    /// The status as shown to people: `WBK`, `WBBM`, or `belum ada` / `none`.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            ZonaIntegritas::NotDesignated => ("belum ada", "none"),
            ZonaIntegritas::Wbk => ("WBK", "WBK"),
            ZonaIntegritas::Wbbm => ("WBBM", "WBBM"),
        }
    }

    /// The status of its written form.
    pub fn parse(s: &str) -> Option<ZonaIntegritas> {
        match s {
            "none" => Some(ZonaIntegritas::NotDesignated),
            "wbk" => Some(ZonaIntegritas::Wbk),
            "wbbm" => Some(ZonaIntegritas::Wbbm),
            _ => None,
        }
    }
}

/// A weighted composite of the P2HAM verified total and the IKM:
/// `(p2ham_weight × total + ikm_weight × IKM) / (p2ham_weight + ikm_weight)`,
/// rounded once to 2 decimals (half away from zero), must reach `min`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Composite {
    /// The weight of the P2HAM verified total (≥ 0).
    #[serde(deserialize_with = "crate::decimal::exact")]
    pub p2ham_weight: Decimal,
    /// The weight of the IKM (≥ 0).
    #[serde(deserialize_with = "crate::decimal::exact")]
    pub ikm_weight: Decimal,
    /// The lowest composite (0–100) that passes.
    #[serde(deserialize_with = "crate::decimal::exact")]
    pub min: Decimal,
}

/// A period's award rule over the evaluation's other evidence
/// (`"format": "p2ham-award-rule/1"`). Every gate is optional; a unit holds
/// the predikat when its P2HAM verified result is eligible and it meets every
/// gate declared. A gate whose figure is not recorded for the unit is not met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(
    feature = "schema",
    schemars(title = "P2HAM award rule (the evaluation's other evidence)")
)]
pub struct PeriodAwardRule {
    /// Always `p2ham-award-rule/1`.
    pub format: AwardRuleFormat,
    /// Where the rule comes from, e.g. the evaluation guideline of the year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// The IKM's band must be this or better (e.g. `B`, *Baik*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ikm_min_mutu: Option<IkmMutu>,
    /// The Zona Integritas status must be this or higher (`wbk` or `wbbm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zona_integritas_min: Option<ZonaIntegritas>,
    /// At most this many unresolved Ombudsman findings (0: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ombudsman_unresolved_max: Option<u32>,
    /// At most this many unresolved e-Lapor (SP4N-LAPOR!) complaints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapor_unresolved_max: Option<u32>,
    /// A weighted composite of the P2HAM total and the IKM that must reach a minimum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub composite: Option<Composite>,
}

impl PeriodAwardRule {
    /// Whether the rule uses the IKM (a gate on its band, or the composite).
    pub fn needs_ikm(&self) -> bool {
        self.ikm_min_mutu.is_some() || self.composite.is_some()
    }

    /// Every problem of the rule's values (its shape is the schema's): each
    /// a diagnostic with its path. Empty when the rule may be applied.
    pub fn problems(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if let Some(b) = &self.basis {
            if b.chars().count() > 2000 {
                out.push(Diagnostic::new(Code::Invalid, "basis", "at most 2000 characters"));
            }
        }
        if self.zona_integritas_min == Some(ZonaIntegritas::NotDesignated) {
            out.push(Diagnostic::new(
                Code::Invalid,
                "zona_integritas_min",
                "`none` asks nothing; expected `wbk` or `wbbm`, or leave the gate out",
            ));
        }
        if let Some(c) = &self.composite {
            for (path, w) in [
                ("composite.p2ham_weight", c.p2ham_weight),
                ("composite.ikm_weight", c.ikm_weight),
            ] {
                if w.is_sign_negative() && !w.is_zero() {
                    out.push(Diagnostic::new(
                        Code::Invalid,
                        path,
                        format!("weight {w} is negative; expected a weight ≥ 0"),
                    ));
                }
            }
            if c.p2ham_weight.is_zero() && c.ikm_weight.is_zero() {
                out.push(Diagnostic::new(
                    Code::Invalid,
                    "composite",
                    "both weights are 0; give the P2HAM total or the IKM a positive weight",
                ));
            }
            if c.min < Decimal::ZERO || c.min > Decimal::ONE_HUNDRED {
                out.push(Diagnostic::new(
                    Code::Invalid,
                    "composite.min",
                    format!("{} is outside 0–100", c.min),
                ));
            }
        }
        out
    }
}

/// The figures of the evaluation's other evidence for every unit of one
/// period (`"format": "p2ham-award-components/1"`), as the evaluator records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(
    feature = "schema",
    schemars(title = "P2HAM award components (the evaluation's other evidence, per unit)")
)]
pub struct AwardComponents {
    /// Always `p2ham-award-components/1`.
    pub format: AwardComponentsFormat,
    /// The evaluation period, e.g. `2023`.
    pub period: String,
    /// One entry per unit; no unit twice.
    pub units: Vec<UnitComponents>,
}

/// One unit's figures for a period. A figure left out is not recorded, and a
/// gate that needs it is not met.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct UnitComponents {
    /// The unit's id.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::UNIT_ID_PATTERN)))]
    pub unit: String,
    /// The unit's IKM (25–100, 2 decimals), as `p2ham skm` computes it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::decimal::exact_option"
    )]
    pub ikm: Option<Decimal>,
    /// The unit's Zona Integritas status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zona_integritas: Option<ZonaIntegritas>,
    /// Ombudsman findings (*temuan*) about the unit in the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ombudsman_findings: Option<u32>,
    /// Of those, the ones not resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ombudsman_unresolved: Option<u32>,
    /// e-Lapor (SP4N-LAPOR!) complaints about the unit in the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapor_complaints: Option<u32>,
    /// Of those, the ones not resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapor_unresolved: Option<u32>,
}

impl UnitComponents {
    /// Every problem of the figures, with paths under `at` (e.g. `units[0]`).
    pub fn problems(&self, at: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if !crate::is_unit_id(&self.unit) {
            out.push(Diagnostic::new(
                Code::Invalid,
                format!("{at}.unit"),
                format!(
                    "`{}` is not a unit id (lowercase letters, digits and `-`)",
                    self.unit
                ),
            ));
        }
        if let Some(ikm) = self.ikm {
            if ikm < Decimal::new(25, 0) || ikm > Decimal::ONE_HUNDRED {
                out.push(Diagnostic::new(
                    Code::Invalid,
                    format!("{at}.ikm"),
                    format!("{ikm} is outside 25–100, the range of an IKM"),
                ));
            }
        }
        for (field, part, whole) in [
            (
                "ombudsman_unresolved",
                self.ombudsman_unresolved,
                self.ombudsman_findings,
            ),
            (
                "elapor_unresolved",
                self.elapor_unresolved,
                self.elapor_complaints,
            ),
        ] {
            if let (Some(p), Some(w)) = (part, whole) {
                if p > w {
                    out.push(Diagnostic::new(
                        Code::Invalid,
                        format!("{at}.{field}"),
                        format!("{p} unresolved of {w} in all; expected at most {w}"),
                    ));
                }
            }
        }
        out
    }
}

impl AwardComponents {
    /// Every problem of the document's values: an empty period, a unit
    /// twice, figures out of range.
    pub fn problems(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if self.period.trim().is_empty() {
            out.push(Diagnostic::new(
                Code::Invalid,
                "period",
                "empty; expected the period, e.g. \"2023\"",
            ));
        }
        for (i, u) in self.units.iter().enumerate() {
            if let Some(first) = self.units[..i].iter().position(|v| v.unit == u.unit) {
                out.push(Diagnostic::new(
                    Code::Invalid,
                    format!("units[{i}].unit"),
                    format!("unit `{}` is already listed at units[{first}]", u.unit),
                ));
            }
            out.extend(u.problems(&format!("units[{i}]")));
        }
        out
    }

    /// The figures of a unit, when listed.
    pub fn unit(&self, id: &str) -> Option<&UnitComponents> {
        self.units.iter().find(|u| u.unit == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_follow_the_regulation() {
        assert_eq!(IkmMutu::of_rounded_ikm(Decimal::new(8709, 2)), IkmMutu::B);
        assert_eq!(IkmMutu::of_rounded_ikm(Decimal::new(8831, 2)), IkmMutu::A);
        assert_eq!(IkmMutu::of_rounded_ikm(Decimal::new(7660, 2)), IkmMutu::C);
        assert_eq!(IkmMutu::of_rounded_ikm(Decimal::new(6499, 2)), IkmMutu::D);
        assert!(IkmMutu::A.at_least(IkmMutu::B));
        assert!(IkmMutu::B.at_least(IkmMutu::B));
        assert!(!IkmMutu::C.at_least(IkmMutu::B));
        assert!(ZonaIntegritas::Wbbm > ZonaIntegritas::Wbk);
        assert!(ZonaIntegritas::Wbk > ZonaIntegritas::NotDesignated);
    }

    #[test]
    fn a_rule_reads_exactly_and_names_its_problems() {
        let rule: PeriodAwardRule = serde_json::from_str(
            r#"{"format": "p2ham-award-rule/1", "ikm_min_mutu": "B", "zona_integritas_min": "none",
                "composite": {"p2ham_weight": -1, "ikm_weight": "0", "min": "100.5"}}"#,
        )
        .unwrap();
        let paths: Vec<_> = rule.problems().into_iter().map(|d| d.path).collect();
        assert_eq!(
            paths,
            ["zona_integritas_min", "composite.p2ham_weight", "composite.min"]
        );
        let typo =
            serde_json::from_str::<PeriodAwardRule>(r#"{"format": "p2ham-award-rule/1", "ikm_min": "B"}"#);
        assert!(typo.is_err());
    }

    #[test]
    fn components_name_a_unit_twice_and_more_unresolved_than_found() {
        let doc: AwardComponents = serde_json::from_str(
            r#"{"format": "p2ham-award-components/1", "period": "2023", "units": [
                {"unit": "kanim-sampit", "ikm": "87.09", "zona_integritas": "wbk"},
                {"unit": "kanim-sampit", "ombudsman_findings": 1, "ombudsman_unresolved": 2}]}"#,
        )
        .unwrap();
        let paths: Vec<_> = doc.problems().into_iter().map(|d| d.path).collect();
        assert_eq!(paths, ["units[1].unit", "units[1].ombudsman_unresolved"]);
        assert_eq!(doc.unit("kanim-sampit").unwrap().ikm, Some(Decimal::new(8709, 2)));
    }
}
