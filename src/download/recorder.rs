//! The recorder: the one owner of the audit log and the journal.
//!
//! Every front end records through it, the same lines in the same order: an `attempt`
//! before a request is sent (and nothing is sent when it cannot be written), the answer,
//! a download attached to, and the end of every followed download (whose journal entry
//! then goes, unless following was given up: the download may still run). It writes on
//! a thread of its own, so neither a slow disk nor another ontop process holding the
//! journal's lock can stall a screen or a poller. After each record it tells the front
//! end what was recorded, or that recording failed ([`Note`]): a record that could not
//! be written is never silent.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::oneshot;

use super::audit::{AuditEvent, AuditLog, AuditRecord, AuditResult};
use super::ending::Ending;
use super::journal::{Journal, JournalEntry, ValidatedEntry};
use super::start::StartOutcome;
use super::tracker::Operation;

/// What is recorded. Every URL in here is already masked.
#[derive(Debug, Clone)]
pub(crate) enum Record {
    /// A request is about to be sent: written and flushed first, or nothing is sent.
    /// `retry`: sent again after "temporarily locked".
    Attempt {
        cluster: String,
        operation: Operation,
        retry: bool,
    },
    /// The cluster answered the request (or could not be asked).
    Answer {
        cluster: String,
        operation: Operation,
        outcome: StartOutcome,
        at: Timestamp,
    },
    /// A download already running was chosen: no request, followed (by its job when
    /// the cluster named one).
    Attached {
        cluster: String,
        server_username: Option<String>,
        job: Option<String>,
    },
    /// A followed operation ended.
    Ended {
        cluster: String,
        operation: Operation,
        job: Option<String>,
        ending: Ending,
    },
}

impl Record {
    fn cluster(&self) -> &str {
        match self {
            Self::Attempt { cluster, .. }
            | Self::Answer { cluster, .. }
            | Self::Attached { cluster, .. }
            | Self::Ended { cluster, .. } => cluster,
        }
    }
}

/// Why something could not be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// There is no place for the audit log (no data dir): nothing may be started.
    #[error("{0}")]
    NoAuditLog(String),
    /// The audit log could not be written.
    #[error("audit log {}: {reason}", path.display())]
    Audit { path: PathBuf, reason: String },
    /// The journal could not be changed.
    #[error("journal {}: {reason}", path.display())]
    Journal { path: PathBuf, reason: String },
    /// The recorder thread is gone (the program is ending).
    #[error("the recorder has stopped")]
    Stopped,
}

/// What the recorder tells a front end after recording, when the front end must know.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Note {
    /// Something could not be recorded: show it; it is not silent.
    RecordFailed { cluster: String, error: RecordError },
    /// The journal could not be read (and was left in place, or set aside).
    Warning(String),
}

/// Where notes go: the dashboard turns them into events; a command collects them.
pub(crate) type Notify = Arc<dyn Fn(Note) + Send + Sync>;

enum Request {
    Write(
        Box<Record>,
        Option<oneshot::Sender<Result<(), RecordError>>>,
    ),
    Flush(oneshot::Sender<()>),
    /// Read the journal again (other processes may have added to it).
    Reread(oneshot::Sender<Vec<JournalEntry>>),
}

/// A handle to the recorder thread; cheap to clone. The thread ends when the last
/// handle is dropped, after writing what it was given.
#[derive(Clone)]
pub(crate) struct Recorder {
    requests: std_mpsc::Sender<Request>,
    journal: Arc<Journal>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Recorder")
    }
}

impl Recorder {
    /// Starts the recorder over `audit` and `journal`, telling `notify` what it did.
    pub(crate) fn start(audit: AuditLog, journal: Journal, notify: Notify) -> Self {
        let journal = Arc::new(journal);
        let (requests, inbox) = std_mpsc::channel::<Request>();
        let books = Books {
            audit,
            journal: journal.clone(),
            notify,
        };
        let spawned = std::thread::Builder::new()
            .name("ontop-recorder".into())
            .spawn(move || books.run(inbox));
        if let Err(e) = spawned {
            tracing::error!("cannot start the recorder thread: {e}");
        }
        Self { requests, journal }
    }

