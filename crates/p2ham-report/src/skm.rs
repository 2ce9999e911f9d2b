//! The public satisfaction index (SKM/IKM, PermenPANRB 14/2017).

use p2ham_model::Lang;
use p2ham_scoring::skm::{SkmFigures, SkmReport, Weights};

use crate::csv::CsvText;
use crate::doc::{Align, BarChart, Block, Cell, Doc, Table};
use crate::labels::{self as t, Phrase};
use crate::number::decimal;

fn weights_label(w: Weights) -> Phrase {
    match w {
        Weights::Published0111 => t::WEIGHTS_0111,
        Weights::Spreadsheet01111 => t::WEIGHTS_01111,
        Weights::Exact => t::WEIGHTS_EXACT,
    }
}

fn group_value(v: &str, lang: Lang) -> String {
    if v.is_empty() {
        t::BLANK_VALUE.get(lang).to_owned()
    } else {
        v.to_owned()
    }
}

fn figures(doc: &mut Doc, f: &SkmFigures, scope: &str, lang: Lang) {
    let l = |p: Phrase| p.get(lang);
    doc.strong(format!(
        "IKM: {} — {} {}, {}: {}",
        decimal(f.ikm),
        l(t::SERVICE_QUALITY),
        f.mutu.as_str(),
        l(t::PERFORMANCE),
        f.kinerja.label().get(lang)
    ));
    let weakest: Vec<String> = f
        .weakest
        .iter()
        .map(|id| {
            let name = f
                .elements
                .iter()
                .find(|e| &e.id == id)
                .map_or("", |e| e.name.get(lang));
            format!("{id} {name}")
        })
        .collect();
    doc.push(Block::KeyValue(vec![
        (l(t::RESPONDENTS).into(), f.respondents.to_string()),
        (l(t::UNROUNDED_INDEX).into(), decimal(f.ikm_exact)),
        (l(t::WEIGHTED_NRR).into(), decimal(f.nrr_weighted)),
        (l(t::WEAKEST).into(), weakest.join("; ")),
    ]));
    doc.push(Block::BarChart(BarChart {
        title: format!("NRR — {scope}"),
        bars: f.elements.iter().map(|e| (e.id.clone(), Some(e.nrr))).collect(),
        max: p2ham_model::Decimal::from(4),
        mark: None,
    }));
    let mut tb = Table::new(
        if scope.is_empty() {
            l(t::ELEMENTS_SHEET).to_owned()
        } else {
            scope.to_owned()
        },
        &[
            (l(t::ELEMENT), Align::Left),
            (l(t::NAME), Align::Left),
            (l(t::ANSWERS), Align::Right),
            (l(t::BLANK), Align::Right),
            (l(t::SUM), Align::Right),
            ("NRR", Align::Right),
            (l(t::ELEMENT_INDEX), Align::Right),
        ],
    );
    for e in &f.elements {
        let mark = if f.weakest.contains(&e.id) { " *" } else { "" };
        tb.row(vec![
            format!("{}{mark}", e.id).into(),
            e.name.get(lang).into(),
            Cell::int(e.answered),
            Cell::int(e.blank),
            Cell::int(e.sum),
            e.nrr.into(),
            e.ikm.into(),
        ]);
    }
    doc.push(Block::Table(tb));
}

/// The SKM report as a document: all respondents, then each group.
pub fn skm_doc(r: &SkmReport, lang: Lang) -> Doc {
    let l = |p: Phrase| p.get(lang);
    let mut doc = Doc::new(l(t::SKM_TITLE), lang);
    if let Some(src) = &r.source {
        doc.meta(l(t::FILE), src.file.clone());
        if let Some(sheet) = &src.sheet {
            doc.meta(l(t::SHEET), sheet.clone());
        }
        doc.meta("SHA-256", src.sha256.clone());
    }
    doc.meta(l(t::ELEMENT_WEIGHT), l(weights_label(r.weights)));
    figures(&mut doc, &r.overall, "", lang);
    for g in &r.groups {
        let scope = format!(
            "{} = {}",
            r.by.as_deref().unwrap_or(""),
            group_value(&g.value, lang)
        );
        doc.heading(scope.clone());
        figures(&mut doc, &g.figures, &scope, lang);
    }
    doc
}

/// One row per element and one `IKM` row per scope (all respondents, then
/// each group); columns as published in DESIGN.md. Decimals use a point.
pub fn skm_csv(r: &SkmReport, lang: Lang) -> String {
    let mut w = CsvText::new();
    w.header(&[
        "scope",
        "group",
        "id",
        "name",
        "respondents",
        "answered",
        "blank",
        "sum",
        "nrr",
        "nrr_weighted",
        "ikm",
        "mutu",
        "kinerja",
    ]);
    let scopes = std::iter::once(("all", "", &r.overall))
        .chain(r.groups.iter().map(|g| ("group", g.value.as_str(), &g.figures)));
    for (scope, group, f) in scopes {
        for e in &f.elements {
            w.row([
                scope,
                group,
                &e.id,
                e.name.get(lang),
                "",
                &e.answered.to_string(),
                &e.blank.to_string(),
                &e.sum.to_string(),
                &e.nrr.to_string(),
                &e.nrr_weighted.to_string(),
                &e.ikm.to_string(),
                "",
                "",
            ]);
        }
        w.row([
            scope,
            group,
            "IKM",
            "",
            &f.respondents.to_string(),
            "",
            "",
            "",
            "",
            &f.nrr_weighted.to_string(),
            &f.ikm.to_string(),
            f.mutu.as_str(),
            f.kinerja.label().get(lang),
        ]);
    }
    w.finish()
}
