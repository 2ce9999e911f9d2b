//! The public record (`/publik`): publishing a decreed period, and what
//! anyone may read of the published ones.
//!
//! Publishing is an evaluator's or administrator's decision, after the
//! period's decree, and is audited; so is unpublishing. The publication
//! fixes, in the database, what is public: the decreed award list as the
//! public reads it ([`p2ham_io::public::public_award_list`]) and the public record
//! of its units ([`p2ham_io::public::public_units`]: verified scores by criterion and
//! the indicators verified as met — never notes, people's names,
//! self-assessment figures or evidence). The public pages and data read only
//! those rows, never the live cases.
//!
//! Reading is fast: every current publication, its open-data files (with
//! their ETags) and the Atom feed are kept in memory ([`PublicRecord`]),
//! keyed by the publications' version (how many rows, how many withdrawn:
//! both only grow). An instance rebuilds its copy at once when it publishes
//! or unpublishes, and checks the version at most every
//! [`RECHECK`] otherwise, so the instances sharing one PostgreSQL see
//! another's publication within that time.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use p2ham_io::model::{AwardList, Lang};
use p2ham_io::public::{PublicDocument, PublicPhoto, PublicUnit, PublicUnits};
use p2ham_io::scoring::{history, ScoreReport, UnitHistory};
use p2ham_io::Source;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::awards::{stored_list, Awards};
use super::rows::find_period;
use super::{require, ErrorCode, ServiceError, ServiceResult, XLSX};
use crate::audit::{self, Event};
use crate::proto::Publication;
use crate::types::{now, random_hex, Role};
use crate::AppState;

/// How long an instance serves its copy of the public record before it
/// checks the publications' version again.
pub const RECHECK: Duration = Duration::from_secs(1);

/// One open-data file, made once per publication: its bytes, media type and strong ETag.
#[derive(Debug, Clone)]
pub struct PublicFile {
    /// The bytes.
    pub body: Bytes,
    /// The media type.
    pub content_type: &'static str,
    /// The strong ETag: the quoted SHA-256 of the bytes.
    pub etag: String,
    /// The `Content-Disposition` it is sent with, when it is to be saved
    /// rather than shown (`attachment; filename="…"`).
    pub disposition: Option<String>,
}

impl PublicFile {
    fn new(body: Vec<u8>, content_type: &'static str) -> PublicFile {
        let etag = format!("\"{:x}\"", Sha256::digest(&body));
        PublicFile {
            body: Bytes::from(body),
            content_type,
            etag,
            disposition: None,
        }
    }
}

/// The name of the signed decree among a period's open-data files.
pub const DECREE_FILE: &str = "keputusan.pdf";

/// The signed decree document a publication fixed: served from the
/// evidence store by its digest, never held in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedDecreeDocument {
    /// SHA-256 of the PDF.
    pub sha256: String,
    /// Its size in bytes.
    pub size: i64,
}

impl PublishedDecreeDocument {
    /// Its strong ETag: the quoted SHA-256 of its bytes.
    pub fn etag(&self) -> String {
        format!("\"{}\"", self.sha256)
    }
}

/// One published period, as fixed by its publication.
#[derive(Debug, Clone)]
pub struct PublishedPeriod {
    /// The period's id.
    pub period: String,
    /// Its year.
    pub year: i64,
    /// When it was published (RFC 3339, UTC).
    pub published_at: String,
    /// The award list as the public reads it (`p2ham-awards/1`).
    pub awards: AwardList,
    /// The public record of its units (`p2ham-public-units/1`).
    pub units: PublicUnits,
    /// The signed decree document the publication fixed, when one was uploaded.
    pub decree_document: Option<PublishedDecreeDocument>,
    files: BTreeMap<&'static str, PublicFile>,
    photos: BTreeSet<String>,
}

