//! The gates of a period's award rule (`p2ham-award-rule/1`) over the
//! evaluation's other evidence: the IKM's band, the Zona Integritas status,
//! unresolved Ombudsman findings and e-Lapor complaints, and a weighted
//! composite of the P2HAM total and the IKM. Pure: no I/O.
//!
//! Every gate declared gives one [`GateResult`]: met or not, with the figures
//! in its reason. A gate whose figure is not recorded is not met
//! (`component-missing`), never passed silently.
//!
//! ```
//! use p2ham_model::{AwardReasonCode, Decimal, IkmMutu, PeriodAwardRule, UnitComponents};
//! use p2ham_scoring::evaluate_gates;
//!
//! let rule = PeriodAwardRule { ikm_min_mutu: Some(IkmMutu::B), ..serde_json::from_str(
//!     r#"{"format": "p2ham-award-rule/1"}"#).unwrap() };
//! let kanim = UnitComponents { unit: "kanim-sampit".into(), ikm: Some(Decimal::new(8709, 2)),
//!     ..UnitComponents::default() };
//! let gates = evaluate_gates(&rule, Some(Decimal::new(9000, 2)), Some(&kanim));
//! assert!(gates[0].met);
//! assert_eq!(gates[0].reason.code, AwardReasonCode::GateMet);
//! assert_eq!(gates[0].reason.message.en.as_deref(),
//!     Some("IKM 87.09 (mutu B, Baik) meets the required mutu B or better."));
//! ```

use p2ham_model::{AwardReason, AwardReasonCode, Decimal, IkmMutu, PeriodAwardRule, Text, UnitComponents};
use rust_decimal::RoundingStrategy;

/// Which gate of the rule a result is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Gate {
    /// The IKM's band (`ikm_min_mutu`).
    Ikm,
    /// The Zona Integritas status (`zona_integritas_min`).
    ZonaIntegritas,
    /// Unresolved Ombudsman findings (`ombudsman_unresolved_max`).
    Ombudsman,
    /// Unresolved e-Lapor complaints (`elapor_unresolved_max`).
    Elapor,
    /// The weighted composite (`composite`).
    Composite,
}

impl Gate {
    /// The gate in words, Indonesian and English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Gate::Ikm => ("mutu IKM", "IKM band"),
            Gate::ZonaIntegritas => ("status Zona Integritas", "Zona Integritas status"),
            Gate::Ombudsman => ("temuan Ombudsman", "Ombudsman findings"),
            Gate::Elapor => ("pengaduan e-Lapor", "e-Lapor complaints"),
            Gate::Composite => ("nilai gabungan", "composite"),
        }
    }

    /// The gate as the rule names it, e.g. `ikm_min_mutu`.
    pub fn as_str(self) -> &'static str {
        match self {
            Gate::Ikm => "ikm_min_mutu",
            Gate::ZonaIntegritas => "zona_integritas_min",
            Gate::Ombudsman => "ombudsman_unresolved_max",
            Gate::Elapor => "elapor_unresolved_max",
            Gate::Composite => "composite",
        }
    }
}

/// One gate applied to one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct GateResult {
    /// The gate.
    pub gate: Gate,
    /// Whether the unit meets it.
    pub met: bool,
    /// The explanation, with the figures: code `gate-met` when met, else why not.
    pub reason: AwardReason,
}

fn result(
    gate: Gate,
    met: bool,
    code: AwardReasonCode,
    figures: (Option<Decimal>, Option<Decimal>),
    id: String,
    en: String,
) -> GateResult {
    GateResult {
        gate,
        met,
        reason: AwardReason {
            code: if met { AwardReasonCode::GateMet } else { code },
            criterion: None,
            indicator: None,
            actual: figures.0,
            required: figures.1,
            message: Text::bilingual(id, en),
        },
    }
}

fn missing(gate: Gate, what_id: &str, what_en: &str, required: Option<Decimal>) -> GateResult {
    result(
        gate,
        false,
        AwardReasonCode::ComponentMissing,
        (None, required),
        format!(
            "{what_id} belum dicatat: syarat {} tidak dapat dinilai dan tidak terpenuhi.",
            gate.label().0
        ),
        format!(
            "{what_en} is not recorded: the {} gate cannot be checked and is not met.",
            gate.label().1
        ),
    )
}

/// The composite `(p2ham_weight × total + ikm_weight × ikm) / (p2ham_weight +
/// ikm_weight)`, rounded once to 2 decimals, half away from zero; `None`
/// when the weights sum to 0 or a figure leaves the range of exact arithmetic.
pub fn composite_score(
    p2ham_weight: Decimal,
    ikm_weight: Decimal,
    total: Decimal,
    ikm: Decimal,
) -> Option<Decimal> {
    let sum = p2ham_weight.checked_add(ikm_weight)?;
    if sum.is_zero() {
        return None;
    }
    let numerator = p2ham_weight
        .checked_mul(total)?
        .checked_add(ikm_weight.checked_mul(ikm)?)?;
    Some(
        numerator
            .checked_div(sum)?
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
    )
}

