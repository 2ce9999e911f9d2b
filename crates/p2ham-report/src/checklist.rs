//! The checklist template (`p2ham-checklist/1`) for operators and
//! verification teams: an XLSX workbook (or the same checklist as CSV) that a
//! spreadsheet program fills, scores live and hands back to [`import_checklist`].
//!
//! The workbook has a cover sheet (unit, period, stage, assessors, the score of
//! every criterion and the total, instructions), one sheet per criterion (one
//! row per indicator that applies to the unit kind: id, title, weight, the
//! answer with a drop-down of the scale's labels, the reason when it does not
//! apply, note, evidence files, their SHA-256 and captions, principles and
//! vulnerable groups served, and the figures the score is computed from), and
//! the very hidden sheet `p2ham` with the metadata. Every sheet is protected:
//! only the cells to fill are unlocked.
//!
//! The formulas follow the scoring model `p2ham-weighted/1`: an indicator with
//! a reason in the "not applicable" column leaves numerator and denominator;
//! an unanswered one counts its weight and earns 0; a positive answer to an
//! indicator whose evidence is required earns 0 while its evidence cell is
//! blank (unless the instrument says `unsupported_claims: count`); the
//! criterion score is `100 × Σ points / Σ weight counted`, the total the
//! weighted mean of the criteria with data; both rounded half away from zero
//! to 2 decimals (`ROUND`) only at the end.
//!
//! [`import_checklist`]: p2ham_io::checklist::import_checklist

use std::fmt::Write as _;

use p2ham_model::{Assessment, EvidenceRequirement, Indicator, Lang, Stage, UnsupportedClaims};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

use p2ham_io::{
    checklist::cell_name, checklist::column, checklist::column_letters, checklist::ChecklistMeta,
    checklist::CoverCells, checklist::CriterionCells, checklist::IndicatorCells, checklist::CHECKLIST_FORMAT,
    checklist::META_SHEET, document::LoadedInstrument,
};
use p2ham_model::InstrumentStamp;

/// Errors of making a checklist template.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// A unit kind the instrument is not for.
    #[error("instrument `{instrument}` is not for unit kind `{kind}` (its kinds: {known})")]
    UnknownKind {
        /// The instrument's id.
        instrument: String,
        /// The kind asked for.
        kind: String,
        /// The instrument's kinds.
        known: String,
    },
    /// A self-assessment or pre-filled assessment that does not fit the template.
    #[error("{file}: {message}")]
    Mismatch {
        /// The assessment's file.
        file: String,
        /// What does not fit.
        message: String,
    },
    /// A unit id for the cover outside the unit id grammar.
    #[error("{shown} is not a unit id: expected lowercase letters a-z, digits, `.`, `_` or `-`, starting with a letter or digit (e.g. `kanim-sampit`) [invalid-unit-id]", shown = shown_id(.id))]
    InvalidUnitId {
        /// The id given.
        id: String,
    },
    /// The XLSX writer failed.
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] XlsxError),
}

/// An id as shown in a message: quoted, every control character escaped, at most 80 characters.
fn shown_id(id: &str) -> String {
    format!("{id:?}").chars().take(80).collect()
}

/// The unit and period written on the cover (each may be left to fill).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoverFields {
    /// Unit id.
    pub unit_id: Option<String>,
    /// Unit name.
    pub unit_name: Option<String>,
    /// Supervising office.
    pub office: Option<String>,
    /// Period.
    pub period: Option<String>,
}

impl CoverFields {
    /// The unit and period of an assessment.
    pub fn of(a: &Assessment) -> Self {
        CoverFields {
            unit_id: Some(a.unit.id.clone()),
            unit_name: Some(a.unit.name.clone()),
            office: a.unit.office.clone(),
            period: Some(a.period.clone()),
        }
    }
}

/// What a template is made for.
#[derive(Debug, Clone)]
pub struct TemplateOptions<'a> {
    /// The unit kind: only the indicators that apply to it are listed.
    pub kind: String,
    /// The stage.
    pub stage: Stage,
    /// The language of labels and headings.
    pub lang: Lang,
    /// Unit and period on the cover (these win over `from` and `fill`).
    pub cover: CoverFields,
    /// For a verification: the self-assessment, its file and its SHA-256. Its
    /// answers fill a read-only column beside the verifier's, its unit and
    /// period the cover; the verification `verifies` it.
    pub from: Option<(&'a Assessment, &'a str, &'a str)>,
    /// An assessment whose answers, cover and assessors fill the cells to fill
    /// (to edit an existing assessment as a spreadsheet), with its file.
    pub fill: Option<(&'a Assessment, &'a str)>,
}

/// Rows and fixed cells of the XLSX layout (0-based).
const COVER_FIRST_FIELD: u32 = 3;
const ASSESSOR_ROWS_MIN: u32 = 5;
const SHEET_HEADER_ROW: u32 = 4;
const CRITERION_WEIGHT: (u32, u16) = (1, 2);
const CRITERION_SCORE: (u32, u16) = (2, 2);

fn pick(lang: Lang, id: &'static str, en: &'static str) -> &'static str {
    lang.pick(id, en)
}

fn stage_label(stage: Stage, lang: Lang) -> &'static str {
    match stage {
        Stage::SelfAssessment => pick(lang, "Penilaian mandiri", "Self-assessment"),
        Stage::Verification => pick(lang, "Verifikasi", "Verification"),
    }
}

