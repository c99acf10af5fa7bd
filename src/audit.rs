//! The audit log: one JSON line per download start attempt and per end, appended to
//! `<data dir>/audit.jsonl` by the dashboard and by `ontop download` alike.
//!
//! It answers "who pushed what to which cluster, when, and how did it end" after the
//! fact. It never holds a password: URLs are masked and server passwords never reach it.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use jiff::Timestamp;
use serde::Serialize;

/// The file name inside the data dir.
pub const AUDIT_FILE: &str = "audit.jsonl";

/// One line of the audit log.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditRecord {
    pub time: String,
    /// `start` for an attempt, `end` when a followed download ended.
    pub event: &'static str,
    pub user: String,
    pub host: String,
    pub cluster: String,
    /// Credentials masked.
    pub url: String,
    pub server_username: Option<String>,
    pub job: Option<String>,
    /// started, attached, already_present, refused, read_only, success, failure, gave_up.
    pub result: String,
    pub code: Option<i64>,
    pub message: Option<String>,
}

impl AuditRecord {
    /// A record stamped now, by this user on this host.
    pub fn now(event: &'static str, cluster: &str, url: &str, result: &str) -> Self {
        Self {
            time: Timestamp::now().to_string(),
            event,
            user: local_user(),
            host: local_host(),
            cluster: cluster.to_string(),
            url: url.to_string(),
            server_username: None,
            job: None,
            result: result.to_string(),
            code: None,
            message: None,
        }
    }
}

/// The append-only log. Writes are serialised so lines never interleave.
#[derive(Debug)]
pub struct AuditLog {
    path: Option<PathBuf>,
    lock: Mutex<()>,
}

impl AuditLog {
    /// The log in `dir` (created on first write); `None` disables it, e.g. when the
    /// platform has no data dir.
    pub fn new(dir: Option<&Path>) -> Self {
        Self {
            path: dir.map(|d| d.join(AUDIT_FILE)),
            lock: Mutex::new(()),
        }
    }

    /// Where the log is written, when it is.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Appends one line. A failure is returned for the caller to show; it never stops
    /// a download that is already under way.
    pub fn append(&self, record: &AuditRecord) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let mut line = serde_json::to_string(record).map_err(std::io::Error::other)?;
        line.push('\n');
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        // One write of one line: with O_APPEND, concurrent ontop processes do not
        // interleave their lines.
        options.open(path)?.write_all(line.as_bytes())
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
    #[test]
    fn the_user_is_named_from_the_account_not_the_environment() {
        let user = super::local_user();
        assert!(!user.is_empty() && user != "unknown", "{user}");
    }
}
