//! What a cluster's certificate says, in the operator's terms.
//!
//! - [`Fingerprint`]: the SHA-256 of a certificate, the way a pin is written in the
//!   config (`sha256:AB:CD:...`) and compared on every handshake;
//! - [`CertificateDetails`]: everything `ontop trust` shows about one certificate
//!   (subject, issuer, names, validity), parsed once with `x509-parser`;
//! - [`CertificateFacts`]: the little the dashboard and `ontop status` keep per cluster:
//!   when the certificate expires and how it is trusted.
//!
//! Every string taken from a certificate is server-provided, so it is cleaned of control
//! characters here, where it enters the program.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::FromDer;

use super::tls::TlsTrust;
use crate::text::clean;

/// Below this many days left, a certificate's expiry is a warning on screen and in
/// `ontop status`: about a month is the time a change request takes.
pub(crate) const EXPIRY_WARNING_DAYS: i64 = 30;

/// The SHA-256 of a DER certificate: what a pin compares, like an SSH host key.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of a DER-encoded certificate.
    pub fn of(der: &[u8]) -> Self {
        let digest = ring::digest::digest(&ring::digest::SHA256, der);
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(digest.as_ref());
        Self(bytes)
    }
}

/// `sha256:AB:CD:...`: the form the config takes and `ontop trust` prints.
impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("sha256:")?;
        for (i, byte) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{byte:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why a written fingerprint cannot be a SHA-256 pin; said so that it can be fixed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FingerprintError {
    /// Another hash (sha1:, md5:...): too weak or not what `ontop trust` prints.
    #[error("only SHA-256 fingerprints can be pinned, not {0}")]
    Algorithm(String),
    /// Something other than hex digits and colons.
    #[error("{0:?} is not a hex digit")]
    NotHex(char),
    /// Too short or too long: a copy-and-paste that lost or doubled a part.
    #[error("a SHA-256 fingerprint is 32 bytes (64 hex digits); this one has {0} hex digits")]
    Length(usize),
}

/// Accepts `sha256:AB:CD:...` as printed, and the same in lower case, without the
/// colons, or without the `sha256:` prefix (as `openssl x509 -fingerprint` prints it).
impl FromStr for Fingerprint {
    type Err = FingerprintError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let hex = match text.split_once(':') {
            Some((algorithm, rest)) if algorithm.eq_ignore_ascii_case("sha256") => rest,
            // "AB:CD:..." without a prefix: its first part is two hex digits.
            Some((first, _)) if first.len() > 2 => {
                return Err(FingerprintError::Algorithm(first.to_string()));
            }
            _ => text,
        };
        let digits: Vec<u8> = hex
            .chars()
            .filter(|c| *c != ':')
            .map(|c| {
                c.to_digit(16)
                    .map(|d| d as u8)
                    .ok_or(FingerprintError::NotHex(c))
            })
            .collect::<Result<_, _>>()?;
        if digits.len() != 64 {
            return Err(FingerprintError::Length(digits.len()));
        }
        let mut bytes = [0u8; 32];
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks(2)) {
            *byte = (pair[0] << 4) | pair[1];
        }
        Ok(Self(bytes))
    }
}

/// One certificate as `ontop trust` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CertificateDetails {
    /// The subject, e.g. `CN=prod-ams-1, O=NetApp`.
    pub subject: String,
    /// Who signed it; the same as the subject for a self-signed certificate.
    pub issuer: String,
    /// The subject alternative names, as `DNS:name` and `IP:address`.
    pub names: Vec<String>,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    pub fingerprint: Fingerprint,
    /// Issued by its own subject: ONTAP's default, and what a pin is for.
    pub self_signed: bool,
    /// A CA certificate (basic constraints), able to sign others.
    pub is_ca: bool,
}

