//! `ontop status`: one sweep, printed for a person (a table) or a script (`--json`, one
//! document; `--jsonl`, one object per line). For a script the same pass also reads each
//! repository (one pass per cluster: a hung cluster costs one timeout). The table cuts
//! errors to fit a terminal only: piped, they are whole, and messages get more room (up
//! to a bound a hostile cluster cannot turn into megabytes of padding).
//!
//! The exit code is the contract for cron and scripts: 0 when every cluster answered,
//! 1 when some did not (the reports still print), 2 for usage or config errors (decided
//! before any sweep), 130 at Ctrl-C (after naming who had not answered). On a terminal a
//! live line on stderr says who is still awaited.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use serde_json::Value;

use tokio::sync::mpsc;

use super::progress::Waiting;
use super::selection::{SelectionArgs, WhenUnnamed};
use super::{CliError, Context, Exit};
use crate::config::{Config, Credentials};
use crate::download::journal::Journal;
use crate::fleet::{self, Asks, ClusterReport, DEFAULT_MAX_IN_FLIGHT};
use crate::ontap::ErrorKind;
use crate::state::report::{ClusterFacts, ReadinessFacts, Repository, cluster_json};
use crate::state::validation::Readiness;
use crate::text::table::{self, Column};

/// How `ontop status` prints what it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// A table for a person; on a terminal (`width` its columns) values are cut to fit.
    Table { width: Option<usize> },
    /// `--json`: one JSON document, an array of one object per cluster.
    Json,
    /// `--jsonl`: JSON Lines, one compact object per cluster per line.
    JsonLines,
}

impl Form {
    /// From the command line's flags (clap keeps them apart) and where stdout goes.
    pub(crate) fn from_flags(json: bool, jsonl: bool) -> Self {
        match (json, jsonl) {
            (_, true) => Self::JsonLines,
            (true, false) => Self::Json,
            (false, false) => Self::Table {
                width: crate::output::stdout_width(),
            },
        }
    }
}

/// One sweep of every configured cluster, printed; 0 when all answered, 1 otherwise.
pub(crate) async fn run(
    ctx: &Context,
    form: Form,
    select: &SelectionArgs,
) -> Result<Exit, CliError> {
    let config = &ctx
        .config()?
        .subset(&select.select(ctx.config()?, WhenUnnamed::Everyone)?);
    if !select.labels.is_empty() {
        let all: Vec<usize> = (0..config.clusters.len()).collect();
        super::selection::announce(config, &all, select);
    }
    let credentials = Credentials::new(ctx.prompting());
    // Password commands and prompts block: keep them off the async workers.
    let targets = tokio::task::block_in_place(|| {
        fleet::targets_from_config(config, &credentials, fleet::Session::ReadOnly)
    });
    // Jobs started by ontop (any session) and not yet seen to end: show them too.
    let journal = Journal::open(ctx.data_dir.as_deref());
    for warning in journal.take_warnings() {
        crate::output::warn(&warning);
    }
    let jobs: Vec<Option<String>> = config
        .clusters
        .iter()
        .map(|c| journal.entry(&c.name).map(|e| e.job))
        .collect();
    let asks = Asks {
        jobs,
        // What a script gets carries the repository; the table does not show it.
        packages: !matches!(form, Form::Table { .. }),
        // And where an update stands, and the last validation's findings.
        software: !matches!(form, Form::Table { .. }),
        answered: None,
    };
    // The release each cluster was last validated for: the cluster's findings name none.
    let validated: Validated = journal
        .validated()
        .into_iter()
        .filter_map(|e| Some((e.cluster, (e.version, e.at.parse().ok()?))))
        .collect();
    let Some(reports) = sweep_shown(config, targets, asks).await else {
        return Ok(Exit::Interrupted);
    };
    match form {
        Form::Json => {
            let doc = to_json(config, &reports, &validated);
            let text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "[]".into());
            crate::outln!("{text}");
        }
        Form::JsonLines => {
            for record in records(config, &reports, &validated) {
                crate::outln!("{record}");
            }
        }
        Form::Table { width } => crate::out!("{}", to_table(&reports, width)),
    }
    Ok(exit_code(&reports))
}

