//! The dashboard's state and its reactions: pure, so keys can be tested without a
//! terminal.
//!
//! [`App`] owns the [`Model`] (fleet events go in through [`App::apply`]) and the view
//! state around it: which cluster is selected, the mode, the filter, the sort, the marks,
//! an open dialog, a transient status message. Keys go in through [`App::handle_key`],
//! which answers with the [`AppCommand`]s the event loop must carry out (poll now, fetch
//! packages, start downloads, quit). The selection is held by cluster, not by row, so it
//! stays on the same cluster when rows re-sort or the filter changes.
//!
//! - `navigation`: moving, scrolling, filter typing and sorting;
//! - `marks`: choosing several clusters for one download;
//! - [`download`]: from `d` to the confirmed start, and the announcement of endings;
//! - [`form`] and [`confirm`]: the two dialogs' own state;
//! - [`password`]: `p`, the password after a refused login;
//! - `keys`: what each action of the key map means in each context;
//! - `redraw`: fleet events into the model, and whether they (or a tick) change the screen.

pub(crate) mod confirm;
pub(crate) mod download;
pub(crate) mod form;
mod keys;
mod marks;
mod navigation;
mod packages;
pub(crate) mod password;
pub(crate) use packages::{Chosen, Holders, Removal};
mod redraw;
pub(crate) mod upload;
pub(crate) mod validate;
pub(crate) use validate::{CheckRow, ValidateConfirm, ValidationView, VersionForm};

use std::collections::BTreeSet;

use jiff::{SignedDuration, Timestamp};

pub(crate) use confirm::{Confirmation, Offer, StartRequest};
pub(crate) use form::{DownloadForm, Field};
pub(crate) use password::{NewPassword, PasswordPrompt};
pub(crate) use upload::UploadRequest;

use super::keymap::Context;
use super::theme::Theme;
use crate::state::{Model, SortOrder, visible_rows};

/// How long a status message stays in the footer.
const STATUS_FOR: SignedDuration = SignedDuration::from_secs(5);
/// How long a record that could not be written, or a warning, stays in the footer.
const RECORD_FAILED_FOR: SignedDuration = SignedDuration::from_secs(120);
/// How long the news of a paused login stays (its row says PAUSED for as long as it is).
const PAUSE_STATUS_FOR: SignedDuration = SignedDuration::from_secs(30);

/// What the screen shows besides the (optional) help overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The cluster table.
    Table,
    /// The table, with the keyboard typing into the filter.
    Filter,
    /// The details pane of one cluster (its index in config order).
    Details(usize),
    /// The packages view: the fleet's releases.
    Packages,
    /// The validation view: the fleet's findings by check.
    Validation,
}

/// What a key asks the event loop to do outside the [`App`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppCommand {
    /// Poll one cluster now, or every cluster for `None`.
    Refresh(Option<usize>),
    /// Ask a cluster for its packages (the details pane shows them).
    FetchPackages(usize),
    /// Start a confirmed download (the only command that changes a cluster).
    StartDownloads(StartRequest),
    /// Log in to these clusters with a typed password from now on.
    NewPassword(NewPassword),
    /// Remove a package from these clusters' repositories (confirmed): each cluster with
    /// the version as it lists it.
    RemovePackages(Vec<(usize, String)>),
    /// Validate `version` on the plan's targets (confirmed).
    Validate {
        plan: crate::download::Plan,
        version: String,
    },
    /// Send a cluster's refused login once more (`r` asked twice).
    RetryLogin(usize),
    /// Look at what the form's package field names on this host (a task does).
    LookAtFile(String),
    /// Read the image at `path` (its SHA-256, checked against `sha256`), on a task.
    ReadImage {
        path: std::path::PathBuf,
        sha256: Option<String>,
    },
    /// Send a confirmed upload.
    StartUploads(UploadRequest),
    /// Stop the upload on its way to this cluster (asked first).
    StopUpload(usize),
    /// Leave the dashboard.
    Quit,
}

/// A dialog over the table or the details: the download form, then its confirmation;
/// the password after a refused login; the question before quitting.
#[derive(Debug)]
pub enum Dialog {
    /// The download form (after `d`).
    Form(DownloadForm),
    /// The targets and skips of a download, before anything is sent.
    Confirm(Confirmation),
    /// The password after a refused login (after `p`).
    Password(PasswordPrompt),
    /// The clusters a package will be removed from, before anything is sent (`x` in the
    /// packages view).
    Remove(Removal),
    /// The sort menu (after `s`): one key per column.
    Sort,
    /// Whether to stop the upload on its way to this cluster (`Esc` in its details).
    StopUpload(usize),
    /// The release to validate (after `v`).
    Version(VersionForm),
    /// The targets and skips of a validation, before anything is sent.
    ValidateConfirm(ValidateConfirm),
    /// Quitting would stop following these operations (as the model says: the same
    /// fact the JOB column shows); `under` is the dialog it was asked over (Ctrl-C in
    /// the form), back when the answer is no.
    Quit {
        open: crate::state::OpenOperations,
        under: Option<Box<Dialog>>,
    },
}

