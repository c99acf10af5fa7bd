//! The certificate a cluster presents, noted as its connection's verifier accepts it:
//! what the dashboard, `ontop status` and the exporter show (when it expires, how it is
//! trusted).
//!
//! Noted at each full handshake, not read from each answer: a kept connection then holds
//! no copy of the certificate, and an answer costs no copy and no comparison.

use std::sync::{Arc, RwLock};

use jiff::Timestamp;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};

use super::certificate::{CertificateFacts, Checked, Fingerprint};
use crate::sync::ReadWrite;

/// One cluster's last accepted certificate, as facts.
#[derive(Debug)]
pub struct Presented {
    checked: Checked,
    facts: RwLock<Option<CertificateFacts>>,
}

impl Presented {
    /// Nothing presented yet, for certificates checked as `checked` says.
    pub(crate) fn new(checked: Checked) -> Self {
        Self {
            checked,
            facts: RwLock::new(None),
        }
    }

    /// The facts of the certificate last accepted, with its days left as of now; `None`
    /// before the first handshake (and over plain HTTP, which has none).
    pub fn facts(&self) -> Option<CertificateFacts> {
        let mut facts = self.facts.reading().clone()?;
        facts.days_left = facts.days_left_at(Timestamp::now());
        Some(facts)
    }

    /// Notes `der`, parsing it only when it is not the certificate already noted.
    fn note(&self, der: &[u8]) {
        let fingerprint = Fingerprint::of(der);
        let seen = self.facts.reading();
        if seen.as_ref().is_some_and(|f| f.fingerprint == fingerprint) {
            return;
        }
        drop(seen);
        if let Some(facts) = CertificateFacts::from_der(der, self.checked, Timestamp::now()) {
            *self.facts.writing() = Some(facts);
        }
    }
}

/// A cluster's verifier: `inner` decides, and what it accepts is noted in `presented`.
#[derive(Debug)]
pub(crate) struct Noting {
    pub(crate) inner: Arc<dyn ServerCertVerifier>,
    pub(crate) presented: Arc<Presented>,
}

impl ServerCertVerifier for Noting {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        self.presented.note(end_entity);
        Ok(verified)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }

    fn requires_raw_public_keys(&self) -> bool {
        self.inner.requires_raw_public_keys()
    }

    fn root_hint_subjects(&self) -> Option<&[DistinguishedName]> {
        self.inner.root_hint_subjects()
    }
}
