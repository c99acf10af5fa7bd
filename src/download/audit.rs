//! The audit log: one JSON line per attempt, per answer and per end of every change ontop
//! makes to a cluster (downloads, uploads, package removals) and of every validation it
//! asks for, appended to
//! `<data dir>/audit.jsonl` (0600, in a 0700 dir) by the recorder, whichever front end
//! asked. Events and results are closed vocabularies ([`AuditEvent`], [`AuditResult`]).
//!
//! It answers "who pushed what to which cluster, when, and how did it end" after the
//! fact. An attempt is written and flushed before its request is sent; when it cannot
//! be, nothing is sent. It never holds a password: URLs are masked (user-info password
//! and query), and server passwords never reach it.

use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::Serialize;

use super::recorder::RecordError;
use crate::files;

/// The file name inside the data dir.
pub(crate) const AUDIT_FILE: &str = "audit.jsonl";

/// What a line of the audit log is about.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum AuditEvent {
    /// A download request is about to be sent (written first, or nothing is sent).
    Attempt,
    /// The cluster's answer to a download request, or a download attached to.
    Start,
    /// A followed download ended.
    End,
    /// A package removal is about to be sent.
    DeleteAttempt,
    /// The cluster's answer to a removal.
    Delete,
    /// A followed removal ended.
    DeleteEnd,
    /// An image is about to be uploaded from this host.
    UploadAttempt,
    /// The cluster's answer to an upload (once the image was sent, or cut off).
    Upload,
    /// A followed upload ended.
    UploadEnd,
    /// A validation of a release is about to be asked for.
    ValidateAttempt,
    /// The cluster's answer to a validation request.
    Validate,
    /// A followed validation ended (with its findings' count in the message).
    ValidateEnd,
}

/// The outcome a line records, one closed vocabulary for every event.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum AuditResult {
    /// Before the request: it is about to be sent.
    Requested,
    /// Sent again after "temporarily locked".
    Retried,
    Started,
    Finished,
    Attached,
    AlreadyPresent,
    ReadOnly,
    Refused,
    /// Sent, and no answer came in time: the cluster may have taken it.
    Unanswered,
    NotSent,
    Success,
    Failure,
    GaveUp,
    /// The job is gone and how it ended cannot be known.
    Unknown,
    /// An upload stopped by the operator on its way.
    Stopped,
}

/// One line of the audit log.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct AuditRecord {
    pub time: String,
    pub event: AuditEvent,
    pub user: String,
    pub host: String,
    pub cluster: String,
    /// Credentials and query masked; `-` when the event has no URL.
    pub url: String,
    pub server_username: Option<String>,
    pub job: Option<String>,
    pub result: AuditResult,
    pub code: Option<i64>,
    pub message: Option<String>,
    /// The package version a removal or a validation is about, or the image
    /// file an upload sends (the `upload*` events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// The SHA-256 of the image an upload sends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The size of the image an upload sends, in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
}

impl AuditRecord {
    /// A record stamped now, by this user on this host.
    pub(crate) fn now(event: AuditEvent, cluster: &str, url: &str, result: AuditResult) -> Self {
        Self {
            time: Timestamp::now().to_string(),
            event,
            user: local_user(),
            host: local_host(),
            cluster: cluster.to_string(),
            url: url.to_string(),
            server_username: None,
            job: None,
            result,
            code: None,
            message: None,
            package: None,
            sha256: None,
            bytes: None,
        }
    }
}

/// Where the log goes: a file, nowhere on purpose (the demo's clusters vanish with it),
/// or nowhere because there is no place (then nothing may be started).
#[derive(Debug)]
enum Target {
    File(PathBuf),
    Disabled,
    Unavailable(String),
}

/// The append-only log. Only the recorder writes it, one line at a time.
#[derive(Debug)]
pub struct AuditLog {
    target: Target,
}

impl AuditLog {
    /// The log in `dir` (created 0700 on first write); without a data dir nothing can
    /// be audited, so nothing can be started.
    pub fn new(dir: Option<&Path>) -> Self {
        let target = match dir {
            Some(dir) => Target::File(dir.join(AUDIT_FILE)),
            None => Target::Unavailable(
                "there is no data dir for the audit log (no home directory?): set \
                 XDG_DATA_HOME or HOME"
                    .into(),
            ),
        };
        Self { target }
    }

    /// No log at all, for the demo fleet (its downloads go to simulated clusters).
    pub fn disabled() -> Self {
        Self {
            target: Target::Disabled,
        }
    }

    /// Appends one line and flushes it to the disk. The error says which file and why.
    pub(crate) fn append(&self, record: &AuditRecord) -> Result<(), RecordError> {
        let path = match &self.target {
            Target::File(path) => path,
            Target::Disabled => return Ok(()),
            Target::Unavailable(why) => return Err(RecordError::NoAuditLog(why.clone())),
        };
        let failed = |e: &dyn std::fmt::Display| RecordError::Audit {
            path: path.clone(),
            reason: e.to_string(),
        };
        let mut line = serde_json::to_string(record).map_err(|e| failed(&e))?;
        line.push('\n');
        let write = || -> std::io::Result<()> {
            if let Some(dir) = path.parent() {
                files::private_dir(dir)?;
            }
            let mut file = files::append_private(path)?;
            // One write of one line: with O_APPEND, concurrent ontop processes do not
            // interleave their lines.
            file.write_all(line.as_bytes())?;
            file.sync_data()
        };
        write().map_err(|e| failed(&e))
    }
}

/// The account running ontop, from its uid (not `$USER`, which any shell can set, and
/// which cron leaves empty); the environment only when the account cannot be looked up.
fn local_user() -> String {
    whoami::account()
        .ok()
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var("USER").ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

fn local_host() -> String {
    whoami::hostname()
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_is_named_from_the_account_not_the_environment() {
        let user = local_user();
        assert!(!user.is_empty() && user != "unknown", "{user}");
    }

    #[test]
    fn without_a_data_dir_nothing_can_be_audited() {
        let log = AuditLog::new(None);
        let error = log
            .append(&AuditRecord::now(
                AuditEvent::Attempt,
                "c",
                "u",
                AuditResult::Requested,
            ))
            .unwrap_err();
        assert!(error.to_string().contains("no data dir"), "{error}");
        assert!(
            AuditLog::disabled()
                .append(&AuditRecord::now(
                    AuditEvent::Attempt,
                    "c",
                    "u",
                    AuditResult::Requested
                ))
                .is_ok()
        );
    }
}
