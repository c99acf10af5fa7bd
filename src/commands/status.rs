//! `ontop status`: one sweep, printed for a person (a table) or a script (`--json`).
//!
//! The exit code is the contract for cron and scripts: 0 when every cluster answered,
//! 1 when some did not (the reports still print), 2 for usage or config errors (decided
//! before any sweep).

use jiff::Timestamp;
use serde_json::{Value, json};

use super::selection::SelectionArgs;
use super::{CliError, Context, Exit};
use crate::config::Credentials;
use crate::download::journal::Journal;
use crate::fleet::{self, ClusterReport, DEFAULT_MAX_IN_FLIGHT};
use crate::ontap::{CertificateFacts, DownloadStatus, Job, OntapError};
use crate::state::{Health, Model};
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
    record_json(&Record {
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

/// The `--json` document from what the engine's model knows (`ontop serve`'s
/// `/api/status`): the same objects a sweep prints, `error` set while a cluster is
/// failing, and `polled_at` its last answer or failure (`null` before the first).
pub fn model_json(model: &Model, now: Timestamp) -> Value {
    let records = model.clusters.iter().map(|c| {
        let failing = c.health(now) == Health::Failing;
        record_json(&Record {
            name: &c.identity.name,
            url: &c.identity.url,
            version: c.version.clone(),
            download: c.download.as_ref(),
            job: c.job.as_ref(),
            error: c.last_error.as_ref().filter(|_| failing),
            tls: c.certificate.as_ref(),
            polled_at: c.last_success.max(c.last_failure),
        })
    });
    Value::Array(records.collect())
}

/// One cluster's facts, wherever they came from.
struct Record<'a> {
    name: &'a str,
    url: &'a str,
    version: Option<String>,
    download: Option<&'a DownloadStatus>,
    job: Option<&'a Job>,
    error: Option<&'a OntapError>,
    tls: Option<&'a CertificateFacts>,
    polled_at: Option<Timestamp>,
}

fn record_json(r: &Record) -> Value {
    json!({
        "name": r.name,
        "url": r.url,
        "version": r.version,
        "download": r.download.map(|d| json!({
            "state": d.state.as_ref().map(|s| s.as_str()),
            "message": d.message,
            "code": d.code,
        })),
        "job": r.job.map(|j| json!({
            "uuid": j.uuid,
            "state": j.state.as_ref().map(|s| s.as_str()),
            "message": j.message,
            "code": j.code,
            "start_time": j.start_time,
            "end_time": j.end_time,
        })),
        "error": r.error.map(|e| json!({
            "kind": e.kind.as_str(),
            "message": e.message,
            "http_status": e.http_status,
            "ontap_code": e.code,
            "hint": e.hint(),
        })),
        "tls": r.tls.map(tls_json),
        "polled_at": r.polled_at.map(|t| t.to_string()),
    })
}

/// `"tls"`: when the certificate expires and how it is trusted; `null` over plain HTTP
/// or when the cluster did not answer.
fn tls_json(facts: &CertificateFacts) -> Value {
    json!({
        "expires": facts.expires.to_string(),
        "days_left": facts.days_left,
        "pinned": facts.pinned,
        "insecure": facts.insecure,
        "self_signed": facts.self_signed,
        "fingerprint": facts.fingerprint.to_string(),
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
