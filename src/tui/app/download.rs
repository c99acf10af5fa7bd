//! From `d` to a confirmed start, and the words for a download that ended.
//!
//! `d` goes through `App::download_choice`, the one place in the screen that decides
//! whether a download may be offered (read-only first). The form checks the URL; the
//! confirmation shows the plan made from the model at that moment, with every skipped
//! cluster and its reason; only `y` produces [`AppCommand::StartDownloads`]. Read-only is
//! enforced once more, for real, in the client that sends the POST.

use crossterm::event::KeyEvent;
use jiff::{SignedDuration, Timestamp};

use super::navigation::typed_char;
use super::{App, AppCommand, Confirmation, Dialog, DownloadForm};
use crate::download::{Candidate, Ending, Plan, plan};
use crate::ontap::{JobState, hint_for_code};
use crate::state::{ClusterState, Health, SessionPhase};

/// How long the message about an ended download stays: long enough to be read by
/// someone who comes back to the screen at the bell.
const ENDING_STATUS_FOR: SignedDuration = SignedDuration::from_secs(60);

/// Names listed in a one-line message before "and N more".
const NAMES_IN_A_LINE: usize = 3;

/// A session download that just ended, with what the audit log and the journal need.
#[derive(Debug, Clone, PartialEq)]
pub struct EndedDownload {
    pub cluster: usize,
    pub name: String,
    /// The package URL, credentials masked.
    pub url: String,
    /// The job the start created, when it created one.
    pub job: Option<String>,
    pub ending: Ending,
}

impl App {
    /// The one place that decides whether a download may be offered, and says why not.
    /// The chosen clusters are the marked ones, else the one the keys act on.
    pub(super) fn download_choice(&self) -> Result<Vec<usize>, String> {
        let chosen: Vec<usize> = if self.marks.is_empty() {
            self.target().into_iter().collect()
        } else {
            self.marked().collect()
        };
        if chosen.is_empty() {
            return Err("no cluster selected".to_string());
        }
        let name = |&c: &usize| self.model.clusters[c].identity.name.as_str();
        if self.read_only {
            let names: Vec<&str> = chosen.iter().map(name).collect();
            return Err(format!(
                "read-only: downloads are disabled for {} (--read-only)",
                names_line(&names)
            ));
        }
        let read_only: Vec<&str> = chosen
            .iter()
            .filter(|&&c| self.model.clusters[c].identity.read_only)
            .map(name)
            .collect();
        if read_only.len() == chosen.len() {
            let verb = if read_only.len() == 1 { "is" } else { "are" };
            return Err(format!(
                "{} {verb} read-only: downloads are disabled",
                names_line(&read_only)
            ));
        }
        Ok(chosen)
    }

    /// `d`: the form for the chosen clusters, or the reason there is none.
    pub(super) fn open_form(&mut self, now: Timestamp) {
        match self.download_choice() {
            Ok(chosen) => {
                let (url, username) = &self.form_defaults;
                let form = DownloadForm::new(chosen, url.as_deref(), username.as_deref());
                self.dialog = Some(Dialog::Form(form));
            }
            Err(refusal) => self.say(refusal, now),
        }
    }

    pub(super) fn type_into_form(&mut self, key: KeyEvent) {
        if let Some(c) = typed_char(&key) {
            self.edit_form(|form| form.type_char(c));
        }
    }

    pub(super) fn edit_form(&mut self, edit: impl FnOnce(&mut DownloadForm)) {
        if let Some(Dialog::Form(form)) = &mut self.dialog {
            edit(form);
        }
    }

    /// `Enter` in the form: a bad URL stays in the form with its reason; a good one
    /// moves on to the confirmation, planned from what the model knows now.
    pub(super) fn submit_form(&mut self, now: Timestamp) {
        let Some(Dialog::Form(form)) = &mut self.dialog else {
            return;
        };
        let Some(spec) = form.submit() else {
            return;
        };
        let chosen = form.chosen().to_vec();
        let plan = self.plan_for(&chosen, now);
        // The form, and what is left of the password in it, is dropped (and wiped) here.
        self.dialog = Some(Dialog::Confirm(Confirmation::new(spec, plan)));
        self.confirm_scroll = 0;
    }

    /// `y`: hands the download to the event loop and forgets the marks it served.
    pub(super) fn confirm_start(&mut self, now: Timestamp) -> Vec<AppCommand> {
        let Some(Dialog::Confirm(confirmation)) = self.dialog.take() else {
            return Vec::new();
        };
        let mut request = confirmation.into_request();
        if let Some(request) = &mut request {
            // A download this session already follows must not be re-attached: that
            // would drop its job and could end it on the previous download's status.
            request.attach.retain(|&i| {
                self.model.clusters[i]
                    .session
                    .as_ref()
                    .is_none_or(|s| !s.in_flight())
            });
        }
        let Some(request) = request.filter(|r| !r.targets.is_empty() || !r.attach.is_empty())
        else {
            self.say(
                "nothing to start: every chosen cluster is skipped or already followed".into(),
                now,
            );
            return Vec::new();
        };
        let n = request.targets.len();
        let noun = if n == 1 { "cluster" } else { "clusters" };
        self.say(format!("starting the download on {n} {noun}"), now);
        self.marks.clear();
        vec![AppCommand::StartDownloads(request)]
    }

