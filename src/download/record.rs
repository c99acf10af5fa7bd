//! The audit trail every front end leaves beyond the POSTs themselves (which
//! [`super::start`] records): attaching to a running download, and the end of a
//! followed download with its journal entry. One place, so the dashboard and
//! `ontop download` leave the same trail.

use super::follow::Ending;
use super::spec::DownloadSpec;
use crate::audit::{AuditLog, AuditRecord};
use crate::journal::Journal;

/// One ended download, as the audit log and the journal need it.
#[derive(Debug, Clone, Copy)]
pub struct EndRecord<'a> {
    pub cluster: &'a str,
    /// The package URL, credentials masked.
    pub url: &'a str,
    pub server_username: Option<&'a str>,
    /// The job the start created, when it created one.
    pub job: Option<&'a str>,
    pub ending: &'a Ending,
}

/// Appends the `end` line and forgets the job (kept when ontop gave up following, so a
/// later dashboard resumes it). Returns what could not be written, for the caller to
/// show in its own way; a failure never stops anything.
pub fn record_end(record: EndRecord<'_>, audit: &AuditLog, journal: &Journal) -> Vec<String> {
    let mut problems = Vec::new();
    let ending = record.ending;
    let mut line = AuditRecord::now("end", record.cluster, record.url, ending.result_word());
    line.server_username = record.server_username.map(str::to_string);
    line.job = record.job.map(str::to_string);
    line.code = ending.code();
    line.message = Some(ending.describe());
    if let Err(e) = audit.append(&line) {
        problems.push(format!(
            "audit log: cannot append the end on {}: {e}",
            record.cluster
        ));
    }
    let may_still_run = matches!(ending, Ending::GaveUp { .. });
    if let (Some(job), false) = (record.job, may_still_run)
        && let Err(e) = journal.remove(record.cluster, job)
    {
        problems.push(format!(
            "journal: cannot forget {} job {job}: {e}",
            record.cluster
        ));
    }
    problems
}

/// Audits that `cluster` was chosen but already downloading: no request was sent, and
/// the running download is followed. Returns the error text when the line could not be
/// written.
pub fn record_attached(cluster: &str, spec: &DownloadSpec, audit: &AuditLog) -> Option<String> {
    let mut line = AuditRecord::now("start", cluster, &spec.masked_url(), "attached");
    line.server_username = spec.username.clone();
    line.message = Some("already downloading: no request sent, following it".into());
    audit
        .append(&line)
        .err()
        .map(|e| format!("audit log: cannot append for {cluster}: {e}"))
}