/// The unit's IKM rounded to 2 decimals (half away from zero), as bands apply to it.
fn rounded(ikm: Decimal) -> Decimal {
    ikm.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Apply every gate `rule` declares to a unit with P2HAM verified total
/// `total` and the recorded `components` (none recorded: `None`), in the
/// rule's order: IKM, Zona Integritas, Ombudsman, e-Lapor, composite.
pub fn evaluate_gates(
    rule: &PeriodAwardRule,
    total: Option<Decimal>,
    components: Option<&UnitComponents>,
) -> Vec<GateResult> {
    let c = components.cloned().unwrap_or_default();
    let mut out = Vec::new();
    if let Some(min) = rule.ikm_min_mutu {
        let floor = Some(min.lower_bound());
        out.push(match c.ikm.map(rounded) {
            None => missing(Gate::Ikm, "IKM (hasil SKM)", "The IKM (SKM result)", floor),
            Some(ikm) => {
                let band = IkmMutu::of_rounded_ikm(ikm);
                let met = band.at_least(min);
                let (verb_id, verb_en) = if met {
                    ("memenuhi", "meets")
                } else {
                    ("tidak memenuhi", "does not meet")
                };
                result(
                    Gate::Ikm,
                    met,
                    AwardReasonCode::IkmBelowMinimum,
                    (Some(ikm), floor),
                    format!(
                        "IKM {ikm} (mutu {}, {}) {verb_id} syarat minimal mutu {} (IKM ≥ {}).",
                        band.as_str(),
                        band.kinerja(),
                        min.as_str(),
                        min.lower_bound()
                    ),
                    format!(
                        "IKM {ikm} (mutu {}, {}) {verb_en} the required mutu {} or better.",
                        band.as_str(),
                        band.kinerja(),
                        min.as_str()
                    ),
                )
            }
        });
    }
    if let Some(min) = rule.zona_integritas_min {
        out.push(match c.zona_integritas {
            None => missing(
                Gate::ZonaIntegritas,
                "Status Zona Integritas",
                "The Zona Integritas status",
                None,
            ),
            Some(zi) => {
                let met = zi >= min;
                let (have_id, have_en) = zi.label();
                let (want, _) = min.label();
                result(
                    Gate::ZonaIntegritas,
                    met,
                    AwardReasonCode::ZonaIntegritasBelowMinimum,
                    (None, None),
                    format!(
                        "Status Zona Integritas {have_id} {} syarat minimal {want}.",
                        if met { "memenuhi" } else { "tidak memenuhi" }
                    ),
                    format!(
                        "Zona Integritas status {have_en} {} the required {want} or higher.",
                        if met { "meets" } else { "does not meet" }
                    ),
                )
            }
        });
    }
    for (gate, max, unresolved, code, name_id, name_en) in [
        (
            Gate::Ombudsman,
            rule.ombudsman_unresolved_max,
            c.ombudsman_unresolved,
            AwardReasonCode::OmbudsmanUnresolved,
            "temuan Ombudsman",
            "Ombudsman findings",
        ),
        (
            Gate::Elapor,
            rule.elapor_unresolved_max,
            c.elapor_unresolved,
            AwardReasonCode::ElaporUnresolved,
            "pengaduan e-Lapor",
            "e-Lapor complaints",
        ),
    ] {
        let Some(max) = max else { continue };
        out.push(match unresolved {
            None => missing(
                gate,
                &format!("Jumlah {name_id} yang belum selesai"),
                &format!("The number of unresolved {name_en}"),
                Some(Decimal::from(max)),
            ),
            Some(n) => {
                let met = n <= max;
                result(
                    gate,
                    met,
                    code,
                    (Some(Decimal::from(n)), Some(Decimal::from(max))),
                    format!(
                        "{n} {name_id} belum selesai; {} paling banyak {max}.",
                        if met {
                            "memenuhi syarat"
                        } else {
                            "tidak memenuhi syarat"
                        }
                    ),
                    format!(
                        "{n} unresolved {name_en}; {} at most {max}.",
                        if met {
                            "meets the required"
                        } else {
                            "does not meet the required"
                        }
                    ),
                )
            }
        });
    }
    if let Some(comp) = &rule.composite {
        let required = Some(comp.min);
        let need_total = !comp.p2ham_weight.is_zero();
        let need_ikm = !comp.ikm_weight.is_zero();
        out.push(match (total, c.ikm.map(rounded)) {
            (None, _) if need_total => missing(
                Gate::Composite,
                "Nilai total P2HAM terverifikasi",
                "The P2HAM verified total",
                required,
            ),
            (_, None) if need_ikm => missing(Gate::Composite, "IKM (hasil SKM)", "The IKM (SKM result)", required),
            (t, i) => match composite_score(
                comp.p2ham_weight,
                comp.ikm_weight,
                t.unwrap_or_default(),
                i.unwrap_or_default(),
            ) {
                None => result(
                    Gate::Composite,
                    false,
                    AwardReasonCode::CompositeBelowMinimum,
                    (None, required),
                    "Nilai gabungan tidak dapat dihitung dengan bobot ini.".into(),
                    "The composite cannot be computed with these weights.".into(),
                ),
                Some(score) => {
                    let met = score >= comp.min;
                    let show = |d: Option<Decimal>| d.map_or_else(|| "-".to_owned(), |d| d.to_string());
                    result(
                        Gate::Composite,
                        met,
                        AwardReasonCode::CompositeBelowMinimum,
                        (Some(score), required),
                        format!(
                            "Nilai gabungan ({} × P2HAM {} + {} × IKM {}) / {} = {score}; {} syarat minimal {}.",
                            comp.p2ham_weight,
                            show(t),
                            comp.ikm_weight,
                            show(i),
                            comp.p2ham_weight + comp.ikm_weight,
                            if met { "memenuhi" } else { "tidak memenuhi" },
                            comp.min
                        ),
                        format!(
                            "Composite ({} × P2HAM {} + {} × IKM {}) / {} = {score}; {} the required minimum {}.",
                            comp.p2ham_weight,
                            show(t),
                            comp.ikm_weight,
                            show(i),
                            comp.p2ham_weight + comp.ikm_weight,
                            if met { "meets" } else { "does not meet" },
                            comp.min
                        ),
                    )
                }
            },
        });
    }
    out
}
