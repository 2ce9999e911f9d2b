//! The demonstration data loaded on a fresh database by `p2ham serve` (unless
//! turned off): the three Sampit units of the bundled example, Kanwil
//! Kalimantan Tengah, the 2023 period on instrument `p2ham-2022`, one
//! account per role, and each unit's signed declaration (pencanangan) for
//! 2023, a generated one-page PDF.

use std::fmt::Write as _;

use crate::admin::{NewPeriod, NewUnit, NewUser};
use crate::types::Role;
use crate::{AppState, ServerError};

/// The bundled self-assessments the demo units are read from.
const SAMPIT: [(&str, &str); 3] = [
    (
        "kanim-sampit.self.json",
        include_str!("../demo/kanim-sampit.self.json"),
    ),
    (
        "lapas-sampit.self.json",
        include_str!("../demo/lapas-sampit.self.json"),
    ),
    (
        "bapas-sampit.self.json",
        include_str!("../demo/bapas-sampit.self.json"),
    ),
];

/// The Kanwil of the Sampit units.
pub const DEMO_OFFICE: &str = "Kanwil Kemenkumham Kalimantan Tengah";

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "demo-p2ham-2023";

/// A demo login.
#[derive(Debug, Clone, Copy)]
pub struct DemoAccount {
    /// Username.
    pub username: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Role.
    pub role: Role,
    /// An operator's unit.
    pub unit: Option<&'static str>,
}

/// The demo accounts (all with [`DEMO_PASSWORD`]).
pub const DEMO_ACCOUNTS: [DemoAccount; 6] = [
    DemoAccount {
        username: "operator-kanim-sampit",
        name: "Operator Kanim Sampit",
        role: Role::Operator,
        unit: Some("kanim-sampit"),
    },
    DemoAccount {
        username: "operator-lapas-sampit",
        name: "Operator Lapas Sampit",
        role: Role::Operator,
        unit: Some("lapas-sampit"),
    },
    DemoAccount {
        username: "operator-bapas-sampit",
        name: "Operator Bapas Sampit",
        role: Role::Operator,
        unit: Some("bapas-sampit"),
    },
    DemoAccount {
        username: "verifier-kalteng",
        name: "Tim Verifikasi Kanwil Kalimantan Tengah",
        role: Role::Verifier,
        unit: None,
    },
    DemoAccount {
        username: "evaluator",
        name: "Evaluator Pusat",
        role: Role::Evaluator,
        unit: None,
    },
    DemoAccount {
        username: "admin",
        name: "Administrator",
        role: Role::Admin,
        unit: None,
    },
];

/// What the demonstration data holds besides units, period and accounts.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    /// Each unit's signed declaration (pencanangan) for the period, uploaded
    /// by its operator: without them the demo starts one stage earlier, where
    /// every unit still has to upload its declaration before submitting.
    pub declarations: bool,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions { declarations: true }
    }
}

/// A one-page PDF of a unit head's declaration (pencanangan) for the demo:
/// a real PDF 1.4 file, its cross-reference offsets computed.
pub fn declaration_pdf(unit_name: &str, period: &str) -> Vec<u8> {
    // The text is kept to printable ASCII; PDF string delimiters are escaped.
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_graphic() || *c == ' ')
            .flat_map(|c| match c {
                '(' | ')' | '\\' => vec!['\\', c],
                other => vec![other],
            })
            .collect()
    };
    let lines = [
        "PERNYATAAN PENCANANGAN".to_owned(),
        "Pelayanan Publik Berbasis Hak Asasi Manusia (P2HAM)".to_owned(),
        format!("Unit: {}", clean(unit_name)),
        format!("Periode: {}", clean(period)),
        "Ditandatangani kepala unit dan para saksi (data contoh).".to_owned(),
    ];
    let mut stream = String::from("BT /F1 12 Tf 72 760 Td 16 TL\n");
    for l in &lines {
        let _ = writeln!(stream, "({l}) Tj T*");
    }
    stream.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}endstream", stream.len()),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        let _ = write!(pdf, "{} 0 obj\n{o}\nendobj\n", i + 1);
    }
    let xref = pdf.len();
    let _ = write!(pdf, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for off in offsets {
        let _ = writeln!(pdf, "{off:010} 00000 n ");
    }
    let _ = write!(
        pdf,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    pdf.into_bytes()
}

/// Load the demo data when the database has no user yet (with each unit's
/// signed declaration for the period); `false` when it already had users
/// (nothing is changed then).
pub async fn load_demo(state: &AppState) -> Result<bool, ServerError> {
    load_demo_with(state, DemoOptions::default()).await
}

/// [`load_demo`] with a choice of what it holds besides units, period and accounts.
pub async fn load_demo_with(state: &AppState, options: DemoOptions) -> Result<bool, ServerError> {
    let admin = state.admin();
    if admin.has_users().await? {
        return Ok(false);
    }
    for (file, text) in SAMPIT {
        let a = p2ham_io::document::parse_assessment(file, text.as_bytes())
            .map_err(|e| ServerError::Invalid(e.to_string()))?;
        admin
            .create_unit(&NewUnit {
                id: a.unit.id.clone(),
                name: a.unit.name.clone(),
                kind: a.unit.kind.clone(),
                office: a.unit.office.clone().unwrap_or_else(|| DEMO_OFFICE.to_owned()),
            })
            .await?;
    }
    admin
        .create_period(&NewPeriod {
            id: "2023".into(),
            year: 2023,
            instrument: "p2ham-2022".into(),
            self_opens: None,
            self_closes: None,
            verification_opens: None,
            verification_closes: None,
            previous: None,
        })
        .await?;
    for a in DEMO_ACCOUNTS {
        admin
            .create_user(&NewUser {
                username: a.username.into(),
                name: a.name.into(),
                role: a.role,
                unit: a.unit.map(Into::into),
                office: (a.role == Role::Verifier).then(|| DEMO_OFFICE.to_owned()),
                password: DEMO_PASSWORD.into(),
            })
            .await?;
    }
    if options.declarations {
        for a in DEMO_ACCOUNTS.iter().filter(|a| a.role == Role::Operator) {
            let Some(unit) = a.unit else { continue };
            let name = SAMPIT
                .iter()
                .filter_map(|(file, text)| p2ham_io::document::parse_assessment(file, text.as_bytes()).ok())
                .find(|d| d.unit.id == unit)
                .map_or_else(|| unit.to_owned(), |d| d.unit.name);
            let operator = crate::Actor {
                username: a.username.into(),
                name: a.name.into(),
                role: Role::Operator,
                unit: Some(unit.into()),
                office: None,
                credential: crate::Credential::default(),
            };
            let pdf = declaration_pdf(&name, "2023");
            let chunk: Result<axum::body::Bytes, std::convert::Infallible> = Ok(pdf.into());
            state
                .cases(&operator)
                .put_declaration(
                    "2023",
                    unit,
                    &format!("pencanangan-{unit}-2023.pdf"),
                    futures_util::stream::iter([chunk]),
                )
                .await
                .map_err(|e| ServerError::Invalid(e.to_string()))?;
        }
    }
    Ok(true)
}
