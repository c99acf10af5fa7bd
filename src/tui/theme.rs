//! Colours and symbols for every state.
//!
//! Every state has a word and a symbol as well as a colour, so the screen reads the same
//! with `NO_COLOR`: the no-colour theme keeps all text in the terminal's default colour
//! and uses only bold and reverse. Symbols are ones common terminal fonts draw one cell
//! wide (no emoji).

use ratatui::style::{Color, Modifier, Style};

use crate::download::{Ending, Phase};
use crate::ontap::software::UpdateState;
use crate::ontap::{DownloadState, JobState};
use crate::state::Health;
use crate::state::validation::Verdict;

/// The styles of one session: coloured, or plain for `NO_COLOR` / `--no-color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Theme {
    color: bool,
}

/// Whether the screen uses colour: [`Palette::Plain`] for `NO_COLOR` / `--no-color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Palette {
    Colors,
    Plain,
}

impl Palette {
    /// Colours when `color` is true (the command line's answer), else plain.
    pub fn colors_if(color: bool) -> Self {
        if color { Self::Colors } else { Self::Plain }
    }
}

/// A word (with its symbol) and how to draw it.
pub(crate) type Styled = (String, Style);

impl Theme {
    /// The theme of `palette`.
    pub(crate) fn new(palette: Palette) -> Self {
        Self {
            color: palette == Palette::Colors,
        }
    }

