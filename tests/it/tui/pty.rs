//! The real binary in a pseudo-terminal, read back through a terminal emulator: what a
//! user on a jump host would see and type. Downloads started from the screen go to the
//! simulator on loopback; what reaches it is checked in its request log.

use crate::support::fleet::start_fleet;
use crate::support::pty::{Session, row};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_see_rows_help_filter_details_and_quit_restores_the_terminal() {
    let fleet = start_fleet(4, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let names: Vec<String> = fleet.clusters().into_iter().map(|c| c.name).collect();

    let mut s = Session::start(&[], Some(&config), &[], (120, 40));
    for name in &names {
        s.wait_text(name);
    }
    s.wait_text("not_started");

    // Each key's effect is awaited on screen before the next is sent: an Esc followed at
    // once by another key would read as Alt+key, as in any terminal.
    s.keys("?");
    s.wait_text("Keys");
    s.keys("\u{1b}");
    s.wait_for("help to close", |t| !t.contains("Keys"));

    s.keys("/sim-3");
    s.wait_for("the filter to leave one row", |t| {
        t.contains("sim-3") && !t.contains("sim-1 ") && !t.contains("sim-4")
    });
    s.keys("\r");
    s.keys("\r"); // details of the only row
    s.wait_text(&fleet.clusters()[2].url);
    s.keys("\u{1b}");
    s.wait_for("details to close", |t| {
        !t.contains(&fleet.clusters()[2].url)
    });
    s.keys("q");
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");
    s.assert_restored();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_quits_and_restores_the_terminal_at_80x24_without_colour() {
    let fleet = start_fleet(2, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let mut s = Session::start(&[], Some(&config), &[("NO_COLOR", "1")], (80, 24));
    s.wait_text("sim-2");
    s.keys("\u{3}");
    assert!(s.wait_exit().success());
    s.assert_restored();
    let raw = s.raw.lock().unwrap();
    let text = String::from_utf8_lossy(&raw);
    assert!(
        !text.contains("\u{1b}[31m") && !text.contains("\u{1b}[38;5;"),
        "NO_COLOR means no colours"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_too_small_terminal_says_so() {
    let fleet = start_fleet(1, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let mut s = Session::start(&[], Some(&config), &[], (50, 12));
    s.wait_text("too small");
    s.keys("q");
    assert!(s.wait_exit().success());
    s.assert_restored();
}

/// Starts `ontop` with `args` on a config written for `fleet`, at 120x40, and waits
/// until every cluster answered (a cluster with no answer yet would be skipped).
async fn dashboard(fleet: &ontop_sim::SimFleet, args: &[&str]) -> (Session, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let s = Session::start(args, Some(&config), &[], (120, 40));
    let n = fleet.clusters().len();
    s.wait_for("every cluster to answer", |t| {
        t.matches("not_started").count() == n && !t.contains("waiting for the first answer")
    });
    (s, dir)
}

/// No POST of any kind reached any cluster of the fleet.
fn assert_no_post(fleet: &ontop_sim::SimFleet) {
    for cluster in fleet.clusters() {
        let posts: Vec<_> = fleet
            .request_log(&cluster.name)
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect();
        assert!(posts.is_empty(), "{}: {posts:?}", cluster.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mark_two_start_a_download_and_see_both_succeed_with_an_audit_trail() {
    const SERVER_PASSWORD: &str = "pkg-Server-secret-77";
    let fleet = start_fleet(3, |_| {}).await;
    let (mut s, _dir) = dashboard(&fleet, &[]).await;

    s.keys(" ");
    s.wait_text("1 marked");
    s.keys("j ");
    s.wait_text("2 marked");
    s.keys("d");
    s.wait_text("Download a package");
    s.wait_text(&fleet.default_package_url());
    // The server password field: typed, never echoed.
    s.keys("\t\t");
    s.keys(SERVER_PASSWORD);
    s.wait_text(&"•".repeat(SERVER_PASSWORD.len()));
    s.keys("\r");
    s.wait_text("Start this download?");
    let dialog = s.contents();
    assert!(dialog.contains("Start on 2 clusters:"), "{dialog}");
    assert!(
        dialog.contains("   sim-1") && dialog.contains("   sim-2"),
        "{dialog}"
    );
    assert!(!dialog.contains("Skip"), "{dialog}");
    s.keys("y");
    s.wait_for("sim-1 and sim-2 to reach success", |t| {
        ["sim-1", "sim-2"]
            .iter()
            .all(|name| row(t, name).matches("success").count() == 2)
    });
    assert!(
        !row(&s.contents(), "sim-3").contains("success"),
        "sim-3 was not marked"
    );
    s.keys("q");
    assert!(s.wait_exit().success());
    s.assert_restored();
    let raw = String::from_utf8_lossy(&s.raw.lock().unwrap()).into_owned();
    assert!(
        raw.contains('\u{7}'),
        "the bell rang when the downloads ended"
    );
    assert!(
        !raw.contains(SERVER_PASSWORD),
        "the password reached the screen"
    );

    let posts = |name: &str| {
        fleet
            .request_log(name)
            .into_iter()
            .filter(|r| r.method == "POST")
            .count()
    };
    assert_eq!((posts("sim-1"), posts("sim-2"), posts("sim-3")), (1, 1, 0));
    let audit = std::fs::read_to_string(s.data.join("ontop/audit.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let count = |event: &str, result: &str| {
        lines
            .iter()
            .filter(|l| l["event"] == event && l["result"] == result)
            .count()
    };
    assert_eq!(count("start", "started"), 2, "{audit}");
    assert_eq!(count("end", "success"), 2, "{audit}");
    assert_eq!(
        count("attempt", "requested"),
        2,
        "each POST was recorded first: {audit}"
    );
    assert_eq!(lines.len(), 6, "{audit}");
    // Nothing the run wrote holds a password: not the server's, not the cluster's.
    for entry in std::fs::read_dir(s.data.join("ontop")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        assert!(!text.contains(SERVER_PASSWORD) && !text.contains(fleet.password()));
    }
    let journal = std::fs::read_to_string(s.data.join("ontop/jobs.json")).unwrap();
    assert!(
        !journal.contains("sim-"),
        "ended jobs leave the journal: {journal}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_session_refuses_at_d_and_sends_no_post() {
    let fleet = start_fleet(2, |_| {}).await;
    let (mut s, _dir) = dashboard(&fleet, &["--read-only"]).await;
    s.keys(" j d");
    s.wait_text("read-only: downloads are disabled for sim-1 and sim-2");
    assert!(!s.contents().contains("Download a package"));
    s.keys("q");
    assert!(s.wait_exit().success());
    assert_no_post(&fleet);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_url_is_refused_in_the_form_and_nothing_is_sent() {
    let fleet = start_fleet(2, |_| {}).await;
    let (mut s, _dir) = dashboard(&fleet, &[]).await;
    s.keys("d");
    s.wait_text("Download a package");
    // Ctrl-U empties the prefilled URL.
    s.keys("\u{15}gopher://x/y.tgz");
    s.wait_text("gopher://x/y.tgz");
    s.keys("\r");
    s.wait_text("unsupported scheme");
    assert!(
        s.contents().contains("Download a package"),
        "still in the form"
    );
    s.keys("\u{1b}");
    s.wait_for("the form to close", |t| !t.contains("Download a package"));
    s.keys("q");
    assert!(s.wait_exit().success());
    assert_no_post(&fleet);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_left_in_the_journal_is_followed_to_its_end_by_the_next_dashboard() {
    let fleet = start_fleet(2, |_| {}).await;
    // An earlier session started this download and was closed before it ended.
    let url = fleet.package_url_with("resumed.tgz", 512 * 1024, 256 * 1024);
    let job = fleet.start_download("sim-2", &url).unwrap();
    let data = tempfile::tempdir().unwrap().keep();
    let journal = ontop::testing::download::journal::Journal::open(Some(&data.join("ontop")));
    journal
        .add(ontop::testing::download::journal::JournalEntry {
            cluster: "sim-2".into(),
            job: job.clone(),
            url: url.clone(),
            server_username: None,
            started_at: jiff::Timestamp::now().to_string(),
        })
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();

    let mut s = Session::start_with_data(data.clone(), &[], Some(&config), &[], (120, 40));
    s.wait_for("sim-2 to reach success", |t| {
        row(t, "sim-2").matches("success").count() == 2
    });
    s.keys("q");
    assert!(s.wait_exit().success());

    let audit = std::fs::read_to_string(data.join("ontop/audit.jsonl")).unwrap();
    let end: serde_json::Value = serde_json::from_str(audit.lines().next().unwrap()).unwrap();
    assert_eq!(audit.lines().count(), 1, "{audit}");
    assert_eq!(
        (&end["event"], &end["cluster"], &end["result"], &end["job"]),
        (
            &serde_json::json!("end"),
            &serde_json::json!("sim-2"),
            &serde_json::json!("success"),
            &serde_json::json!(job)
        )
    );
    let reopened = ontop::testing::download::journal::Journal::open(Some(&data.join("ontop")));
    assert!(
        reopened.entries().is_empty(),
        "the ended job left the journal"
    );
    assert_no_post(&fleet);
}

/// A job the journal holds that its cluster no longer has (a restarted cluster, a job
/// deleted long ago) while the cluster says no download runs: it ends, as `unknown`, and
/// leaves the journal; it is not "still followed" for ever, and `q` quits at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_job_the_cluster_no_longer_has_ends_and_q_quits_at_once() {
    let fleet = start_fleet(2, |_| {}).await;
    let data = tempfile::tempdir().unwrap().keep();
    let journal = ontop::testing::download::journal::Journal::open(Some(&data.join("ontop")));
    journal
        .add(ontop::testing::download::journal::JournalEntry {
            cluster: "sim-2".into(),
            job: "0b5cd360-8cac-49f9-ad84-baa58b715e7d".into(),
            url: fleet.default_package_url(),
            server_username: None,
            started_at: "2026-01-01T00:00:00Z".into(),
        })
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let mut s = Session::start_with_data(data.clone(), &[], Some(&config), &[], (120, 40));
    s.wait_for("sim-2's followed job to end", |t| {
        row(t, "sim-2").contains("unknown")
    });
    // It had ended before this session first looked: not news, no bell, no message.
    assert!(!s.contents().contains("ended"), "{}", s.contents());
    s.keys("q");
    assert!(s.wait_exit().success(), "nothing is followed: no question");
    let raw = String::from_utf8_lossy(&s.raw.lock().unwrap()).into_owned();
    assert!(
        !raw.contains('\u{7}'),
        "the bell rang for an ending older than the session"
    );
    let audit = std::fs::read_to_string(data.join("ontop/audit.jsonl")).unwrap();
    assert!(audit.contains("\"result\":\"unknown\""), "{audit}");
    let reopened = ontop::testing::download::journal::Journal::open(Some(&data.join("ontop")));
    assert!(reopened.entries().is_empty(), "it left the journal");
    assert_no_post(&fleet);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_ontop_holding_the_journal_lock_never_stalls_the_keys() {
    let fleet = start_fleet(2, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("ontop")).unwrap();
    // Another ontop (a cron job, say) holds the journal's lock for the whole test.
    let lock = std::fs::File::create(data.join("ontop/jobs.json.lock")).unwrap();
    lock.lock().unwrap();
    let mut s = Session::start_with_data(data.clone(), &[], Some(&config), &[], (120, 40));
    s.wait_text("not_started");
    s.keys("d");
    s.wait_text("Download a package");
    s.keys("\r");
    s.wait_text("Start this download?");
    s.keys("y");
    // The start is sent and its answer waits for the lock on the recorder's thread;
    // the screen answers keys at once meanwhile.
    crate::support::fleet::eventually("the POST", || async {
        let posts = fleet
            .request_log("sim-1")
            .iter()
            .filter(|r| r.method == "POST")
            .count();
        (posts == 1).then_some(())
    })
    .await;
    for _ in 0..3 {
        let asked = std::time::Instant::now();
        s.keys("?");
        s.wait_text("Keys");
        let shown = asked.elapsed();
        s.keys("?");
        s.wait_for("help to close", |t| !t.contains("Keys"));
        assert!(
            shown < std::time::Duration::from_secs(1),
            "a key took {shown:?} with the journal locked elsewhere"
        );
    }
    drop(lock);
    s.wait_for("sim-1 to reach success", |t| {
        row(t, "sim-1").matches("success").count() == 2
    });
    s.keys("q");
    assert!(s.wait_exit().success());
    let journal = std::fs::read_to_string(data.join("ontop/jobs.json")).unwrap();
    assert!(
        !journal.contains("sim-1"),
        "the ended job left the journal: {journal}"
    );
}

#[test]
fn the_demo_runs_without_a_log_when_its_data_dir_cannot_be_made() {
    // XDG_DATA_HOME names a file: no data dir, no log file can be made under it.
    let dir = tempfile::tempdir().unwrap();
    let not_a_dir = dir.path().join("a-file");
    std::fs::write(&not_a_dir, "").unwrap();
    let mut s = Session::start_with_data(
        not_a_dir,
        &["demo", "--clusters", "3"],
        None,
        &[],
        (120, 40),
    );
    s.wait_text("prod-ams-1");
    s.keys("q");
    assert!(s.wait_exit().success());
    s.assert_restored();
    let raw = String::from_utf8_lossy(&s.raw.lock().unwrap()).into_owned();
    assert!(raw.contains("running without a log file"), "it says so");
    assert!(!raw.contains("panicked"));
}

/// The quit question reads the same fact as the JOB column: once both downloads ended
/// (JOB says success), `q` quits at once; with one still running it asks, about one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn q_quits_at_once_after_the_downloads_end_and_asks_about_the_one_still_running() {
    let fleet = start_fleet(3, |_| {}).await;
    let (mut s, _dir) = dashboard(&fleet, &[]).await;
    s.keys(" j ");
    s.wait_text("2 marked");
    s.keys("d");
    s.wait_text("Download a package");
    s.keys("\r");
    s.wait_text("Start this download?");
    s.keys("y");
    s.wait_for("sim-1 and sim-2 to reach success", |t| {
        ["sim-1", "sim-2"]
            .iter()
            .all(|name| row(t, name).matches("success").count() == 2)
    });
    s.wait_text("2 downloads ended: 2 succeeded");
    s.keys("q");
    assert!(s.wait_exit().success(), "no question: nothing is followed");

    // A download that runs for a while: the question names exactly one.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let mut s = Session::start(&[], Some(&config), &[], (120, 40));
    s.wait_for("every cluster to answer", |t| {
        ["sim-1", "sim-2", "sim-3"]
            .iter()
            .all(|n| row(t, n).contains("9.15.1P7"))
    });
    let slow = fleet.package_url_with("ontap-9.16.1P3-image.tgz", 64 << 20, 64 << 10);
    s.keys("jj");
    s.keys("d");
    s.wait_text("Download a package");
    s.keys("\u{15}");
    s.keys(&slow);
    s.keys("\r");
    s.wait_text("Start this download?");
    s.keys("y");
    s.wait_for("sim-3 to run", |t| row(t, "sim-3").contains("running"));
    s.keys("q");
    s.wait_text("1 download is still followed here: sim-3.");
    let screen = s.contents();
    assert!(!screen.contains("2 downloads"), "{screen}");
    s.keys("y");
    assert!(s.wait_exit().success());
}
