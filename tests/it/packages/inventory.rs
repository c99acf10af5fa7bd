//! `ontop packages` across a fleet, and a download that skips who holds the release.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inventory_across_20_clusters_matches_what_was_downloaded() {
    let fleet = start_fleet(20, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let url = fleet.default_package_url();
    let mut chosen: Vec<String> = Vec::new();
    let mut args = vec!["download", "--url", &url, "--wait", "--yes"];
    let wanted = ["sim-2", "sim-5", "sim-11", "sim-17", "sim-20"];
    for name in wanted {
        chosen.push(name.to_owned());
    }
    for name in &chosen {
        args.extend(["--cluster", name.as_str()]);
    }
    assert_exit(&setup.ontop(&args).await, 0);

    let out = setup.ontop(&["packages", "--json"]).await;
    assert_exit(&out, 0);
    let doc = json(&out);
    let clusters = doc["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 20);
    // Neither command shows where an update stands: neither asked.
    for cluster in fleet.clusters() {
        let log = fleet.request_log(&cluster.name);
        assert!(
            !log.iter()
                .any(|r| r.path.split('?').next() == Some("/api/cluster/software")),
            "{}: {log:?}",
            cluster.name
        );
    }
    let releases = doc["releases"].as_array().unwrap();
    let image = releases
        .iter()
        .find(|r| r["version"] == "9.16.1P3")
        .expect("the new image");
    let mut expected: Vec<String> = wanted.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(names(&image["held_by"]), expected);
    let running = releases
        .iter()
        .find(|r| r["version"] == "9.15.1P7")
        .expect("the running release");
    assert_eq!(running["running_on"].as_array().unwrap().len(), 20);
    for cluster in clusters {
        let holds = cluster["packages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["version"] == "9.16.1P3");
        let name = cluster["name"].as_str().unwrap();
        assert_eq!(holds, wanted.contains(&name), "{cluster}");
        if holds {
            assert!(
                cluster["packages"][0]["create_time"].is_string(),
                "{cluster}"
            );
        }
    }

    let table = text(&setup.ontop(&["packages"]).await.stdout);
    let line = table
        .lines()
        .find(|l| l.starts_with("9.16.1P3"))
        .expect(&table);
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        &cells[1..4],
        ["5", "0", "15"],
        "held by 5, run by none, 15 lack it: {table}"
    );
    let by_cluster = text(&setup.ontop(&["packages", "--by-cluster"]).await.stdout);
    assert!(
        by_cluster
            .lines()
            .any(|l| l.starts_with("sim-5 ") && l.contains("9.16.1P3")),
        "{by_cluster}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_to_all_skips_the_holders_with_their_reason_and_sends_them_nothing() {
    let fleet = start_fleet(4, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let url = fleet.default_package_url();
    assert_exit(
        &setup
            .ontop(&[
                "download",
                "--cluster",
                "sim-1",
                "--url",
                &url,
                "--wait",
                "--yes",
            ])
            .await,
        0,
    );
    assert_eq!(posts(&fleet, "sim-1"), 1);

    let out = setup
        .ontop(&["download", "--all", "--url", &url, "--wait", "--yes"])
        .await;
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("skip sim-1: already holds 9.16.1P3 in its package repository"),
        "{stdout}"
    );
    assert_eq!(posts(&fleet, "sim-1"), 1, "the holder got no POST");
    for other in ["sim-2", "sim-3", "sim-4"] {
        assert_eq!(posts(&fleet, other), 1, "{other}: {stdout}");
    }
    // Everyone has it now: nothing to start, and that is a success.
    let out = setup
        .ontop(&["download", "--all", "--url", &url, "--yes"])
        .await;
    assert_exit(&out, 0);
    assert!(
        text(&out.stdout).contains("nothing to start"),
        "{}",
        text(&out.stdout)
    );

    // The running release is skipped too; --force sends it anyway.
    let running = url.replace("ontap-9.16.1P3-image", "ontap-9.15.1P7-image");
    let out = setup
        .ontop(&["download", "--cluster", "sim-2", "--url", &running, "--yes"])
        .await;
    assert!(
        text(&out.stdout).contains("skip sim-2: already runs 9.15.1P7"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(posts(&fleet, "sim-2"), 1);
    let out = setup
        .ontop(&[
            "download",
            "--cluster",
            "sim-2",
            "--url",
            &running,
            "--yes",
            "--force",
        ])
        .await;
    assert_exit(&out, 0);
    assert_eq!(posts(&fleet, "sim-2"), 2, "--force sends it");
    // A name that says no release skips nobody.
    let odd = url.replace("ontap-9.16.1P3-image.tgz", "custom-build.tgz");
    let out = setup
        .ontop(&["download", "--cluster", "sim-3", "--url", &odd, "--yes"])
        .await;
    assert!(!text(&out.stdout).contains("skip"), "{}", text(&out.stdout));
    assert_eq!(posts(&fleet, "sim-3"), 2);
}
