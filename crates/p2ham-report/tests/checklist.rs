//! The spreadsheet checklist: template → fill → import equals the original
//! assessment for the Sampit units (XLSX, CSV, ODS and XLSX saved by
//! LibreOffice); LibreOffice's recalculation of the formulas equals `p2ham
//! score`; bad sheets each give their documented error, by cell.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use calamine::Reader as _;

use p2ham_io::model::{Assessment, Code, Lang, Stage};
use p2ham_io::{
    checklist::import_checklist, checklist::read_checklist, checklist::ChecklistError,
    checklist::ImportOptions, document::load_assessment, document::score_loaded, document::LoadedAssessment,
    document::LoadedInstrument,
};
use p2ham_report::{checklist_csv, checklist_xlsx, CoverFields, TemplateOptions};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(unit: &str, stage: &str) -> LoadedAssessment {
    load_assessment(&root().join(format!(
        "fixtures/assessments/sampit-2023/{unit}-sampit.{stage}.json"
    )))
    .unwrap()
}

fn instrument(id: &str) -> LoadedInstrument {
    p2ham_io::builtin(id).unwrap().clone()
}

const UNITS: [&str; 3] = ["kanim", "lapas", "bapas"];

/// A template of `stage` for `unit`, filled with the fixture's answers; a
/// verification template is made from the unit's self-assessment.
fn filled(unit: &str, stage: &str, lang: Lang, csv: bool) -> (Vec<u8>, LoadedAssessment, LoadedInstrument) {
    let ins = instrument("p2ham-2022");
    let doc = fixture(unit, stage);
    let self_doc = fixture(unit, "self");
    let options = TemplateOptions {
        kind: doc.assessment.unit.kind.clone(),
        stage: doc.assessment.stage,
        lang,
        cover: CoverFields::default(),
        from: (stage == "verification").then_some((
            &self_doc.assessment,
            self_doc.file.as_str(),
            self_doc.sha256.as_str(),
        )),
        fill: Some((&doc.assessment, doc.file.as_str())),
    };
    let bytes = if csv {
        checklist_csv(&ins, &options).unwrap()
    } else {
        checklist_xlsx(&ins, &options).unwrap()
    };
    (bytes, doc, ins)
}

/// Whether an assessment leaves indicators unanswered (then the import must allow it).
fn has_missing(a: &Assessment, ins: &LoadedInstrument) -> bool {
    let applicable = ins
        .checked
        .instrument()
        .indicators()
        .filter(|(_, i)| i.applies_to_kind(&a.unit.kind))
        .count();
    a.answers.len() < applicable
}

fn options_for(a: &Assessment, ins: &LoadedInstrument) -> ImportOptions {
    ImportOptions {
        allow_missing: has_missing(a, ins),
    }
}

#[test]
fn xlsx_and_csv_round_trip_every_sampit_assessment() {
    for unit in UNITS {
        for stage in ["self", "verification"] {
            for (csv, lang) in [
                (false, Lang::Id),
                (true, Lang::Id),
                (false, Lang::En),
                (true, Lang::En),
            ] {
                let (bytes, doc, ins) = filled(unit, stage, lang, csv);
                let name = if csv { "unit.csv" } else { "unit.xlsx" };
                let back = import_checklist(name, &bytes, &ins, &options_for(&doc.assessment, &ins))
                    .unwrap_or_else(|e| panic!("{unit} {stage} csv={csv} {lang:?}: {e}"));
                assert_eq!(back, doc.assessment, "{unit} {stage} csv={csv} {lang:?}");
                if stage == "verification" {
                    // Made from the self-assessment file: the verification verifies it.
                    assert_eq!(
                        back.verifies.as_deref(),
                        Some(format!("sha256:{}", fixture(unit, "self").sha256).as_str())
                    );
                }
            }
        }
    }
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let (a, _, _) = filled("lapas", "verification", Lang::Id, false);
    let (b, _, _) = filled("lapas", "verification", Lang::Id, false);
    assert!(a == b, "the XLSX template is not deterministic");
}

