//! Every report in every format, as insta snapshots: text, Markdown, CSV,
//! HTML and JSON as written; XLSX as read back by calamine (sheet by sheet,
//! each cell's type and value).

mod common;

use std::fmt::Write as _;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use p2ham_io::model::Lang;
use p2ham_report::{render, Format, Letter, RenderOptions, Renderable};

/// A workbook as text: each sheet's name, then one line per row, cells
/// separated by ` | `, numbers marked `#`.
pub fn xlsx_dump(bytes: &[u8]) -> String {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        let _ = writeln!(out, "== {name}");
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            let cells: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) => format!("#{f}"),
                    Data::Int(i) => format!("#{i}"),
                    other => format!("{other:?}"),
                })
                .collect();
            out.push_str(cells.join(" | ").trim_end());
            out.push('\n');
        }
    }
    out
}

fn all_formats<R: Renderable + ?Sized>(name: &str, report: &R, lang: Lang) {
    let options = RenderOptions { lang, evidence: None };
    for format in Format::ALL {
        let bytes = render(report, format, &options).unwrap();
        let shown = if format == Format::Xlsx {
            xlsx_dump(&bytes)
        } else {
            String::from_utf8(bytes).unwrap()
        };
        insta::assert_snapshot!(format!("{name}.{}", format.as_str()), shown);
    }
}

#[test]
fn score_reports() {
    all_formats(
        "score_lapas_verification_id",
        &common::score("lapas", "verification"),
        Lang::Id,
    );
    all_formats("score_kanim_self_en", &common::score("kanim", "self"), Lang::En);
}

#[test]
fn compare_reports() {
    all_formats("compare_lapas_id", &common::compared("lapas"), Lang::Id);
    all_formats("compare_bapas_en", &common::compared("bapas"), Lang::En);
}

#[test]
fn letters() {
    let lapas = common::compared("lapas");
    all_formats("letter_lapas_id", &Letter(&lapas), Lang::Id);
    let kanim = common::compared("kanim");
    all_formats("letter_kanim_en", &Letter(&kanim), Lang::En);
    let bapas = common::compared("bapas");
    let md =
        String::from_utf8(render(&Letter(&bapas), Format::Md, &RenderOptions::default()).unwrap()).unwrap();
    assert!(md.starts_with("# BERITA ACARA HASIL EVALUASI"), "{md}");
    let lapas_md =
        String::from_utf8(render(&Letter(&lapas), Format::Md, &RenderOptions::default()).unwrap()).unwrap();
    assert!(lapas_md.starts_with("# SURAT KETERANGAN HASIL EVALUASI"));
    assert!(lapas_md.contains("Nilai total 79.58 di bawah batas kelulusan 80."));
}

#[test]
fn rollup_reports() {
    all_formats("rollup_demo_en", &common::rolled_up(), Lang::En);
}

#[test]
fn skm_reports() {
    all_formats("skm_kanim_id", &common::skm(), Lang::Id);
}

#[test]
fn evidence_reports() {
    all_formats("evidence_lapas_en", &common::evidence(), Lang::En);
}

#[test]
fn validation_reports() {
    all_formats("validation_id", &common::validation(), Lang::Id);
}

/// The parallel JSON writer of the roll-up gives the bytes of plain serde.
#[test]
fn rollup_json_is_streamed_byte_for_byte() {
    let r = common::rolled_up();
    let plain = p2ham_report::to_json(&r);
    let mut out = Vec::new();
    p2ham_report::rollup_json_writer(&mut out, &r).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), plain);
}
