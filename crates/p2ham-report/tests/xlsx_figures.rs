//! XLSX workbooks read back with calamine: every figure is a number cell
//! equal to the figure in the JSON report.

mod common;

use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx};
use p2ham_io::model::{Decimal, Lang};
use p2ham_report::{render, Format, RenderOptions, Renderable};
use serde_json::Value;

fn workbook<R: Renderable + ?Sized>(report: &R) -> (Xlsx<Cursor<Vec<u8>>>, Value) {
    let options = RenderOptions {
        lang: Lang::En,
        evidence: None,
    };
    let bytes = render(report, Format::Xlsx, &options).unwrap();
    let json = serde_json::from_slice(&render(report, Format::Json, &options).unwrap()).unwrap();
    (Xlsx::new(Cursor::new(bytes)).unwrap(), json)
}

fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Range<Data> {
    book.worksheet_range(name)
        .unwrap_or_else(|e| panic!("{name}: {e}; sheets {:?}", book.sheet_names()))
}

/// A number cell, as an exact decimal (the shortest text of the double).
fn number(range: &Range<Data>, row: usize, col: usize) -> Decimal {
    match range.get((row, col)) {
        Some(Data::Float(f)) => f.to_string().parse().unwrap(),
        other => panic!("({row}, {col}) is not a number: {other:?}"),
    }
}

fn json_decimal(v: &Value) -> Decimal {
    v.as_str()
        .map_or_else(|| v.to_string(), str::to_owned)
        .parse()
        .unwrap()
}

fn header(range: &Range<Data>, col: usize) -> String {
    range.get((0, col)).unwrap().to_string()
}

#[test]
fn score_figures() {
    let (mut book, json) = workbook(&common::score("lapas", "verification"));
    let criteria = sheet(&mut book, "Scores per criterion");
    assert_eq!(header(&criteria, 3), "Score");
    let list = json["criteria"].as_array().unwrap();
    for (i, c) in list.iter().enumerate() {
        assert_eq!(number(&criteria, i + 1, 1), json_decimal(&c["weight"]));
        assert_eq!(number(&criteria, i + 1, 2), json_decimal(&c["share"]));
        assert_eq!(
            number(&criteria, i + 1, 3),
            json_decimal(&c["score"]),
            "{}",
            c["id"]
        );
    }
    assert_eq!(number(&criteria, list.len() + 1, 3), json_decimal(&json["total"]));
    let a = sheet(&mut book, "Criterion A");
    for (i, ind) in json["criteria"][0]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        assert_eq!(
            number(&a, i + 1, 3),
            json_decimal(&ind["weight"]),
            "{}",
            ind["id"]
        );
        if !ind["value"].is_null() {
            assert_eq!(number(&a, i + 1, 2), json_decimal(&ind["value"]), "{}", ind["id"]);
        }
    }
    let plan = sheet(&mut book, "Improvement plan");
    for (i, g) in json["gaps"].as_array().unwrap().iter().enumerate() {
        assert_eq!(number(&plan, i + 1, 3), json_decimal(&g["gain"]));
    }
}

#[test]
fn compare_figures() {
    let (mut book, json) = workbook(&common::compared("lapas"));
    let criteria = sheet(&mut book, "Scores per criterion");
    for (i, c) in json["criteria"].as_array().unwrap().iter().enumerate() {
        assert_eq!(number(&criteria, i + 1, 2), json_decimal(&c["self_score"]));
        assert_eq!(number(&criteria, i + 1, 3), json_decimal(&c["verified_score"]));
        assert_eq!(number(&criteria, i + 1, 4), json_decimal(&c["difference"]));
    }
    let d = sheet(&mut book, "Discrepancies");
    for (i, x) in json["discrepancies"].as_array().unwrap().iter().enumerate() {
        assert_eq!(number(&d, i + 1, 4), json_decimal(&x["points_difference"]));
    }
}

#[test]
fn rollup_figures() {
    let (mut book, json) = workbook(&common::rolled_up());
    let units = sheet(&mut book, "Unit ranking");
    for (i, u) in json["units"].as_array().unwrap().iter().enumerate() {
        if u["total"].is_null() {
            assert_eq!(units.get((i + 1, 6)), Some(&Data::String("no data".into())));
        } else {
            assert_eq!(number(&units, i + 1, 6), json_decimal(&u["total"]));
        }
    }
    let summary = sheet(&mut book, "Summary per office");
    assert_eq!(number(&summary, 1, 4), json_decimal(&json["national"]["mean"]));
    assert_eq!(number(&summary, 1, 5), json_decimal(&json["national"]["median"]));
}

#[test]
fn skm_figures() {
    let (mut book, json) = workbook(&common::skm());
    let elements = sheet(&mut book, "Elements");
    for (i, e) in json["elements"].as_array().unwrap().iter().enumerate() {
        assert_eq!(number(&elements, i + 1, 5), json_decimal(&e["nrr"]));
        assert_eq!(number(&elements, i + 1, 6), json_decimal(&e["ikm"]));
    }
}
