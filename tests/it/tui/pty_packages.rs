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
    s.wait_text("marked 2 clusters that lack 9.16.1P3");
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

    s.keys("P");
    s.wait_text("packages across the fleet");
    s.keys("x");
    s.wait_text("Remove package 9.16.1P3 from 1 cluster: sim-1?");
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