#[test]
fn an_unanswered_indicator_is_a_missing_answer_unless_allowed() {
    // The kanim verification leaves D.05 unanswered.
    let (bytes, doc, ins) = filled("kanim", "verification", Lang::Id, false);
    let err = import_checklist("k.xlsx", &bytes, &ins, &ImportOptions::default()).unwrap_err();
    let ChecklistError::Cells { problems, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(problems.len(), 1, "{err}");
    assert_eq!(problems[0].code, Code::MissingAnswer);
    assert_eq!(problems[0].cell, "Kriteria D!D9");
    assert!(problems[0].message.contains("D.05"), "{err}");
    assert!(problems[0].message.contains("Ada, Proses, Tidak"), "{err}");
    let back = import_checklist("k.xlsx", &bytes, &ins, &ImportOptions { allow_missing: true }).unwrap();
    assert_eq!(back, doc.assessment);
}

/// Rewrite the XML parts of an XLSX.
fn edit_xlsx(bytes: &[u8], mut edit: impl FnMut(&str, String) -> String) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for k in 0..archive.len() {
        let mut file = archive.by_index(k).unwrap();
        let name = file.name().unwrap().into_owned();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        let data = if Path::new(&name).extension().is_some_and(|e| e == "xml") {
            edit(&name, String::from_utf8(data).unwrap()).into_bytes()
        } else {
            data
        };
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Put text into a cell of a worksheet part, as a spreadsheet program would
/// (an inline string replacing whatever the cell held).
fn set_cell(xml: &str, cell: &str, text: &str) -> String {
    let open = format!("<c r=\"{cell}\"");
    let start = xml.find(&open).unwrap_or_else(|| panic!("no cell {cell}"));
    let rest = &xml[start..];
    let end = if let Some(self_closing) = rest.find("/>").filter(|&e| !rest[..e].contains('>')) {
        self_closing + 2
    } else {
        rest.find("</c>").unwrap() + 4
    };
    let style = rest[..rest.find('>').unwrap()]
        .split_whitespace()
        .find(|a| a.starts_with("s=\""))
        .map(|s| format!(" {}", s.trim_end_matches('/')))
        .unwrap_or_default();
    let new = if text.is_empty() {
        format!("<c r=\"{cell}\"{style}/>")
    } else {
        format!("<c r=\"{cell}\"{style} t=\"inlineStr\"><is><t>{text}</t></is></c>")
    };
    format!("{}{new}{}", &xml[..start], &rest[end..])
}

/// The worksheet part of the n-th sheet (1-based: 1 is the cover, then the criteria).
fn sheet_part(n: usize) -> String {
    format!("xl/worksheets/sheet{n}.xml")
}

fn cells_error(err: &ChecklistError) -> Vec<(String, Code)> {
    match err {
        ChecklistError::Cells { problems, .. } => problems.iter().map(|p| (p.cell.clone(), p.code)).collect(),
        other => panic!("expected cell problems, got: {other}"),
    }
}

#[test]
fn a_wrong_label_is_reported_by_cell() {
    let (bytes, _, ins) = filled("lapas", "self", Lang::Id, false);
    let bad = edit_xlsx(&bytes, |name, xml| {
        if name == sheet_part(2) {
            set_cell(&xml, "D5", "Adaa")
        } else {
            xml
        }
    });
    let err = import_checklist("lapas.xlsx", &bad, &ins, &ImportOptions::default()).unwrap_err();
    assert_eq!(
        cells_error(&err),
        [("Kriteria A!D5".to_owned(), Code::UnknownLabel)]
    );
    assert_eq!(
        err.to_string(),
        "lapas.xlsx: 1 problem(s):\n  Kriteria A!D5: error[unknown-label]: `Adaa` is not an answer to A.01; expected one of: Ada, Proses, Tidak (or blank, with the reason in F5 when the indicator does not apply)"
    );
}

/// An answer typed as a formula is refused by cell, never read from the
/// result the file cached (which the formula may not even compute).
#[test]
fn an_answer_cell_holding_a_formula_is_refused() {
    let (bytes, _, ins) = filled("lapas", "self", Lang::Id, false);
    let bad = edit_xlsx(&bytes, |name, xml| {
        if name == sheet_part(2) {
            let with_text = set_cell(&xml, "D5", "Ada");
            with_text.replace(
                "<c r=\"D5\"",
                "<c r=\"D5\" t=\"str\"><f>IF(1=1,\"Ada\",\"Tidak\")</f><v>Ada</v></c><c r=\"D5-old\"",
            )
        } else {
            xml
        }
    });
    // The edit leaves the old cell under a name no reader takes; drop it.
    let bad = edit_xlsx(&bad, |name, xml| {
        if name == sheet_part(2) {
            let start = xml.find("<c r=\"D5-old\"").unwrap();
            let end = start + xml[start..].find("</c>").unwrap() + 4;
            format!("{}{}", &xml[..start], &xml[end..])
        } else {
            xml
        }
    });
    let err = import_checklist("lapas.xlsx", &bad, &ins, &ImportOptions::default()).unwrap_err();
    assert_eq!(cells_error(&err), [("Kriteria A!D5".to_owned(), Code::NotText)]);
    assert!(
        err.to_string()
            .contains("the formula `=IF(1=1,\"Ada\",\"Tidak\")`"),
        "{err}"
    );
}

/// A CSV checklist saved as UTF-16 ("Unicode text") reads as its UTF-8 original.
#[test]
fn a_utf16_csv_checklist_is_read_as_its_utf8_original() {
    let (bytes, doc, ins) = filled("lapas", "self", Lang::Id, true);
    let text = String::from_utf8(bytes).unwrap();
    for big_endian in [false, true] {
        let mut utf16 = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.encode_utf16() {
            utf16.extend(if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        let back = import_checklist("l.csv", &utf16, &ins, &options_for(&doc.assessment, &ins)).unwrap();
        assert_eq!(back, doc.assessment);
    }
}

#[test]
fn english_labels_and_option_codes_are_accepted_in_either_template() {
    let (bytes, doc, ins) = filled("lapas", "self", Lang::Id, false);
    // A.01 is answered `ada`: type it in English, and as its code.
    for typed in ["Present", "present ", "ada", "ADA"] {
        let edited = edit_xlsx(&bytes, |name, xml| {
            if name == sheet_part(2) {
                set_cell(&xml, "D5", typed)
            } else {
                xml
            }
        });
        let back = import_checklist("l.xlsx", &edited, &ins, &ImportOptions::default()).unwrap();
        assert_eq!(back, doc.assessment, "{typed}");
    }
}

#[test]
fn bad_sheets_give_their_documented_errors() {
    let (bytes, _, ins) = filled("lapas", "self", Lang::Id, false);
    let opts = ImportOptions::default();
    let edit = |part: usize, cell: &'static str, text: &'static str| {
        edit_xlsx(&bytes, move |name, xml| {
            if name == sheet_part(part) {
                set_cell(&xml, cell, text)
            } else {
                xml
            }
        })
    };
    // A missing answer.
    let err = import_checklist("l.xlsx", &edit(2, "D5", ""), &ins, &opts).unwrap_err();
    assert_eq!(
        cells_error(&err),
        [("Kriteria A!D5".to_owned(), Code::MissingAnswer)]
    );
    // An answer and a reason why the indicator does not apply.
    let err = import_checklist("l.xlsx", &edit(2, "F5", "tidak ada ruang"), &ins, &opts).unwrap_err();
    assert_eq!(
        cells_error(&err),
        [("Kriteria A!D5".to_owned(), Code::AnswerAndNotApplicable)]
    );
    // An edited locked cell: a weight, an indicator id.
    let err = import_checklist("l.xlsx", &edit(2, "C6", "5"), &ins, &opts).unwrap_err();
    assert_eq!(
        cells_error(&err),
        [("Kriteria A!C6".to_owned(), Code::LockedCellChanged)]
    );
    let err = import_checklist("l.xlsx", &edit(3, "A5", "B.99"), &ins, &opts).unwrap_err();
    assert_eq!(
        cells_error(&err),
        [("Kriteria B!A5".to_owned(), Code::LockedCellChanged)]
    );
    // A criterion weight.
    let err = import_checklist("l.xlsx", &edit(2, "C2", "90"), &ins, &opts).unwrap_err();
    assert_eq!(
        cells_error(&err),
        [("Kriteria A!C2".to_owned(), Code::LockedCellChanged)]
    );
    // A bad SHA-256 and a blank required cover field, both reported.
    let bad = edit_xlsx(&bytes, |name, xml| {
        if name == sheet_part(2) {
            set_cell(&xml, "I5", "abc")
        } else if name == sheet_part(1) {
            set_cell(&xml, "B5", "")
        } else {
            xml
        }
    });
    let err = import_checklist("l.xlsx", &bad, &ins, &opts).unwrap_err();
    assert_eq!(
        cells_error(&err),
        [
            ("Sampul!B5".to_owned(), Code::Required),
            ("Kriteria A!I5".to_owned(), Code::Sha256)
        ]
    );
    // A date that is no date.
    let err = import_checklist("l.xlsx", &edit(1, "B11", "14/03/2023"), &ins, &opts).unwrap_err();
    assert_eq!(cells_error(&err), [("Sampul!B11".to_owned(), Code::Date)]);
}

#[test]
fn tampered_metadata_is_refused() {
    let (bytes, _, ins) = filled("lapas", "self", Lang::Id, false);
    let meta = read_checklist("l.xlsx", &bytes).unwrap().meta().clone();
    let other = "0".repeat(64);
    // Another digest written into the metadata: the seal no longer matches.
    let bad = edit_xlsx(&bytes, |name, xml| {
        if name == "xl/sharedStrings.xml" {
            xml.replace(&meta.instrument.sha256, &other)
        } else {
            xml
        }
    });
    let err = import_checklist("l.xlsx", &bad, &ins, &ImportOptions::default()).unwrap_err();
    assert!(
        matches!(&err, ChecklistError::Metadata { cell, .. } if cell == "p2ham!B1"),
        "{err}"
    );
    assert!(err.to_string().contains("was edited"), "{err}");
}

/// Rewrite the metadata of a CSV checklist and seal it again, as anyone can
/// (the seal is a plain SHA-256).
fn resealed_csv(bytes: &[u8], edit: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let mut meta: serde_json::Value = serde_json::from_str(&rows[0][1]).unwrap();
    edit(&mut meta);
    let json = serde_json::to_string(&meta).unwrap();
    rows[0][2] = format!("sha256:{}", p2ham_io::digest::sha256_hex(json.as_bytes()));
    rows[0][1] = json;
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    for row in rows {
        w.write_record(row).unwrap();
    }
    w.into_inner().unwrap()
}

/// The metadata is input: a re-sealed metadata whose values lie outside a
/// worksheet or the instrument is refused at once, naming the metadata cell.
#[test]
fn resealed_metadata_out_of_range_is_refused_at_once() {
    let (bytes, _, ins) = filled("lapas", "self", Lang::Id, true);
    let first_row = read_checklist("l.csv", &bytes).unwrap().meta().indicators[0].row;
    let digest = format!("sha256:{}", "0".repeat(64));
    let cases: [(&str, &str, serde_json::Value); 9] = [
        ("assessor rows", "/cover/assessors_rows", 1_000_000_000.into()),
        ("assessors at row", "/cover/assessors_row", 0.into()),
        ("in column", "/cover/assessor_name_column", 60_000.into()),
        ("names no cell", "/cover/period", "ZZZZ1".into()),
        ("row from 1", "/indicators/0/row", 4_000_000_000_u32.into()),
        ("another indicator has", "/indicators/1/row", first_row.into()),
        (
            "CSV checklist has none",
            "/indicators/0/sheet",
            "Kriteria A".into(),
        ),
        ("is not for", "/unit_kind", "kapal".into()),
        ("no verification", "/verifies", digest.into()),
    ];
    for (expected, pointer, value) in cases {
        let bad = resealed_csv(&bytes, |m: &mut serde_json::Value| {
            if pointer == "/verifies" {
                m["verifies"] = value.clone();
            } else {
                *m.pointer_mut(pointer).unwrap() = value.clone();
            }
        });
        let started = std::time::Instant::now();
        let err = import_checklist("l.csv", &bad, &ins, &ImportOptions::default()).unwrap_err();
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{expected}: slow"
        );
        assert!(
            matches!(&err, ChecklistError::Metadata { cell, .. } if cell == "l.csv!B1" || cell == "B1"),
            "{expected}: {err}"
        );
        assert!(err.to_string().contains(expected), "{expected}: {err}");
    }
    // The untouched metadata, re-sealed, still imports.
    let same = resealed_csv(&bytes, |_| {});
    import_checklist("l.csv", &same, &ins, &ImportOptions::default()).unwrap();
}

#[test]
fn a_sheet_of_another_instrument_is_refused() {
    let kanim = instrument("p2ham-2018-kanim");
    let doc = fixture("kanim", "self");
    let options = TemplateOptions {
        kind: "kanim".into(),
        stage: Stage::SelfAssessment,
        lang: Lang::Id,
        cover: CoverFields::default(),
        from: None,
        fill: None,
    };
    let bytes = checklist_xlsx(&kanim, &options).unwrap();
    let err = import_checklist(
        "k.xlsx",
        &bytes,
        &instrument("p2ham-2022"),
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, ChecklistError::InstrumentMismatch { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("made from instrument p2ham-2018-kanim 1.0.0"),
        "{err}"
    );
    // The same instrument id with other content (another revision): its digest differs.
    let mut revised = instrument("p2ham-2022");
    revised.sha256 = "f".repeat(64);
    let (bytes, _, _) = filled("kanim", "self", Lang::Id, false);
    let err = import_checklist("k.xlsx", &bytes, &revised, &ImportOptions::default()).unwrap_err();
    assert!(matches!(err, ChecklistError::InstrumentMismatch { .. }), "{err}");
    drop(doc);
}

#[test]
fn a_file_that_is_no_checklist_is_refused() {
    let ins = instrument("p2ham-2022");
    let err = import_checklist("s.csv", b"U1,U2\n4,4\n", &ins, &ImportOptions::default()).unwrap_err();
    assert!(matches!(err, ChecklistError::NotAChecklist { .. }), "{err}");
    let survey = std::fs::read(root().join("fixtures/skm/kanim-sampit-2023.xlsx")).unwrap();
    let err = import_checklist("s.xlsx", &survey, &ins, &ImportOptions::default()).unwrap_err();
    assert!(matches!(err, ChecklistError::NotAChecklist { .. }), "{err}");
    let err = import_checklist("x.xlsx", b"PK\x03\x04garbage", &ins, &ImportOptions::default()).unwrap_err();
    assert!(matches!(err, ChecklistError::Unreadable { .. }), "{err}");
}

#[test]
fn the_import_reads_the_cells_present_not_the_declared_range() {
    let (bytes, doc, ins) = filled("bapas", "self", Lang::Id, false);
    // Every sheet claims the whole grid of a spreadsheet.
    let huge = edit_xlsx(&bytes, |name, xml| {
        if name.starts_with("xl/worksheets/sheet") {
            let start = xml.find("<dimension ref=\"").unwrap();
            let end = start + xml[start..].find("/>").unwrap() + 2;
            format!(
                "{}<dimension ref=\"A1:XFD1048576\"/>{}",
                &xml[..start],
                &xml[end..]
            )
        } else {
            xml
        }
    });
    let back = import_checklist("b.xlsx", &huge, &ins, &ImportOptions::default()).unwrap();
    assert_eq!(back, doc.assessment);
}

fn too_large(err: &ChecklistError) -> (&str, &str) {
    match err {
        ChecklistError::TooLarge { part, message, .. } => (part.as_str(), message.as_str()),
        other => panic!("expected too-large, got {other}"),
    }
}

/// A checklist whose shared strings inflate to 20 MiB (from a file of a few
/// KiB) is refused by part before the spreadsheet reader holds them.
#[test]
fn a_part_that_inflates_past_its_bound_is_refused_by_name() {
    let (bytes, _, ins) = filled("kanim", "self", Lang::Id, false);
    let bomb = edit_xlsx(&bytes, |name, xml| {
        if name == "xl/sharedStrings.xml" {
            let end = xml.rfind("</sst>").unwrap();
            format!("{}<si><t>{}</t></si></sst>", &xml[..end], " ".repeat(20 << 20))
        } else {
            xml
        }
    });
    assert!(bomb.len() < 200 << 10, "{} bytes", bomb.len());
    let err = import_checklist("k.xlsx", &bomb, &ins, &ImportOptions::default()).unwrap_err();
    let (part, message) = too_large(&err);
    assert_eq!(part, "part `xl/sharedStrings.xml`");
    assert!(message.contains("more than 16 MiB"), "{message}");
    assert_eq!(err.code(), p2ham_io::model::Code::TooLarge);
}

/// One long shared text shown in many cells counts at every cell: the
/// cells read are bounded whatever the parts' sizes.
#[test]
fn a_shared_text_shown_in_many_cells_is_bounded() {
    let (bytes, _, ins) = filled("kanim", "self", Lang::Id, false);
    let mut index = 0;
    edit_xlsx(&bytes, |name, xml| {
        if name == "xl/sharedStrings.xml" {
            index = xml.matches("<si>").count();
        }
        xml
    });
    let bomb = edit_xlsx(&bytes, |name, xml| {
        if name == "xl/sharedStrings.xml" {
            let end = xml.rfind("</sst>").unwrap();
            format!("{}<si><t>{}</t></si></sst>", &xml[..end], "x".repeat(1 << 20))
        } else if name == sheet_part(1) {
            let mut rows = String::new();
            for r in 5000..5100 {
                std::fmt::Write::write_fmt(
                    &mut rows,
                    format_args!("<row r=\"{r}\"><c r=\"Z{r}\" t=\"s\"><v>{index}</v></c></row>"),
                )
                .unwrap();
            }
            let end = xml.find("</sheetData>").unwrap();
            format!("{}{rows}{}", &xml[..end], &xml[end..])
        } else {
            xml
        }
    });
    let err = import_checklist("k.xlsx", &bomb, &ins, &ImportOptions::default()).unwrap_err();
    let (part, message) = too_large(&err);
    assert!(part.starts_with("worksheet `"), "{part}");
    assert!(message.contains("64 MiB of cell text"), "{message}");
}

/// An ODS of a few KiB whose one row is repeated a million times is refused
/// before it is expanded into cells.
#[test]
fn an_ods_row_repeated_a_million_times_is_refused() {
    let ins = instrument("p2ham-2022");
    let content = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body><office:spreadsheet><table:table table:name="p2ham"><table:table-row table:number-rows-repeated="2000000"><table:table-cell office:value-type="string"><text:p>p2ham</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>p2ham</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file("mimetype", stored).unwrap();
    out.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    out.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    out.write_all(content.as_bytes()).unwrap();
    let bomb = out.finish().unwrap().into_inner();
    assert!(bomb.len() < 2 << 10, "{} bytes", bomb.len());
    let err = import_checklist("k.ods", &bomb, &ins, &ImportOptions::default()).unwrap_err();
    let (part, message) = too_large(&err);
    assert_eq!(part, "part `content.xml`");
    assert!(message.contains("cells"), "{message}");
    assert!(
        err.to_string().starts_with("k.ods: part `content.xml`: "),
        "{err}"
    );
}

#[test]
fn a_csv_checklist_names_its_cells_by_file() {
    let (bytes, _, ins) = filled("lapas", "self", Lang::En, true);
    let text = String::from_utf8(bytes).unwrap();
    // A.01 answered "Present": make it a wrong label.
    let row = "A.01,Service pledge (maklumat pelayanan),1,Present,";
    assert!(text.contains(row), "the CSV row of A.01 changed its shape");
    let bad = text.replacen(row, "A.01,Service pledge (maklumat pelayanan),1,Presentt,", 1);
    let err = import_checklist("dir/lapas.csv", bad.as_bytes(), &ins, &ImportOptions::default()).unwrap_err();
    let cells = cells_error(&err);
    assert_eq!(cells.len(), 1, "{err}");
    assert_eq!(cells[0].1, Code::UnknownLabel);
    assert_eq!(cells[0].0, "lapas.csv!D17", "{err}");
    // Saved with `;` by a spreadsheet in an Indonesian locale: still read.
    let mut rows = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    for r in reader.records() {
        rows.push(r.unwrap());
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .from_writer(Vec::new());
    for r in &rows {
        w.write_record(r).unwrap();
    }
    let semi = w.into_inner().unwrap();
    let doc = fixture("lapas", "self");
    assert_eq!(
        import_checklist("l.csv", &semi, &ins, &ImportOptions::default()).unwrap(),
        doc.assessment
    );
}

/// LibreOffice, when present: a filled template whose cached formula results
/// were all set to 7 is recalculated on load (a profile that always
/// recalculates), saved as ODS and XLSX; the scores it computed equal
/// `p2ham score` to the cent, and both saved files import back to the
/// original assessment. Skipped when `libreoffice` is absent, unless
/// P2HAM_REQUIRE_LIBREOFFICE is set (CI sets it).
#[test]
fn libreoffice_recalculates_the_scores_of_p2ham_score() {
    let Some(soffice) = ["libreoffice", "soffice"].into_iter().find(|b| {
        std::process::Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        assert!(
            std::env::var_os("P2HAM_REQUIRE_LIBREOFFICE").is_none(),
            "P2HAM_REQUIRE_LIBREOFFICE is set but libreoffice is not installed"
        );
        eprintln!("skipped: libreoffice is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile");
    std::fs::create_dir_all(profile.join("user")).unwrap();
    std::fs::write(
        profile.join("user/registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
    )
    .unwrap();
    let mut inputs = Vec::new();
    let mut expected = Vec::new();
    for unit in UNITS {
        for stage in ["self", "verification"] {
            let (bytes, doc, ins) = filled(unit, stage, Lang::Id, false);
            // Stale results everywhere: what LibreOffice shows it computed itself.
            let stale = edit_xlsx(&bytes, |name, xml| {
                if name.starts_with("xl/worksheets/sheet") {
                    let mut out = String::new();
                    let mut rest = xml.as_str();
                    while let Some(k) = rest.find("</f><v>") {
                        let v_end = k + rest[k..].find("</v>").unwrap();
                        out.push_str(&rest[..k]);
                        out.push_str("</f><v>7");
                        rest = &rest[v_end..];
                    }
                    out.push_str(rest);
                    out.replace(" t=\"str\"><f>", "><f>")
                } else {
                    xml
                }
            });
            let path = dir.path().join(format!("{unit}-{stage}.xlsx"));
            std::fs::write(&path, &stale).unwrap();
            inputs.push(path);
            let report = score_loaded(&doc, &ins).unwrap();
            expected.push((unit, stage, doc, ins, report));
        }
    }
    for format in ["ods", "xlsx"] {
        let out = dir.path().join(format);
        let status = std::process::Command::new(soffice)
            .arg(format!("-env:UserInstallation=file://{}", profile.display()))
            .args(["--headless", "--norestore", "--convert-to", format, "--outdir"])
            .arg(&out)
            .args(&inputs)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        for (unit, stage, doc, ins, report) in &expected {
            let file = out.join(format!("{unit}-{stage}.{format}"));
            let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            // The figures LibreOffice computed.
            let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(&bytes)).unwrap();
            let cover = book.worksheet_range("Sampul").unwrap();
            let n = report.criteria.len();
            let rows: Vec<Vec<String>> = cover
                .rows()
                .map(|r| r.iter().map(ToString::to_string).collect())
                .collect();
            let at = rows
                .iter()
                .position(|r| {
                    r.first().map(String::as_str) == Some("Kriteria")
                        && r.get(3).map(String::as_str) == Some("Nilai")
                })
                .expect("the score table on the cover");
            for (k, c) in report.criteria.iter().enumerate() {
                let shown = &rows[at + 1 + k][3];
                let want = c.score.map(|s| s.to_string()).unwrap_or_default();
                assert_eq!(
                    as_cents(shown),
                    as_cents(&want),
                    "{unit} {stage} {format}: criterion {}",
                    c.id
                );
            }
            let total = &rows[at + 1 + n][3];
            let want = report.total.map(|t| t.to_string()).unwrap_or_default();
            assert_eq!(as_cents(total), as_cents(&want), "{unit} {stage} {format}: total");
            // And the saved file imports back to the original assessment.
            let back = import_checklist(
                &file.display().to_string(),
                &bytes,
                ins,
                &options_for(&doc.assessment, ins),
            )
            .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(back, doc.assessment, "{unit} {stage} {format}");
        }
    }
}

/// A figure as cents, from its text (e.g. `95.77`, `87.5`).
fn as_cents(s: &str) -> Option<i64> {
    let d: rust_decimal::Decimal = s.trim().parse().ok()?;
    (d * rust_decimal::Decimal::ONE_HUNDRED).round().try_into().ok()
}
