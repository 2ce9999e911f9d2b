//! # p2ham-server
//!
//! The P2HAM application: each unit's operator uploads the self-assessment
//! and its evidence, the Kanwil's verifier returns it with comments or records
//! the verification, central evaluators evaluate and award; every step is
//! checked, recorded in a hash-chained audit log, and served as a JSON API
//! under `/api/v1` described by OpenAPI 3.1.
//!
//! The server holds no scoring, loading or rendering rules of its own: every
//! document is parsed, validated, scored and compared by [`p2ham_io`], and
//! every report is rendered by [`p2ham_report`]. Storage is SQLite (the embedded default) or PostgreSQL (for
//! several instances behind a load balancer) through one codebase and one set
//! of migrations; evidence files live in a content-addressed store.
//!
//! The entry points: [`AppState::open`] (the database and evidence store of
//! a [`Settings`]), [`router`] (the pages and the API as one
//! [`axum::Router`]), [`serve`] (bind and run), the typed service layer
//! ([`AppState::cases`], [`AppState::sessions`], [`AppState::directory`]:
//! every read and change as an acting user, with every access check), the
//! API's bodies ([`proto`]), [`Admin`] (users, units and periods from the
//! shell), [`load_demo`] and [`openapi_json`].
//!
//! Another Rust system mounts the application under a prefix of its own with
//! the [`axum`] this crate re-exports; links, redirects and cookies follow
//! the prefix:
//!
//! ```no_run
//! use p2ham_server::axum::{routing::get, Router};
//! # async fn run() -> Result<(), p2ham_server::ServerError> {
//! let settings = p2ham_server::Settings::new("./p2ham-data");
//! let state = p2ham_server::AppState::open(&settings).await?;
//! let app = Router::new()
//!     .route("/", get(|| async { "the host's own page" }))
//!     .nest("/p2ham", p2ham_server::router(state));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await.unwrap();
//! p2ham_server::axum::serve(listener, app).await.unwrap();
//! # Ok(()) }
//! ```
//!
//! A system in the same process calls the service as one of the
//! application's users, and gets typed results or a [`ServiceError`] whose
//! [`ErrorCode`] is stable:
//!
//! ```no_run
//! # async fn run(state: p2ham_server::AppState, actor: p2ham_server::Actor) {
//! match state.cases(&actor).submit("2023", "kanim-sampit").await {
//!     Ok(done) => assert_eq!(done.status, p2ham_server::Status::Submitted),
//!     Err(e) if e.code == p2ham_server::ErrorCode::EvidenceNotUploaded => {
//!         for d in &e.diagnostics {
//!             eprintln!("{}: {}", d.path, d.message);
//!         }
//!     }
//!     Err(e) => eprintln!("{e}"),
//! }
//! # }
//! ```
//!
//! The OpenAPI document is available without a server:
//!
//! ```
//! let doc = p2ham_server::openapi_json();
//! assert!(doc.contains("\"openapi\": \"3.1.0\""));
//! assert!(doc.contains("/api/v1/periods/{period}/units/{unit}/submit"));
//! ```

mod admin;
mod api;
mod audit;
mod auth;
mod backup;
mod db;
mod demo;
mod error;
mod limits;
mod listen;
pub mod metrics;
mod mount;
mod pages;
pub mod proto;
pub mod service;
mod store;
mod types;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

pub use admin::{Admin, NewPeriod, NewUnit, NewUser, UserProfile};
pub use api::{openapi, openapi_json};
pub use audit::{AuditEntry, AuditVerification};
pub use auth::{
    hash_password, verify_password, Actor, Credential, SessionSecret, CSRF_HEADER, SESSION_COOKIE,
};
pub use backup::{backup, check_backup, restore, BackupError};
pub use db::{Backend, Db};
pub use demo::{declaration_pdf, load_demo, load_demo_with, DemoAccount, DemoOptions, DEMO_ACCOUNTS};
/// The demonstration data.
pub mod demo_data {
    pub use crate::demo::{DEMO_OFFICE, DEMO_PASSWORD};
}
/// The axum this crate is built on: mount [`router`] with it.
pub use axum;
pub use error::{ApiError, DiagnosticBody, ErrorBody, ServerError};
pub use listen::Peer;
pub use mount::Mount;
pub use service::{ErrorCode, ServiceError};
pub use store::{EvidenceStore, EvidenceType, GetError, PutError, Stored};
pub use types::{Role, Status};