/// The sweep, with a live line on a terminal ("36 of 40 done; waiting on sim-3
/// (timeout 30s)"); `None` at Ctrl-C, after saying who had not answered (nothing is
/// changed by a sweep: there is nothing else to leave behind).
async fn sweep_shown(
    config: &Config,
    targets: Vec<fleet::Target>,
    mut asks: Asks,
) -> Option<Vec<ClusterReport>> {
    let names: Vec<&str> = config.clusters.iter().map(|c| c.name.as_str()).collect();
    let timeouts = config.clusters.iter().map(|c| c.timeout).collect();
    let line = Waiting::new(timeouts, "done");
    let (answered_tx, mut answered) = mpsc::unbounded_channel();
    asks.answered = Some(answered_tx);
    let mut awaited = vec![true; names.len()];
    line.show_named(&names, |i| awaited[i]);
    let sweep = fleet::sweep_asking(targets, &asks, DEFAULT_MAX_IN_FLIGHT);
    tokio::pin!(sweep);
    loop {
        tokio::select! {
            reports = &mut sweep => return Some(reports),
            Some(index) = answered.recv() => {
                if let Some(slot) = awaited.get_mut(index) {
                    *slot = false;
                }
                line.show_named(&names, |i| awaited[i]);
            }
            () = crate::signals::ctrl_c() => {
                line.finish();
                let silent: Vec<&str> = names
                    .iter()
                    .zip(&awaited)
                    .filter(|(_, waiting)| **waiting)
                    .map(|(name, _)| *name)
                    .collect();
                crate::errln!(
                    "ontop: interrupted: {} of {} had not answered ({}); nothing was changed",
                    silent.len(),
                    crate::text::count_clusters(names.len()),
                    silent.join(", ")
                );
                return None;
            }
        }
    }
}

/// 0 when every cluster answered, 1 otherwise (the closing line names who did not).
fn exit_code(reports: &[ClusterReport]) -> Exit {
    unless_all_answered(reports, "did not answer")
}

/// 0 when every cluster of a sweep answered, else 1 and the closing line: "2 of 5
/// clusters `did_not` (a, b)". Clusters that answered by refusing the login, and those
/// never asked for want of a password, are named apart: "1 of 5 clusters refused the
/// login (c)", "1 of 5 clusters had no password to send (d)": the fix is the password,
/// not the network.
pub(crate) fn unless_all_answered(reports: &[ClusterReport], did_not: &str) -> Exit {
    let named = |kind: Option<ErrorKind>| -> Vec<&str> {
        let apart = [ErrorKind::Auth, ErrorKind::Password];
        reports
            .iter()
            .filter(|r| {
                r.error.as_ref().is_some_and(|e| match kind {
                    Some(kind) => e.kind == kind,
                    None => !apart.contains(&e.kind),
                })
            })
            .map(|r| r.name.as_str())
            .collect()
    };
    let total = crate::text::count_clusters(reports.len());
    let reasons: Vec<String> = [
        (named(None), did_not),
        (named(Some(ErrorKind::Auth)), "refused the login"),
        (named(Some(ErrorKind::Password)), "had no password to send"),
    ]
    .into_iter()
    .filter(|(names, _)| !names.is_empty())
    .map(|(names, why)| format!("{} of {total} {why} ({})", names.len(), names.join(", ")))
    .collect();
    Exit::unless(&reasons)
}

/// The release each cluster was last validated for by ontop, and when (the journal's).
type Validated = BTreeMap<String, (String, Timestamp)>;

/// The `--json` document: an array with one object per cluster, in config order
/// (`config` is the config the reports were swept from: their labels and `[validate]`).
fn to_json(config: &Config, reports: &[ClusterReport], validated: &Validated) -> Value {
    Value::Array(records(config, reports, validated).collect())
}

/// One object per cluster, in config order: the lines of `--jsonl`.
fn records<'a>(
    config: &'a Config,
    reports: &'a [ClusterReport],
    validated: &'a Validated,
) -> impl Iterator<Item = Value> + 'a {
    let none = BTreeMap::new();
    let now = Timestamp::now();
    // Names are unique in a valid config. Each of 10,000 reports searching the fleet
    // for its labels took a fifth of a 10,000-cluster `status --json`'s CPU.
    let labels: HashMap<&str, &BTreeMap<String, String>> = config
        .clusters
        .iter()
        .map(|c| (c.name.as_str(), &c.labels))
        .collect();
    reports.iter().map(move |r| {
        let labels = labels.get(r.name.as_str()).copied().unwrap_or(&none);
        let readiness = Readiness {
            software: match &r.software {
                Some(Ok(software)) => Some((r.polled_at, software.clone())),
                _ => None,
            },
            validated: validated.get(&r.name).cloned(),
            operation: None,
        };
        let facts = r.software.is_some().then(|| ReadinessFacts {
            software: readiness.software(),
            software_read_at: readiness.software.as_ref().map(|(at, _)| *at),
            validation: readiness.validation(),
            rules: &config.validate,
            now,
        });
        report_json(r, labels, facts)
    })
}

fn report_json(
    r: &ClusterReport,
    labels: &BTreeMap<String, String>,
    readiness: Option<ReadinessFacts<'_>>,
) -> Value {
    cluster_json(&ClusterFacts {
        name: &r.name,
        url: &r.url,
        labels,
        health: if r.answered() { "ok" } else { "failing" },
        version: r.version(),
        version_read_at: r.info.as_ref().map(|_| r.polled_at),
        download: r.download.as_ref(),
        job: r.job.as_ref(),
        error: r.error.as_ref(),
        tls: r.tls.as_ref(),
        packages: Repository::from_read(r.packages.as_ref(), r.polled_at),
        polled_at: Some(r.polled_at),
        operation: None,
        readiness,
    })
}

