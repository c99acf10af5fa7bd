//! One accepted connection: TLS when configured, then HTTP/1 with every bound a hostile
//! client needs: a deadline on the request's head and on idling between requests
//! (hyper's), deadlines on the answer's writes ([`Deadlines`]), a read buffer of a fixed
//! size, and a number of requests after which the connection is closed.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, header};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use super::deadline::{Deadlines, Limits};
use super::{HEADER_TIMEOUT, stopped};

/// A connection is closed after answering this many requests (`Connection: close` on the
/// last): pipelining more gets a client nothing but a new connection, which counts
/// against its share again. Prometheus, one scrape every 15 s, reconnects every 25 min.
pub const MAX_REQUESTS_PER_CONNECTION: usize = 100;

/// What hyper reads ahead of the request it answers, at most: a request's head fits
/// many times; a pipelining client's backlog waits in the kernel, not here.
const READ_BUFFER: usize = 64 * 1024;

/// The deadlines on what a connection sends.
pub(crate) const LIMITS: Limits = Limits {
    stall: std::time::Duration::from_secs(5),
    send: std::time::Duration::from_secs(30),
};

/// What one accepted connection needs.
pub(super) struct Connection {
    pub router: Router,
    pub tls: Option<TlsAcceptor>,
    pub stop: watch::Receiver<bool>,
}

impl Connection {
    /// Serves the connection until the client leaves, a bound ends it, or the server
    /// stops (then the request in flight is finished, if it can be).
    pub(super) async fn run(self, stream: TcpStream, peer: SocketAddr) {
        let stream = Deadlines::new(stream, LIMITS);
        match self.tls.clone() {
            None => self.http(TokioIo::new(stream), peer).await,
            Some(acceptor) => {
                match tokio::time::timeout(HEADER_TIMEOUT, acceptor.accept(stream)).await {
                    Ok(Ok(tls)) => self.http(TokioIo::new(tls), peer).await,
                    Ok(Err(e)) => tracing::info!(%peer, error = %e, "TLS handshake failed"),
                    Err(_) => tracing::info!(%peer, "TLS handshake timed out"),
                }
            }
        }
    }

    /// HTTP/1 on the connection, with a timer (hyper's header timeout needs one) and a
    /// graceful end when the server stops.
    async fn http<I>(mut self, io: TokioIo<I>, peer: SocketAddr)
    where
        I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let answered = AtomicUsize::new(0);
        let router = self.router.clone();
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let count = answered.fetch_add(1, Ordering::Relaxed) + 1;
            answer(router.clone(), request, peer, count)
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .max_buf_size(READ_BUFFER)
            // Queued writes: a shared page (`Bytes`) is written from where it is, never
            // copied into a buffer of each connection's.
            .writev(true);
        let connection = builder.serve_connection(io, service);
        tokio::pin!(connection);
        let ended = tokio::select! {
            ended = connection.as_mut() => ended,
            () = stopped(&mut self.stop) => {
                connection.as_mut().graceful_shutdown();
                connection.await
            }
        };
        if let Err(e) = ended {
            tracing::debug!(%peer, error = %e, "connection ended");
        }
    }
}

/// The router's answer to the `count`th request of a connection from `peer` (whom the
/// login's throttle counts failures against); the last one allowed closes it.
async fn answer(
    router: Router,
    mut request: Request<Incoming>,
    peer: SocketAddr,
    count: usize,
) -> Result<axum::response::Response, std::convert::Infallible> {
    request.extensions_mut().insert(ConnectInfo(peer));
    let mut response = router.oneshot(request.map(Body::new)).await?;
    if count >= MAX_REQUESTS_PER_CONNECTION {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(response)
}
