//! The JSON document of the fleet's state (`ontop status --json` and `--jsonl`, `ontop
//! serve`'s `/api/status`): built here, next to the model, so that both print the same
//! objects by the same function, in the screen's words (`health` is the filter's word
//! for the HEALTH column: `ok`, `failing`, `stale`, `paused`, `unknown`).

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::validation::{Validation, weight};
use super::{Health, Model, Standing};
use crate::config::ValidateSettings;
use crate::download::{Followed, Operation, Phase};
use crate::ontap::software::Software;
use crate::ontap::{CertificateFacts, DownloadStatus, Job, OntapError, Package};

/// The `--json` document from what the engine's model knows (`ontop serve`'s
/// `/api/status`): the same objects a sweep prints, `error` set while a cluster is
/// failing, and `polled_at` its last answer or failure (`null` before the first).
pub(crate) fn document(model: &Model, now: Timestamp) -> Value {
    Value::Array(records(model, now).collect())
}

/// One object per cluster, in config order (the lines of `--jsonl`).
pub(crate) fn records(model: &Model, now: Timestamp) -> impl Iterator<Item = Value> + '_ {
    model.clusters.iter().map(move |c| {
        let failing = c.health(now) == Health::Failing;
        cluster_json(&ClusterFacts {
            name: &c.identity.name,
            url: &c.identity.url,
            labels: &c.identity.labels,
            health: Standing::of(c, now).filter_word(),
            version: c.version.clone(),
            version_read_at: c.version_read,
            download: c.download.as_ref(),
            job: c.job.as_deref(),
            error: c.last_error.as_deref().filter(|_| failing),
            tls: c.certificate.as_ref(),
            packages: Repository::from_model(c.packages.as_ref(), c.packages_error.as_deref()),
            polled_at: c.last_success.max(c.last_failure),
            operation: c.followed.as_deref(),
            readiness: Some(ReadinessFacts {
                software: c.readiness.software(),
                software_read_at: c.readiness.software.as_ref().map(|(at, _)| *at),
                validation: c.readiness.validation(),
                rules: &model.validate,
                now,
            }),
        })
    })
}

/// One cluster's facts, wherever they came from.
pub(crate) struct ClusterFacts<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub labels: &'a BTreeMap<String, String>,
    /// The filter's word for the HEALTH column ([`Standing::filter_word`]).
    pub health: &'static str,
    pub version: Option<String>,
    /// When identity and version were read (less often than the download state).
    pub version_read_at: Option<Timestamp>,
    pub download: Option<&'a DownloadStatus>,
    pub job: Option<&'a Job>,
    pub error: Option<&'a OntapError>,
    pub tls: Option<&'a CertificateFacts>,
    pub packages: Repository<'a>,
    pub polled_at: Option<Timestamp>,
    /// The operation the engine follows there (a download, an upload), when the facts
    /// come from an engine (`ontop serve`); `None` from a one-shot look.
    pub operation: Option<&'a Followed>,
    /// The cluster's software (an update in progress) and last validation, judged by
    /// `[validate]`'s rules; `None` when they were not asked.
    pub readiness: Option<ReadinessFacts<'a>>,
}

/// What is known of a cluster's readiness, and the rules to judge it by.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadinessFacts<'a> {
    pub software: Option<&'a Software>,
    /// When the software was read (less often than the download state, unless an update
    /// runs).
    pub software_read_at: Option<Timestamp>,
    pub validation: Option<Validation<'a>>,
    pub rules: &'a ValidateSettings,
    pub now: Timestamp,
}

/// What is known of a cluster's package repository.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Repository<'a> {
    /// The packages, when the repository was read (`None`: not read, or not yet).
    pub packages: Option<&'a [Package]>,
    /// When they were read (`ontop serve` reads them now and then).
    pub read_at: Option<Timestamp>,
    /// Why the last read failed, when it did.
    pub error: Option<&'a OntapError>,
}

impl<'a> Repository<'a> {
    /// From the model's last read and last failed read.
    fn from_model(
        read: Option<&'a (Timestamp, Vec<Package>)>,
        error: Option<&'a (Timestamp, OntapError)>,
    ) -> Self {
        Self {
            packages: read.map(|(_, list)| list.as_slice()),
            read_at: read.map(|(at, _)| *at),
            error: error.map(|(_, e)| e),
        }
    }

    /// From one read in a sweep (`None`: not asked).
    pub(crate) fn from_read(
        read: Option<&'a Result<Vec<Package>, OntapError>>,
        at: Timestamp,
    ) -> Self {
        match read {
            Some(Ok(list)) => Self {
                packages: Some(list),
                read_at: Some(at),
                error: None,
            },
            Some(Err(e)) => Self {
                error: Some(e),
                ..Self::default()
            },
            None => Self::default(),
        }
    }
}

