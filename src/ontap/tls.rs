//! How a client decides to trust a cluster's certificate.
//!
//! One rustls configuration per cluster, built here and handed to reqwest, so that the
//! trust rules are in one place: the system roots by default; only a given `ca_file`
//! when set (a CA, or the cluster's own certificate; never a silent fallback to the
//! system roots); a pinned `fingerprint`; or nothing at all when the operator explicitly
//! says `insecure = true`. The checks themselves are in [`super::verify`].
//!
//! Each configuration also remembers its cluster's last TLS session ([`OneSession`]), so
//! that a reconnect (the cluster closed an idle connection, or the open-file budget
//! makes a poll connect anew) resumes it: no certificate sent or checked again, a
//! fraction of a full handshake's work on both sides.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rustls::client::danger::ServerCertVerifier;
use rustls::client::{
    ClientSessionStore, Resumption, Tls12ClientSessionValue, Tls13ClientSessionValue,
};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{CipherSuite, ClientConfig, NamedGroup};

use super::certificate::{CertificateDetails, Checked, Fingerprint};
use super::presented::{Noting, Presented};
use super::verify::{Check, ClusterVerifier};
use crate::sync::Lock;

/// Where trust in a cluster's certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TlsTrust {
    /// The operating system's trust store.
    System,
    /// Only the certificates in this PEM file: CAs, or the cluster's own certificate.
    CaFile(PathBuf),
    /// Only these PEM certificates (the embedded demo fleet has no file).
    CaPem(Vec<u8>),
    /// The cluster's certificate must hash to this, whoever issued it (`fingerprint`).
    Pinned(Fingerprint),
    /// No verification at all: the operator opted out, and the screen says so.
    Insecure,
}

/// The most a `ca_file` may hold: a bundle of a few hundred certificates.
pub(crate) const MAX_CA_FILE: u64 = 1024 * 1024;

/// The process-wide crypto provider: ring, so no C toolchain is needed for aws-lc.
///
/// Its suites are ring's, with AES-128-GCM-SHA256 asked for first (a server takes the
/// client's order unless told otherwise): it is the suite every TLS 1.3 server must
/// offer, and its key schedule hashes with SHA-256, which current CPUs compute in
/// hardware, where the default first choice (AES-256-GCM-SHA384) hashes with SHA-384 in
/// software. Every handshake of a sweep costs less on both sides.
pub fn crypto_provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    PROVIDER
        .get_or_init(|| {
            let mut provider = rustls::crypto::ring::default_provider();
            provider
                .cipher_suites
                .sort_by_key(|suite| suite.suite() != CipherSuite::TLS13_AES_128_GCM_SHA256);
            // Libraries that ask rustls for "the default" get the same one. Another part
            // of the process may have installed one first; that is fine.
            let _ = provider.clone().install_default();
            Arc::new(provider)
        })
        .clone()
}

/// Builds the rustls client configuration for one cluster's trust choice.
///
/// `server_name` (`tls_server_name`) is the name certificates are checked against
/// instead of the URL's host; `cluster` names the cluster in a "certificate changed"
/// error. The error is a sentence naming the file and the fix, ready for the operator.
///
/// Clusters that trust alike share the parts of one configuration, built once (a
/// `ca_file` is read and parsed once for a thousand clusters); a pin is each cluster's
/// own, and so are the session a reconnect resumes and the certificate it presented,
/// which comes back beside the configuration.
pub fn client_config(
    trust: &TlsTrust,
    server_name: Option<&str>,
    cluster: &str,
) -> Result<(ClientConfig, Arc<Presented>), String> {
    let (mut config, verifier) = shared_config(trust, server_name, cluster)?;
    config.resumption = Resumption::store(Arc::new(OneSession::default()));
    let presented = Arc::new(Presented::new(Checked::from(trust)));
    config
        .dangerous()
        .set_certificate_verifier(Arc::new(Noting {
            inner: verifier,
            presented: Arc::clone(&presented),
        }));
    Ok((config, presented))
}

/// A configuration and the verifier in it (rustls gives no way back to it).
type Shared = (ClientConfig, Arc<dyn ServerCertVerifier>);

