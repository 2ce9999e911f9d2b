//! A comparison's evidence as the application shows it: the operator's files
//! beside the verification team's own, per indicator, each photo a thumbnail
//! served at an address and linking to the original.

use std::path::Path;

use p2ham_io::document::load_assessment;
use p2ham_io::model::Lang;
use p2ham_report::{
    compare_doc, letter_doc, to_html, to_markdown, to_text, Block, EvidenceView, Image, ImageContent,
};

fn served(indicator: &str, path: &str, sha: &str, photo: bool) -> Image {
    Image {
        indicator: indicator.into(),
        path: path.into(),
        caption: String::new(),
        problem: String::new(),
        fails: false,
        content: ImageContent::Served {
            thumbnail: photo.then(|| format!("/p2ham/api/e/{sha}/thumbnail")),
            original: format!("/p2ham/api/e/{sha}"),
        },
    }
}

#[test]
fn the_teams_photos_stand_beside_the_operators_in_the_comparison_and_the_letter() {
    let dir = Path::new("../../fixtures/assessments/sampit-2023");
    let own = load_assessment(&dir.join("lapas-sampit.self.json")).unwrap();
    let ver = load_assessment(&dir.join("lapas-sampit.verification.json")).unwrap();
    let ins = p2ham_io::document::instrument_for(&own, None).unwrap();
    let report = p2ham_io::document::compare_loaded(&own, &ver, &ins).unwrap();
    let view = EvidenceView::beside(
        vec![
            served("A.01", "foto/maklumat.png", "aa", true),
            served("A.02", "dokumen/sk.pdf", "bb", false),
        ],
        vec![served("A.01", "verifikasi/A.01/maklumat.jpg", "cc", true)],
    );
    // Per indicator: A.01 with both, A.02 the operator's only.
    let pairs = view.pairs();
    assert_eq!(pairs.len(), 2);
    assert_eq!(
        (pairs[0].0.as_str(), pairs[0].1.len(), pairs[0].2.len()),
        ("A.01", 1, 1)
    );
    assert_eq!(
        (pairs[1].0.as_str(), pairs[1].1.len(), pairs[1].2.len()),
        ("A.02", 1, 0)
    );

    for doc in [
        compare_doc(&report, Lang::Id, Some(&view)),
        letter_doc(&report, Lang::Id, Some(&view)),
    ] {
        let beside = doc
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Beside(_)))
            .count();
        assert_eq!(beside, 1, "{}", doc.title);
        let html = to_html(&doc);
        assert!(
            html.contains("<th scope=\"col\">Operator</th><th scope=\"col\">Tim verifikasi</th>"),
            "{html}"
        );
        // The team's photo: its thumbnail, loaded lazily, linking to the original.
        assert!(
            html.contains("<a href=\"/p2ham/api/e/cc\"><img src=\"/p2ham/api/e/cc/thumbnail\" loading=\"lazy\" alt=\"verifikasi/A.01/maklumat.jpg\"></a>"),
            "{html}"
        );
        // A document is linked by name, with no thumbnail.
        assert!(
            html.contains("<a href=\"/p2ham/api/e/bb\">📄 dokumen/sk.pdf</a>"),
            "{html}"
        );
        assert!(!html.contains("/p2ham/api/e/bb/thumbnail"));
        // Text and Markdown name each file's source.
        let text = to_text(&doc);
        assert!(
            text.contains("Tim verifikasi: [foto] A.01  verifikasi/A.01/maklumat.jpg"),
            "{text}"
        );
        assert!(text.contains("Operator: [file] A.02  dokumen/sk.pdf"), "{text}");
        let md = to_markdown(&doc);
        assert!(md.contains("- Tim verifikasi: \\[foto\\] A.01"), "{md}");
    }

    // Without the team's own files, the gallery is the one it always was.
    let plain = compare_doc(
        &report,
        Lang::En,
        Some(&EvidenceView::new(vec![served("A.01", "foto/x.png", "aa", true)])),
    );
    assert!(plain.blocks.iter().any(|b| matches!(b, Block::Images(_))));
    assert!(!plain.blocks.iter().any(|b| matches!(b, Block::Beside(_))));
}

#[test]
fn the_indicators_come_in_the_instruments_order_whatever_order_the_files_came_in() {
    let view = EvidenceView::beside(
        vec![
            served("A.10", "foto/ramp.png", "dd", true),
            served("A.02", "dokumen/sk.pdf", "bb", false),
        ],
        vec![
            served("B.01", "verifikasi/B.01/petugas.jpg", "ee", true),
            served("A.01", "verifikasi/A.01/maklumat.jpg", "cc", true),
        ],
    );
    let got: Vec<_> = view
        .pairs()
        .iter()
        .map(|(i, own, team)| (i.clone(), own.len(), team.len()))
        .collect();
    let want = [("A.01", 0, 1), ("A.02", 1, 0), ("A.10", 1, 0), ("B.01", 0, 1)];
    assert_eq!(got, want.map(|(i, o, t)| (i.to_owned(), o, t)).to_vec());
}
