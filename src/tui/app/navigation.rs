//! Moving around: the selection, scrolling of every pane, the filter and the sort.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use super::{App, AppCommand, Mode};
use crate::state::SortOrder;
use crate::tui::keymap::Context;

impl App {
    pub(super) fn move_by(&mut self, context: Context, delta: isize) {
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
            Context::Packages => {
                let rows = self.package_rows().len();
                self.packages_row = step(self.packages_row, rows);
            }
            Context::Help => self.help_scroll = step(self.help_scroll, usize::MAX / 2),
            Context::Confirm => {
                self.confirm_scroll = step(self.confirm_scroll, usize::MAX / 2);
            }
            Context::Form
            | Context::Password
            | Context::Remove
            | Context::QuitConfirm
            | Context::Sort => {}
        }
    }

    /// `j`/`k` in details: the next (previous) cluster's details, in the table's order;
    /// its packages are read again as when it is opened.
    pub(super) fn details_step(&mut self, delta: isize) -> Vec<AppCommand> {
        let Mode::Details(current) = self.mode else {
            return Vec::new();
        };
        if self.rows.is_empty() {
            return Vec::new();
        }
        let row = match self.rows.iter().position(|&r| r == current) {
            Some(row) => {
                let last = self.rows.len() as isize - 1;
                (row as isize).saturating_add(delta).clamp(0, last) as usize
            }
            // Hidden by the filter since it was opened: back to the selection's row.
            None => self.selected_row.min(self.rows.len() - 1),
        };
        let next = self.rows[row];
        if next == current {
            return Vec::new();
        }
        self.selected_row = row;
        self.selected = Some(next);
        self.mode = Mode::Details(next);
        self.details_scroll = 0;
        vec![AppCommand::FetchPackages(next)]
    }

    pub(super) fn type_into_filter(&mut self, key: KeyEvent, now: Timestamp) {
        if let Some(c) = typed_char(&key) {
            self.filter.insert(c);
            self.filter_changed(now);
        }
    }

    /// While typing, a selection the filter hides jumps to the first match, as in fzf.
    pub(super) fn filter_changed(&mut self, now: Timestamp) {
        let before = self.selected;
        self.sync(now);
        if self.selected != before {
            self.selected_row = 0;
            self.selected = self.rows.first().copied();
        }
    }

    /// Sorts the rows. The footer's "sort:" and the title's arrow say so; no message
    /// repeats it.
    pub(super) fn set_sort(&mut self, sort: SortOrder, now: Timestamp) {
        self.sort = sort;
        self.sync(now);
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

    /// Rows of the table off screen as of the last frame: (above, below).
    pub fn rows_hidden(&self) -> (usize, usize) {
        let shown = self.rows.len().saturating_sub(self.offset).min(self.page);
        (
            self.offset,
            self.rows.len().saturating_sub(self.offset + shown),
        )
    }

    /// Clamps the details scroll to `max` lines; returns the first line to show.
    pub(crate) fn scroll_details(&mut self, max: usize) -> usize {
        self.details_scroll = self.details_scroll.min(max);
        self.details_scroll
    }

    /// Clamps the confirmation's scroll to `max` lines; returns the first line to show.
    pub(crate) fn scroll_confirm(&mut self, max: usize) -> usize {
        self.confirm_scroll = self.confirm_scroll.min(max);
        self.confirm_scroll
    }

    /// Clamps the help scroll to `max` lines; returns the first line to show.
    pub(crate) fn scroll_help(&mut self, max: usize) -> usize {
        self.help_scroll = self.help_scroll.min(max);
        self.help_scroll
    }
}

/// The character a key types into a text field, if it types one.
pub(super) fn typed_char(key: &KeyEvent) -> Option<char> {
    let modified = key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match key.code {
        KeyCode::Char(c) if !modified && !c.is_control() => Some(c),
        _ => None,
    }
}