/// The configuration for a trust choice, before its own session store.
fn shared_config(
    trust: &TlsTrust,
    server_name: Option<&str>,
    cluster: &str,
) -> Result<Shared, String> {
    if matches!(trust, TlsTrust::Pinned(_)) {
        return build_config(trust, server_name, cluster);
    }
    type Key = (TlsTrust, Option<String>);
    static SHARED: OnceLock<Mutex<HashMap<Key, Result<Shared, String>>>> = OnceLock::new();
    let shared = SHARED.get_or_init(Default::default);
    let mut shared = shared.locked();
    let key = (trust.clone(), server_name.map(str::to_string));
    shared
        .entry(key)
        // No cluster name inside: only a pin's refusal names the cluster.
        .or_insert_with(|| build_config(trust, server_name, ""))
        .clone()
}

fn build_config(
    trust: &TlsTrust,
    server_name: Option<&str>,
    cluster: &str,
) -> Result<Shared, String> {
    let verifier = verifier(trust, server_name, cluster)?;
    let config = ClientConfig::builder_with_provider(crypto_provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::clone(&verifier))
        .with_no_client_auth();
    Ok((config, verifier))
}

/// The last TLS session of one client's one cluster, for the next connection to resume.
///
/// rustls's own store is shared by every client of a configuration (clusters that trust
/// alike share one) and holds 32 servers, too few for a fleet; and it keeps up to eight
/// TLS 1.3 tickets a server, each with its own copy of the certificate chain. A cluster
/// needs only its newest ticket: one connection at a time, and each resumption brings
/// new tickets.
#[derive(Debug, Default)]
pub(crate) struct OneSession(Mutex<Option<Session>>);

/// What [`OneSession`] keeps, for the server it was given with.
#[derive(Debug)]
struct Session {
    server: ServerName<'static>,
    kx_hint: Option<NamedGroup>,
    tls12: Option<Tls12ClientSessionValue>,
    tls13: Option<Tls13ClientSessionValue>,
}

impl OneSession {
    /// Runs `f` on the session kept for `server`, starting a new one (the old one
    /// forgotten) when it was for another server.
    fn edit(&self, server: ServerName<'static>, f: impl FnOnce(&mut Session)) {
        let mut kept = self.0.locked();
        if kept.as_ref().is_none_or(|s| s.server != server) {
            *kept = Some(Session {
                server,
                kx_hint: None,
                tls12: None,
                tls13: None,
            });
        }
        if let Some(session) = kept.as_mut() {
            f(session);
        }
    }

    /// What `f` reads from the session kept for `server`, when there is one.
    fn read<T>(
        &self,
        server: &ServerName<'_>,
        f: impl FnOnce(&mut Session) -> Option<T>,
    ) -> Option<T> {
        let mut kept = self.0.locked();
        kept.as_mut().filter(|s| s.server == *server).and_then(f)
    }
}

impl ClientSessionStore for OneSession {
    fn set_kx_hint(&self, server: ServerName<'static>, group: NamedGroup) {
        self.edit(server, |s| s.kx_hint = Some(group));
    }

    fn kx_hint(&self, server: &ServerName<'_>) -> Option<NamedGroup> {
        self.read(server, |s| s.kx_hint)
    }

    fn set_tls12_session(&self, server: ServerName<'static>, value: Tls12ClientSessionValue) {
        self.edit(server, |s| s.tls12 = Some(value));
    }

    fn tls12_session(&self, server: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        self.read(server, |s| s.tls12.clone())
    }

    fn remove_tls12_session(&self, server: &ServerName<'static>) {
        self.read(server, |s| s.tls12.take());
    }

    fn insert_tls13_ticket(&self, server: ServerName<'static>, value: Tls13ClientSessionValue) {
        // The newest ticket only: a ticket is used once, and every resumption brings more.
        self.edit(server, |s| s.tls13 = Some(value));
    }

    fn take_tls13_ticket(&self, server: &ServerName<'static>) -> Option<Tls13ClientSessionValue> {
        self.read(server, |s| s.tls13.take())
    }
}

