//! Injectable misbehaviour of one simulated cluster.
//!
//! A [`Fault`] says how a cluster should misbehave right now. Connection-level
//! faults (`down`, `reset`, `hang`) act on the socket in `server.rs`, and so do the raw
//! answers (`garbage`, `truncated`, `badchunk`, `emptyjson`, `status999`, written as
//! `hostile.rs` spells them); the
//! busy states (`validating`, `updating`, `syncing`, `deletetimeout`) only on a package
//! DELETE; the validation outcomes (`validation-warning`, `validation-error`) on a
//! validation, the shapes (`shape-9.6`, `shape-9.7`) on `/api/cluster/software`
//! (`validation.rs`, `release.rs`); `upload-disabled`, `nospace` and `upload-reset` only
//! on an upload; the others act on each request in `api.rs` (the hostile answers in
//! `hostile.rs`). The command line spells a fault as `NAME=KIND` (see
//! [`parse_fault_arg`]).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// The ways a simulated cluster can misbehave, one at a time per cluster.
///
/// These are the failure modes a dashboard meets on a real fleet: dead or
/// firewalled addresses, proxies in the path, nodes rebooting, broken or
/// hostile text in responses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Fault {
    /// Behave like a healthy cluster.
    #[default]
    None,
    /// Accept connections (and requests on open connections) and never answer.
    Hang,
    /// Accept a connection and close it at once with a TCP reset (RST).
    Reset,
    /// Answer every request with 500 and an ONTAP error envelope.
    Http500,
    /// Answer every request with 502 and an HTML page, as a proxy in front would.
    Http502,
    /// Answer every request with 503 and an HTML page, as during a node reboot.
    Http503,
    /// Answer every request with 200 and a truncated JSON body.
    Malformed,
    /// Answer every request with 401, whatever the credentials.
    Unauthorized,
    /// Answer correctly, after this extra delay.
    Latency(Duration),
    /// Answer correctly, but with terminal escape sequences and a bidi override
    /// inside the `message` fields of the download status and of jobs.
    Escape,
    /// Close the listening port: connections are refused until the fault is cleared.
    Down,
    /// Answer every request with a redirect (`status`, 301/302/307/308) to `location`
    /// followed by the request's own path: a wrong address, or someone in the middle
    /// who wants the credentials and the POST body.
    Redirect { status: u16, location: String },
    /// Answer 200 with a JSON body that claims (`Content-Length`) and sends 800 MiB.
    Huge,
    /// Answer 200 with a body that never ends, sent as fast as the client reads.
    Endless,
    /// Answer 200, send the start of a body, then one byte a second, forever.
    Drip,
    /// Answer correctly, with 70 000-character names, versions, states and messages.
    LongText,
    /// Answer with a header of 1 MiB.
    BigHeaders,
    /// Answer 200 with a body that claims 1,000 bytes, send its first 35, then close.
    Truncated,
    /// Answer 200 with a chunked body whose first chunk size is not hexadecimal.
    BadChunk,
    /// Answer every request 200 with `{}`: a generic JSON service, not a cluster.
    EmptyJson,
    /// Answer every request with status 999 (and `{}`), which no web server sends.
    Status999,
    /// Answer every request 500 with a message that quotes its `Authorization` header
    /// and the password in it.
    Echo,
    /// Refuse a download request 400, quoting its body, its URL without the scheme and
    /// the URL percent-encoded, as a broken front end might.
    EchoBody,
    /// Answer a job's GET with another job's uuid, as a confused or lying front end might.
    OtherJob,
    /// Answer every request with bytes that are not HTTP (a bad status line).
    Garbage,
    /// A validation is in progress: a package DELETE is refused with 10551346.
    Validating,
    /// An update is in progress: a package DELETE is refused with 10551347.
    Updating,
    /// A package synchronisation is in progress: a package DELETE is refused with 10551367.
    Syncing,
    /// A package DELETE is accepted, and its job fails with 10551388 (timed out).
    DeleteTimeout,
    /// A validation started now ends with warnings beyond the usual "Manual checks".
    ValidationWarning,
    /// A validation started now ends with an error ("High Availability status").
    ValidationError,
    /// `/api/cluster/software` answers in ONTAP 9.6's shape, whatever the release.
    Shape96,
    /// `/api/cluster/software` answers in ONTAP 9.7's shape, whatever the release.
    Shape97,
    /// File upload is switched off: an upload is refused with 10551798.
    UploadDisabled,
    /// The upload directory is full: an upload is refused with 10551804.
    NoSpace,
    /// An upload's connection is reset (TCP RST) halfway through its body, at most 1 MiB in.
    UploadReset,
}

