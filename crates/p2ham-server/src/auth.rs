//! Who is asking: passwords (argon2), session cookies with CSRF tokens, bearer
//! API tokens (stored as digests, scoped to a role), login rate limiting.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::types::{constant_time_eq, Role};
use crate::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "p2ham_session";
/// The header that carries the CSRF token of a session on requests that change something.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Hash a password with argon2id (the crate's defaults: OWASP's minimum).
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Check a password against its stored hash.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash of a random password, checked when the user does not exist so that a
/// wrong username takes as long as a wrong password.
pub(crate) fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| hash_password(&crate::types::random_hex(16)).expect("argon2 with default parameters"))
}

/// How a request was authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A session cookie; its CSRF token.
    Session {
        /// The session's CSRF token.
        csrf: String,
    },
    /// A bearer API token; its id.
    Token {
        /// The token's id.
        id: String,
    },
}

impl Default for Credential {
    /// A session whose CSRF token is not known (an actor read back from JSON).
    fn default() -> Self {
        Credential::Session { csrf: String::new() }
    }
}

/// The routes a metrics account may call: its session, its tokens, the metrics.
const METRICS_ROUTES: [&str; 4] = [
    "/api/v1/session",
    "/api/v1/tokens",
    "/api/v1/tokens/{id}",
    "/metrics",
];

/// The authenticated caller.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Actor {
    /// Username.
    pub username: String,
    /// Display name.
    pub name: String,
    /// The role this request acts in (a token's role).
    pub role: Role,
    /// An operator's unit.
    pub unit: Option<String>,
    /// A verifier's Kanwil (office).
    pub office: Option<String>,
    #[serde(skip, default)]
    #[schema(ignore)]
    /// How the request was authenticated (not part of the JSON).
    pub credential: Credential,
}

impl Actor {
    /// Refuse (403) unless the caller acts in one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(ApiError::forbidden(format!(
                "this needs the role {}; you act as {}",
                names.join(" or "),
                self.role.as_str()
            )))
        }
    }

    /// Whether the caller may see a unit (operators their own, verifiers
    /// their Kanwil's, evaluators and admins all).
    pub fn sees_unit(&self, unit_id: &str, unit_office: &str) -> bool {
        match self.role {
            Role::Operator => self.unit.as_deref() == Some(unit_id),
            Role::Verifier => self.office.as_deref() == Some(unit_office),
            Role::Evaluator | Role::Admin => true,
            Role::Metrics => false,
        }
    }

    /// For page handlers of forms: check a submitted CSRF token against the
    /// session's (bearer tokens need none).
    pub fn check_csrf(&self, submitted: Option<&str>) -> Result<(), ApiError> {
        match &self.credential {
            Credential::Token { .. } => Ok(()),
            Credential::Session { csrf } => match submitted {
                Some(s) if constant_time_eq(s, csrf) => Ok(()),
                Some(_) => Err(ApiError::new(StatusCode::FORBIDDEN, "csrf", "the CSRF token does not match this session")),
                None => Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    format!("a request that changes something needs the session's CSRF token in the `{CSRF_HEADER}` header"),
                )),
            },
        }
    }
}

/// The value of one cookie of a request.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let a = state
            .sessions()
            .authenticate(bearer, cookie(parts, SESSION_COOKIE))
            .await?;
        if a.role == Role::Metrics {
            let route = parts
                .extensions
                .get::<axum::extract::MatchedPath>()
                .map_or("", axum::extract::MatchedPath::as_str);
            let mount = crate::Mount::of(parts);
            let route = route.strip_prefix(mount.prefix()).unwrap_or(route);
            if !METRICS_ROUTES.contains(&route) {
                return Err(ApiError::forbidden(
                    "a metrics account reads only /metrics (and keeps its own session and tokens)",
                ));
            }
        }
        if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            let submitted = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            a.check_csrf(submitted)?;
        }
        Ok(a)
    }
}

/// The session cookie's value of a request, if it carries one.
#[derive(Debug, Clone)]
pub struct SessionSecret(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for SessionSecret {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(SessionSecret(cookie(parts, SESSION_COOKIE).map(str::to_owned)))
    }
}

/// The session cookie: `HttpOnly`, `SameSite=Strict`, on the application's path.
pub(crate) fn session_cookie(
    state: &AppState,
    mount: &crate::Mount,
    value: &str,
    max_age: i64,
) -> HeaderValue {
    let secure = if state.settings().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path={}; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}",
        mount.cookie_path()
    ))
    .expect("a cookie of hex digits on a plain path")
}
