//! The fleet's package repository end to end: `ontop packages` against the simulator,
//! downloads that skip the clusters that already have the release, removals, and
//! selection by label.

use serde_json::Value;

use crate::support::download::{Setup, assert_exit, posts, text};
use crate::support::fleet::start_fleet;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stdout)))
}

fn deletes(fleet: &ontop_sim::SimFleet, cluster: &str) -> usize {
    let log = fleet.request_log(cluster);
    log.iter().filter(|r| r.method == "DELETE").count()
}

fn names(value: &Value) -> Vec<String> {
    let mut names: Vec<String> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_removes_the_package_and_is_refused_read_only_and_for_the_running_release() {
    let fleet = start_fleet(3, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let url = fleet.default_package_url();
    assert_exit(
        &setup
            .ontop(&["download", "--all", "--url", &url, "--wait", "--yes"])
            .await,
        0,
    );
    setup.make_read_only("sim-3");

    let out = setup
        .ontop(&["packages", "delete", "9.16.1P3", "--all", "--yes"])
        .await;
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("skip sim-3: read-only (nothing is sent)"),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("sim-1  removed  9.16.1P3  job ")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("sim-2  removed  9.16.1P3")),
        "{stdout}"
    );
    assert_eq!(
        deletes(&fleet, "sim-3"),
        0,
        "no DELETE to a read-only cluster"
    );
    let doc = json(&setup.ontop(&["packages", "--json"]).await);
    let holders: Vec<&str> = doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["packages"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["version"] == "9.16.1P3")
        })
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        holders,
        ["sim-3"],
        "gone where it was removed, kept where read-only"
    );
    let events: Vec<String> = setup
        .audit()
        .iter()
        .map(|l| l["event"].as_str().unwrap().to_owned())
        .collect();
    for event in ["delete_attempt", "delete", "delete_end"] {
        assert!(events.iter().any(|e| e == event), "{event} in {events:?}");
    }

    // Every chosen cluster read-only: nothing sent, exit 2.
    let out = setup
        .ontop(&[
            "packages",
            "delete",
            "9.16.1P3",
            "--cluster",
            "sim-3",
            "--yes",
        ])
        .await;
    assert_exit(&out, 2);
    assert_eq!(deletes(&fleet, "sim-3"), 0);

    // The package of the release the cluster runs: ONTAP refuses, with its code.
    let running = url.replace("ontap-9.16.1P3-image", "ontap-9.15.1P7-image");
    let args = [
        "download",
        "--cluster",
        "sim-1",
        "--url",
        &running,
        "--yes",
        "--force",
        "--wait",
    ];
    assert_exit(&setup.ontop(&args).await, 0);
    let out = setup
        .ontop(&[
            "packages",
            "delete",
            "9.15.1P7",
            "--cluster",
            "sim-1",
            "--yes",
        ])
        .await;
    assert_exit(&out, 1);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("sim-1  refused"), "{stdout}");
    assert!(
        stdout.contains("ONTAP code 2") && stdout.contains("the release the cluster runs"),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn label_selection_picks_the_clusters_and_names_typos() {
    let fleet = start_fleet(4, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let config = std::fs::read_to_string(&setup.config).unwrap();
    let mut config = config;
    for (name, site, env) in [
        ("sim-1", "ams", "prod"),
        ("sim-2", "ams", "lab"),
        ("sim-3", "fra", "prod"),
        ("sim-4", "fra", "lab"),
    ] {
        config = config.replace(
            &format!("name = \"{name}\"\n"),
            &format!("name = \"{name}\"\nlabels = {{ site = \"{site}\", env = \"{env}\" }}\n"),
        );
    }
    std::fs::write(&setup.config, config).unwrap();

    let out = setup
        .ontop(&["status", "--json", "--label", "site=ams"])
        .await;
    assert_exit(&out, 0);
    let rows = json(&out);
    let shown: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(shown, ["sim-1", "sim-2"]);
    assert!(
        text(&out.stderr).contains("selected 2 clusters (--label site=ams): sim-1, sim-2"),
        "{}",
        text(&out.stderr)
    );

    let out = setup
        .ontop(&[
            "packages", "--json", "--label", "site=fra", "--label", "env=prod",
        ])
        .await;
    let doc = json(&out);
    assert_eq!(doc["clusters"].as_array().unwrap().len(), 1);
    assert_eq!(doc["clusters"][0]["name"], "sim-3");

    let url = fleet.default_package_url();
    let out = setup
        .ontop(&["download", "--label", "env=lab", "--url", &url, "--yes"])
        .await;
    assert_exit(&out, 0);
    assert_eq!((posts(&fleet, "sim-2"), posts(&fleet, "sim-4")), (1, 1));
    assert_eq!((posts(&fleet, "sim-1"), posts(&fleet, "sim-3")), (0, 0));

    let out = setup.ontop(&["status", "--label", "sit=ams"]).await;
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("no cluster has a label \"sit\"; did you mean site?"),
        "{}",
        text(&out.stderr)
    );
    let out = setup.ontop(&["status", "--label", "site=amz"]).await;
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("did you mean site=ams?"),
        "{}",
        text(&out.stderr)
    );
    let out = setup
        .ontop(&["download", "--label", "site", "--url", &url, "--yes"])
        .await;
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("KEY=VALUE"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_max_running_2_over_6_clusters_never_more_than_2_download_at_once() {
    use crate::support::download::SLOW;
    let fleet = start_fleet(6, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    // About a second each: long enough to overlap, short enough for a test.
    let url = fleet.package_url_with("ontap-9.16.1P3-image.tgz", 2 * SLOW, 2 * SLOW);
    let args = [
        "download",
        "--all",
        "--url",
        &url,
        "--wait",
        "--yes",
        "--max-running",
        "2",
    ];
    let run = setup.ontop(&args);
    tokio::pin!(run);
    let names: Vec<String> = fleet.clusters().into_iter().map(|c| c.name).collect();
    let mut most = 0;
    let out = loop {
        tokio::select! {
            out = &mut run => break out,
            _ = tokio::time::sleep(std::time::Duration::from_millis(20)) => {
                let running = names
                    .iter()
                    .filter(|n| fleet.download_status(n).is_some_and(|(state, _, _)| state == "running"))
                    .count();
                most = most.max(running);
            }
        }
    };
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    assert!(most <= 2, "{most} ran at once: {stdout}");
    assert_eq!(most, 2, "the limit was used: {stdout}");
    assert!(
        stdout.contains("queued 4: at most 2 run at once"),
        "{stdout}"
    );
    // Each waiting start has its place in the plan's order: 1 of 4 ... 4 of 4.
    for n in 1..=4 {
        assert!(
            stdout
                .lines()
                .any(|l| l.contains("queued") && l.contains(&format!("({n} of 4): not sent yet"))),
            "{n}: {stdout}"
        );
    }
    for name in &names {
        assert_eq!(posts(&fleet, name), 1, "{name}: {stdout}");
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(name.as_str()) && l.contains("success")),
            "{name}: {stdout}"
        );
    }

    // Without --wait the others could never start: refused before anything is sent.
    let out = setup
        .ontop(&[
            "download",
            "--all",
            "--url",
            &url,
            "--yes",
            "--max-running",
            "2",
            "--force",
        ])
        .await;
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("add --wait"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(posts(&fleet, "sim-1"), 1);
}

#[test]
fn max_running_in_the_config_is_a_whole_number() {
    use crate::support::config::{Fixture, assert_says};
    let fx = Fixture::new();
    let base = "[[cluster]]\nname = \"a\"\nurl = \"https://a.example\"\nusername = \"u\"\npassword = \"x\"\n";
    let config = fx.ok(&format!("{base}[download]\nmax_running = 20\n"));
    assert_eq!(config.download.max_running, Some(20));
    let config = fx.ok(&format!("[defaults]\npackages_interval = \"1h\"\n{base}"));
    assert_eq!(
        config.clusters[0].packages_interval,
        std::time::Duration::from_secs(3600)
    );
    let error = fx.error(&format!("[defaults]\npackages_interval = \"30s\"\n{base}"));
    assert_says(&error, &["[defaults]", "packages_interval"]);
    for bad in ["0", "-3", "\"many\"", "100000"] {
        let error = fx.error(&format!("{base}[download]\nmax_running = {bad}\n"));
        assert_says(
            &error,
            &["[download]", "max_running", "whole number from 1 to 10000"],
        );
    }
}
