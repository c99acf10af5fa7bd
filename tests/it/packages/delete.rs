//! `ontop packages delete`: removed where it was, refused read-only and for the running
//! release.

use super::*;

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
    assert_eq!(
        holders(&doc, "9.16.1P3"),
        ["sim-3"],
        "gone where it was removed, kept where read-only"
    );
    let events = audit_events(&setup);
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

    the_running_release_is_refused(&setup, &url).await;
}

/// The package of the release the cluster runs: ONTAP refuses, with its code.
async fn the_running_release_is_refused(setup: &Setup, url: &str) {
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
/// The clusters whose repository lists `version`, in `ontop packages --json`.
fn holders<'a>(doc: &'a Value, version: &str) -> Vec<&'a str> {
    doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["packages"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["version"] == version)
        })
        .map(|c| c["name"].as_str().unwrap())
        .collect()
}

/// The audit log's events, in order.
fn audit_events(setup: &Setup) -> Vec<String> {
    setup
        .audit()
        .iter()
        .map(|l| l["event"].as_str().unwrap().to_owned())
        .collect()
}
