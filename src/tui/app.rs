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
//! Time comes in as `now` everywhere ([`App::apply`] too): nothing here reads the clock.
//! The rows are derived again only when the filter, the sort, or (under one of them) the
//! fleet or the clock changed ([`App::sync`]); what a frame finds out about scrolling
//! comes back through [`App::drawn`].
//!
//! - `kinds`: the [`Mode`] with its own state, the [`Dialog`], the [`AppCommand`]s;
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
mod kinds;
mod marks;
mod navigation;
mod packages;
pub(crate) mod password;
pub(crate) use packages::{Chosen, Holders, Removal};
mod redraw;
pub(crate) mod upload;
pub(crate) mod validate;
pub(crate) use validate::{CheckRow, ValidateConfirm, VersionForm};

use std::collections::BTreeSet;

use jiff::{SignedDuration, Timestamp};

pub(crate) use confirm::{Confirmation, Offer, StartRequest};
pub(crate) use form::{DownloadForm, Field};
pub use kinds::{AppCommand, Dialog, Mode};
pub(crate) use password::{NewPassword, PasswordPrompt};
pub(crate) use upload::UploadRequest;

use super::keymap::Context;
use super::theme::{Palette, Theme};
use crate::fleet::Session;
use crate::state::{Model, SortOrder, visible_rows};

/// How long a status message stays in the footer.
const STATUS_FOR: SignedDuration = SignedDuration::from_secs(5);
/// How long a record that could not be written, or a warning, stays in the footer.
const RECORD_FAILED_FOR: SignedDuration = SignedDuration::from_secs(120);
/// How long the news of a paused login stays (its row says PAUSED for as long as it is).
const PAUSE_STATUS_FOR: SignedDuration = SignedDuration::from_secs(30);

/// A message in the footer until `until`.
#[derive(Debug, Clone, PartialEq)]
struct Status {
    text: String,
    until: Timestamp,
    /// The message is about this cluster's paused login: it goes when the cluster
    /// answers again.
    pause_of: Option<usize>,
    /// It answers a key, or repeats what a row says: it gives way when the selection
    /// moves (an ending, a warning or a record that failed stays its time).
    yields: bool,
}

/// Everything the screen shows and how keys change it.
#[derive(Debug)]
pub struct App {
    model: Model,
    config_label: String,
    access: Session,
    theme: Theme,
    mode: Mode,
    /// The help overlay while it is open, scrolled this many lines down.
    help: Option<usize>,
    /// The filter as typed: the same line editor as the form's fields.
    filter: crate::tui::line::LineEdit,
    sort: SortOrder,
    /// The selected cluster (index in config order), when any row is visible.
    selected: Option<usize>,
    /// The row the selection was last seen on: where it lands if its cluster vanishes.
    selected_row: usize,
    /// Visible clusters in display order, as of the last [`App::sync`].
    rows: Vec<usize>,
    /// Something `rows` depend on changed since they were derived.
    rows_stale: bool,
    /// The fleet's cells as measured when they last changed (the table's column fit).
    widths: crate::tui::widths::CellWidths,
    /// The first table row on screen.
    offset: usize,
    /// Table rows that fit on screen, as of the last frame.
    page: usize,
    status: Option<Status>,
    /// Clusters marked as download targets (indices in config order).
    marks: BTreeSet<usize>,
    dialog: Option<Dialog>,
    /// What the download form offers before anything is typed: the URL and the server
    /// user.
    form_defaults: super::FormDefaults,
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
    /// A dashboard over `model`, in config order, nothing filtered, the first row selected;
    /// `config_label` heads the screen.
    pub fn new(
        model: Model,
        config_label: impl Into<String>,
        access: Session,
        palette: Palette,
    ) -> Self {
        let rows: Vec<usize> = (0..model.clusters.len()).collect();
        Self {
            selected: rows.first().copied(),
            config_label: config_label.into(),
            access,
            theme: Theme::new(palette),
            mode: Mode::Table,
            help: None,
            filter: crate::tui::line::LineEdit::default(),
            sort: SortOrder::default(),
            selected_row: 0,
            rows,
            rows_stale: true,
            widths: crate::tui::widths::CellWidths::new(&model),
            offset: 0,
            page: 10,
            status: None,
            marks: BTreeSet::new(),
            dialog: None,
            form_defaults: super::FormDefaults::default(),
            mirrors: Vec::new(),
            recent_endings: Vec::new(),
            batch_closed: true,
            asked_login: BTreeSet::new(),
            bell: false,
            journaled: true,
            model,
        }
    }

    /// The same dashboard, saying whether the journal keeps followed downloads.
    pub(crate) fn with_journal(mut self, journaled: bool) -> Self {
        self.journaled = journaled;
        self
    }

