//! Why a request never got an answer: transport failures sorted into timeout, TLS or
//! connect, and TLS failures said in words with the next step.
//!
//! reqwest wraps the real cause several layers deep (hyper, io, rustls); the message an
//! operator needs is the deepest one, and for certificates the fix that goes with it.

use std::time::Duration;

use super::error::ErrorKind;
use super::verify::CertificateChanged;
use crate::text::duration::written;
use crate::text::{clean, clean_field, names_line, truncate};

/// The client's limits, so that a timeout says which one ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Timeouts {
    /// The whole request (the cluster's `timeout`).
    pub request: Duration,
    /// Just the TCP and TLS connection.
    pub connect: Duration,
}

/// Sorts a transport failure into timeout, TLS, protocol or connect, with the deepest
/// cause as the message (the outer layers only repeat "error sending request").
/// `read` is how many body bytes had arrived, when the failure came while reading one.
pub(super) fn classify_transport(
    err: &reqwest::Error,
    cluster: &str,
    read: Option<usize>,
    limits: Timeouts,
) -> (ErrorKind, String) {
    if err.is_timeout() {
        return (
            ErrorKind::Timeout,
            timeout_message(err.is_connect(), read, limits),
        );
    }
    classify_cause(err, cluster, read)
}

/// [`classify_transport`] for a failure that is not a timeout, from its chain of causes
/// (reqwest's, or those of a connection ontop keeps itself: io, rustls, hyper). The
/// words are cleaned and capped like any cluster's text: a cause can quote what the
/// cluster sent (a certificate's names, a bad header).
pub(super) fn classify_cause(
    err: &(dyn std::error::Error + 'static),
    cluster: &str,
    read: Option<usize>,
) -> (ErrorKind, String) {
    let (kind, words) = cause_in_words(err, cluster, read);
    (kind, clean_field(&words))
}

fn cause_in_words(
    err: &(dyn std::error::Error + 'static),
    cluster: &str,
    read: Option<usize>,
) -> (ErrorKind, String) {
    if let Some(tls) = causes(err).find_map(|e| e.downcast_ref::<rustls::Error>()) {
        return (ErrorKind::Tls, describe_tls(tls, cluster));
    }
    if let Some(http) = causes(err).find_map(|e| e.downcast_ref::<hyper::Error>()) {
        // `is_parse` covers heads too large as well; hyper's own words say which.
        if http.is_parse() || http.is_parse_status() {
            let what = if http.is_parse_status() {
                "not a valid HTTP status"
            } else {
                "not valid HTTP"
            };
            return (
                ErrorKind::Protocol,
                format!("the answer is {what} ({})", clean(&http.to_string())),
            );
        }
        if http.is_incomplete_message() {
            let message = match read {
                Some(bytes) => format!(
                    "the connection closed in the middle of the answer ({bytes} bytes came)"
                ),
                None => "the connection closed before the answer was complete".to_string(),
            };
            return (ErrorKind::Connect, message);
        }
        // A body hyper could not read to its end comes as its body error around the
        // reason, an io error: the connection closed early, or the framing (chunk sizes,
        // chunk extensions) is not HTTP.
        let framing = causes(err).find_map(|e| e.downcast_ref::<std::io::Error>());
        if let (Some(bytes), Some(io)) = (read, framing) {
            use std::io::ErrorKind as Io;
            match io.kind() {
                Io::UnexpectedEof => {
                    let message = format!(
                        "the connection closed in the middle of the answer ({bytes} bytes came)"
                    );
                    return (ErrorKind::Connect, message);
                }
                Io::InvalidInput | Io::InvalidData => {
                    let message = format!(
                        "the answer's body is not valid HTTP after {bytes} bytes ({})",
                        clean(&io.to_string())
                    );
                    return (ErrorKind::Protocol, message);
                }
                _ => {}
            }
        }
    }
    let root = causes(err)
        .last()
        .map_or_else(|| err.to_string(), |e| e.to_string());
    (ErrorKind::Connect, clean(&root))
}

/// Which limit ran out, in words: "no answer within the 30s timeout".
pub(super) fn timeout_message(connecting: bool, read: Option<usize>, limits: Timeouts) -> String {
    let request = written(limits.request);
    match read {
        None if connecting => format!(
            "no connection within the {} connect timeout",
            written(limits.connect)
        ),
        None => format!("no answer within the {request} timeout"),
        Some(bytes) => format!(
            "the answer did not end within the timeout of {request} ({bytes} bytes came): \
             the cluster, or something in between, keeps the body open"
        ),
    }
}

/// Every error in the chain, outermost first, looking inside `io::Error` wrappers too
/// (their `source()` skips the wrapped error itself).
fn causes<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(err), |e| {
        match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        }
    })
}

/// The pinned certificate was replaced, when that is why `err` refused it.
pub(crate) fn pin_changed(err: &rustls::Error) -> Option<&CertificateChanged> {
    match err {
        rustls::Error::InvalidCertificate(rustls::CertificateError::Other(other)) => {
            other.0.downcast_ref::<CertificateChanged>()
        }
        _ => None,
    }
}

/// The certificate chains to no trusted CA: an unknown issuer, or webpki's
/// `CaUsedAsEndEntity` for a self-signed certificate met where a CA-signed one was
/// expected (rustls carries that one as an "other" error).
pub(crate) fn not_signed_by_a_trusted_ca(err: &rustls::Error) -> bool {
    match err {
        rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer) => true,
        rustls::Error::InvalidCertificate(rustls::CertificateError::Other(other)) => matches!(
            other.0.downcast_ref::<webpki::Error>(),
            Some(webpki::Error::CaUsedAsEndEntity)
        ),
        _ => false,
    }
}

