//! The unit's satisfaction survey (SKM, PermenPANRB 14/2017) for a period:
//! the operator uploads the CSV or XLSX that `p2ham skm` reads; the library
//! reads it and computes the IKM exactly (weights 1/9), refusing a bad file
//! with the same diagnostics; the file and its figures are kept and audited.
//!
//! Legacy `.xls` workbooks are refused here: the spreadsheet library reads
//! them whole into a dense grid, which a small file could make large. A
//! zipped workbook (XLSX) is bounded by the reader's inflation limits.

use base64::Engine as _;
use sqlx::Row;

use super::rows::{check_before_submission, object};
use super::{require, Cases, ErrorCode, ServiceError, ServiceResult};
use crate::audit::{self, Event};
use crate::proto::SkmInfo;
use crate::types::{now, random_hex, Role};

/// The largest survey file accepted, in bytes (a few thousand respondents
/// take well under a megabyte as CSV or XLSX).
pub const MAX_SKM_BYTES: usize = 2 * 1024 * 1024;

/// The first bytes of an OLE2 compound file: a legacy `.xls` workbook.
const OLE2: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let kept: String = last
        .chars()
        .filter(|c| crate::types::hidden_character(&c.to_string(), false).is_none())
        .take(120)
        .collect();
    let kept = kept.trim();
    if kept.is_empty() {
        "skm.csv".to_owned()
    } else {
        kept.to_owned()
    }
}

/// The current survey of a case, when one was uploaded.
pub(super) async fn current<'e, E>(exec: E, unit: &str, period: &str) -> ServiceResult<Option<SkmInfo>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "SELECT file_name, sha256, size, respondents, ikm, mutu, kinerja, uploaded_by, uploaded_at FROM skm_uploads \
         WHERE unit_id = $1 AND period_id = $2 ORDER BY uploaded_at DESC, id DESC LIMIT 1",
    )
    .bind(unit)
    .bind(period)
    .fetch_optional(exec)
    .await?;
    row.map(|r| info(&r)).transpose()
}

fn info(r: &sqlx::any::AnyRow) -> ServiceResult<SkmInfo> {
    Ok(SkmInfo {
        file_name: r.try_get("file_name")?,
        sha256: r.try_get("sha256")?,
        size: r.try_get("size")?,
        respondents: r.try_get("respondents")?,
        ikm: r.try_get("ikm")?,
        mutu: r.try_get("mutu")?,
        kinerja: r.try_get("kinerja")?,
        uploaded_by: r.try_get("uploaded_by")?,
        uploaded_at: r.try_get("uploaded_at")?,
    })
}