impl PublishedPeriod {
    /// An open-data file of the period by name (`awards.json`, `awards.csv`,
    /// `units.json`, `lampiran.html`, `lampiran.xlsx`).
    pub fn file(&self, name: &str) -> Option<&PublicFile> {
        self.files.get(name)
    }

    /// The names of its open-data files (with [`DECREE_FILE`] when the
    /// publication fixed a signed decree).
    pub fn file_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.files
            .keys()
            .copied()
            .chain(self.decree_document.as_ref().map(|_| DECREE_FILE))
    }

    /// Whether the publication holds the public photo with this digest.
    pub fn has_photo(&self, sha256: &str) -> bool {
        self.photos.contains(sha256)
    }

    /// A unit's public record in this period.
    pub fn unit(&self, id: &str) -> Option<&PublicUnit> {
        self.units.units.iter().find(|u| u.id == id)
    }
}

/// Everything public: the current publications, latest period first.
#[derive(Debug, Clone, Default)]
pub struct PublicRecord {
    version: String,
    /// The published periods, by year then id, latest first.
    pub periods: Vec<PublishedPeriod>,
    /// The Atom feed of the published periods.
    pub feed: Option<PublicFile>,
}

impl PublicRecord {
    /// A published period.
    pub fn period(&self, id: &str) -> Option<&PublishedPeriod> {
        self.periods.iter().find(|p| p.period == id)
    }

    /// The latest published period.
    pub fn latest(&self) -> Option<&PublishedPeriod> {
        self.periods.first()
    }

    /// Whether a publication in force holds the public photo with this digest.
    pub fn has_photo(&self, sha256: &str) -> bool {
        self.periods.iter().any(|p| p.has_photo(sha256))
    }

    /// A unit's latest published record, with its period.
    pub fn unit(&self, id: &str) -> Option<(&PublishedPeriod, &PublicUnit)> {
        self.periods.iter().find_map(|p| p.unit(id).map(|u| (p, u)))
    }

    /// A unit's history over the published periods: the `p2ham history`
    /// computation over their award lists only.
    pub fn history(&self, unit: &str) -> Option<UnitHistory> {
        let lists: Vec<AwardList> = self.periods.iter().rev().map(|p| p.awards.clone()).collect();
        history(&lists, &[], Some(unit)).units.into_iter().next()
    }
}

/// An instance's copy of the public record.
#[derive(Debug, Default)]
pub(crate) struct PublicCache {
    current: RwLock<Option<(Arc<PublicRecord>, Instant)>>,
    rebuild: tokio::sync::Mutex<()>,
}

impl PublicCache {
    fn fresh(&self) -> Option<Arc<PublicRecord>> {
        let guard = self.current.read().expect("public record");
        guard
            .as_ref()
            .filter(|(_, checked)| checked.elapsed() < RECHECK)
            .map(|(r, _)| Arc::clone(r))
    }

    fn forget(&self) {
        *self.current.write().expect("public record") = None;
    }
}

/// The public record as anyone reads it (from [`AppState::public`]): no login.
#[derive(Debug, Clone, Copy)]
pub struct Public<'a> {
    state: &'a AppState,
}

impl AppState {
    /// The public record, for anyone.
    pub fn public(&self) -> Public<'_> {
        Public { state: self }
    }
}

/// The publications' version: rows and withdrawn rows, both only grow.
async fn version(state: &AppState) -> ServiceResult<String> {
    let row = sqlx::query("SELECT COUNT(*) AS n, COUNT(withdrawn_at) AS w FROM publications")
        .fetch_one(state.db().pool())
        .await?;
    let (n, w): (i64, i64) = (row.try_get("n")?, row.try_get("w")?);
    Ok(format!("{n}.{w}"))
}

