//! `ontop download`: start a package download on chosen clusters from a shell or a script,
//! and with `--wait` follow each one to its end.
//!
//! The engine ([`crate::download`]) does the work and the auditing; this module is the
//! command's manners: clusters chosen by name, the package server's password from the
//! environment or a no-echo prompt (never from the command line), one sweep so that
//! clusters which cannot take a download are skipped with their reason, a confirmation
//! naming every target, and an exit code a script can trust:
//! - 0: every download was accepted (with `--wait`: ended in success or already present);
//! - 1: a start was refused, a followed download failed or was given up on, a chosen
//!   cluster did not answer the sweep, or the operator declined the confirmation;
//! - 2 ([`UsageError`]): nothing was sent: a usage or config error, no terminal to confirm
//!   on without `--yes`, or every chosen cluster is read-only (`--read-only` included).
//!
//! A chosen cluster already downloading is not sent a second request: ontop attaches to
//! the running download (and follows it with `--wait`), as it does on ONTAP's 10551357.

mod inputs;
mod wait;

pub use inputs::{choose, close_names, spec_for};

use std::fmt;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use crate::audit::AuditLog;
use crate::cli::DownloadArgs;
use crate::config::{self, Config, Credentials};
use crate::download::{
    Candidate, DownloadSpec, Plan, SkipReason, StartOutcome, StartReport, plan, start_all,
};
use crate::fleet::{self, ClusterReport, DEFAULT_MAX_IN_FLIGHT, Target};
use crate::journal::Journal;
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

/// Every download was accepted (or, with `--wait`, ended well).
pub const EXIT_OK: u8 = 0;
/// Something was refused, failed, did not answer, or the operator said no.
pub const EXIT_FAILED: u8 = 1;

/// Why nothing was sent: the caller prints it and exits 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Runs `ontop download`; `Ok` carries the exit code once something was asked of a cluster.
pub async fn run(
    config_path: Option<&Path>,
    session_read_only: bool,
    args: &DownloadArgs,
) -> Result<u8, UsageError> {
    let config = config::load(config_path).map_err(|e| UsageError(e.to_string()))?;
    for warning in &config.warnings {
        crate::errln!("ontop: warning: {warning}");
    }
    let names: Vec<&str> = config.clusters.iter().map(|c| c.name.as_str()).collect();
    let chosen = choose(&names, &args.clusters, args.all, &config.path)?;
    let limit = follow_limit(args.timeout.as_deref())?;
    inputs::refuse_read_only(&config, &chosen, session_read_only)?;
    let interactive = std::io::stdin().is_terminal();
    if !args.yes && !interactive {
        return Err(UsageError(
            "no terminal to confirm on: use --yes to confirm without a terminal".into(),
        ));
    }
    let password = |var: &str| std::env::var(var).ok();
    let spec = Arc::new(spec_for(&config, args, interactive, password)?);

    let survey = survey(&config, &chosen, session_read_only, interactive).await;
    for (_, name, reason) in &survey.plan.skipped {
        crate::outln!("skip {name}: {reason}");
    }
    let targets = &survey.targets;
    let plan = &survey.plan;
    if plan.targets.is_empty() && survey.attach.is_empty() {
        crate::outln!("nothing to start");
        return Ok(survey.finish(true));
    }
    if !plan.targets.is_empty()
        && !args.yes
        && !tokio::task::block_in_place(|| confirm(&spec, plan))
    {
        crate::errln!("ontop: cancelled: nothing was started");
        return Ok(EXIT_FAILED);
    }

    let data_dir = config::data_dir();
    let audit = Arc::new(AuditLog::new(data_dir.as_deref()));
    let journal = Arc::new(Journal::open(data_dir.as_deref()));
    let clients = plan
        .targets
        .iter()
        .filter_map(|(i, _)| Some((*i, targets[*i].client.clone().ok()?)))
        .collect();
    let mut reports = start_all(
        clients,
        spec.clone(),
        audit.clone(),
        journal.clone(),
        |_| {},
    )
    .await;
    for &i in &survey.attach {
        reports.push(attach_report(i, &targets[i].name, &spec, &audit));
    }
    reports.sort_by_key(|r| r.cluster);
    print_starts(&reports, args.wait);

    let ended_well = if args.wait {
        let interval = Duration::from_millis(args.interval_ms.max(10));
        let run = wait::Run {
            targets,
            spec: &spec,
            audit: &audit,
            journal: &journal,
            interval,
            limit,
        };
        wait::follow_all(&run, &reports).await
    } else {
        accepted(&reports)
    };
    Ok(survey.finish(ended_well))
}