/// Where a redirect points when the fault names no place: a port nothing listens on.
#[cfg_attr(not(any(test, feature = "testing")), allow(unreachable_pub))] // public for tests
pub const DEFAULT_REDIRECT: &str = "http://127.0.0.1:9";
/// The characters of each field of a `longtext` answer.
#[cfg_attr(not(any(test, feature = "testing")), allow(unreachable_pub))] // public for tests
pub const LONG_TEXT: usize = 70_000;

/// The fault kinds as spelled on the command line, for error messages and help.
macro_rules! fault_kinds {
    () => {
        "none, hang, reset, http500, http502, http503, malformed, unauthorized, latency:MS, \
         escape, down, redirect[:STATUS[:URL]], huge, endless, drip, longtext, bigheaders, truncated, \
         badchunk, emptyjson, status999, echo, echobody, otherjob, garbage, \
         validating, updating, syncing, deletetimeout, validation-warning, validation-error, \
         shape-9.6, shape-9.7, upload-disabled, nospace, upload-reset"
    };
}

/// The fault kinds as spelled on the command line, for error messages and help.
pub const FAULT_KINDS: &str = fault_kinds!();

/// The `--fault` help: the one list of kinds, spelled once in `fault_kinds!`.
#[cfg(feature = "cli")]
pub(crate) const FAULT_HELP: &str = concat!(
    "Inject a fault into one cluster: NAME=KIND, KIND one of ",
    fault_kinds!()
);

impl FromStr for Fault {
    type Err = String;

    /// Parses `hang`, `latency:250`, ... (case-insensitive); the error names every valid kind.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let kind = s.trim().to_ascii_lowercase();
        let fault = match kind.as_str() {
            "none" => Fault::None,
            "hang" => Fault::Hang,
            "reset" => Fault::Reset,
            "http500" => Fault::Http500,
            "http502" => Fault::Http502,
            "http503" => Fault::Http503,
            "malformed" => Fault::Malformed,
            "unauthorized" => Fault::Unauthorized,
            "escape" => Fault::Escape,
            "down" => Fault::Down,
            "huge" => Fault::Huge,
            "endless" => Fault::Endless,
            "drip" => Fault::Drip,
            "longtext" => Fault::LongText,
            "bigheaders" => Fault::BigHeaders,
            "truncated" => Fault::Truncated,
            "badchunk" => Fault::BadChunk,
            "emptyjson" => Fault::EmptyJson,
            "status999" => Fault::Status999,
            "echo" => Fault::Echo,
            "echobody" => Fault::EchoBody,
            "otherjob" => Fault::OtherJob,
            "garbage" => Fault::Garbage,
            "validating" => Fault::Validating,
            "updating" => Fault::Updating,
            "syncing" => Fault::Syncing,
            "deletetimeout" => Fault::DeleteTimeout,
            "validation-warning" => Fault::ValidationWarning,
            "validation-error" => Fault::ValidationError,
            "shape-9.6" => Fault::Shape96,
            "shape-9.7" => Fault::Shape97,
            "upload-disabled" => Fault::UploadDisabled,
            "nospace" => Fault::NoSpace,
            "upload-reset" => Fault::UploadReset,
            "redirect" => Fault::Redirect {
                status: 307,
                location: DEFAULT_REDIRECT.to_string(),
            },
            other if other.starts_with("redirect:") => parse_redirect(s.trim())?,
            other => match other.strip_prefix("latency:") {
                Some(ms) => {
                    let ms: u64 = ms.parse().map_err(|_| {
                        format!("invalid latency {ms:?}: expected milliseconds, e.g. latency:3000")
                    })?;
                    Fault::Latency(Duration::from_millis(ms))
                }
                None => {
                    return Err(format!(
                        "unknown fault kind {s:?}; valid kinds are: {FAULT_KINDS}"
                    ));
                }
            },
        };
        Ok(fault)
    }
}

