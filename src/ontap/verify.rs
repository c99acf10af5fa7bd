//! The certificate check every HTTPS connection to a cluster goes through.
//!
//! One [`ClusterVerifier`] per trust choice, shared by the clusters that trust alike (a
//! pin is each cluster's own; each cluster sees it through a
//! [`Noting`](super::presented::Noting), which keeps the certificate it accepted):
//! - a pin (`fingerprint`): the end-entity certificate must hash to it, and nothing else
//!   is asked of it (issuer, names and expiry are shown, not enforced: SSH host keys);
//! - a `ca_file`: a certificate in it that is byte-for-byte the one presented is trusted
//!   as it is (ONTAP's own self-signed certificate, which rustls would refuse as
//!   `CaUsedAsEndEntity`), after the name and validity checks; anything else must chain
//!   to a CA in the file, as webpki checks it;
//! - the system trust store, or nothing at all with `insecure = true`.
//!
//! `tls_server_name` replaces the URL's host in every name check, for clusters reached
//! by an address their certificate does not name. Whatever the choice, the handshake
//! signatures are verified with the provider's algorithms: the server must hold the key
//! of the certificate it shows.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{WebPkiServerVerifier, verify_server_name};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, DigitallySignedStruct, OtherError, RootCertStore, SignatureScheme};

use super::certificate::{CertificateDetails, Fingerprint};

/// A pinned cluster presented another certificate. Never accepted: the operator decides
/// whether it is a planned renewal or someone in the middle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the cluster's certificate CHANGED since it was pinned: pinned {pinned}, presented \
     {presented}. It is refused until you check with the storage team that the new one is \
     expected (security certificate show on the cluster), then re-run `ontop trust {cluster} --write`"
)]
pub(crate) struct CertificateChanged {
    /// The configured cluster name.
    pub cluster: String,
    /// The fingerprint in the config.
    pub pinned: Fingerprint,
    /// The fingerprint of the certificate the cluster presented.
    pub presented: Fingerprint,
}

/// How one cluster's certificate is checked.
#[derive(Debug)]
pub(crate) enum Check {
    /// The end-entity certificate must hash to this.
    Pin(Fingerprint),
    /// `insecure = true`: any certificate (signatures are still checked).
    Anything,
    /// The operating system's verifier.
    System(Arc<dyn ServerCertVerifier>),
    /// A `ca_file` (or the demo's CA PEM): exact certificates, and CAs to chain to.
    Listed {
        /// Every certificate of the file, trusted as itself when presented as is.
        exact: Vec<CertificateDer<'static>>,
        /// The certificates that can be trust anchors; `None` when none of them can.
        chain: Option<Arc<WebPkiServerVerifier>>,
    },
}

/// The verifier of one cluster's connections; see the module docs.
#[derive(Debug)]
pub(crate) struct ClusterVerifier {
    cluster: String,
    provider: Arc<CryptoProvider>,
    check: Check,
    /// `tls_server_name`: checked instead of the URL's host.
    server_name: Option<ServerName<'static>>,
}

impl ClusterVerifier {
    pub(crate) fn new(
        cluster: &str,
        provider: Arc<CryptoProvider>,
        check: Check,
        server_name: Option<ServerName<'static>>,
    ) -> Self {
        Self {
            cluster: cluster.to_string(),
            provider,
            check,
            server_name,
        }
    }

    /// The verifier for the certificates of a PEM bundle: every certificate is trusted
    /// as itself, and those that can be trust anchors also as CAs.
    pub(crate) fn listed(
        certificates: Vec<CertificateDer<'static>>,
        provider: &Arc<CryptoProvider>,
    ) -> Check {
        let mut roots = RootCertStore::empty();
        for cert in &certificates {
            // A certificate webpki cannot use as an anchor may still be a cluster's own.
            let _ = roots.add(cert.clone());
        }
        let chain = (!roots.is_empty())
            .then(|| {
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .ok()
            })
            .flatten();
        Check::Listed {
            exact: certificates,
            chain,
        }
    }
}

impl ServerCertVerifier for ClusterVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let name = self.server_name.as_ref().unwrap_or(server_name);
        match &self.check {
            Check::Pin(pinned) => {
                let presented = Fingerprint::of(end_entity);
                if presented == *pinned {
                    return Ok(ServerCertVerified::assertion());
                }
                let changed = CertificateChanged {
                    cluster: self.cluster.clone(),
                    pinned: *pinned,
                    presented,
                };
                Err(rustls::Error::InvalidCertificate(CertificateError::Other(
                    OtherError(Arc::new(changed)),
                )))
            }
            Check::Anything => Ok(ServerCertVerified::assertion()),
            Check::System(verifier) => {
                verifier.verify_server_cert(end_entity, intermediates, name, ocsp_response, now)
            }
            Check::Listed { exact, chain } => {
                if exact.iter().any(|c| c.as_ref() == end_entity.as_ref()) {
                    verify_as_itself(end_entity, name, now)?;
                    return Ok(ServerCertVerified::assertion());
                }
                match chain {
                    Some(chain) => chain.verify_server_cert(
                        end_entity,
                        intermediates,
                        name,
                        ocsp_response,
                        now,
                    ),
                    None => Err(CertificateError::UnknownIssuer.into()),
                }
            }
        }
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
            &self.provider.signature_verification_algorithms,
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
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A certificate trusted byte for byte still has to name the cluster and be within its
/// validity period: the file vouches for the certificate, not for every use of it.
fn verify_as_itself(
    end_entity: &CertificateDer<'_>,
    name: &ServerName<'_>,
    now: UnixTime,
) -> Result<(), rustls::Error> {
    let parsed = ParsedCertificate::try_from(end_entity)?;
    verify_server_name(&parsed, name)?;
    let details = CertificateDetails::parse(end_entity.as_ref())
        .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadEncoding))?;
    let now_secs = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    let unix = |t: jiff::Timestamp| {
        UnixTime::since_unix_epoch(std::time::Duration::from_secs(
            u64::try_from(t.as_second()).unwrap_or(0),
        ))
    };
    if now_secs > details.not_after.as_second() {
        return Err(CertificateError::ExpiredContext {
            time: now,
            not_after: unix(details.not_after),
        }
        .into());
    }
    if now_secs < details.not_before.as_second() {
        return Err(CertificateError::NotValidYetContext {
            time: now,
            not_before: unix(details.not_before),
        }
        .into());
    }
    Ok(())
}
