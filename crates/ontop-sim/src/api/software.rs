//! `/api/cluster/software`: the GET that shows versions, update progress and validation
//! results (in the shape of the cluster's release), and the PATCH that validates a
//! release (`validate_only=true`) or starts an update.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::job_answer;
use crate::cluster::{Cluster, Halt, PhaseNow, SoftwareNow, UpdateNow, now_rfc3339};
use crate::codes::{self, software as sw};
use crate::fault::{Fault, poison};
use crate::release::{Role, Shape};
use crate::validation::{Check, Text};
use crate::wire::{self, Params, hal};

/// `GET /api/cluster/software`: every field unless `fields` says.
pub(super) async fn get(State(c): State<Arc<Cluster>>, uri: Uri) -> Response {
    let p = params!(uri);
    let now = c.software_now();
    let fault = c.fault();
    let look = Look {
        shape: Shape::of(&now.version, &fault),
        poisoned: fault == Fault::Escape,
    };
    hal(StatusCode::OK, p.select(look.software(&now), &["_links"]))
}

/// `PATCH /api/cluster/software` with `{"version": ...}`: a validation with
/// `validate_only=true`, else an update start. 202 with the job, or 200 when a non-zero
/// `return_timeout` saw it end; every refusal is a 400 with ONTAP's code.
pub(super) async fn patch(State(c): State<Arc<Cluster>>, uri: Uri, body: Bytes) -> Response {
    let p = params!(uri);
    let (query, version) = match PatchQuery::parse(uri.query()).and_then(|q| {
        let version = requested_version(&body)?;
        Ok((q, version))
    }) {
        Ok(asked) => asked,
        Err(bad) => return bad.into_response(),
    };
    let started = if query.validate_only {
        c.start_validation(&version)
    } else {
        c.start_update(&version, query.skip_warnings)
    };
    match started {
        Ok(uuid) => job_answer(&c, &uuid, p.return_timeout, StatusCode::OK).await,
        Err((code, message)) => {
            let about_version = matches!(
                code,
                codes::STORE_EMPTY | codes::NO_PACKAGE | sw::PACKAGE_DELETING | sw::VALIDATED_OTHER
            );
            let target = about_version.then_some("version");
            wire::error(StatusCode::BAD_REQUEST, &code.to_string(), &message, target)
        }
    }
}

/// The query flags of a PATCH this simulator reads.
#[derive(Debug, Default)]
struct PatchQuery {
    validate_only: bool,
    skip_warnings: bool,
}

/// A PATCH refused before the cluster looks at it: 400 with an envelope code.
#[derive(Debug)]
struct BadPatch {
    code: &'static str,
    message: String,
    target: String,
}

impl BadPatch {
    fn new(code: &'static str, message: impl Into<String>, target: &str) -> BadPatch {
        BadPatch {
            code,
            message: message.into(),
            target: target.to_string(),
        }
    }
}

impl IntoResponse for BadPatch {
    fn into_response(self) -> Response {
        let target = (!self.target.is_empty()).then_some(self.target.as_str());
        wire::error(StatusCode::BAD_REQUEST, self.code, &self.message, target)
    }
}

impl PatchQuery {
    /// Reads `validate_only` and `skip_warnings` (`true`/`false`, any case: the Python
    /// client sends `True`); `action` (pause, resume, cancel) is not modelled: a 400.
    fn parse(query: Option<&str>) -> Result<PatchQuery, BadPatch> {
        let uri: Uri = format!("/?{}", query.unwrap_or(""))
            .parse()
            .unwrap_or_default();
        let pairs = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri)
            .map(|q| q.0)
            .unwrap_or_default();
        let mut q = PatchQuery::default();
        for (key, value) in pairs {
            let flag = match key.as_str() {
                "validate_only" => &mut q.validate_only,
                "skip_warnings" => &mut q.skip_warnings,
                "action" => return Err(not_modelled()),
                _ => continue,
            };
            *flag = match value.trim().to_ascii_lowercase().as_str() {
                "true" => true,
                "false" => false,
                _ => {
                    let msg = format!(
                        "The value \"{value}\" is invalid for field \"{key}\" (<boolean>)."
                    );
                    return Err(BadPatch::new(codes::BAD_VALUE, msg, &key));
                }
            };
        }
        Ok(q)
    }
}

/// The `version` of a PATCH body, or why it has none.
fn requested_version(body: &[u8]) -> Result<String, BadPatch> {
    let map = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => map,
        Ok(_) => {
            let msg = "The request body must be a JSON object.";
            return Err(BadPatch::new(codes::GENERIC, msg, ""));
        }
        Err(e) => {
            let msg = format!("Invalid JSON input: {e}.");
            return Err(BadPatch::new(codes::GENERIC, msg, ""));
        }
    };
    if map.contains_key("action") {
        return Err(not_modelled());
    }
    if let Some(key) = map.keys().find(|k| k.as_str() != "version") {
        let msg = format!("Unexpected argument \"{key}\".");
        return Err(BadPatch::new(codes::UNEXPECTED_ARGUMENT, msg, key));
    }
    match map.get("version").and_then(Value::as_str).map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v.to_string()),
        _ => {
            let msg = "Missing value for required field \"version\".";
            Err(BadPatch::new(codes::MISSING_FIELD, msg, "version"))
        }
    }
}

/// Pausing, resuming and cancelling an update are not simulated.
fn not_modelled() -> BadPatch {
    let msg = "The simulator does not pause, resume or cancel updates.";
    BadPatch::new(codes::GENERIC, msg, "action")
}

