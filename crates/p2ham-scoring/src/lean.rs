//! The roll-up's fast path of the scoring core: every weight and option value
//! of an instrument scaled once to integers over a common denominator, so one
//! assessment is scored with native integer sums and a single exact division
//! per figure. Every operation is checked: when a figure would leave `i128`,
//! the caller scores with the 256-bit [`Ratio`](crate::Ratio) core instead, so
//! the result is always exact and always the same as [`score`](crate::score)'s.

use p2ham_model::{CheckedInstrument, Decimal, EvidenceRequirement, UnsupportedClaims};

use crate::{LeanScore, Status};

/// One indicator's answer as the roll-up reads it, without its text: enough to
/// score it. The assessment must already have passed the instrument's check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LeanAnswer {
    /// Not answered.
    #[default]
    Missing,
    /// Answered `not_applicable` (with a justification).
    NotApplicable,
    /// Answered with an option of the indicator's scale.
    Value {
        /// Index of the option in the indicator's scale.
        option: u16,
        /// Whether at least one piece of evidence is attached.
        evidence: bool,
    },
}

/// One indicator of an [`IntPlan`].
#[derive(Debug, Clone)]
struct IntIndicator {
    criterion: usize,
    /// Weight × 10^`weight_scale`.
    weight: i128,
    /// Per option of the indicator's scale: value × 10^`value_scale`.
    values: Vec<i128>,
    evidence_required: bool,
    mandatory: bool,
}

/// The integer form of an instrument.
#[derive(Debug, Clone)]
pub(crate) struct IntPlan {
    indicators: Vec<IntIndicator>,
    /// Per criterion: weight × 10^`criterion_scale`.
    criteria: Vec<i128>,
    /// 10^`value_scale`: the integer of an option value of 1.
    one: i128,
    zero_unsupported: bool,
    min_total: Decimal,
    min_criterion: Option<Decimal>,
    /// Per unit kind of the instrument (in `unit_kinds` order), per indicator:
    /// whether the indicator applies.
    applies: Vec<Vec<bool>>,
}

/// `d` × 10^`scale` as an integer, when `d` has at most `scale` decimals and it fits.
fn scaled(d: Decimal, scale: u32) -> Option<i128> {
    let up = scale.checked_sub(d.scale())?;
    d.mantissa().checked_mul(10i128.checked_pow(up)?)
}

/// The common number of decimals of `values`, and each scaled to it.
fn common(values: impl Iterator<Item = Decimal>) -> Option<(u32, Vec<i128>)> {
    let values: Vec<Decimal> = values.collect();
    let scale = values.iter().map(Decimal::scale).max().unwrap_or(0);
    let ints = values
        .into_iter()
        .map(|d| scaled(d, scale))
        .collect::<Option<Vec<_>>>()?;
    Some((scale, ints))
}

