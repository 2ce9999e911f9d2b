//! Resumable uploads of evidence by the tus 1.0 protocol (core, creation,
//! termination): an upload is begun for one indicator of one case (who may
//! upload, and when, is checked before any byte is accepted), its bytes
//! arrive in any number of requests, each continuing from the last byte the
//! server kept, and the complete file takes the same path as a multipart
//! upload ([`Cases::begin_evidence`]: the same checks, digest, thumbnail and
//! audit entry); for the operator it then becomes evidence of that
//! indicator in the draft.
//!
//! The bytes received so far are kept in the data folder
//! (`uploads/{id}.part`); each user may have at most [`MAX_OPEN_UPLOADS`]
//! unfinished uploads, of at most the upload request limit in all, and an
//! upload not finished within [`UPLOAD_HOURS`] is forgotten.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use axum::body::Bytes;
use futures_util::{Stream, StreamExt};
use p2ham_io::model::EvidenceRef;
use p2ham_io::Source;
use sqlx::Row;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::evidence::check_evidence_name;
use super::rows::parsed;
use super::{check_window, require, Action, Cases, ErrorCode, ServiceError, ServiceResult};
use crate::auth::Actor;
use crate::proto::{StageParam, UploadInfo};
use crate::store::EvidenceType;
use crate::types::{now, random_hex, Role};
use crate::AppState;

/// The protocol version spoken (`Tus-Resumable`, `Tus-Version`).
pub const TUS_VERSION: &str = "1.0.0";

/// How long an upload may take, from its creation, before it is forgotten.
pub const UPLOAD_HOURS: i64 = 24;

/// The most unfinished uploads one user may have at a time.
pub const MAX_OPEN_UPLOADS: i64 = 20;

/// What an upload is for, as the creation request's `Upload-Metadata` says.
#[derive(Debug, Clone, Default)]
pub struct NewUpload {
    /// The period's id.
    pub period: String,
    /// The unit's id.
    pub unit: String,
    /// The indicator the file is evidence of.
    pub indicator: String,
    /// The file's name on the phone (made into a clean evidence path).
    pub filename: String,
    /// The media type the browser gives, if any (the content decides).
    pub content_type: Option<String>,
    /// The file's length in bytes (`Upload-Length`).
    pub length: u64,
}

/// The uploads of one user.
#[derive(Debug, Clone, Copy)]
pub struct Uploads<'a> {
    state: &'a AppState,
    actor: &'a Actor,
}

impl AppState {
    /// The resumable uploads `actor` may begin, continue and see (only their own).
    pub fn uploads<'a>(&'a self, actor: &'a Actor) -> Uploads<'a> {
        Uploads { state: self, actor }
    }
}

/// The uploads being received right now (a second request for the same one waits its turn).
fn busy() -> &'static Mutex<HashSet<String>> {
    static BUSY: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    BUSY.get_or_init(|| Mutex::new(HashSet::new()))
}

/// One upload being received; released when dropped.
struct Receiving(String);

impl Receiving {
    /// Take the upload's turn, waiting up to 2 s for a request that is still
    /// finishing (one cut off a moment ago keeps the turn until its bytes are written).
    async fn wait(id: &str) -> ServiceResult<Receiving> {
        for _ in 0..40 {
            if let Ok(turn) = Receiving::take(id) {
                return Ok(turn);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        Receiving::take(id)
    }

    fn take(id: &str) -> ServiceResult<Receiving> {
        let mut set = busy().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if set.insert(id.to_owned()) {
            Ok(Receiving(id.to_owned()))
        } else {
            Err(ServiceError::new(
                ErrorCode::UploadConflict,
                "another request is sending this upload; ask for its offset (HEAD) and continue from there",
            ))
        }
    }
}

impl Drop for Receiving {
    fn drop(&mut self) {
        busy()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&self.0);
    }
}

/// An evidence path for a file chosen for an indicator:
/// `{folder}{indicator}/{file}`, each segment plain (letters, digits, `.-_`).
pub(crate) fn evidence_path(folder: &str, indicator: &str, file: &str) -> String {
    fn clean(name: &str) -> String {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
        let clean: String = base
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let clean = clean.trim_matches('.').to_owned();
        if clean.is_empty() {
            "berkas".to_owned()
        } else {
            clean
        }
    }
    format!("{folder}{}/{}", clean(indicator), clean(file))
}

fn expires(hours: i64) -> String {
    let at = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(hours))
        .unwrap_or_else(|_| jiff::Timestamp::now());
    format!("{at:.6}")
}

