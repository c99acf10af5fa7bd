//! The packages flow in the real binary: the PKG column, the packages view, marking the
//! clusters that lack a release and downloading there, and removing a package.

use crate::support::fleet::start_fleet;
use crate::support::pty::{Session, fleet_config, keys, row};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_packages_view_marks_the_lacking_clusters_and_removes_a_package() {
    let fleet = start_fleet(3, |_| {}).await;
    fleet
        .finish_download("sim-1", &fleet.default_package_url())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = fleet_config(&fleet, dir.path(), |t| t).await;
    let mut s = Session::start(&[], Some(&config), &[], (120, 40));
    // The form's package is the config's [download] url: 9.16.1P3, which sim-1 holds.
    s.wait_for("the PKG column filled in", |t| {
        row(t, "sim-1").contains(" has ")
            && row(t, "sim-2").contains(" no ")
            && row(t, "sim-3").contains(" no ")
    });
    s.keys("P");
    s.wait_for("the packages view", |t| {
        t.contains("packages across the fleet")
            && t.lines()
                .any(|l| l.contains("9.16.1P3") && l.contains(" 1 ") && l.contains("sim-1"))
    });
    s.keys("m");
    s.wait_text("marked 2 that lack 9.16.1P3");
    s.keys("d");
    s.wait_text("Download a package");
    s.keys("\r");
    s.wait_for("the confirmation for the two", |t| {
        t.contains("Start on 2 clusters") && t.contains("sim-2") && t.contains("sim-3")
    });
    s.keys(keys::ESC);
    s.wait_text("download cancelled");
    assert_eq!(
        crate::support::download::posts(&fleet, "sim-2"),
        0,
        "cancelled: nothing sent"
    );

    // The marks (sim-2, sim-3) are the choice: neither holds it, and nothing is asked.
    s.keys("P");
    s.wait_text("packages across the fleet");
    s.keys("x");
    s.wait_text("none of the marked clusters holds 9.16.1P3 (1 other does");
    s.keys(keys::ESC);
    // Esc and A sent together read as Alt-A: the view closes first.
    s.wait_for("the table again", |t| {
        !t.contains("packages across the fleet")
    });
    s.keys("A");
    s.wait_for("the marks to clear", |t| !t.contains("marked"));
    s.keys("P");
    s.wait_text("packages across the fleet");
    s.keys("x");
    s.wait_text("Remove package 9.16.1P3 from 1 cluster: sim-1?");
    s.wait_text("No marks and no filter: every holder in the fleet");
    s.keys("y");
    s.wait_text("sim-1: package 9.16.1P3 removed");
    let deletes = fleet
        .request_log("sim-1")
        .iter()
        .filter(|r| r.method == "DELETE")
        .count();
    assert_eq!(deletes, 1);
    s.keys(keys::ESC);
    s.wait_for("sim-1 lacks it now", |t| row(t, "sim-1").contains(" no "));
    s.keys("q");
    assert!(s.wait_exit().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_removes_from_the_marked_clusters_else_the_filtered_ones_and_every_view_agrees_at_once() {
    let fleet = start_fleet(3, |_| {}).await;
    for name in ["sim-1", "sim-2", "sim-3"] {
        fleet
            .finish_download(name, &fleet.default_package_url())
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let config = fleet_config(&fleet, dir.path(), |t| t).await;
    let mut s = Session::start(&[], Some(&config), &[], (120, 40));
    s.wait_for("every cluster to hold the release", |t| {
        ["sim-1", "sim-2", "sim-3"]
            .iter()
            .all(|n| row(t, n).contains(" has "))
    });

    // One marked: x asks about that one only, and says the others are left alone.
    s.keys("j ");
    s.wait_text("1 marked");
    s.keys("P");
    s.wait_text("packages across the fleet");
    s.keys("x");
    s.wait_text("Remove package 9.16.1P3 from 1 cluster: sim-2?");
    s.wait_text("Among the marked clusters. 2 other holders are left alone.");
    s.keys("y");
    // The packages view no longer counts sim-2 in the frame that says it was removed.
    s.wait_text("sim-2: package 9.16.1P3 removed");
    let screen = s.contents();
    let release = screen
        .lines()
        .find(|l| l.contains("9.16.1P3") && l.contains("sim-1"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(
        !release.contains("sim-2") && release.contains("sim-1, sim-3"),
        "{screen}"
    );
    s.keys(keys::ESC);
    s.wait_for("sim-2's row to agree", |t| {
        let r = row(t, "sim-2");
        r.contains(" no ") && r.contains("removed")
    });
    let deletes = |name: &str| crate::support::download::deletes(&fleet, name);
    assert_eq!(
        [deletes("sim-1"), deletes("sim-2"), deletes("sim-3")],
        [0, 1, 0]
    );

    // No marks now (they served the removal): the filter is the choice.
    s.keys("/sim-3\r");
    s.wait_text("1 of 3 shown");
    s.keys("P");
    s.keys("x");
    s.wait_text("Remove package 9.16.1P3 from 1 cluster: sim-3?");
    s.wait_text("Among the clusters the filter shows. 1 other holder is left alone.");
    s.keys("n");
    s.wait_text("removal cancelled: nothing was removed");
    assert_eq!(deletes("sim-3"), 0);
    s.keys("q");
    s.keys("q");
    assert!(s.wait_exit().success());
}