impl Public<'_> {
    /// Every current publication (from this instance's copy, checked against
    /// the database at most every [`RECHECK`]).
    pub async fn record(&self) -> ServiceResult<Arc<PublicRecord>> {
        let cache = self.state.public_cache();
        if let Some(r) = cache.fresh() {
            return Ok(r);
        }
        let _turn = cache.rebuild.lock().await;
        if let Some(r) = cache.fresh() {
            return Ok(r);
        }
        let kept = cache.current.read().expect("public record").clone();
        let version = match version(self.state).await {
            Ok(v) => v,
            // The database does not answer: what was published stays readable meanwhile.
            Err(e) => match &kept {
                Some((r, _)) => {
                    *cache.current.write().expect("public record") = Some((Arc::clone(r), Instant::now()));
                    return Ok(Arc::clone(r));
                }
                None => return Err(e),
            },
        };
        let record = match kept {
            Some((r, _)) if r.version == version => r,
            _ => Arc::new(self.load(version).await?),
        };
        *cache.current.write().expect("public record") = Some((Arc::clone(&record), Instant::now()));
        Ok(record)
    }

    /// A published period, or not found (an unpublished period is not found).
    pub async fn period(&self, period: &str) -> ServiceResult<PublishedPeriod> {
        self.record()
            .await?
            .period(period)
            .cloned()
            .ok_or_else(|| ServiceError::not_found(format!("period `{period}` is not published")))
    }

    /// An open-data file of a published period.
    pub async fn file(&self, period: &str, name: &str) -> ServiceResult<PublicFile> {
        let record = self.record().await?;
        let p = record
            .period(period)
            .ok_or_else(|| ServiceError::not_found(format!("period `{period}` is not published")))?;
        p.file(name).cloned().ok_or_else(|| {
            let names: Vec<&str> = p.file_names().collect();
            ServiceError::not_found(format!("no file `{name}`; published: {}", names.join(", ")))
        })
    }

    /// The signed decree document a published period fixed (from this
    /// instance's copy of the record): not found when the period is not
    /// published or its publication fixed none.
    pub async fn decree_document(&self, period: &str) -> ServiceResult<PublishedDecreeDocument> {
        let record = self.record().await?;
        let p = record
            .period(period)
            .ok_or_else(|| ServiceError::not_found(format!("period `{period}` is not published")))?;
        p.decree_document.clone().ok_or_else(|| {
            ServiceError::not_found(format!(
                "period `{period}` was published without a signed decree document"
            ))
        })
    }

    /// The published signed decree as a file to save: read from the
    /// evidence store by its digest (checked again), sent as
    /// `keputusan-{period}.pdf`.
    pub async fn decree_document_file(
        &self,
        period: &str,
        doc: &PublishedDecreeDocument,
    ) -> ServiceResult<PublicFile> {
        let bytes = super::decree_document::stored_bytes(self.state, &doc.sha256).await?;
        let name: String = period
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        Ok(PublicFile {
            body: Bytes::from(bytes),
            content_type: "application/pdf",
            etag: doc.etag(),
            disposition: Some(format!("attachment; filename=\"keputusan-{name}.pdf\"")),
        })
    }

    /// A public photo (`{sha256}.jpg`) of a publication in force, read from
    /// the store (its digest checked); not found otherwise, also once its
    /// period is withdrawn.
    pub async fn photo(&self, file: &str) -> ServiceResult<PublicFile> {
        let missing = || ServiceError::not_found("no published photo has this name");
        let sha256 = file.strip_suffix(".jpg").ok_or_else(missing)?;
        if !crate::store::is_sha256(sha256) || !self.record().await?.has_photo(sha256) {
            return Err(missing());
        }
        let bytes = self.state.store().get(sha256).await.map_err(|e| {
            tracing::error!("public photo {sha256}: {e}");
            missing()
        })?;
        Ok(PublicFile {
            body: Bytes::from(bytes),
            content_type: "image/jpeg",
            etag: format!("\"{sha256}\""),
            disposition: None,
        })
    }

    /// Read the current publications and make their files.
    async fn load(&self, version: String) -> ServiceResult<PublicRecord> {
        let rows = sqlx::query(
            "SELECT p.period_id, p.awards, p.units, p.published_at, pe.year, p.decree_document_sha256, \
             (SELECT MAX(d.size) FROM decree_documents d WHERE d.period_id = p.period_id \
              AND d.sha256 = p.decree_document_sha256) AS decree_document_size \
             FROM publications p JOIN periods pe ON pe.id = p.period_id WHERE p.withdrawn_at IS NULL \
             ORDER BY pe.year DESC, p.period_id DESC",
        )
        .fetch_all(self.state.db().pool())
        .await?;
        let mut stored = Vec::new();
        for r in rows {
            let period: String = r.try_get("period_id")?;
            let awards: String = r.try_get("awards")?;
            let units: String = r.try_get("units")?;
            let decree_document = match (
                r.try_get::<Option<String>, _>("decree_document_sha256")?,
                r.try_get::<Option<i64>, _>("decree_document_size")?,
            ) {
                (Some(sha256), Some(size)) => Some(PublishedDecreeDocument { sha256, size }),
                (Some(sha256), None) => {
                    return Err(ServiceError::internal(&format!(
                        "the publication of {period} names decree document {sha256}, which is not recorded"
                    )))
                }
                _ => None,
            };
            stored.push((
                period,
                r.try_get::<i64, _>("year")?,
                r.try_get::<String, _>("published_at")?,
                awards,
                units,
                decree_document,
            ));
        }
        tokio::task::spawn_blocking(move || {
            let mut periods = Vec::new();
            for (period, year, published_at, awards_text, units_text, decree_document) in stored {
                let awards = stored_list(&format!("published awards of {period}"), &awards_text)?;
                let units: PublicUnits = serde_json::from_str(&units_text)
                    .map_err(|e| ServiceError::internal(&format!("published units of {period}: {e}")))?;
                let files = data_files(&awards, awards_text, units_text)?;
                let photos = units.photo_digests().map(str::to_owned).collect();
                periods.push(PublishedPeriod {
                    period,
                    year,
                    published_at,
                    awards,
                    units,
                    decree_document,
                    files,
                    photos,
                });
            }
            let feed = Some(PublicFile::new(atom(&periods).into_bytes(), ATOM));
            Ok(PublicRecord {
                version,
                periods,
                feed,
            })
        })
        .await?
    }
}

