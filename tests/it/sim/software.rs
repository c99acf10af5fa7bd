//! Validating a release (`PATCH /api/cluster/software?validate_only=true`): the job, the
//! results absent while it runs, the outcomes chosen by faults, and every refusal of a
//! validation and of an update start, with its ONTAP code.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::sim::*;
use ontop_sim::{Fault, SimFleet, SimOptions, SoftwareTiming, UpdateAt};

pub(super) const SOFTWARE: &str = "/api/cluster/software";
const VALIDATE: &str = "/api/cluster/software?validate_only=true&return_timeout=0";
pub(super) const TARGET: &str = "9.16.1P3";

/// Options whose validations never end by themselves (tests end them with
/// `finish_validations`) and whose results show as soon as a validation ends.
pub(super) fn held_opts(clusters: usize) -> SimOptions {
    SimOptions {
        software: SoftwareTiming {
            validation: Duration::from_secs(3600),
            results_delay: Duration::ZERO,
            ..SoftwareTiming::default()
        },
        ..fast_opts(clusters)
    }
}

/// A fleet whose every cluster holds the default package (9.16.1P3).
pub(super) async fn fleet_with_package(opts: SimOptions) -> SimFleet {
    let fleet = start(opts).await;
    for c in fleet.clusters() {
        fleet
            .finish_download(&c.name, &fleet.default_package_url())
            .unwrap();
    }
    fleet
}