/// A message in the footer until `until`.
#[derive(Debug, Clone, PartialEq)]
struct Status {
    text: String,
    until: Timestamp,
    /// The message is about this cluster's paused login: it goes when the cluster
    /// answers again.
    pause_of: Option<usize>,
}

/// Everything the screen shows and how keys change it.
#[derive(Debug)]
pub struct App {
    model: Model,
    config_label: String,
    read_only: bool,
    theme: Theme,
    mode: Mode,
    help: bool,
    /// The filter as typed: the same line editor as the form's fields.
    filter: crate::tui::line::LineEdit,
    sort: SortOrder,
    /// The selected cluster (index in config order), when any row is visible.
    selected: Option<usize>,
    /// The row the selection was last seen on: where it lands if its cluster vanishes.
    selected_row: usize,
    /// Visible clusters in display order, as of the last [`App::sync`].
    rows: Vec<usize>,
    /// The first table row on screen.
    offset: usize,
    /// Table rows that fit on screen, as of the last frame.
    page: usize,
    details_scroll: usize,
    /// The selected release in the packages view, and whether its clusters are listed.
    packages_row: usize,
    packages_open: bool,
    /// The validation view's selection.
    validation: ValidationView,
    help_scroll: usize,
    confirm_scroll: usize,
    status: Option<Status>,
    /// Clusters marked as download targets (indices in config order).
    marks: BTreeSet<usize>,
    dialog: Option<Dialog>,
    /// What the download form offers before anything is typed: (URL, server user).
    form_defaults: (Option<String>, Option<String>),
    /// The site mirrors (no passwords): the confirmation groups targets by them.
    mirrors: Vec<crate::download::sources::MirrorSource>,
    /// The operations of the current batch that ended (see `download.rs`), announced
    /// together; the batch closes when nothing is open any more.
    recent_endings: Vec<download::RecentEnding>,
    /// Nothing was open after the last operation update: the next ending starts a batch.
    batch_closed: bool,
    /// Clusters whose next pause note answers a key pressed on them (`r`, `p`).
    asked_login: BTreeSet<usize>,
    /// A followed download ended since the event loop last asked: ring the bell.
    bell: bool,
    /// The journal keeps followed downloads for the next ontop (the quit question says
    /// so only when it is true).
    journaled: bool,
}

impl App {
    /// A dashboard over `model`, in config order, nothing filtered, the first row selected.
    pub fn new(
        model: Model,
        config_label: impl Into<String>,
        read_only: bool,
        color: bool,
    ) -> Self {
        let rows: Vec<usize> = (0..model.clusters.len()).collect();
        Self {
            selected: rows.first().copied(),
            model,
            config_label: config_label.into(),
            read_only,
            theme: Theme::new(color),
            mode: Mode::Table,
            help: false,
            filter: crate::tui::line::LineEdit::default(),
            sort: SortOrder::default(),
            selected_row: 0,
            rows,
            offset: 0,
            page: 10,
            details_scroll: 0,
            packages_row: 0,
            packages_open: false,
            validation: ValidationView::default(),
            help_scroll: 0,
            confirm_scroll: 0,
            status: None,
            marks: BTreeSet::new(),
            dialog: None,
            form_defaults: (None, None),
            mirrors: Vec::new(),
            recent_endings: Vec::new(),
            batch_closed: true,
            asked_login: BTreeSet::new(),
            bell: false,
            journaled: true,
        }
    }

    /// The same dashboard, saying whether the journal keeps followed downloads.
    pub fn with_journal(mut self, journaled: bool) -> Self {
        self.journaled = journaled;
        self
    }

    /// Whether the journal keeps followed downloads for the next ontop.
    pub fn journaled(&self) -> bool {
        self.journaled
    }

    /// The same dashboard, with the download form prefilled from the config's
    /// `[download]` URL and server user.
    pub fn with_form_defaults(mut self, url: Option<String>, username: Option<String>) -> Self {
        self.form_defaults = (url, username);
        self
    }

    /// The same dashboard, grouping a confirmation's targets by the site mirror each
    /// fetches from (`[[download.mirror]]`, passwords left out).
    pub fn with_mirrors(mut self, mirrors: Vec<crate::download::sources::MirrorSource>) -> Self {
        self.mirrors = mirrors;
        self
    }

