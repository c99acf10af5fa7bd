//! The live lines of a waiting `ontop download`: one per cluster, where its download
//! stands (a spinner line on a terminal, else a plain line per change); for an upload, a
//! bar of the bytes sent with the rate and the time left, and one for the total.

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::LINE_COLUMNS;
use crate::download::{Followed, MAX_FOLLOW_ERRORS, Phase, Planned};
use crate::text::{self, pad};

/// Each cluster's line, and (uploads) the total's.
pub(super) struct Lines {
    bars: Option<MultiProgress>,
    lines: HashMap<usize, Line>,
    /// Uploads: the bar of every byte sent, and each cluster's share of it.
    total: Option<ProgressBar>,
    sent: HashMap<usize, u64>,
}

struct Line {
    name: String,
    bar: Option<ProgressBar>,
    last: String,
    /// Uploads without a terminal: the last tenth said.
    tenth: u64,
}

impl Lines {
    /// A line per cluster of `clusters`; with `size` (an upload's image), byte bars for
    /// those with bytes still to send. The `answered` starts were just printed: their
    /// lines do not repeat "started" before their jobs say more, and an upload among
    /// them has sent its image (a spinner follows its job).
    pub(super) fn new(clusters: &[Planned], size: Option<u64>, answered: &HashSet<usize>) -> Self {
        let width = clusters
            .iter()
            .map(|p| text::width(&p.name))
            .max()
            .unwrap_or(0)
            .min(LINE_COLUMNS[0].cap);
        let bars = std::io::stdout()
            .is_terminal()
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stdout()));
        let lines = clusters
            .iter()
            .map(|Planned { cluster, name }| {
                let started = answered.contains(cluster);
                let bar = bars.as_ref().map(|bars| {
                    let bar = bars.add(cluster_bar(size.filter(|_| !started)));
                    bar.set_prefix(pad(name, width));
                    bar.set_message(if started { STARTED } else { "starting" });
                    bar
                });
                let line = Line {
                    name: name.clone(),
                    bar,
                    last: if started {
                        STARTED.into()
                    } else {
                        String::new()
                    },
                    tenth: 0,
                };
                (*cluster, line)
            })
            .collect();
        let to_send = (clusters.iter())
            .filter(|p| !answered.contains(&p.cluster))
            .count();
        let total = match (&bars, size) {
            (Some(bars), Some(size)) if to_send > 0 => {
                let all = size.saturating_mul(to_send as u64);
                let bar = bars.add(ProgressBar::new(all).with_style(style(
                    "{prefix} [{bar:30}] {bytes}/{total_bytes}  {bytes_per_sec}  {eta} left",
                )));
                bar.set_prefix(pad("total", width));
                Some(bar)
            }
            _ => None,
        };
        Self {
            bars,
            lines,
            total,
            sent: HashMap::new(),
        }
    }

    /// Shows where `cluster`'s operation stands now.
    pub(super) fn update(&mut self, cluster: usize, followed: &Followed) {
        if let Phase::Sending { sent, total } = followed.phase {
            self.sending(cluster, sent, total);
            return;
        }
        let Some(line) = self.lines.get_mut(&cluster) else {
            return;
        };
        let state = match (&followed.phase, &followed.last_error, followed.errors) {
            (Phase::Queued { position, of }, _, _) => {
                format!("queued ({position} of {of}): not sent yet")
            }
            (Phase::Ended(ending), _, _) => ending.result_word().replace('_', " "),
            // Accepted, its job not read yet: the cluster has it, it is not "starting".
            (Phase::Starting, _, _) if followed.job.is_some() => STARTED.into(),
            // An upload's last byte is sent; the cluster has yet to answer.
            (Phase::Starting, _, _) if self.sent.contains_key(&cluster) => {
                "image sent, waiting for the cluster's answer".into()
            }
            (phase, Some(why), n) if n > 0 => format!(
                "{} (retrying: {n}/{MAX_FOLLOW_ERRORS} failed polls: {why})",
                phase.word()
            ),
            (phase, _, _) => phase.word().to_string(),
        };
        let state = text::truncate(&state, 160);
        match &line.bar {
            Some(bar) if followed.ending().is_some() => bar.finish_with_message(state.clone()),
            Some(bar) => bar.set_message(state.clone()),
            // Plain lines leave "started" to the line of each start's answer.
            None if state != line.last && state != STARTED => {
                crate::outln!("{}: {state}", line.name)
            }
            None => {}
        }
        line.last = state;
    }

    /// An upload's bytes: its bar and the total's; without a terminal, a line a tenth.
    fn sending(&mut self, cluster: usize, sent: u64, total: u64) {
        self.sent.insert(cluster, sent);
        if let Some(bar) = &self.total {
            bar.set_position(self.sent.values().sum());
        }
        let Some(line) = self.lines.get_mut(&cluster) else {
            return;
        };
        match &line.bar {
            Some(bar) => {
                bar.set_message("uploading");
                bar.set_position(sent);
            }
            None => {
                let tenth = sent.saturating_mul(10) / total.max(1);
                if tenth > line.tenth || line.last.is_empty() {
                    line.tenth = tenth;
                    line.last = format!("up {}%", tenth * 10);
                    crate::outln!(
                        "{}: uploading, {} of {}",
                        line.name,
                        text::rate::format_bytes(sent as f64),
                        text::rate::format_bytes(total as f64)
                    );
                }
            }
        }
    }

    /// Takes the lines away (the summary follows).
    pub(super) fn clear(&self) {
        if let Some(bars) = &self.bars {
            let _ = bars.clear();
        }
    }
}

/// A start the cluster accepted, before its job says more.
const STARTED: &str = "started";

/// A cluster's bar: a spinner for a download, bytes and rate for an upload.
fn cluster_bar(size: Option<u64>) -> ProgressBar {
    match size {
        None => {
            let bar = ProgressBar::new_spinner()
                .with_style(style("{spinner} {prefix}  {msg}  {elapsed}"));
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        }
        Some(size) => ProgressBar::new(size).with_style(style(
            "{prefix} [{bar:30}] {bytes}/{total_bytes}  {bytes_per_sec}  {msg}",
        )),
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}