    /// Whether the journal keeps followed downloads for the next ontop.
    pub(crate) fn journaled(&self) -> bool {
        self.journaled
    }

    /// The same dashboard, with the download form prefilled from the config's
    /// `[download]` URL and server user.
    pub fn with_form_defaults(mut self, defaults: super::FormDefaults) -> Self {
        self.form_defaults = defaults;
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

    /// Derives the visible rows again at `now`, when something they depend on changed
    /// since the last time (the filter, the sort, or under a filter or a sort the model
    /// or the clock), and keeps the selection on a visible cluster. The event loop calls
    /// it before a frame; with neither filter nor sort, a fleet's updates leave the rows
    /// as they are.
    pub fn sync(&mut self, now: Timestamp) {
        if !std::mem::take(&mut self.rows_stale) {
            return;
        }
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

    /// Derives the visible rows again now, whatever changed.
    fn resync(&mut self, now: Timestamp) {
        self.rows_stale = true;
        self.sync(now);
    }

    /// Whether the rows depend on more than the config's order: a filter or a sort
    /// reads the clusters' states (and their health, which ages with the clock).
    fn rows_follow_the_fleet(&self) -> bool {
        !self.filter.is_empty() || self.sort.column.is_some()
    }

    /// The 1 s tick: health ages with the clock, so rows that a filter or a sort
    /// derives from it are derived again before the next frame.
    pub(crate) fn time_passed(&mut self) {
        self.rows_stale |= self.rows_follow_the_fleet();
    }

    /// The fleet's cells as measured when they last changed.
    pub(crate) fn cell_widths(&self) -> &crate::tui::widths::CellWidths {
        &self.widths
    }

    /// The release of the package the download form offers (`[download] url`), when its
    /// file name says: the PKG column tells who has it.
    pub(crate) fn form_release(&self) -> Option<String> {
        self.form_defaults
            .url
            .as_deref()
            .and_then(crate::download::image_version)
    }

    /// Whether the cluster the keys act on has its polls paused after a refused login.
    pub(crate) fn target_login_paused(&self) -> bool {
        self.target()
            .and_then(|c| self.model.clusters.get(c))
            .is_some_and(|c| c.login_paused.is_some())
    }

    /// The cluster a key acts on: the one in details, else the selected one.
    fn target(&self) -> Option<usize> {
        match self.mode {
            Mode::Details { cluster, .. } => Some(cluster),
            Mode::Table | Mode::Filter | Mode::Packages { .. } | Mode::Validation(_) => {
                self.selected
            }
        }
    }

    fn say(&mut self, text: String, now: Timestamp) {
        self.say_for(text, STATUS_FOR, now);
        if let Some(status) = &mut self.status {
            status.yields = true;
        }
    }

    fn say_for(&mut self, text: String, duration: SignedDuration, now: Timestamp) {
        self.status = Some(Status {
            text,
            until: now.saturating_add(duration).unwrap_or(now),
            pause_of: None,
            yields: false,
        });
    }

    /// Where keys go now.
    pub(crate) fn context(&self) -> Context {
        if self.help.is_some() {
            return Context::Help;
        }
        self.context_under_help()
    }

    /// Where keys would go without the help overlay: the place help describes.
    pub(crate) fn context_under_help(&self) -> Context {
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
            Mode::Details { .. } => Context::Details,
            Mode::Packages { .. } => Context::Packages,
            Mode::Validation(_) => Context::Validation,
        }
    }

    /// The names of `clusters` (indices in config order), in that order.
    pub(crate) fn names_of(&self, clusters: &[usize]) -> Vec<&str> {
        clusters
            .iter()
            .filter_map(|&c| self.model.clusters.get(c))
            .map(|c| c.identity.name.as_str())
            .collect()
    }

    /// The fleet as known so far.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The config path or "demo (simulated fleet)", for the header.
    pub(crate) fn config_label(&self) -> &str {
        &self.config_label
    }

    /// Whether the whole session is read-only (`--read-only`).
    pub(crate) fn read_only(&self) -> bool {
        self.access == Session::ReadOnly
    }

    /// The styles of this session.
    pub(crate) fn theme(&self) -> Theme {
        self.theme
    }

    /// The current mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Whether the help overlay is open.
    pub(crate) fn help_open(&self) -> bool {
        self.help.is_some()
    }

    /// The filter text (may be empty).
    pub(crate) fn filter(&self) -> &str {
        self.filter.text()
    }

    /// Where the filter's cursor is, in characters from its start.
    pub(crate) fn filter_cursor(&self) -> usize {
        self.filter.cursor()
    }

    /// The current sort order.
    pub(crate) fn sort(&self) -> SortOrder {
        self.sort
    }

    /// The selected cluster (index in config order).
    pub(crate) fn selected(&self) -> Option<usize> {
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
