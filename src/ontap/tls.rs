//! How a client decides to trust a cluster's certificate.
//!
//! One rustls configuration per cluster, built here and handed to reqwest, so that the
//! trust rules are in one place: the system roots by default, only a given CA when
//! `ca_file` is set (never a silent fallback to the system roots), or nothing at all when
//! the operator explicitly says `insecure = true`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// Where trust in a cluster's certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsTrust {
    /// The operating system's trust store.
    System,
    /// Only the CA certificates in this PEM file.
    CaFile(PathBuf),
    /// Only these PEM CA certificates (the embedded demo fleet has no file).
    CaPem(Vec<u8>),
    /// No verification at all: the operator opted out, and the screen says so.
    Insecure,
}

/// The process-wide crypto provider: ring, so no C toolchain is needed for aws-lc.
pub fn crypto_provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    PROVIDER
        .get_or_init(|| {
            let provider = rustls::crypto::ring::default_provider();
            // Libraries that ask rustls for "the default" get the same one. Another part
            // of the process may have installed one first; that is fine.
            let _ = provider.clone().install_default();
            Arc::new(provider)
        })
        .clone()
}

/// Builds the rustls client configuration for one trust choice.
///
/// The error is a sentence naming the file and the fix, ready for the operator.
pub fn client_config(trust: &TlsTrust) -> Result<ClientConfig, String> {
    let provider = crypto_provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?;
    let config = match trust {
        TlsTrust::System => builder
            .dangerous()
            .with_custom_certificate_verifier(system_verifier()?)
            .with_no_client_auth(),
        TlsTrust::CaFile(path) => {
            let pem = std::fs::read(path).map_err(|e| {
                format!(
                    "ca_file {}: cannot read it ({e}); fix the path or the permissions",
                    path.display()
                )
            })?;
            let roots = root_store(&pem, Some(path))?;
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        TlsTrust::CaPem(pem) => {
            let roots = root_store(pem, None)?;
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        TlsTrust::Insecure => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
            .with_no_client_auth(),
    };
    Ok(config)
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

/// Parses every certificate of a PEM bundle into a root store; an empty or broken bundle
/// is an error, never "trust nothing" or "trust the system".
fn root_store(pem: &[u8], path: Option<&Path>) -> Result<RootCertStore, String> {
    let source = path.map_or_else(
        || "the CA PEM".to_string(),
        |p| format!("ca_file {}", p.display()),
    );
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pem) {
        let cert = cert.map_err(|e| format!("{source}: not valid PEM ({e:?}); it must hold one or more -----BEGIN CERTIFICATE----- blocks"))?;
        roots.add(cert).map_err(|e| {
            format!("{source}: a certificate in it cannot be used as a trust anchor ({e})")
        })?;
    }
    if roots.is_empty() {
        return Err(format!(
            "{source} holds no certificate; it must hold one or more -----BEGIN CERTIFICATE----- blocks"
        ));
    }
    Ok(roots)
}

/// `insecure = true`: any certificate is accepted, but the handshake signatures are
/// still checked so that a broken peer fails loudly instead of oddly.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
