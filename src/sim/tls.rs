//! Certificates for the simulated fleet.
//!
//! Real clusters usually present self-signed certificates; the simulator stands
//! in with one throwaway CA per run (generated with rcgen) that signs a leaf per
//! cluster for `127.0.0.1` and `localhost`. Clients trust the run by loading
//! [`SimCa::pem`]; anything else must refuse the handshake.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

use super::SimError;

/// The run's certificate authority: it signs every cluster's leaf.
pub(crate) struct SimCa {
    pem: String,
    der: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
}

impl SimCa {
    /// Generates a fresh CA key and self-signed CA certificate.
    pub(crate) fn generate() -> Result<SimCa, SimError> {
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(tls_err)?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "ontop simulator CA");
        params
            .distinguished_name
            .push(DnType::OrganizationName, "ontop sim");
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().map_err(tls_err)?;
        let cert = params.self_signed(&key).map_err(tls_err)?;
        Ok(SimCa {
            pem: cert.pem(),
            der: cert.der().clone(),
            issuer: Issuer::new(params, key),
        })
    }

    /// The CA certificate in PEM, for clients' trust stores and the config's `ca_file`.
    pub(crate) fn pem(&self) -> &str {
        &self.pem
    }

    /// A TLS acceptor presenting a new leaf for `cluster` (SANs 127.0.0.1 and localhost).
    pub(crate) fn acceptor_for(&self, cluster: &str) -> Result<TlsAcceptor, SimError> {
        let mut params = CertificateParams::new(vec!["localhost".to_string()]).map_err(tls_err)?;
        params
            .subject_alt_names
            .push(SanType::IpAddress([127, 0, 0, 1].into()));
        params.distinguished_name.push(DnType::CommonName, cluster);
        let key = KeyPair::generate().map_err(tls_err)?;
        let cert = params.signed_by(&key, &self.issuer).map_err(tls_err)?;
        let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(tls_err)?
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone(), self.der.clone()], key_der)
        .map_err(tls_err)?;
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

/// A rustls client configuration that trusts only the given CA (or nothing at all).
///
/// Used by a simulated cluster when it fetches an `https://` package URL, and
/// handy for tests that talk to the fleet.
pub fn client_config(ca_pem: Option<&str>) -> Result<rustls::ClientConfig, SimError> {
    let mut roots = rustls::RootCertStore::empty();
    if let Some(pem) = ca_pem {
        for der in rustls::pki_types::pem::PemObject::pem_slice_iter(pem.as_bytes()) {
            roots.add(der.map_err(tls_err)?).map_err(tls_err)?;
        }
    }
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(tls_err)?
    .with_root_certificates(roots)
    .with_no_client_auth())
}

fn tls_err(e: impl std::fmt::Display) -> SimError {
    SimError::Tls(e.to_string())
}
