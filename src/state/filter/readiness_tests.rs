//! The READY and UPDATE words of the filter, and their "did you mean".

use jiff::Timestamp;
use serde_json::json;

use super::Filter;
use crate::config::ValidateSettings;
use crate::ontap::software::Software;
use crate::state::{ClusterIdentity, ClusterState};

fn now() -> Timestamp {
    "2026-12-06T12:00:00Z".parse().unwrap()
}

fn with_software(name: &str, software: serde_json::Value) -> ClusterState {
    let mut c = ClusterState::new(ClusterIdentity {
        name: name.into(),
        ..ClusterIdentity::default()
    });
    c.readiness.software = Some((now(), Software::from_value(&software)));
    c
}

fn finding(check: &str, status: &str) -> serde_json::Value {
    json!({"update_check": check, "status": status, "issue": {"message": "i"},
           "action": {"message": "a"}})
}

/// ready (Manual checks only), warned, errored, paused on error, updating, never validated.
fn fleet() -> Vec<ClusterState> {
    vec![
        with_software(
            "ready-1",
            json!({"validation_results": [finding("Manual checks", "warning")]}),
        ),
        with_software(
            "warned-1",
            json!({"validation_results": [finding("NFS mounts", "warning")]}),
        ),
        with_software(
            "errored-1",
            json!({"validation_results": [finding("High Availability status", "error")]}),
        ),
        with_software(
            "paused-1",
            json!({"state": "paused_on_error", "pending_version": "9.16.1P3",
                   "update_details": [{"phase": "ONTAP updates", "state": "paused_on_error",
                                       "node": {"name": "paused-1-03"}}]}),
        ),
        with_software(
            "moving-1",
            json!({"state": "in_progress", "pending_version": "9.16.1P3",
                   "update_details": [{"phase": "ONTAP updates", "state": "in_progress",
                                       "node": {"name": "moving-1-02"}}]}),
        ),
        ClusterState::new(ClusterIdentity {
            name: "never-1".into(),
            ..ClusterIdentity::default()
        }),
    ]
}

fn names(filter: &str, rules: &ValidateSettings) -> Vec<String> {
    let filter = Filter::parse(filter).judged_by(rules);
    fleet()
        .into_iter()
        .filter(|c| filter.matches(c, now()))
        .map(|c| c.identity.name)
        .collect()
}

#[test]
fn ready_warn_blocked_and_updating_find_what_the_columns_say() {
    let rules = ValidateSettings::default();
    assert_eq!(names("ready", &rules), ["ready-1"]);
    assert_eq!(names("warn", &rules), ["warned-1"]);
    assert_eq!(names("blocked", &rules), ["errored-1", "paused-1"]);
    assert_eq!(names("updating", &rules), ["paused-1", "moving-1"]);
    assert_eq!(
        names("!ready !updating", &rules),
        ["warned-1", "errored-1", "never-1"]
    );
    // The words never match a name: "ready-1" is found by `name:ready` only.
    assert_eq!(names("name:ready", &rules), ["ready-1"]);
}

#[test]
fn the_ready_words_follow_the_configs_ignore_list() {
    let strict = ValidateSettings {
        ignore: Vec::new(),
        ..ValidateSettings::default()
    };
    assert!(names("ready", &strict).is_empty());
    assert_eq!(names("warn", &strict), ["ready-1", "warned-1"]);
}

#[test]
fn a_typo_of_a_ready_word_gets_a_did_you_mean() {
    let advice = Filter::parse("blokced").advice(&fleet(), now());
    assert_eq!(advice.len(), 1);
    assert!(advice[0].contains("did you mean blocked?"), "{advice:?}");
    let advice = Filter::parse("updatign").advice(&fleet(), now());
    assert!(advice[0].contains("did you mean updating?"), "{advice:?}");
    let none = Filter::parse("validating").advice(&fleet(), now());
    assert_eq!(none, ["validating: no cluster is validating now"]);
}