/// The media type of the feed.
const ATOM: &str = "application/atom+xml; charset=utf-8";

/// A period's open-data files: the public award list as published, its
/// annex (Lampiran) in CSV, HTML and XLSX as the report layer renders it,
/// and the units' public record.
fn data_files(
    awards: &AwardList,
    awards_text: String,
    units_text: String,
) -> ServiceResult<BTreeMap<&'static str, PublicFile>> {
    let options = p2ham_report::RenderOptions {
        lang: Lang::Id,
        evidence: None,
    };
    let annex = |format| {
        p2ham_report::render(&p2ham_report::Annex(awards), format, &options)
            .map_err(|e| ServiceError::internal(&e))
    };
    let mut files = BTreeMap::new();
    files.insert(
        "awards.json",
        PublicFile::new(awards_text.into_bytes(), "application/json"),
    );
    files.insert(
        "awards.csv",
        PublicFile::new(annex(p2ham_report::Format::Csv)?, "text/csv; charset=utf-8"),
    );
    files.insert(
        "lampiran.html",
        PublicFile::new(annex(p2ham_report::Format::Html)?, "text/html; charset=utf-8"),
    );
    files.insert(
        "lampiran.xlsx",
        PublicFile::new(annex(p2ham_report::Format::Xlsx)?, XLSX),
    );
    files.insert(
        "units.json",
        PublicFile::new(units_text.into_bytes(), "application/json"),
    );
    Ok(files)
}

