//! The CLI in a maintenance window, as an admin met it: every non-zero exit ends with a
//! line that says why, Ctrl-C says what it leaves behind, plans fit a screen and can be
//! tried without sending anything, `packages` names who lacks a release, and a typo in a
//! version gets a did-you-mean. The real binary against the simulator.

use std::time::Duration;

use crate::support::download::{SLOW, Setup, assert_exit, closing_line, posts, text};
use crate::support::fleet::start_fleet;
use ontop_sim::Fault;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_shows_the_plan_with_skips_grouped_and_sends_nothing() {
    let fleet = start_fleet(4, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    setup.make_read_only("sim-1");
    setup.make_read_only("sim-2");
    let out = setup.ontop(&["download", "--all", "--dry-run"]).await;
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("skip 2 clusters (read-only): sim-1, sim-2"),
        "one line for the reason, each name once: {stdout}"
    );
    assert!(stdout.contains("dry run: nothing was sent"), "{stdout}");
    // The targets too, under the URL they would fetch.
    let url = fleet.default_package_url();
    assert!(
        stdout.contains(&format!("start 2 clusters ({url}): sim-3, sim-4")),
        "{stdout}"
    );
    for cluster in ["sim-1", "sim-2", "sim-3", "sim-4"] {
        assert_eq!(posts(&fleet, cluster), 0, "{cluster}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_running_without_wait_is_refused_before_any_cluster_is_asked() {
    let fleet = start_fleet(3, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let out = setup
        .ontop(&["download", "--all", "--yes", "--max-running", "1"])
        .await;
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("add --wait"),
        "{}",
        text(&out.stderr)
    );
    for cluster in ["sim-1", "sim-2", "sim-3"] {
        assert!(
            fleet.request_log(cluster).is_empty(),
            "{cluster} was asked something"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_run_ends_with_one_line_that_says_why() {
    let fleet = start_fleet(3, |_| {}).await;
    fleet.set_fault("sim-3", Fault::Http503);
    let setup = Setup::new(&fleet).await;
    let out = setup.ontop(&["download", "--all", "--yes"]).await;
    assert_exit(&out, 1);
    let last = closing_line(&out);
    assert!(
        last.starts_with("ontop: exit 1: ") && last.contains("1 cluster did not answer (sim-3)"),
        "{}",
        text(&out.stderr)
    );
    let out = setup.ontop(&["status"]).await;
    assert_exit(&out, 1);
    let last = closing_line(&out);
    assert!(
        last.contains("1 of 3 clusters did not answer (sim-3)"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn packages_delete_says_why_it_exits_1_and_suggests_a_version() {
    let fleet = start_fleet(3, |_| {}).await;
    let url = fleet.default_package_url();
    fleet.finish_download("sim-1", &url).unwrap();
    fleet.finish_download("sim-2", &url).unwrap();
    fleet.set_fault("sim-3", Fault::Http503);
    let setup = Setup::new(&fleet).await;
    // A typo: nothing removed, and the fleet's own release suggested.
    let out = setup
        .ontop(&["packages", "delete", "9.16.1", "--all", "--yes"])
        .await;
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("no chosen cluster holds 9.16.1; did you mean 9.16.1P3 (held by 2)?"),
        "{stdout}"
    );
    // The skips fit a screen: one line per reason, each name once.
    assert!(
        stdout.contains("skip 2 clusters (does not hold 9.16.1): sim-1, sim-2"),
        "{stdout}"
    );
    assert_exit(&out, 1);
    // The real one: removed where it was, and the closing line names the silent cluster.
    let out = setup
        .ontop(&["packages", "delete", "9.16.1P3", "--all", "--yes"])
        .await;
    assert_exit(&out, 1);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("sim-1  removed  9.16.1P3"), "{stdout}");
    assert!(stdout.contains("sim-2  removed  9.16.1P3"), "{stdout}");
    let last = closing_line(&out);
    assert!(
        last.starts_with("ontop: exit 1: 1 cluster could not be read (sim-3)"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn packages_names_who_lacks_a_release_and_keeps_read_only_and_newer_apart() {
    let fleet = start_fleet(5, |_| {}).await;
    let url = fleet.default_package_url();
    fleet.finish_download("sim-1", &url).unwrap();
    let setup = Setup::new(&fleet).await;
    setup.make_read_only("sim-2");
    let out = setup.ontop(&["packages"]).await;
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    let row = stdout
        .lines()
        .find(|l| l.starts_with("9.16.1P3"))
        .unwrap_or_else(|| panic!("{stdout}"));
    // Piped: every name, in full; the read-only one is not counted as a target.
    assert!(row.contains("sim-3, sim-4, sim-5"), "{row}");
    assert!(!row.contains("sim-2"), "{row}");
    assert!(
        stdout.contains("9.16.1P3 also lacking, not counted: read-only: sim-2"),
        "{stdout}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&setup.ontop(&["packages", "--json"]).await.stdout).unwrap();
    let release = json["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["version"] == "9.16.1P3")
        .unwrap()
        .clone();
    assert_eq!(release["lacking_read_only"], serde_json::json!(["sim-2"]));
    assert_eq!(
        release["lacking"],
        serde_json::json!(["sim-3", "sim-4", "sim-5"])
    );
}

/// Ctrl-C while `download --wait` follows: what still runs (the journal keeps it), what
/// was never sent (queued), then exit 130.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_wait_says_what_runs_and_what_was_never_sent() {
    let fleet = start_fleet(3, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let url = fleet.package_url_with("ontap-9.16.1P3-image.tgz", 64 * SLOW, SLOW);
    let mut command = crate::support::bin::command(&setup.data_home);
    command
        .args(["download", "--all", "--yes", "--wait", "--max-running", "1"])
        .args(["--url", &url, "--config"])
        .arg(&setup.config)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = command.spawn().unwrap();
    let pid = child.id().unwrap() as i32;
    crate::support::fleet::eventually("the first download to run", || async {
        let state = fleet.download_status("sim-1").map(|(s, _, _)| s);
        (state.as_deref() == Some("running")).then_some(())
    })
    .await;
    // Its start answered and recorded (the journal has it), and the run (a child
    // process) following it: a moment for the answer to reach its tracker.
    crate::support::fleet::eventually("the start recorded", || async {
        (setup.journal().len() == 1).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let out = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("it stops soon after Ctrl-C")
        .unwrap();
    assert_exit(&out, 130);
    let stderr = text(&out.stderr);
    assert!(
        stderr
            .contains("still running: sim-1: they go on in their clusters; the journal keeps them"),
        "{stderr}"
    );
    assert!(
        stderr.contains("never sent (they waited in ontop for a place): sim-2, sim-3"),
        "{stderr}"
    );
    assert!(
        closing_line(&out).starts_with("ontop: interrupted: 1 still running, 2 never sent"),
        "{stderr}"
    );
    assert_eq!((posts(&fleet, "sim-2"), posts(&fleet, "sim-3")), (0, 0));
    assert_eq!(
        setup.journal().len(),
        1,
        "sim-1's job stays for the next ontop"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_warning_is_said_once() {
    let fleet = start_fleet(1, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    // A config warning (a password in the file, readable by the group).
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&setup.config, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = setup.ontop(&["status"]).await;
    let stderr = text(&out.stderr);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert!(!warnings.is_empty(), "the warning is said: {stderr}");
    assert!(
        warnings.iter().all(|l| l.starts_with("ontop: warning: ")),
        "as a sentence, never also as a log line: {stderr}"
    );
    let unique: std::collections::BTreeSet<&&str> = warnings.iter().collect();
    assert_eq!(unique.len(), warnings.len(), "once: {stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_check_says_its_verdict_first_groups_clusters_and_tests_logins() {
    let fleet = start_fleet(4, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    // sim-4 is read-only, with a password of its own, one the cluster refuses.
    let text_of = std::fs::read_to_string(&setup.config).unwrap();
    let line = "name = \"sim-4\"\n";
    let text_of = text_of.replace(
        line,
        &format!("{line}password = \"wrong-one\"\nread_only = true\n"),
    );
    std::fs::write(&setup.config, text_of).unwrap();
    let out = setup.ontop(&["config", "check"]).await;
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    let first = stdout.lines().next().unwrap();
    assert!(
        first.starts_with("ok: ") && first.contains("4 clusters, every credential resolved"),
        "the verdict first: {stdout}"
    );
    assert!(stdout.contains("3 clusters: user admin"), "{stdout}");
    assert!(
        stdout.contains("  sim-1, sim-2, sim-3"),
        "piped: every name: {stdout}"
    );
    assert!(
        stdout.lines().count() < 12,
        "a screen, not the whole config: {stdout}"
    );
    assert!(!stdout.contains("wrong-one"), "no password printed");
    let full = text(&setup.ontop(&["config", "check", "--full"]).await.stdout);
    assert!(full.contains("[[cluster]]"), "{full}");

    let out = setup.ontop(&["config", "check", "--login"]).await;
    assert_exit(&out, 1);
    let stdout = text(&out.stdout);
    let row = |name: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        row("sim-1").contains(" ok ") && row("sim-1").contains("ONTAP 9.15.1P7"),
        "{stdout}"
    );
    assert!(row("sim-4").contains("REFUSED"), "{stdout}");
    // Piped, the detail is whole; what to do names what was sent (this command shows
    // where each password comes from: it does not send the admin back to itself).
    assert!(
        row("sim-4").ends_with("the cluster refused the username or password"),
        "{stdout}"
    );
    let advice = row("sim-4:");
    assert!(
        advice.contains(
            "refused user \"admin\" (password source: password (plain, in the config)); \
             what to do: check that password"
        ) && advice.contains("security login show -user-or-group-name \"admin\""),
        "{stdout}"
    );
    assert!(!stdout.contains("(ontop config check)"), "{stdout}");
    assert!(
        closing_line(&out).contains("1 of 4 clusters refused the login (sim-4)"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(fleet.failed_logins("sim-4"), 1, "one try, once");
    assert!(
        fleet.request_log("sim-1").iter().all(|r| r.method == "GET"),
        "a check sends nothing but GETs"
    );
}

/// Ctrl-C while `ontop status` waits on a hung cluster: it names who had not answered,
/// says nothing was changed, and exits 130 instead of paying the whole timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_status_names_who_had_not_answered() {
    let fleet = start_fleet(3, |_| {}).await;
    fleet.set_fault("sim-2", Fault::Hang);
    let setup = Setup::new(&fleet).await;
    let mut command = crate::support::bin::command(&setup.data_home);
    command
        .args(["status", "--config"])
        .arg(&setup.config)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = command.spawn().unwrap();
    let pid = child.id().unwrap() as i32;
    crate::support::fleet::eventually("the answering clusters to be asked", || async {
        let asked = ["sim-1", "sim-3"].iter().all(|name| {
            fleet
                .request_log(name)
                .iter()
                .any(|r| r.path.contains("download"))
        });
        asked.then_some(())
    })
    .await;
    // Their answers read by the run (a child process); the hung one still awaited.
    tokio::time::sleep(Duration::from_millis(500)).await;
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let out = tokio::time::timeout(Duration::from_secs(10), child.wait_with_output())
        .await
        .expect("it stops at Ctrl-C, not at the hung cluster's timeout")
        .unwrap();
    assert_exit(&out, 130);
    assert_eq!(
        closing_line(&out),
        "ontop: interrupted: 1 of 3 clusters had not answered (sim-2); nothing was changed"
    );
}

/// Without a password source ontop asks at start on a terminal: `config check` says so
/// and is content (it sends nothing, so asks nothing); `--login` with no terminal to
/// ask on names the cluster that has no usable password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_check_takes_a_password_asked_at_start_and_login_needs_one() {
    let fleet = start_fleet(1, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let config = std::fs::read_to_string(&setup.config).unwrap();
    let config: String = (config.lines())
        .filter(|l| !l.starts_with("password"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&setup.config, config).unwrap();
    let out = setup.ontop(&["config", "check"]).await;
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("every password asked for at start (no password source)"),
        "{stdout}"
    );
    let out = setup.ontop(&["config", "check", "--login"]).await;
    assert_exit(&out, 2);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("1 cluster has no usable password: sim-1"),
        "{stderr}"
    );
}
