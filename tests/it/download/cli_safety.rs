//! `ontop download` must not start what it may not, and must not leak the package
//! server's password: read-only, usage errors (nothing sent), and secrecy, end to end.

use crate::support::download::*;
use crate::support::fleet::start_fleet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_session_exits_2_and_nothing_reaches_the_fleet() {
    let fleet = start_fleet(2, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let out = setup
        .ontop(&["download", "--read-only", "--all", "--yes"])
        .await;
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("read-only"),
        "{}",
        text(&out.stderr)
    );
    for name in names(&fleet) {
        assert!(
            fleet.request_log(&name).is_empty(),
            "{:?}",
            fleet.request_log(&name)
        );
    }
    assert!(setup.audit().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_cluster_is_skipped_and_gets_no_post() {
    let fleet = start_fleet(2, |_| {}).await;
    let all = names(&fleet);
    let setup = Setup::new(&fleet).await;
    setup.make_read_only(&all[0]);
    let stdout = setup.waited(&["download", "--all", "--yes"]).await;
    assert!(
        stdout.contains(&format!("skip {}: read-only", all[0])),
        "{stdout}"
    );
    assert_eq!(posts(&fleet, &all[0]), 0);
    assert_eq!(posts(&fleet, &all[1]), 1);

    // Only that cluster chosen: refused up front, exit 2.
    let out = setup
        .ontop(&["download", "--cluster", &all[0], "--yes"])
        .await;
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("read_only = true"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(posts(&fleet, &all[0]), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2_and_send_nothing() {
    let fleet = start_fleet(2, |_| {}).await;
    let all = names(&fleet);
    let setup = Setup::new(&fleet).await;
    let typo = format!("{}x", all[0]);
    let cases: [(&[&str], &str); 7] = [
        (
            &["download", "--all", "--yes", "--url", "gopher://x/p.tgz"],
            "unsupported scheme",
        ),
        (
            &["download", "--all", "--yes", "--url", "not-a-url"],
            "not a valid URL",
        ),
        (
            &[
                "download",
                "--all",
                "--yes",
                "--url",
                "https://repo/a b.tgz",
            ],
            "holds a space",
        ),
        (&["download", "--cluster", &typo, "--yes"], "did you mean"),
        (
            &["download", "--all"],
            "use --yes to confirm without a terminal",
        ),
        (&["download", "--yes"], "--cluster"),
        (
            &[
                "download",
                "--all",
                "--yes",
                "--username",
                "u",
                "--password-env",
                "NO_SUCH_PW_VAR",
            ],
            "NO_SUCH_PW_VAR",
        ),
    ];
    for (args, said) in cases {
        let out = setup.ontop(args).await;
        assert_exit(&out, 2);
        let stderr = text(&out.stderr);
        assert!(stderr.contains(said), "{args:?}: {stderr}");
    }
    for name in &all {
        assert_eq!(posts(&fleet, name), 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_package_server_password_is_nowhere_in_output_or_files() {
    const SECRET: &str = "pkg-pw-7d1f0c9e-unique";
    let fleet = start_fleet(2, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let all = names(&fleet);
    let missing = fleet.missing_package_url("gone.tgz");
    let env = [("PKG_PW", SECRET)];
    let mut ok = vec![
        "download",
        "--cluster",
        &all[0],
        "--yes",
        "--username",
        "fetch",
    ];
    ok.extend(["--password-env", "PKG_PW"]);
    ok.extend(WAIT);
    let mut failing = ok.clone();
    failing[2] = &all[1];
    failing.extend(["--url", &missing]);
    let mut outputs = vec![
        setup.ontop_env(&ok, &env).await,
        setup.ontop_env(&failing, &env).await,
    ];
    assert_exit(&outputs[0], 0);
    assert_exit(&outputs[1], 1);
    // Without --wait the job stays in the journal: check that file too.
    let mut started = ok[..8].to_vec();
    // A URL with a password in it too: shown and written masked, never as typed.
    let third = fleet
        .package_url("third.tgz")
        .replace("http://", &format!("http://fetch:{SECRET}@"));
    started.extend(["--url", &third]);
    outputs.push(setup.ontop_env(&started, &env).await);
    assert_exit(&outputs[2], 0);
    assert_eq!(setup.journal().len(), 1);

    for out in &outputs {
        assert!(!text(&out.stdout).contains(SECRET) && !text(&out.stderr).contains(SECRET));
    }
    let files = files_under(&setup.data_home);
    assert!(files.len() >= 2, "audit log and journal: {files:?}");
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !text(&bytes).contains(SECRET),
            "{} holds the password",
            file.display()
        );
    }
    let audit = setup.audit();
    assert!(
        audit.iter().all(|l| l["server_username"] == "fetch"),
        "{audit:?}"
    );
}

/// A cluster that refuses the login is skipped as a refused login, never as one that
/// does not answer, in a dry run and a real one alike, and the exit is 1 with the closing
/// line saying so: the fix is the password, not the network.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_login_is_skipped_as_such_and_the_exit_says_so() {
    let fleet = start_fleet(2, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let config = std::fs::read_to_string(&setup.config).unwrap();
    let line = "name = \"sim-2\"\n";
    let config = config.replace(line, &format!("{line}password = \"wrong-one\"\n"));
    std::fs::write(&setup.config, config).unwrap();
    for dry in [true, false] {
        let args = ["download", "--all", if dry { "--dry-run" } else { "--yes" }];
        let out = setup.ontop(&args).await;
        assert_exit(&out, 1);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert!(
            stdout.contains("skip sim-2: the login was refused"),
            "dry run {dry}: {stdout}"
        );
        assert!(!stdout.contains("not answering"), "dry run {dry}: {stdout}");
        assert!(
            closing_line(&out).contains("1 cluster refused the login (sim-2)"),
            "dry run {dry}: {stderr}"
        );
    }
    assert_eq!(posts(&fleet, "sim-2"), 0, "nothing sent to it");
}
