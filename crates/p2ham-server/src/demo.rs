//! The demonstration data loaded on a fresh database by `p2ham serve` (unless
//! turned off): the three Sampit units of the bundled example, Kanwil
//! Kalimantan Tengah, the 2023 period on instrument `p2ham-2022`, and one
//! account per role.

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

/// Load the demo data when the database has no user yet; `false` when it
/// already had users (nothing is changed then).
pub async fn load_demo(state: &AppState) -> Result<bool, ServerError> {
    let admin = state.admin();
    if admin.has_users().await? {
        return Ok(false);
    }
    for (file, text) in SAMPIT {
        let a = p2ham_io::parse_assessment(file, text.as_bytes())
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
    Ok(true)
}
