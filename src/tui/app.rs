//! The dashboard's state and its reactions: pure, so keys can be tested without a
//! terminal.
//!
//! [`App`] owns the [`Model`] (fleet events go in through [`App::apply`]) and the view
//! state around it: which cluster is selected, the mode, the filter, the sort, a transient
//! status message. Keys go in through [`App::handle_key`], which answers with the
//! [`AppCommand`]s the event loop must carry out (poll now, fetch packages, quit). The
//! selection is held by cluster, not by row, so it stays on the same cluster when rows
//! re-sort or the filter changes.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use jiff::{SignedDuration, Timestamp};

use super::keymap::{self, Action, Context};
use super::theme::Theme;
use crate::fleet::Event;
use crate::state::{Model, SortOrder, visible_rows};

/// How long a status message stays in the footer.
const STATUS_FOR: SignedDuration = SignedDuration::from_secs(5);

/// What the screen shows besides the (optional) help overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The cluster table.
    Table,
    /// The table, with the keyboard typing into the filter.
    Filter,
    /// The details pane of one cluster (its index in config order).
    Details(usize),
}

/// What a key asks the event loop to do outside the [`App`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppCommand {
    /// Poll one cluster now, or every cluster for `None`.
    Refresh(Option<usize>),
    /// Ask a cluster for its packages (the details pane shows them).
    FetchPackages(usize),
    /// Leave the dashboard.
    Quit,
}

/// A message in the footer until `until`.
#[derive(Debug, Clone, PartialEq)]
struct Status {
    text: String,
    until: Timestamp,
}