/// Text for XML content and attributes.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// The Atom feed (RFC 4287) of the published periods, newest first; links
/// are relative to the feed's own address (`/publik/feed.atom`).
fn atom(periods: &[PublishedPeriod]) -> String {
    use std::fmt::Write as _;
    let mut by_date: Vec<&PublishedPeriod> = periods.iter().collect();
    by_date.sort_by(|a, b| b.published_at.cmp(&a.published_at).then(a.period.cmp(&b.period)));
    let updated = by_date
        .first()
        .map_or("1970-01-01T00:00:00Z".to_owned(), |p| p.published_at.clone());
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"id\">\n");
    out.push_str("  <title>P2HAM: periode penilaian yang diumumkan</title>\n");
    out.push_str("  <id>urn:p2ham:publik</id>\n");
    let _ = writeln!(out, "  <updated>{}</updated>", xml(&updated));
    out.push_str("  <link rel=\"self\" href=\"feed.atom\"/>\n");
    out.push_str("  <link rel=\"alternate\" type=\"text/html\" href=\".\"/>\n");
    out.push_str("  <author><name>P2HAM</name></author>\n");
    out.push_str("  <rights>CC BY 4.0</rights>\n");
    for p in by_date {
        let awarded = p.units.units.iter().filter(|u| u.predikat).count();
        let period = xml(&p.period);
        let path = xml(&crate::pages::urlencode(&p.period));
        let decree = &p.units.decree;
        let date = decree
            .date
            .as_deref()
            .map_or(String::new(), |d| format!(" tanggal {}", xml(d)));
        let _ = write!(
            out,
            "  <entry>\n    <title>Periode {period}: {awarded} unit pelayanan berpredikat P2HAM</title>\n\
             \x20   <id>urn:p2ham:publik:{period}:{at}</id>\n    <updated>{at}</updated>\n\
             \x20   <link rel=\"alternate\" type=\"text/html\" href=\"periode/{path}\"/>\n\
             \x20   <link rel=\"enclosure\" type=\"application/json\" href=\"data/{path}/units.json\"/>\n{document}\
             \x20   <summary>Keputusan {number}{date}: {awarded} dari {total} unit pelayanan berpredikat \
             Pelayanan Publik Berbasis HAM.</summary>\n  </entry>\n",
            at = xml(&p.published_at),
            number = xml(&decree.number),
            total = p.units.units.len(),
            document = p.decree_document.as_ref().map_or(String::new(), |d| format!(
                "    <link rel=\"enclosure\" type=\"application/pdf\" href=\"data/{path}/{DECREE_FILE}\" \
                 length=\"{}\" title=\"Keputusan (SHA-256 {})\"/>\n",
                d.size, d.sha256
            )),
        );
    }
    out.push_str("</feed>\n");
    out
}

/// Who may publish.
const PUBLISH_ROLES: [Role; 2] = [Role::Evaluator, Role::Admin];