impl Cases<'_> {
    /// The current survey result of a unit for a period.
    pub async fn skm(&self, period: &str, unit: &str) -> ServiceResult<Option<SkmInfo>> {
        let (period, unit) = self.scope(period, unit).await?;
        current(self.state.db().pool(), &unit.id, &period.id).await
    }

    /// The current survey result of every unit of a period the caller may see, by unit id.
    pub async fn skm_of_period(&self, period: &str) -> ServiceResult<Vec<(String, SkmInfo)>> {
        let period = super::rows::find_period(self.state, period).await?;
        let rows = sqlx::query(
            "SELECT s.unit_id, u.office, s.file_name, s.sha256, s.size, s.respondents, s.ikm, s.mutu, s.kinerja, \
             s.uploaded_by, s.uploaded_at FROM skm_uploads s JOIN units u ON u.id = s.unit_id \
             WHERE s.period_id = $1 ORDER BY s.unit_id, s.uploaded_at DESC, s.id DESC",
        )
        .bind(&period.id)
        .fetch_all(self.state.db().pool())
        .await?;
        let mut out: Vec<(String, SkmInfo)> = Vec::new();
        for r in &rows {
            let unit: String = r.try_get("unit_id")?;
            let office: String = r.try_get("office")?;
            if !self.actor.sees_unit(&unit, &office) || out.last().is_some_and(|(u, _)| *u == unit) {
                continue;
            }
            out.push((unit, info(r)?));
        }
        Ok(out)
    }

    /// Upload the period's survey results (the unit's operator, while the
    /// self-assessment may still change): the CSV or XLSX `p2ham skm` reads,
    /// read and computed by the same library call (exact weights); refused
    /// with the library's diagnostics when invalid (422), beyond
    /// [`MAX_SKM_BYTES`] (413) or as a legacy `.xls` workbook (415). Kept
    /// with its figures and audited as `put-skm`; an earlier upload stays on record.
    pub async fn put_skm(
        &self,
        period: &str,
        unit: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> ServiceResult<SkmInfo> {
        require(self.actor, &[Role::Operator])?;
        let (period, unit) = self.scope(period, unit).await?;
        let name = clean_name(file_name);
        if bytes.len() > MAX_SKM_BYTES {
            return Err(ServiceError::new(
                ErrorCode::TooLarge,
                format!("`{name}`: the survey file is larger than the limit of {MAX_SKM_BYTES} bytes"),
            ));
        }
        if bytes.starts_with(&OLE2) {
            return Err(ServiceError::new(
                ErrorCode::WrongType,
                format!("`{name}`: a legacy Excel 97–2003 workbook (.xls) is not accepted; save it as .xlsx or .csv"),
            ));
        }
        check_before_submission(
            self.state.db().pool(),
            (&unit.id, &period.id),
            "the survey result",
        )
        .await?;
        let owned = bytes.to_vec();
        let file = name.clone();
        let report = tokio::task::spawn_blocking(move || {
            p2ham_io::ops::skm(
                p2ham_io::Source::bytes(file, &owned),
                &p2ham_io::skm::SkmReadOptions::default(),
                p2ham_io::scoring::skm::Weights::Exact,
            )
        })
        .await?
        .map_err(|e| ServiceError::invalid_document(&e))?;
        let f = &report.overall;
        let info = SkmInfo {
            file_name: name,
            sha256: p2ham_io::digest::sha256_hex(bytes),
            size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            respondents: i64::try_from(f.respondents).unwrap_or(i64::MAX),
            ikm: f.ikm.to_string(),
            mutu: f.mutu.as_str().to_owned(),
            kinerja: f.kinerja.label().id,
            uploaded_by: self.actor.username.clone(),
            uploaded_at: now(),
        };
        let report_json = serde_json::to_string(&report).map_err(|e| ServiceError::internal(&e))?;
        let mut w = self.state.db().write().await?;
        let mut turn = audit::reserve(&mut w.tx).await?;
        check_before_submission(&mut *w.tx, (&unit.id, &period.id), "the survey result").await?;
        let before = current(&mut *w.tx, &unit.id, &period.id).await?;
        sqlx::query(
            "INSERT INTO skm_uploads (id, unit_id, period_id, file_name, sha256, size, body_base64, respondents, ikm, \
             mutu, kinerja, report, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(random_hex(16))
        .bind(&unit.id)
        .bind(&period.id)
        .bind(&info.file_name)
        .bind(&info.sha256)
        .bind(info.size)
        .bind(base64::engine::general_purpose::STANDARD.encode(bytes))
        .bind(info.respondents)
        .bind(&info.ikm)
        .bind(&info.mutu)
        .bind(&info.kinerja)
        .bind(&report_json)
        .bind(&info.uploaded_by)
        .bind(&info.uploaded_at)
        .execute(&mut *w.tx)
        .await?;
        let state = |s: &SkmInfo| {
            serde_json::json!({
                "skm_sha256": s.sha256, "file_name": s.file_name, "respondents": s.respondents,
                "ikm": s.ikm, "mutu": s.mutu,
            })
            .to_string()
        };
        turn.record(
            &mut w.tx,
            Event::by(
                self.actor,
                "put-skm",
                object(&period.id, &unit.id),
                before.as_ref().map(state),
                Some(state(&info)),
            ),
        )
        .await?;
        w.commit().await?;
        Ok(info)
    }
}
