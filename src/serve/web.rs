//! How `ontop serve` is reached: a basic-auth login in front of every route, and HTTPS
//! with a certificate of the operator's, both from `[serve]`. Plain HTTP on loopback with
//! no login is the default.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use ring::digest::{SHA256, digest};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use secrecy::{ExposeSecret, SecretString};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

/// The one login `[serve]` allows, kept as the digest of `user:password` (compared in
/// constant time, so the answer's timing tells nothing of the password).
#[derive(Clone)]
pub struct BasicAuth {
    expected: Arc<[u8]>,
}

impl BasicAuth {
    /// The login for `user` with `password`.
    pub fn new(user: &str, password: &SecretString) -> Self {
        let pair = format!("{user}:{}", password.expose_secret());
        let expected = digest(&SHA256, pair.as_bytes()).as_ref().into();
        Self { expected }
    }

    /// Whether an `Authorization` header carries this login.
    fn accepts(&self, header: Option<&HeaderValue>) -> bool {
        let Some(encoded) = header
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
            .map(|(_, encoded)| encoded)
        else {
            return false;
        };
        let Ok(pair) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
            return false;
        };
        let given = digest(&SHA256, &pair);
        #[allow(deprecated)] // the constant-time compare ring keeps for this
        ring::constant_time::verify_slices_are_equal(given.as_ref(), &self.expected).is_ok()
    }
}

/// Refuses every request without the login, with the header browsers and Prometheus's
/// `basic_auth` answer to.
pub async fn require_login(
    State(auth): State<BasicAuth>,
    request: Request,
    next: Next,
) -> Response {
    if auth.accepts(request.headers().get(header::AUTHORIZATION)) {
        return next.run(request).await;
    }
    if request.headers().contains_key(header::AUTHORIZATION) {
        tracing::warn!(path = %request.uri().path(), "refused a login to ontop serve");
    }
    let mut answer = (StatusCode::UNAUTHORIZED, "login required\n").into_response();
    answer.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"ontop\", charset=\"UTF-8\""),
    );
    answer
}

/// The most a certificate or key file may hold: far more than any real chain.
const PEM_CAP: u64 = 1 << 20;

/// A TLS acceptor from a PEM certificate chain and its private key; the error names the
/// file and what is wrong with it.
pub fn tls_acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, String> {
    let read = |path: &Path| {
        crate::files::read_regular(path, PEM_CAP)
            .map_err(|e| format!("[serve] cannot read {}: {e}", path.display()))
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&read(cert)?)
        .collect::<Result<_, _>>()
        .map_err(|e| {
            format!(
                "[serve] tls_cert_file {}: not PEM certificates ({e})",
                cert.display()
            )
        })?;
    if chain.is_empty() {
        return Err(format!(
            "[serve] tls_cert_file {}: no certificate in it (expected -----BEGIN CERTIFICATE-----)",
            cert.display()
        ));
    }
    let private = PrivateKeyDer::from_pem_slice(&read(key)?).map_err(|e| {
        format!(
            "[serve] tls_key_file {}: no private key in it ({e})",
            key.display()
        )
    })?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| format!("[serve] TLS: {e}"))?
    .with_no_client_auth()
    .with_single_cert(chain, private)
    .map_err(|e| format!("[serve] the certificate and key do not go together: {e}"))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// The most connections served at once: Prometheus keeps one, a few browsers a few
/// each. More wait in the kernel's backlog, so nobody can hold every descriptor the
/// pollers need.
pub const MAX_CONNECTIONS: usize = 128;

/// A request's head must arrive within this, and an idle kept-alive connection is closed
/// after it: a client that trickles bytes or says nothing holds no connection for long.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long stopping waits for requests in flight before it drops them.
pub const STOP_GRACE: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` (over TLS with `tls`) until `stop` turns true, then lets
/// each connection finish its request in flight (for at most [`STOP_GRACE`]).
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    router: Router,
    mut stop: watch::Receiver<bool>,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut connections = JoinSet::new();
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            break;
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // Out of descriptors, or a connection reset before accept: keep serving.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = stopped(&mut stop) => break,
        };
        // Reap finished connections as we go, so the set holds only live ones.
        while connections.try_join_next().is_some() {}
        let connection = Connection {
            router: router.clone(),
            tls: tls.clone(),
            stop: stop.clone(),
        };
        connections.spawn(async move {
            connection.run(stream, peer).await;
            drop(slot);
        });
    }
    drop(listener);
    let drained = tokio::time::timeout(STOP_GRACE, async {
        while connections.join_next().await.is_some() {}
    });
    if drained.await.is_err() {
        tracing::warn!("requests still in flight after {STOP_GRACE:?}: dropped");
        connections.abort_all();
    }
    Ok(())
}

/// Resolves once the server is told to stop (or whoever could tell it is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// What one accepted connection needs.
struct Connection {
    router: Router,
    tls: Option<TlsAcceptor>,
    stop: watch::Receiver<bool>,
}

impl Connection {
    async fn run(self, stream: TcpStream, peer: SocketAddr) {
        match self.tls.clone() {
            None => self.http(TokioIo::new(stream)).await,
            Some(acceptor) => {
                match tokio::time::timeout(HEADER_TIMEOUT, acceptor.accept(stream)).await {
                    Ok(Ok(tls)) => self.http(TokioIo::new(tls)).await,
                    Ok(Err(e)) => tracing::info!(%peer, error = %e, "TLS handshake failed"),
                    Err(_) => tracing::info!(%peer, "TLS handshake timed out"),
                }
            }
        }
    }

    /// HTTP/1 on the connection, with a timer (hyper's header timeout needs one) and a
    /// graceful end when the server stops.
    async fn http<I>(mut self, io: TokioIo<I>)
    where
        I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let service = TowerToHyperService::new(self.router.clone());
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT);
        let connection = builder.serve_connection(io, service);
        tokio::pin!(connection);
        tokio::select! {
            _ = connection.as_mut() => {}
            () = stopped(&mut self.stop) => {
                connection.as_mut().graceful_shutdown();
                let _ = connection.await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_configured_login_passes() {
        let auth = BasicAuth::new("prom", &SecretString::from("s3cret"));
        let header = |pair: &str| {
            let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
            HeaderValue::from_str(&format!("Basic {encoded}")).unwrap()
        };
        assert!(auth.accepts(Some(&header("prom:s3cret"))));
        let lower = header("prom:s3cret")
            .to_str()
            .unwrap()
            .replacen("Basic", "basic", 1);
        assert!(auth.accepts(Some(&HeaderValue::from_str(&lower).unwrap())));
        assert!(!auth.accepts(Some(&header("prom:s3cre"))));
        assert!(!auth.accepts(Some(&header("other:s3cret"))));
        assert!(!auth.accepts(Some(&HeaderValue::from_static("Bearer x"))));
        assert!(!auth.accepts(None));
    }
}