impl fmt::Display for Fault {
    /// Prints the fault the way [`FromStr`] reads it, so it round-trips.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::None => f.write_str("none"),
            Fault::Hang => f.write_str("hang"),
            Fault::Reset => f.write_str("reset"),
            Fault::Http500 => f.write_str("http500"),
            Fault::Http502 => f.write_str("http502"),
            Fault::Http503 => f.write_str("http503"),
            Fault::Malformed => f.write_str("malformed"),
            Fault::Unauthorized => f.write_str("unauthorized"),
            Fault::Latency(d) => write!(f, "latency:{}", d.as_millis()),
            Fault::Escape => f.write_str("escape"),
            Fault::Down => f.write_str("down"),
            Fault::Redirect { status, location } => write!(f, "redirect:{status}:{location}"),
            Fault::Huge => f.write_str("huge"),
            Fault::Endless => f.write_str("endless"),
            Fault::Drip => f.write_str("drip"),
            Fault::LongText => f.write_str("longtext"),
            Fault::BigHeaders => f.write_str("bigheaders"),
            Fault::Truncated => f.write_str("truncated"),
            Fault::BadChunk => f.write_str("badchunk"),
            Fault::EmptyJson => f.write_str("emptyjson"),
            Fault::Status999 => f.write_str("status999"),
            Fault::Echo => f.write_str("echo"),
            Fault::EchoBody => f.write_str("echobody"),
            Fault::OtherJob => f.write_str("otherjob"),
            Fault::Garbage => f.write_str("garbage"),
            Fault::Validating => f.write_str("validating"),
            Fault::Updating => f.write_str("updating"),
            Fault::Syncing => f.write_str("syncing"),
            Fault::DeleteTimeout => f.write_str("deletetimeout"),
            Fault::ValidationWarning => f.write_str("validation-warning"),
            Fault::ValidationError => f.write_str("validation-error"),
            Fault::Shape96 => f.write_str("shape-9.6"),
            Fault::Shape97 => f.write_str("shape-9.7"),
            Fault::UploadDisabled => f.write_str("upload-disabled"),
            Fault::NoSpace => f.write_str("nospace"),
            Fault::UploadReset => f.write_str("upload-reset"),
        }
    }
}

impl Fault {
    /// True for the faults that act on the TCP connection rather than on a request:
    /// setting one of these drops the connections already open, so that clients
    /// with pooled keep-alive connections meet the fault too.
    pub fn is_connection_level(&self) -> bool {
        matches!(
            self,
            Fault::Down | Fault::Reset | Fault::Hang | Fault::Garbage
        )
    }
}

/// `redirect:STATUS` or `redirect:STATUS:URL` (the URL keeps its case).
fn parse_redirect(spec: &str) -> Result<Fault, String> {
    let rest = &spec["redirect:".len()..];
    let (status, location) = match rest.split_once(':') {
        Some((status, location)) => (status, location.to_string()),
        None => (rest, DEFAULT_REDIRECT.to_string()),
    };
    let status: u16 = status
        .parse()
        .ok()
        .filter(|s| matches!(s, 301 | 302 | 303 | 307 | 308))
        .ok_or_else(|| {
            format!("invalid redirect status {status:?}: expected 301, 302, 303, 307 or 308")
        })?;
    if !location.contains("://") {
        return Err(format!(
            "invalid redirect target {location:?}: expected a URL such as http://127.0.0.1:9"
        ));
    }
    Ok(Fault::Redirect { status, location })
}

/// Parses a `--fault NAME=KIND` argument (for clap's `value_parser`).
///
/// The cluster name is not checked here: [`crate::SimFleet::start`] refuses
/// names that are not in the fleet.
pub fn parse_fault_arg(s: &str) -> Result<(String, Fault), String> {
    let (name, kind) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=KIND, e.g. sim-2=hang; got {s:?}"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("missing cluster name in {s:?}; expected NAME=KIND"));
    }
    Ok((name.to_string(), kind.parse()?))
}

/// Wraps a message in the hostile text the `escape` fault injects: a colour
/// change, a window-title (OSC) sequence with BEL, and a right-to-left override.
pub(crate) fn poison(message: &str) -> String {
    format!("\x1b[31m{message}\x1b[0m\x1b]0;pwned\x07 \u{202e}txt.exe\u{202c}")
}