/// How the application runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The data folder: the SQLite database (unless `database` is set) and the evidence store.
    pub data_dir: PathBuf,
    /// A database URL (`postgres://…` or `sqlite:…`); the SQLite file in `data_dir` when `None`.
    pub database: Option<String>,
    /// The evidence store's folder; `data_dir/evidence` when `None`.
    pub evidence_dir: Option<PathBuf>,
    /// The largest evidence file accepted, in bytes (413 beyond).
    pub max_evidence_bytes: u64,
    /// The largest assessment document accepted, in bytes (413 beyond).
    pub max_document_bytes: usize,
    /// Mark session cookies `Secure` (behind TLS).
    pub secure_cookies: bool,
    /// How long a session lasts, in seconds.
    pub session_seconds: i64,
    /// Failed logins (and password checks) allowed per minute for one
    /// username from one address; ten times as many from one address.
    pub login_attempts_per_minute: u32,
    /// The path [`serve`] mounts the application under (`/p2ham`); empty for the root.
    pub base_path: String,
    /// A client has this long to send a request's headers (the connection is closed otherwise).
    pub header_timeout: std::time::Duration,
    /// A request body that sends nothing for this long is cut off (408).
    pub body_idle_timeout: std::time::Duration,
    /// After `body_rate_grace`, a request body must arrive at this many
    /// bytes per second on average (a trickle is cut off, 408).
    pub min_body_rate: u64,
    /// How long a request body may take before `min_body_rate` applies.
    pub body_rate_grace: std::time::Duration,
    /// A request that takes longer than this as a whole is cut off (408).
    pub request_timeout: std::time::Duration,
    /// The most evidence files one upload request may carry.
    pub max_files_per_request: usize,
    /// The largest upload request as a whole (every file of it), in bytes.
    pub max_upload_request_bytes: u64,
}

impl Settings {
    /// The defaults, with everything under `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Settings {
        Settings {
            data_dir: data_dir.into(),
            database: None,
            evidence_dir: None,
            max_evidence_bytes: 20 * 1024 * 1024,
            max_document_bytes: 4 * 1024 * 1024,
            secure_cookies: false,
            session_seconds: 12 * 3600,
            login_attempts_per_minute: 10,
            base_path: String::new(),
            header_timeout: listen::HEADER_TIMEOUT,
            body_idle_timeout: std::time::Duration::from_secs(30),
            request_timeout: std::time::Duration::from_secs(600),
            min_body_rate: 512,
            body_rate_grace: std::time::Duration::from_secs(30),
            max_files_per_request: 64,
            max_upload_request_bytes: 48 * 1024 * 1024,
        }
    }

    /// The database URL in use.
    pub fn database_url(&self) -> String {
        self.database
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", self.data_dir.join("p2ham.db").display()))
    }

    /// The evidence store's folder in use.
    pub fn evidence_path(&self) -> PathBuf {
        self.evidence_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("evidence"))
    }
}

/// Everything a request handler needs: the database, the evidence store, the settings.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    db: Db,
    store: EvidenceStore,
    settings: Settings,
    limits: limits::Limits,
    metrics: metrics::Metrics,
    instruments: RwLock<HashMap<String, Arc<p2ham_io::document::LoadedInstrument>>>,
    public: service::PublicCache,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("settings", &self.0.settings)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Open the data folder (creating it), connect to the database, apply its
    /// migrations (refusing a newer database) and register the built-in instruments.
    pub async fn open(settings: &Settings) -> Result<AppState, ServerError> {
        if Mount::new(&settings.base_path).is_none() {
            return Err(ServerError::Invalid(format!(
                "base path `{}`: use a plain path such as /p2ham (letters, digits, `-._~/`)",
                settings.base_path
            )));
        }
        std::fs::create_dir_all(&settings.data_dir).map_err(|source| ServerError::Io {
            path: settings.data_dir.display().to_string(),
            source,
        })?;
        let db = Db::connect(&settings.database_url()).await?;
        let store = EvidenceStore::open(&settings.evidence_path())?;
        let state = AppState(Arc::new(Inner {
            db,
            store,
            settings: settings.clone(),
            limits: limits::Limits::new(settings.login_attempts_per_minute),
            metrics: metrics::Metrics::new(),
            instruments: RwLock::new(HashMap::new()),
            public: service::PublicCache::default(),
        }));
        state.admin().register_builtins().await?;
        Ok(state)
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.0.db
    }

    /// The evidence store.
    pub fn store(&self) -> &EvidenceStore {
        &self.0.store
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }

    /// Administrative operations (as the command line's `p2ham admin`).
    pub fn admin(&self) -> Admin<'_> {
        Admin::new(self)
    }

    /// This instance's copy of the public record.
    pub(crate) fn public_cache(&self) -> &service::PublicCache {
        &self.0.public
    }

    /// The limits on guessing passwords.
    pub(crate) fn limits(&self) -> &limits::Limits {
        &self.0.limits
    }

    /// The instrument stored under a digest, validated (cached after the first use).
    pub async fn instrument(
        &self,
        sha256: &str,
    ) -> Result<Arc<p2ham_io::document::LoadedInstrument>, ServerError> {
        if let Some(i) = self.0.instruments.read().expect("instrument cache").get(sha256) {
            return Ok(Arc::clone(i));
        }
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT body, toml FROM instruments WHERE sha256 = $1")
                .bind(sha256)
                .fetch_optional(self.db().pool())
                .await?;
        let (body, toml) =
            row.ok_or_else(|| ServerError::Invalid(format!("no instrument with digest {sha256}")))?;
        let loaded = p2ham_io::document::instrument_from_bytes(
            &format!("instrument sha256:{sha256}"),
            body.as_bytes(),
            toml != 0,
        )
        .map_err(|e| ServerError::Invalid(e.to_string()))?;
        let loaded = Arc::new(loaded);
        self.0
            .instruments
            .write()
            .expect("instrument cache")
            .insert(sha256.to_owned(), Arc::clone(&loaded));
        Ok(loaded)
    }
}

