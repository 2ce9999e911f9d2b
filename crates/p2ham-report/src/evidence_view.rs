//! The evidence files a report shows beside its indicators: photos scaled to
//! thumbnails (JPEG, at most 320 pixels a side), other files named, missing
//! and altered ones marked.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageReader, Limits};
use p2ham_io::EvidenceFile;
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

/// Evidence files to show in a report, by indicator.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvidenceView {
    images: Vec<Image>,
}

impl EvidenceView {
    /// A view of these files (in the order they are to be shown).
    pub fn new(images: Vec<Image>) -> Self {
        Self { images }
    }

    /// The view of the files an assessment references (from
    /// [`p2ham_io::evidence_files`]): each photo as a thumbnail, other files
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
        Self { images }
    }

    /// The files referenced by any of these indicators, in order.
    pub fn images_for(&self, indicators: &[&str]) -> Vec<Image> {
        self.images
            .iter()
            .filter(|i| indicators.contains(&i.indicator.as_str()))
            .cloned()
            .collect()
    }

    /// Every file.
    pub fn images(&self) -> &[Image] {
        &self.images
    }
}