fn rule_label(ind: &Indicator, lang: Lang) -> String {
    let ev = match ind.evidence {
        EvidenceRequirement::Required => pick(lang, "Data dukung wajib", "Evidence required"),
        EvidenceRequirement::Optional => pick(lang, "Data dukung opsional", "Evidence optional"),
        EvidenceRequirement::None => pick(lang, "Tanpa data dukung", "No evidence"),
    };
    if ind.mandatory {
        format!(
            "{ev}; {}",
            pick(lang, "wajib terpenuhi (nilai 1)", "must be fully met (value 1)")
        )
    } else {
        ev.to_owned()
    }
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique.
fn sheet_name(base: &str, taken: &[String]) -> String {
    let clean: String = base
        .chars()
        .map(|c| if "[]:*?/\\'".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    let mut name = clean.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) || name.eq_ignore_ascii_case(META_SHEET) {
        let suffix = format!(" ({n})");
        name = format!(
            "{}{suffix}",
            clean.chars().take(31 - suffix.len()).collect::<String>()
        );
        n += 1;
    }
    name
}

/// A sheet reference inside a formula.
fn sheet_ref(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

/// A text literal inside a formula.
fn formula_text(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The answer text of an assessment's answer, as the template shows it.
fn answer_label(
    a: &Assessment,
    ins: &p2ham_model::Instrument,
    ind: &Indicator,
    lang: Lang,
) -> Option<String> {
    let answer = a.answer(&ind.id)?;
    let scale = ins.scale(&ind.scale)?;
    answer
        .value
        .as_deref()
        .and_then(|code| scale.option(code))
        .map(|o| o.label.get(lang).to_owned())
}

struct Plan<'a> {
    loaded: &'a LoadedInstrument,
    opts: &'a TemplateOptions<'a>,
    /// Per criterion: its indicators that apply.
    criteria: Vec<(&'a p2ham_model::Criterion, Vec<&'a Indicator>)>,
    cover: CoverFields,
}

impl<'a> Plan<'a> {
    fn new(loaded: &'a LoadedInstrument, opts: &'a TemplateOptions<'a>) -> Result<Self, TemplateError> {
        let ins = loaded.checked.instrument();
        if !ins.unit_kinds.contains(&opts.kind) {
            return Err(TemplateError::UnknownKind {
                instrument: ins.id.clone(),
                kind: opts.kind.clone(),
                known: ins.unit_kinds.join(", "),
            });
        }
        let fits = |a: &Assessment, file: &str| -> Result<(), TemplateError> {
            let bad = |message: String| TemplateError::Mismatch {
                file: file.to_owned(),
                message,
            };
            if a.instrument.id != ins.id || a.instrument.version != ins.version {
                return Err(bad(format!(
                    "answers instrument {} {}, the template is of {} {}",
                    a.instrument.id, a.instrument.version, ins.id, ins.version
                )));
            }
            if a.unit.kind != opts.kind {
                return Err(bad(format!(
                    "is for unit kind `{}`, the template for `{}`",
                    a.unit.kind, opts.kind
                )));
            }
            let problems = loaded.checked.check(a);
            if let Some(p) = problems.first() {
                return Err(bad(format!("{} problem(s), first: {p}", problems.len())));
            }
            Ok(())
        };
        let mut cover = CoverFields::default();
        if let Some((a, file, _)) = opts.from {
            fits(a, file)?;
            if a.stage != Stage::SelfAssessment {
                return Err(TemplateError::Mismatch {
                    file: file.to_owned(),
                    message: format!(
                        "is a {} document; a verification template is made from a self-assessment",
                        a.stage.as_str()
                    ),
                });
            }
            cover = CoverFields::of(a);
        }
        if let Some((a, file)) = opts.fill {
            fits(a, file)?;
            if a.assessors.len() > p2ham_io::checklist::MAX_ASSESSOR_ROWS as usize {
                return Err(TemplateError::Mismatch {
                    file: file.to_owned(),
                    message: format!(
                        "names {} assessors; a checklist holds at most {}",
                        a.assessors.len(),
                        p2ham_io::checklist::MAX_ASSESSOR_ROWS
                    ),
                });
            }
            if a.stage != opts.stage {
                return Err(TemplateError::Mismatch {
                    file: file.to_owned(),
                    message: format!(
                        "is a {} document, the template is for stage {}",
                        a.stage.as_str(),
                        opts.stage.as_str()
                    ),
                });
            }
            cover = CoverFields::of(a);
        }
        let given = &opts.cover;
        if let Some(id) = &given.unit_id {
            if !p2ham_model::is_unit_id(id) {
                return Err(TemplateError::InvalidUnitId { id: id.clone() });
            }
            // A template made from one unit's document is that unit's.
            let from = opts.from.map(|(a, f, _)| (a, f, "self-assessment"));
            let fill = opts.fill.map(|(a, f)| (a, f, "assessment"));
            if let Some((a, file, what)) = from.into_iter().chain(fill).find(|(a, _, _)| a.unit.id != *id) {
                return Err(TemplateError::Mismatch {
                    file: file.to_owned(),
                    message: format!(
                        "is the {what} of unit `{}`, not of unit `{id}`; make the template of `{id}` from its own documents",
                        a.unit.id
                    ),
                });
            }
        }
        cover = CoverFields {
            unit_id: given.unit_id.clone().or(cover.unit_id),
            unit_name: given.unit_name.clone().or(cover.unit_name),
            office: given.office.clone().or(cover.office),
            period: given.period.clone().or(cover.period),
        };
        let criteria = ins
            .criteria
            .iter()
            .map(|c| {
                (
                    c,
                    c.indicators
                        .iter()
                        .filter(|i| i.applies_to_kind(&opts.kind))
                        .collect(),
                )
            })
            .collect();
        Ok(Plan {
            loaded,
            opts,
            criteria,
            cover,
        })
    }

    fn lang(&self) -> Lang {
        self.opts.lang
    }

    fn verifies(&self) -> Option<String> {
        match self.opts.fill {
            Some((a, _)) if a.verifies.is_some() => a.verifies.clone(),
            _ => self.opts.from.map(|(_, _, sha)| format!("sha256:{sha}")),
        }
    }

    fn assessor_rows(&self) -> u32 {
        let filled = self.opts.fill.map_or(0, |(a, _)| a.assessors.len());
        ASSESSOR_ROWS_MIN.max(u32::try_from(filled).unwrap_or(u32::MAX))
    }

    fn stamp(&self) -> InstrumentStamp {
        let ins = self.loaded.checked.instrument();
        InstrumentStamp {
            id: ins.id.clone(),
            version: ins.version.clone(),
            sha256: self.loaded.sha256.clone(),
        }
    }

    /// The cover's field labels, in order, with their values (None: to fill).
    fn cover_fields(&self) -> Vec<(&'static str, Option<String>, bool)> {
        let l = self.lang();
        let ins = self.loaded.checked.instrument();
        let fill = self.opts.fill.map(|(a, _)| a);
        vec![
            (
                pick(l, "Instrumen", "Instrument"),
                Some(format!("{} {}", ins.id, ins.version)),
                true,
            ),
            (pick(l, "ID unit", "Unit id"), self.cover.unit_id.clone(), false),
            (
                pick(l, "Nama unit", "Unit name"),
                self.cover.unit_name.clone(),
                false,
            ),
            (
                pick(l, "Jenis unit", "Unit kind"),
                Some(self.opts.kind.clone()),
                true,
            ),
            (
                pick(l, "Kantor wilayah", "Regional office"),
                self.cover.office.clone(),
                false,
            ),
            (pick(l, "Periode", "Period"), self.cover.period.clone(), false),
            (
                pick(l, "Tahap", "Stage"),
                Some(stage_label(self.opts.stage, l).to_owned()),
                true,
            ),
            (
                pick(
                    l,
                    "Tanggal penilaian (TTTT-BB-HH)",
                    "Date of the assessment (YYYY-MM-DD)",
                ),
                fill.and_then(|a| a.assessed_on.clone()),
                false,
            ),
            (
                pick(
                    l,
                    "Memverifikasi (SHA-256 penilaian mandiri)",
                    "Verifies (SHA-256 of the self-assessment)",
                ),
                self.verifies(),
                true,
            ),
        ]
    }
}

struct Formats {
    title: Format,
    header: Format,
    locked: Format,
    locked_wrap: Format,
    number: Format,
    input: Format,
    input_wrap: Format,
    computed: Format,
    score: Format,
    read_only: Format,
}

impl Formats {
    fn new() -> Self {
        let border = |f: Format| {
            f.set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(0x00B0_B0B0))
        };
        let input_fill = Color::RGB(0x00FF_F8DC);
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            header: border(
                Format::new()
                    .set_bold()
                    .set_text_wrap()
                    .set_background_color(Color::RGB(0x00D9_E1F2))
                    .set_align(FormatAlign::Top),
            ),
            locked: border(Format::new().set_align(FormatAlign::Top)),
            locked_wrap: border(Format::new().set_text_wrap().set_align(FormatAlign::Top)),
            number: border(
                Format::new()
                    .set_align(FormatAlign::Top)
                    .set_num_format("General"),
            ),
            input: border(
                Format::new()
                    .set_unlocked()
                    .set_background_color(input_fill)
                    .set_align(FormatAlign::Top),
            ),
            input_wrap: border(
                Format::new()
                    .set_unlocked()
                    .set_text_wrap()
                    .set_background_color(input_fill)
                    .set_align(FormatAlign::Top)
                    .set_num_format("@"),
            ),
            computed: border(
                Format::new()
                    .set_font_color(Color::RGB(0x0044_4444))
                    .set_background_color(Color::RGB(0x00F2_F2F2))
                    .set_align(FormatAlign::Top),
            ),
            score: border(
                Format::new()
                    .set_bold()
                    .set_num_format("0.00")
                    .set_background_color(Color::RGB(0x00E2_EFDA)),
            ),
            read_only: border(
                Format::new()
                    .set_italic()
                    .set_background_color(Color::RGB(0x00EE_EEEE))
                    .set_text_wrap()
                    .set_align(FormatAlign::Top),
            ),
        }
    }
}

