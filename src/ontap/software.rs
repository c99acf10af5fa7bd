//! `GET /api/cluster/software`: the cluster's releases per node, an update in progress
//! (its phases and status details) and the last validation's results, read tolerantly:
//! the shapes changed across releases (9.6 gives `message` and `action` as arrays of
//! `{code, message, arguments}`, 9.7 objects with `code`, 9.8+ objects without; a node
//! is `{name}` or a bare name; a field may be absent), and none of that is a parse error:
//! what is absent is unknown. Every string is cleaned (and URL secrets masked) here.

use serde_json::Value;

use crate::text::clean_field;

/// `state` of the cluster's software: where an update stands.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UpdateState {
    InProgress,
    Waiting,
    PausedByUser,
    PausedOnError,
    Completed,
    Canceled,
    Failed,
    PausePending,
    CancelPending,
    /// A word this build does not know, kept as sent.
    Other(String),
}

impl UpdateState {
    /// Every word this build knows (the metrics' enum pattern).
    pub const WORDS: &'static [&'static str] = &[
        "in_progress",
        "waiting",
        "paused_by_user",
        "paused_on_error",
        "completed",
        "canceled",
        "failed",
        "pause_pending",
        "cancel_pending",
    ];

    fn parse(word: &str) -> Self {
        match word {
            "in_progress" => Self::InProgress,
            "waiting" => Self::Waiting,
            "paused_by_user" => Self::PausedByUser,
            "paused_on_error" => Self::PausedOnError,
            "completed" => Self::Completed,
            "canceled" => Self::Canceled,
            "failed" => Self::Failed,
            "pause_pending" => Self::PausePending,
            "cancel_pending" => Self::CancelPending,
            other => Self::Other(clean_field(other)),
        }
    }

    /// The word as ONTAP sends it.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Self::InProgress => "in_progress",
            Self::Waiting => "waiting",
            Self::PausedByUser => "paused_by_user",
            Self::PausedOnError => "paused_on_error",
            Self::Completed => "completed",
            Self::Canceled => "canceled",
            Self::Failed => "failed",
            Self::PausePending => "pause_pending",
            Self::CancelPending => "cancel_pending",
            Self::Other(word) => word,
        }
    }

    /// The update has not ended (it may be paused): watch it closely.
    pub(crate) fn is_open(&self) -> bool {
        matches!(
            self,
            Self::InProgress
                | Self::Waiting
                | Self::PausedByUser
                | Self::PausedOnError
                | Self::PausePending
                | Self::CancelPending
        )
    }

    /// It needs a person: paused on an error, or failed.
    pub(crate) fn needs_a_look(&self) -> bool {
        matches!(self, Self::PausedOnError | Self::Failed)
    }
}

/// One node's release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeVersion {
    pub name: Option<String>,
    pub version: Option<String>,
}

/// One phase of an update (`update_details[]`); cluster-wide phases name no node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdatePhase {
    pub phase: Option<String>,
    pub state: Option<String>,
    pub node: Option<String>,
    /// Seconds spent, and expected, when the cluster says.
    pub elapsed: Option<i64>,
    pub estimated: Option<i64>,
}

/// One step's status (`status_details[]`), with the issue and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusDetail {
    pub name: Option<String>,
    pub state: Option<String>,
    pub node: Option<String>,
    pub issue: Option<Said>,
    pub action: Option<Said>,
}

/// Words a cluster said, with their code when it gave one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub message: String,
    pub code: Option<i64>,
}

/// How a validation check came out.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CheckStatus {
    Warning,
    Error,
    /// A word this build does not know, kept as sent.
    Other(String),
}

impl CheckStatus {
    /// The word as ONTAP sends it.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Self::Warning => "warning",
            Self::Error => "error",
            Self::Other(word) => word,
        }
    }
}

/// One entry of `validation_results[]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The check's name in words ("NFS mounts", "Manual checks").
    pub name: String,
    pub status: CheckStatus,
    pub issue: Option<String>,
    pub action: Option<String>,
}

