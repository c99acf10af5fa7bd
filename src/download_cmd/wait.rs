//! `ontop download --wait`: follow every started download at once, with a progress line
//! per cluster while they run (plain lines on state changes when stdout is not a
//! terminal), then a summary line each.
//!
//! Each followed download gets an audit "end" line; its journal entry goes once it has
//! ended, and stays when ontop gave up following, so a later dashboard resumes it.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::task::JoinSet;

use crate::audit::AuditLog;
use crate::download::{
    DownloadSpec, EndRecord, Ending, MAX_FOLLOW_ERRORS, Progress, StartOutcome, StartReport, follow,
};
use crate::fleet::Target;
use crate::journal::Journal;
use crate::text::{self, pad, table};

/// What following needs from the run.
pub(super) struct Run<'a> {
    pub targets: &'a [Target],
    pub spec: &'a Arc<DownloadSpec>,
    pub audit: &'a Arc<AuditLog>,
    pub journal: &'a Arc<Journal>,
    pub interval: Duration,
    /// `--timeout`: how long to follow before giving up (the download goes on).
    pub limit: Option<Duration>,
}

/// Follows every report to its end; true when all ended in success or already present.
pub(super) async fn follow_all(run: &Run<'_>, reports: &[StartReport]) -> bool {
    let width = reports
        .iter()
        .map(|r| text::width(&r.name))
        .max()
        .unwrap_or(0)
        .min(super::LINE_COLUMNS[0].cap);
    let bars = std::io::stdout()
        .is_terminal()
        .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stdout()));
    let mut tasks = JoinSet::new();
    let mut endings: Vec<Option<(Ending, Duration)>> = vec![None; reports.len()];
    for (order, report) in reports.iter().enumerate() {
        let now = |ending| Some((ending, Duration::ZERO));
        let client = match (&report.outcome, &run.targets[report.cluster].client) {
            (StartOutcome::Refused(e), _) => {
                endings[order] = now(Ending::Refused(e.clone()));
                continue;
            }
            (StartOutcome::AlreadyPresent { .. }, _) => {
                endings[order] = now(Ending::AlreadyPresent);
                continue;
            }
            (_, Ok(client)) => client.clone(),
            (_, Err(e)) => {
                endings[order] = now(Ending::Refused(e.clone()));
                continue;
            }
        };
        let mut line = Line::new(&report.name, width, bars.as_ref());
        let (outcome, interval, limit) = (report.outcome.clone(), run.interval, run.limit);
        tasks.spawn(async move {
            let began = Instant::now();
            let following = follow(&client, &outcome, interval, |p| line.update(p));
            let ending = match limit {
                None => following.await,
                Some(limit) => tokio::time::timeout(limit, following)
                    .await
                    .unwrap_or_else(|_| Ending::GaveUp {
                        reason: format!("not ended after --timeout {limit:?}"),
                    }),
            };
            line.finish(&ending);
            (order, ending, began.elapsed())
        });
    }
    while let Some(joined) = tasks.join_next().await {
        if let Ok((order, ending, elapsed)) = joined {
            endings[order] = Some((ending, elapsed));
        }
    }
    if let Some(bars) = &bars {
        let _ = bars.clear();
    }
    let mut all_well = true;
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for (report, ending) in reports.iter().zip(endings) {
        let (ending, elapsed) = ending.unwrap_or_else(|| {
            let reason = "internal error while following (see the log)".to_string();
            (Ending::GaveUp { reason }, Duration::ZERO)
        });
        if is_followed(&report.outcome) {
            record_end(run, report, &ending);
        }
        let mut detail: Vec<String> = report
            .outcome
            .job()
            .map(|j| format!("job {j}"))
            .into_iter()
            .collect();
        if is_followed(&report.outcome) {
            detail.push(format_elapsed(elapsed));
        }
        let word = ending.result_word().replace('_', " ");
        summary.push(vec![report.name.clone(), word, detail.join("  ")]);
        if !ending.is_success() {
            all_well = false;
            failures.push(format!("ontop: {}: {}", report.name, ending.describe()));
        }
    }
    crate::out!("{}", table::render(&super::LINE_COLUMNS, &summary));
    for failure in failures {
        crate::errln!("{failure}");
    }
    all_well
}

fn is_followed(outcome: &StartOutcome) -> bool {
    matches!(
        outcome,
        StartOutcome::Started { .. } | StartOutcome::Finished { .. } | StartOutcome::Attached
    )
}

/// The audit "end" line, and the journal entry dropped unless the download may still run.
fn record_end(run: &Run<'_>, report: &StartReport, ending: &Ending) {
    let url = run.spec.masked_url();
    let record = EndRecord {
        cluster: &report.name,
        url: &url,
        server_username: run.spec.username.as_deref(),
        job: report.outcome.job(),
        ending,
    };
    for problem in crate::download::record_end(record, run.audit, run.journal) {
        crate::errln!("ontop: warning: {problem}");
    }
}

/// One cluster's progress: a spinner line on a terminal, else a plain line per change.
struct Line {
    name: String,
    bar: Option<ProgressBar>,
    last: String,
}

impl Line {
    fn new(name: &str, width: usize, bars: Option<&MultiProgress>) -> Self {
        let bar = bars.map(|bars| {
            let style = ProgressStyle::with_template("{spinner} {prefix}  {msg}  {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            let bar = bars.add(ProgressBar::new_spinner().with_style(style));
            bar.set_prefix(pad(name, width));
            bar.set_message("starting");
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Self {
            name: name.to_string(),
            bar,
            last: String::new(),
        }
    }

    fn update(&mut self, progress: &Progress) {
        let state = match (&progress.message, progress.errors) {
            (_, 0) => progress.state.clone(),
            (Some(why), n) => format!("retrying ({n}/{MAX_FOLLOW_ERRORS} failed polls: {why})"),
            (None, n) => format!("retrying ({n}/{MAX_FOLLOW_ERRORS} failed polls)"),
        };
        match &self.bar {
            Some(bar) => {
                let text = match (&progress.message, progress.errors) {
                    (Some(message), 0) => format!("{state:<9} {message}"),
                    _ => state.clone(),
                };
                bar.set_message(text);
            }
            None if state != self.last => crate::outln!("{}: {state}", self.name),
            None => {}
        }
        self.last = state;
    }

    fn finish(&self, ending: &Ending) {
        if let Some(bar) = &self.bar {
            bar.finish_with_message(ending.result_word().replace('_', " "));
        }
    }
}

/// "4s", "2m05s", "1h02m".
fn format_elapsed(elapsed: Duration) -> String {
    let secs = elapsed.as_secs();
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m{:02}s", secs / 60, secs % 60),
        _ => format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_reads_like_a_person_wrote_it() {
        assert_eq!(format_elapsed(Duration::from_millis(4200)), "4s");
        assert_eq!(format_elapsed(Duration::from_secs(125)), "2m05s");
        assert_eq!(format_elapsed(Duration::from_secs(3720)), "1h02m");
    }
}
