//! The download and job state machines, with real package fetches.

use std::time::Duration;

use crate::support::sim::*;
use ontop_sim::SimOptions;
use serde_json::json;

const DOWNLOAD: &str = "/api/cluster/software/download";

#[tokio::test]
async fn a_download_fetches_the_package_and_ends_in_success() {
    let fleet = start(fast_opts(1)).await;
    let package = fleet.default_package_url();
    let resp = client(&fleet)
        .post(url(
            &fleet,
            "sim-1",
            &format!("{DOWNLOAD}?return_timeout=0"),
        ))
        .basic_auth("admin", Some(fleet.password()))
        .header("content-type", "application/hal+json")
        .body(json!({ "url": package }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 202);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let body: serde_json::Value = resp.json().await.unwrap();
    let uuid = body["job"]["uuid"].as_str().unwrap().to_string();
    assert_eq!(location, format!("/api/cluster/jobs/{uuid}"));
    assert_eq!(body["job"]["_links"]["self"]["href"], location);

    let (_, running) = get(&fleet, "sim-1", DOWNLOAD).await;
    assert_eq!(running["state"], "running");
    assert_eq!(running["code"], 10551382);

    let job = wait_job(&fleet, "sim-1", &uuid).await;
    assert_eq!(job["state"], "success", "{job}");
    assert_eq!(job["code"], 0);
    assert_eq!(job["description"], "POST /api/cluster/software/download");
    for time in ["start_time", "end_time"] {
        let t = job[time].as_str().unwrap();
        assert!(t.ends_with("+00:00") && t.contains('T'), "{time}: {t}");
    }
    assert!(job.get("error").is_none());

    let (_, done) = get(&fleet, "sim-1", DOWNLOAD).await;
    assert_eq!(done["state"], "success");
    let path = "/api/cluster/software/packages?fields=version,create_time";
    let (_, packages) = get(&fleet, "sim-1", path).await;
    assert_eq!(packages["num_records"], 1);
    assert_eq!(packages["records"][0]["version"], "9.16.1P3");
    assert!(packages["records"][0]["create_time"].is_string());
    let (status, _) = get(&fleet, "sim-1", "/api/cluster/software/packages/9.16.1P3").await;
    assert_eq!(status, 200);
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_job_moves_from_running_to_success_and_is_listed() {
    let fleet = start(fast_opts(1)).await;
    let slow = fleet.package_url_with("ontap-9.17.1-image.tgz", 1 << 20, 512 * 1024);
    let uuid = start_download(&fleet, "sim-1", &slow).await;
    let job = poll_until(&fleet, "sim-1", &format!("/api/cluster/jobs/{uuid}"), |b| {
        b["state"] != "queued"
    })
    .await;
    assert_eq!(job["state"], "running");
    assert!(job.get("end_time").is_none());
    let (_, jobs) = get(&fleet, "sim-1", "/api/cluster/jobs").await;
    assert_eq!(jobs["num_records"], 1);
    assert_eq!(jobs["records"][0]["uuid"], uuid.as_str());
    let job = wait_job(&fleet, "sim-1", &uuid).await;
    assert_eq!(job["state"], "success");
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_second_download_while_one_runs_is_refused_with_10551357() {
    let fleet = start(fast_opts(1)).await;
    let slow = fleet.package_url_with("ontap-9.17.1-image.tgz", 64 << 20, 1 << 20);
    start_download(&fleet, "sim-1", &slow).await;
    let other = fleet.package_url("ontap-9.15.1-image.tgz");
    let (status, body) = post(&fleet, "sim-1", DOWNLOAD, json!({ "url": other })).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "10551357");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already in progress")
    );
    fleet.shutdown().await;
}

#[tokio::test]
async fn the_same_file_twice_is_refused_with_10551327() {
    let fleet = start(fast_opts(1)).await;
    let package = fleet.default_package_url();
    let uuid = start_download(&fleet, "sim-1", &package).await;
    assert_eq!(wait_job(&fleet, "sim-1", &uuid).await["state"], "success");
    let (status, body) = post(&fleet, "sim-1", DOWNLOAD, json!({ "url": package })).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "10551327");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Package image with the same name already exists")
    );
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_missing_package_fails_with_10551885_naming_the_http_status() {
    let fleet = start(fast_opts(1)).await;
    let missing = fleet.missing_package_url("ontap-9.16.1P3-image.tgz");
    let uuid = start_download(&fleet, "sim-1", &missing).await;
    let job = wait_job(&fleet, "sim-1", &uuid).await;
    assert_eq!(job["state"], "failure");
    assert_eq!(job["code"], 10551885);
    assert_eq!(job["error"]["code"], "10551885");
    assert!(job["message"].as_str().unwrap().contains("404"), "{job}");
    let (_, download) = get(&fleet, "sim-1", DOWNLOAD).await;
    assert_eq!(download["state"], "failure");
    assert_eq!(download["code"], 10551885);
    let (_, packages) = get(&fleet, "sim-1", "/api/cluster/software/packages").await;
    assert_eq!(packages["num_records"], 0);
    fleet.shutdown().await;
}