/// The application's router: the pages and the API under `/api/v1`; JSON
/// errors for unknown routes. It serves at the root of wherever it is
/// mounted: another axum application mounts it with `Router::nest("/p2ham",
/// router(state))`, and its pages, redirects, form actions, cookies and
/// OpenAPI `servers` follow the prefix.
pub fn router(state: AppState) -> axum::Router {
    use axum::http::{header, HeaderValue};
    use tower_http::compression::Predicate as _;
    use tower_http::set_header::SetResponseHeaderLayer;
    let hsts = state
        .settings()
        .secure_cookies
        .then(|| HeaderValue::from_static("max-age=31536000"));
    let limits = state.settings().clone();
    api::routes()
        .merge(pages::routes())
        .merge(api::schemas::routes())
        // Each matched route's template goes with its response, for the metrics.
        .route_layer(axum::middleware::from_fn(metrics::remember_route))
        .fallback(|| async { ApiError::not_found("no such route") })
        // A body that stops sending, trickles, or a request that takes too long as a whole, is cut off.
        .layer(axum::middleware::map_request(
            move |req: axum::extract::Request| {
                let (rate, grace) = (limits.min_body_rate, limits.body_rate_grace);
                async move { req.map(|body| axum::body::Body::new(listen::MinRate::new(body, grace, rate))) }
            },
        ))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            limits.body_idle_timeout,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        // Every error of the router, its extractors and its limits in the API's JSON error shape.
        .layer(axum::middleware::from_fn(error::json_errors))
        // Every request counted by route template and status, with its latency.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        // Pages, styles, scripts and JSON compressed for a weak signal (gzip or brotli, as the browser
        // accepts); photos and spreadsheets are compressed already.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .gzip(true)
                .br(true)
                .compress_when(
                    tower_http::compression::predicate::SizeAbove::new(512)
                        .and(tower_http::compression::predicate::NotForContentType::IMAGES)
                        .and(tower_http::compression::predicate::NotForContentType::new(
                            service::XLSX,
                        ))
                        .and(tower_http::compression::predicate::NotForContentType::const_new(
                            "application/pdf",
                        )),
                ),
        )
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // No inline script anywhere (the pages' one script is a file); no framing.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // Nothing behind a login is kept by a cache unless a route says otherwise.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &axum::response::Response| hsts.clone(),
        ))
        .with_state(state)
}

/// The Content-Security-Policy of every response: scripts, styles, images and
/// forms from the application only (inline styles of the report layer's
/// HTML allowed, inline scripts not), no plugins, no framing.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Serve the application on a bound listener until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mount = Mount::new(&state.settings().base_path).unwrap_or_default();
    let app = if mount.prefix().is_empty() {
        router(state.clone())
    } else {
        // The root and the prefix with a slash lead to the application's start.
        let start = mount.prefix().to_owned();
        let to_start = move || {
            let start = start.clone();
            async move { axum::response::Redirect::to(&start) }
        };
        axum::Router::new()
            .route("/", axum::routing::get(to_start.clone()))
            .route(&format!("{}/", mount.prefix()), axum::routing::get(to_start))
            .nest(mount.prefix(), router(state.clone()))
    };
    let result = listen::run(listener, app, state.settings().header_timeout, shutdown).await;
    state.db().close().await;
    result
}

/// The data folder's default location.
pub fn default_data_dir() -> &'static Path {
    Path::new("p2ham-data")
}
