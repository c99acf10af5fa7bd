//! The flows of issue 20's screen in the real binary: the filter edited as a line (and
//! a bare version, a label in any case, a typo's "did you mean"), the sort menu, and
//! `j`/`k` moving between clusters' details.

use crate::support::fleet::start_fleet;
use crate::support::pty::{Session, fleet_config, keys, row};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_filter_edits_as_a_line_the_sort_menu_picks_a_column_and_details_move_with_j_k() {
    let fleet = start_fleet(3, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config = fleet_config(&fleet, dir.path(), |t| {
        t.replacen(
            "name = \"sim-2\"\n",
            "name = \"sim-2\"\nlabels = { site = \"ams\" }\n",
            1,
        )
    })
    .await;
    let mut s = Session::start(&[], Some(&config), &[], (120, 40));
    s.wait_for("three rows with a version", |t| {
        ["sim-1", "sim-2", "sim-3"]
            .iter()
            .all(|n| row(t, n).contains("9.15"))
    });

    // The filter is a line editor: Ctrl-U empties it, Home and Delete edit inside it.
    s.keys("/sim-2");
    s.wait_text("/sim-2  1 of 3 shown");
    s.keys(keys::CTRL_U);
    s.wait_for("Ctrl-U to empty the filter", |t| {
        !t.contains("of 3 shown") && row(t, "sim-1").contains("9.15")
    });
    s.keys("sim-3");
    s.wait_text("/sim-3  1 of 3 shown");
    s.keys(keys::HOME);
    s.keys("x");
    s.wait_text("no cluster matches \"xsim-3\"");
    s.keys(keys::DELETE);
    s.wait_text("no cluster matches \"xim-3\"");
    s.keys(keys::CTRL_W);
    s.wait_for("Ctrl-W to take the word before the cursor", |t| {
        t.contains("/im-3") && t.contains("1 of 3 shown")
    });
    s.keys(keys::END);
    s.keys(keys::CTRL_U);
    // A bare version is the version column; a label compares case aside.
    s.keys("9.15");
    s.wait_for("every cluster to run 9.15", |t| {
        t.contains("/9.15 ") && !t.contains("of 3 shown") && row(t, "sim-3").contains("9.15")
    });
    s.keys(keys::CTRL_U);
    s.keys("site=AMS");
    s.wait_for("the label, case aside", |t| {
        t.contains("/site=AMS  1 of 3 shown") && row(t, "sim-2").contains("9.15")
    });
    s.keys(keys::CTRL_W);
    s.keys("sit=ams");
    s.wait_text("sit=ams: no cluster has a label sit; did you mean site?");
    s.keys(keys::ESC);
    // Esc and a key sent together read as Alt-key: the filter clears first.
    s.wait_for("the filter to clear", |t| {
        !t.contains("no cluster matches") && !t.contains("/sit=ams")
    });

    // The sort menu: HEALTH in two keys, announced once (the footer), not twice.
    s.keys("s");
    s.wait_text("Sort by");
    s.keys("h");
    s.wait_for("sorted by health", |t| {
        t.contains("sort: health") && !t.contains("Sort by")
    });
    assert!(!s.contents().contains("sorted by"), "{}", s.contents());

    // Details: j and k move to the next and previous cluster, in the table's order.
    s.keys("so");
    s.wait_for("config order", |t| !t.contains("sort:"));
    s.keys("g\r");
    s.wait_text("┌ sim-1 ");
    s.keys("j");
    s.wait_text("┌ sim-2 ");
    s.keys("j");
    s.wait_text("┌ sim-3 ");
    s.keys("k");
    s.wait_text("┌ sim-2 ");
    s.keys("q");
    s.wait_for("the table, on sim-2", |t| !t.contains("┌ sim-2 "));
    s.keys("q");
    assert!(s.wait_exit().success());
}