    /// The journal's entries as read at start (and kept up to date by the recorder).
    pub(crate) fn journal(&self) -> &Journal {
        &self.journal
    }

    /// The journal as it is on disk now, read on the recorder's thread (so a journal
    /// lock held elsewhere never stalls the caller's task); what went wrong reading it
    /// comes as a [`Note::Warning`]. Empty when the recorder has stopped.
    pub(crate) async fn reread_journal(&self) -> Vec<JournalEntry> {
        let (done, read) = oneshot::channel();
        if self.requests.send(Request::Reread(done)).is_err() {
            return Vec::new();
        }
        read.await.unwrap_or_default()
    }

    /// Records and waits until it is written; the error says what could not be.
    pub(crate) async fn record(&self, record: Record) -> Result<(), RecordError> {
        let (done, written) = oneshot::channel();
        self.requests
            .send(Request::Write(Box::new(record), Some(done)))
            .map_err(|_| RecordError::Stopped)?;
        written.await.unwrap_or(Err(RecordError::Stopped))
    }

    /// Records without waiting; a failure becomes a [`Note::RecordFailed`].
    pub(crate) fn submit(&self, record: Record) {
        let _ = self.requests.send(Request::Write(Box::new(record), None));
    }

    /// Waits, at most `limit`, until everything given so far is written; false when the
    /// limit came first (a journal lock held elsewhere, a hung disk).
    pub(crate) async fn flush(&self, limit: Duration) -> bool {
        let (done, flushed) = oneshot::channel();
        if self.requests.send(Request::Flush(done)).is_err() {
            return true;
        }
        tokio::time::timeout(limit, flushed).await.is_ok()
    }
}

/// The recorder thread's own state.
struct Books {
    audit: AuditLog,
    journal: Arc<Journal>,
    notify: Notify,
}

impl Books {
    fn run(self, inbox: std_mpsc::Receiver<Request>) {
        self.say_warnings();
        for request in inbox {
            match request {
                Request::Write(record, done) => {
                    let cluster = record.cluster().to_string();
                    let written = self.write(*record);
                    if let Err(error) = &written {
                        tracing::error!("{cluster}: {error}");
                        let error = error.clone();
                        (self.notify)(Note::RecordFailed { cluster, error });
                    }
                    if let Some(done) = done {
                        let _ = done.send(written);
                    }
                }
                Request::Flush(done) => {
                    let _ = done.send(());
                }
                Request::Reread(done) => {
                    let _ = done.send(self.journal.reread());
                }
            }
            self.say_warnings();
        }
    }

    fn say_warnings(&self) {
        for warning in self.journal.take_warnings() {
            (self.notify)(Note::Warning(warning));
        }
    }

    fn write(&self, record: Record) -> Result<(), RecordError> {
        match record {
            Record::Attempt {
                cluster,
                operation,
                retry,
            } => {
                let result = if retry {
                    AuditResult::Retried
                } else {
                    AuditResult::Requested
                };
                let line = line_for(Step::Attempt, &cluster, &operation, result);
                self.audit.append(&line)
            }
            Record::Answer {
                cluster,
                operation,
                outcome,
                at,
            } => self.answer(cluster, operation, outcome, at),
            Record::Attached {
                cluster,
                server_username,
                job,
            } => {
                let mut line =
                    AuditRecord::now(AuditEvent::Start, &cluster, "-", AuditResult::Attached);
                line.server_username = server_username;
                line.job = job;
                line.message = Some("already downloading: no request sent, following it".into());
                self.audit.append(&line)
            }
            Record::Ended {
                cluster,
                operation,
                job,
                ending,
            } => self.ended(cluster, operation, job, ending),
        }
    }

