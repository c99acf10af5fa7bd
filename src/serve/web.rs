//! How `ontop serve` is reached: a basic-auth login in front of every route, and HTTPS
//! with a certificate of the operator's, both from `[serve]`. Plain HTTP on loopback with
//! no login is the default.

use std::io;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use ring::digest::{SHA256, digest};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use secrecy::{ExposeSecret, SecretString};
use tokio::net::TcpListener;
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
            .and_then(|h| h.strip_prefix("Basic "))
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

/// Serves `router` over TLS until `stop` resolves: each connection's handshake and
/// requests in a task of its own, so a slow client delays nobody else.
pub async fn serve_tls(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    router: Router,
    stop: impl Future<Output = ()>,
) -> io::Result<()> {
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // Out of descriptors or a connection reset before accept: keep serving.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => return Ok(()),
        };
        let acceptor = acceptor.clone();
        let service = TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let handshake = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream));
            let tls = match handshake.await {
                Ok(Ok(tls)) => tls,
                Ok(Err(e)) => {
                    tracing::info!(%peer, error = %e, "TLS handshake failed");
                    return;
                }
                Err(_) => return,
            };
            let http = hyper::server::conn::http1::Builder::new();
            let _ = http.serve_connection(TokioIo::new(tls), service).await;
        });
    }
}

/// A client that opens a connection and says nothing is dropped after this long.
const HANDSHAKE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

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
        assert!(!auth.accepts(Some(&header("prom:s3cre"))));
        assert!(!auth.accepts(Some(&header("other:s3cret"))));
        assert!(!auth.accepts(Some(&HeaderValue::from_static("Bearer x"))));
        assert!(!auth.accepts(None));
    }
}
