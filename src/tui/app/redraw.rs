//! Fleet events into the model, and whether they, or the 1 s tick, change what the
//! screen shows: a frame costs more than an event, so only visible changes get one.

use jiff::Timestamp;

use super::{App, Mode, PAUSE_STATUS_FOR, RECORD_FAILED_FOR};
use crate::engine::{LoginPause, Update};
use crate::ontap::DownloadState;
use crate::state::table::time_in_state;
use crate::state::{Column, Health, age, format_age};
use crate::tui::keymap::{Action, Context, key_for};

impl App {
    /// Feeds one update to the model at `now` (health, and so what the header counts,
    /// depend on it); true when the screen needs a redraw. What the engine reports
    /// beyond the model (an operation that just ended, a record that failed, a warning)
    /// also goes to the status line.
    pub fn apply(&mut self, update: Update, now: Timestamp) -> bool {
        let ended = self.news_of(&update);
        let mut changed = false;
        match &update {
            Update::RecordFailed { error, at, .. } => {
                self.say_for(format!("NOT RECORDED: {error}"), RECORD_FAILED_FOR, *at);
            }
            Update::Warning { text, at } => {
                self.say_for(format!("warning: {text}"), RECORD_FAILED_FOR, *at);
                changed = true;
            }
            Update::LoginPaused { cluster, at, pause } => self.login_paused(*cluster, pause, *at),
            Update::Polled { cluster, at, .. } => self.answered_again(*cluster, *at),
            _ => {}
        }
        let operation = match &update {
            Update::Operation { cluster, at, .. } => Some((*cluster, *at)),
            _ => None,
        };
        changed |= self.apply_to_model(update, now);
        if operation.is_some() {
            self.note_batch();
        }
        let announced = ended.is_some();
        if let Some(ended) = ended {
            self.operation_ended(ended);
        }
        if let Some((cluster, at)) = operation {
            changed |= self.close_stop_question(cluster, at, announced);
        }
        changed
    }

    fn apply_to_model(&mut self, update: Update, now: Timestamp) -> bool {
        let Some(cluster) = update.cluster() else {
            return self.model.apply(update);
        };
        let before = self.summary(cluster, now);
        let revision = self.model.clusters.get(cluster).map(|c| c.revision);
        if !self.model.apply(update) {
            return false;
        }
        let c = &self.model.clusters[cluster];
        let news = Some(c.revision) != revision;
        self.widths.update(cluster, c);
        self.rows_stale |= self.rows_follow_the_fleet();
        // Only what the screen shows is worth a frame: the row when it is on screen and
        // more than its ages changed (a poll that finds everything as it was only makes
        // "polled" younger, which the next tick draws), and the header's counts (or the
        // order of rows) when its states changed.
        before != self.summary(cluster, now)
            || (news && self.on_screen(cluster))
            || self.sorted_by_time()
    }

    /// A pause after a refused login: news when it begins, or when it answers a key
    /// pressed on that cluster (`r`, `p`). The notes `R` brings back from every paused
    /// cluster stay in their rows and details: `R`'s own message counted them.
    fn login_paused(&mut self, cluster: usize, pause: &LoginPause, at: Timestamp) {
        let Some(c) = self.model.clusters.get(cluster) else {
            return;
        };
        let asked = self.asked_login.remove(&cluster);
        if c.login_paused.is_some() && !asked {
            return;
        }
        let name = &c.identity.name;
        let text = match &pause.note {
            Some(note) => format!("{name}: still paused: {note}"),
            None => format!(
                "{name}: login refused: polls paused ({} enters the password)",
                key_for(Context::Table, Action::EnterPassword)
            ),
        };
        self.say_for(text, PAUSE_STATUS_FOR, at);
        if let Some(status) = &mut self.status {
            status.pause_of = Some(cluster);
            status.yields = true;
        }
    }

    /// A cluster answers: when that answers a key pressed on its paused login (`p`,
    /// `r`), the status line says the login worked; else a message about its pause is
    /// no longer about now.
    fn answered_again(&mut self, cluster: usize, at: Timestamp) {
        if self.asked_login.remove(&cluster)
            && let Some(c) = self.model.clusters.get(cluster)
        {
            let name = c.identity.name.clone();
            self.say(format!("{name}: logged in: polls resume"), at);
            return;
        }
        self.forget_pause_message(cluster);
    }

    /// A message about a cluster's pause is no longer about now.
    fn forget_pause_message(&mut self, cluster: usize) {
        if self
            .status
            .as_ref()
            .is_some_and(|s| s.pause_of == Some(cluster))
        {
            self.status = None;
        }
    }

    /// What a cluster adds to the header's counts and to filtering: its states.
    fn summary(&self, cluster: usize, now: Timestamp) -> Option<Counted> {
        let c = self.model.clusters.get(cluster)?;
        Some(Counted {
            download: c.download_state().cloned(),
            health: c.health(now),
            phase: c.phase().map(|p| p.word().to_string()),
        })
    }

    /// Whether `cluster` is drawn now: in the details pane, or in the window of rows.
    fn on_screen(&self, cluster: usize) -> bool {
        match self.mode {
            Mode::Details { cluster: c, .. } => c == cluster,
            // Every cluster counts in the releases' numbers.
            Mode::Packages { .. } | Mode::Validation(_) => true,
            Mode::Table | Mode::Filter => self
                .rows
                .iter()
                .skip(self.offset)
                .take(self.page)
                .any(|&r| r == cluster),
        }
    }

    /// Sorted by a column that every answer changes: any answer may move a row.
    fn sorted_by_time(&self) -> bool {
        matches!(self.sort.column, Some(Column::InState | Column::LastPoll))
    }

    /// What the 1 s tick could change on screen, as one number: the ages and health on
    /// the rows shown, and whether a status message is up. The event loop draws a tick's
    /// frame only when it differs from the last frame's.
    pub(crate) fn tick_key(&self, now: Timestamp) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let overlaid = self.help.is_some() || self.dialog.is_some();
        if !matches!(self.mode, Mode::Table | Mode::Filter) || overlaid {
            // Details and dialogs show ages of their own: every tick may change them.
            now.as_second().hash(&mut hasher);
        }
        self.status(now).is_some().hash(&mut hasher);
        self.model.counts(now).hash(&mut hasher);
        for &i in self.rows.iter().skip(self.offset).take(self.page) {
            let c = &self.model.clusters[i];
            time_in_state(c, now)
                .map(|(d, _)| format_age(d))
                .hash(&mut hasher);
            c.last_success
                .map(|t| format_age(age(t, now)))
                .hash(&mut hasher);
            c.health(now).hash(&mut hasher);
        }
        hasher.finish()
    }
}

/// What one cluster adds to the header's counts and to filtering: when it changes, the
/// header (or the order of rows) is drawn again.
#[derive(Debug, PartialEq, Eq)]
struct Counted {
    download: Option<DownloadState>,
    health: Health,
    /// The followed operation's phase, in its word.
    phase: Option<String>,
}