/// Everything the screen shows and how keys change it.
#[derive(Debug, Clone)]
pub struct App {
    model: Model,
    config_label: String,
    read_only: bool,
    theme: Theme,
    mode: Mode,
    help: bool,
    filter: String,
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
    help_scroll: usize,
    status: Option<Status>,
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
            filter: String::new(),
            sort: SortOrder::default(),
            selected_row: 0,
            rows,
            offset: 0,
            page: 10,
            details_scroll: 0,
            help_scroll: 0,
            status: None,
        }
    }

    /// Feeds one fleet event to the model; true when the screen needs a redraw.
    pub fn apply(&mut self, event: Event) -> bool {
        self.model.apply(event)
    }

    /// Reacts to one key press at `now`; returns what the event loop must do.
    pub fn handle_key(&mut self, key: KeyEvent, now: Timestamp) -> Vec<AppCommand> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        self.sync(now);
        let context = self.context();
        let Some(action) = keymap::lookup(context, &key) else {
            if context == Context::Filter {
                self.type_into_filter(key, now);
            }
            return Vec::new();
        };
        self.act(context, action, now)
    }

    /// Recomputes the visible rows at `now` (health, and so filters and sorts, change with
    /// time) and keeps the selection on a visible cluster.
    pub fn sync(&mut self, now: Timestamp) {
        self.rows = visible_rows(&self.model, &self.filter, self.sort, now);
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

    fn act(&mut self, context: Context, action: Action, now: Timestamp) -> Vec<AppCommand> {
        match action {
            Action::Down => self.move_by(context, 1),
            Action::Up => self.move_by(context, -1),
            Action::PageDown => self.move_by(context, self.page as isize),
            Action::PageUp => self.move_by(context, -(self.page as isize)),
            Action::Top => self.move_by(context, isize::MIN),
            Action::Bottom => self.move_by(context, isize::MAX),
            Action::StartFilter => self.mode = Mode::Filter,
            Action::KeepFilter => self.mode = Mode::Table,
            Action::ClearFilter => {
                self.mode = Mode::Table;
                if !self.filter.is_empty() {
                    self.filter.clear();
                    self.sync(now);
                }
            }
            Action::FilterBackspace => {
                self.filter.pop();
                self.filter_changed(now);
            }
            Action::CycleSort => self.set_sort(self.sort.cycle(), now),
            Action::ReverseSort => self.set_sort(self.sort.reversed(), now),
            Action::OpenDetails => {
                if let Some(cluster) = self.selected {
                    self.mode = Mode::Details(cluster);
                    self.details_scroll = 0;
                    return vec![AppCommand::FetchPackages(cluster)];
                }
            }
            Action::Back => {
                if self.help {
                    self.help = false;
                } else {
                    self.mode = Mode::Table;
                }
            }
            Action::Refresh => {
                if let Some(cluster) = self.target() {
                    let name = self.model.clusters[cluster].identity.name.clone();
                    self.say(format!("polling {name} now"), now);
                    return vec![AppCommand::Refresh(Some(cluster))];
                }
            }
            Action::RefreshAll => {
                let n = self.model.clusters.len();
                self.say(format!("polling all {n} clusters now"), now);
                return vec![AppCommand::Refresh(None)];
            }
            Action::ToggleHelp => {
                self.help = !self.help;
                self.help_scroll = 0;
            }
            Action::Download => {
                let refusal = self.download_refusal();
                self.say(refusal, now);
            }
            Action::Quit => return vec![AppCommand::Quit],
        }
        Vec::new()
    }

    /// The one place that decides whether a download may start, and says why not.
    ///
    /// In this release downloads are not offered at all; the read-only reasons come first
    /// so a read-only operator is never told "soon".
    fn download_refusal(&self) -> String {
        if self.read_only {
            return "read-only: downloads are disabled".to_string();
        }
        if let Some(c) = self.target().map(|c| &self.model.clusters[c])
            && c.identity.read_only
        {
            return format!("{} is read-only: downloads are disabled", c.identity.name);
        }
        "downloads arrive in the next release".to_string()
    }

    /// The cluster a key acts on: the one in details, else the selected one.
    fn target(&self) -> Option<usize> {
        match self.mode {
            Mode::Details(c) => Some(c),
            Mode::Table | Mode::Filter => self.selected,
        }
    }

    fn move_by(&mut self, context: Context, delta: isize) {
        let step = |from: usize, len: usize| -> usize {
            let last = len.saturating_sub(1) as isize;
            (from as isize).saturating_add(delta).clamp(0, last.max(0)) as usize
        };
        match context {
            Context::Table | Context::Filter => {
                if !self.rows.is_empty() {
                    self.selected_row = step(self.selected_row, self.rows.len());
                    self.selected = Some(self.rows[self.selected_row]);
                }
            }
            // The views clamp scrolling to their content; usize::MAX / 2 stands for "end".
            Context::Details => self.details_scroll = step(self.details_scroll, usize::MAX / 2),
            Context::Help => self.help_scroll = step(self.help_scroll, usize::MAX / 2),
        }
    }

    fn type_into_filter(&mut self, key: KeyEvent, now: Timestamp) {
        let modified = key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        if let (KeyCode::Char(c), false) = (key.code, modified)
            && !c.is_control()
        {
            self.filter.push(c);
            self.filter_changed(now);
        }
    }

    /// While typing, a selection the filter hides jumps to the first match, as in fzf.
    fn filter_changed(&mut self, now: Timestamp) {
        let before = self.selected;
        self.sync(now);
        if self.selected != before {
            self.selected_row = 0;
            self.selected = self.rows.first().copied();
        }
    }

    fn set_sort(&mut self, sort: SortOrder, now: Timestamp) {
        self.sort = sort;
        self.sync(now);
        let text = match sort.column {
            None => "config order".to_string(),
            Some(c) => format!("sorted by {}", c.title().to_lowercase()),
        };
        let text = if sort.reverse {
            format!("{text}, reversed")
        } else {
            text
        };
        self.say(text, now);
    }

    fn say(&mut self, text: String, now: Timestamp) {
        self.status = Some(Status {
            text,
            until: now.saturating_add(STATUS_FOR).unwrap_or(now),
        });
    }

    /// Where keys go now.
    pub fn context(&self) -> Context {
        if self.help {
            return Context::Help;
        }
        match self.mode {
            Mode::Table => Context::Table,
            Mode::Filter => Context::Filter,
            Mode::Details(_) => Context::Details,
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
        &self.filter
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

    /// The status message, while it has not expired at `now`.
    pub fn status(&self, now: Timestamp) -> Option<&str> {
        self.status
            .as_ref()
            .filter(|s| now < s.until)
            .map(|s| s.text.as_str())
    }

    /// Scrolls the table so the selection shows in `height` rows; returns the first row.
    pub(crate) fn scroll_table(&mut self, height: usize) -> usize {
        self.page = height.max(1);
        let max_offset = self.rows.len().saturating_sub(self.page);
        if self.selected.is_some() {
            let row = self.selected_row;
            if row < self.offset {
                self.offset = row;
            } else if row >= self.offset + self.page {
                self.offset = row + 1 - self.page;
            }
        }
        self.offset = self.offset.min(max_offset);
        self.offset
    }

    /// Clamps the details scroll to `max` lines; returns the first line to show.
    pub(crate) fn scroll_details(&mut self, max: usize) -> usize {
        self.details_scroll = self.details_scroll.min(max);
        self.details_scroll
    }

    /// Clamps the help scroll to `max` lines; returns the first line to show.
    pub(crate) fn scroll_help(&mut self, max: usize) -> usize {
        self.help_scroll = self.help_scroll.min(max);
        self.help_scroll
    }
}

#[cfg(test)]
mod tests;