/// A TLS failure in words, with the next step when the cause is one an operator meets
/// with ONTAP's own certificates.
fn describe_tls(err: &rustls::Error, cluster: &str) -> String {
    use rustls::CertificateError as E;
    let inspect = format!("run `ontop trust {cluster}` to see the certificate it presents");
    let rustls::Error::InvalidCertificate(cert) = err else {
        return format!("TLS handshake failed: {err}");
    };
    let not_signed = format!(
        "the cluster's certificate is not signed by a CA trusted for it (ca_file, else the \
         system store); {inspect}, then pin it with `ontop trust {cluster} --write` or put \
         it in ca_file"
    );
    if let Some(changed) = pin_changed(err) {
        return changed.to_string();
    }
    if not_signed_by_a_trusted_ca(err) {
        return not_signed;
    }
    match cert {
        E::BadEncoding => format!("the cluster's certificate cannot be read ({cert}); {inspect}"),
        E::NotValidForName | E::NotValidForNameContext { .. } => format!(
            "{}; set tls_server_name to a name the certificate holds, or use that name \
             in the url, or pin it with `ontop trust {cluster} --write` (a pin checks no \
             names; needed when the certificate names nothing, as older ONTAP ones do)",
            certificate_words(cert)
        ),
        E::Expired | E::ExpiredContext { .. } => format!(
            "the cluster's certificate has expired ({cert}); renew it on the cluster, or \
             pin it for now with `ontop trust {cluster} --write`"
        ),
        E::NotValidYet | E::NotValidYetContext { .. } => {
            format!("the cluster's certificate is not valid yet ({cert}); check this host's clock")
        }
        other => format!(
            "the cluster's certificate is not trusted: {}; {inspect}",
            certificate_words(other)
        ),
    }
}

/// The widest certificate name shown whole, in cells.
const NAME_SHOWN: usize = 64;

/// A certificate error in rustls's words, made safe to show: the names a certificate
/// holds are the cluster's own text, so each is cleaned and cut, and at most three are
/// listed ("a, b, c and 1997 more"), for a certificate can hold thousands.
pub(crate) fn certificate_words(cert: &rustls::CertificateError) -> String {
    let rustls::CertificateError::NotValidForNameContext {
        expected,
        presented,
    } = cert
    else {
        return clean_field(&cert.to_string());
    };
    let names: Vec<String> = presented
        .iter()
        .map(|name| {
            // rustls writes each as `DnsName("c1.example")` or `IpAddress(10.0.0.1)`.
            let bare = name
                .strip_prefix("DnsName(\"")
                .and_then(|n| n.strip_suffix("\")"))
                .or_else(|| name.strip_prefix("IpAddress(")?.strip_suffix(')'))
                .unwrap_or(name);
            truncate(&clean(bare), NAME_SHOWN)
        })
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let valid_for = match names.as_slice() {
        [] => "no name at all (its subjectAltName names none)".to_string(),
        names => format!("only {}", names_line(names)),
    };
    format!(
        "certificate not valid for name {}; it is valid for {valid_for}",
        clean(&expected.to_str())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A certificate's names are the cluster's text: an escape in one never reaches the
    /// screen, and thousands of them are counted, not listed.
    #[test]
    fn a_certificate_s_names_are_cleaned_cut_and_counted() {
        let mut presented = vec![
            "d\u{1b}]0;PWNED\u{7}\u{1b}[31mRED\r\nNL".to_string(),
            "x".repeat(5000),
        ];
        presented.extend((0..2000).map(|i| format!("n{i}.example")));
        let cert = rustls::CertificateError::NotValidForNameContext {
            expected: rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap(),
            presented,
        };
        let words = certificate_words(&cert);
        assert!(crate::text::is_clean(&words), "{words:?}");
        assert!(!words.contains("PWNED\u{7}"), "{words:?}");
        assert!(words.contains("and 1999 more"), "{words}");
        assert!(words.chars().count() < 300, "{words}");
        assert!(
            words.starts_with("certificate not valid for name 127.0.0.1;"),
            "{words}"
        );

        let none = rustls::CertificateError::NotValidForNameContext {
            expected: rustls::pki_types::ServerName::try_from("c1.example").unwrap(),
            presented: Vec::new(),
        };
        assert!(certificate_words(&none).contains("valid for no name at all"));

        let named = rustls::CertificateError::NotValidForNameContext {
            expected: rustls::pki_types::ServerName::try_from("c1.example").unwrap(),
            presented: vec![
                "DnsName(\"localhost\")".into(),
                "IpAddress(127.0.0.1)".into(),
            ],
        };
        assert_eq!(
            certificate_words(&named),
            "certificate not valid for name c1.example; it is valid for only localhost and 127.0.0.1"
        );
    }

    #[test]
    fn a_timeout_says_which_limit_ran_out() {
        let limits = Timeouts {
            request: Duration::from_secs(30),
            connect: Duration::from_secs(5),
        };
        assert_eq!(
            timeout_message(false, None, limits),
            "no answer within the 30s timeout"
        );
        assert_eq!(
            timeout_message(true, None, limits),
            "no connection within the 5s connect timeout"
        );
        assert!(
            timeout_message(false, Some(12), limits)
                .starts_with("the answer did not end within the timeout of 30s (12 bytes came)")
        );
    }
}