/// One cluster's object in the document.
pub(crate) fn cluster_json(r: &ClusterFacts) -> Value {
    json!({
        "name": r.name,
        "url": r.url,
        "labels": r.labels,
        "health": r.health,
        "version": r.version,
        "version_read_at": r.version_read_at.map(|t| t.to_string()),
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
        "error": r.error.map(error_json),
        "tls": r.tls.map(tls_json),
        "packages": r.packages.packages.map(|list| list.iter().map(|p| json!({
            "version": p.version,
            "create_time": p.create_time,
        })).collect::<Vec<Value>>()),
        "packages_read_at": r.packages.read_at.map(|t| t.to_string()),
        "packages_error": r.packages.error.map(error_json),
        "polled_at": r.polled_at.map(|t| t.to_string()),
        "operation": r.operation.map(operation_json),
        "update": r.readiness.and_then(|f| f.software).and_then(update_json),
        "software_read_at": r.readiness.and_then(|f| f.software_read_at).map(|t| t.to_string()),
        "validation": r.readiness.and_then(validation_json),
    })
}

/// `"update"`: an update under way (or its end, while the cluster still says where it
/// got): its state, the phase now, and each node's release; `null` when none is known.
fn update_json(s: &Software) -> Option<Value> {
    if s.pending_version.is_none() && s.phases.is_empty() {
        return None;
    }
    let phase = s.current_phase();
    Some(json!({
        "state": s.state.as_ref().map(|st| st.as_str()),
        "pending_version": s.pending_version,
        "phase": phase.and_then(|p| p.phase.clone()),
        "phase_state": phase.and_then(|p| p.state.clone()),
        "node": phase.and_then(|p| p.node.clone()),
        "elapsed_seconds": s.elapsed.or(phase.and_then(|p| p.elapsed)),
        "estimated_seconds": s.estimated.or(phase.and_then(|p| p.estimated)),
        "nodes": s.nodes.iter().map(|n| json!({"name": n.name, "version": n.version}))
            .collect::<Vec<Value>>(),
        "phases": s.phases.iter().map(|p| json!({
            "phase": p.phase, "state": p.state, "node": p.node,
            "elapsed_seconds": p.elapsed, "estimated_seconds": p.estimated,
        })).collect::<Vec<Value>>(),
        "status": s.statuses.iter().map(|d| json!({
            "name": d.name, "state": d.state, "node": d.node,
            "issue": d.issue.as_ref().map(|i| &i.message),
            "code": d.issue.as_ref().and_then(|i| i.code),
            "action": d.action.as_ref().map(|a| &a.message),
        })).collect::<Vec<Value>>(),
    }))
}

/// `"validation"`: the last validation's verdict, counts, release and time, and each
/// finding with its weight; `null` when the cluster holds no results.
fn validation_json(f: ReadinessFacts<'_>) -> Option<Value> {
    let v = f.validation?;
    let counts = v.counts(f.rules);
    let verdict = v.verdict(None, f.now, f.rules);
    Some(json!({
        "verdict": verdict.word(),
        "summary": verdict.describe(),
        "version": v.version,
        "validated_at": v.at.map(|t| t.to_string()),
        "warnings": counts.warnings,
        "errors": counts.errors,
        "notes": counts.notes,
        "checks": v.checks.iter().map(|c| json!({
            "check": c.name,
            "status": c.status.as_str(),
            "weight": weight(c, f.rules).word(),
            "issue": c.issue,
            "action": c.action,
        })).collect::<Vec<Value>>(),
    }))
}

/// `"operation"`: what the engine follows on the cluster, where it stands (an upload's
/// bytes included) and, once, how it ended.
fn operation_json(f: &Followed) -> Value {
    let (kind, file) = match &f.operation {
        Operation::Upload(file) => ("upload", Some(file)),
        Operation::Download { .. } => ("download", None),
        Operation::Removal { .. } => ("removal", None),
        Operation::Validation { .. } => ("validation", None),
    };
    let (sent, total) = match f.phase {
        Phase::Sending { sent, total } => (Some(sent), Some(total)),
        _ => (None, file.map(|f| f.size)),
    };
    json!({
        "kind": kind,
        "phase": f.phase.word(),
        "label": f.phase.label(),
        "job": f.job,
        "since": f.since.at().to_string(),
        "bytes_sent": sent,
        "bytes_total": total,
        "image": file.map(|f| json!({"name": f.name, "sha256": f.sha256})),
        "url": match &f.operation { Operation::Download { url, .. } => url.clone(), _ => None },
        "ending": f.ending().map(|e| json!({
            "result": e.result_word(),
            "summary": e.summary(),
            "code": e.code(),
            "next_step": e.next_step(),
        })),
    })
}

fn error_json(e: &OntapError) -> Value {
    json!({
        "kind": e.kind.as_str(),
        "message": e.message,
        "http_status": e.http_status,
        "ontap_code": e.code,
        "hint": e.hint(),
    })
}

/// `"tls"`: when the certificate expires and how it is trusted; `null` over plain HTTP
/// or when the cluster did not answer.
fn tls_json(facts: &CertificateFacts) -> Value {
    json!({
        "expires": crate::ontap::certificate::written_utc(facts.expires, "%Y-%m-%dT%H:%M:%SZ"),
        "days_left": facts.days_left,
        "pinned": facts.pinned,
        "insecure": facts.insecure,
        "self_signed": facts.self_signed,
        "fingerprint": facts.fingerprint.to_string(),
    })
}