/// The figures of one indicator row, as its formulas compute them.
struct RowFigures {
    value: Decimal,
    counted: Decimal,
    earned: Decimal,
}

/// Whether a positive answer without evidence earns 0 on this row.
fn zeroed(ins: &p2ham_model::Instrument, ind: &Indicator) -> bool {
    ind.evidence == EvidenceRequirement::Required && ins.unsupported_claims == UnsupportedClaims::Zero
}

impl RowFigures {
    fn of(ins: &p2ham_model::Instrument, ind: &Indicator, answer: Option<&p2ham_model::Answer>) -> Self {
        let value = answer
            .and_then(|a| a.value.as_deref())
            .and_then(|code| ins.scale(&ind.scale)?.option(code))
            .map_or(Decimal::ZERO, |o| o.value);
        let excluded =
            answer.is_some_and(|a| a.not_applicable.as_deref().is_some_and(|r| !r.trim().is_empty()));
        let counted = if excluded { Decimal::ZERO } else { ind.weight };
        let unsupported = zeroed(ins, ind) && answer.is_none_or(|a| a.evidence.is_empty());
        let earned = if unsupported {
            Decimal::ZERO
        } else {
            value * counted
        };
        RowFigures {
            value,
            counted,
            earned,
        }
    }
}

/// About how many lines a wrapped text takes in a column `width` characters wide.
fn wrapped_lines(text: &str, width: f64) -> u32 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let per_line = (width * 1.1).max(1.0) as usize;
    let lines: usize = text
        .split('\n')
        .map(|line| line.chars().count().div_ceil(per_line).max(1))
        .sum();
    u32::try_from(lines).unwrap_or(u32::MAX).min(40)
}

/// `100 × num / den` rounded half away from zero to 2 decimals; None without data.
fn ratio_score(num: Decimal, den: Decimal) -> Option<Decimal> {
    if den.is_zero() {
        return None;
    }
    let hundred = Decimal::ONE_HUNDRED;
    Some(
        (hundred * num / den).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
    )
}

