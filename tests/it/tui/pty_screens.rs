//! What the real binary shows in the panes users have: a standard tmux pane (80x23),
//! rows that go STALE when the clusters stop answering, and the filter's words.

use ontop_sim::Fault;

use crate::support::fleet::start_fleet;
use crate::support::pty::{Session, fleet_config, keys, row};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standard_tmux_pane_of_80x23_shows_the_whole_dashboard() {
    let fleet = start_fleet(3, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config = fleet_config(&fleet, dir.path(), |t| t).await;
    let mut s = Session::start(&[], Some(&config), &[], (80, 23));
    s.wait_for("three rows that answered", |t| {
        ["sim-1", "sim-2", "sim-3"]
            .iter()
            .all(|n| row(t, n).contains("not_started") && row(t, n).contains(" ok"))
    });
    let screen = s.contents();
    assert!(!screen.contains("too small"), "{screen}");
    let lines: Vec<&str> = screen.lines().collect();
    assert!(lines[0].contains("ontop"), "{screen}");
    assert!(lines[1].contains("3 clusters"), "{screen}");
    assert!(
        lines[2].contains("CLUSTER") && lines[2].contains("HEALTH"),
        "{screen}"
    );
    assert!(
        lines.last().unwrap().contains("q quit"),
        "the footer is on the last line:\n{screen}"
    );
    s.keys("q");
    assert!(s.wait_exit().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_go_stale_with_their_age_when_the_simulator_stops() {
    let fleet = start_fleet(2, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config = fleet_config(&fleet, dir.path(), |t| t).await;
    let mut s = Session::start(&[], Some(&config), &[("NO_COLOR", "1")], (80, 24));
    s.wait_for("both rows to answer", |t| t.matches(" ok").count() == 2);
    drop(fleet);
    // Three intervals (1 s each) without a good answer: old values, marked without colour.
    s.wait_for("both rows to go stale", |t| {
        ["sim-1", "sim-2"].iter().all(|n| {
            let r = row(t, n);
            r.contains("STALE ") && r.contains("~· not_started")
        })
    });
    let screen = s.contents();
    assert!(screen.contains("2 failing  2 stale"), "{screen}");
    s.keys("q");
    assert!(s.wait_exit().success());
}

/// The rows a filter leaves, by name.
fn shown(screen: &str, names: &[&str]) -> Vec<String> {
    names
        .iter()
        .filter(|n| !row(screen, n).is_empty())
        .map(|n| n.to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_filter_word_keeps_exactly_its_rows() {
    let fleet = start_fleet(5, |o| o.bandwidth = 2048).await;
    let names = ["sim-1", "sim-2", "sim-3", "sim-4", "sim-5"];
    let package = fleet.default_package_url();
    fleet.start_download("sim-1", &package).unwrap();
    fleet.finish_download("sim-2", &package).unwrap();
    fleet
        .fail_download("sim-3", &package, 10551885, "The URL could not be reached.")
        .unwrap();
    fleet.set_fault("sim-4", Fault::Http500);
    let labels = [
        ("sim-1", "site = \"ams\", env = \"prod\""),
        ("sim-2", "site = \"ams\", env = \"prod\""),
        ("sim-3", "site = \"ams\", env = \"dev\""),
        ("sim-4", "site = \"fra\""),
        ("sim-5", "site = \"fra\", env = \"prod\""),
    ];
    let dir = tempfile::tempdir().unwrap();
    let config = fleet_config(&fleet, dir.path(), |mut text| {
        for (name, l) in labels {
            let line = format!("name = \"{name}\"\n");
            let extra = if name == "sim-5" {
                "read_only = true\n"
            } else {
                ""
            };
            text = text.replace(&line, &format!("{line}labels = {{ {l} }}\n{extra}"));
        }
        text
    })
    .await;
    let mut s = Session::start(&[], Some(&config), &[], (120, 40));
    s.wait_for("every row", |t| {
        row(t, "sim-1").contains("running") && row(t, "sim-4").contains("FAILING")
    });
    let cases: [(&str, &[&str]); 13] = [
        ("downloading", &["sim-1"]),
        ("succeeded", &["sim-2"]),
        ("failed", &["sim-3"]),
        ("failing", &["sim-4"]),
        ("ok", &["sim-1", "sim-2", "sim-3", "sim-5"]),
        ("ro", &["sim-5"]),
        ("read-only", &["sim-5"]),
        ("site=ams", &["sim-1", "sim-2", "sim-3"]),
        ("!site=ams", &["sim-4", "sim-5"]),
        ("prod", &["sim-1", "sim-2", "sim-5"]),
        ("env=prod !downloading", &["sim-2", "sim-5"]),
        ("version:9", &["sim-1", "sim-2", "sim-3", "sim-5"]),
        ("version:8", &[]),
    ];
    for (filter, expected) in cases {
        s.keys(&format!("/{filter}\r"));
        s.wait_for(&format!("/{filter} to leave {expected:?}"), |t| {
            t.contains(&format!("/{filter}")) && shown(t, &names) == expected
        });
        s.keys(keys::ESC);
        s.wait_for("the filter to clear", |t| {
            shown(t, &names).len() == names.len()
        });
    }
    // What a name filter matched is highlighted (underlined, so without colour too).
    s.keys("/m-3\r");
    s.wait_for("one row", |t| shown(t, &names) == ["sim-3"]);
    assert_eq!(s.underlined().trim(), "m-3", "{}", s.contents());
    s.keys("q");
    assert!(s.wait_exit().success());
}
