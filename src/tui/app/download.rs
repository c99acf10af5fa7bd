//! From `d` to a confirmed start, and what the screen says when a followed download ends.
//!
//! `d` goes through `App::download_choice`, the one place in the screen that decides
//! whether a download may be offered (read-only first). The form checks the URL; the
//! confirmation shows the engine's plan made from the model at that moment, with every
//! skipped cluster and its reason; only `y` produces [`AppCommand::StartDownloads`].
//! Read-only is enforced once more, for real, in the client that sends the POST.

use jiff::{SignedDuration, Timestamp};

use super::{App, AppCommand, Confirmation, Dialog, DownloadForm};
use crate::download::Planned;
use crate::download::{Ending, OperationKind, Origin, Phase, Plan};
use crate::engine::Update;
use crate::state::OpenOperations;
use crate::tui::keymap::{Action, Context, key_for};

/// How long the message about an ended download stays: long enough to be read by
/// someone who comes back to the screen at the bell.
const ENDING_STATUS_FOR: SignedDuration = SignedDuration::from_secs(30);

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
        if self.read_only() {
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

    /// Chosen clusters the filter does not show.
    pub(super) fn hidden_among(&self, chosen: &[usize]) -> usize {
        chosen.iter().filter(|c| !self.rows.contains(c)).count()
    }

    /// `d`: the form for the chosen clusters, or the reason there is none.
    pub(super) fn open_form(&mut self, now: Timestamp) {
        match self.download_choice() {
            Ok(chosen) => {
                let defaults = &self.form_defaults;
                let (url, username) = (defaults.url.as_deref(), defaults.username.as_deref());
                let hidden = self.hidden_among(&chosen);
                let form = DownloadForm::new(chosen, url, username).with_hidden(hidden);
                self.dialog = Some(Dialog::Form(form));
            }
            Err(refusal) => self.say(refusal, now),
        }
    }

    pub(super) fn edit_form(&mut self, edit: impl FnOnce(&mut DownloadForm)) {
        if let Some(Dialog::Form(form)) = &mut self.dialog {
            edit(form);
        }
    }

    /// `Enter` in the form: a bad URL stays in the form with its reason; a good one
    /// moves on to the confirmation, planned from what the model knows now. A file on
    /// this host is read first (`upload.rs`).
    pub(super) fn submit_form(&mut self, now: Timestamp) -> Vec<AppCommand> {
        let Some(Dialog::Form(form)) = &mut self.dialog else {
            return Vec::new();
        };
        if form.local().is_some() {
            return self.submit_upload();
        }
        let Some(spec) = form.submit() else {
            return Vec::new();
        };
        let chosen = form.chosen().to_vec();
        let version = crate::download::image_version(spec.url().as_str());
        let plan = self.plan_for(&chosen, version.as_deref(), now);
        let hidden = self.hidden_among(&chosen);
        let groups = self.by_source(&spec, &plan);
        // The form, and what is left of the password in it, is dropped (and wiped) here.
        let confirmation = Confirmation::new(spec, plan, hidden).with_groups(groups);
        self.dialog = Some(Dialog::Confirm(confirmation));
        Vec::new()
    }

    /// The plan's targets by the (masked) URL each will fetch: the engine's rule, over
    /// the mirrors and the labels the model knows.
    fn by_source(
        &self,
        spec: &crate::download::DownloadSpec,
        plan: &Plan,
    ) -> Vec<(String, Vec<String>)> {
        let targets = plan
            .targets
            .iter()
            .filter_map(|&Planned { cluster: c, .. }| {
                let identity = &self.model.clusters.get(c)?.identity;
                Some((identity.name.as_str(), &identity.labels))
            });
        crate::download::sources::by_source(spec, &self.mirrors, targets)
            .into_iter()
            .map(|(url, names)| (url, names.into_iter().map(String::from).collect()))
            .collect()
    }

    /// `y`: hands the download to the event loop and forgets the marks it served.
    pub(super) fn confirm_start(&mut self, now: Timestamp) -> Vec<AppCommand> {
        let Some(Dialog::Confirm(confirmation)) = self.dialog.take() else {
            return Vec::new();
        };
        let Some(command) = confirmation.into_command() else {
            self.say(
                "nothing to start: every chosen cluster is skipped or already followed".into(),
                now,
            );
            return Vec::new();
        };
        self.marks.clear();
        let request = match command {
            AppCommand::StartDownloads(request) => request,
            AppCommand::StartUploads(request) => {
                let n = request.plan.targets.len();
                let name = &request.source.file.name;
                self.say(format!("uploading {name} to {}", clusters(n)), now);
                return vec![AppCommand::StartUploads(request)];
            }
            _ => return Vec::new(),
        };
        let (n, attached) = (request.plan.targets.len(), request.plan.attach.len());
        let following = format!("following {} already downloading", clusters(attached));
        let text = match (n, attached) {
            (0, _) => following,
            (_, 0) => format!("starting the download on {}", clusters(n)),
            _ => format!("starting the download on {}, {following}", clusters(n)),
        };
        self.say(text, now);
        vec![AppCommand::StartDownloads(request)]
    }

    /// `Esc` (or `n`): closes the dialog; nothing is started or changed, and a
    /// password typed is dropped (and wiped).
    pub(super) fn cancel_dialog(&mut self, now: Timestamp) {
        let text = match self.dialog.take() {
            None | Some(Dialog::Sort) => return,
            Some(Dialog::Form(form)) if form.local().is_some() => {
                "upload cancelled: nothing was sent"
            }
            Some(Dialog::Confirm(c)) if c.spec().is_none() => "upload cancelled: nothing was sent",
            Some(Dialog::Form(_) | Dialog::Confirm(_)) => "download cancelled: nothing was started",
            Some(Dialog::Remove(_)) => "removal cancelled: nothing was removed",
            Some(Dialog::Version(_) | Dialog::ValidateConfirm(_)) => {
                "validation cancelled: nothing was sent"
            }
            Some(Dialog::Password(_)) => "password not changed",
            Some(Dialog::StopUpload(cluster)) => {
                self.dialog = Some(Dialog::StopUpload(cluster));
                return self.keep_upload(now);
            }
            Some(Dialog::Quit { under }) => {
                self.dialog = under.map(|dialog| *dialog);
                "still here"
            }
        };
        self.say(text.into(), now);
    }

    /// `f` in the confirmation: plans again without skipping the clusters that run or
    /// hold the release.
    pub(super) fn force_holders(&mut self, now: Timestamp) {
        if !matches!(self.dialog, Some(Dialog::Confirm(_))) {
            return;
        }
        let Some(Dialog::Confirm(confirmation)) = self.dialog.take() else {
            return;
        };
        if !confirmation.skips_holders() {
            self.dialog = Some(Dialog::Confirm(confirmation));
            return;
        }
        let chosen = confirmation.chosen();
        let plan = match confirmation.offer() {
            super::Offer::Upload { .. } => self.model.plan_upload(&chosen, None, self.access, now),
            super::Offer::Download { .. } => self.plan_for(&chosen, None, now),
        };
        self.dialog = Some(Dialog::Confirm(confirmation.replanned(plan)));
        let y = key_for(Context::Confirm, Action::ConfirmStart);
        self.say(
            format!("the clusters that have the release are targets too: {y} starts there as well"),
            now,
        );
    }

    /// The engine's plan for `chosen`, from what the model knows now; clusters that run
    /// or hold `version` (the package's release, when its name says) are skipped.
    pub(crate) fn plan_for(&self, chosen: &[usize], version: Option<&str>, now: Timestamp) -> Plan {
        self.model.plan(chosen, version, self.access, now)
    }

    /// The ending `update` brings, when it is news: an operation this session saw open
    /// ended. One resumed from the journal that had ended before its first look (a
    /// dashboard started after a night's downloads) is not: it rings no bell and makes
    /// no message; its row says how it ended.
    pub(super) fn news_of(&self, update: &Update) -> Option<RecentEnding> {
        let Update::Operation {
            cluster,
            followed,
            at,
        } = update
        else {
            return None;
        };
        let ending = followed.ending()?;
        let c = self.model.clusters.get(*cluster)?;
        // The model still holds the operation as it was before this update.
        let old = c.operation(followed.kind())?;
        let seen_open = old.ending().is_none()
            && old.same_as(followed)
            && (old.origin != Origin::Resumed || old.phase != Phase::Starting);
        seen_open.then(|| RecentEnding {
            at: *at,
            name: c.identity.name.clone(),
            operation: followed.operation.clone(),
            ending: ending.clone(),
        })
    }

    /// After an operation update: a batch begins when something opens while nothing
    /// was open, and closes when nothing is open any more.
    pub(super) fn note_batch(&mut self) {
        let open = !self.model.open_operations().is_empty();
        if self.batch_closed && open {
            self.recent_endings.clear();
        }
        self.batch_closed = !open;
    }

    /// An operation this session saw open ended (the model says so in the same update
    /// that carries its phase): the status line says so, the bell will ring. Endings of
    /// one batch (operations open together) are announced together, with the total once
    /// the last one ends.
    pub(super) fn operation_ended(&mut self, ended: RecentEnding) {
        let at = ended.at;
        self.recent_endings.push(ended);
        self.bell = true;
        let open = self.model.open_operations();
        if let Some(text) = endings_message(&self.recent_endings, open) {
            self.say_for(text, ENDING_STATUS_FOR, at);
        }
    }
}

