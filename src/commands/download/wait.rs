//! `ontop download --wait`: follow every download at once, each with the engine's
//! tracker, with a progress line per cluster while they run (plain lines on changes when
//! stdout is not a terminal), then a summary line each.
//!
//! Every ending is recorded (an audit `end` line; the journal entry goes once the
//! download has ended, and stays when following was given up, so a later dashboard
//! resumes it).

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::Timestamp;
use tokio::task::JoinSet;

use crate::download::queue::Gate;
use crate::download::{
    DownloadSpec, Ending, Followed, MAX_FOLLOW_ERRORS, Record, Recorder, StartOutcome, StartReport,
    Tracker, follow, start_recorded,
};
use crate::fleet::Target;
use crate::ontap::Client;
use crate::text::{self, pad, table};

/// What following needs from the run.
pub(super) struct Run<'a> {
    pub targets: &'a [Target],
    pub recorder: &'a Recorder,
    pub interval: Duration,
    /// `--timeout`: how long to follow before giving up (the download goes on).
    pub limit: Option<Duration>,
}

/// Starts that wait in ontop for a running download to end (`--max-running`): sent in
/// this order, each once the gate lets it through.
pub(super) struct Queued {
    pub gate: Gate,
    pub spec: Arc<DownloadSpec>,
    /// (cluster index, name) of each start not yet sent.
    pub waiting: Vec<(usize, String)>,
}

/// Follows every download to its end, sending the queued starts as places free up;
/// true when all ended in success or already present.
pub(super) async fn follow_all(
    run: &Run<'_>,
    started: Vec<(StartReport, Tracker)>,
    queued: Queued,
) -> bool {
    let names: Vec<String> = started
        .iter()
        .map(|(r, _)| r.name.clone())
        .chain(queued.waiting.iter().map(|(_, n)| n.clone()))
        .collect();
    let width = names
        .iter()
        .map(|n| text::width(n))
        .max()
        .unwrap_or(0)
        .min(super::LINE_COLUMNS[0].cap);
    let bars = std::io::stdout()
        .is_terminal()
        .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stdout()));
    let mut tasks = JoinSet::new();
    let mut endings: Vec<Option<(Tracker, Duration)>> = vec![None; names.len()];
    for (order, (report, mut tracker)) in started.into_iter().enumerate() {
        let client = match (tracker.ending(), run.targets[report.cluster].client.clone()) {
            (Some(_), _) => {
                endings[order] = Some((tracker, Duration::ZERO));
                continue;
            }
            (None, Ok(client)) => client,
            (None, Err(e)) => {
                tracker.answered(&crate::download::StartOutcome::Refused(e), Timestamp::now());
                endings[order] = Some((tracker, Duration::ZERO));
                continue;
            }
        };
        // A download ontop started holds a place until it ends; one it follows as it
        // was (attached) does not.
        let slot = matches!(report.outcome, StartOutcome::Attached)
            .then_some(None)
            .unwrap_or_else(|| queued.gate.try_enter());
        let line = Line::new(&report.name, width, bars.as_ref());
        let (interval, limit) = (run.interval, run.limit);
        tasks.spawn(async move {
            let (tracker, elapsed) = follow_one(client, tracker, line, interval, limit).await;
            drop(slot);
            (order, tracker, elapsed)
        });
    }
    let first_queued = names.len() - queued.waiting.len();
    spawn_queued(
        run,
        queued,
        first_queued,
        (width, bars.as_ref()),
        &mut tasks,
    );
    while let Some(joined) = tasks.join_next().await {
        if let Ok((order, tracker, elapsed)) = joined {
            endings[order] = Some((tracker, elapsed));
        }
    }
    if let Some(bars) = &bars {
        let _ = bars.clear();
    }
    summarize(run, &names, endings).await
}

/// What each following task gives back: its place in the summary, its tracker, and how
/// long it was followed.
type FollowedOne = (usize, Tracker, Duration);

/// One task per queued start: it waits for its place (handed out in the plan's order),
/// sends the start (audited first), then follows it like the others.
fn spawn_queued(
    run: &Run<'_>,
    queued: Queued,
    first: usize,
    (width, bars): (usize, Option<&MultiProgress>),
    tasks: &mut JoinSet<FollowedOne>,
) {
    let of = queued.waiting.len();
    let places = queued.gate.in_order(of);
    for (offset, ((cluster, name), place)) in queued.waiting.into_iter().zip(places).enumerate() {
        let Ok(client) = run.targets[cluster].client.clone() else {
            continue;
        };
        let mut line = Line::new(&name, width, bars);
        line.say(&format!("queued ({} of {of}): not sent yet", offset + 1));
        let (spec, recorder) = (queued.spec.clone(), run.recorder.clone());
        let (interval, limit) = (run.interval, run.limit);
        tasks.spawn(async move {
            let slot = place.await.ok();
            let asked = Timestamp::now();
            let outcome = start_recorded(&client, &spec, &recorder).await;
            let mut tracker = Tracker::requested(spec.masked_url(), asked)
                .with_server_username(spec.username.clone());
            tracker.answered(&outcome, Timestamp::now());
            line.say(&format!("sent: {}", outcome_word(&outcome)));
            let (tracker, elapsed) = follow_one(client, tracker, line, interval, limit).await;
            drop(slot);
            (first + offset, tracker, elapsed)
        });
    }
}