    /// Whether this theme uses colour at all.
    pub(crate) fn color(self) -> bool {
        self.color
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// The download state cell: "↓ running", "✓ success", "✗ failure", "· not_started".
    pub(crate) fn download(self, state: Option<&DownloadState>) -> Styled {
        match state {
            Some(DownloadState::Running) => ("↓ running".into(), self.fg(Color::Cyan)),
            Some(DownloadState::Success) => ("✓ success".into(), self.fg(Color::Green)),
            Some(DownloadState::Failure) => (
                "✗ failure".into(),
                self.fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
            Some(DownloadState::NotStarted) => ("· not_started".into(), self.dim()),
            Some(DownloadState::Other(s)) => (format!("? {s}"), self.fg(Color::Magenta)),
            None => ("-".into(), self.dim()),
        }
    }

    /// The job state cell, coloured like the download states it parallels.
    pub(crate) fn job(self, state: Option<&JobState>) -> Styled {
        let style = match state {
            Some(JobState::Running | JobState::Queued) => self.fg(Color::Cyan),
            Some(JobState::Paused) => self.fg(Color::Yellow),
            Some(JobState::Success) => self.fg(Color::Green),
            Some(JobState::Failure) => self.fg(Color::Red),
            Some(JobState::Other(_)) => self.fg(Color::Magenta),
            None => self.dim(),
        };
        (state.map_or("-", |s| s.as_str()).to_string(), style)
    }

    /// The JOB column: where the followed download stands, in the engine's word.
    pub(crate) fn phase(self, phase: Option<&Phase>) -> Styled {
        let Some(phase) = phase else {
            return ("-".into(), self.dim());
        };
        let style = match phase {
            Phase::Starting | Phase::Queued { .. } | Phase::Checking | Phase::Sending { .. } => {
                self.fg(Color::Cyan)
            }
            Phase::Job(state) => return self.job(Some(state)),
            Phase::Download(DownloadState::Failure) => self.fg(Color::Red),
            Phase::Download(_) => self.fg(Color::Cyan),
            Phase::Ended(ending) if ending.is_success() => self.fg(Color::Green),
            Phase::Ended(Ending::GaveUp { .. } | Ending::Unknown { .. }) => self.fg(Color::Yellow),
            Phase::Ended(_) => self.fg(Color::Red).add_modifier(Modifier::BOLD),
        };
        (phase.label().into_owned(), style)
    }

    /// The health cell: the alarming words are upper case so they stand out uncoloured.
    pub(crate) fn health(self, health: Health) -> Styled {
        match health {
            Health::Ok => ("ok".into(), self.fg(Color::Green)),
            Health::Unknown => ("?".into(), self.dim()),
            Health::Stale => (
                "STALE".into(),
                self.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ),
            Health::Failing => (
                "FAILING".into(),
                self.fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
        }
    }

    /// Ages and other secondary facts: stale ones take the health colour.
    pub(crate) fn age(self, health: Health) -> Style {
        match health {
            Health::Stale => self.fg(Color::Yellow),
            Health::Failing => self.fg(Color::Red),
            Health::Ok | Health::Unknown => Style::new(),
        }
    }

    /// Text that matters less: absent values, not-started downloads.
    pub(crate) fn dim(self) -> Style {
        if self.color {
            Style::new().add_modifier(Modifier::DIM)
        } else {
            Style::new()
        }
    }

    /// The "!tls" and "http" badges: the connection is not what it should be.
    pub(crate) fn warning_badge(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// The "ro" badge.
    pub(crate) fn info_badge(self) -> Style {
        self.fg(Color::Blue)
    }

    /// The mark of a row chosen for a download: bold, so it stands out uncoloured too.
    pub(crate) fn mark(self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
    }

    /// The part of a name the filter matched: underlined, so it shows without colour.
    pub(crate) fn matched(self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// Text about something that failed: a row's next step, a form's refusal.
    pub(crate) fn failure_text(self) -> Style {
        self.fg(Color::Red)
    }

    /// A form field's value: underlined over its whole width, so an empty field shows.
    pub(crate) fn field(self) -> Style {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }

    /// The READ-ONLY marker in the header.
    pub(crate) fn read_only_marker(self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }

    /// Column titles and section headings.
    pub(crate) fn heading(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The selected row: reverse video reads in every terminal, coloured or not.
    pub(crate) fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// Key names in the footer and help.
    pub(crate) fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// A fleet count in the header: coloured when it is not zero.
    pub(crate) fn count(self, n: usize, color: Color) -> Style {
        if n == 0 {
            self.dim()
        } else {
            self.fg(color).add_modifier(Modifier::BOLD)
        }
    }

    /// The transient status message.
    pub(crate) fn status(self) -> Style {
        self.fg(Color::Yellow)
    }

    /// Frames of panels and overlays.
    pub(crate) fn border(self) -> Style {
        self.dim()
    }

    /// A READY cell: "✓ ready", "! 2 warn", "✗ 1 err", "stale", "?" (symbol and word
    /// read without colour).
    pub(crate) fn verdict(self, verdict: &Verdict) -> Styled {
        match verdict {
            Verdict::Ready => ("✓ ready".into(), self.fg(Color::Green)),
            Verdict::Warnings(n) => (format!("! {n} warn"), self.fg(Color::Yellow)),
            Verdict::Errors(n) => (
                format!("✗ {n} err"),
                self.fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
            Verdict::Stale(_) => ("stale".into(), self.fg(Color::Yellow)),
            Verdict::Unknown => ("?".into(), self.dim()),
        }
    }

    /// An update's state: paused on an error and failed stand out (red, bold, "✗"),
    /// completed is green, pauses and waits yellow, the rest cyan.
    pub(crate) fn update_state(self, state: Option<&UpdateState>) -> Style {
        match state {
            Some(UpdateState::PausedOnError | UpdateState::Failed) => {
                self.fg(Color::Red).add_modifier(Modifier::BOLD)
            }
            Some(UpdateState::Completed) => self.fg(Color::Green),
            Some(
                UpdateState::PausedByUser
                | UpdateState::PausePending
                | UpdateState::Waiting
                | UpdateState::Canceled
                | UpdateState::CancelPending,
            ) => self.fg(Color::Yellow),
            Some(UpdateState::InProgress) => self.fg(Color::Cyan),
            Some(UpdateState::Other(_)) => self.fg(Color::Magenta),
            None => self.dim(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_a_word_without_colour() {
        let plain = Theme::new(Palette::Plain);
        for state in [
            DownloadState::Running,
            DownloadState::Success,
            DownloadState::Failure,
            DownloadState::NotStarted,
        ] {
            let (word, style) = plain.download(Some(&state));
            assert!(word.contains(state.as_str()));
            assert_eq!(style.fg, None);
        }
        let words = [
            (Health::Ok, "ok"),
            (Health::Unknown, "?"),
            (Health::Stale, "STALE"),
            (Health::Failing, "FAILING"),
        ];
        for (health, said) in words {
            assert_eq!(plain.health(health).0, said);
        }
    }
}