/// The verifier behind [`client_config`], also used by `ontop trust` to say whether the
/// current config accepts a certificate.
pub(crate) fn verifier(
    trust: &TlsTrust,
    server_name: Option<&str>,
    cluster: &str,
) -> Result<Arc<dyn ServerCertVerifier>, String> {
    let provider = crypto_provider();
    let check = match trust {
        TlsTrust::System => Check::System(system_verifier()?),
        TlsTrust::CaFile(path) => {
            let pem = crate::files::read_regular(path, MAX_CA_FILE).map_err(|e| {
                format!(
                    "ca_file {}: cannot read it ({e}); point it at a PEM file of certificates",
                    path.display()
                )
            })?;
            ClusterVerifier::listed(certificates(&pem, Some(path))?, &provider)
        }
        TlsTrust::CaPem(pem) => ClusterVerifier::listed(certificates(pem, None)?, &provider),
        TlsTrust::Pinned(fingerprint) => Check::Pin(*fingerprint),
        TlsTrust::Insecure => Check::Anything,
    };
    let server_name = server_name
        .map(|name| {
            ServerName::try_from(name.to_string()).map_err(|_| {
                format!("tls_server_name {name:?} is neither a DNS name nor an IP address")
            })
        })
        .transpose()?;
    Ok(Arc::new(ClusterVerifier::new(
        cluster,
        provider,
        check,
        server_name,
    )))
}

/// The operating system's verifier, loaded once per process: reading the system trust
/// store for each of hundreds of clusters cost more than all their TLS handshakes.
fn system_verifier() -> Result<Arc<dyn ServerCertVerifier>, String> {
    static SYSTEM: OnceLock<Result<Arc<dyn ServerCertVerifier>, String>> = OnceLock::new();
    SYSTEM
        .get_or_init(|| {
            rustls_platform_verifier::Verifier::new(crypto_provider())
                .map(|v| Arc::new(v) as Arc<dyn ServerCertVerifier>)
                .map_err(|e| format!("cannot load the system trust store: {e}"))
        })
        .clone()
}

/// Every certificate of a PEM bundle; an empty or broken bundle is an error, never
/// "trust nothing" or "trust the system".
fn certificates(pem: &[u8], path: Option<&Path>) -> Result<Vec<CertificateDer<'static>>, String> {
    let source = path.map_or_else(
        || "the CA PEM".to_string(),
        |p| format!("ca_file {}", p.display()),
    );
    let mut certificates = Vec::new();
    for cert in CertificateDer::pem_slice_iter(pem) {
        let cert = cert.map_err(|e| format!("{source}: not valid PEM ({e:?}); it must hold one or more -----BEGIN CERTIFICATE----- blocks"))?;
        if let Err(e) = CertificateDetails::parse(cert.as_ref()) {
            return Err(format!("{source}: a CERTIFICATE block in it is {e}"));
        }
        certificates.push(cert);
    }
    if certificates.is_empty() {
        return Err(format!(
            "{source} holds no certificate; it must hold one or more -----BEGIN CERTIFICATE----- blocks"
        ));
    }
    Ok(certificates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(provider: &CryptoProvider) -> Vec<u16> {
        let mut suites: Vec<u16> = provider
            .cipher_suites
            .iter()
            .map(|s| u16::from(s.suite()))
            .collect();
        suites.sort_unstable();
        suites
    }

    #[test]
    fn aes_128_gcm_sha256_is_asked_for_first_and_no_suite_is_dropped() {
        let ours = crypto_provider();
        assert_eq!(
            ours.cipher_suites[0].suite(),
            CipherSuite::TLS13_AES_128_GCM_SHA256
        );
        let ring = rustls::crypto::ring::default_provider();
        assert_eq!(sorted(&ours), sorted(&ring));
        // The rest keep ring's order: TLS 1.3 before TLS 1.2.
        let tls12 = |p: &CryptoProvider| {
            p.cipher_suites
                .iter()
                .position(|s| s.version() == &rustls::version::TLS12)
        };
        assert_eq!(tls12(&ours), tls12(&ring));
    }
}
