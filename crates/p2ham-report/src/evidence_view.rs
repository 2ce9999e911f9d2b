//! The evidence files a report shows beside its indicators: photos scaled to
//! thumbnails (JPEG, at most 320 pixels a side), other files named, missing
//! and altered ones marked.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageReader, Limits};
use p2ham_io::evidence::EvidenceFile;
use p2ham_model::Lang;

use crate::doc::{Image, ImageContent};
use crate::labels;

/// The longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIZE: u32 = 320;

/// A photo scaled down and encoded as JPEG; `None` when it cannot be decoded
/// (or would take more than 256 MiB to decode).
pub fn thumbnail(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().ok()?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(256 * 1024 * 1024);
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    reader.limits(limits);
    let picture = reader.decode().ok()?;
    let small = picture.thumbnail(THUMBNAIL_SIZE, THUMBNAIL_SIZE).into_rgb8();
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&small)
        .ok()?;
    Some(out)
}

/// Evidence files to show in a report, by indicator; a comparison's may
/// hold the verification team's own files apart, to show beside the operator's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvidenceView {
    images: Vec<Image>,
    team: Vec<Image>,
}

impl EvidenceView {
    /// A view of these files (in the order they are to be shown).
    pub fn new(images: Vec<Image>) -> Self {
        Self {
            images,
            team: Vec::new(),
        }
    }

    /// A comparison's view: the operator's files (those the self-assessment
    /// references) and the verification team's own (those only the
    /// verification references), shown side by side per indicator.
    pub fn beside(operator: Vec<Image>, team: Vec<Image>) -> Self {
        Self {
            images: operator,
            team,
        }
    }

    /// The verification team's own files (empty unless made by [`EvidenceView::beside`]).
    pub fn team(&self) -> &[Image] {
        &self.team
    }

    /// Per indicator (in the instrument's order of ids: `A.2` before
    /// `A.10`, digits compared as numbers), the operator's files and the team's.
    pub fn pairs(&self) -> Vec<(String, Vec<Image>, Vec<Image>)> {
        let mut order: Vec<&str> = Vec::new();
        for i in self.images.iter().chain(&self.team) {
            if !order.contains(&i.indicator.as_str()) {
                order.push(&i.indicator);
            }
        }
        order.sort_by_key(|a| id_key(a));
        order
            .into_iter()
            .map(|ind| {
                let of = |v: &[Image]| v.iter().filter(|i| i.indicator == ind).cloned().collect();
                (ind.to_owned(), of(&self.images), of(&self.team))
            })
            .collect()
    }

    /// The view of the files an assessment references (from
    /// [`p2ham_io::evidence::evidence_files`]): each photo as a thumbnail, other files
    /// linked by name, failing files marked with their status in words.
    pub fn from_files(files: &[EvidenceFile], lang: Lang) -> Self {
        let images = files
            .iter()
            .map(|f| {
                let fails = f.status.fails();
                let status = labels::evidence_status(f.status).get(lang);
                let mut problem = String::new();
                if fails {
                    problem = match &f.reason {
                        Some(r) => format!("{status}: {r}"),
                        None => status.to_owned(),
                    };
                }
                let content = match (&f.photo, fails) {
                    (_, true) => ImageContent::Absent,
                    (Some(bytes), false) => {
                        if let Some(jpeg) = thumbnail(bytes) {
                            ImageContent::Thumbnail {
                                mime: "image/jpeg",
                                bytes: jpeg,
                            }
                        } else {
                            labels::NOT_A_PICTURE.get(lang).clone_into(&mut problem);
                            ImageContent::Linked
                        }
                    }
                    (None, false) => {
                        if let Some(r) = &f.reason {
                            problem.clone_from(r);
                        }
                        ImageContent::Linked
                    }
                };
                Image {
                    indicator: f.indicator.clone(),
                    path: f.path.clone(),
                    caption: f.caption.clone().unwrap_or_default(),
                    problem,
                    fails,
                    content,
                }
            })
            .collect();
        Self {
            images,
            team: Vec::new(),
        }
    }

    /// The files referenced by any of these indicators, in order.
    pub fn images_for(&self, indicators: &[&str]) -> Vec<Image> {
        self.images
            .iter()
            .filter(|i| indicators.contains(&i.indicator.as_str()))
            .cloned()
            .collect()
    }

    /// Every file (the operator's, in a comparison's view).
    pub fn images(&self) -> &[Image] {
        &self.images
    }
}

/// An indicator id as a sort key: runs of digits compared as numbers, the rest as text.
fn id_key(id: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut number: Option<u64> = None;
    for c in id.chars() {
        match (c.to_digit(10), number) {
            (Some(d), n) => number = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(u64::from(d))),
            (None, Some(n)) => {
                out.push((std::mem::take(&mut text), n));
                number = None;
                text.push(c);
            }
            (None, None) => text.push(c),
        }
    }
    out.push((text, number.unwrap_or(0)));
    out
}