/// How a cluster writes its software JSON: its release's shape, and hostile text or not.
#[derive(Debug, Clone, Copy)]
struct Look {
    shape: Shape,
    /// Terminal escapes in every message (the `escape` fault).
    poisoned: bool,
}

impl Look {
    /// The whole singleton.
    fn software(self, now: &SoftwareNow) -> Value {
        let nodes: Vec<Value> = now
            .nodes
            .iter()
            .map(|(name, version)| self.shape.node(name, version))
            .collect();
        let mut body = Map::new();
        body.insert("version".into(), json!(now.version));
        body.insert("state".into(), json!(now.state()));
        body.insert("nodes".into(), Value::Array(nodes));
        if let Some((update, to)) = &now.update {
            if update.state != "completed" {
                body.insert("pending_version".into(), json!(to));
            }
            body.insert("elapsed_duration".into(), json!(update.elapsed));
            body.insert("estimated_duration".into(), json!(update.estimated));
            let details = update.phases.iter().map(|p| self.phase(p, now)).collect();
            body.insert("update_details".into(), Value::Array(details));
            body.insert("status_details".into(), self.statuses(update, now));
        }
        if let Some(results) = &now.results {
            let checks = results.iter().map(|c| self.check(c)).collect();
            body.insert("validation_results".into(), Value::Array(checks));
        }
        body.insert("_links".into(), wire::links("/api/cluster/software"));
        Value::Object(body)
    }

    /// One `validation_results` entry.
    fn check(self, check: &Check) -> Value {
        let mut entry = Map::new();
        entry.insert("update_check".into(), json!(check.update_check));
        entry.insert("status".into(), json!(check.status.as_str()));
        self.shape
            .put_text(&mut entry, Role::Issue, &self.text(&check.issue));
        self.shape
            .put_text(&mut entry, Role::Action, &self.text(&check.action));
        Value::Object(entry)
    }

    /// One `update_details` entry: the cluster-wide checks have no `node`.
    fn phase(self, p: &PhaseNow, now: &SoftwareNow) -> Value {
        let mut entry = json!({
            "phase": p.phase.name,
            "state": p.state,
            "elapsed_duration": p.elapsed,
            "estimated_duration": p.phase.estimated,
        });
        if let Some((name, _)) = p.phase.node.and_then(|n| now.nodes.get(n)) {
            entry["node"] = json!({ "name": name });
        }
        entry
    }

    /// `status_details`: one entry per node whose update has begun.
    fn statuses(self, update: &UpdateNow, now: &SoftwareNow) -> Value {
        let entries = update.phases.iter().filter_map(|p| {
            let (name, _) = now.nodes.get(p.phase.node?)?;
            let mut entry = Map::new();
            let halt = update.halted_on.filter(|(n, _)| Some(*n) == p.phase.node);
            let (step, issue) = match halt {
                Some(_) => ("do-takeover", takeover_issue(name, now)),
                None if p.state == "completed" => {
                    ("do-download-job", Text::new(0, "Image update complete"))
                }
                None => (
                    "do-download-job",
                    Text::new(0, "Installing the software image."),
                ),
            };
            entry.insert("name".into(), json!(step));
            entry.insert("state".into(), json!(p.state));
            self.shape
                .put_coded(&mut entry, Role::Issue, &self.text(&issue));
            if let Some((_, how)) = halt {
                let action = self.text(&takeover_action(how));
                self.shape.put_text(&mut entry, Role::Action, &action);
            }
            entry.insert("node".into(), json!({ "name": name }));
            entry.insert("start_time".into(), json!(ago(p.started_ago)));
            if p.state == "completed" {
                entry.insert("end_time".into(), json!(ago(p.started_ago - p.elapsed)));
            }
            Some(Value::Object(entry))
        });
        Value::Array(entries.collect())
    }

    fn text(self, t: &Text) -> Text {
        if !self.poisoned {
            return t.clone();
        }
        Text {
            code: t.code,
            message: poison(&t.message),
        }
    }
}

/// Why the halted node could not be updated: its partner could not take it over.
fn takeover_issue(node: &str, now: &SoftwareNow) -> Text {
    let partner = now
        .nodes
        .iter()
        .position(|(n, _)| n == node)
        .and_then(|i| now.nodes.get(i ^ 1))
        .map_or("its partner", |(n, _)| n.as_str());
    Text::new(
        sw::TAKEOVER_FAILED,
        format!(
            "Takeover of node \"{node}\" by \"{partner}\" failed: storage failover is not possible."
        ),
    )
}

/// What to do about a failed takeover, paused or failed.
fn takeover_action(how: Halt) -> Text {
    let then = match how {
        Halt::PausedOnError => "then resume the update with \"cluster image resume-update\"",
        Halt::Failed => "then start the update again",
    };
    Text::new(
        sw::TAKEOVER_FAILED,
        format!(
            "Run \"storage failover show\" to see why takeover is not possible, fix it, {then}."
        ),
    )
}

/// The time `secs` ago, as ONTAP prints times.
fn ago(secs: u64) -> String {
    let back = jiff::SignedDuration::from_secs(i64::try_from(secs).unwrap_or(i64::MAX));
    match jiff::Timestamp::now().checked_sub(back) {
        Ok(t) => t.strftime("%Y-%m-%dT%H:%M:%S+00:00").to_string(),
        Err(_) => now_rfc3339(),
    }
}
