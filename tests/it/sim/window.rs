//! Updates in progress (`GET /api/cluster/software` during a maintenance window): the
//! `window` scenario's phases moving on the update's own clock, two versions among the
//! nodes, a node paused on an error with its status detail, the demo's window, and the
//! JSON shapes of 9.6, 9.7 and 9.8+.

use std::time::Duration;

use serde_json::Value;

use super::software::{SOFTWARE, TARGET, fleet_with_package, held_opts, validate};
use crate::support::sim::*;
use ontop_sim::{Fault, Scenario, SimOptions, UpdateAt};

fn window(clusters: usize) -> SimOptions {
    SimOptions {
        scenario: Scenario::Window,
        ..fast_opts(clusters)
    }
}

fn versions(software: &Value) -> Vec<String> {
    software["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["version"].as_str().unwrap().to_string())
        .collect()
}

/// The last `update_details` entry: the phase the update is in.
fn current(software: &Value) -> &Value {
    software["update_details"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
}

#[tokio::test]
async fn the_window_scenario_moves_through_its_phases_node_by_node() {
    let fleet = start(window(6)).await;
    let names: Vec<_> = fleet.clusters().into_iter().map(|c| c.name).collect();
    assert_eq!(names[..3], ["prod-ams-1", "prod-ams-2", "prod-nyc-1"]);

    // Just started: the cluster-wide pre-update checks, with no node.
    let (_, first) = get(&fleet, "prod-ams-1", SOFTWARE).await;
    assert_eq!(first["state"], "in_progress");
    assert_eq!(first["pending_version"], TARGET);
    assert_eq!(current(&first)["phase"], "Pre-update checks");
    assert!(current(&first).get("node").is_none(), "{first}");
    assert_eq!(versions(&first), ["9.15.1P7"; 4], "two HA pairs");

    // Half an hour of the update's clock later: the first node is being updated.
    fleet.advance_update("prod-ams-1", Duration::from_secs(30 * 60));
    let (_, first) = get(&fleet, "prod-ams-1", SOFTWARE).await;
    assert_eq!(first["update_details"][0]["state"], "completed");
    assert_eq!(current(&first)["phase"], "ONTAP updates");
    assert_eq!(current(&first)["node"]["name"], "prod-ams-1-01");
    assert_eq!(current(&first)["state"], "in_progress");
    let elapsed = current(&first)["elapsed_duration"].as_u64().unwrap();
    assert!(elapsed < current(&first)["estimated_duration"].as_u64().unwrap());

    // Mid-way: the first node runs the new release, the others the old; the cluster
    // reports the lowest.
    let (_, mid) = get(&fleet, "prod-ams-2", SOFTWARE).await;
    assert_eq!(versions(&mid), [TARGET, "9.15.1P7", "9.15.1P7", "9.15.1P7"]);
    assert_eq!(mid["version"], "9.15.1P7");
    assert_eq!(current(&mid)["node"]["name"], "prod-ams-2-02");
    let status = &mid["status_details"][0];
    assert_eq!(status["state"], "completed");
    assert_eq!(status["node"]["name"], "prod-ams-2-01");
    assert!(status["end_time"].is_string() && status["issue"]["code"] == 0);

    // Completed: every node and the cluster on the new release, no pending version.
    let (_, done) = get(&fleet, "dr-fra-1", SOFTWARE).await;
    assert_eq!(done["state"], "completed");
    assert!(done.get("pending_version").is_none());
    assert_eq!(versions(&done), [TARGET; 4]);
    let (_, cluster) = get(&fleet, "dr-fra-1", "/api/cluster").await;
    assert!(
        cluster["version"]["full"]
            .as_str()
            .unwrap()
            .contains(TARGET)
    );
    let (_, cluster) = get(&fleet, "prod-ams-2", "/api/cluster").await;
    assert!(
        cluster["version"]["full"]
            .as_str()
            .unwrap()
            .contains("9.15.1P7")
    );

    // Two hours later the first cluster has completed too.
    fleet.advance_update("prod-ams-1", Duration::from_secs(2 * 3600));
    let (_, first) = get(&fleet, "prod-ams-1", SOFTWARE).await;
    assert_eq!(first["state"], "completed");
    assert_eq!(current(&first)["phase"], "Post-update checks");
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_node_paused_on_error_says_why_and_what_to_do_and_stays_paused() {
    let fleet = start(window(3)).await;
    let (_, paused) = get(&fleet, "prod-nyc-1", SOFTWARE).await;
    assert_eq!(paused["state"], "paused_on_error");
    assert_eq!(current(&paused)["state"], "paused_on_error");
    assert_eq!(current(&paused)["node"]["name"], "prod-nyc-1-03");
    let detail = paused["status_details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["state"] == "paused_on_error")
        .expect("a status detail for the paused node");
    assert_eq!(detail["node"]["name"], "prod-nyc-1-03");
    assert!(
        detail["issue"]["message"]
            .as_str()
            .unwrap()
            .contains("prod-nyc-1-04")
    );
    assert!(detail["issue"]["code"].is_u64());
    assert!(
        detail["action"]["message"]
            .as_str()
            .unwrap()
            .contains("resume-update")
    );
    assert_eq!(versions(&paused), [TARGET, TARGET, "9.15.1P7", "9.15.1P7"]);

    fleet.advance_update("prod-nyc-1", Duration::from_secs(6 * 3600));
    let (_, later) = get(&fleet, "prod-nyc-1", SOFTWARE).await;
    assert_eq!(later["state"], "paused_on_error");
    assert_eq!(later["elapsed_duration"], paused["elapsed_duration"]);
    fleet.shutdown().await;
}

#[tokio::test]
async fn the_updates_clock_runs_at_its_pace_without_help() {
    let fleet = start(SimOptions {
        software: ontop_sim::SoftwareTiming {
            update_pace: 3600,
            ..Default::default()
        },
        ..window(1)
    })
    .await;
    // An hour of update per second: the pre-update checks are over within a second.
    let body = poll_until(&fleet, "prod-ams-1", SOFTWARE, |b| {
        b["update_details"].as_array().is_some_and(|d| d.len() > 1)
    })
    .await;
    assert_eq!(body["update_details"][0]["state"], "completed");
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_failed_update_and_fields_selection() {
    let fleet = fleet_with_package(held_opts(1)).await;
    fleet.set_node_count("sim-1", 4).unwrap();
    fleet
        .put_update("sim-1", TARGET, UpdateAt::Failed(2))
        .unwrap();
    let (_, failed) = get(&fleet, "sim-1", SOFTWARE).await;
    assert_eq!(failed["state"], "failed");
    assert_eq!(failed["pending_version"], TARGET);
    let detail = failed["status_details"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(detail["state"], "failed");
    assert!(
        detail["action"]["message"]
            .as_str()
            .unwrap()
            .contains("again")
    );
    // A failed update is over: a new validation may start.
    validate(&fleet, "sim-1", TARGET).await;

    let path = format!("{SOFTWARE}?fields=state,update_details.phase");
    let (_, some) = get(&fleet, "sim-1", &path).await;
    assert!(
        some.get("nodes").is_none() && some.get("pending_version").is_none(),
        "{some}"
    );
    assert_eq!(
        some["update_details"][0],
        serde_json::json!({ "phase": "Pre-update checks" })
    );
    fleet.shutdown().await;
}

#[tokio::test]
async fn the_demo_shows_a_window_mid_way_on_two_of_its_clusters() {
    let fleet = start(SimOptions {
        scenario: Scenario::Demo,
        ..fast_opts(12)
    })
    .await;
    let (_, chi) = get(&fleet, "prod-chi-1", SOFTWARE).await;
    assert_eq!(chi["state"], "in_progress");
    assert_eq!(current(&chi)["node"]["name"], "prod-chi-1-02");
    let (_, par) = get(&fleet, "prod-par-1", SOFTWARE).await;
    assert_eq!(par["state"], "paused_on_error");
    // They hold the release they update to, validated; the other clusters do not update.
    let (_, packages) = get(&fleet, "prod-chi-1", "/api/cluster/software/packages").await;
    assert_eq!(packages["records"][0]["version"], TARGET);
    assert_eq!(
        chi["validation_results"][0]["update_check"],
        "Manual checks"
    );
    for quiet in ["prod-ams-1", "prod-nyc-1", "dr-fra-1"] {
        let (_, software) = get(&fleet, quiet, SOFTWARE).await;
        assert_eq!(software["state"], "completed", "{quiet}: {software}");
        assert!(software.get("update_details").is_none(), "{quiet}");
    }
    // One validated for the window with warnings to read, not updating.
    let (_, sin) = get(&fleet, "prod-sin-1", SOFTWARE).await;
    let checks: Vec<&str> = sin["validation_results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["update_check"].as_str())
        .collect();
    assert!(checks.contains(&"NFS mounts"), "{sin}");
    assert!(sin.get("update_details").is_none(), "{sin}");
    fleet.shutdown().await;
}

#[tokio::test]
async fn each_release_writes_its_own_shape() {
    // 9.6 on the paused cluster, 9.7 on the one mid-way, 9.8+ (its release's) on the first.
    let fleet = start(SimOptions {
        faults: vec![
            ("prod-nyc-1".into(), Fault::Shape96),
            ("prod-ams-2".into(), Fault::Shape97),
        ],
        ..window(3)
    })
    .await;
    let (_, v96) = get(&fleet, "prod-nyc-1", SOFTWARE).await;
    let check = &v96["validation_results"][0];
    assert!(check.get("issue").is_none(), "{check}");
    assert_eq!(check["message"][0]["code"], 170);
    assert!(
        check["message"][0]["message"].is_string() && check["message"][0]["arguments"].is_array()
    );
    assert!(check["action"][0]["message"].is_string());
    assert_eq!(v96["nodes"][0]["node"], "prod-nyc-1-01");
    assert!(v96["nodes"][0].get("name").is_none());
    let paused = v96["status_details"].as_array().unwrap().last().unwrap();
    assert!(
        paused["message"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Takeover")
    );
    assert!(paused["action"][0]["message"].is_string());

    let (_, v97) = get(&fleet, "prod-ams-2", SOFTWARE).await;
    let check = &v97["validation_results"][0];
    assert_eq!(check["issue"]["code"], 170);
    assert_eq!(check["action"]["code"], 170);
    assert_eq!(v97["nodes"][0]["name"], "prod-ams-2-01");

    let (_, v98) = get(&fleet, "prod-ams-1", SOFTWARE).await;
    let check = &v98["validation_results"][0];
    assert!(check["issue"].get("code").is_none() && check["action"].get("code").is_none());
    assert!(check["issue"]["message"].is_string());
    fleet.shutdown().await;
}

#[tokio::test]
async fn the_escape_fault_poisons_validation_texts() {
    let fleet = fleet_with_package(SimOptions {
        faults: vec![("sim-1".into(), Fault::Escape)],
        ..held_opts(1)
    })
    .await;
    validate(&fleet, "sim-1", TARGET).await;
    fleet.finish_validations("sim-1");
    let (_, software) = get(&fleet, "sim-1", SOFTWARE).await;
    let issue = software["validation_results"][0]["issue"]["message"]
        .as_str()
        .unwrap();
    assert!(
        issue.contains('\x1b') && issue.contains('\u{202e}'),
        "{issue:?}"
    );
    fleet.shutdown().await;
}
