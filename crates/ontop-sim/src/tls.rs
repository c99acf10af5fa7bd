//! Certificates for the simulated fleet.
//!
//! Three styles ([`CertStyle`]): by default one throwaway CA per run (generated with
//! rcgen) signs a leaf per cluster for `127.0.0.1` and `localhost`, and clients trust
//! the run by loading [`SimCerts::ca_pem`]. `self-signed` gives each cluster its own
//! self-signed certificate, as ONTAP does out of the box, so that `ca_file` with a
//! cluster's own certificate and fingerprint pinning can be tried. `expiring` is the
//! CA style with leaves that expire in ten days. A cluster's certificate can be issued
//! anew at any time, to play a renewal (or an impostor) under a pin.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use jiff::{Span, Timestamp, tz::TimeZone};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use rustls::ServerConfig;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::ServerSessionMemoryCache;

use super::SimError;

/// The names every simulated cluster's certificate holds by default.
pub(crate) const DEFAULT_NAMES: &[&str] = &["localhost", "127.0.0.1"];
/// Days an `expiring` leaf has left when issued.
const EXPIRING_DAYS: i64 = 10;
/// Days any other leaf is valid (ONTAP's self-signed default is a year).
const LEAF_DAYS: i64 = 365;

/// What certificates the simulated clusters present.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CertStyle {
    /// A CA generated for the run signs each cluster's leaf.
    #[default]
    Ca,
    /// Each cluster presents its own self-signed certificate, like ONTAP's default.
    SelfSigned,
    /// Like `Ca`, but every leaf expires ten days after it is issued.
    Expiring,
}

/// The words `--cert-style` takes.
pub const CERT_STYLES: &[&str] = &["ca", "self-signed", "expiring"];

impl CertStyle {
    /// The word for this style, as `--cert-style` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ca => "ca",
            Self::SelfSigned => "self-signed",
            Self::Expiring => "expiring",
        }
    }
}

impl fmt::Display for CertStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CertStyle {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "ca" => Ok(Self::Ca),
            "self-signed" | "selfsigned" | "self_signed" => Ok(Self::SelfSigned),
            "expiring" => Ok(Self::Expiring),
            _ => Err(format!(
                "unknown certificate style {s:?}; use one of: {}",
                CERT_STYLES.join(", ")
            )),
        }
    }
}

/// A cluster's certificate: its PEM (for configs and tests) and the server configuration
/// presenting it.
pub(crate) struct Leaf {
    pub(crate) pem: String,
    pub(crate) config: Arc<ServerConfig>,
}

/// TLS sessions a cluster remembers for resumption: a client or two per cluster, so a
/// few suffice (rustls's default of 256 costs some 30 KiB a cluster, 300 MiB a fleet of
/// ten thousand).
const SESSIONS: usize = 8;

/// The run's certificate maker: the style, the CA when the style has one, and the one
/// crypto provider every cluster's configuration shares.
pub(crate) struct SimCerts {
    style: CertStyle,
    ca: Option<SimCa>,
    provider: Arc<CryptoProvider>,
}

impl SimCerts {
    /// Generates the CA the style needs (none for `self-signed`).
    pub(crate) fn generate(style: CertStyle) -> Result<SimCerts, SimError> {
        let ca = match style {
            CertStyle::Ca | CertStyle::Expiring => Some(SimCa::generate()?),
            CertStyle::SelfSigned => None,
        };
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        Ok(SimCerts {
            style,
            ca,
            provider,
        })
    }

    /// The style the certificates are made in.
    pub(crate) fn style(&self) -> CertStyle {
        self.style
    }

    /// The CA certificate in PEM, when the style has a CA.
    pub(crate) fn ca_pem(&self) -> Option<&str> {
        self.ca.as_ref().map(|ca| ca.pem.as_str())
    }

    /// A new key and certificate for `cluster`, naming `names` (DNS names or IPs).
    pub(crate) fn leaf_for(&self, cluster: &str, names: &[&str]) -> Result<Leaf, SimError> {
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(tls_err)?;
        for name in names {
            params.subject_alt_names.push(match name.parse() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName((*name).try_into().map_err(tls_err)?),
            });
        }
        params.distinguished_name.push(DnType::CommonName, cluster);
        params
            .distinguished_name
            .push(DnType::OrganizationName, "ontop sim");
        let days = match self.style {
            CertStyle::Expiring => EXPIRING_DAYS,
            CertStyle::Ca | CertStyle::SelfSigned => LEAF_DAYS,
        };
        set_validity(&mut params, days);
        let key = KeyPair::generate().map_err(tls_err)?;
        let (cert, chain) = match &self.ca {
            Some(ca) => {
                let cert = params.signed_by(&key, &ca.issuer).map_err(tls_err)?;
                let chain = vec![cert.der().clone(), ca.der.clone()];
                (cert, chain)
            }
            None => {
                let cert = params.self_signed(&key).map_err(tls_err)?;
                let chain = vec![cert.der().clone()];
                (cert, chain)
            }
        };
        let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let mut config = ServerConfig::builder_with_provider(Arc::clone(&self.provider))
            .with_safe_default_protocol_versions()
            .map_err(tls_err)?
            .with_no_client_auth()
            .with_single_cert(chain, key_der)
            .map_err(tls_err)?;
        config.session_storage = ServerSessionMemoryCache::new(SESSIONS);
        Ok(Leaf {
            pem: cert.pem(),
            config: Arc::new(config),
        })
    }
}

/// The run's certificate authority: it signs every cluster's leaf.
struct SimCa {
    pem: String,
    der: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
}

impl SimCa {
    /// Generates a fresh CA key and self-signed CA certificate.
    fn generate() -> Result<SimCa, SimError> {
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(tls_err)?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "ontop simulator CA");
        params
            .distinguished_name
            .push(DnType::OrganizationName, "ontop sim");
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        set_validity(&mut params, 3650);
        let key = KeyPair::generate().map_err(tls_err)?;
        let cert = params.self_signed(&key).map_err(tls_err)?;
        Ok(SimCa {
            pem: cert.pem(),
            der: cert.der().clone(),
            issuer: Issuer::new(params, key),
        })
    }
}

/// Valid from yesterday until `days` from today, at midnight UTC (rcgen takes dates; a
/// day's precision is plenty).
fn set_validity(params: &mut CertificateParams, days: i64) {
    let today = Timestamp::now().to_zoned(TimeZone::UTC).date();
    let midnight = |offset: i64| {
        let date = today.checked_add(Span::new().days(offset)).unwrap_or(today);
        rcgen::date_time_ymd(
            i32::from(date.year()),
            u8::try_from(date.month()).unwrap_or(1),
            u8::try_from(date.day()).unwrap_or(1),
        )
    };
    params.not_before = midnight(-1);
    params.not_after = midnight(days);
}

/// A rustls client configuration that trusts only the given CA (or nothing at all).
///
/// Used by a simulated cluster when it fetches an `https://` package URL, and
/// handy for tests that talk to the fleet.
#[cfg_attr(not(any(test, feature = "testing")), allow(unreachable_pub))] // public for tests
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cert_styles_read_back_what_they_print() {
        for style in [CertStyle::Ca, CertStyle::SelfSigned, CertStyle::Expiring] {
            assert_eq!(style.to_string().parse::<CertStyle>(), Ok(style));
        }
        assert_eq!(CERT_STYLES.len(), 3);
        let err = "letsencrypt".parse::<CertStyle>().unwrap_err();
        assert!(err.contains("ca, self-signed, expiring"), "{err}");
    }
}