    /// `Esc` (or `n`): closes the dialog; nothing is started and the password is dropped.
    pub(super) fn cancel_dialog(&mut self, now: Timestamp) {
        if self.dialog.take().is_some() {
            self.say("download cancelled: nothing was started".into(), now);
        }
    }

    /// Which of `chosen` a download would go to now, and why the others would not.
    pub fn plan_for(&self, chosen: &[usize], now: Timestamp) -> Plan {
        plan(chosen.iter().filter_map(|&cluster| {
            let c = self.model.clusters.get(cluster)?;
            Some(Candidate {
                cluster,
                name: c.identity.name.clone(),
                read_only: self.read_only || c.identity.read_only,
                downloading: is_downloading(c),
                failing: failing_reason(c, now),
            })
        }))
    }

    /// The session downloads that ended since the last call, each once: the status line
    /// says how they ended; the caller rings the bell and writes the audit log and the
    /// journal.
    pub fn take_endings(&mut self, now: Timestamp) -> Vec<EndedDownload> {
        let ended: Vec<EndedDownload> = self
            .model
            .take_endings()
            .into_iter()
            .map(|(cluster, ending)| {
                let c = &self.model.clusters[cluster];
                let session = c.session.as_ref();
                EndedDownload {
                    cluster,
                    name: c.identity.name.clone(),
                    url: session.map(|s| s.url.clone()).unwrap_or_default(),
                    job: session.and_then(|s| s.started_job.clone()),
                    ending,
                }
            })
            .collect();
        if let Some(text) = endings_message(&ended) {
            self.say_for(text, ENDING_STATUS_FOR, now);
        }
        ended
    }
}

/// A download runs there already: its state says so, this session started one that has
/// not ended, or a followed job has not ended.
fn is_downloading(c: &ClusterState) -> bool {
    let running = matches!(
        c.download_state(),
        Some(crate::ontap::DownloadState::Running)
    );
    let session = c.session.as_ref().is_some_and(|s| s.in_flight());
    let job = c
        .job_state()
        .is_some_and(|s| !matches!(s, JobState::Success | JobState::Failure));
    running || session || job
}

/// Why a cluster cannot take a download now: it does not answer, or has not yet.
fn failing_reason(c: &ClusterState, now: Timestamp) -> Option<String> {
    match c.health(now) {
        Health::Failing => Some(match &c.last_error {
            Some(e) => format!("{}: {}", e.kind, e.message),
            None => "the last poll failed".to_string(),
        }),
        Health::Unknown => Some("no answer yet".to_string()),
        Health::Ok | Health::Stale => None,
    }
}

/// The status line for downloads that just ended: each one when it is alone, a count
/// and the ones that did not succeed when several end at once.
fn endings_message(ended: &[EndedDownload]) -> Option<String> {
    match ended {
        [] => None,
        [one] => Some(ending_message(&one.name, &one.ending)),
        many => {
            let failed: Vec<&str> = many
                .iter()
                .filter(|e| !e.ending.is_success())
                .map(|e| e.name.as_str())
                .collect();
            let ok = many.len() - failed.len();
            let mut text = format!("{} downloads ended: {ok} succeeded", many.len());
            if !failed.is_empty() {
                let n = failed.len();
                text.push_str(&format!(", {n} did not ({})", names_line(&failed)));
            }
            Some(text)
        }
    }
}

/// "prod-ams-1: download success", "dr-fra-1: download failure 10551885: check the URL…".
pub fn ending_message(name: &str, ending: &Ending) -> String {
    let how = match ending {
        Ending::Success { .. } => "success".to_string(),
        Ending::AlreadyPresent => "success (already present)".to_string(),
        Ending::Failure {
            code: Some(code),
            message,
        } => format!(
            "failure {code}: {}",
            hint_for_code(*code).unwrap_or(message)
        ),
        Ending::Failure {
            code: None,
            message,
        } => format!("failure: {message}"),
        Ending::Refused(e) => match e.code {
            Some(code) => format!("refused {code}: {}", e.hint()),
            None => format!("refused: {}", e.message),
        },
        Ending::GaveUp { reason } => format!("no longer followed: {reason}"),
    };
    format!("{name}: download {how}")
}

/// "a, b and c", or "a, b, c and 4 more".
fn names_line(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        _ if names.len() <= NAMES_IN_A_LINE => {
            let (last, rest) = names.split_last().unwrap_or((&"", &[]));
            format!("{} and {last}", rest.join(", "))
        }
        _ => format!(
            "{} and {} more",
            names[..NAMES_IN_A_LINE].join(", "),
            names.len() - NAMES_IN_A_LINE
        ),
    }
}

/// Whether a session download is over and how, for the views.
pub fn session_ending(c: &ClusterState) -> Option<&Ending> {
    match &c.session.as_ref()?.phase {
        SessionPhase::Ended { ending, .. } => Some(ending),
        _ => None,
    }
}