/// Follows one download with its progress line, for at most `limit`.
async fn follow_one(
    client: Arc<Client>,
    mut tracker: Tracker,
    mut line: Line,
    interval: Duration,
    limit: Option<Duration>,
) -> (Tracker, Duration) {
    let began = Instant::now();
    if tracker.ending().is_none() {
        let following = follow(&client, &mut tracker, interval, |f| line.update(f));
        let in_time = match limit {
            Some(limit) => tokio::time::timeout(limit, following).await.is_ok(),
            None => {
                following.await;
                true
            }
        };
        if let (false, Some(limit)) = (in_time, limit) {
            let reason = format!("not ended after --timeout {}", humanize(limit));
            tracker.give_up(reason, Timestamp::now());
        }
    }
    line.finish(tracker.ending());
    (tracker, began.elapsed())
}

/// What a queued start's answer was, in words for its line.
fn outcome_word(outcome: &StartOutcome) -> String {
    match outcome {
        StartOutcome::Started { job } => format!("started, job {job}"),
        StartOutcome::Finished { .. } => "started and already done".into(),
        StartOutcome::Attached => "a download already ran there: following it".into(),
        StartOutcome::AlreadyPresent { .. } => "already present on the cluster".into(),
        StartOutcome::Refused(e) => format!("refused: {}", e.message),
        StartOutcome::NotSent(why) => format!("not sent: {why}"),
    }
}

/// Records every ending, prints a line per cluster and the failures; true when all
/// ended well.
async fn summarize(
    run: &Run<'_>,
    names: &[String],
    endings: Vec<Option<(Tracker, Duration)>>,
) -> bool {
    let mut all_well = true;
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for (name, ended) in names.iter().zip(endings) {
        let (ending, followed, elapsed) = match ended {
            Some((tracker, elapsed)) => (
                tracker.ending().cloned(),
                Some(tracker.followed().clone()),
                elapsed,
            ),
            None => (None, None, Duration::ZERO),
        };
        let ending = ending.unwrap_or_else(|| Ending::GaveUp {
            reason: "internal error while following (see the log)".into(),
        });
        if let Some(followed) = &followed {
            let (url, server_username) = followed.origin.asked();
            // A failure is collected by the recorder's notes and counts in the exit code.
            let _ = run
                .recorder
                .record(Record::Ended {
                    cluster: name.clone(),
                    url,
                    server_username,
                    job: followed.job.clone(),
                    ending: ending.clone(),
                })
                .await;
        }
        let mut detail: Vec<String> = followed
            .and_then(|f| f.job)
            .map(|j| format!("job {j}"))
            .into_iter()
            .collect();
        if elapsed > Duration::ZERO {
            detail.push(format_elapsed(elapsed));
        }
        let word = ending.result_word().replace('_', " ");
        summary.push(vec![name.clone(), word, detail.join("  ")]);
        if !ending.is_success() {
            all_well = false;
            failures.push(format!("ontop: {name}: {}", ending.describe()));
        }
    }
    crate::out!("{}", table::render(&super::LINE_COLUMNS, &summary));
    for failure in failures {
        crate::errln!("{failure}");
    }
    all_well
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

    fn update(&mut self, followed: &Followed) {
        let state = match (&followed.last_error, followed.errors) {
            (_, 0) | (None, _) => followed.phase.word().to_string(),
            (Some(why), n) => {
                format!("retrying ({n}/{MAX_FOLLOW_ERRORS} failed polls: {why})")
            }
        };
        let state = text::truncate(&state, 160);
        match &self.bar {
            Some(bar) => bar.set_message(state.clone()),
            None if state != self.last => crate::outln!("{}: {state}", self.name),
            None => {}
        }
        self.last = state;
    }

    /// A line of its own, not a phase: "queued (2 of 4)", "sent: started, job …".
    fn say(&mut self, what: &str) {
        match &self.bar {
            Some(bar) => bar.set_message(what.to_owned()),
            None => crate::outln!("{}: {what}", self.name),
        }
        self.last = what.to_owned();
    }

    fn finish(&self, ending: Option<&Ending>) {
        if let Some(bar) = &self.bar {
            let word = ending.map_or("ended", Ending::result_word);
            bar.finish_with_message(word.replace('_', " "));
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

/// A `--timeout` as it was probably written: "90m", "2h", "45s".
fn humanize(limit: Duration) -> String {
    match jiff::SignedDuration::try_from(limit) {
        Ok(d) => format!("{d:#}"),
        Err(_) => format!("{}s", limit.as_secs()),
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
        assert_eq!(humanize(Duration::from_secs(5400)), "1h 30m");
    }
}
