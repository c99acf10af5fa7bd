//! Validating from the dashboard in the real binary: mark clusters, `v`, the release
//! offered, the plan with its skip, `y`, READY filling as each job ends, and `V`.

use crate::support::fleet::start_fleet;
use crate::support::pty::{Session, fleet_config, keys, row};
use ontop_sim::Fault;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v_validates_the_marked_clusters_and_ready_fills_then_v_shows_the_findings() {
    let fleet = start_fleet(3, |_| {}).await;
    let url = fleet.default_package_url();
    fleet.finish_download("sim-1", &url).unwrap();
    fleet.finish_download("sim-2", &url).unwrap();
    fleet.set_fault("sim-2", Fault::ValidationWarning);
    let dir = tempfile::tempdir().unwrap();
    let config = fleet_config(&fleet, dir.path(), |t| t).await;
    let mut s = Session::start(&[], Some(&config), &[], (120, 40));
    s.wait_for("the holders known", |t| {
        row(t, "sim-1").contains(" has ") && row(t, "sim-3").contains(" no ")
    });
    s.keys(" j j ");
    s.wait_text("3 marked");
    s.keys("v");
    s.wait_for("the release offered", |t| {
        t.contains("Validate a release") && t.contains("Held, not run: 9.16.1P3 (2 clusters)")
    });
    s.keys("\r");
    s.wait_for("the plan: two asked, one skipped with its reason", |t| {
        t.contains("Validate on 2 clusters:")
            && t.contains("Skip 1 cluster:")
            && t.contains("does not hold 9.16.1P3")
    });
    s.keys("y");
    s.wait_text("validating 9.16.1P3 on 2 clusters");
    s.wait_for("READY to fill as the jobs end", |t| {
        row(t, "sim-1").contains("✓ ready") && row(t, "sim-2").contains("! 2 warn")
    });
    assert!(row(&s.contents(), "sim-3").contains(" ? "));
    s.keys("V");
    s.wait_for("the findings by check", |t| {
        t.contains("2 validated (9.16.1P3)") && t.contains("NFS mounts") && t.contains("sim-2")
    });
    s.keys("\r");
    s.wait_text("on sim-2:");
    s.keys(keys::ESC);
    s.wait_for("the text closed", |t| !t.contains("on sim-2:"));
    s.keys(keys::ESC);
    s.wait_for("the table again", |t| !t.contains("findings by check"));
    s.keys("q");
    s.wait_exit();
    s.assert_restored();
}
