//! The roll-up's fast path of the scoring core: every weight and option value
//! of an instrument scaled once to integers over a common denominator, so one
//! assessment is scored with native integer sums and a single exact division
//! per figure. Every operation is checked: when a figure would leave `i128`,
//! the caller scores with the 256-bit [`Ratio`](crate::Ratio) core instead, so
//! the result is always exact and always the same as [`score`](crate::score)'s.

use p2ham_model::{CheckedInstrument, Decimal, EvidenceRequirement, UnsupportedClaims};

use crate::{IndicatorStatus, LeanScore};

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

/// Whether every figure [`IntPlan::score`] computes stays within `i128` for
/// any assessment (bounds taken over every option of every indicator): then
/// it needs no overflow check per record. `None` when a bound does not fit.
fn fits(indicators: &[IntIndicator], criteria: &[i128], one: i128) -> Option<()> {
    let vmax = indicators
        .iter()
        .flat_map(|i| i.values.iter().map(|v| v.checked_abs()))
        .try_fold(one, |m, v| Some(m.max(v?)))?;
    let mut emax = vec![0i128; criteria.len()];
    let mut pmax = vec![0i128; criteria.len()];
    let mut gmax = 0i128;
    for i in indicators {
        let w = i.weight.checked_abs()?;
        emax[i.criterion] = emax[i.criterion].checked_add(w.checked_mul(vmax)?)?;
        pmax[i.criterion] = pmax[i.criterion].checked_add(w)?;
        let g = criteria[i.criterion]
            .checked_abs()?
            .checked_mul(w)?
            .checked_mul(one.checked_add(vmax)?)?;
        gmax = gmax.max(g);
    }
    let mut dmax = 1i128;
    let mut weighted = 0i128;
    let mut wsum = 0i128;
    for ((w, e), p) in criteria.iter().zip(&emax).zip(&pmax) {
        let w = w.checked_abs()?;
        dmax = dmax.checked_mul((*p).max(1))?;
        weighted = weighted.checked_add(w.checked_mul(*e)?)?;
        wsum = wsum.checked_add(w)?;
        // A criterion score: 2 · earned · 10^4 + 2 · possible · one.
        e.checked_mul(20_000)?
            .checked_add(p.checked_mul(one)?.checked_mul(2)?)?;
    }
    let pall = pmax.iter().copied().max().unwrap_or(0);
    // The total: 2 · N · 10^4 + 2 · D · one · ΣW, with N ≤ Σ W·E · D.
    let num = weighted.checked_mul(dmax)?.checked_mul(20_000)?;
    num.checked_add(dmax.checked_mul(one)?.checked_mul(wsum)?.checked_mul(2)?)?;
    // Comparing two gains: g · possible.
    gmax.checked_mul(pall)?;
    Some(())
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
        let one = 10i128.checked_pow(value_scale)?;
        fits(&indicators, &criteria, one)?;
        Some(Self {
            indicators,
            criteria,
            one,
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
                _ if !applies => (IndicatorStatus::Excluded, 0),
                LeanAnswer::NotApplicable => (IndicatorStatus::Excluded, 0),
                LeanAnswer::Missing => (IndicatorStatus::Missing, 0),
                LeanAnswer::Value { option, evidence } => {
                    let v = *ind.values.get(usize::from(option))?;
                    if v > 0 && ind.evidence_required && !evidence {
                        (
                            IndicatorStatus::Unsupported,
                            if self.zero_unsupported { 0 } else { v },
                        )
                    } else if v == self.one {
                        (IndicatorStatus::Met, v)
                    } else if v == 0 {
                        (IndicatorStatus::Unmet, v)
                    } else {
                        (IndicatorStatus::Partial, v)
                    }
                }
            };
            statuses.push(status);
            counted.push(value);
            if status != IndicatorStatus::Excluded {
                let ci = ind.criterion;
                earned[ci] += value * ind.weight;
                possible[ci] += ind.weight;
            }
        }

        // Total = Σ_c W_c · s_c / Σ_c W_c over criteria with data, where
        // s_c = 100 · earned_c / (possible_c · one). Kept as the fraction
        // Σ W_c · earned_c / possible_c over the product of the denominators
        // (no reduction: a few criteria of small integers), then divided once.
        let mut sum = (0i128, 1i128);
        let mut weight_with_data = 0i128;
        for ci in 0..c {
            if possible[ci] != 0 {
                weight_with_data += self.criteria[ci];
                let term = self.criteria[ci] * earned[ci];
                sum = (sum.0 * possible[ci] + term * sum.1, sum.1 * possible[ci]);
            }
        }
        let total = if weight_with_data == 0 {
            None
        } else {
            // Hundredths of the total (0–100).
            let num = sum.0 * 10_000;
            let den = sum.1 * self.one * weight_with_data;
            let q = div_round(num, den)?;
            Some(Decimal::try_from_i128_with_scale(q, 2).ok()?)
        };

        // Award: the same failures as the explained score, without words.
        let mut eligible = total.is_some_and(|t| t >= self.min_total);
        if eligible {
            if let Some(min) = self.min_criterion {
                for ci in 0..c {
                    if possible[ci] != 0 {
                        let q = div_round(earned[ci] * 10_000, possible[ci] * self.one)?;
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
                if ind.mandatory && *s != IndicatorStatus::Excluded && *v != self.one {
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
            if matches!(s, IndicatorStatus::Excluded | IndicatorStatus::Met) {
                continue;
            }
            let ci = ind.criterion;
            let gain = if possible[ci] == 0 || weight_with_data == 0 {
                (0, 1)
            } else {
                (self.criteria[ci] * ind.weight * (self.one - *v), possible[ci])
            };
            let better = match best {
                None => true,
                Some(((bn, bd), _)) => gain.0 * bd > bn * gain.1,
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
    fn scaling_refuses_what_does_not_fit() {
        assert_eq!(scaled(Decimal::new(5, 1), 3), Some(500));
        assert_eq!(scaled(Decimal::new(5, 3), 1), None);
    }
}