    /// Whether a followed download ended since the last call (the event loop rings the
    /// bell, once per burst).
    pub fn take_bell(&mut self) -> bool {
        std::mem::take(&mut self.bell)
    }

    /// Recomputes the visible rows at `now` (health, and so filters and sorts, change with
    /// time) and keeps the selection on a visible cluster.
    pub fn sync(&mut self, now: Timestamp) {
        self.rows = visible_rows(&self.model, self.filter.text(), self.sort, now);
        match self
            .selected
            .and_then(|c| self.rows.iter().position(|&r| r == c))
        {
            Some(row) => self.selected_row = row,
            None => {
                self.selected_row = self.selected_row.min(self.rows.len().saturating_sub(1));
                self.selected = self.rows.get(self.selected_row).copied();
            }
        }
    }

    /// The release of the package the download form offers (`[download] url`), when its
    /// file name says: the PKG column tells who has it.
    pub fn form_release(&self) -> Option<String> {
        self.form_defaults
            .0
            .as_deref()
            .and_then(crate::download::image_version)
    }

    /// Whether the cluster the keys act on has its polls paused after a refused login.
    pub fn target_login_paused(&self) -> bool {
        self.target()
            .and_then(|c| self.model.clusters.get(c))
            .is_some_and(|c| c.login_paused.is_some())
    }

    /// The cluster a key acts on: the one in details, else the selected one.
    fn target(&self) -> Option<usize> {
        match self.mode {
            Mode::Details(c) => Some(c),
            Mode::Table | Mode::Filter | Mode::Packages | Mode::Validation => self.selected,
        }
    }

    fn say(&mut self, text: String, now: Timestamp) {
        self.say_for(text, STATUS_FOR, now);
    }

    fn say_for(&mut self, text: String, duration: SignedDuration, now: Timestamp) {
        self.status = Some(Status {
            text,
            until: now.saturating_add(duration).unwrap_or(now),
            pause_of: None,
        });
    }

    /// Where keys go now.
    pub fn context(&self) -> Context {
        if self.help {
            return Context::Help;
        }
        self.context_under_help()
    }

    /// Where keys would go without the help overlay: the place help describes.
    pub fn context_under_help(&self) -> Context {
        match &self.dialog {
            Some(Dialog::Form(_)) => return Context::Form,
            Some(Dialog::Confirm(_)) => return Context::Confirm,
            Some(Dialog::Remove(_)) => return Context::Remove,
            Some(Dialog::Password(_)) => return Context::Password,
            Some(Dialog::Quit { .. }) => return Context::QuitConfirm,
            Some(Dialog::Sort) => return Context::Sort,
            Some(Dialog::StopUpload(_)) => return Context::StopUpload,
            Some(Dialog::Version(_)) => return Context::Version,
            Some(Dialog::ValidateConfirm(_)) => return Context::ValidateConfirm,
            None => {}
        }
        match self.mode {
            Mode::Table => Context::Table,
            Mode::Filter => Context::Filter,
            Mode::Details(_) => Context::Details,
            Mode::Packages => Context::Packages,
            Mode::Validation => Context::Validation,
        }
    }

    /// The fleet as known so far.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The config path or "demo (simulated fleet)", for the header.
    pub fn config_label(&self) -> &str {
        &self.config_label
    }

    /// Whether the whole session is read-only (`--read-only`).
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// The styles of this session.
    pub fn theme(&self) -> Theme {
        self.theme
    }

    /// The current mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Whether the help overlay is open.
    pub fn help_open(&self) -> bool {
        self.help
    }

    /// The filter text (may be empty).
    pub fn filter(&self) -> &str {
        self.filter.text()
    }

    /// Where the filter's cursor is, in characters from its start.
    pub fn filter_cursor(&self) -> usize {
        self.filter.cursor()
    }

    /// The current sort order.
    pub fn sort(&self) -> SortOrder {
        self.sort
    }

    /// The selected cluster (index in config order).
    pub fn selected(&self) -> Option<usize> {
        self.selected
    }

    /// The visible clusters in display order, as of the last sync.
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// The open dialog, if any.
    pub fn dialog(&self) -> Option<&Dialog> {
        self.dialog.as_ref()
    }

    /// The status message, while it has not expired at `now`.
    pub fn status(&self, now: Timestamp) -> Option<&str> {
        self.status
            .as_ref()
            .filter(|s| now < s.until)
            .map(|s| s.text.as_str())
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod download_tests;

#[cfg(test)]
mod status_tests;

#[cfg(test)]
mod upload_tests;
