//! The JSON document of the fleet's state (`ontop status --json`, `ontop serve`'s
//! `/api/status`): built here, next to the model, so that both print the same objects
//! by the same function.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::{Health, Model};
use crate::ontap::{CertificateFacts, DownloadStatus, Job, OntapError};

/// The `--json` document from what the engine's model knows (`ontop serve`'s
/// `/api/status`): the same objects a sweep prints, `error` set while a cluster is
/// failing, and `polled_at` its last answer or failure (`null` before the first).
pub fn document(model: &Model, now: Timestamp) -> Value {
    let records = model.clusters.iter().map(|c| {
        let failing = c.health(now) == Health::Failing;
        cluster_json(&ClusterFacts {
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
pub struct ClusterFacts<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub version: Option<String>,
    pub download: Option<&'a DownloadStatus>,
    pub job: Option<&'a Job>,
    pub error: Option<&'a OntapError>,
    pub tls: Option<&'a CertificateFacts>,
    pub polled_at: Option<Timestamp>,
}

/// One cluster's object in the document.
pub fn cluster_json(r: &ClusterFacts) -> Value {
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
