//! The public satisfaction index (SKM/IKM) of PermenPANRB 14/2017.
//!
//! Nine elements (*unsur*) U1–U9 are answered on a 1–4 scale. For each element
//! the NRR (*nilai rata-rata*) is the sum of its answers divided by the number
//! of respondents who answered it; the index is
//!
//! ```text
//! IKM = Σ NRRᵢ × weight × 25
//! ```
//!
//! with weight 1/9 ([`Weights::Exact`], the default), or the regulation's
//! printed 0,111 ([`Weights::Published0111`]) or the spreadsheet habit 0.1111
//! ([`Weights::Spreadsheet01111`]). Arithmetic is exact: the sum of the NRRs is
//! brought onto one common denominator (the least common multiple of the
//! answer counts), so the index is a single decimal division, rounded once, at
//! the end, for display. Bands (mutu A–D, kinerja) apply to the index rounded to
//! 2 decimals, half away from zero.
//!
//! The engine reads no files: it takes parsed answers and validates their range;
//! the I/O layer names the file, row and column of an error.
//!
//! ```
//! use p2ham_scoring::skm::{compute, Response, SkmOptions, Weights};
//!
//! // Ten respondents: six answer 4 to everything, four answer 3.
//! let rows: Vec<Response> = (0..10)
//!     .map(|r| Response::new([Some(if r < 6 { 4 } else { 3 }); 9]))
//!     .collect();
//! let report = compute(&rows, &SkmOptions::default()).unwrap();
//! assert_eq!(report.overall.respondents, 10);
//! assert_eq!(report.overall.ikm.to_string(), "90.00");
//! assert_eq!(report.overall.mutu.as_str(), "A");
//! ```

use std::collections::BTreeMap;
use std::fmt;

use p2ham_model::Text;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// The `format` of an SKM report.
pub const FORMAT: &str = p2ham_model::format::SKM;
/// The name of the method, as reported in every result.
pub const METHOD: &str = "permenpanrb-14-2017";
/// Number of elements (*unsur*).
pub const ELEMENT_COUNT: usize = 9;
/// Lowest and highest answer.
pub const ANSWER_RANGE: std::ops::RangeInclusive<u8> = 1..=4;

/// One element (*unsur*) of the survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Element {
    /// Id, `U1`…`U9`.
    pub id: &'static str,
    /// Indonesian name, as in the regulation.
    pub name_id: &'static str,
    /// English name.
    pub name_en: &'static str,
}

impl Element {
    /// The bilingual name.
    pub fn name(&self) -> Text {
        Text::bilingual(self.name_id, self.name_en)
    }
}

/// The nine elements of PermenPANRB 14/2017, in order.
pub const ELEMENTS: [Element; ELEMENT_COUNT] = [
    Element {
        id: "U1",
        name_id: "Persyaratan",
        name_en: "Requirements",
    },
    Element {
        id: "U2",
        name_id: "Sistem, mekanisme dan prosedur",
        name_en: "Systems, mechanisms and procedures",
    },
    Element {
        id: "U3",
        name_id: "Waktu penyelesaian",
        name_en: "Completion time",
    },
    Element {
        id: "U4",
        name_id: "Biaya/tarif",
        name_en: "Cost/tariff",
    },
    Element {
        id: "U5",
        name_id: "Produk spesifikasi jenis pelayanan",
        name_en: "Service product specification",
    },
    Element {
        id: "U6",
        name_id: "Kompetensi pelaksana",
        name_en: "Staff competence",
    },
    Element {
        id: "U7",
        name_id: "Perilaku pelaksana",
        name_en: "Staff conduct",
    },
    Element {
        id: "U8",
        name_id: "Sarana dan prasarana",
        name_en: "Facilities and infrastructure",
    },
    Element {
        id: "U9",
        name_id: "Penanganan pengaduan, saran dan masukan",
        name_en: "Handling of complaints, suggestions and feedback",
    },
];

/// The weight given to each element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Weights {
    /// Exactly 1/9 (default).
    #[default]
    #[serde(rename = "exact")]
    Exact,
    /// 0,111 as printed in the regulation (Σ weights = 0,999).
    #[serde(rename = "0.111")]
    Published0111,
    /// 0.1111 as used by many spreadsheets (Σ weights = 0,9999).
    #[serde(rename = "0.1111")]
    Spreadsheet01111,
}

impl Weights {
    /// Every mode, in order.
    pub const ALL: [Weights; 3] = [Weights::Exact, Weights::Published0111, Weights::Spreadsheet01111];