/// The chosen clusters as one sweep found them, and what will be done with each.
struct Survey {
    /// One per chosen cluster, in config order; the plan's indices point here.
    targets: Vec<Target>,
    plan: Plan,
    /// Clusters found downloading: followed (with `--wait`), never sent a request.
    attach: Vec<usize>,
    /// One line per chosen cluster that did not answer, with what to do about it.
    unreachable: Vec<String>,
}

/// Builds a client per chosen cluster, sweeps them once, and plans the start.
async fn survey(config: &Config, chosen: &[usize], read_only: bool, interactive: bool) -> Survey {
    let mut subset = config.clone();
    subset.clusters = chosen.iter().map(|&i| config.clusters[i].clone()).collect();
    let credentials = Credentials::new(interactive);
    // Password commands and prompts block: keep them off the async workers.
    let targets = tokio::task::block_in_place(|| {
        fleet::targets_from_config(&subset, &credentials, read_only)
    });
    let sweep = fleet::sweep(&targets, DEFAULT_MAX_IN_FLIGHT).await;
    let plan = plan_from(&subset, read_only, &targets, &sweep);
    let attach = plan
        .skipped
        .iter()
        .filter(|(_, _, r)| *r == SkipReason::AlreadyDownloading)
        .map(|(i, _, _)| *i)
        .collect();
    let unreachable = plan
        .skipped
        .iter()
        .filter(|(_, _, r)| matches!(r, SkipReason::Failing(_)))
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
        attach,
        unreachable,
    }
}

impl Survey {
    /// The exit code, once the rest `ended_well` (or not): a chosen cluster that did not
    /// answer is not a success either, and is named again last.
    fn finish(&self, ended_well: bool) -> u8 {
        for line in &self.unreachable {
            crate::errln!("{line}");
        }
        if ended_well && self.unreachable.is_empty() {
            EXIT_OK
        } else {
            EXIT_FAILED
        }
    }
}

/// What the sweep says about each chosen cluster, as the engine's plan wants it.
fn plan_from(
    subset: &Config,
    session_read_only: bool,
    targets: &[Target],
    sweep: &[ClusterReport],
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
                let downloading = report
                    .download
                    .as_ref()
                    .is_some_and(|d| d.state == Some(DownloadState::Running));
                Candidate {
                    cluster: i,
                    name: target.name.clone(),
                    read_only,
                    downloading,
                    failing: report
                        .error
                        .as_ref()
                        .map(|e| format!("{}: {}", e.kind, e.message)),
                }
            }),
    )
}

/// The confirmation question, naming every target.
pub fn question(masked_url: &str, targets: &[&str]) -> String {
    let clusters = if targets.len() == 1 {
        "1 cluster".to_string()
    } else {
        format!("{} clusters", targets.len())
    };
    format!(
        "Start downloading {masked_url} on {clusters}: {}? [y/N] ",
        targets.join(", ")
    )
}

/// Asks on the terminal; anything but y/yes is a no.
fn confirm(spec: &DownloadSpec, plan: &Plan) -> bool {
    let names: Vec<&str> = plan.targets.iter().map(|(_, n)| n.as_str()).collect();
    crate::err!("{}", question(&spec.masked_url(), &names));
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}

/// `--timeout`: a positive duration such as "90m" or "1h 30m".
fn follow_limit(text: Option<&str>) -> Result<Option<Duration>, UsageError> {
    let Some(text) = text else {
        return Ok(None);
    };
    text.parse::<jiff::SignedDuration>()
        .ok()
        .filter(|d| d.is_positive())
        .and_then(|d| Duration::try_from(d).ok())
        .map(Some)
        .ok_or_else(|| {
            UsageError(format!(
                "--timeout {text:?} is not a duration; write it like \"90m\", \"2h\" or \"1h 30m\""
            ))
        })
}

/// A cluster found downloading: no request is sent, the running download is followed.
/// Audited as an attachment so the log still tells who chose that cluster.
fn attach_report(cluster: usize, name: &str, spec: &DownloadSpec, audit: &AuditLog) -> StartReport {
    if let Some(problem) = crate::download::record_attached(name, spec, audit) {
        crate::errln!("ontop: warning: {problem}");
    }
    StartReport {
        cluster,
        name: name.to_string(),
        at: Timestamp::now(),
        outcome: StartOutcome::Attached,
    }
}

/// Every request was taken: started, attached or already there.
fn accepted(reports: &[StartReport]) -> bool {
    reports
        .iter()
        .all(|r| !matches!(r.outcome, StartOutcome::Refused(_)))
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
        if let StartOutcome::Refused(e) = &r.outcome {
            crate::errln!(
                "ontop: {}: refused: {} ({}); what to do: {}",
                r.name,
                e.message,
                e.code
                    .map_or(e.kind.to_string(), |c| format!("ONTAP code {c}")),
                e.hint()
            );
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
    }
}

#[cfg(test)]
mod tests;
