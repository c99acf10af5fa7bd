//! How `ontop serve` is reached: a basic-auth login in front of every route, and HTTPS
//! with a certificate of the operator's, both from `[serve]`. Plain HTTP on loopback with
//! no login is the default.
//!
//! It listens on a network, so every client is taken for hostile: each holds a share of
//! the connections ([`peers`]), each connection has deadlines on what it reads and sends
//! and a number of requests ([`connection`], [`deadline`]), wrong logins make their
//! client wait ([`throttle`]), and stopping takes [`STOP_GRACE`] at most.

mod connection;
mod deadline;
mod peers;
mod throttle;

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use ring::digest::{SHA256, digest};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use secrecy::{ExposeSecret, SecretString};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use super::error::Why;
use connection::Connection;
pub use connection::MAX_REQUESTS_PER_CONNECTION;
use peers::Peers;
use throttle::{LoginThrottle, Verdict};

/// The one login `[serve]` allows, kept as the digest of `user:password` (compared in
/// constant time, so the answer's timing tells nothing of the password), and the wrong
/// logins of each client, which make it wait.
#[derive(Clone)]
pub(crate) struct BasicAuth {
    expected: Arc<[u8]>,
    throttle: Arc<LoginThrottle>,
}

impl BasicAuth {
    /// The login for `user` with `password`.
    pub(crate) fn new(user: &str, password: &SecretString) -> Self {
        let pair = format!("{user}:{}", password.expose_secret());
        let expected = digest(&SHA256, pair.as_bytes()).as_ref().into();
        Self {
            expected,
            throttle: Arc::new(LoginThrottle::new()),
        }
    }

    /// Sums up the refused logins in the log every minute, for as long as this login
    /// (a clone of it) is in use.
    pub(crate) fn report_refusals(&self) {
        let throttle = Arc::downgrade(&self.throttle);
        tokio::spawn(throttle::report_every(throttle, throttle::REPORT_EVERY));
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
/// `basic_auth` answer to; a client that got it wrong too often is refused unchecked
/// until its wait is over (429 with `Retry-After`).
pub(crate) async fn require_login(
    State(auth): State<BasicAuth>,
    request: Request,
    next: Next,
) -> Response {
    let given = request.headers().get(header::AUTHORIZATION);
    if given.is_some() {
        let client = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let now = tokio::time::Instant::now();
        if let Verdict::Wait(wait) = auth.throttle.verdict(client, now) {
            return wait_answer(wait);
        }
        if auth.accepts(given) {
            auth.throttle.succeeded(client);
            return next.run(request).await;
        }
        auth.throttle.failed(client, now);
    }
    let mut answer = (StatusCode::UNAUTHORIZED, "login required\n").into_response();
    answer.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"ontop\", charset=\"UTF-8\""),
    );
    answer
}

/// 429: too many wrong logins from this client; try again in `wait`.
fn wait_answer(wait: Duration) -> Response {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let text = format!("too many wrong logins from your address: try again in {secs} s\n");
    let mut answer = (StatusCode::TOO_MANY_REQUESTS, text).into_response();
    answer
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    answer
}

/// The most a certificate or key file may hold: far more than any real chain.
const PEM_CAP: u64 = 1 << 20;