/// `GET /api/cluster/software`, as far as the cluster said it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Software {
    /// The cluster's release (the lowest of its nodes' during an update).
    pub version: Option<String>,
    pub state: Option<UpdateState>,
    /// The release an update goes to.
    pub pending_version: Option<String>,
    pub nodes: Vec<NodeVersion>,
    pub elapsed: Option<i64>,
    pub estimated: Option<i64>,
    pub phases: Vec<UpdatePhase>,
    pub statuses: Vec<StatusDetail>,
    /// The last validation's results; `None` while a validation runs (or never ran).
    pub validation: Option<Vec<Check>>,
}

/// The most entries kept of any list a cluster sends (no real cluster has more).
const MAX_ENTRIES: usize = 256;

impl Software {
    /// Reads whatever shape the cluster sent; never an error.
    pub fn from_value(value: &Value) -> Self {
        let list = |key: &str| -> Vec<&Value> {
            value
                .get(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().take(MAX_ENTRIES).collect())
                .unwrap_or_default()
        };
        Self {
            version: text(value.get("version")),
            state: text(value.get("state")).map(|s| UpdateState::parse(&s)),
            pending_version: text(value.get("pending_version")),
            nodes: list("nodes")
                .into_iter()
                .map(|n| NodeVersion {
                    name: node_name(Some(n)),
                    version: text(n.get("version")),
                })
                .collect(),
            elapsed: seconds(value.get("elapsed_duration")),
            estimated: seconds(value.get("estimated_duration")),
            phases: list("update_details")
                .into_iter()
                .map(|p| UpdatePhase {
                    phase: text(p.get("phase")),
                    state: text(p.get("state")),
                    node: node_name(p.get("node")),
                    elapsed: seconds(p.get("elapsed_duration")),
                    estimated: seconds(p.get("estimated_duration")),
                })
                .collect(),
            statuses: list("status_details")
                .into_iter()
                .map(|s| StatusDetail {
                    name: text(s.get("name")),
                    state: text(s.get("state")),
                    node: node_name(s.get("node")),
                    issue: said(s.get("issue")),
                    action: said(s.get("action")),
                })
                .collect(),
            validation: value
                .get("validation_results")
                .and_then(Value::as_array)
                .map(|checks| checks.iter().take(MAX_ENTRIES).filter_map(check).collect()),
        }
    }

    /// The update's phase now: the first that has not completed, else the last.
    pub(crate) fn current_phase(&self) -> Option<&UpdatePhase> {
        self.phases
            .iter()
            .find(|p| p.state.as_deref() != Some("completed"))
            .or(self.phases.last())
    }

    /// Whether an update runs (or waits, or is paused): it is watched on every poll.
    pub(crate) fn updating(&self) -> bool {
        self.state.as_ref().is_some_and(UpdateState::is_open)
            && (self.pending_version.is_some() || !self.phases.is_empty())
    }
}

fn check(value: &Value) -> Option<Check> {
    let name = text(value.get("update_check"))?;
    let status = match text(value.get("status")).as_deref() {
        Some("warning") => CheckStatus::Warning,
        Some("error") => CheckStatus::Error,
        Some(other) => CheckStatus::Other(other.to_string()),
        None => CheckStatus::Other("unknown".into()),
    };
    Some(Check {
        name,
        status,
        // 9.6 names it `message`; later releases `issue`.
        issue: said(value.get("issue"))
            .or_else(|| said(value.get("message")))
            .map(|s| s.message),
        action: said(value.get("action")).map(|s| s.message),
    })
}

/// A string value, cleaned; anything else is nothing.
fn text(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(clean_field)
        .filter(|s| !s.is_empty())
}

/// A node: `{"name": ...}`, a bare name, or (9.6) `{"node": ...}`.
fn node_name(value: Option<&Value>) -> Option<String> {
    let value = value?;
    text(Some(value))
        .or_else(|| text(value.get("name")))
        .or_else(|| text(value.get("node")))
}

/// An issue or an action: `{message, code}`, an array of them (joined), or bare text.
fn said(value: Option<&Value>) -> Option<Said> {
    let value = value?;
    if let Some(message) = text(Some(value)) {
        return Some(Said {
            message,
            code: None,
        });
    }
    let one = |v: &Value| {
        let message = text(v.get("message"))?;
        Some(Said {
            message,
            code: v.get("code").and_then(code),
        })
    };
    match value {
        Value::Array(items) => {
            let parts: Vec<Said> = items.iter().take(16).filter_map(one).collect();
            let first = parts.first()?.code;
            let message = parts.into_iter().map(|s| s.message).collect::<Vec<_>>();
            Some(Said {
                message: message.join(" "),
                code: first,
            })
        }
        other => one(other),
    }
}

