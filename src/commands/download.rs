//! `ontop download`: start a package download on chosen clusters from a shell or a script,
//! and with `--wait` follow each one to its end.
//!
//! The engine ([`crate::download`]) plans, starts, follows and records; this module is
//! the command's manners: clusters chosen by name, the package server's password from
//! the environment or a no-echo prompt (never from the command line), one sweep so that
//! clusters which cannot take a download are skipped with their reason, a confirmation
//! naming every target, and an exit code a script can trust:
//! - 0: every download was accepted (with `--wait`: ended in success or already present);
//! - 1: a start was refused, a followed download failed or was given up on, a chosen
//!   cluster did not answer the sweep, a record could not be written, or the operator
//!   declined the confirmation;
//! - 2: nothing was sent: a usage or config error, no terminal to confirm on without
//!   `--yes`, every chosen cluster read-only (`--read-only` included), or the audit log
//!   could not be written before the first request.
//!
//! A chosen cluster already downloading is not sent a second request: ontop follows the
//! running download (by its own job when the cluster lists it), as it does on 10551357.

mod inputs;
mod wait;

pub use inputs::{choose, spec_for};

use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;

use super::{CliError, Context, Exit};
use crate::cli::DownloadArgs;
use crate::config::{Config, Credentials};
use crate::download::audit::AuditLog;
use crate::download::journal::Journal;
use crate::download::{
    Busy, Candidate, DownloadSpec, Holding, Note, Plan, Record, Recorder, StartOutcome,
    StartReport, Tracker, image_version, plan, running_download_job, start_all,
};
use crate::fleet::{self, ClusterReport, DEFAULT_MAX_IN_FLIGHT, Target};
use crate::ontap::DownloadState;
use crate::text::table::{self, Column};

/// The columns of the per-cluster lines: name, what happened, the details.
pub(crate) const LINE_COLUMNS: [Column; 3] = [
    Column {
        heading: "",
        cap: 40,
    },
    Column {
        heading: "",
        cap: 15,
    },
    Column {
        heading: "",
        cap: 120,
    },
];

/// The longest `--timeout`: a download that has not ended in a month will not.
const MAX_FOLLOW_LIMIT: Duration = Duration::from_secs(30 * 24 * 3600);

/// Runs `ontop download`.
pub async fn run(ctx: &Context, args: &DownloadArgs) -> Result<Exit, CliError> {
    let config = ctx.config()?;
    let chosen = args.select.select(config, false)?;
    super::selection::announce(config, &chosen, &args.select);
    let limit = follow_limit(args.timeout.as_deref())?;
    inputs::refuse_read_only(config, &chosen, ctx.read_only)?;
    if !args.yes && !ctx.interactive {
        return Err(CliError::Usage(
            "no terminal to confirm on: use --yes to confirm without a terminal".into(),
        ));
    }
    let password = |var: &str| std::env::var(var).ok();
    let spec = Arc::new(spec_for(config, args, ctx.interactive, password)?);

    // The release the package holds, when its name says: clusters that run or hold it
    // are skipped (unless --force), and a name that says nothing skips nobody.
    let version = image_version(spec.url().as_str()).filter(|_| !args.force);
    let survey = survey(config, &chosen, ctx, version.as_deref()).await;
    print_plan(&survey.plan);
    let plan = &survey.plan;
    if plan.is_empty() {
        crate::outln!("nothing to start");
        return Ok(survey.finish(true));
    }
    let (max_running, sent_now) = running_limit(args, config, plan)?;
    if !plan.targets.is_empty()
        && !args.yes
        && !tokio::task::block_in_place(|| confirm(&spec, plan))
    {
        crate::errln!("ontop: cancelled: nothing was started");
        return Ok(Exit::Failed);
    }

    let failed_records = Arc::new(Mutex::new(Vec::new()));
    let recorder = recorder(ctx, failed_records.clone());
    let mut started = start(&survey, &survey.plan.targets[..sent_now], &spec, &recorder).await;
    started.sort_by_key(|(r, _)| r.cluster);
    let reports: Vec<StartReport> = started.iter().map(|(r, _)| r.clone()).collect();
    print_starts(&reports, args.wait);
    if reports
        .iter()
        .all(|r| matches!(r.outcome, StartOutcome::NotSent(_)))
    {
        return Err(CliError::Usage(format!(
            "nothing was sent: every attempt must be in the audit log before its request, \
             and it could not be written ({})",
            failure_of(&reports)
        )));
    }

    let ended_well = if args.wait {
        let run = wait::Run {
            targets: &survey.targets,
            recorder: &recorder,
            interval: Duration::from_millis(args.interval_ms.max(10)),
            limit,
        };
        let queued = wait::Queued {
            gate: crate::download::queue::Gate::new(max_running),
            spec: spec.clone(),
            waiting: survey.plan.targets[sent_now..].to_vec(),
        };
        wait::follow_all(&run, started, queued).await
    } else {
        accepted(&reports)
    };
    // Everything recorded before the verdict: a record that could not be written counts.
    recorder.flush(Duration::from_secs(30)).await;
    let failed = std::mem::take(&mut *failed_records.lock().unwrap_or_else(|e| e.into_inner()));
    for error in &failed {
        crate::errln!("ontop: NOT RECORDED: {error}");
    }
    Ok(survey.finish(ended_well && failed.is_empty()))
}