    /// The name used on the command line and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Weights::Exact => "exact",
            Weights::Published0111 => "0.111",
            Weights::Spreadsheet01111 => "0.1111",
        }
    }

    /// `IKM = Σ NRR × mul / div`: (25, 9) for 1/9, (2.775, 1) for 0,111, (2.7775, 1) for 0.1111.
    fn factor(self) -> (Decimal, Decimal) {
        match self {
            Weights::Exact => (Decimal::from(25), Decimal::from(9)),
            Weights::Published0111 => (Decimal::new(2775, 3), Decimal::ONE),
            Weights::Spreadsheet01111 => (Decimal::new(27775, 4), Decimal::ONE),
        }
    }

    /// The weight of one element: 1/9 (to 28 digits), 0.111 or 0.1111.
    pub fn weight(self) -> Decimal {
        match self {
            Weights::Exact => Decimal::ONE / Decimal::from(9),
            Weights::Published0111 => Decimal::new(111, 3),
            Weights::Spreadsheet01111 => Decimal::new(1111, 4),
        }
    }
}

impl fmt::Display for Weights {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Weights {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "exact" | "1/9" => Ok(Weights::Exact),
            "0.111" | "0,111" => Ok(Weights::Published0111),
            "0.1111" | "0,1111" => Ok(Weights::Spreadsheet01111),
            other => Err(format!(
                "unknown weights `{other}`; expected exact, 0.111 or 0.1111"
            )),
        }
    }
}

/// Service quality (*mutu pelayanan*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Mutu {
    /// 88,31 – 100,00.
    A,
    /// 76,61 – 88,30.
    B,
    /// 65,00 – 76,60.
    C,
    /// 25,00 – 64,99.
    D,
}

impl Mutu {
    /// The letter.
    pub fn as_str(self) -> &'static str {
        match self {
            Mutu::A => "A",
            Mutu::B => "B",
            Mutu::C => "C",
            Mutu::D => "D",
        }
    }

    /// The performance (*kinerja*) of this band.
    pub fn kinerja(self) -> Kinerja {
        match self {
            Mutu::A => Kinerja::SangatBaik,
            Mutu::B => Kinerja::Baik,
            Mutu::C => Kinerja::KurangBaik,
            Mutu::D => Kinerja::TidakBaik,
        }
    }

    /// The band of an index already rounded to 2 decimals.
    pub fn from_rounded_ikm(ikm: Decimal) -> Mutu {
        if ikm >= Decimal::new(8831, 2) {
            Mutu::A
        } else if ikm >= Decimal::new(7661, 2) {
            Mutu::B
        } else if ikm >= Decimal::new(6500, 2) {
            Mutu::C
        } else {
            Mutu::D
        }
    }
}

/// Unit performance (*kinerja unit pelayanan*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Kinerja {
    /// Very good (band A).
    #[serde(rename = "Sangat Baik")]
    SangatBaik,
    /// Good (band B).
    #[serde(rename = "Baik")]
    Baik,
    /// Less than good (band C).
    #[serde(rename = "Kurang Baik")]
    KurangBaik,
    /// Not good (band D).
    #[serde(rename = "Tidak Baik")]
    TidakBaik,
}

impl Kinerja {
    /// The label, Indonesian as in the regulation, with an English translation.
    pub fn label(self) -> Text {
        match self {
            Kinerja::SangatBaik => Text::bilingual("Sangat Baik", "Very good"),
            Kinerja::Baik => Text::bilingual("Baik", "Good"),
            Kinerja::KurangBaik => Text::bilingual("Kurang Baik", "Less than good"),
            Kinerja::TidakBaik => Text::bilingual("Tidak Baik", "Not good"),
        }
    }
}

/// One respondent's answers, `None` where left blank, with the value of the
/// grouping column (`--by`) when one is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Answers to U1…U9.
    pub answers: [Option<u8>; ELEMENT_COUNT],
    /// The respondent's group, e.g. the service type.
    pub group: Option<String>,
}

impl Response {
    /// A response without a group.
    pub fn new(answers: [Option<u8>; ELEMENT_COUNT]) -> Self {
        Self { answers, group: None }
    }

    /// A response in `group`.
    pub fn in_group(answers: [Option<u8>; ELEMENT_COUNT], group: impl Into<String>) -> Self {
        Self {
            answers,
            group: Some(group.into()),
        }
    }
}

/// Options of the computation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkmOptions {
    /// Weight of each element.
    pub weights: Weights,
    /// The name of the grouping column; when set, the index is also computed per
    /// group of [`Response::group`] (a response without a group counts in group `""`).
    pub by: Option<String>,
}

/// Where the answers came from, filled in by the I/O layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SkmSource {
    /// The file as named on the command line (`-` for standard input).
    pub file: String,
    /// Lowercase hex SHA-256 of the file's bytes.
    #[cfg_attr(feature = "schema", schemars(pattern(p2ham_model::SHA256_PATTERN)))]
    pub sha256: String,
    /// The worksheet read, for a spreadsheet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

