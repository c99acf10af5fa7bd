//! The live line a command shows on stderr while it waits on clusters: how many are done
//! (answered or failed), who is still awaited, and how long they may take ("36 of 40
//! done; waiting on sim-3, sim-7 (timeout 30s)"). Only on a terminal: a script's stderr
//! gets nothing extra.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::state::Model;

/// Names shown before "and N more".
const NAMES: usize = 3;

/// One live line on stderr, while something is awaited.
pub(crate) struct Waiting {
    bar: Option<ProgressBar>,
    /// Each cluster's request timeout, in model order.
    timeouts: Vec<Duration>,
    /// What the clusters do that is counted: "answered", "ended".
    done_word: &'static str,
}

impl Waiting {
    /// A line for `timeouts.len()` clusters (drawn only when stderr is a terminal).
    pub(crate) fn new(timeouts: Vec<Duration>, done_word: &'static str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{spinner} {msg}  {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Self {
            bar,
            timeouts,
            done_word,
        }
    }

    /// Shows where the wait stands: the clusters for which `awaited` holds are still
    /// waited on.
    pub(crate) fn show(&self, model: &Model, awaited: impl Fn(usize) -> bool) {
        self.show_named(&Self::names(model), awaited);
    }

    /// [`Self::show`] for clusters known by name only (`names[i]`, in model order).
    pub(crate) fn show_named(&self, names: &[&str], awaited: impl Fn(usize) -> bool) {
        let Some(bar) = &self.bar else {
            return;
        };
        bar.set_message(self.line_named(names, awaited));
    }

    fn names(model: &Model) -> Vec<&str> {
        model
            .clusters
            .iter()
            .map(|c| c.identity.name.as_str())
            .collect()
    }

    /// The line itself: "36 of 40 done; waiting on sim-3, sim-7 (timeout 30s)".
    fn line_named(&self, all: &[&str], awaited: impl Fn(usize) -> bool) -> String {
        let total = all.len();
        let waiting: Vec<usize> = (0..total).filter(|&i| awaited(i)).collect();
        let mut line = format!("{} of {total} {}", total - waiting.len(), self.done_word);
        if waiting.is_empty() {
            return line;
        }
        let names: Vec<&str> = waiting.iter().take(NAMES).map(|&i| all[i]).collect();
        line.push_str("; waiting on ");
        line.push_str(&names.join(", "));
        if waiting.len() > NAMES {
            line.push_str(&format!(" and {} more", waiting.len() - NAMES));
        }
        let longest = waiting
            .iter()
            .filter_map(|&i| self.timeouts.get(i))
            .max()
            .copied();
        if let Some(timeout) = longest {
            line.push_str(&format!(" (timeout {}s)", timeout.as_secs()));
        }
        line
    }

    /// Takes the line away.
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_who_is_awaited_and_their_timeout() {
        let names = ["sim-1", "sim-2", "sim-3", "sim-4", "sim-5"];
        let waiting = Waiting {
            bar: None,
            timeouts: vec![Duration::from_secs(30); 5],
            done_word: "answered",
        };
        assert_eq!(
            waiting.line_named(&names, |i| i == 2),
            "4 of 5 answered; waiting on sim-3 (timeout 30s)"
        );
        assert_eq!(
            waiting.line_named(&names, |i| i > 0),
            "1 of 5 answered; waiting on sim-2, sim-3, sim-4 and 1 more (timeout 30s)"
        );
        assert_eq!(waiting.line_named(&names, |_| false), "5 of 5 answered");
    }
}
