//! The one error type of the ONTAP client, and the table of ONTAP codes and what to do.
//!
//! An operator facing 200 clusters needs three things from an error: which cluster, what
//! kind of trouble (so they know whether it is theirs or the cluster's), and the next step.

use std::fmt;

use serde::Serialize;

/// What went wrong, in the words a script can switch on (`ontop status --json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Credentials refused (401) or not allowed (403).
    Auth,
    /// The certificate could not be verified, or the TLS handshake failed.
    Tls,
    /// No complete answer within the configured timeout.
    Timeout,
    /// No connection: refused, reset, unreachable, DNS.
    Connect,
    /// The cluster answered with an HTTP error status.
    Http,
    /// The cluster answered 2xx with a body that is not the expected JSON.
    Decode,
    /// Nothing was sent: the session or the cluster is read-only.
    ReadOnly,
}

impl ErrorKind {
    /// The lowercase name used in JSON and on screen.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auth => "auth",
            Self::Tls => "tls",
            Self::Timeout => "timeout",
            Self::Connect => "connect",
            Self::Http => "http",
            Self::Decode => "decode",
            Self::ReadOnly => "read_only",
        }
    }

    /// What to do next when there is no ONTAP code to be more precise.
    pub fn hint(self) -> &'static str {
        match self {
            Self::Auth => {
                "check the username and password source for this cluster (ontop config check), and that the account has the http application with a role allowing /api/cluster"
            }
            Self::Tls => {
                "run `ontop trust NAME` to see the certificate the cluster presents; pin it with --write, or set ca_file to the CA that signed it (or to the cluster's own certificate)"
            }
            Self::Timeout => {
                "the cluster or the network is slow or down; raise timeout if it is merely slow"
            }
            Self::Connect => {
                "check the cluster URL, that the management LIF is up, and the network path from this host"
            }
            Self::Http => "see the cluster's message; retry later if the status is 5xx",
            Self::Decode => {
                "the answer was not ONTAP REST JSON: check that the URL points at the cluster management address, not a proxy or another service"
            }
            Self::ReadOnly => {
                "downloads are disabled here: drop --read-only, or set read_only = false for this cluster in the config"
            }
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed call to one cluster, with all the context the wire gave.
///
/// The message is already cleaned of control characters; no field ever holds a secret.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct OntapError {
    /// The cluster's configured name.
    pub cluster: String,
    pub kind: ErrorKind,
    /// The HTTP status, when the cluster answered.
    pub http_status: Option<u16>,
    /// The ONTAP error code from the envelope (or the job), when there was one.
    pub code: Option<i64>,
    /// What went wrong, in the server's words when it said something.
    pub message: String,
    /// The parameter the server blamed (`target` in the envelope).
    pub target: Option<String>,
}

impl OntapError {
    /// The best next step: the code's own hint when the table knows it, else the kind's.
    pub fn hint(&self) -> &'static str {
        self.code
            .and_then(hint_for_code)
            .unwrap_or(self.kind.hint())
    }
}

impl fmt::Display for OntapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} error: {}", self.cluster, self.kind, self.message)?;
        let mut details = Vec::new();
        if let Some(status) = self.http_status {
            details.push(format!("HTTP {status}"));
        }
        if let Some(code) = self.code {
            details.push(format!("ONTAP code {code}"));
        }
        if let Some(target) = &self.target {
            details.push(format!("target {target}"));
        }
        if !details.is_empty() {
            write!(f, " ({})", details.join(", "))?;
        }
        Ok(())
    }
}