fn info(row: &sqlx::any::AnyRow) -> Result<UploadInfo, sqlx::Error> {
    Ok(UploadInfo {
        id: row.try_get("id")?,
        period: row.try_get("period_id")?,
        unit: row.try_get("unit_id")?,
        indicator: row.try_get("indicator")?,
        path: row.try_get("path")?,
        length: row.try_get("length")?,
        offset: row.try_get("received")?,
        expires_at: row.try_get("expires_at")?,
        sha256: row.try_get("sha256")?,
        content_type: row.try_get("content_type")?,
        attached: row.try_get::<i64, _>("attached")? != 0,
    })
}

const COLUMNS: &str =
    "id, period_id, unit_id, indicator, path, length, received, expires_at, sha256, content_type, attached";

fn not_found() -> ServiceError {
    ServiceError::not_found("no such upload (it finished long ago, expired, or is someone else's)")
}

fn io_error(path: &std::path::Path, e: &std::io::Error) -> ServiceError {
    ServiceError::internal(&format!("{}: {e}", path.display()))
}

impl Uploads<'_> {
    fn folder(&self) -> PathBuf {
        self.state.settings().data_dir.join("uploads")
    }

    fn part(&self, id: &str) -> PathBuf {
        self.folder().join(format!("{id}.part"))
    }

    fn cases(&self) -> Cases<'_> {
        self.state.cases(self.actor)
    }

    /// Forget every expired upload (anyone's) and its bytes.
    async fn expire(&self) -> ServiceResult<()> {
        let at = now();
        let gone: Vec<String> = sqlx::query("SELECT id FROM uploads WHERE expires_at < $1")
            .bind(&at)
            .fetch_all(self.state.db().pool())
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
        for id in &gone {
            remove_part(&self.part(id)).await?;
            sqlx::query("DELETE FROM uploads WHERE id = $1")
                .bind(id)
                .execute(self.state.db().pool())
                .await?;
        }
        Ok(())
    }

    /// Begin an upload: the caller's access to the case, the case's status,
    /// the period's window, the indicator, the file's name and length are all
    /// checked before any byte is accepted.
    pub async fn create(&self, new: &NewUpload) -> ServiceResult<UploadInfo> {
        require(self.actor, &[Role::Operator, Role::Verifier])?;
        // Who may upload to this case, and in which status (the multipart path's own check).
        self.cases().begin_evidence(&new.period, &new.unit).await?;
        let (period, unit) = self.cases().scope(&new.period, &new.unit).await?;
        let (folder, opens, closes, what) = match self.actor.role {
            Role::Operator => ("", &period.self_opens, &period.self_closes, "self-assessment"),
            _ => (
                "verifikasi/",
                &period.verification_opens,
                &period.verification_closes,
                "verification",
            ),
        };
        check_window(opens.as_ref(), closes.as_ref(), what)?;
        let instrument = self.state.instrument(&period.instrument.sha256).await?;
        let applies = instrument
            .checked
            .instrument()
            .criteria
            .iter()
            .flat_map(|c| &c.indicators)
            .any(|i| i.id == new.indicator && i.applies_to_kind(&unit.kind));
        if !applies {
            return Err(ServiceError::field(
                "Upload-Metadata.indicator",
                format!(
                    "`{}` is not an indicator of the instrument that applies to this unit",
                    new.indicator
                ),
            ));
        }
        if new.filename.trim().is_empty() {
            return Err(ServiceError::field(
                "Upload-Metadata.filename",
                "give the file's name",
            ));
        }
        let path = evidence_path(folder, &new.indicator, &new.filename);
        check_evidence_name(&path).map_err(|m| ServiceError::new(ErrorCode::BadEvidenceName, m))?;
        let limit = self.state.settings().max_evidence_bytes;
        if new.length == 0 {
            return Err(ServiceError::field(
                "Upload-Length",
                "the file is empty; choose it again",
            ));
        }
        if new.length > limit {
            return Err(ServiceError::new(
                ErrorCode::TooLarge,
                format!(
                    "`{}`: the file has {} bytes; the limit is {limit} bytes",
                    new.filename, new.length
                ),
            ));
        }
        if let Some(t) = &new.content_type {
            let known = ["image/jpeg", "image/png", "application/pdf"];
            if !t.is_empty() && !known.contains(&t.as_str()) {
                return Err(ServiceError::new(
                    ErrorCode::WrongType,
                    format!("`{}` is {t}; send a JPEG, PNG or PDF file", new.filename),
                ));
            }
        }
        self.expire().await?;
        let open = sqlx::query(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(length), 0) AS BIGINT) AS total FROM uploads WHERE username = $1 AND sha256 IS NULL",
        )
        .bind(&self.actor.username)
        .fetch_one(self.state.db().pool())
        .await?;
        let (count, total): (i64, i64) = (open.try_get("n")?, open.try_get("total")?);
        if count >= MAX_OPEN_UPLOADS {
            return Err(ServiceError::new(
                ErrorCode::RateLimited,
                format!(
                    "you have {count} unfinished uploads; finish or cancel them first (an upload left alone is forgotten after {UPLOAD_HOURS} hours)"
                ),
            ));
        }
        let whole = self.state.settings().max_upload_request_bytes;
        let length = i64::try_from(new.length).unwrap_or(i64::MAX);
        if u64::try_from(total.saturating_add(length)).unwrap_or(u64::MAX) > whole {
            return Err(ServiceError::new(
                ErrorCode::TooLarge,
                format!(
                    "your unfinished uploads would hold more than {whole} bytes; finish or cancel them first"
                ),
            ));
        }
        let id = random_hex(16);
        let folder = self.folder();
        tokio::fs::create_dir_all(&folder)
            .await
            .map_err(|e| io_error(&folder, &e))?;
        let part = self.part(&id);
        tokio::fs::File::create(&part)
            .await
            .map_err(|e| io_error(&part, &e))?;
        sqlx::query("INSERT INTO uploads (id, username, unit_id, period_id, indicator, path, length, received, created_at, expires_at, sha256, content_type, attached) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, NULL, NULL, 0)")
            .bind(&id)
            .bind(&self.actor.username)
            .bind(&unit.id)
            .bind(&period.id)
            .bind(&new.indicator)
            .bind(&path)
            .bind(length)
            .bind(now())
            .bind(expires(UPLOAD_HOURS))
            .execute(self.state.db().pool())
            .await?;
        self.info(&id).await
    }

    /// One of the caller's uploads (not found when it is someone else's or expired).
    pub async fn info(&self, id: &str) -> ServiceResult<UploadInfo> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM uploads WHERE id = $1 AND username = $2 AND expires_at >= $3"
        ))
        .bind(id)
        .bind(&self.actor.username)
        .bind(now())
        .fetch_optional(self.state.db().pool())
        .await?
        .ok_or_else(not_found)?;
        Ok(info(&row)?)
    }

    /// The caller's uploads for one case, oldest first.
    pub async fn list(&self, period: &str, unit: &str) -> ServiceResult<Vec<UploadInfo>> {
        let (period, unit) = self.cases().scope(period, unit).await?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM uploads WHERE username = $1 AND period_id = $2 AND unit_id = $3 AND expires_at >= $4 ORDER BY created_at, id"
        ))
        .bind(&self.actor.username)
        .bind(&period.id)
        .bind(&unit.id)
        .bind(now())
        .fetch_all(self.state.db().pool())
        .await?;
        Ok(rows.iter().map(info).collect::<Result<_, _>>()?)
    }

    /// Receive bytes of an upload from `offset` (which must be where the
    /// server stands: conflict otherwise). What arrives is kept even when the
    /// request breaks off, so the next request continues from there; the
    /// upload's length is never exceeded. Once the last byte is in, the file
    /// is stored as evidence (and, for the operator, attached to the draft).
    pub async fn append<S, E>(
        &self,
        id: &str,
        offset: u64,
        declared: Option<u64>,
        mut body: S,
    ) -> ServiceResult<UploadInfo>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let _turn = Receiving::wait(id).await?;
        let up = self.info(id).await?;
        let (length, received) = (
            u64::try_from(up.length).unwrap_or(0),
            u64::try_from(up.offset).unwrap_or(0),
        );
        if offset != received {
            return Err(ServiceError::new(
                ErrorCode::UploadConflict,
                format!("Upload-Offset is {offset}, but the server holds {received} bytes of this upload; continue from {received}"),
            ));
        }
        if up.sha256.is_some() {
            return Ok(up);
        }
        if let Some(n) = declared {
            if received.saturating_add(n) > length {
                return Err(ServiceError::new(
                    ErrorCode::TooLarge,
                    format!(
                        "{n} bytes from offset {received} would pass the upload's length of {length} bytes"
                    ),
                ));
            }
        }
        let part = self.part(id);
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .open(&part)
            .await
            .map_err(|e| io_error(&part, &e))?;
        // Bytes past the recorded offset (a request cut off before it was recorded) are not kept.
        file.set_len(received).await.map_err(|e| io_error(&part, &e))?;
        file.seek(std::io::SeekFrom::Start(received))
            .await
            .map_err(|e| io_error(&part, &e))?;
        let mut at = received;
        let mut overflow = false;
        while let Some(chunk) = body.next().await {
            let Ok(chunk) = chunk else {
                // The connection broke: keep what arrived.
                break;
            };
            let room = usize::try_from(length - at).unwrap_or(usize::MAX);
            let take = chunk.len().min(room);
            file.write_all(&chunk[..take])
                .await
                .map_err(|e| io_error(&part, &e))?;
            at += take as u64;
            if take < chunk.len() {
                overflow = true;
                break;
            }
        }
        file.sync_data().await.map_err(|e| io_error(&part, &e))?;
        drop(file);
        sqlx::query("UPDATE uploads SET received = $1 WHERE id = $2")
            .bind(i64::try_from(at).unwrap_or(i64::MAX))
            .bind(id)
            .execute(self.state.db().pool())
            .await?;
        // The content decides the type, as soon as enough of it has arrived.
        let sniff = 8.min(length);
        if received < sniff && at >= sniff {
            let mut head = vec![0u8; usize::try_from(sniff).unwrap_or(8)];
            let mut f = tokio::fs::File::open(&part)
                .await
                .map_err(|e| io_error(&part, &e))?;
            f.read_exact(&mut head).await.map_err(|e| io_error(&part, &e))?;
            if EvidenceType::sniff(&head).is_none() {
                self.forget(id).await?;
                return Err(ServiceError::new(
                    ErrorCode::WrongType,
                    format!(
                        "`{}`: the file is not a JPEG, PNG or PDF file (judged by its content, not its name); the upload is cancelled",
                        up.path
                    ),
                ));
            }
        }
        if overflow {
            return Err(ServiceError::new(
                ErrorCode::TooLarge,
                format!(
                    "the request passed the upload's length of {length} bytes; the bytes up to it are kept"
                ),
            ));
        }
        if at == length {
            self.complete(&up).await?;
        }
        self.info(id).await
    }

    /// The last byte is in: store the file as evidence of the case (the
    /// multipart path's checks, digest and audit entry), attach it to the
    /// operator's draft when the indicator is answered there, and let the
    /// partial file go.
    async fn complete(&self, up: &UploadInfo) -> ServiceResult<()> {
        let part = self.part(&up.id);
        let cases = self.cases();
        let mut upload = cases.begin_evidence(&up.period, &up.unit).await?;
        let file = tokio::fs::File::open(&part)
            .await
            .map_err(|e| io_error(&part, &e))?;
        let stream = futures_util::stream::unfold(file, |mut f| async move {
            let mut buf = vec![0u8; 64 * 1024];
            match f.read(&mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    Some((Ok::<Bytes, std::io::Error>(Bytes::from(buf)), f))
                }
                Err(e) => Some((Err(e), f)),
            }
        });
        upload.put(&up.path, Box::pin(stream)).await?;
        let stored = upload
            .finish()
            .await?
            .pop()
            .ok_or_else(|| ServiceError::internal(&"no file stored"))?;
        sqlx::query("UPDATE uploads SET sha256 = $1, content_type = $2 WHERE id = $3")
            .bind(&stored.sha256)
            .bind(&stored.content_type)
            .bind(&up.id)
            .execute(self.state.db().pool())
            .await?;
        remove_part(&part).await?;
        if self.actor.role == Role::Operator
            && self
                .attach(&up.period, &up.unit, &up.indicator, &stored.path, &stored.sha256)
                .await?
        {
            self.mark_attached(&up.period, &up.unit, std::slice::from_ref(&up.indicator))
                .await?;
        }
        Ok(())
    }

    /// Add a stored file to the answer of `indicator` in the current draft
    /// (a new version of the self-assessment, audited as any save); false
    /// when there is no draft or the indicator is not answered in it yet
    /// (the file then waits for the save that answers it).
    async fn attach(
        &self,
        period: &str,
        unit: &str,
        indicator: &str,
        path: &str,
        sha256: &str,
    ) -> ServiceResult<bool> {
        let cases = self.cases();
        if !cases
            .case(period, unit)
            .await?
            .status
            .allows(Action::EditSelfAssessment)
        {
            return Ok(false);
        }
        // Built from the stored draft and stored only over that same draft:
        // a save that came in between is read again, never overwritten.
        let mut tries = 0;
        loop {
            let body = match cases.document(period, unit, StageParam::SelfAssessment).await {
                Ok((_, body)) => body,
                Err(e) if e.code == ErrorCode::NotFound => return Ok(false),
                Err(e) => return Err(e),
            };
            let base = p2ham_io::digest::sha256_hex(body.as_bytes());
            let mut doc = parsed(StageParam::SelfAssessment, body.as_bytes())?.assessment;
            let Some(answer) = doc.answers.iter_mut().find(|a| a.indicator == indicator) else {
                return Ok(false);
            };
            if answer
                .evidence
                .iter()
                .any(|e| e.sha256.as_deref() == Some(sha256))
            {
                return Ok(true);
            }
            answer.evidence.push(EvidenceRef {
                path: path.to_owned(),
                sha256: Some(sha256.to_owned()),
                caption: None,
            });
            let bytes = serde_json::to_vec_pretty(&doc).map_err(|e| ServiceError::internal(&e))?;
            match cases
                .put_self_assessment_over(period, unit, Source::bytes("self-assessment", bytes), Some(&base))
                .await
            {
                Ok(_) => return Ok(true),
                Err(e) if e.code == ErrorCode::UploadConflict && tries < 4 => tries += 1,
                Err(e) => return Err(e),
            }
        }
    }

    /// The caller's complete uploads for a case not yet named by the draft:
    /// (indicator, evidence path, digest), for the form's next save.
    pub async fn waiting(&self, period: &str, unit: &str) -> ServiceResult<Vec<(String, String, String)>> {
        Ok(self
            .list(period, unit)
            .await?
            .into_iter()
            .filter(|u| !u.attached)
            .filter_map(|u| Some((u.indicator, u.path, u.sha256?)))
            .collect())
    }

    /// Keep files stored by a form's save whose document was then refused, as
    /// complete uploads waiting for the next save that answers their indicators.
    pub async fn keep_waiting(
        &self,
        period: &str,
        unit: &str,
        stored: &[(String, String, String)],
    ) -> ServiceResult<()> {
        let (period, unit) = self.cases().scope(period, unit).await?;
        for (indicator, path, sha256) in stored {
            sqlx::query("INSERT INTO uploads (id, username, unit_id, period_id, indicator, path, length, received, created_at, expires_at, sha256, content_type, attached) \
                SELECT $1, $2, $3, $4, $5, $6, size, size, $7, $8, sha256, content_type, 0 FROM evidence \
                WHERE unit_id = $3 AND period_id = $4 AND sha256 = $9 ORDER BY uploaded_at DESC LIMIT 1")
                .bind(random_hex(16))
                .bind(&self.actor.username)
                .bind(&unit.id)
                .bind(&period.id)
                .bind(indicator)
                .bind(path)
                .bind(now())
                .bind(expires(UPLOAD_HOURS))
                .bind(sha256)
                .execute(self.state.db().pool())
                .await?;
        }
        Ok(())
    }

    /// Record that the draft now names the complete uploads of these indicators.
    pub async fn mark_attached(&self, period: &str, unit: &str, indicators: &[String]) -> ServiceResult<()> {
        for ind in indicators {
            sqlx::query("UPDATE uploads SET attached = 1 WHERE username = $1 AND period_id = $2 AND unit_id = $3 AND indicator = $4 AND sha256 IS NOT NULL")
                .bind(&self.actor.username)
                .bind(period)
                .bind(unit)
                .bind(ind)
                .execute(self.state.db().pool())
                .await?;
        }
        Ok(())
    }

    /// Cancel an upload (tus termination): its bytes are deleted; a
    /// complete upload's stored file stays evidence of the case.
    pub async fn terminate(&self, id: &str) -> ServiceResult<()> {
        let _turn = Receiving::wait(id).await?;
        self.info(id).await?;
        self.forget(id).await
    }

    async fn forget(&self, id: &str) -> ServiceResult<()> {
        remove_part(&self.part(id)).await?;
        sqlx::query("DELETE FROM uploads WHERE id = $1 AND username = $2")
            .bind(id)
            .bind(&self.actor.username)
            .execute(self.state.db().pool())
            .await?;
        Ok(())
    }
}

async fn remove_part(path: &std::path::Path) -> ServiceResult<()> {
    match tokio::fs::remove_file(path).await {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(path, &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chosen_files_become_plain_evidence_paths() {
        assert_eq!(
            evidence_path("", "A.01", "IMG 2024 (1).jpg"),
            "A.01/IMG-2024--1-.jpg"
        );
        assert_eq!(
            evidence_path("verifikasi/", "B.2", "C:\\foto\\x.png"),
            "verifikasi/B.2/x.png"
        );
        assert_eq!(evidence_path("", "A.01", ".."), "A.01/berkas");
    }

    #[test]
    fn one_request_at_a_time_per_upload() {
        let first = Receiving::take("abc").expect("free");
        assert_eq!(
            Receiving::take("abc").map(|_| ()).unwrap_err().code,
            ErrorCode::UploadConflict
        );
        drop(first);
        assert!(Receiving::take("abc").is_ok());
    }
}