/// Write a number cell from an exact decimal (the nearest double: what a
/// spreadsheet holds), or its text when it has none.
fn write_decimal(ws: &mut Worksheet, row: u32, col: u16, d: Decimal, f: &Format) -> Result<(), XlsxError> {
    match d.to_f64() {
        Some(x) => ws.write_number_with_format(row, col, x, f)?,
        None => ws.write_string_with_format(row, col, d.to_string(), f)?,
    };
    Ok(())
}

/// The XLSX checklist of `instrument` for `opts`.
#[allow(clippy::many_single_char_names)] // cell letters of the formulas
pub fn checklist_xlsx(
    instrument: &LoadedInstrument,
    opts: &TemplateOptions<'_>,
) -> Result<Vec<u8>, TemplateError> {
    let plan = Plan::new(instrument, opts)?;
    let ins = instrument.checked.instrument();
    let l = plan.lang();
    let fmt = Formats::new();
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{} — {}", ins.title.get(l), stage_label(opts.stage, l)))
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );

    // Sheet names.
    let cover_name = pick(l, "Sampul", "Cover").to_owned();
    let mut taken = vec![cover_name.clone()];
    let mut names = Vec::new();
    for (c, _) in &plan.criteria {
        let name = sheet_name(&format!("{} {}", pick(l, "Kriteria", "Criterion"), c.id), &taken);
        taken.push(name.clone());
        names.push(name);
    }

    // The metadata sheet's answer lists: one column per scale, from row 3.
    let mut list_ranges = std::collections::HashMap::new();
    for (k, scale) in ins.scales.iter().enumerate() {
        let col = u16::try_from(k).unwrap_or(u16::MAX);
        let last = 2 + u32::try_from(scale.options.len()).unwrap_or(0);
        list_ranges.insert(
            scale.id.clone(),
            format!("={META_SHEET}!${c}$4:${c}${last}", c = column_letters(col)),
        );
    }

    // Cover layout.
    let fields = plan.cover_fields();
    let field_cell = |k: usize| cell_name(COVER_FIRST_FIELD + u32::try_from(k).unwrap_or(0), 1);
    let assessors_header = COVER_FIRST_FIELD + u32::try_from(fields.len()).unwrap_or(0) + 1;
    let assessors_row = assessors_header + 1;
    let assessor_rows = plan.assessor_rows();
    let scores_header = assessors_row + assessor_rows + 1;

    // Criterion sheets.
    let mut meta_criteria = Vec::new();
    let mut meta_indicators = Vec::new();
    let mut totals = Vec::new();
    let self_assessment = opts.from.map(|(a, _, _)| a);
    let fill = opts.fill.map(|(a, _)| a);
    let mut criterion_sheets = Vec::new();
    for ((criterion, indicators), name) in plan.criteria.iter().zip(&names) {
        let mut sheet = Worksheet::new();
        let ws = &mut sheet;
        ws.set_name(name)?;
        ws.set_landscape().set_print_fit_to_pages(1, 0).set_paper_size(9);
        ws.write_string_with_format(
            0,
            0,
            format!(
                "{} {} — {}",
                pick(l, "Kriteria", "Criterion"),
                criterion.id,
                criterion.title.get(l)
            ),
            &fmt.title,
        )?;
        ws.write_string(
            CRITERION_WEIGHT.0,
            1,
            pick(l, "Bobot kriteria", "Criterion weight"),
        )?;
        write_decimal(
            ws,
            CRITERION_WEIGHT.0,
            CRITERION_WEIGHT.1,
            criterion.weight,
            &fmt.number,
        )?;
        ws.write_string(
            CRITERION_SCORE.0,
            1,
            pick(l, "Nilai kriteria (0–100)", "Criterion score (0–100)"),
        )?;
        let headers: [(u16, &str, &str, f64); 16] = [
            (column::ID, "ID", "Id", 7.0),
            (column::TITLE, "Indikator", "Indicator", 48.0),
            (column::WEIGHT, "Bobot", "Weight", 8.0),
            (column::ANSWER, "Jawaban", "Answer", 16.0),
            (
                column::SELF_ANSWER,
                "Jawaban penilaian mandiri",
                "Self-assessment answer",
                16.0,
            ),
            (
                column::NOT_APPLICABLE,
                "Alasan tidak berlaku",
                "Why it does not apply",
                22.0,
            ),
            (column::NOTE, "Catatan", "Note", 24.0),
            (
                column::EVIDENCE,
                "Berkas data dukung (satu per baris)",
                "Evidence files (one per line)",
                30.0,
            ),
            (
                column::SHA256,
                "SHA-256 (per baris, opsional)",
                "SHA-256 (per line, optional)",
                22.0,
            ),
            (
                column::CAPTION,
                "Keterangan (per baris, opsional)",
                "Captions (per line, optional)",
                24.0,
            ),
            (column::PRINCIPLES, "Asas pelayanan", "Principles served", 30.0),
            (column::GROUPS, "Kelompok rentan", "Vulnerable groups", 22.0),
            (column::RULE, "Ketentuan", "Rule", 22.0),
            (column::VALUE, "Nilai jawaban", "Answer value", 9.0),
            (column::COUNTED_WEIGHT, "Bobot dihitung", "Weight counted", 9.0),
            (column::EARNED, "Poin", "Points", 9.0),
        ];
        for (col, id, en, width) in headers {
            ws.write_string_with_format(SHEET_HEADER_ROW - 1, col, l.pick(id, en), &fmt.header)?;
            ws.set_column_width(col, width)?;
        }
        ws.set_row_height(SHEET_HEADER_ROW - 1, 45)?;
        let width_of = |col: u16| headers.iter().find(|h| h.0 == col).map_or(10.0, |h| h.3);
        if self_assessment.is_none() {
            ws.set_column_hidden(column::SELF_ANSWER)?;
        }
        let first = SHEET_HEADER_ROW;
        let mut sums = (Decimal::ZERO, Decimal::ZERO);
        for (k, ind) in indicators.iter().enumerate() {
            let r = first + u32::try_from(k).unwrap_or(0);
            let row1 = r + 1;
            ws.write_string_with_format(r, column::ID, &ind.id, &fmt.locked)?;
            ws.write_string_with_format(r, column::TITLE, ind.title.get(l), &fmt.locked_wrap)?;
            write_decimal(ws, r, column::WEIGHT, ind.weight, &fmt.number)?;
            let answer = fill.and_then(|a| a.answer(&ind.id));
            let label = fill.and_then(|a| answer_label(a, ins, ind, l));
            ws.write_string_with_format(r, column::ANSWER, label.unwrap_or_default(), &fmt.input)?;
            let self_text = self_assessment.and_then(|a| {
                let ans = a.answer(&ind.id)?;
                match &ans.not_applicable {
                    Some(why) => Some(format!("{}: {why}", pick(l, "Tidak berlaku", "Does not apply"))),
                    None => answer_label(a, ins, ind, l),
                }
            });
            ws.write_string_with_format(
                r,
                column::SELF_ANSWER,
                self_text.unwrap_or_default(),
                &fmt.read_only,
            )?;
            let lines = |f: &dyn Fn(&p2ham_model::EvidenceRef) -> String| {
                answer
                    .map(|a| a.evidence.iter().map(f).collect::<Vec<_>>().join("\n"))
                    .unwrap_or_default()
            };
            let inputs = [
                (
                    column::NOT_APPLICABLE,
                    answer.and_then(|a| a.not_applicable.clone()).unwrap_or_default(),
                ),
                (
                    column::NOTE,
                    answer.and_then(|a| a.note.clone()).unwrap_or_default(),
                ),
                (column::EVIDENCE, lines(&|e| e.path.clone())),
                (column::SHA256, lines(&|e| e.sha256.clone().unwrap_or_default())),
                (column::CAPTION, lines(&|e| e.caption.clone().unwrap_or_default())),
            ];
            let inputs_shown: Vec<(u16, String)> = inputs
                .iter()
                .map(|(col, text)| (*col, text.trim_end_matches('\n').to_owned()))
                .collect();
            for (col, text) in &inputs_shown {
                ws.write_string_with_format(r, *col, text, &fmt.input_wrap)?;
            }
            let principles: Vec<&str> = ind.principles.iter().map(|p| p.label(l)).collect();
            let groups: Vec<&str> = ind.groups.iter().map(|g| g.label(l)).collect();
            ws.write_string_with_format(r, column::PRINCIPLES, principles.join("; "), &fmt.locked_wrap)?;
            ws.write_string_with_format(r, column::GROUPS, groups.join("; "), &fmt.locked_wrap)?;
            ws.write_string_with_format(r, column::RULE, rule_label(ind, l), &fmt.locked_wrap)?;
            // Spreadsheet programs do not grow rows for wrapped text they did
            // not lay out themselves: set a height that shows every line.
            let mut texts: Vec<(u16, String)> = inputs_shown.clone();
            texts.push((column::TITLE, ind.title.get(l).to_owned()));
            texts.push((column::PRINCIPLES, principles.join("; ")));
            texts.push((column::GROUPS, groups.join("; ")));
            texts.push((column::RULE, rule_label(ind, l)));
            let lines = texts
                .iter()
                .map(|(col, t)| wrapped_lines(t, width_of(*col)))
                .max()
                .unwrap_or(1);
            ws.set_row_height(r, 15.0 * f64::from(lines.max(1)))?;

            // The drop-down of the scale's labels; anything else is refused.
            let scale = ins.scale(&ind.scale).expect("checked instrument");
            let labels: Vec<&str> = scale.options.iter().map(|o| o.label.get(l)).collect();
            let validation = DataValidation::new()
                .allow_list_formula(Formula::new(&list_ranges[&scale.id]))
                .set_error_style(DataValidationErrorStyle::Stop)
                .set_error_title(pick(l, "Jawaban tidak dikenal", "Unknown answer"))?
                .set_error_message(format!(
                    "{} {}",
                    pick(l, "Pilih salah satu:", "Choose one of:"),
                    labels.join(", ")
                ))?
                .set_input_title(pick(l, "Jawaban", "Answer"))?
                .set_input_message(pick(
                    l,
                    "Pilih dari daftar. Jika indikator tidak berlaku, kosongkan dan isi alasannya di kolom F.",
                    "Choose from the list. If the indicator does not apply, leave it blank and give the reason in column F.",
                ))?;
            ws.add_data_validation(r, column::ANSWER, r, column::ANSWER, &validation)?;

            // Live figures, with the results they have now (a spreadsheet
            // program that does not recalculate on opening shows these).
            let now = RowFigures::of(ins, ind, answer);
            let d = format!("{}{row1}", column_letters(column::ANSWER));
            let mut value = "0".to_owned();
            for o in scale.options.iter().rev() {
                value = format!(
                    "IF({d}={},{},{value})",
                    formula_text(o.label.get(l)),
                    o.value.normalize()
                );
            }
            let f = format!("{}{row1}", column_letters(column::NOT_APPLICABLE));
            let c = format!("{}{row1}", column_letters(column::WEIGHT));
            let n = format!("{}{row1}", column_letters(column::VALUE));
            let o = format!("{}{row1}", column_letters(column::COUNTED_WEIGHT));
            let h = format!("{}{row1}", column_letters(column::EVIDENCE));
            let live = |formula: String, result: Decimal| {
                Formula::new(formula).set_result(result.normalize().to_string())
            };
            ws.write_formula_with_format(
                r,
                column::VALUE,
                live(format!("={value}"), now.value),
                &fmt.computed,
            )?;
            ws.write_formula_with_format(
                r,
                column::COUNTED_WEIGHT,
                live(format!("=IF(LEN(TRIM({f}))>0,0,{c})"), now.counted),
                &fmt.computed,
            )?;
            let earned = if zeroed(ins, ind) {
                format!("=IF(LEN(TRIM({h}))=0,0,{n}*{o})")
            } else {
                format!("={n}*{o}")
            };
            ws.write_formula_with_format(r, column::EARNED, live(earned, now.earned), &fmt.computed)?;
            sums.0 += now.counted;
            sums.1 += now.earned;
            meta_indicators.push(IndicatorCells {
                id: ind.id.clone(),
                sheet: name.clone(),
                row: row1,
            });
        }
        // Totals and the criterion's score.
        let count = u32::try_from(indicators.len()).unwrap_or(0);
        let total_row = first + count;
        let (last1, first1) = (first + count.max(1), first + 1);
        ws.write_string_with_format(total_row, column::TITLE, pick(l, "Jumlah", "Sum"), &fmt.header)?;
        let sum = |col: u16, result: Decimal| {
            let c = column_letters(col);
            let formula = if count == 0 {
                Formula::new("=0")
            } else {
                Formula::new(format!("=SUM({c}{first1}:{c}{last1})"))
            };
            formula.set_result(result.normalize().to_string())
        };
        ws.write_formula_with_format(
            total_row,
            column::COUNTED_WEIGHT,
            sum(column::COUNTED_WEIGHT, sums.0),
            &fmt.computed,
        )?;
        ws.write_formula_with_format(
            total_row,
            column::EARNED,
            sum(column::EARNED, sums.1),
            &fmt.computed,
        )?;
        let no_data = pick(l, "tidak ada data", "no data");
        let score_now = ratio_score(sums.1, sums.0).map_or_else(|| no_data.to_owned(), |x| format!("{x:.2}"));
        let o_tot = cell_name(total_row, column::COUNTED_WEIGHT);
        let p_tot = cell_name(total_row, column::EARNED);
        ws.write_formula_with_format(
            CRITERION_SCORE.0,
            CRITERION_SCORE.1,
            Formula::new(format!(
                "=IF({o_tot}=0,{},ROUND(100*{p_tot}/{o_tot},2))",
                formula_text(no_data)
            ))
            .set_result(score_now.clone()),
            &fmt.score,
        )?;
        ws.set_freeze_panes(SHEET_HEADER_ROW, 2)?;
        ws.protect();
        meta_criteria.push(CriterionCells {
            id: criterion.id.clone(),
            sheet: name.clone(),
            weight: Some(cell_name(CRITERION_WEIGHT.0, CRITERION_WEIGHT.1)),
        });
        totals.push((name.clone(), o_tot, p_tot, *criterion, sums, score_now));
        criterion_sheets.push(sheet);
    }

    // Cover.
    let mut cover_sheet = Worksheet::new();
    let cover = &mut cover_sheet;
    cover.set_name(&cover_name)?;
    cover.set_paper_size(9).set_print_fit_to_pages(1, 0);
    cover.set_column_width(0, 34)?;
    cover.set_column_width(1, 52)?;
    cover.set_column_width(2, 18)?;
    cover.set_column_width(3, 14)?;
    cover.write_string_with_format(0, 0, ins.title.get(l), &fmt.title)?;
    cover.write_string(
        1,
        0,
        format!(
            "{} — {} {}",
            pick(l, "Daftar periksa P2HAM", "P2HAM checklist"),
            stage_label(opts.stage, l),
            ins.legal_basis
                .first()
                .map(|b| format!("({b})"))
                .unwrap_or_default()
        ),
    )?;
    for (k, (label, value, locked)) in fields.iter().enumerate() {
        let r = COVER_FIRST_FIELD + u32::try_from(k).unwrap_or(0);
        cover.write_string_with_format(r, 0, *label, &fmt.header)?;
        let f = if *locked { &fmt.locked } else { &fmt.input_wrap };
        cover.write_string_with_format(r, 1, value.clone().unwrap_or_default(), f)?;
    }
    cover.write_string_with_format(assessors_header, 0, pick(l, "Penilai", "Assessors"), &fmt.header)?;
    cover.write_string_with_format(assessors_header, 1, pick(l, "Nama", "Name"), &fmt.header)?;
    cover.write_string_with_format(assessors_header, 2, pick(l, "Peran", "Role"), &fmt.header)?;
    for k in 0..assessor_rows {
        let r = assessors_row + k;
        let who = fill.and_then(|a| a.assessors.get(k as usize));
        cover.write_string_with_format(r, 0, format!("{}", k + 1), &fmt.locked)?;
        cover.write_string_with_format(
            r,
            1,
            who.map(|a| a.name.as_str()).unwrap_or_default(),
            &fmt.input_wrap,
        )?;
        cover.write_string_with_format(
            r,
            2,
            who.map(|a| a.role.as_str()).unwrap_or_default(),
            &fmt.input_wrap,
        )?;
    }
    let h = scores_header;
    for (col, id, en) in [
        (0u16, "Kriteria", "Criterion"),
        (1, "Judul", "Title"),
        (2, "Bobot", "Weight"),
        (3, "Nilai", "Score"),
    ] {
        cover.write_string_with_format(h, col, l.pick(id, en), &fmt.header)?;
    }
    let mut num = Vec::new();
    let mut den = Vec::new();
    let (mut num_now, mut den_now) = (Decimal::ZERO, Decimal::ZERO);
    for (k, (name, o_tot, p_tot, criterion, sums, score_now)) in totals.iter().enumerate() {
        if !sums.0.is_zero() {
            num_now += criterion.weight * sums.1 / sums.0;
            den_now += criterion.weight;
        }
        let r = h + 1 + u32::try_from(k).unwrap_or(0);
        let s = sheet_ref(name);
        cover.write_string_with_format(r, 0, &criterion.id, &fmt.locked)?;
        cover.write_string_with_format(r, 1, criterion.title.get(l), &fmt.locked_wrap)?;
        write_decimal(cover, r, 2, criterion.weight, &fmt.number)?;
        let score_cell = cell_name(CRITERION_SCORE.0, CRITERION_SCORE.1);
        cover.write_formula_with_format(
            r,
            3,
            Formula::new(format!("={s}!{score_cell}")).set_result(score_now.clone()),
            &fmt.score,
        )?;
        let w = format!("{s}!{}", cell_name(CRITERION_WEIGHT.0, CRITERION_WEIGHT.1));
        num.push(format!("IF({s}!{o_tot}=0,0,{w}*{s}!{p_tot}/{s}!{o_tot})"));
        den.push(format!("IF({s}!{o_tot}=0,0,{w})"));
    }
    let total_row = h + 1 + u32::try_from(totals.len()).unwrap_or(0);
    let den = den.join("+");
    cover.write_string_with_format(
        total_row,
        1,
        pick(l, "Nilai total (0–100)", "Total score (0–100)"),
        &fmt.header,
    )?;
    cover.write_formula_with_format(
        total_row,
        3,
        Formula::new(format!(
            "=IF(({den})=0,{},ROUND(100*({})/({den}),2))",
            formula_text(pick(l, "tidak ada data", "no data")),
            num.join("+")
        ))
        .set_result(ratio_score(num_now, den_now).map_or_else(
            || pick(l, "tidak ada data", "no data").to_owned(),
            |x| format!("{x:.2}"),
        )),
        &fmt.score,
    )?;
    let award = &ins.award;
    let mut rule = format!(
        "{} {}",
        pick(
            l,
            "Syarat predikat: nilai total paling sedikit",
            "Award rule: a total of at least"
        ),
        award.min_total
    );
    if let Some(m) = award.min_criterion {
        let _ = write!(
            rule,
            "{} {m}",
            pick(
                l,
                ", setiap kriteria paling sedikit",
                ", every criterion at least"
            )
        );
    }
    rule.push_str(pick(
        l,
        ", dan setiap indikator wajib terpenuhi (nilai 1). Keputusan resmi: p2ham score.",
        ", and every mandatory indicator fully met (value 1). The official decision: p2ham score.",
    ));
    cover.write_string(total_row + 1, 0, rule)?;
    let instructions: &[(&str, &str)] = &[
        ("Petunjuk pengisian", "How to fill in this checklist"),
        (
            "1. Isi sel berwarna kuning saja: identitas unit, periode, tanggal, penilai, dan pada setiap lembar kriteria kolom D sampai J.",
            "1. Fill in the yellow cells only: the unit, period, date, assessors and, on every criterion sheet, columns D to J.",
        ),
        (
            "2. Jawaban (kolom D): pilih dari daftar. Jika indikator tidak berlaku bagi unit, kosongkan jawaban dan tulis alasannya di kolom F.",
            "2. Answer (column D): choose from the list. If the indicator does not apply to the unit, leave the answer blank and write why in column F.",
        ),
        (
            "3. Data dukung (kolom H): nama berkas, satu per baris; SHA-256 dan keterangan (kolom I, J) baris demi baris dengan urutan yang sama.",
            "3. Evidence (column H): file names, one per line; SHA-256 and captions (columns I, J) line by line in the same order.",
        ),
        (
            "4. Jawaban positif pada indikator yang mewajibkan data dukung tanpa berkas di kolom H bernilai 0.",
            "4. A positive answer to an indicator that requires evidence earns 0 while column H is blank.",
        ),
        (
            "5. Nilai kriteria dan nilai total dihitung langsung; sama dengan hasil p2ham score. Jangan mengubah, memindah atau mengurutkan baris.",
            "5. Criterion scores and the total are computed live and equal p2ham score. Do not change, move or sort rows.",
        ),
        (
            "6. Serahkan berkas ini (XLSX, ODS atau CSV); p2ham import mengubahnya menjadi dokumen penilaian dan melaporkan setiap kesalahan per sel.",
            "6. Hand this file back (XLSX, ODS or CSV); p2ham import turns it into an assessment document and reports every mistake by cell.",
        ),
    ];
    for (k, (id, en)) in instructions.iter().enumerate() {
        let r = total_row + 3 + u32::try_from(k).unwrap_or(0);
        if k == 0 {
            cover.write_string_with_format(r, 0, l.pick(id, en), &fmt.title)?;
        } else {
            cover.write_string(r, 0, l.pick(id, en))?;
        }
    }
    cover.protect();
    cover.set_active(true);

    // Metadata.
    let meta = ChecklistMeta {
        format: CHECKLIST_FORMAT.to_owned(),
        instrument: plan.stamp(),
        unit_kind: opts.kind.clone(),
        stage: opts.stage,
        lang: l,
        verifies: plan.verifies(),
        cover: CoverCells {
            sheet: cover_name.clone(),
            unit_id: field_cell(1),
            unit_name: field_cell(2),
            unit_kind: field_cell(3),
            office: field_cell(4),
            period: field_cell(5),
            assessed_on: field_cell(7),
            assessors_row: assessors_row + 1,
            assessors_rows: assessor_rows,
            assessor_name_column: 1,
            assessor_role_column: 2,
        },
        criteria: meta_criteria,
        indicators: meta_indicators,
    };
    let (json, seal) = meta.sealed();
    let mut meta_sheet = Worksheet::new();
    let ms = &mut meta_sheet;
    ms.set_name(META_SHEET)?;
    ms.write_string(0, 0, CHECKLIST_FORMAT)?;
    ms.write_string(0, 1, json)?;
    ms.write_string(0, 2, seal)?;
    for (k, scale) in ins.scales.iter().enumerate() {
        let col = u16::try_from(k).unwrap_or(u16::MAX);
        ms.write_string(2, col, &scale.id)?;
        for (j, o) in scale.options.iter().enumerate() {
            ms.write_string(3 + u32::try_from(j).unwrap_or(0), col, o.label.get(l))?;
        }
    }
    ms.protect();
    ms.set_very_hidden(true);

    // The cover first, the metadata last.
    wb.push_worksheet(cover_sheet);
    for sheet in criterion_sheets {
        wb.push_worksheet(sheet);
    }
    wb.push_worksheet(meta_sheet);
    Ok(wb.save_to_buffer()?)
}