/// The figures of one element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SkmElement {
    /// `U1`…`U9`.
    pub id: String,
    /// Name of the element.
    pub name: Text,
    /// Respondents who answered it.
    pub answered: u64,
    /// Respondents who left it blank.
    pub blank: u64,
    /// Sum of its answers.
    pub sum: u64,
    /// NRR = sum / answered, rounded to 4 decimals.
    pub nrr: Decimal,
    /// NRR × weight, rounded to 4 decimals.
    pub nrr_weighted: Decimal,
    /// The element's own index, NRR × 25, rounded to 2 decimals.
    pub ikm: Decimal,
}

/// The index over one set of respondents (all, or one group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SkmFigures {
    /// Number of respondents (rows).
    pub respondents: u64,
    /// The index, rounded to 2 decimals (half away from zero).
    pub ikm: Decimal,
    /// The index before rounding: exact, or to 28 significant digits when it
    /// does not terminate (e.g. 88.333…).
    pub ikm_exact: Decimal,
    /// Σ NRR × weight on the 1–4 scale, rounded to 4 decimals.
    pub nrr_weighted: Decimal,
    /// Service quality of the rounded index.
    pub mutu: Mutu,
    /// Unit performance of the rounded index.
    pub kinerja: Kinerja,
    /// The nine elements, in order.
    pub elements: Vec<SkmElement>,
    /// The element(s) with the lowest NRR (several on a tie), in order.
    pub weakest: Vec<String>,
}

/// The index of one group (`--by`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SkmGroup {
    /// The value of the grouping column (`""` for blank).
    pub value: String,
    /// The figures of this group.
    #[serde(flatten)]
    pub figures: SkmFigures,
}

/// The SKM report (`"format": "p2ham-skm/1"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(title = "P2HAM SKM report"))]
pub struct SkmReport {
    /// Always `p2ham-skm/1`.
    pub format: String,
    /// Always `permenpanrb-14-2017`.
    pub method: String,
    /// Weight mode: `exact` (1/9), `0.111` or `0.1111`.
    pub weights: Weights,
    /// The input, when read from a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SkmSource>,
    /// The grouping column, when `--by` is used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// The figures over all respondents.
    #[serde(flatten)]
    pub overall: SkmFigures,
    /// Per group, sorted by value; only with `--by`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<SkmGroup>,
}

/// Errors of the SKM computation. Positions are 0-based indexes into the
/// responses and elements; the I/O layer turns them into file, row and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SkmError {
    /// An answer outside 1–4.
    #[error("response {index}, {}: answer {value} is outside 1–4", ELEMENTS[*element].id)]
    OutOfRange {
        /// Index of the response.
        index: usize,
        /// Index of the element (0 = U1).
        element: usize,
        /// The value found.
        value: u8,
    },
    /// No responses at all.
    #[error("no respondents")]
    NoRespondents,
    /// Nobody answered an element, so its NRR is undefined.
    #[error("{}: no respondent answered this element{}", ELEMENTS[*element].id,
        group.as_ref().map(|g| format!(" in group `{g}`")).unwrap_or_default())]
    Unanswered {
        /// Index of the element (0 = U1).
        element: usize,
        /// The group, when computing per group.
        group: Option<String>,
    },
    /// A sum or product left the range of exact decimals.
    #[error("arithmetic overflow while computing {what}")]
    Overflow {
        /// The figure being computed.
        what: String,
    },
}