/// A line for each skipped cluster and each running download followed as it is.
fn print_plan(plan: &Plan) {
    for (_, name, reason) in &plan.skipped {
        crate::outln!("skip {name}: {reason}");
    }
    for (_, name) in &plan.attach {
        crate::outln!("follow {name}: already downloading (no request is sent)");
    }
}

/// `max_running` (`--max-running`, else the config's) and how many starts go now; the
/// others wait in ontop, which only `--wait` can do.
fn running_limit(
    args: &DownloadArgs,
    config: &Config,
    plan: &Plan,
) -> Result<(Option<usize>, usize), CliError> {
    let max_running = args
        .max_running
        .map(|n| n as usize)
        .or(config.download.max_running);
    let targets = plan.targets.len();
    let sent_now = max_running.map_or(targets, |n| n.min(targets));
    if sent_now < targets && !args.wait {
        return Err(CliError::Usage(format!(
            "{targets} targets with at most {sent_now} running at once: add --wait, so that \
             ontop starts the others as the first ones end (nothing was sent)"
        )));
    }
    if sent_now < targets {
        crate::outln!(
            "queued {}: at most {sent_now} run at once; the others start as they end",
            targets - sent_now
        );
    }
    Ok((max_running, sent_now))
}

/// The recorder of this run; what it could not write is collected for the exit code.
fn recorder(ctx: &Context, failed: Arc<Mutex<Vec<String>>>) -> Recorder {
    let audit = AuditLog::new(ctx.data_dir.as_deref());
    let journal = Journal::open(ctx.data_dir.as_deref());
    Recorder::start(
        audit,
        journal,
        Arc::new(move |note| match note {
            Note::RecordFailed { cluster, error } => failed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(format!("{cluster}: {error}")),
            Note::Warning(text) => crate::errln!("ontop: warning: {text}"),
            _ => {}
        }),
    )
}

