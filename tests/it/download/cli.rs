//! `ontop download` end to end: starting, following, conflicts and exit codes, the real
//! binary against a simulated fleet (each run with its own data dir, no terminal, `--yes`).

use std::time::Duration;

use crate::support::download::*;
use crate::support::fleet::start_fleet;
use ontop_sim::Fault;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clusters_with_wait_both_succeed_audited_and_journal_emptied() {
    let fleet = start_fleet(2, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let url = fleet.default_package_url();
    let stdout = setup
        .waited(&["download", "--all", "--yes", "--url", &url])
        .await;
    for name in names(&fleet) {
        let lines = line_of(&stdout, &name);
        assert!(
            lines
                .iter()
                .any(|l| l.contains("started") && l.contains("job ")),
            "{stdout}"
        );
        assert!(lines.iter().any(|l| l.contains("success")), "{stdout}");
        // The start was answered: its line never says "starting" after that.
        let said: Vec<&str> = stdout.lines().filter(|l| l.starts_with(&name)).collect();
        let answered = said.iter().position(|l| l.contains("started")).unwrap();
        assert!(
            !said[answered..].iter().any(|l| l.contains("starting")),
            "{stdout}"
        );
        assert_eq!(posts(&fleet, &name), 1);
    }
    let audit = setup.audit();
    assert_eq!(
        audit.len(),
        6,
        "an attempt, a start and an end each: {audit:?}"
    );
    for name in names(&fleet) {
        let of = |event: &str| {
            audit
                .iter()
                .find(|l| l["cluster"] == name.as_str() && l["event"] == event)
                .unwrap_or_else(|| panic!("no {event} line for {name}: {audit:?}"))
        };
        let (attempt, start, end) = (of("attempt"), of("start"), of("end"));
        assert_eq!(attempt["result"], "requested");
        assert!(
            attempt["time"].as_str() <= start["time"].as_str(),
            "the attempt comes first"
        );
        assert_eq!(start["result"], "started");
        assert_eq!(end["result"], "success");
        assert_eq!(start["job"], end["job"]);
        assert_eq!(end["url"], url.as_str());
    }
    assert!(setup.journal().is_empty(), "{:?}", setup.journal());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_wait_the_job_uuids_are_printed_and_journaled() {
    let fleet = start_fleet(2, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let all = names(&fleet);
    // No --url: the config's [download] url.
    let out = setup
        .ontop(&[
            "download",
            "--cluster",
            &all[0],
            "--cluster",
            &all[1],
            "--yes",
        ])
        .await;
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    let journal = setup.journal();
    assert_eq!(journal.len(), 2, "{journal:?}");
    for entry in &journal {
        let job = entry["job"].as_str().unwrap();
        let cluster = entry["cluster"].as_str().unwrap();
        assert_eq!(job.len(), 36, "a uuid: {job}");
        let lines = line_of(&stdout, cluster);
        assert!(lines.iter().any(|l| l.contains(job)), "{stdout}");
        assert_eq!(entry["url"], fleet.default_package_url().as_str());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_already_downloading_gets_no_post_and_is_followed() {
    let fleet = start_fleet(2, |_| {}).await;
    let all = names(&fleet);
    let busy = fleet.package_url_with("other-image.tgz", 256 * 1024, SLOW);
    fleet.start_download(&all[0], &busy).unwrap();
    let setup = Setup::new(&fleet).await;
    let stdout = setup.waited(&["download", "--all", "--yes"]).await;
    assert!(
        stdout.contains(&format!("follow {}: already downloading", all[0])),
        "{stdout}"
    );
    assert!(
        line_of(&stdout, &all[0])
            .iter()
            .any(|l| l.contains("attached")),
        "{stdout}"
    );
    assert!(
        line_of(&stdout, &all[0])
            .iter()
            .any(|l| l.contains("success")),
        "{stdout}"
    );
    assert_eq!(
        posts(&fleet, &all[0]),
        0,
        "no second request to a busy cluster"
    );
    assert_eq!(posts(&fleet, &all[1]), 1);
    assert!(
        stdout.contains("a download was running: following it"),
        "{stdout}"
    );
    // Without --wait nothing follows it once ontop exits, and the line says so.
    fleet.start_download(&all[1], &busy).unwrap();
    let out = setup
        .ontop(&["download", "--cluster", &all[1], "--yes"])
        .await;
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("following it"), "{stdout}");
    assert!(stdout.contains("--wait follows it"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_package_twice_is_already_present_and_a_success() {
    let fleet = start_fleet(1, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let mut args = vec!["download", "--all", "--yes"];
    args.extend(WAIT);
    assert_exit(&setup.ontop(&args).await, 0);

    // Asked again, ontop sees the package in the repository and sends nothing.
    let out = setup.ontop(&args).await;
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("already holds 9.16.1P3"), "{stdout}");
    // With --force it is sent, and the cluster's "already present" is a success too.
    let mut forced = args.clone();
    forced.push("--force");
    for wait in [true, false] {
        let args: Vec<&str> = if wait {
            forced.clone()
        } else {
            forced
                .iter()
                .copied()
                .filter(|a| !WAIT.contains(a))
                .collect()
        };
        let out = setup.ontop(&args).await;
        assert_exit(&out, 0);
        let stdout = text(&out.stdout);
        assert!(stdout.contains("already present"), "{stdout}");
    }
    let last = setup.audit().pop().unwrap();
    assert_eq!(last["result"], "already_present");
    assert!(setup.journal().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_package_exits_1_naming_the_cluster_code_and_hint() {
    let fleet = start_fleet(2, |_| {}).await;
    let all = names(&fleet);
    let setup = Setup::new(&fleet).await;
    let url = fleet.missing_package_url("nope.tgz");
    let mut args = vec!["download", "--cluster", &all[1], "--yes", "--url", &url];
    args.extend(WAIT);
    let out = setup.ontop(&args).await;
    assert_exit(&out, 1);
    let stderr = text(&out.stderr);
    let failure = stderr
        .lines()
        .find(|l| l.contains(&all[1]) && l.contains("10551885"))
        .unwrap_or_else(|| panic!("no failure line: {stderr}"));
    assert!(failure.contains("what to do:"), "{failure}");
    assert!(
        line_of(&text(&out.stdout), &all[1])
            .iter()
            .any(|l| l.contains("failure"))
    );
    let end = setup.audit().pop().unwrap();
    assert_eq!(
        (end["event"].as_str(), end["code"].as_i64()),
        (Some("end"), Some(10551885))
    );
    assert!(
        setup.journal().is_empty(),
        "an ended download leaves the journal"
    );
    assert_eq!(posts(&fleet, &all[0]), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_not_answering_is_skipped_and_exits_1() {
    let fleet = start_fleet(2, |_| {}).await;
    let all = names(&fleet);
    fleet.set_fault(&all[0], Fault::Http503);
    let setup = Setup::new(&fleet).await;
    let out = setup.ontop(&["download", "--all", "--yes"]).await;
    assert_exit(&out, 1);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!("skip {}: not answering", all[0])),
        "{stdout}"
    );
    assert_eq!(posts(&fleet, &all[0]), 0);
    assert_eq!(posts(&fleet, &all[1]), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_clusters_all_start_in_one_run() {
    let fleet = start_fleet(10, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let out = setup.ontop(&["download", "--all", "--yes"]).await;
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout.lines().filter(|l| l.contains(" started ")).count(),
        10,
        "{stdout}"
    );
    for name in names(&fleet) {
        assert_eq!(posts(&fleet, &name), 1, "{name}");
    }
    assert_eq!(setup.journal().len(), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_job_falls_back_to_the_download_status() {
    let fleet = start_fleet(1, |o| o.job_expiry = Duration::from_millis(1)).await;
    let setup = Setup::new(&fleet).await;
    let name = &names(&fleet)[0];
    let slow = fleet.package_url_with("slow.tgz", 128 * 1024, SLOW);
    let args = ["download", "--all", "--yes", "--url", &slow, "--wait"];
    let out = setup.ontop(&args).await;
    assert_exit(&out, 0);
    assert!(
        line_of(&text(&out.stdout), name)
            .iter()
            .any(|l| l.contains("success"))
    );
    let log = fleet.request_log(name);
    let status_gets = log
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/api/cluster/software/download"))
        .count();
    // One from the sweep before starting; the rest from following after the job expired.
    assert!(
        status_gets >= 2,
        "no fallback to the download status: {log:?}"
    );
    assert!(setup.journal().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_with_a_timeout_stops_following_and_leaves_the_job_to_the_journal() {
    let fleet = start_fleet(1, |_| {}).await;
    let all = names(&fleet);
    let setup = Setup::new(&fleet).await;
    // A package that takes about a minute: far longer than the timeout.
    let url = fleet.package_url_with("ontap-9.16.1P3-image.tgz", 64 * 1024 * 1024, 1024 * 1024);
    let mut args = vec!["download", "--cluster", &all[0], "--yes", "--url", &url];
    args.extend(WAIT);
    args.extend(["--timeout", "1s"]);
    let out = setup.ontop(&args).await;
    assert_exit(&out, 1);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--timeout") && stderr.contains("may still run"),
        "{stderr}"
    );
    let journal = std::fs::read_to_string(setup.data_dir().join("jobs.json")).unwrap();
    assert!(
        journal.contains(&all[0]),
        "the dashboard can pick it up: {journal}"
    );

    let bad = setup
        .ontop(&[
            "download",
            "--cluster",
            &all[0],
            "--yes",
            "--url",
            &url,
            "--wait",
            "--timeout",
            "soon",
        ])
        .await;
    assert_exit(&bad, 2);
    assert!(text(&bad.stderr).contains("--timeout"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_starts_on_one_cluster_leave_one_journal_entry_the_newest() {
    let fleet = start_fleet(1, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let name = names(&fleet)[0].clone();
    let mut jobs = Vec::new();
    for file in ["first-image.tgz", "second-image.tgz"] {
        let url = fleet.package_url(file);
        let out = setup
            .ontop(&["download", "--cluster", &name, "--url", &url, "--yes"])
            .await;
        assert_exit(&out, 0);
        jobs.push(setup.journal()[0]["job"].as_str().unwrap().to_string());
        // Not --wait: let the cluster finish before the next start.
        crate::support::fleet::eventually("the download to end", || async {
            let (state, _, _) = fleet.download_status(&name)?;
            (state == "success").then_some(())
        })
        .await;
    }
    let journal = setup.journal();
    assert_eq!(journal.len(), 1, "one entry per cluster: {journal:?}");
    assert_eq!(journal[0]["job"], jobs[1].as_str(), "the newest start wins");
    assert_ne!(jobs[0], jobs[1]);
}