/// A code as a number or a string of digits.
fn code(value: &Value) -> Option<i64> {
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
}

/// Seconds, as a number or an ISO 8601 duration ("PT5M").
fn seconds(value: Option<&Value>) -> Option<i64> {
    let value = value?;
    value.as_i64().or_else(|| {
        value
            .as_str()
            .and_then(|s| s.parse::<jiff::SignedDuration>().ok())
            .map(|d| d.as_secs())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_release_shape_reads_the_same() {
        let v98 = json!({
            "version": "9.15.1P7", "state": "paused_on_error", "pending_version": "9.16.1P3",
            "nodes": [{"name": "n1", "version": "9.16.1P3"}, {"name": "n2", "version": "9.15.1P7"}],
            "update_details": [
                {"phase": "Pre-update checks", "state": "completed", "elapsed_duration": 30},
                {"phase": "ONTAP updates", "state": "paused_on_error", "node": {"name": "n2"},
                 "elapsed_duration": "PT5M", "estimated_duration": 1200}
            ],
            "status_details": [{"name": "do-takeover", "state": "paused_on_error",
                "node": {"name": "n2"}, "issue": {"message": "Takeover failed", "code": 10551399},
                "action": {"message": "Run storage failover show"}}],
            "validation_results": [{"update_check": "Manual checks", "status": "warning",
                "issue": {"message": "Check the plan"}, "action": {"message": "Read it"}}]
        });
        let v96 = json!({
            "version": "9.15.1P7", "state": "paused_on_error",
            "nodes": [{"node": "n1", "version": "9.16.1P3"}],
            "status_details": [{"name": "do-takeover", "node": "n2",
                "issue": [{"code": "10551399", "message": "Takeover", "arguments": []},
                          {"code": "1", "message": "failed"}],
                "action": [{"message": "Run storage failover show"}]}],
            "validation_results": [{"update_check": "Manual checks", "status": "warning",
                "message": [{"code": 1, "message": "Check the plan"}],
                "action": [{"message": "Read it"}]}]
        });
        let a = Software::from_value(&v98);
        assert_eq!(a.state, Some(UpdateState::PausedOnError));
        assert!(a.updating() && a.state.as_ref().unwrap().needs_a_look());
        let versions: Vec<_> = a.nodes.iter().map(|n| n.version.as_deref()).collect();
        assert_eq!(versions, [Some("9.16.1P3"), Some("9.15.1P7")]);
        let phase = a.current_phase().unwrap();
        assert_eq!(
            (phase.phase.as_deref(), phase.node.as_deref(), phase.elapsed),
            (Some("ONTAP updates"), Some("n2"), Some(300))
        );
        assert_eq!(a.phases[0].node, None, "a cluster-wide phase names no node");
        let b = Software::from_value(&v96);
        assert_eq!(b.nodes[0].name.as_deref(), Some("n1"));
        let issue = b.statuses[0].issue.as_ref().unwrap();
        assert_eq!(
            (issue.message.as_str(), issue.code),
            ("Takeover failed", Some(10551399))
        );
        assert_eq!(b.statuses[0].node.as_deref(), Some("n2"));
        assert_eq!(a.validation, b.validation, "the checks read alike");
    }

    #[test]
    fn absent_fields_are_unknown_never_an_error() {
        let empty = Software::from_value(&json!({}));
        assert_eq!(empty, Software::default());
        assert!(
            empty.validation.is_none(),
            "no results while a validation runs"
        );
        let odd = Software::from_value(&json!({
            "state": "rolling_back", "nodes": "n1", "update_details": [{"phase": 7}],
            "validation_results": [{"status": "error"}, {"update_check": "NFS mounts", "status": "info"}]
        }));
        assert_eq!(odd.state, Some(UpdateState::Other("rolling_back".into())));
        assert!(odd.nodes.is_empty());
        assert_eq!(odd.phases[0].phase, None);
        let checks = odd.validation.unwrap();
        assert_eq!(checks.len(), 1, "a check with no name is not kept");
        assert_eq!(checks[0].status, CheckStatus::Other("info".into()));
    }
}