/// The checklist of `instrument` for `opts` as CSV: the metadata in row 1, the
/// cover's fields, the assessors, then one row per indicator with the columns
/// of the XLSX criterion sheets (A–M; no formulas).
pub fn checklist_csv(
    instrument: &LoadedInstrument,
    opts: &TemplateOptions<'_>,
) -> Result<Vec<u8>, TemplateError> {
    let plan = Plan::new(instrument, opts)?;
    let ins = instrument.checked.instrument();
    let l = plan.lang();
    let fill = opts.fill.map(|(a, _)| a);
    let self_assessment = opts.from.map(|(a, _, _)| a);
    let fields = plan.cover_fields();
    let mut rows: Vec<Vec<String>> = vec![Vec::new()]; // row 1: the metadata, written last
    for (label, value, _) in &fields {
        rows.push(vec![(*label).to_owned(), value.clone().unwrap_or_default()]);
    }
    let assessors_row = u32::try_from(rows.len()).unwrap_or(0);
    for k in 0..plan.assessor_rows() {
        let who = fill.and_then(|a| a.assessors.get(k as usize));
        rows.push(vec![
            pick(l, "Penilai", "Assessor").to_owned(),
            who.map(|a| a.name.clone()).unwrap_or_default(),
            who.map(|a| a.role.clone()).unwrap_or_default(),
        ]);
    }
    rows.push(
        [
            ("ID", "Id"),
            ("Indikator", "Indicator"),
            ("Bobot", "Weight"),
            ("Jawaban", "Answer"),
            ("Jawaban penilaian mandiri", "Self-assessment answer"),
            ("Alasan tidak berlaku", "Why it does not apply"),
            ("Catatan", "Note"),
            ("Berkas data dukung", "Evidence files"),
            ("SHA-256", "SHA-256"),
            ("Keterangan", "Captions"),
            ("Asas pelayanan", "Principles served"),
            ("Kelompok rentan", "Vulnerable groups"),
            ("Ketentuan", "Rule"),
        ]
        .iter()
        .map(|(id, en)| l.pick(id, en).to_owned())
        .collect(),
    );
    let mut meta_criteria = Vec::new();
    let mut meta_indicators = Vec::new();
    for (criterion, indicators) in &plan.criteria {
        meta_criteria.push(CriterionCells {
            id: criterion.id.clone(),
            sheet: String::new(),
            weight: None,
        });
        for ind in indicators {
            let answer = fill.and_then(|a| a.answer(&ind.id));
            let lines = |f: &dyn Fn(&p2ham_model::EvidenceRef) -> String| {
                answer
                    .map(|a| a.evidence.iter().map(f).collect::<Vec<_>>().join("\n"))
                    .unwrap_or_default()
            };
            let self_text = self_assessment.and_then(|a| {
                let ans = a.answer(&ind.id)?;
                match &ans.not_applicable {
                    Some(why) => Some(format!("{}: {why}", pick(l, "Tidak berlaku", "Does not apply"))),
                    None => answer_label(a, ins, ind, l),
                }
            });
            meta_indicators.push(IndicatorCells {
                id: ind.id.clone(),
                sheet: String::new(),
                row: u32::try_from(rows.len()).unwrap_or(0) + 1,
            });
            rows.push(vec![
                ind.id.clone(),
                ind.title.get(l).to_owned(),
                ind.weight.to_string(),
                fill.and_then(|a| answer_label(a, ins, ind, l))
                    .unwrap_or_default(),
                self_text.unwrap_or_default(),
                answer.and_then(|a| a.not_applicable.clone()).unwrap_or_default(),
                answer.and_then(|a| a.note.clone()).unwrap_or_default(),
                lines(&|e| e.path.clone()),
                lines(&|e| e.sha256.clone().unwrap_or_default()),
                lines(&|e| e.caption.clone().unwrap_or_default()),
                ind.principles
                    .iter()
                    .map(|p| p.label(l))
                    .collect::<Vec<_>>()
                    .join("; "),
                ind.groups
                    .iter()
                    .map(|g| g.label(l))
                    .collect::<Vec<_>>()
                    .join("; "),
                rule_label(ind, l),
            ]);
        }
    }
    let b = |k: usize| cell_name(u32::try_from(k).unwrap_or(0) + 1, 1);
    let meta = ChecklistMeta {
        format: CHECKLIST_FORMAT.to_owned(),
        instrument: plan.stamp(),
        unit_kind: opts.kind.clone(),
        stage: opts.stage,
        lang: l,
        verifies: plan.verifies(),
        cover: CoverCells {
            sheet: String::new(),
            unit_id: b(1),
            unit_name: b(2),
            unit_kind: b(3),
            office: b(4),
            period: b(5),
            assessed_on: b(7),
            assessors_row: assessors_row + 1,
            assessors_rows: plan.assessor_rows(),
            assessor_name_column: 1,
            assessor_role_column: 2,
        },
        criteria: meta_criteria,
        indicators: meta_indicators,
    };
    let (json, seal) = meta.sealed();
    rows[0] = vec![CHECKLIST_FORMAT.to_owned(), json, seal];
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    for row in &rows {
        // The rule of every CSV written: no cell opens as a formula (read back exactly).
        w.write_record(
            row.iter()
                .map(|cell| p2ham_io::formula::formula_safe(cell).into_owned()),
        )
        .map_err(|e| TemplateError::Mismatch {
            file: "-".into(),
            message: e.to_string(),
        })?;
    }
    w.into_inner().map_err(|e| TemplateError::Mismatch {
        file: "-".into(),
        message: e.to_string(),
    })
}
