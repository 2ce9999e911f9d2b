//! The evidence files a report shows beside its indicators: photos scaled to
//! thumbnails (JPEG, at most 320 pixels a side), other files named, missing
//! and altered ones marked.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
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

/// The longest side of a photo's public copy, in pixels.
pub const PUBLIC_PHOTO_SIZE: u32 = 1600;

/// The most pixels a side of a photo may have to be decoded at all.
const MAX_SIDE: u32 = 20_000;

/// The most memory decoding one photo may take.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// A photo's public copy: its pixels only, encoded again as JPEG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicCopy {
    /// The JPEG: a JFIF header and the picture; no EXIF, GPS, XMP, ICC or comment.
    pub jpeg: Vec<u8>,
    /// Its width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
}

/// The public copy of a JPEG or PNG photo: decoded (within
/// 20,000 × 20,000 pixels and 256 MiB, checked from the header before the
/// pixels are decoded), turned upright as its EXIF orientation says,
/// scaled down so that its longest side is at most [`PUBLIC_PHOTO_SIZE`]
/// pixels, and encoded again as a baseline JPEG. Only pixels are carried
/// over, so no metadata of the original (EXIF with its GPS position, XMP,
/// IPTC, comments, ICC profiles, PNG text chunks) survives. An error says
/// why the file cannot be made public (not a JPEG or PNG, or it does not
/// decode within the bounds).
pub fn public_copy(bytes: &[u8]) -> Result<PublicCopy, String> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("the file cannot be read: {e}"))?;
    match reader.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png) => {}
        _ => return Err("the file is not a JPEG or PNG image".into()),
    }
    let mut reader = reader;
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    reader.limits(limits);
    let too_big = |e: image::ImageError| {
        match e {
        image::ImageError::Limits(_) => format!(
            "the photo is larger than {MAX_SIDE} × {MAX_SIDE} pixels or would take more than 256 MiB to decode"
        ),
        other => format!("the photo does not decode: {other}"),
    }
    };
    let mut decoder = reader.into_decoder().map_err(too_big)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(too_big)?;
    picture.apply_orientation(orientation);
    if picture.width().max(picture.height()) > PUBLIC_PHOTO_SIZE {
        picture = picture.resize(PUBLIC_PHOTO_SIZE, PUBLIC_PHOTO_SIZE, FilterType::Triangle);
    }
    let pixels = picture.into_rgb8();
    let (width, height) = pixels.dimensions();
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&pixels)
        .map_err(|e| format!("the public copy could not be encoded: {e}"))?;
    Ok(PublicCopy { jpeg, width, height })
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

#[cfg(test)]
mod public_copy_tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        image::RgbImage::from_pixel(width, height, image::Rgb([10, 120, 200]))
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .expect("png");
        out
    }

    #[test]
    fn a_large_photo_is_scaled_down_to_its_public_size_and_a_small_one_kept() {
        let copy = public_copy(&png(2000, 100)).expect("a PNG");
        assert_eq!((copy.width, copy.height), (PUBLIC_PHOTO_SIZE, 80));
        assert!(copy.jpeg.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG");
        let copy = public_copy(&png(30, 20)).expect("a PNG");
        assert_eq!((copy.width, copy.height), (30, 20), "never scaled up");
    }

    #[test]
    fn a_pdf_or_a_picture_beyond_the_bounds_is_refused_before_decoding() {
        let e = public_copy(b"%PDF-1.7\n...").expect_err("not a photo");
        assert!(e.contains("not a JPEG or PNG"), "{e}");
        // A PNG header that claims 30,000 × 30,000 pixels, and nothing more.
        let mut huge = png(1, 1);
        huge[16..20].copy_from_slice(&30_000u32.to_be_bytes());
        huge[20..24].copy_from_slice(&30_000u32.to_be_bytes());
        // The IHDR chunk's CRC (over its type and data, bytes 12..29) made right again.
        let crc = crc32(&huge[12..29]);
        huge[29..33].copy_from_slice(&crc.to_be_bytes());
        let e = public_copy(&huge).expect_err("beyond the bounds");
        assert!(e.contains("larger than 20000 × 20000"), "{e}");
    }

    /// CRC-32 (ISO 3309), as PNG chunks carry it.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in bytes {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
