//! `ontop status`: one sweep, printed for a person (a table) or a script (`--json`).
//!
//! The exit code is the contract for cron and scripts: 0 when every cluster answered,
//! 1 when some did not (the reports still print), 2 for usage or config errors (decided
//! before any sweep).

use serde_json::Value;

use super::selection::SelectionArgs;
use super::{CliError, Context, Exit};
use crate::config::Credentials;
use crate::download::journal::Journal;
use crate::fleet::{self, ClusterReport, DEFAULT_MAX_IN_FLIGHT};
use crate::state::report::{ClusterFacts, cluster_json};
use crate::text::table::{self, Column};

/// One sweep of every configured cluster, printed; 0 when all answered, 1 otherwise.
pub async fn run(ctx: &Context, json: bool, select: &SelectionArgs) -> Result<Exit, CliError> {
    let config = &ctx.config()?.subset(&select.select(ctx.config()?, true)?);
    if !select.labels.is_empty() {
        let all: Vec<usize> = (0..config.clusters.len()).collect();
        super::selection::announce(config, &all, select);
    }
    let credentials = Credentials::new(ctx.interactive);
    // Password commands and prompts block: keep them off the async workers.
    let targets =
        tokio::task::block_in_place(|| fleet::targets_from_config(config, &credentials, true));
    // Jobs started by ontop (any session) and not yet seen to end: show them too.
    let journal = Journal::open(ctx.data_dir.as_deref());
    for warning in journal.take_warnings() {
        crate::errln!("ontop: warning: {warning}");
    }
    let jobs: Vec<Option<String>> = config
        .clusters
        .iter()
        .map(|c| journal.entry(&c.name).map(|e| e.job))
        .collect();
    let reports = fleet::sweep_with_jobs(targets, &jobs, DEFAULT_MAX_IN_FLIGHT).await;
    if json {
        let doc = to_json(&reports);
        let text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "[]".into());
        crate::outln!("{text}");
    } else {
        crate::out!("{}", to_table(&reports));
    }
    Ok(exit_code(&reports))
}

/// 0 when every cluster answered, 1 otherwise.
pub fn exit_code(reports: &[ClusterReport]) -> Exit {
    Exit::from_ok(reports.iter().all(ClusterReport::answered))
}

/// The `--json` document: an array with one object per cluster, in config order.
pub fn to_json(reports: &[ClusterReport]) -> Value {
    Value::Array(reports.iter().map(report_json).collect())
}

fn report_json(r: &ClusterReport) -> Value {
    cluster_json(&ClusterFacts {
        name: &r.name,
        url: &r.url,
        version: r.version(),
        download: r.download.as_ref(),
        job: r.job.as_ref(),
        error: r.error.as_ref(),
        tls: r.tls.as_ref(),
        polled_at: Some(r.polled_at),
    })
}

/// The table's columns, each with the most cells a value may take; `--json` has the
/// full text.
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

/// A plain-text table, then warnings (certificates about to expire), then one
/// line per failing cluster with what to do next.
pub fn to_table(reports: &[ClusterReport]) -> String {
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
    let mut out = table::render(&COLUMNS, &rows);
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
        for e in failing {
            out.push_str(&format!("{e}\n  what to do: {}\n", e.hint()));
        }
    }
    out
}

/// A line for a certificate under [`crate::ontap::EXPIRY_WARNING_DAYS`], else nothing.
fn expiry_warning(r: &ClusterReport) -> Option<String> {
    let facts = r.tls.as_ref().filter(|f| f.expires_soon())?;
    let when = facts.expires.strftime("%Y-%m-%d %H:%M UTC");
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