#[tokio::test]
async fn ftp_and_unreachable_servers_fail_with_10551885() {
    let fleet = start(fast_opts(1)).await;
    for url in [
        "ftp://ftp.example.invalid/ontap-9.16.1P3-image.tgz",
        "http://127.0.0.1:1/ontap-9.16.1P3-image.tgz",
    ] {
        let uuid = start_download(&fleet, "sim-1", url).await;
        let job = wait_job(&fleet, "sim-1", &uuid).await;
        assert_eq!(job["state"], "failure", "{url}");
        assert_eq!(job["code"], 10551885, "{url}");
    }
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_local_file_url_is_read_for_real() {
    let fleet = start(fast_opts(1)).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ontap-9.15.1P2-image.tgz");
    std::fs::write(&file, b"image").unwrap();
    let uuid = start_download(&fleet, "sim-1", &format!("file://{}", file.display())).await;
    assert_eq!(wait_job(&fleet, "sim-1", &uuid).await["state"], "success");
    let (_, packages) = get(&fleet, "sim-1", "/api/cluster/software/packages").await;
    assert_eq!(packages["records"][0]["version"], "9.15.1P2");
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_download_over_the_time_limit_fails_with_10551383() {
    let fleet = start(SimOptions {
        time_limit: Duration::from_millis(300),
        ..fast_opts(1)
    })
    .await;
    let slow = fleet.package_url_with("ontap-9.17.1-image.tgz", 64 << 20, 64 * 1024);
    let uuid = start_download(&fleet, "sim-1", &slow).await;
    let job = wait_job(&fleet, "sim-1", &uuid).await;
    assert_eq!(job["state"], "failure");
    assert_eq!(job["code"], 10551383);
    assert_eq!(
        job["message"],
        "Operation took longer than the maximum 1 hour time limit."
    );
    let (_, download) = get(&fleet, "sim-1", DOWNLOAD).await;
    assert_eq!(download["code"], 10551383);
    fleet.shutdown().await;
}

#[tokio::test]
async fn return_timeout_gives_201_when_the_job_ends_in_time_and_202_otherwise() {
    let fleet = start(fast_opts(1)).await;
    let instant = fleet.package_url_with("ontap-9.16.1P3-image.tgz", 1024, 0);
    let path = format!("{DOWNLOAD}?return_timeout=30");
    let (status, body) = post(&fleet, "sim-1", &path, json!({ "url": instant })).await;
    assert_eq!(status, 201, "{body}");
    assert!(body["job"]["uuid"].is_string());
    assert_eq!(fleet.download_status("sim-1").unwrap().0, "success");

    let slow = fleet.package_url_with("ontap-9.17.1-image.tgz", 64 << 20, 1 << 20);
    let path = format!("{DOWNLOAD}?return_timeout=1");
    let (status, _) = post(&fleet, "sim-1", &path, json!({ "url": slow })).await;
    assert_eq!(status, 202);
    fleet.shutdown().await;
}

#[tokio::test]
async fn an_ended_job_expires_into_a_404_with_code_4() {
    let fleet = start(SimOptions {
        job_expiry: Duration::from_secs(1),
        ..fast_opts(1)
    })
    .await;
    let instant = fleet.package_url_with("ontap-9.16.1P3-image.tgz", 1024, 0);
    let uuid = start_download(&fleet, "sim-1", &instant).await;
    assert_eq!(wait_job(&fleet, "sim-1", &uuid).await["state"], "success");
    let path = format!("/api/cluster/jobs/{uuid}");
    let body = crate::support::fleet::eventually("the job expires", || async {
        let (status, body) = get(&fleet, "sim-1", &path).await;
        (status == 404).then_some(body)
    })
    .await;
    assert_eq!(body["error"]["code"], "4");
    assert_eq!(body["error"]["message"], "entry doesn't exist");
    assert_eq!(body["error"]["target"], "uuid");
    // The download status outlives the job.
    let (_, download) = get(&fleet, "sim-1", DOWNLOAD).await;
    assert_eq!(download["state"], "success");
    fleet.shutdown().await;
}

#[tokio::test]
async fn test_helpers_settle_downloads_without_waiting() {
    let fleet = start(fast_opts(2)).await;
    let package = fleet.default_package_url();
    let uuid = fleet.finish_download("sim-1", &package).unwrap();
    let (_, job) = get(&fleet, "sim-1", &format!("/api/cluster/jobs/{uuid}")).await;
    assert_eq!(job["state"], "success");
    let (_, packages) = get(&fleet, "sim-1", "/api/cluster/software/packages").await;
    assert_eq!(packages["records"][0]["version"], "9.16.1P3");

    let uuid = fleet
        .fail_download(
            "sim-2",
            &package,
            10551892,
            "Package download failed due to an unhealthy node.",
        )
        .unwrap();
    let (_, job) = get(&fleet, "sim-2", &format!("/api/cluster/jobs/{uuid}")).await;
    assert_eq!(job["code"], 10551892);
    fleet.expire_jobs("sim-2");
    let (status, _) = get(&fleet, "sim-2", &format!("/api/cluster/jobs/{uuid}")).await;
    assert_eq!(status, 404);

    let slow = fleet.package_url_with("ontap-9.17.1-image.tgz", 64 << 20, 1 << 20);
    fleet.start_download("sim-2", &slow).unwrap();
    assert_eq!(fleet.download_status("sim-2").unwrap().0, "running");
    let refused = fleet.start_download("sim-2", &slow).unwrap_err();
    assert!(refused.to_string().contains("10551357"), "{refused}");
    fleet.shutdown().await;
}

#[tokio::test]
async fn netapp_compact_image_names_are_listed_by_their_version() {
    let fleet = start(fast_opts(1)).await;
    let path = format!("{DOWNLOAD}?return_timeout=30");
    for file in ["97_q_image.tgz", "9161P3_q_image.tgz"] {
        let url = fleet.package_url_with(file, 1024, 0);
        let (status, body) = post(&fleet, "sim-1", &path, json!({ "url": url })).await;
        assert_eq!(status, 201, "{file}: {body}");
    }
    let (_, packages) = get(&fleet, "sim-1", "/api/cluster/software/packages").await;
    let versions: Vec<_> = packages["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["9.7", "9.16.1P3"]);
    fleet.shutdown().await;
}

#[tokio::test]
async fn firmware_is_no_package_and_a_second_copy_is_refused_with_10551496() {
    let fleet = start(fast_opts(1)).await;
    let path = format!("{DOWNLOAD}?return_timeout=30");
    let firmware = fleet.package_url_with("all_shelf_fw.zip", 1024, 0);
    let (status, body) = post(&fleet, "sim-1", &path, json!({ "url": firmware })).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(fleet.download_status("sim-1").unwrap().0, "success");
    let (_, packages) = get(&fleet, "sim-1", "/api/cluster/software/packages").await;
    assert_eq!(packages["num_records"], 0, "{packages}");

    let (status, body) = post(&fleet, "sim-1", &path, json!({ "url": firmware })).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "10551496", "{body}");

    let other = fleet.package_url_with("qual_devices.zip", 1024, 0);
    let (status, _) = post(&fleet, "sim-1", &path, json!({ "url": other })).await;
    assert_eq!(status, 201, "another firmware file is welcome");
    fleet.shutdown().await;
}
