//! Moving around: the selection, scrolling of every pane, the filter and the sort.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use super::{App, AppCommand, Dialog, Mode};
use crate::state::SortOrder;
use crate::tui::keymap::Context;
use crate::tui::views::Drawn;

impl App {
    pub(super) fn move_by(&mut self, context: Context, delta: isize) {
        let step = |from: usize, len: usize| -> usize {
            let last = len.saturating_sub(1) as isize;
            (from as isize).saturating_add(delta).clamp(0, last.max(0)) as usize
        };
        match context {
            Context::Table | Context::Filter => {
                if !self.rows.is_empty() {
                    let before = self.selected;
                    self.selected_row = step(self.selected_row, self.rows.len());
                    self.selected = Some(self.rows[self.selected_row]);
                    // Moving on is reading rows: what answered a key gives way to the
                    // row's message.
                    if self.selected != before && self.status.as_ref().is_some_and(|s| s.yields) {
                        self.status = None;
                    }
                }
            }
            // The views clamp scrolling to their content; usize::MAX / 2 stands for "end".
            Context::Details => {
                if let Mode::Details { scroll, .. } = &mut self.mode {
                    *scroll = step(*scroll, usize::MAX / 2);
                }
            }
            Context::Packages => {
                let rows = self.package_rows().len();
                if let Mode::Packages { row, .. } = &mut self.mode {
                    *row = step(*row, rows);
                }
            }
            Context::Help => {
                if let Some(scroll) = &mut self.help {
                    *scroll = step(*scroll, usize::MAX / 2);
                }
            }
            Context::Confirm | Context::ValidateConfirm => {
                if let Some(scroll) = self.confirm_scroll() {
                    *scroll = step(*scroll, usize::MAX / 2);
                }
            }
            Context::Validation => self.move_check(delta),
            Context::Version
            | Context::Form
            | Context::Password
            | Context::Remove
            | Context::QuitConfirm
            | Context::StopUpload
            | Context::Sort => {}
        }
    }

    /// `j`/`k` in details: the next (previous) cluster's details, in the table's order;
    /// its packages are read again as when it is opened.
    pub(super) fn details_step(&mut self, delta: isize) -> Vec<AppCommand> {
        let Mode::Details {
            cluster: current, ..
        } = self.mode
        else {
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
        self.mode = Mode::details(next);
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
        self.resync(now);
        if self.selected != before {
            self.selected_row = 0;
            self.selected = self.rows.first().copied();
        }
    }

    /// Sorts the rows. The footer's "sort:" and the title's arrow say so; no message
    /// repeats it.
    pub(super) fn set_sort(&mut self, sort: SortOrder, now: Timestamp) {
        self.sort = sort;
        self.resync(now);
    }

    /// The table's first row on screen when `page` rows fit: where it was, moved just
    /// enough for the selection to show.
    pub(crate) fn table_offset(&self, page: usize) -> usize {
        let mut offset = self.offset;
        if self.selected.is_some() {
            let row = self.selected_row;
            if row < offset {
                offset = row;
            } else if row >= offset + page {
                offset = row + 1 - page;
            }
        }
        offset.min(self.rows.len().saturating_sub(page))
    }

    /// Rows of the table off screen in a window of `page` rows from `offset` (as this
    /// frame draws it, else as the last frame did): (above, below).
    pub(crate) fn rows_hidden(&self, window: Option<(usize, usize)>) -> (usize, usize) {
        let (offset, page) = window.unwrap_or((self.offset, self.page));
        let shown = self.rows.len().saturating_sub(offset).min(page);
        (offset, self.rows.len().saturating_sub(offset + shown))
    }

    /// The details' first line, with at most `max` lines above it.
    pub(crate) fn details_top(&self, max: usize) -> usize {
        match self.mode {
            Mode::Details { scroll, .. } => scroll.min(max),
            _ => 0,
        }
    }

    /// The confirmation's first line, with at most `max` lines above it.
    pub(crate) fn confirm_top(&self, max: usize) -> usize {
        match &self.dialog {
            Some(Dialog::Confirm(c)) => c.scroll.min(max),
            Some(Dialog::ValidateConfirm(c)) => c.scroll.min(max),
            _ => 0,
        }
    }

    /// The help's first line, with at most `max` lines above it.
    pub(crate) fn help_top(&self, max: usize) -> usize {
        self.help.unwrap_or(0).min(max)
    }

    /// The open confirmation's scroll, the one dialog that scrolls.
    fn confirm_scroll(&mut self) -> Option<&mut usize> {
        match &mut self.dialog {
            Some(Dialog::Confirm(c)) => Some(&mut c.scroll),
            Some(Dialog::ValidateConfirm(c)) => Some(&mut c.scroll),
            _ => None,
        }
    }

    /// Takes in what the last frame found out: how many rows fit, and where each
    /// scrolled text starts now that it is clamped to its length.
    pub(crate) fn drawn(&mut self, drawn: Drawn) {
        if let Some((offset, page)) = drawn.table {
            (self.offset, self.page) = (offset, page);
        }
        if let (Some(top), Mode::Details { scroll, .. }) = (drawn.details_top, &mut self.mode) {
            *scroll = top;
        }
        if let (Some(top), Some(scroll)) = (drawn.help_top, &mut self.help) {
            *scroll = top;
        }
        if let (Some(top), Some(scroll)) = (drawn.confirm_top, self.confirm_scroll()) {
            *scroll = top;
        }
        if let (Some(top), Mode::Validation(view)) = (drawn.validation_top, &mut self.mode) {
            view.top = top;
        }
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
