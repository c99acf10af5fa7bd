//! The real binary: `ontop serve` says where it listens (and warns off loopback), logs
//! to stderr, and stops cleanly on SIGTERM.

use std::time::Duration;

use crate::support::bin::{Served, command, serve, terminate};
use crate::support::fleet::start_fleet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_warns_off_loopback_and_stops_cleanly_on_sigterm() {
    let fleet = start_fleet(2, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let Served { mut child, log, .. } =
        serve(command(&dir.path().join("data")), "0.0.0.0:0", &config).await;
    let said = log.text();
    // Said once, as the service's log line (its stderr is its log).
    assert!(
        said.lines()
            .any(|l| l.contains(" WARN ") && l.contains("listening on 0.0.0.0:")),
        "{said}"
    );
    assert!(!said.contains("ontop: warning:"), "not twice: {said}");
    assert!(
        said.contains("with no login: anyone on the network reads the fleet's state"),
        "{said}"
    );
    assert!(
        said.contains("2 clusters, listening on http://0.0.0.0:"),
        "{said}"
    );
    assert!(
        !said.contains('\x1b'),
        "no colour codes when stderr is not a terminal: {said}"
    );

    let (_, code) = terminate(&mut child, Duration::from_secs(20)).await;
    assert_eq!(code, Some(0), "a clean stop: {said}");
    let rest = log.all().await;
    let rest = rest.strip_prefix(said.as_str()).unwrap_or(&rest);
    assert!(rest.contains("stopping"), "{rest}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hang_up_stops_serve_cleanly_unless_it_was_started_to_ignore_it() {
    let fleet = start_fleet(1, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let hang_up = |child: &tokio::process::Child| {
        let pid = child.id().expect("running") as i32;
        // SAFETY: sending a signal to our own child process.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGHUP) }, 0);
    };

    // Started with SIGHUP set to `disposition`, whatever this test inherited (a run under
    // nohup ignores it).
    let with_hangup = |disposition: libc::sighandler_t| {
        let mut command = command(&dir.path().join("data"));
        // SAFETY: between fork and exec, only setting a signal's disposition.
        unsafe {
            command.pre_exec(move || {
                libc::signal(libc::SIGHUP, disposition);
                Ok(())
            });
        }
        command
    };

    // As `nohup ontop serve &` starts it: the hang-up of the session that started it is
    // not a request to stop.
    let Served { mut child, .. } = serve(with_hangup(libc::SIG_IGN), "127.0.0.1:0", &config).await;
    hang_up(&child);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "stopped by an ignored SIGHUP"
    );
    let (_, code) = terminate(&mut child, Duration::from_secs(20)).await;
    assert_eq!(code, Some(0));

    // Otherwise a hang-up stops it like SIGTERM: cleanly.
    let Served { mut child, log, .. } =
        serve(with_hangup(libc::SIG_DFL), "127.0.0.1:0", &config).await;
    hang_up(&child);
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait()).await;
    let status = status
        .expect("ontop serve still runs 20 s after SIGHUP")
        .unwrap();
    assert_eq!(status.code(), Some(0), "{}", log.all().await);
    assert!(log.all().await.contains("stopping"));
}