impl CertificateDetails {
    /// Parses a DER certificate; the error says what is wrong with it.
    pub(crate) fn parse(der: &[u8]) -> Result<Self, String> {
        let (_, cert) = X509Certificate::from_der(der)
            .map_err(|e| format!("not a readable X.509 certificate ({e})"))?;
        let names = match cert.subject_alternative_name() {
            Ok(Some(san)) => san
                .value
                .general_names
                .iter()
                .filter_map(general_name)
                .collect(),
            _ => Vec::new(),
        };
        let validity = cert.validity();
        Ok(Self {
            subject: clean(&cert.subject().to_string()),
            issuer: clean(&cert.issuer().to_string()),
            names,
            not_before: timestamp(validity.not_before.timestamp()),
            not_after: timestamp(validity.not_after.timestamp()),
            fingerprint: Fingerprint::of(der),
            self_signed: cert.subject().as_raw() == cert.issuer().as_raw(),
            is_ca: cert.is_ca(),
        })
    }

    /// Whole days until it expires at `now`; negative once it has expired.
    pub(crate) fn days_left(&self, now: Timestamp) -> i64 {
        days_between(now, self.not_after)
    }

    /// True when `now` is outside the validity period.
    pub(crate) fn expired_at(&self, now: Timestamp) -> bool {
        now > self.not_after || now < self.not_before
    }
}

/// What the dashboard and `ontop status` keep about a cluster's certificate: when it
/// expires, and how this client trusts it (so "pinned" and "insecure" can be shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateFacts {
    /// The end of the validity period.
    pub expires: Timestamp,
    /// Whole days left when the certificate was last seen; negative once expired.
    pub days_left: i64,
    /// Trusted by its fingerprint (expiry is then shown, not enforced).
    pub pinned: bool,
    /// Not verified at all (`insecure = true`).
    pub insecure: bool,
    /// Issued by its own subject (ONTAP's default certificate).
    pub self_signed: bool,
    pub fingerprint: Fingerprint,
    /// The subject, for the details pane.
    pub subject: String,
}

/// How a client checks the certificate it is shown, as [`CertificateFacts`] tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Checked {
    /// Against a CA (the system's or a `ca_file`).
    ByCa,
    /// Against a pinned fingerprint: its expiry is shown, not enforced.
    Pinned,
    /// Not at all (`insecure = true`).
    Not,
}

impl From<&TlsTrust> for Checked {
    fn from(trust: &TlsTrust) -> Self {
        match trust {
            TlsTrust::Pinned(_) => Self::Pinned,
            TlsTrust::Insecure => Self::Not,
            TlsTrust::System | TlsTrust::CaFile(_) | TlsTrust::CaPem(_) => Self::ByCa,
        }
    }
}

impl CertificateFacts {
    /// The facts of a presented DER certificate, checked as `checked` says, seen at `now`.
    pub(crate) fn from_der(der: &[u8], checked: Checked, now: Timestamp) -> Option<Self> {
        let details = CertificateDetails::parse(der).ok()?;
        Some(Self {
            expires: details.not_after,
            days_left: details.days_left(now),
            pinned: checked == Checked::Pinned,
            insecure: checked == Checked::Not,
            self_signed: details.self_signed,
            fingerprint: details.fingerprint,
            subject: details.subject,
        })
    }

    /// Whole days left at `now`, for a screen that outlives the poll that saw it.
    pub fn days_left_at(&self, now: Timestamp) -> i64 {
        days_between(now, self.expires)
    }

    /// Under [`EXPIRY_WARNING_DAYS`] left (or expired) when last seen.
    pub fn expires_soon(&self) -> bool {
        self.days_left < EXPIRY_WARNING_DAYS
    }
}

fn general_name(name: &GeneralName<'_>) -> Option<String> {
    match name {
        GeneralName::DNSName(dns) => Some(format!("DNS:{}", clean(dns))),
        GeneralName::IPAddress(bytes) => {
            let ip = match bytes.len() {
                4 => std::net::IpAddr::from(<[u8; 4]>::try_from(*bytes).ok()?),
                16 => std::net::IpAddr::from(<[u8; 16]>::try_from(*bytes).ok()?),
                _ => return None,
            };
            Some(format!("IP:{ip}"))
        }
        GeneralName::RFC822Name(mail) => Some(format!("email:{}", clean(mail))),
        GeneralName::URI(uri) => Some(format!("URI:{}", clean(uri))),
        _ => None,
    }
}