/// Sends the starts the plan asks for, and follows the running downloads it attaches
/// to; each report comes with the tracker that follows it.
async fn start(
    survey: &Survey,
    now: &[(usize, String)],
    spec: &Arc<DownloadSpec>,
    recorder: &Recorder,
) -> Vec<(StartReport, Tracker)> {
    let targets = &survey.targets;
    let clients = now
        .iter()
        .filter_map(|(i, _)| Some((*i, targets[*i].client.clone().ok()?)))
        .collect();
    let asked = Timestamp::now();
    let reports = start_all(clients, spec.clone(), recorder.clone(), |_| {}).await;
    let mut started: Vec<(StartReport, Tracker)> = reports
        .into_iter()
        .map(|report| {
            let mut tracker = Tracker::requested(spec.masked_url(), asked)
                .with_server_username(spec.username.clone());
            tracker.answered(&report.outcome, report.at);
            (report, tracker)
        })
        .collect();
    for (cluster, name) in &survey.plan.attach {
        let Ok(client) = &targets[*cluster].client else {
            continue;
        };
        let job = running_download_job(client).await;
        let record = Record::Attached {
            cluster: name.clone(),
            url: "-".into(),
            server_username: spec.username.clone(),
            job: job.as_ref().map(|j| j.uuid.clone()),
        };
        // A failure is collected by the recorder's notes; the download is followed.
        let _ = recorder.record(record).await;
        let report = StartReport {
            cluster: *cluster,
            name: name.clone(),
            at: Timestamp::now(),
            outcome: StartOutcome::Attached,
        };
        started.push((report, Tracker::attached(job.as_ref(), Timestamp::now())));
    }
    started
}

/// The chosen clusters as one sweep found them, and what will be done with each.
struct Survey {
    /// One per chosen cluster, in config order; the plan's indices point here.
    targets: Vec<Target>,
    plan: Plan,
    /// One line per chosen cluster that did not answer, with what to do about it.
    unreachable: Vec<String>,
}

/// Builds a client per chosen cluster, sweeps them once, and plans the start.
async fn survey(config: &Config, chosen: &[usize], ctx: &Context, version: Option<&str>) -> Survey {
    let mut subset = config.clone();
    subset.clusters = chosen.iter().map(|&i| config.clusters[i].clone()).collect();
    let credentials = Credentials::new(ctx.interactive);
    // Password commands and prompts block: keep them off the async workers.
    let targets = tokio::task::block_in_place(|| {
        fleet::targets_from_config(&subset, &credentials, ctx.read_only)
    });
    let sweep = fleet::sweep(&targets, DEFAULT_MAX_IN_FLIGHT).await;
    let holds = match version {
        Some(version) => fleet::inventory::holders(&targets, &sweep, version).await,
        None => Vec::new(),
    };
    let plan = plan_from(&subset, ctx.read_only, &targets, &sweep, &holds);
    let unreachable = plan
        .skipped
        .iter()
        .filter(|(_, _, r)| matches!(r, crate::download::SkipReason::Failing(_)))
        .filter_map(|(i, name, _)| {
            let e = sweep[*i].error.as_ref()?;
            Some(format!(
                "ontop: {name}: not started: not answering: {}: {}; what to do: {}",
                e.kind,
                e.message,
                e.hint()
            ))
        })
        .collect();
    Survey {
        targets,
        plan,
        unreachable,
    }
}

impl Survey {
    /// The exit code, once the rest `ended_well` (or not): a chosen cluster that did not
    /// answer is not a success either, and is named again last.
    fn finish(&self, ended_well: bool) -> Exit {
        for line in &self.unreachable {
            crate::errln!("{line}");
        }
        Exit::from_ok(ended_well && self.unreachable.is_empty())
    }
}

/// What the sweep says about each chosen cluster, as the engine's plan wants it.
fn plan_from(
    subset: &Config,
    session_read_only: bool,
    targets: &[Target],
    sweep: &[ClusterReport],
    holds: &[Option<Holding>],
) -> Plan {
    plan(
        targets
            .iter()
            .zip(sweep)
            .enumerate()
            .map(|(i, (target, report))| {
                let read_only = match &target.client {
                    Ok(client) => client.is_read_only(),
                    Err(_) => session_read_only || subset.clusters[i].read_only,
                };
                let running = report
                    .download
                    .as_ref()
                    .is_some_and(|d| d.state == Some(DownloadState::Running));
                Candidate {
                    cluster: i,
                    name: target.name.clone(),
                    read_only,
                    busy: if running { Busy::Downloading } else { Busy::No },
                    failing: report
                        .error
                        .as_ref()
                        .map(|e| format!("{}: {}", e.kind, e.message)),
                    login_refused: target.client.as_ref().is_ok_and(|c| c.login_refused()),
                    holds: holds.get(i).cloned().flatten(),
                }
            }),
    )
}