/// PATCH a JSON body with the fleet's credentials: status, `Location` and body.
pub(super) async fn patch(
    fleet: &SimFleet,
    cluster: &str,
    path: &str,
    body: Value,
) -> (u16, Option<String>, Value) {
    let resp = client(fleet)
        .patch(url(fleet, cluster, path))
        .basic_auth(fleet.username(), Some(fleet.password()))
        .json(&body)
        .send()
        .await
        .expect("PATCH answers");
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let text = resp.text().await.expect("body");
    (
        status,
        location,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

/// Validates `version` on `cluster` and returns the job uuid (asserting 202).
pub(super) async fn validate(fleet: &SimFleet, cluster: &str, version: &str) -> String {
    let (status, location, body) =
        patch(fleet, cluster, VALIDATE, json!({ "version": version })).await;
    assert_eq!(status, 202, "{body}");
    let uuid = body["job"]["uuid"].as_str().expect("job uuid").to_string();
    assert_eq!(
        location.as_deref(),
        Some(format!("/api/cluster/jobs/{uuid}").as_str())
    );
    uuid
}

/// The ONTAP code of a refused PATCH (asserting a 400 with the envelope).
async fn refusal(fleet: &SimFleet, cluster: &str, path: &str, version: &str) -> String {
    let (status, _, body) = patch(fleet, cluster, path, json!({ "version": version })).await;
    assert_eq!(status, 400, "{body}");
    body["error"]["code"]
        .as_str()
        .expect("string code")
        .to_string()
}

fn checks(software: &Value) -> Vec<(String, String)> {
    software["validation_results"]
        .as_array()
        .expect("validation_results")
        .iter()
        .map(|c| {
            let name = c["update_check"].as_str().unwrap().to_string();
            (name, c["status"].as_str().unwrap().to_string())
        })
        .collect()
}

#[tokio::test]
async fn a_validation_is_a_job_and_its_results_are_absent_while_it_runs() {
    let fleet = fleet_with_package(held_opts(1)).await;
    let uuid = validate(&fleet, "sim-1", TARGET).await;
    let (_, job) = get(&fleet, "sim-1", &format!("/api/cluster/jobs/{uuid}")).await;
    assert_eq!(job["state"], "running");
    assert_eq!(job["description"], "PATCH /api/cluster/software");
    let (_, software) = get(&fleet, "sim-1", SOFTWARE).await;
    assert!(software.get("validation_results").is_none(), "{software}");
    assert_eq!(software["state"], "completed");

    fleet.finish_validations("sim-1");
    let job = wait_job(&fleet, "sim-1", &uuid).await;
    assert_eq!(job["state"], "success");
    let (_, software) = get(&fleet, "sim-1", SOFTWARE).await;
    // A pass: the usual warning only, in 9.8+'s shape.
    assert_eq!(
        checks(&software),
        [("Manual checks".into(), "warning".into())]
    );
    let manual = &software["validation_results"][0];
    assert!(
        manual["issue"]["message"]
            .as_str()
            .unwrap()
            .contains("Manual validation checks")
    );
    assert!(manual["issue"].get("code").is_none(), "{manual}");
    assert!(manual["action"]["message"].is_string());
    assert_eq!(software["state"], "completed");
    fleet.shutdown().await;
}

#[tokio::test]
async fn results_stay_absent_for_a_while_after_the_job_ends() {
    let fleet = fleet_with_package(SimOptions {
        software: SoftwareTiming {
            validation: Duration::ZERO,
            results_delay: Duration::from_secs(3600),
            ..SoftwareTiming::default()
        },
        ..fast_opts(1)
    })
    .await;
    let uuid = validate(&fleet, "sim-1", TARGET).await;
    assert_eq!(wait_job(&fleet, "sim-1", &uuid).await["state"], "success");
    let (_, software) = get(&fleet, "sim-1", SOFTWARE).await;
    assert!(software.get("validation_results").is_none(), "{software}");
    // A second validation waits no more: the first one has ended.
    fleet.finish_validations("sim-1");
    let (_, software) = get(
        &fleet,
        "sim-1",
        &format!("{SOFTWARE}?fields=validation_results"),
    )
    .await;
    assert_eq!(checks(&software).len(), 1, "{software}");
    assert!(
        software.get("nodes").is_none(),
        "fields= is honoured: {software}"
    );
    fleet.shutdown().await;
}

#[tokio::test]
async fn faults_choose_warnings_or_an_error_and_an_error_leaves_state_failed() {
    let fleet = fleet_with_package(SimOptions {
        faults: vec![
            ("sim-1".into(), Fault::ValidationWarning),
            ("sim-2".into(), Fault::ValidationError),
        ],
        ..held_opts(3)
    })
    .await;
    for name in ["sim-1", "sim-2", "sim-3"] {
        validate(&fleet, name, TARGET).await;
        fleet.finish_validations(name);
    }
    let (_, warned) = get(&fleet, "sim-1", SOFTWARE).await;
    let names: Vec<_> = checks(&warned).into_iter().map(|c| c.0).collect();
    assert_eq!(
        names,
        [
            "Manual checks",
            "NFS mounts",
            "Cluster/management switch support"
        ]
    );
    assert_eq!(warned["state"], "completed");
    let (_, failed) = get(&fleet, "sim-2", SOFTWARE).await;
    assert_eq!(
        checks(&failed)[1],
        ("High Availability status".to_string(), "error".to_string())
    );
    let ha = failed["validation_results"][1]["issue"]["message"]
        .as_str()
        .unwrap();
    assert!(ha.contains("\"sim-2-01\", \"sim-2-02\""), "{ha}");
    // The vendor's example: a validation with an error leaves the state `failed`, with
    // no pending version and no update details.
    assert_eq!(failed["state"], "failed");
    assert!(failed.get("pending_version").is_none() && failed.get("update_details").is_none());
    let (_, passed) = get(&fleet, "sim-3", SOFTWARE).await;
    assert_eq!(checks(&passed).len(), 1);
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_validation_is_refused_without_the_package_or_while_busy() {
    let fleet = start(held_opts(2)).await;
    // An empty repository, then one without this version.
    assert_eq!(refusal(&fleet, "sim-1", VALIDATE, TARGET).await, "10551315");
    let other = fleet.package_url("ontap-9.17.1-image.tgz");
    fleet.finish_download("sim-1", &other).unwrap();
    assert_eq!(refusal(&fleet, "sim-1", VALIDATE, TARGET).await, "10551325");
    fleet
        .finish_download("sim-1", &fleet.default_package_url())
        .unwrap();

    // One validation at a time.
    validate(&fleet, "sim-1", TARGET).await;
    assert_eq!(
        refusal(&fleet, "sim-1", VALIDATE, "9.17.1").await,
        "10551656"
    );
    assert!(matches!(
        fleet.start_validation("sim-1", TARGET),
        Err(ontop_sim::SimError::Refused { code: 10551656, .. })
    ));
    fleet.finish_validations("sim-1");
    validate(&fleet, "sim-1", "9.17.1").await;

    // None while an update is in progress (a paused one included).
    fleet
        .finish_download("sim-2", &fleet.default_package_url())
        .unwrap();
    fleet
        .put_update("sim-2", TARGET, UpdateAt::PausedOnError(2))
        .unwrap();
    assert_eq!(refusal(&fleet, "sim-2", VALIDATE, TARGET).await, "10551357");
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_package_being_deleted_cannot_be_validated() {
    let fleet = fleet_with_package(SimOptions {
        delete_duration: Duration::from_secs(3600),
        ..held_opts(1)
    })
    .await;
    let (status, _, _) = delete(&fleet, "sim-1", "/api/cluster/software/packages/9.16.1P3").await;
    assert_eq!(status, 202);
    assert_eq!(refusal(&fleet, "sim-1", VALIDATE, TARGET).await, "10551354");
    fleet.finish_deletes("sim-1");
    assert_eq!(refusal(&fleet, "sim-1", VALIDATE, TARGET).await, "10551315");
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_bad_patch_is_refused_with_the_field_it_got_wrong() {
    let fleet = fleet_with_package(held_opts(1)).await;
    let (status, _, body) = patch(&fleet, "sim-1", VALIDATE, json!({})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("262186")),
        "{body}"
    );
    assert_eq!(body["error"]["target"], "version");
    let (status, _, body) = patch(
        &fleet,
        "sim-1",
        VALIDATE,
        json!({"version": TARGET, "x": 1}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["target"].as_str()),
        (400, Some("x")),
        "{body}"
    );
    let path = "/api/cluster/software?validate_only=maybe";
    let (status, _, body) = patch(&fleet, "sim-1", path, json!({"version": TARGET})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("262197")),
        "{body}"
    );
    let path = "/api/cluster/software?validate_only=true&return_timeout=121";
    let (status, _, _) = patch(&fleet, "sim-1", path, json!({"version": TARGET})).await;
    assert_eq!(status, 400);
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_return_timeout_that_covers_the_validation_answers_200() {
    let fleet = fleet_with_package(SimOptions {
        software: SoftwareTiming {
            validation: Duration::from_millis(50),
            ..SoftwareTiming::default()
        },
        ..fast_opts(1)
    })
    .await;
    let path = "/api/cluster/software?validate_only=True&return_timeout=20";
    let (status, _, body) = patch(&fleet, "sim-1", path, json!({ "version": TARGET })).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["job"]["uuid"].is_string());
    fleet.shutdown().await;
}

#[tokio::test]
async fn an_update_start_checks_the_last_validation_as_ontap_does() {
    let update = "/api/cluster/software?return_timeout=0";
    let skipping = "/api/cluster/software?skip_warnings=true";
    let fleet = fleet_with_package(SimOptions {
        faults: vec![("sim-2".into(), Fault::ValidationError)],
        ..held_opts(2)
    })
    .await;
    fleet
        .finish_download("sim-1", &fleet.package_url("ontap-9.17.1-image.tgz"))
        .unwrap();
    // Not validated; validated for another version; validated too long ago.
    assert_eq!(refusal(&fleet, "sim-1", update, TARGET).await, "10551718");
    validate(&fleet, "sim-1", "9.17.1").await;
    fleet.finish_validations("sim-1");
    assert_eq!(refusal(&fleet, "sim-1", update, TARGET).await, "10551724");
    validate(&fleet, "sim-1", TARGET).await;
    fleet.finish_validations("sim-1");
    fleet.age_validation("sim-1", Duration::from_secs(2 * 3600));
    assert_eq!(refusal(&fleet, "sim-1", update, TARGET).await, "10551719");
    // A fresh one: the usual warning refuses it unless skipped.
    validate(&fleet, "sim-1", TARGET).await;
    fleet.finish_validations("sim-1");
    assert_eq!(refusal(&fleet, "sim-1", update, TARGET).await, "10551395");
    let (status, _, body) = patch(&fleet, "sim-1", skipping, json!({ "version": TARGET })).await;
    assert_eq!(status, 202, "{body}");
    let (_, software) = get(&fleet, "sim-1", SOFTWARE).await;
    assert_eq!(software["state"], "in_progress");
    assert_eq!(software["pending_version"], TARGET);
    assert_eq!(software["update_details"][0]["phase"], "Pre-update checks");
    assert_eq!(refusal(&fleet, "sim-1", skipping, TARGET).await, "10551357");

    // An error refuses it, skipped warnings or not.
    validate(&fleet, "sim-2", TARGET).await;
    fleet.finish_validations("sim-2");
    assert_eq!(refusal(&fleet, "sim-2", skipping, TARGET).await, "10551396");
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_package_delete_is_refused_while_a_validation_or_an_update_runs() {
    let fleet = fleet_with_package(held_opts(2)).await;
    let path = "/api/cluster/software/packages/9.16.1P3";
    validate(&fleet, "sim-1", TARGET).await;
    let (status, _, body) = delete(&fleet, "sim-1", path).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("10551346")),
        "{body}"
    );
    fleet
        .put_update("sim-2", TARGET, UpdateAt::Node(1))
        .unwrap();
    let (status, _, body) = delete(&fleet, "sim-2", path).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("10551347")),
        "{body}"
    );
    fleet.shutdown().await;
}