/// A TLS acceptor from a PEM certificate chain and its private key; the error names the
/// file and what is wrong with it.
pub(crate) fn tls_acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, Why> {
    let read = |path: &Path| {
        crate::files::read_regular(path, PEM_CAP).map_err(|source| Why::Unreadable {
            path: path.to_path_buf(),
            source,
        })
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&read(cert)?)
        .collect::<Result<_, _>>()
        .map_err(|e| Why::NotPem {
            path: cert.to_path_buf(),
            reason: e.to_string(),
        })?;
    if chain.is_empty() {
        return Err(Why::NoCertificate {
            path: cert.to_path_buf(),
        });
    }
    let private = PrivateKeyDer::from_pem_slice(&read(key)?).map_err(|e| Why::NoKey {
        path: key.to_path_buf(),
        reason: e.to_string(),
    })?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(Why::Tls)?
    .with_no_client_auth()
    .with_single_cert(chain, private)
    .map_err(Why::Mismatch)?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// The most connections served at once: Prometheus keeps one, a few browsers a few
/// each. More wait in the kernel's backlog, so nobody can hold every descriptor the
/// pollers need.
pub(crate) const MAX_CONNECTIONS: usize = 128;

/// The most connections one client (an address, an IPv6 /64) holds at once; more are
/// closed as they come, so one host cannot take every slot.
pub(crate) const CONNECTIONS_PER_CLIENT: usize = 16;

/// A request's head must arrive within this, and an idle kept-alive connection is closed
/// after it: a client that trickles bytes or says nothing holds no connection for long.
pub(crate) const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long stopping waits for requests in flight before it drops them.
pub const STOP_GRACE: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` (over TLS with `tls`) until `stop` turns true, then lets
/// each connection finish its request in flight (for at most [`STOP_GRACE`]) and drops
/// the ones still open. Every wait of the accept loop (a free slot, a connection, a
/// pause after a failed accept) gives way to the stop.
pub(crate) async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    router: Router,
    mut stop: watch::Receiver<bool>,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let peers = Peers::new(CONNECTIONS_PER_CLIENT);
    let mut failing = AcceptFailures::default();
    let mut connections = JoinSet::new();
    loop {
        let slot = tokio::select! {
            biased;
            () = stopped(&mut stop) => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let accepted = tokio::select! {
            biased;
            () = stopped(&mut stop) => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => {
                failing.ended();
                pair
            }
            // Out of descriptors, or a connection reset before accept: pause (longer
            // each time, so no spinning) and keep serving.
            Err(e) => {
                let pause = failing.failed(&e);
                tokio::select! {
                    biased;
                    () = stopped(&mut stop) => break,
                    () = tokio::time::sleep(pause) => continue,
                }
            }
        };
        let Some(share) = peers.take(peer.ip()) else {
            tracing::debug!(%peer, "closed at once: its client holds {CONNECTIONS_PER_CLIENT} connections");
            continue;
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
            drop((slot, share));
        });
    }
    drop(listener);
    let drained = tokio::time::timeout(STOP_GRACE, async {
        while connections.join_next().await.is_some() {}
    });
    if drained.await.is_err() {
        tracing::warn!(
            connections = connections.len(),
            "connections still open after {STOP_GRACE:?}: dropped"
        );
        connections.abort_all();
        while connections.join_next().await.is_some() {}
    }
    Ok(())
}

/// Failed accepts in a row: the pause before the next try doubles from 10 ms to 1 s,
/// and the log says when they start and when they end, not each one.
#[derive(Debug, Default)]
struct AcceptFailures {
    in_a_row: u32,
}

impl AcceptFailures {
    /// The pause after one more failure.
    fn failed(&mut self, error: &io::Error) -> Duration {
        if self.in_a_row == 0 {
            tracing::warn!(%error, "accepting a connection failed; trying again after a pause");
        }
        let doublings = self.in_a_row.min(7);
        self.in_a_row = self.in_a_row.saturating_add(1);
        (Duration::from_millis(10) * (1 << doublings)).min(Duration::from_secs(1))
    }

    /// An accept worked.
    fn ended(&mut self) {
        if self.in_a_row > 0 {
            tracing::info!(
                "accepting connections again after {} failed tries",
                self.in_a_row
            );
            self.in_a_row = 0;
        }
    }
}

/// Resolves once the server is told to stop (or whoever could tell it is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// What `ontop serve` warns of when it listens on `addr`: off loopback, that anyone on
/// the network reads the fleet's state (no login), or that the login travels in clear
/// text (a login, no TLS).
pub(crate) fn exposure_warning(addr: SocketAddr, login: bool, tls: bool) -> Option<String> {
    if addr.ip().is_loopback() {
        return None;
    }
    if !login {
        return Some(format!(
            "listening on {addr} with no login: anyone on the network reads the fleet's state (cluster names, versions, download states and messages); set username and password_file in [serve] to ask for a login{}",
            if tls {
                ""
            } else {
                ", and tls_cert_file and tls_key_file so it is not sent in clear text"
            }
        ));
    }
    (!tls).then(|| format!(
        "listening on {addr} over plain HTTP: the [serve] login (username and password) travels in clear text, readable by anyone on the network path; set tls_cert_file and tls_key_file in [serve] to serve HTTPS"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_accepts_pause_longer_each_time_up_to_a_second() {
        let mut failing = AcceptFailures::default();
        let emfile = io::Error::from_raw_os_error(24);
        let pauses: Vec<u128> = (0..10)
            .map(|_| failing.failed(&emfile).as_millis())
            .collect();
        assert_eq!(pauses, [10, 20, 40, 80, 160, 320, 640, 1000, 1000, 1000]);
        failing.ended();
        assert_eq!(failing.failed(&emfile), Duration::from_millis(10));
    }

    #[test]
    fn the_warning_says_what_is_at_stake_off_loopback() {
        let open: SocketAddr = "0.0.0.0:9464".parse().unwrap();
        let local: SocketAddr = "127.0.0.1:9464".parse().unwrap();
        for (login, tls) in [(false, false), (true, false), (false, true), (true, true)] {
            assert_eq!(exposure_warning(local, login, tls), None);
        }
        let bare = exposure_warning(open, false, false).unwrap();
        assert!(
            bare.contains("anyone on the network reads the fleet's state"),
            "{bare}"
        );
        assert!(bare.contains("username and password_file"), "{bare}");
        let clear = exposure_warning(open, true, false).unwrap();
        assert!(
            clear.contains("login (username and password) travels in clear text"),
            "{clear}"
        );
        assert!(clear.contains("tls_cert_file and tls_key_file"), "{clear}");
        let no_login = exposure_warning(open, false, true).unwrap();
        assert!(
            no_login.contains("anyone on the network reads"),
            "{no_login}"
        );
        assert!(!no_login.contains("clear text"), "{no_login}");
        assert_eq!(exposure_warning(open, true, true), None);
    }

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