/// One source of truth for ONTAP codes: what they mean and what to do next.
///
/// Codes are those of `docs/ontap-api.md` (the vendor's tables for the download endpoints, the
/// common REST codes, and the job codes).
const CODE_HINTS: &[(i64, &str, &str)] = &[
    (0, "success", "nothing to do"),
    (
        2,
        "a required field is missing",
        "fix the request; this is a bug in the caller",
    ),
    (
        3,
        "API not found",
        "the cluster's ONTAP release does not offer this endpoint (software download needs 9.6+, its GET 9.7+)",
    ),
    (
        4,
        "entry doesn't exist",
        "the job or object is gone; jobs are deleted about 300 s after they end, so read the download status instead",
    ),
    (
        6,
        "not authorized for that command",
        "give the account a role that allows this REST endpoint (security login rest-role)",
    ),
    (
        262197,
        "value out of range",
        "return_timeout must be between 0 and 120 seconds",
    ),
    (
        10551327,
        "a package with the same name already exists",
        "the package is already on the cluster: use it, or delete it (cluster image package delete) to fetch it again",
    ),
    (
        10551357,
        "a previous update or download is in progress",
        "wait for the running download or update to finish, then follow it instead of starting another",
    ),
    (
        10551359,
        "internal error processing the package after download",
        "check the package is an ONTAP image for this platform, then retry; contact NetApp support if it repeats",
    ),
    (
        10551381,
        "package download failed",
        "check the package server is reachable from the cluster's management LIFs and the URL is right, then retry",
    ),
    (
        10551382,
        "package download is still running",
        "wait: the download is in progress",
    ),
    (
        10551383,
        "operation took longer than the 1 hour limit",
        "the link to the package server is too slow: use a closer server or a faster path, then retry",
    ),
    (
        10551384,
        "download has not started",
        "start a download first",
    ),
    (
        10551391,
        "internal error",
        "retry; if it repeats, collect an AutoSupport and contact NetApp support",
    ),
    (
        10551392,
        "internal error",
        "retry; if it repeats, collect an AutoSupport and contact NetApp support",
    ),
    (
        10551496,
        "firmware file already exists",
        "the firmware is already on the cluster: nothing to download",
    ),
    (
        10551797,
        "failed to check whether file upload is enabled",
        "retry; check the cluster's health (cluster show) first",
    ),
    (
        10551859,
        "failed to set the nodes that store the image",
        "check that every node is healthy and has free root volume space, then retry",
    ),
    (
        10551885,
        "download failed: invalid or unreachable URL",
        "check the URL, that the file exists on the server, and that the cluster can reach that server",
    ),
    (
        10551892,
        "download failed: a node is unhealthy",
        "fix the unhealthy node (cluster show, system health alert show), then retry",
    ),
    (
        39387137,
        "invalid URL syntax",
        "fix the URL: it must be a full URL such as https://server/path/image.tgz",
    ),
    (
        39387138,
        "unsupported URL scheme",
        "use an http://, https://, ftp:// or file:// URL",
    ),
];

/// What a code means, in a few words, when the table knows it.
pub fn meaning_of_code(code: i64) -> Option<&'static str> {
    CODE_HINTS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, meaning, _)| *meaning)
}

/// The next step for a code, when the table knows it.
pub fn hint_for_code(code: i64) -> Option<&'static str> {
    CODE_HINTS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, _, hint)| *hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_of_the_contract_has_a_hint() {
        for code in [
            4, 6, 262197, 10551327, 10551357, 10551359, 10551381, 10551382, 10551383, 10551384,
            10551391, 10551392, 10551496, 10551797, 10551859, 10551885, 10551892, 39387137,
            39387138,
        ] {
            assert!(hint_for_code(code).is_some(), "no hint for {code}");
            assert!(meaning_of_code(code).is_some(), "no meaning for {code}");
        }
    }

    #[test]
    fn the_code_hint_wins_over_the_kind_hint() {
        let mut e = OntapError {
            cluster: "c1".into(),
            kind: ErrorKind::Http,
            http_status: Some(400),
            code: Some(39387138),
            message: "Unsupported URL scheme".into(),
            target: Some("url".into()),
        };
        assert!(e.hint().contains("ftp://"));
        assert_eq!(
            e.to_string(),
            "c1: http error: Unsupported URL scheme (HTTP 400, ONTAP code 39387138, target url)"
        );
        e.code = None;
        assert_eq!(e.hint(), ErrorKind::Http.hint());
    }
}
