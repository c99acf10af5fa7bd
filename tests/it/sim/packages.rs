//! Package deletes: the job, the package leaving the repository, and every refusal
//! with its ONTAP code, the busy ones reached through faults.

use std::time::Duration;

use crate::support::sim::*;
use ontop_sim::{DEFAULT_PACKAGE, Fault, SimOptions};

const PACKAGES: &str = "/api/cluster/software/packages";

/// A one-cluster fleet whose repository holds the default package (9.16.1P3).
async fn fleet_with_package(opts: SimOptions) -> ontop_sim::SimFleet {
    let fleet = start(opts).await;
    fleet
        .finish_download("sim-1", &fleet.default_package_url())
        .unwrap();
    fleet
}

async fn listed_versions(fleet: &ontop_sim::SimFleet) -> Vec<String> {
    let (status, body) = get(fleet, "sim-1", PACKAGES).await;
    assert_eq!(status, 200, "{body}");
    body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_delete_answers_202_with_a_job_and_the_package_leaves_when_it_ends() {
    let fleet = fleet_with_package(SimOptions {
        delete_duration: Duration::from_secs(3600),
        ..fast_opts(1)
    })
    .await;
    let path = format!("{PACKAGES}/9.16.1P3?return_timeout=0");
    let (status, location, body) = delete(&fleet, "sim-1", &path).await;
    assert_eq!(status, 202, "{body}");
    let uuid = body["job"]["uuid"].as_str().unwrap().to_string();
    let job_path = format!("/api/cluster/jobs/{uuid}");
    assert_eq!(location.as_deref(), Some(job_path.as_str()));
    assert_eq!(body["job"]["_links"]["self"]["href"], job_path.as_str());

    let (_, job) = get(&fleet, "sim-1", &job_path).await;
    assert_eq!(job["state"], "running", "{job}");
    assert_eq!(
        job["description"],
        "DELETE /api/cluster/software/packages/9.16.1P3"
    );
    assert!(job.get("end_time").is_none());
    assert_eq!(listed_versions(&fleet).await, ["9.16.1P3"]);
    // The download status knows nothing of deletes.
    assert_eq!(fleet.download_status("sim-1").unwrap().0, "success");

    // A second delete while the first runs: the repository is busy.
    let (status, _, busy) = delete(&fleet, "sim-1", &format!("{PACKAGES}/9.16.1P3")).await;
    assert_eq!(status, 400);
    assert_eq!(busy["error"]["code"], "10551367", "{busy}");

    fleet.finish_deletes("sim-1");
    let (_, job) = get(&fleet, "sim-1", &job_path).await;
    assert_eq!(job["state"], "success", "{job}");
    assert_eq!(job["message"], "success");
    assert_eq!(job["code"], 0);
    assert!(job["end_time"].is_string());
    assert!(listed_versions(&fleet).await.is_empty());
    let (status, _) = get(&fleet, "sim-1", &format!("{PACKAGES}/9.16.1P3")).await;
    assert_eq!(status, 404);

    let log = fleet.request_log("sim-1");
    assert!(
        log.iter()
            .any(|r| r.method == "DELETE"
                && r.path == format!("{PACKAGES}/9.16.1P3?return_timeout=0")),
        "{log:#?}"
    );
    fleet.shutdown().await;
}

#[tokio::test]
async fn return_timeout_gives_200_when_the_delete_ends_in_time() {
    let fleet = fleet_with_package(fast_opts(1)).await;
    let path = format!("{PACKAGES}/9.16.1P3?return_timeout=30");
    let (status, _, body) = delete(&fleet, "sim-1", &path).await;
    assert_eq!(status, 200, "{body}");
    let uuid = body["job"]["uuid"].as_str().unwrap();
    let (_, job) = get(&fleet, "sim-1", &format!("/api/cluster/jobs/{uuid}")).await;
    assert_eq!(job["state"], "success");
    assert!(listed_versions(&fleet).await.is_empty());

    // The same file can be downloaded again once its package is gone.
    let uuid = fleet
        .finish_download("sim-1", &fleet.default_package_url())
        .unwrap();
    assert!(!uuid.is_empty());
    assert_eq!(listed_versions(&fleet).await, ["9.16.1P3"]);

    let (status, _, _) = delete(
        &fleet,
        "sim-1",
        &format!("{PACKAGES}/9.16.1P3?return_timeout=121"),
    )
    .await;
    assert_eq!(status, 400, "return_timeout is checked on DELETE too");
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_missing_package_or_the_running_version_is_refused() {
    let fleet = start(fast_opts(1)).await;
    let (status, _, body) = delete(&fleet, "sim-1", &format!("{PACKAGES}/9.16.1P3")).await;
    assert_eq!(status, 404);
    assert_eq!(
        body["error"]["code"], "10551315",
        "an empty repository: {body}"
    );

    fleet
        .finish_download("sim-1", &fleet.default_package_url())
        .unwrap();
    let (status, _, body) = delete(&fleet, "sim-1", &format!("{PACKAGES}/9.99.9")).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "10551325", "{body}");
    assert_eq!(body["error"]["target"], "version");

    // The idle cluster runs 9.15.1P7; its own package may not go.
    let running = fleet.package_url("ontap-9.15.1P7-image.tgz");
    fleet.finish_download("sim-1", &running).unwrap();
    let (status, _, body) = delete(&fleet, "sim-1", &format!("{PACKAGES}/9.15.1P7")).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "2", "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("9.15.1P7") && message.contains("runs"),
        "{message}"
    );
    assert_eq!(listed_versions(&fleet).await, ["9.16.1P3", "9.15.1P7"]);
    fleet.shutdown().await;
}