/// Round for display: half away from zero.
pub fn round(value: Decimal, dp: u32) -> Decimal {
    value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Round to `dp` decimals and always show them (`90` → `90.00`).
fn fixed(value: Decimal, dp: u32) -> Decimal {
    let mut r = round(value, dp);
    r.rescale(dp);
    r
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn overflow(what: &str) -> SkmError {
    SkmError::Overflow {
        what: what.to_owned(),
    }
}

/// Check every answer is 1–4.
pub fn validate(responses: &[Response]) -> Result<(), SkmError> {
    for (index, r) in responses.iter().enumerate() {
        for (element, a) in r.answers.iter().enumerate() {
            if let Some(value) = *a {
                if !ANSWER_RANGE.contains(&value) {
                    return Err(SkmError::OutOfRange {
                        index,
                        element,
                        value,
                    });
                }
            }
        }
    }
    Ok(())
}

/// Compute the figures over `responses` (already validated).
fn figures<'a>(
    responses: impl Iterator<Item = &'a Response>,
    weights: Weights,
    group: Option<&str>,
) -> Result<SkmFigures, SkmError> {
    let mut respondents: u64 = 0;
    let mut answered = [0u64; ELEMENT_COUNT];
    let mut sums = [0u64; ELEMENT_COUNT];
    for r in responses {
        respondents += 1;
        for (i, a) in r.answers.iter().enumerate() {
            if let Some(v) = a {
                answered[i] += 1;
                sums[i] = sums[i]
                    .checked_add(u64::from(*v))
                    .ok_or_else(|| overflow("a sum"))?;
            }
        }
    }
    if respondents == 0 {
        return Err(SkmError::NoRespondents);
    }
    if let Some(element) = answered.iter().position(|&n| n == 0) {
        return Err(SkmError::Unanswered {
            element,
            group: group.map(str::to_owned),
        });
    }

    let (mul, div) = weights.factor();
    let weight = weights.weight();
    let d25 = Decimal::from(25);
    let mut elements = Vec::with_capacity(ELEMENT_COUNT);
    let mut nrrs = [Decimal::ZERO; ELEMENT_COUNT];
    for (i, e) in ELEMENTS.iter().enumerate() {
        let (s, n) = (Decimal::from(sums[i]), Decimal::from(answered[i]));
        let nrr = s / n;
        nrrs[i] = nrr;
        let ikm = d25.checked_mul(s).ok_or_else(|| overflow("an element's index"))? / n;
        let nrr_weighted = match weights {
            // NRR / 9 in one division, not NRR × 0.111…1.
            Weights::Exact => s / (n * Decimal::from(9)),
            _ => nrr * weight,
        };
        elements.push(SkmElement {
            id: e.id.to_owned(),
            name: e.name(),
            answered: answered[i],
            blank: respondents - answered[i],
            sum: sums[i],
            nrr: fixed(nrr, 4),
            nrr_weighted: fixed(nrr_weighted, 4),
            ikm: fixed(ikm, 2),
        });
    }

    // Σ sᵢ/nᵢ on the common denominator L = lcm(nᵢ): Σ sᵢ·(L/nᵢ) / L, so the
    // index is one division. Fall back to the sum of the 28-digit NRRs if L
    // does not fit.
    let exact_sum = || -> Option<(Decimal, Decimal)> {
        let mut l: u64 = 1;
        for &n in &answered {
            l = (l / gcd(l, n)).checked_mul(n)?;
        }
        let mut num = Decimal::ZERO;
        for i in 0..ELEMENT_COUNT {
            num = num.checked_add(Decimal::from(sums[i]).checked_mul(Decimal::from(l / answered[i]))?)?;
        }
        Some((num, Decimal::from(l)))
    };
    let (ikm_exact, sum_weighted) = if let Some((num, den)) = exact_sum() {
        let top = num.checked_mul(mul).ok_or_else(|| overflow("the index"))?;
        let bottom = den.checked_mul(div).ok_or_else(|| overflow("the index"))?;
        let weighted = match weights {
            Weights::Exact => num / (den * Decimal::from(9)),
            _ => {
                num.checked_mul(weight)
                    .ok_or_else(|| overflow("the weighted NRR"))?
                    / den
            }
        };
        (top / bottom, weighted)
    } else {
        let total: Decimal = nrrs.iter().copied().sum();
        (total * mul / div, total * weight)
    };
    let ikm = fixed(ikm_exact, 2);
    let mutu = Mutu::from_rounded_ikm(ikm);

    // Weakest: compare sᵢ/nᵢ exactly by cross-multiplication.
    let less = |i: usize, j: usize| {
        u128::from(sums[i]) * u128::from(answered[j]) < u128::from(sums[j]) * u128::from(answered[i])
    };
    let min = (1..ELEMENT_COUNT).fold(0, |m, i| if less(i, m) { i } else { m });
    let weakest = (0..ELEMENT_COUNT)
        .filter(|&i| !less(min, i))
        .map(|i| ELEMENTS[i].id.to_owned())
        .collect();

    Ok(SkmFigures {
        respondents,
        ikm,
        ikm_exact: ikm_exact.normalize(),
        nrr_weighted: fixed(sum_weighted, 4),
        mutu,
        kinerja: mutu.kinerja(),
        elements,
        weakest,
    })
}

/// Compute the SKM report: validates every answer (1–4), then the index over
/// all responses and, with [`SkmOptions::by`], per group.
pub fn compute(responses: &[Response], options: &SkmOptions) -> Result<SkmReport, SkmError> {
    validate(responses)?;
    let overall = figures(responses.iter(), options.weights, None)?;
    let mut groups = Vec::new();
    if options.by.is_some() {
        let mut by_value: BTreeMap<&str, Vec<&Response>> = BTreeMap::new();
        for r in responses {
            by_value
                .entry(r.group.as_deref().unwrap_or(""))
                .or_default()
                .push(r);
        }
        for (value, rows) in by_value {
            groups.push(SkmGroup {
                value: value.to_owned(),
                figures: figures(rows.into_iter(), options.weights, Some(value))?,
            });
        }
    }
    Ok(SkmReport {
        format: FORMAT.to_owned(),
        method: METHOD.to_owned(),
        weights: options.weights,
        source: None,
        by: options.by.clone(),
        overall,
        groups,
    })
}

#[cfg(test)]
mod tests;
