//! Evidence files shown in reports: photos as JPEG thumbnails, other files by
//! name, failing files marked; pictures that cannot be decoded named, not shown.

use std::path::Path;

use p2ham_io::model::Lang;
use p2ham_io::{document::load_assessment, evidence::evidence_files, evidence::EvidenceStatus};
use p2ham_report::{
    render, score_doc, Block, EvidenceView, Format, ImageContent, RenderOptions, THUMBNAIL_SIZE,
};

#[test]
fn the_lapas_verification_shows_its_photos() {
    let path = Path::new("../../fixtures/assessments/sampit-2023/lapas-sampit.verification.json");
    let doc = load_assessment(path).unwrap();
    let files = evidence_files(
        std::slice::from_ref(&doc),
        Path::new("../../fixtures/evidence/lapas-sampit"),
    )
    .unwrap();
    assert!(
        files.iter().all(|f| f.status == EvidenceStatus::Present),
        "{files:?}"
    );
    let photos = files.iter().filter(|f| f.photo.is_some()).count();
    assert!(photos > 20);
    let view = EvidenceView::from_files(&files, Lang::Id);
    let thumbs: Vec<_> = view
        .images()
        .iter()
        .filter_map(|i| match &i.content {
            ImageContent::Thumbnail { mime, bytes } => Some((*mime, bytes)),
            _ => None,
        })
        .collect();
    assert_eq!(thumbs.len(), photos);
    for (mime, bytes) in thumbs {
        assert_eq!(mime, "image/jpeg");
        let img = image::load_from_memory(bytes).unwrap();
        assert!(img.width() <= THUMBNAIL_SIZE && img.height() <= THUMBNAIL_SIZE);
    }
    // Beside their indicators: each criterion's gallery holds only its own indicators.
    let ins = p2ham_io::document::instrument_for(&doc, None).unwrap();
    let report = p2ham_io::document::score_loaded(&doc, &ins).unwrap();
    let built = score_doc(&report, Lang::Id, Some(&view));
    let galleries: Vec<_> = built
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Images(i) => Some(i),
            _ => None,
        })
        .collect();
    assert!(galleries.len() >= 3);
    for g in galleries {
        let first = &g[0].indicator[..1];
        assert!(g.iter().all(|i| i.indicator.starts_with(first)));
    }
    let r = report;
    let options = RenderOptions {
        lang: Lang::Id,
        evidence: Some(&view),
    };
    let html = String::from_utf8(render(&r, Format::Html, &options).unwrap()).unwrap();
    assert_eq!(html.matches("<img src=\"data:image/jpeg;base64,").count(), photos);
}

#[test]
fn failing_and_undecodable_files_are_marked() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("foto")).unwrap();
    std::fs::write(root.join("foto/rusak.png"), b"\x89PNG not really").unwrap();
    std::fs::write(root.join("foto/ubah.jpg"), b"changed").unwrap();
    std::fs::write(root.join("sk.pdf"), b"%PDF-1.4").unwrap();
    let json = format!(
        r#"{{"format":"p2ham-assessment/1","instrument":{{"id":"p2ham-2022","version":"1.0.0"}},
        "unit":{{"id":"u","name":"U","kind":"kanim"}},"period":"2023","stage":"self","answers":[
        {{"indicator":"A.01","value":"ada","evidence":[{{"path":"foto/rusak.png"}},{{"path":"sk.pdf","caption":"SK"}}]}},
        {{"indicator":"A.02","value":"ada","evidence":[{{"path":"foto/ubah.jpg","sha256":"{}"}},{{"path":"foto/hilang.png"}}]}}]}}"#,
        "0".repeat(64)
    );
    let file = root.join("a.json");
    std::fs::write(&file, json).unwrap();
    let doc = load_assessment(&file).unwrap();
    let files = evidence_files(&[doc], root).unwrap();
    let view = EvidenceView::from_files(&files, Lang::En);
    let by = |p: &str| view.images().iter().find(|i| i.path == p).unwrap().clone();
    let broken = by("foto/rusak.png");
    assert_eq!(broken.content, ImageContent::Linked);
    assert_eq!(broken.problem, "cannot be shown as a picture");
    let pdf = by("sk.pdf");
    assert_eq!(
        (pdf.content, pdf.caption.as_str(), pdf.fails),
        (ImageContent::Linked, "SK", false)
    );
    let altered = by("foto/ubah.jpg");
    assert!(
        altered.fails && altered.problem.starts_with("altered"),
        "{altered:?}"
    );
    assert_eq!(altered.content, ImageContent::Absent);
    let missing = by("foto/hilang.png");
    assert!(
        missing.fails && missing.problem.starts_with("missing"),
        "{missing:?}"
    );
}
