//! Serving connections: HTTP/1.1 with a deadline for a request's headers, the
//! peer's address on every request (for the login limits), and a graceful
//! stop that lets requests in flight finish.
//!
//! `axum::serve` sets no timer, so a client that opens a connection and
//! sends its headers one byte a minute would hold it for ever; here the
//! headers must arrive within [`crate::Settings::header_timeout`]. Slow bodies are cut by the
//! router's own layers (see [`crate::router`]).

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tower::ServiceExt;

/// How long a client has to send a request's headers, by default.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long requests in flight may take to finish after the stop is asked for.
const DRAIN: Duration = Duration::from_secs(30);

/// Accept connections on `listener` and serve `app` on each (headers within
/// `header_timeout`) until `shutdown`
/// completes; then stop accepting and let open requests finish (at most 30 s).
pub(crate) async fn run(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    header_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = app.clone().map_request(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        });
        let service = TowerToHyperService::new(service);
        let conn = http.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!("connection from {peer}: {e}");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still open after {DRAIN:?}; stopping anyway");
    }
    Ok(())
}

/// The address a request came from, when the server knows it
/// (`ConnectInfo`, set by [`crate::serve`]; a host application may set it too).
#[derive(Debug, Clone, Copy, Default)]
pub struct Peer(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(a)| a.ip()),
        ))
    }
}

/// A request body that must keep up a minimum average rate once a grace
/// period has passed: a client trickling a byte now and then (never idle long
/// enough for the idle timeout) is cut off instead of holding the connection.
pub(crate) struct MinRate {
    inner: axum::body::Body,
    started: std::time::Instant,
    received: u64,
    grace: Duration,
    bytes_per_second: u64,
}

/// A body that arrived slower than the minimum rate.
#[derive(Debug, thiserror::Error)]
#[error("the request's body arrives slower than {0} bytes per second")]
pub(crate) struct TooSlow(pub u64);

impl MinRate {
    /// Wrap `inner`: after `grace`, at least `bytes_per_second` on average.
    pub(crate) fn new(inner: axum::body::Body, grace: Duration, bytes_per_second: u64) -> MinRate {
        MinRate {
            inner,
            started: std::time::Instant::now(),
            received: 0,
            grace,
            bytes_per_second,
        }
    }
}

impl hyper::body::Body for MinRate {
    type Data = axum::body::Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        let polled = std::pin::Pin::new(&mut self.inner).poll_frame(cx);
        if let std::task::Poll::Ready(Some(Ok(frame))) = &polled {
            if let Some(data) = frame.data_ref() {
                self.received = self.received.saturating_add(data.len() as u64);
            }
            let elapsed = self.started.elapsed();
            if elapsed > self.grace {
                let expected = u128::from(self.bytes_per_second) * elapsed.as_millis() / 1000;
                if u128::from(self.received) < expected {
                    return std::task::Poll::Ready(Some(Err(Box::new(TooSlow(self.bytes_per_second)))));
                }
            }
        }
        polled.map_err(Into::into)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}