/// A certificate's time in `format` (strftime, read as UTC). RFC 5280's "no
/// well-defined expiration date", 99991231235959Z, lies past the last instant a
/// [`Timestamp`] holds and is kept as [`Timestamp::MAX`]: it is written as that date,
/// not as the clamp (9999-12-30T22:00:00.999999999Z). Any time in those last hours of
/// 9999 means the same, and is written alike.
pub(crate) fn written_utc(t: Timestamp, format: &str) -> String {
    if t == Timestamp::MAX {
        let end = jiff::civil::date(9999, 12, 31).at(23, 59, 59, 0);
        return end.strftime(format).to_string();
    }
    t.strftime(format).to_string()
}

fn timestamp(seconds: i64) -> Timestamp {
    Timestamp::from_second(seconds).unwrap_or(if seconds < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// Whole days from `now` to `then`, rounded down (an hour left is 0 days, an hour
/// past is -1).
fn days_between(now: Timestamp, then: Timestamp) -> i64 {
    (then.as_second() - now.as_second()).div_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "3a9f00112233445566778899aabbccddeeff00112233445566778899aabbccdd";

    #[test]
    fn a_fingerprint_is_read_in_any_case_with_or_without_colons_and_prefix() {
        let plain: Fingerprint = HEX.parse().unwrap();
        let shown = plain.to_string();
        assert!(shown.starts_with("sha256:3A:9F:00:11:"), "{shown}");
        assert_eq!(shown.len(), "sha256:".len() + 32 * 3 - 1);
        for text in [
            shown.clone(),
            shown.to_lowercase(),
            format!("SHA256:{HEX}"),
            shown.trim_start_matches("sha256:").to_string(),
            format!("  {shown} "),
        ] {
            assert_eq!(text.parse::<Fingerprint>(), Ok(plain), "{text}");
        }
    }

    #[test]
    fn a_fingerprint_must_be_exactly_32_bytes_of_sha256() {
        assert_eq!(
            "sha256:3A:9F".parse::<Fingerprint>(),
            Err(FingerprintError::Length(4))
        );
        assert_eq!(
            format!("{HEX}00").parse::<Fingerprint>(),
            Err(FingerprintError::Length(66))
        );
        assert_eq!(
            format!("sha256:{}zz", &HEX[2..]).parse::<Fingerprint>(),
            Err(FingerprintError::NotHex('z'))
        );
        assert!(matches!(
            "sha1:AB:CD".parse::<Fingerprint>(),
            Err(FingerprintError::Algorithm(a)) if a == "sha1"
        ));
    }

    /// RFC 5280's "no end" (99991231235959Z) is written as the certificate says it, in
    /// each form ontop writes times in; an ordinary date as it is.
    #[test]
    fn a_certificate_that_never_expires_says_9999_12_31() {
        let mut params = rcgen::CertificateParams::new(vec!["c1".to_string()]).unwrap();
        params.not_after = rcgen::date_time_ymd(9999, 12, 31);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let details = CertificateDetails::parse(cert.der()).unwrap();
        assert_eq!(details.not_after, Timestamp::MAX);
        let human = written_utc(details.not_after, "%Y-%m-%d %H:%M UTC");
        assert_eq!(human, "9999-12-31 23:59 UTC");
        let json = written_utc(details.not_after, "%Y-%m-%dT%H:%M:%SZ");
        assert_eq!(json, "9999-12-31T23:59:59Z");
        let plain = Timestamp::from_second(1_000_000_000).unwrap();
        assert_eq!(written_utc(plain, "%Y-%m-%dT%H:%M:%SZ"), plain.to_string());
    }

    #[test]
    fn days_left_round_down_and_go_negative_after_expiry() {
        let now = Timestamp::from_second(1_000_000_000).unwrap();
        let at = |s: i64| Timestamp::from_second(1_000_000_000 + s).unwrap();
        assert_eq!(days_between(now, at(3600)), 0);
        assert_eq!(days_between(now, at(10 * 86_400 + 5)), 10);
        assert_eq!(days_between(now, at(-3600)), -1);
    }
}