    fn answer(
        &self,
        cluster: String,
        operation: Operation,
        outcome: StartOutcome,
        at: Timestamp,
    ) -> Result<(), RecordError> {
        let mut line = line_for(Step::Answer, &cluster, &operation, outcome.audit_result());
        line.job = outcome.job().map(str::to_string);
        if let StartOutcome::Refused(e) = &outcome {
            line.code = e.code;
            line.message = Some(format!("{}: {}", e.kind, e.message));
        }
        if let StartOutcome::NotSent(reason) = &outcome {
            line.message = Some(reason.to_string());
        }
        let audited = self.audit.append(&line);
        // Only downloads are journaled: a later ontop follows them again.
        if let (StartOutcome::Started { job }, Operation::Download { .. }) = (&outcome, &operation)
        {
            let entry = JournalEntry {
                cluster,
                job: job.clone(),
                url: operation.url().to_string(),
                server_username: operation.server_username().map(str::to_string),
                started_at: at.to_string(),
            };
            self.journal.add(entry)?;
        }
        audited
    }

    fn ended(
        &self,
        cluster: String,
        operation: Operation,
        job: Option<String>,
        ending: Ending,
    ) -> Result<(), RecordError> {
        let mut line = line_for(Step::End, &cluster, &operation, ending.audit_result());
        line.job = job.clone();
        line.code = ending.code();
        line.message = Some(ending.describe());
        let audited = self.audit.append(&line);
        // Kept when following was given up: a later ontop resumes it.
        let journaled = match (&job, &ending, &operation) {
            (Some(job), e, Operation::Download { .. }) if !matches!(e, Ending::GaveUp { .. }) => {
                self.journal.remove(&cluster, job)
            }
            // ONTAP's results name neither the release nor the time: the journal does.
            (_, Ending::Validated { .. }, Operation::Validation { version }) => {
                self.journal.note_validated(ValidatedEntry {
                    cluster,
                    version: version.clone(),
                    at: Timestamp::now().to_string(),
                })
            }
            _ => Ok(()),
        };
        audited.and(journaled)
    }
}

/// Where in an operation's life a line is written.
#[derive(Debug, Clone, Copy)]
enum Step {
    Attempt,
    Answer,
    End,
}

/// The audit line for `step` of `operation` on `cluster`: the event names differ by
/// kind (`attempt`/`start`/`end` for downloads, `delete_attempt`/`delete`/`delete_end`
/// for removals), the rest is shared.
fn line_for(step: Step, cluster: &str, operation: &Operation, result: AuditResult) -> AuditRecord {
    use AuditEvent as E;
    let event = match (operation, step) {
        (Operation::Download { .. }, Step::Attempt) => E::Attempt,
        (Operation::Download { .. }, Step::Answer) => E::Start,
        (Operation::Download { .. }, Step::End) => E::End,
        (Operation::Removal { .. }, Step::Attempt) => E::DeleteAttempt,
        (Operation::Removal { .. }, Step::Answer) => E::Delete,
        (Operation::Removal { .. }, Step::End) => E::DeleteEnd,
        (Operation::Upload(_), Step::Attempt) => E::UploadAttempt,
        (Operation::Upload(_), Step::Answer) => E::Upload,
        (Operation::Upload(_), Step::End) => E::UploadEnd,
        (Operation::Validation { .. }, Step::Attempt) => E::ValidateAttempt,
        (Operation::Validation { .. }, Step::Answer) => E::Validate,
        (Operation::Validation { .. }, Step::End) => E::ValidateEnd,
    };
    let mut line = AuditRecord::now(event, cluster, operation.url(), result);
    line.server_username = operation.server_username().map(str::to_string);
    line.package = operation.version().map(str::to_string);
    if let Some(file) = operation.upload() {
        line.package = Some(file.name.clone());
        line.sha256 = Some(file.sha256.clone());
        line.bytes = Some(file.size);
    }
    line
}