/// The confirmation question, naming every target.
pub fn question(masked_url: &str, targets: &[&str]) -> String {
    let clusters = crate::text::count_clusters(targets.len());
    format!(
        "Start downloading {masked_url} on {clusters}: {}? [y/N] ",
        targets.join(", ")
    )
}

/// Asks on the terminal; anything but y/yes is a no.
fn confirm(spec: &DownloadSpec, plan: &Plan) -> bool {
    let names: Vec<&str> = plan.targets.iter().map(|(_, n)| n.as_str()).collect();
    super::ask_yes(&question(&spec.masked_url(), &names))
}

/// `--timeout`: a positive duration such as "90m" or "1h 30m", at most 30 days.
fn follow_limit(text: Option<&str>) -> Result<Option<Duration>, CliError> {
    let Some(text) = text else {
        return Ok(None);
    };
    text.parse::<jiff::SignedDuration>()
        .ok()
        .filter(|d| d.is_positive())
        .and_then(|d| Duration::try_from(d).ok())
        .filter(|d| *d <= MAX_FOLLOW_LIMIT)
        .map(Some)
        .ok_or_else(|| {
            CliError::Usage(format!(
                "--timeout {text:?} is not a duration of at most 30 days; write it like \
                 \"90m\", \"2h\" or \"1h 30m\""
            ))
        })
}

/// Every request was taken: started, attached or already there.
fn accepted(reports: &[StartReport]) -> bool {
    reports.iter().all(|r| {
        !matches!(
            r.outcome,
            StartOutcome::Refused(_) | StartOutcome::NotSent(_)
        )
    })
}

/// Why the first start that was not sent was not.
fn failure_of(reports: &[StartReport]) -> String {
    reports
        .iter()
        .find_map(|r| match &r.outcome {
            StartOutcome::NotSent(reason) => Some(reason.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// One line per cluster: how it answered, and the job to follow when there is one.
fn print_starts(reports: &[StartReport], waiting: bool) {
    let rows: Vec<Vec<String>> = reports
        .iter()
        .map(|r| {
            let (word, detail) = start_line(&r.outcome, waiting);
            vec![r.name.clone(), word.to_string(), detail]
        })
        .collect();
    crate::out!("{}", table::render(&LINE_COLUMNS, &rows));
    for r in reports {
        match &r.outcome {
            StartOutcome::Refused(e) => crate::errln!(
                "ontop: {}: refused: {} ({}); what to do: {}",
                r.name,
                e.message,
                e.code
                    .map_or(e.kind.to_string(), |c| format!("ONTAP code {c}")),
                e.hint()
            ),
            StartOutcome::NotSent(reason) => {
                crate::errln!("ontop: {}: not sent: {reason}", r.name);
            }
            _ => {}
        }
    }
}

fn start_line(outcome: &StartOutcome, waiting: bool) -> (&'static str, String) {
    match outcome {
        StartOutcome::Started { job } => ("started", format!("job {job}")),
        StartOutcome::Finished { job } => (
            "finished",
            job.as_ref().map_or(String::new(), |j| format!("job {j}")),
        ),
        StartOutcome::Attached if waiting => {
            ("attached", "a download was running: following it".into())
        }
        StartOutcome::Attached => (
            "attached",
            "a download was running: nothing started (--wait follows it)".into(),
        ),
        StartOutcome::AlreadyPresent { packages } => {
            let versions: Vec<&str> = packages
                .iter()
                .filter_map(|p| p.version.as_deref())
                .collect();
            let detail = if versions.is_empty() {
                "the package is on the cluster".to_string()
            } else {
                format!(
                    "the package is on the cluster (packages: {})",
                    versions.join(", ")
                )
            };
            ("already present", detail)
        }
        StartOutcome::Refused(e) => ("refused", format!("{}: {}", e.kind, e.message)),
        StartOutcome::NotSent(reason) => ("not sent", reason.clone()),
    }
}

#[cfg(test)]
mod tests;
