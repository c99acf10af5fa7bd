//! The one error type of the ONTAP client: which cluster, what kind of trouble, and
//! what the wire said. The codes' meanings and hints are in [`super::codes`].
//!
//! An operator facing 200 clusters needs three things from an error: which cluster, what
//! kind of trouble (so they know whether it is theirs or the cluster's), and the next step.

use std::fmt;

use serde::Serialize;

use super::codes::hint_for_code;

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
    /// The cluster answered 2xx with a body that is not the expected JSON, or one larger
    /// than ontop reads.
    Decode,
    /// The answer broke HTTP itself: a bad status line, headers too large, a redirect
    /// (which ontop never follows) is `Http`, not this.
    Protocol,
    /// Nothing was sent: the session or the cluster is read-only.
    ReadOnly,
    /// Nothing was sent: the cluster's password source (file, variable, command or
    /// prompt) gave no password. Not `Auth`: no cluster refused anything.
    Password,
}

impl ErrorKind {
    /// The lowercase name used in JSON and on screen.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Auth => "auth",
            Self::Tls => "tls",
            Self::Timeout => "timeout",
            Self::Connect => "connect",
            Self::Http => "http",
            Self::Decode => "decode",
            Self::Protocol => "protocol",
            Self::ReadOnly => "read_only",
            Self::Password => "password",
        }
    }

    /// What to do next when there is no ONTAP code to be more precise.
    pub(crate) fn hint(self) -> &'static str {
        match self {
            Self::Auth => {
                "check the username and password source for this cluster (ontop config check), and that the account has the http application with a role allowing /api/cluster"
            }
            Self::Tls => {
                "run `ontop trust NAME` to see the certificate the cluster presents; pin it with --write, or set ca_file to the CA that signed it (or to the cluster's own certificate)"
            }
            Self::Timeout => {
                "the cluster or the network is slow or down; if its answers are merely slow, raise timeout (connecting gets at most 10s of it)"
            }
            Self::Connect => {
                "check the cluster URL, that the management LIF is up, and the network path from this host"
            }
            Self::Http => "see the cluster's message; retry later if the status is 5xx",
            Self::Decode => {
                "the answer was not ONTAP REST JSON: check that the URL points at the cluster management address, not a proxy or another service"
            }
            Self::Protocol => {
                "what answered does not speak HTTP as an ONTAP web server does: check that the URL points at the cluster management address, not a proxy, a load balancer or another service"
            }
            Self::ReadOnly => {
                "downloads are disabled here: drop --read-only, or set read_only = false for this cluster in the config"
            }
            Self::Password => {
                "fix this cluster's password source (password_command, password_env or password_file, in [defaults] or the cluster); ontop config check shows where each cluster's comes from"
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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
    /// The request went out (or may have) and its answer was lost or unreadable: a cut
    /// or reset connection, a 2xx that is not ONTAP's JSON, a 5xx no ONTAP code explains.
    /// A change asked for may have happened ([`OntapError::may_have_arrived`]).
    pub unanswered: bool,
}

impl OntapError {
    /// An error of `kind` on `cluster`, with nothing from the wire yet.
    pub fn new(cluster: impl Into<String>, kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            cluster: cluster.into(),
            kind,
            http_status: None,
            code: None,
            message: message.into(),
            target: None,
            unanswered: false,
        }
    }

    /// The same error, marked as the lost answer of a request that went out.
    pub(crate) fn unanswered(mut self) -> Self {
        self.unanswered = true;
        self
    }

    /// Whether the request may have reached the cluster and been carried out, its
    /// answer lost: no answer in time, or one lost on the way ([`Self::unanswered`]).
    /// A start so answered is looked for, never reported as refused.
    pub fn may_have_arrived(&self) -> bool {
        self.unanswered || self.kind == ErrorKind::Timeout
    }

    /// The same error, with the HTTP status the cluster answered.
    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    /// The conflict this refusal means, when it is one ([`super::codes::conflict`]).
    pub(crate) fn conflict(&self) -> Option<super::codes::Conflict> {
        super::codes::conflict(self.code, &self.message)
    }

    /// The best next step: the code's own hint when the table knows it, else the kind's.
    pub fn hint(&self) -> &'static str {
        if let Some(hint) = self.code.and_then(hint_for_code) {
            return hint;
        }
        if self.http_status.is_some_and(|s| (300..400).contains(&s)) {
            return "a cluster's management address never redirects: something in between (a proxy, a load balancer, a wrong address) does; set url to the cluster's own management address";
        }
        if self.kind == ErrorKind::Connect && self.http_status.is_some() {
            // It answered, then the connection went: not a LIF that is down.
            return "the cluster began to answer and the connection closed: something in between (a proxy, a firewall, a load balancer) may cut it, or its web server restarted (a takeover, an update); the next poll asks again, and if every answer is cut, check the path from this host";
        }
        self.kind.hint()
    }
}

impl fmt::Display for OntapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} error: {}", self.cluster, self.kind, self.message)?;
        let mut details = Vec::new();
        // A message that already names the status ("HTTP 502 Bad Gateway") is not
        // followed by it again.
        if let Some(status) = self.http_status {
            let said = format!("HTTP {status}");
            if !self.message.contains(&said) {
                details.push(said);
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_hint_wins_over_the_kind_hint() {
        let mut e = OntapError {
            cluster: "c1".into(),
            kind: ErrorKind::Http,
            http_status: Some(400),
            code: Some(39387138),
            message: "Unsupported URL scheme".into(),
            target: Some("url".into()),
            unanswered: false,
        };
        assert!(e.hint().contains("ftp://"));
        assert_eq!(
            e.to_string(),
            "c1: http error: Unsupported URL scheme (HTTP 400, ONTAP code 39387138, target url)"
        );
        e.code = None;
        assert_eq!(e.hint(), ErrorKind::Http.hint());
    }

    #[test]
    fn a_status_the_message_names_is_not_said_again() {
        let e = OntapError::new("c1", ErrorKind::Http, "HTTP 502 Bad Gateway").with_status(502);
        assert_eq!(e.to_string(), "c1: http error: HTTP 502 Bad Gateway");
        let e = OntapError::new("c1", ErrorKind::Http, "busy").with_status(503);
        assert_eq!(e.to_string(), "c1: http error: busy (HTTP 503)");
    }

    /// Raising `timeout` does not give a cluster longer to accept a connection: the
    /// timeout hint says how long connecting gets, and says it right.
    #[test]
    fn the_timeout_hint_names_the_connect_limit() {
        let limit = crate::text::duration::written(crate::fleet::targets::CONNECT_TIMEOUT);
        let hint = ErrorKind::Timeout.hint();
        assert!(hint.contains(&format!("at most {limit} of it")), "{hint}");
    }
}