/// An operation that ended a moment ago, announced with the others of its batch.
#[derive(Debug, Clone)]
pub(super) struct RecentEnding {
    at: Timestamp,
    name: String,
    operation: crate::download::Operation,
    ending: Ending,
}

/// The status line for operations that just ended: each one when it is alone; when
/// several of a batch did, a count per kind and the ones that did not succeed, "N of
/// M" while others of the kind are still open, and the total once the last one ended.
fn endings_message(ended: &[RecentEnding], open: OpenOperations) -> Option<String> {
    match ended {
        [] => None,
        [one] => Some(ending_message(&one.name, &one.operation, &one.ending)),
        many => {
            let mut parts = Vec::new();
            for kind in OperationKind::ALL {
                let of_kind: Vec<&RecentEnding> =
                    many.iter().filter(|e| e.operation.kind() == kind).collect();
                if of_kind.is_empty() {
                    continue;
                }
                let failed: Vec<&str> = of_kind
                    .iter()
                    .filter(|e| !e.ending.is_success())
                    .map(|e| e.name.as_str())
                    .collect();
                let ok = of_kind.len() - failed.len();
                let still = match kind {
                    OperationKind::Download => open.downloads + open.queued,
                    OperationKind::Removal => open.removals,
                    OperationKind::Validation => open.validations,
                };
                let uploads = of_kind.iter().all(|e| e.operation.upload().is_some());
                let (noun, word) = match (kind, of_kind.len() + still) {
                    (OperationKind::Download, 1) if uploads => ("upload", "succeeded"),
                    (OperationKind::Download, _) if uploads => ("uploads", "succeeded"),
                    (OperationKind::Download, 1) => ("download", "succeeded"),
                    (OperationKind::Download, _) => ("downloads", "succeeded"),
                    (OperationKind::Removal, 1) => ("removal", "removed"),
                    (OperationKind::Removal, _) => ("removals", "removed"),
                    (OperationKind::Validation, 1) => ("validation", "validated"),
                    (OperationKind::Validation, _) => ("validations", "validated"),
                };
                let count = match still {
                    0 => of_kind.len().to_string(),
                    n => format!("{} of {}", of_kind.len(), of_kind.len() + n),
                };
                let mut text = format!("{count} {noun} ended: {ok} {word}");
                if !failed.is_empty() {
                    let n = failed.len();
                    text.push_str(&format!(", {n} did not ({})", names_line(&failed)));
                }
                parts.push(text);
            }
            Some(parts.join("; "))
        }
    }
}

/// "prod-ams-1: the package was downloaded", "dr-fra-1: the download failed: … (10551885)".
/// "dr-fra-1: package 9.16.1P3 removed".
pub(crate) fn ending_message(
    name: &str,
    operation: &crate::download::Operation,
    ending: &Ending,
) -> String {
    use crate::download::Operation;
    let summary = match (operation, ending) {
        (Operation::Removal { version }, Ending::Removed) => format!("package {version} removed"),
        (Operation::Removal { version }, other) if other.is_unanswered() => {
            format!("package {version}: {}", other.summary())
        }
        (Operation::Removal { version }, other) => {
            format!("package {version} not removed: {}", other.summary())
        }
        (Operation::Validation { version }, other) => format!("{version} {}", other.summary()),
        (_, other) => other.summary(),
    };
    match ending.code() {
        Some(code) => format!("{name}: {summary} ({code})"),
        None => format!("{name}: {summary}"),
    }
}

use crate::tui::format::names_line;

/// "1 cluster", "3 clusters".
use crate::text::count_clusters as clusters;