/// The table's columns, each with the most cells a value may take on a terminal; piped,
/// errors are whole and messages get [`PIPED_MESSAGE`]; `--json` has the full text.
const COLUMNS: [Column; 7] = [
    Column {
        heading: "CLUSTER",
        cap: 40,
    },
    Column {
        heading: "VERSION",
        cap: 20,
    },
    Column {
        heading: "DOWNLOAD",
        cap: 16,
    },
    Column {
        heading: "CODE",
        cap: 10,
    },
    Column {
        heading: "JOB",
        cap: 24,
    },
    Column {
        heading: "MESSAGE",
        cap: 56,
    },
    Column {
        heading: "ERROR",
        cap: 56,
    },
];

/// The most cells the cluster's message takes when piped: every real ONTAP message
/// whole, and a hostile 70,000-character one cannot pad every other row to its width.
const PIPED_MESSAGE: usize = 120;

/// A plain-text table, then warnings (certificates about to expire), then one
/// line per failing cluster with what to do next. On a terminal (`width` its columns)
/// long values are cut so that each line fits; otherwise (a pipe, a file) errors are
/// whole.
pub(crate) fn to_table(reports: &[ClusterReport], width: Option<usize>) -> String {
    let rows: Vec<Vec<String>> = reports
        .iter()
        .map(|r| {
            let download = r.download.as_ref();
            vec![
                r.name.clone(),
                r.version().unwrap_or_else(|| "-".into()),
                download
                    .and_then(|d| d.state.as_ref())
                    .map_or("-".into(), |s| s.as_str().to_string()),
                download
                    .and_then(|d| d.code)
                    .map_or("-".into(), |c| c.to_string()),
                r.job.as_ref().map_or("-".into(), |j| {
                    let state = j.state.as_ref().map_or("?", |s| s.as_str());
                    format!("{state} ({})", crate::state::short_uuid(&j.uuid))
                }),
                download
                    .and_then(|d| d.message.clone())
                    .unwrap_or_else(|| "-".into()),
                r.error
                    .as_ref()
                    .map_or("-".into(), |e| format!("{}: {}", e.kind, e.message)),
            ]
        })
        .collect();
    let piped = COLUMNS.map(|c| match c.heading {
        "MESSAGE" => Column {
            cap: PIPED_MESSAGE,
            ..c
        },
        // The last column: its width pads no other, and its text is ontop's own words
        // around a field cut as it was read.
        "ERROR" => Column {
            cap: usize::MAX,
            ..c
        },
        _ => c,
    });
    let mut out = match width {
        Some(width) => table::render_within(&COLUMNS, &rows, width),
        None => table::render(&piped, &rows),
    };
    let warnings: Vec<String> = reports.iter().filter_map(expiry_warning).collect();
    if !warnings.is_empty() {
        out.push('\n');
        for line in warnings {
            out.push_str(&line);
            out.push('\n');
        }
    }
    let failing: Vec<_> = reports.iter().filter_map(|r| r.error.as_ref()).collect();
    if !failing.is_empty() {
        out.push('\n');
    }
    // Clusters failing alike share one "what to do": two hundred dead clusters are two
    // hundred errors, not two hundred copies of the same advice.
    let mut hints: Vec<&str> = Vec::new();
    for e in &failing {
        if !hints.contains(&e.hint()) {
            hints.push(e.hint());
        }
    }
    for hint in hints {
        for e in failing.iter().filter(|e| e.hint() == hint) {
            crate::text::push_wrapped(&mut out, &e.to_string(), "", width);
        }
        crate::text::push_wrapped(&mut out, &format!("what to do: {hint}"), "  ", width);
    }
    out
}

/// A line for a certificate under [`crate::ontap::EXPIRY_WARNING_DAYS`], else nothing.
fn expiry_warning(r: &ClusterReport) -> Option<String> {
    let facts = r.tls.as_ref().filter(|f| f.expires_soon())?;
    let when = crate::ontap::certificate::written_utc(facts.expires, "%Y-%m-%d %H:%M UTC");
    let left = match facts.days_left {
        d if d < 0 => format!("EXPIRED on {when}"),
        0 => format!("expires within a day ({when})"),
        1 => format!("expires in 1 day ({when})"),
        d => format!("expires in {d} days ({when})"),
    };
    let then = if facts.pinned {
        format!(", then pin the new one: ontop trust {} --write", r.name)
    } else {
        String::new()
    };
    Some(format!(
        "{}: warning: the TLS certificate {left} — renew it on the cluster (security certificate){then}",
        r.name
    ))
}