#[tokio::test]
async fn busy_faults_refuse_a_delete_with_their_codes_and_leave_reads_alone() {
    let fleet = fleet_with_package(fast_opts(1)).await;
    let path = format!("{PACKAGES}/9.16.1P3");
    for (kind, code) in [
        ("validating", "10551346"),
        ("updating", "10551347"),
        ("syncing", "10551367"),
    ] {
        let fault: Fault = kind.parse().unwrap();
        assert_eq!(fault.to_string(), kind);
        fleet.set_fault("sim-1", fault);
        let (status, _, body) = delete(&fleet, "sim-1", &path).await;
        assert_eq!(status, 400, "{kind}");
        assert_eq!(body["error"]["code"], code, "{kind}: {body}");
        assert!(body["error"]["message"].is_string());
        assert_eq!(listed_versions(&fleet).await, ["9.16.1P3"], "{kind}");
        let (status, _) = get(&fleet, "sim-1", "/api/cluster").await;
        assert_eq!(status, 200, "{kind} leaves other requests alone");
    }
    fleet.set_fault("sim-1", Fault::None);
    let (status, _, _) = delete(&fleet, "sim-1", &format!("{path}?return_timeout=30")).await;
    assert_eq!(status, 200);
    fleet.shutdown().await;
}

#[tokio::test]
async fn deletetimeout_fails_the_job_with_10551388_and_keeps_the_package() {
    let fleet = fleet_with_package(SimOptions {
        faults: vec![("sim-1".into(), "deletetimeout".parse().unwrap())],
        ..fast_opts(1)
    })
    .await;
    assert_eq!(fleet.fault("sim-1"), Some(Fault::DeleteTimeout));
    let path = format!("{PACKAGES}/9.16.1P3?return_timeout=30");
    let (status, _, body) = delete(&fleet, "sim-1", &path).await;
    assert_eq!(status, 200, "{body}");
    let uuid = body["job"]["uuid"].as_str().unwrap();
    let (_, job) = get(&fleet, "sim-1", &format!("/api/cluster/jobs/{uuid}")).await;
    assert_eq!(job["state"], "failure", "{job}");
    assert_eq!(job["code"], 10551388);
    assert_eq!(job["error"]["code"], "10551388");
    assert!(job["message"].as_str().unwrap().contains("timed out"));
    assert_eq!(listed_versions(&fleet).await, ["9.16.1P3"]);
    fleet.shutdown().await;
}

#[tokio::test]
async fn the_default_package_is_newer_than_what_idle_clusters_run() {
    let fleet = start(fast_opts(1)).await;
    let (_, software) = get(&fleet, "sim-1", "/api/cluster/software?fields=version").await;
    let running = software["version"].as_str().unwrap().to_string();
    assert_ne!(running, "9.16.1P3");
    assert!(DEFAULT_PACKAGE.contains("9.16.1P3"));
    let numbers =
        |v: &str| -> Vec<u64> { v.split(['.', 'P']).map(|n| n.parse().unwrap()).collect() };
    assert!(numbers(&running) < numbers("9.16.1P3"), "{running}");
    fleet.shutdown().await;
}
