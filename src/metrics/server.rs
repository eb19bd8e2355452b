//! `GET /metrics` over HTTP/1.1 (hyper), on the engine's runtime.
//!
//! A scrape takes its [`Snapshot`] on the runtime (two short passes over
//! the registry under its lock, see [`Snapshot::take`]) and reads `/proc`
//! and renders on tokio's blocking pool, so the sessions' timers never
//! wait behind it. Anything but `GET /metrics` is answered 404 (another
//! path) or 405 (another method). A client gets [`HEADER_TIMEOUT`] to
//! send its request and [`CONNECTION_TIMEOUT`] for the whole exchange,
//! one request per connection, at most [`MAX_CONNECTIONS`] at once (more
//! are closed at once): a slow or garbage client costs a task and a
//! socket until then, and nothing else.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, ALLOW, CONTENT_TYPE as CONTENT_TYPE_HEADER};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::render::render;
use super::snapshot::{MetricsOptions, Snapshot};
use crate::driver::Engine;

/// The text exposition format's content type.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// How long a client may take to send its request's head.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// How long one connection may last, answer included.
pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(15);

/// Connections served at once.
pub const MAX_CONNECTIONS: usize = 16;

/// A bound metrics endpoint.
#[derive(Debug)]
pub struct MetricsServer {
    listener: TcpListener,
}

impl MetricsServer {
    /// Binds `addr` (port 0: any free port, see
    /// [`local_addr`](Self::local_addr)).
    pub async fn bind(addr: SocketAddr) -> io::Result<MetricsServer> {
        Ok(MetricsServer {
            listener: TcpListener::bind(addr).await?,
        })
    }

    /// The address bound.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Answers scrapes of `engine` (and what `options` adds) until the
    /// task is dropped.
    pub async fn serve(self, engine: Engine, options: MetricsOptions) {
        let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
        let shared = Arc::new((engine, options));
        loop {
            let stream = match self.listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // EMFILE and the like: wait rather than spin.
                    tracing::warn!("metrics endpoint: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let Ok(permit) = Arc::clone(&slots).try_acquire_owned() else {
                drop(stream);
                continue;
            };
            let shared = Arc::clone(&shared);
            tokio::spawn(async move {
                let service = service_fn(move |request| {
                    let shared = Arc::clone(&shared);
                    async move { Ok::<_, Infallible>(answer(&shared.0, &shared.1, &request).await) }
                });
                let connection = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_TIMEOUT)
                    .keep_alive(false)
                    .serve_connection(TokioIo::new(stream), service);
                // A client that errs or dawdles is dropped; nothing else
                // hears of it.
                let _ = tokio::time::timeout(CONNECTION_TIMEOUT, connection).await;
                drop(permit);
            });
        }
    }
}

fn plain(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *r.status_mut() = status;
    r
}

/// The answer to one request.
async fn answer(
    engine: &Engine,
    options: &MetricsOptions,
    request: &Request<Incoming>,
) -> Response<Full<Bytes>> {
    if request.uri().path() != "/metrics" {
        return plain(
            StatusCode::NOT_FOUND,
            "not found: metrics are at /metrics\n",
        );
    }
    if request.method() != Method::GET {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET\n");
        r.headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET"));
        return r;
    }
    let mut snapshot = Snapshot::take(engine, options).await;
    let rendered = tokio::task::spawn_blocking(move || {
        snapshot.read_process();
        render(&snapshot)
    })
    .await;
    let Ok(text) = rendered else {
        return plain(StatusCode::INTERNAL_SERVER_ERROR, "rendering failed\n");
    };
    let mut r = Response::new(Full::new(Bytes::from(text)));
    r.headers_mut()
        .insert(CONTENT_TYPE_HEADER, HeaderValue::from_static(CONTENT_TYPE));
    r
}
