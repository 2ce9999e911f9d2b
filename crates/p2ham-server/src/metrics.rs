//! The application's metrics, served at `GET /metrics` in the Prometheus
//! (OpenMetrics) text format: requests by route and status with their
//! latency, evidence files stored and their bytes, workflow transitions by
//! action, the database pool, and the audit log's length.
//!
//! Every figure is this process's own except the audit log's length, read
//! from the database at each scrape (so every instance of several reports the
//! same number). Routes are the router's templates
//! (`/api/v1/periods/{period}/units/{unit}/submit`), never the raw path, so
//! the number of series stays bounded whatever is requested.

use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// The route label of a request no route matched.
pub const UNMATCHED: &str = "(unmatched)";

/// The media type of the metrics document.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The upper bounds of the latency histogram's buckets, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ActionLabels {
    action: String,
}

/// The metrics of one running application.
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram>,
    uploads: Counter,
    upload_bytes: Counter,
    transitions: Family<ActionLabels, Counter>,
    pool_size: Gauge,
    pool_idle: Gauge,
    audit_entries: Counter,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Every metric registered, at zero.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("p2ham");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RequestLabels, Histogram>::new_with_constructor(
            (|| Histogram::new(LATENCY_BUCKETS)) as fn() -> Histogram,
        );
        let uploads = Counter::default();
        let upload_bytes = Counter::default();
        let transitions = Family::<ActionLabels, Counter>::default();
        let pool_size = Gauge::default();
        let pool_idle = Gauge::default();
        let audit_entries = Counter::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's arrival to its response's headers, by method, route template and status",
            latency.clone(),
        );
        registry.register(
            "evidence_files_stored",
            "Evidence files stored and recorded (multipart and resumable uploads)",
            uploads.clone(),
        );
        registry.register(
            "evidence_bytes_stored",
            "Bytes of the evidence files stored and recorded",
            upload_bytes.clone(),
        );
        registry.register(
            "workflow_transitions",
            "Workflow steps recorded, by action (put-self-assessment, submit, return, put-verification, evaluate, award)",
            transitions.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Connections the database pool holds now (in use and idle)",
            pool_size.clone(),
        );
        registry.register(
            "db_pool_idle_connections",
            "Idle connections of the database pool now",
            pool_idle.clone(),
        );
        registry.register(
            "audit_entries_appended",
            "Entries appended to the audit log (by every instance; read from the database at each scrape)",
            audit_entries.clone(),
        );
        Metrics {
            registry: Mutex::new(registry),
            requests,
            latency,
            uploads,
            upload_bytes,
            transitions,
            pool_size,
            pool_idle,
            audit_entries,
        }
    }

    /// Count an answered request.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        // Only the standard methods are labels of their own: a made-up
        // method sent by anyone must not add a series.
        let method = match method {
            "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" => method,
            _ => "OTHER",
        };
        let labels = RequestLabels {
            method: method.to_owned(),
            route: route.to_owned(),
            status,
        };
        self.requests.get_or_create(&labels).inc();
        self.latency.get_or_create(&labels).observe(seconds);
    }

    /// Count evidence files recorded, of `bytes` bytes in all.
    pub fn evidence_stored(&self, files: u64, bytes: u64) {
        self.uploads.inc_by(files);
        self.upload_bytes.inc_by(bytes);
    }

    /// Count a workflow step recorded.
    pub fn transition(&self, action: &str) {
        self.transitions
            .get_or_create(&ActionLabels {
                action: action.to_owned(),
            })
            .inc();
    }

    /// The document: the pool's figures and the audit log's length as of
    /// now, then every metric, in the OpenMetrics text format.
    pub fn render(&self, pool_size: u32, pool_idle: usize, audit_entries: u64) -> String {
        self.pool_size.set(i64::from(pool_size));
        self.pool_idle.set(i64::try_from(pool_idle).unwrap_or(i64::MAX));
        // The log only grows: the counter follows it.
        let known = self.audit_entries.get();
        if audit_entries > known {
            self.audit_entries.inc_by(audit_entries - known);
        }
        let mut out = String::new();
        let registry = self
            .registry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        prometheus_client::encoding::text::encode(&mut out, &registry)
            .expect("writing to a String does not fail");
        out
    }
}

/// Middleware (inside the router, on matched routes): remembers the matched
/// route's template in the response, for [`record`].
pub(crate) async fn remember_route(path: Option<MatchedPath>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if let Some(path) = path {
        res.extensions_mut().insert(path);
    }
    res
}

/// Middleware (around the router): counts each request by method, route
/// template and status, with its latency.
pub(crate) async fn record(State(state): State<crate::AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let res = next.run(req).await;
    let route = res
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str);
    state.metrics().request(
        method.as_str(),
        route,
        res.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_appear_in_the_text() {
        let m = Metrics::new();
        m.request("GET", "/api/v1/health", 200, 0.003);
        m.request("GET", "/api/v1/health", 200, 0.2);
        m.evidence_stored(2, 300);
        m.transition("submit");
        let text = m.render(4, 3, 17);
        assert!(text.contains(
            "p2ham_http_requests_total{method=\"GET\",route=\"/api/v1/health\",status=\"200\"} 2\n"
        ));
        assert!(text.contains(
            "p2ham_http_request_duration_seconds_bucket{le=\"0.005\",method=\"GET\",route=\"/api/v1/health\",status=\"200\"} 1\n"
        ), "{text}");
        assert!(text.contains("p2ham_evidence_files_stored_total 2\n"));
        assert!(text.contains("p2ham_evidence_bytes_stored_total 300\n"));
        assert!(text.contains("p2ham_workflow_transitions_total{action=\"submit\"} 1\n"));
        assert!(text.contains("p2ham_db_pool_connections 4\n"));
        assert!(text.contains("p2ham_db_pool_idle_connections 3\n"));
        assert!(text.contains("p2ham_audit_entries_appended_total 17\n"));
        assert!(text.ends_with("# EOF\n"));
        // The log's length read again, shorter or equal, leaves the counter where it was.
        assert!(m
            .render(4, 3, 5)
            .contains("p2ham_audit_entries_appended_total 17\n"));
    }
}