/// The quotient `num / den` rounded to an integer, half away from zero (`den > 0`).
fn div_round(num: i128, den: i128) -> Option<i128> {
    let twice = num.unsigned_abs().checked_mul(2)?;
    let den2 = den.unsigned_abs().checked_mul(2)?;
    let q = i128::try_from((twice.checked_add(den.unsigned_abs())?) / den2).ok()?;
    Some(if num < 0 { -q } else { q })
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `n1/d1 + n2/d2` reduced (`d1, d2 > 0`).
fn add_fraction((n1, d1): (i128, i128), (n2, d2): (i128, i128)) -> Option<(i128, i128)> {
    let common = i128::try_from(gcd(d1.unsigned_abs(), d2.unsigned_abs())).ok()?;
    let (f1, f2) = (d1 / common, d2 / common);
    let num = n1.checked_mul(f2)?.checked_add(n2.checked_mul(f1)?)?;
    let den = f1.checked_mul(d2)?;
    let reduce = i128::try_from(gcd(num.unsigned_abs(), den.unsigned_abs()))
        .ok()?
        .max(1);
    Some((num / reduce, den / reduce))
}

impl IntPlan {
    /// The integer form of an instrument; `None` when some figure cannot be
    /// scaled to an integer that fits (then the 256-bit core is used).
    pub(crate) fn new(instrument: &CheckedInstrument) -> Option<Self> {
        let ins = instrument.instrument();
        let all_values = ins.scales.iter().flat_map(|s| s.options.iter().map(|o| o.value));
        let (value_scale, _) = common(all_values)?;
        let (_, weights) = common(ins.indicators().map(|(_, i)| i.weight))?;
        let (_, criteria) = common(ins.criteria.iter().map(|c| c.weight))?;
        let mut indicators = Vec::with_capacity(weights.len());
        for ((ci, (_, ind)), weight) in ins
            .criteria
            .iter()
            .enumerate()
            .flat_map(|(ci, c)| c.indicators.iter().map(move |i| (ci, (c, i))))
            .zip(weights)
        {
            let scale = ins.scale(&ind.scale)?;
            let values = scale
                .options
                .iter()
                .map(|o| scaled(o.value, value_scale))
                .collect::<Option<Vec<_>>>()?;
            indicators.push(IntIndicator {
                criterion: ci,
                weight,
                values,
                evidence_required: ind.evidence == EvidenceRequirement::Required,
                mandatory: ind.mandatory,
            });
        }
        let applies = ins
            .unit_kinds
            .iter()
            .map(|k| ins.indicators().map(|(_, i)| i.applies_to_kind(k)).collect())
            .collect();
        Some(Self {
            indicators,
            criteria,
            one: 10i128.checked_pow(value_scale)?,
            zero_unsupported: ins.unsupported_claims == UnsupportedClaims::Zero,
            min_total: ins.award.min_total,
            min_criterion: ins.award.min_criterion,
            applies,
        })
    }

    /// Score one checked assessment of unit kind number `kind` (index into the
    /// instrument's `unit_kinds`); `None` when a figure would overflow.
    pub(crate) fn score(&self, kind: usize, answers: &[LeanAnswer]) -> Option<LeanScore> {
        let applies = self.applies.get(kind)?;
        let n = self.indicators.len();
        if answers.len() != n {
            return None;
        }
        let c = self.criteria.len();
        // Per criterion: Σ counted × weight and Σ weight over included indicators.
        let mut earned = vec![0i128; c];
        let mut possible = vec![0i128; c];
        let mut statuses = Vec::with_capacity(n);
        // Per indicator: the counted value (when included).
        let mut counted = Vec::with_capacity(n);
        for ((ind, answer), applies) in self.indicators.iter().zip(answers).zip(applies) {
            let (status, value) = match *answer {
                _ if !applies => (Status::Excluded, 0),
                LeanAnswer::NotApplicable => (Status::Excluded, 0),
                LeanAnswer::Missing => (Status::Missing, 0),
                LeanAnswer::Value { option, evidence } => {
                    let v = *ind.values.get(usize::from(option))?;
                    if v > 0 && ind.evidence_required && !evidence {
                        (Status::Unsupported, if self.zero_unsupported { 0 } else { v })
                    } else if v == self.one {
                        (Status::Met, v)
                    } else if v == 0 {
                        (Status::Unmet, v)
                    } else {
                        (Status::Partial, v)
                    }
                }
            };
            statuses.push(status);
            counted.push(value);
            if status != Status::Excluded {
                let ci = ind.criterion;
                earned[ci] = earned[ci].checked_add(value.checked_mul(ind.weight)?)?;
                possible[ci] = possible[ci].checked_add(ind.weight)?;
            }
        }

        // Total = Σ_c W_c · s_c / Σ_c W_c over criteria with data, where
        // s_c = 100 · earned_c / (possible_c · one). Kept as the fraction
        // Σ W_c · earned_c / possible_c, then divided once.
        let mut sum = (0i128, 1i128);
        let mut weight_with_data = 0i128;
        for ci in 0..c {
            if possible[ci] != 0 {
                weight_with_data = weight_with_data.checked_add(self.criteria[ci])?;
                sum = add_fraction(sum, (self.criteria[ci].checked_mul(earned[ci])?, possible[ci]))?;
            }
        }
        let total = if weight_with_data == 0 {
            None
        } else {
            // Hundredths of the total (0–100).
            let num = sum.0.checked_mul(10_000)?;
            let den = sum.1.checked_mul(self.one)?.checked_mul(weight_with_data)?;
            let q = div_round(num, den)?;
            Some(Decimal::try_from_i128_with_scale(q, 2).ok()?)
        };

        // Award: the same failures as the explained score, without words.
        let mut eligible = total.is_some_and(|t| t >= self.min_total);
        if eligible {
            if let Some(min) = self.min_criterion {
                for ci in 0..c {
                    if possible[ci] != 0 {
                        let den = possible[ci].checked_mul(self.one)?;
                        let q = div_round(earned[ci].checked_mul(10_000)?, den)?;
                        if Decimal::try_from_i128_with_scale(q, 2).ok()? < min {
                            eligible = false;
                        }
                    }
                }
            }
            for (((ind, s), v), (answer, applies)) in self
                .indicators
                .iter()
                .zip(&statuses)
                .zip(&counted)
                .zip(answers.iter().zip(applies))
            {
                if ind.mandatory && *s != Status::Excluded && *v != self.one {
                    eligible = false;
                }
                // A mandatory indicator that applies, answered not applicable, is not met.
                if ind.mandatory && *applies && *answer == LeanAnswer::NotApplicable {
                    eligible = false;
                }
            }
        }

        // Main gap: the points an unmet indicator would add are
        // 100 · W_c / (Σ W · possible_c) · weight · (1 − counted); the common
        // positive factor is dropped, so gains are W_c · weight · (one − counted) / possible_c.
        let mut best: Option<((i128, i128), usize)> = None;
        for (i, ((ind, s), v)) in self.indicators.iter().zip(&statuses).zip(&counted).enumerate() {
            if matches!(s, Status::Excluded | Status::Met) {
                continue;
            }
            let ci = ind.criterion;
            let gain = if possible[ci] == 0 || weight_with_data == 0 {
                (0, 1)
            } else {
                let num = self.criteria[ci]
                    .checked_mul(ind.weight)?
                    .checked_mul(self.one.checked_sub(*v)?)?;
                (num, possible[ci])
            };
            let better = match best {
                None => true,
                Some(((bn, bd), _)) => gain.0.checked_mul(bd)? > bn.checked_mul(gain.1)?,
            };
            if better {
                best = Some((gain, i));
            }
        }
        Some(LeanScore {
            total,
            eligible,
            statuses,
            main_gap: best.map(|(_, i)| i),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(div_round(5, 2), Some(3));
        assert_eq!(div_round(-5, 2), Some(-3));
        assert_eq!(div_round(4, 3), Some(1));
        assert_eq!(div_round(200, 3), Some(67));
    }

    #[test]
    fn fractions_add_exactly() {
        assert_eq!(add_fraction((1, 3), (1, 6)), Some((1, 2)));
        assert_eq!(add_fraction((0, 1), (2, 4)), Some((1, 2)));
    }

    #[test]
    fn scaling_refuses_what_does_not_fit() {
        assert_eq!(scaled(Decimal::new(5, 1), 3), Some(500));
        assert_eq!(scaled(Decimal::new(5, 3), 1), None);
    }
}