impl Awards<'_> {
    /// Whether a period is public now, and since when.
    pub async fn publication(&self, period: &str) -> ServiceResult<Option<Publication>> {
        require(self.actor, &PUBLISH_ROLES)?;
        let row = sqlx::query(
            "SELECT period_id, awards, awards_sha256, units, units_sha256, published_by, published_at, \
             decree_document_sha256 FROM publications WHERE period_id = $1 AND withdrawn_at IS NULL",
        )
        .bind(period)
        .fetch_optional(self.state.db().pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let units: PublicUnits = serde_json::from_str(&r.try_get::<String, _>("units")?)
            .map_err(|e| ServiceError::internal(&e))?;
        Ok(Some(Publication {
            period: r.try_get("period_id")?,
            published_by: r.try_get("published_by")?,
            published_at: r.try_get("published_at")?,
            units: units.units.len(),
            awarded: units.units.iter().filter(|u| u.predikat).count(),
            awards_sha256: r.try_get("awards_sha256")?,
            units_sha256: r.try_get("units_sha256")?,
            decree_document_sha256: r.try_get("decree_document_sha256")?,
        }))
    }

    /// Publish a decreed period (evaluators and administrators): fix its
    /// public award list and the public record of its units, audited. The
    /// verified score of each evaluated unit is the verification the round
    /// rested on, scored again by the library against the period's instrument.
    pub async fn publish(&self, period: &str) -> ServiceResult<Publication> {
        require(self.actor, &PUBLISH_ROLES)?;
        let p = find_period(self.state, period).await?;
        let Some((_, list)) = self.decree_of(&p.id).await? else {
            return Err(ServiceError::new(
                ErrorCode::NotDecreed,
                format!(
                    "period {} has no decree yet: only a decreed round is published",
                    p.id
                ),
            ));
        };
        // The verification each evaluated unit's decision rests on.
        let rows = sqlx::query(
            "SELECT o.unit_id, d.body FROM outcomes o JOIN documents d ON d.unit_id = o.unit_id \
             AND d.period_id = o.period_id AND d.stage = 'verification' AND d.sha256 = o.verification_sha256 \
             WHERE o.period_id = $1 ORDER BY o.unit_id, d.uploaded_at",
        )
        .bind(&p.id)
        .fetch_all(self.state.db().pool())
        .await?;
        let mut bodies: BTreeMap<String, String> = BTreeMap::new();
        for r in rows {
            let unit: String = r.try_get("unit_id")?;
            if list.unit(&unit).is_some_and(|e| !e.rests_on.is_empty()) && !bodies.contains_key(&unit) {
                bodies.insert(unit, r.try_get("body")?);
            }
        }
        let instrument = self.state.instrument(&p.instrument.sha256).await?;
        let at = now();
        let published_at = at.clone();
        let (awards_text, units) = tokio::task::spawn_blocking(move || {
            let mut scores: BTreeMap<String, ScoreReport> = BTreeMap::new();
            for (unit, body) in bodies {
                let loaded = p2ham_io::document::read_assessment(Source::bytes(
                    format!("{unit}.verification.json"),
                    body.into_bytes(),
                ))
                .map_err(|e| ServiceError::invalid_document(&e))?;
                let report = p2ham_io::document::score_loaded(&loaded, &instrument)
                    .map_err(|e| ServiceError::invalid_document(&e))?;
                scores.insert(unit, report);
            }
            let public = p2ham_io::public::public_award_list(&list);
            let units = p2ham_io::public::public_units(&public, &scores, &published_at)
                .ok_or_else(|| ServiceError::internal(&"a decreed list without its decree"))?;
            Ok::<_, ServiceError>((p2ham_report::to_json(&public), units))
        })
        .await??;
        let mut units = units;
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        let current =
            sqlx::query("SELECT id FROM publications WHERE period_id = $1 AND withdrawn_at IS NULL")
                .bind(&p.id)
                .fetch_optional(&mut *w.tx)
                .await?;
        if current.is_some() {
            return Err(ServiceError::new(
                ErrorCode::AlreadyPublished,
                format!(
                    "period {} is public already; unpublish it first to publish it again",
                    p.id
                ),
            ));
        }
        // The photos marked public now, of the indicators verified as met only.
        let photos = sqlx::query(
            "SELECT unit_id, indicator, caption, public_sha256, width, height FROM public_photos \
             WHERE period_id = $1 AND withdrawn_at IS NULL ORDER BY unit_id, indicator, marked_at, id",
        )
        .bind(&p.id)
        .fetch_all(&mut *w.tx)
        .await?;
        for r in &photos {
            let (unit, indicator): (String, String) = (r.try_get("unit_id")?, r.try_get("indicator")?);
            let size = |c: &str| -> ServiceResult<u32> {
                u32::try_from(r.try_get::<i64, _>(c)?).map_err(|e| ServiceError::internal(&e))
            };
            let photo = PublicPhoto {
                sha256: r.try_get("public_sha256")?,
                caption: r.try_get("caption")?,
                width: size("width")?,
                height: size("height")?,
            };
            units.attach_photo(&unit, &indicator, photo);
        }
        // The signed decree current now (read in the audit log's turn) is the one the publication fixes.
        let document = super::decree_document::current(&mut *w.tx, &p.id).await?;
        units.decree_document = document
            .as_ref()
            .map(|d| -> ServiceResult<PublicDocument> {
                Ok(PublicDocument {
                    sha256: d.sha256.clone(),
                    bytes: u64::try_from(d.size).map_err(|e| ServiceError::internal(&e))?,
                })
            })
            .transpose()?;
        let units_text = p2ham_report::to_json(&units);
        let info = Publication {
            period: p.id.clone(),
            published_by: self.actor.username.clone(),
            published_at: at.clone(),
            units: units.units.len(),
            awarded: units.units.iter().filter(|u| u.predikat).count(),
            awards_sha256: p2ham_io::digest::sha256_hex(awards_text.as_bytes()),
            units_sha256: p2ham_io::digest::sha256_hex(units_text.as_bytes()),
            decree_document_sha256: document.map(|d| d.sha256),
        };
        sqlx::query(
            "INSERT INTO publications (id, period_id, awards, awards_sha256, units, units_sha256, published_by, \
             published_at, decree_document_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(random_hex(16))
        .bind(&p.id)
        .bind(&awards_text)
        .bind(&info.awards_sha256)
        .bind(&units_text)
        .bind(&info.units_sha256)
        .bind(&info.published_by)
        .bind(&at)
        .bind(&info.decree_document_sha256)
        .execute(&mut *w.tx)
        .await?;
        turn.record(
            &mut w.tx,
            Event::by(
                self.actor,
                "publish",
                format!("period/{}", p.id),
                None,
                Some(
                    serde_json::json!({
                        "published": true, "awards_sha256": info.awards_sha256,
                        "units_sha256": info.units_sha256, "units": info.units, "awarded": info.awarded,
                        "decree_document_sha256": info.decree_document_sha256,
                        "photos": units.photo_digests().count(),
                    })
                    .to_string(),
                ),
            ),
        )
        .await?;
        w.commit().await?;
        self.state.public_cache().forget();
        Ok(info)
    }

    /// Withdraw a period from the public record (evaluators and
    /// administrators), audited; the publication stays on record as withdrawn.
    pub async fn unpublish(&self, period: &str) -> ServiceResult<()> {
        require(self.actor, &PUBLISH_ROLES)?;
        let p = find_period(self.state, period).await?;
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        let row = sqlx::query(
            "SELECT id, published_at, units_sha256 FROM publications WHERE period_id = $1 AND withdrawn_at IS NULL",
        )
        .bind(&p.id)
        .fetch_optional(&mut *w.tx)
        .await?
        .ok_or_else(|| ServiceError::not_found(format!("period {} is not published", p.id)))?;
        let (id, published_at, units_sha256): (String, String, String) = (
            row.try_get("id")?,
            row.try_get("published_at")?,
            row.try_get("units_sha256")?,
        );
        sqlx::query("UPDATE publications SET withdrawn_by = $1, withdrawn_at = $2 WHERE id = $3")
            .bind(&self.actor.username)
            .bind(now())
            .bind(&id)
            .execute(&mut *w.tx)
            .await?;
        turn.record(
            &mut w.tx,
            Event::by(
                self.actor,
                "unpublish",
                format!("period/{}", p.id),
                Some(
                    serde_json::json!({"published": true, "published_at": published_at, "units_sha256": units_sha256})
                        .to_string(),
                ),
                Some(serde_json::json!({"published": false}).to_string()),
            ),
        )
        .await?;
        w.commit().await?;
        self.state.public_cache().forget();
        Ok(())
    }
}
