//! A refused login in the real dashboard: the cluster's polls stop (the simulator counts
//! no further refused logins while paused), `p` takes a password without echo and polls
//! resume; `r` reads a password file again and never retries the refused password.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::fleet::start_fleet;
use crate::support::pty::{Session, fleet_config, keys, row};

/// A config whose clusters read their password from a file holding `password`.
async fn with_password_file(
    fleet: &ontop_sim::SimFleet,
    dir: &Path,
    password: &str,
) -> (PathBuf, PathBuf) {
    let file = dir.join("ontap-password");
    write_password(&file, password);
    let source = format!("password_file = {:?}", file.display().to_string());
    let real = format!("password = {:?}", fleet.password());
    let config = fleet_config(fleet, dir, |text| text.replace(&real, &source)).await;
    (config, file)
}

fn write_password(file: &Path, password: &str) {
    std::fs::write(file, format!("{password}\n")).unwrap();
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600)).unwrap();
}

fn refused(fleet: &ontop_sim::SimFleet) -> Vec<u64> {
    fleet
        .clusters()
        .iter()
        .map(|c| fleet.failed_logins(&c.name))
        .collect()
}

fn requests(fleet: &ontop_sim::SimFleet) -> Vec<usize> {
    fleet
        .clusters()
        .iter()
        .map(|c| fleet.request_log(&c.name).len())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_login_pauses_polls_until_the_password_is_typed_with_p() {
    let fleet = start_fleet(2, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let (config, _) = with_password_file(&fleet, dir.path(), "a-wrong-password").await;
    let mut s = Session::start(&[], Some(&config), &[], (120, 40));
    s.wait_for("both rows to pause", |t| {
        row(t, "sim-1").contains("PAUSED") && row(t, "sim-2").contains("PAUSED")
    });
    let screen = s.contents();
    assert!(screen.contains("2 paused"), "{screen}");
    assert!(
        row(&screen, "sim-1").contains("login refused: r or p"),
        "{screen}"
    );
    assert_eq!(refused(&fleet), [1, 1], "one refused login each");

    // Four poll intervals of the real dashboard (a child process) pass: nothing reaches
    // the clusters. (The engine's rule is paused in `timing.rs`.)
    let before = requests(&fleet);
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(requests(&fleet), before, "no request while paused");
    assert_eq!(refused(&fleet), [1, 1]);

    // The refused password typed again is not sent again.
    s.keys("p");
    s.wait_text("Password for admin");
    s.keys("a-wrong-password\r");
    s.wait_text("refused before, not sent: type it again to send anyway");
    assert_eq!(refused(&fleet), [1, 1]);

    s.keys("p");
    s.wait_text("Password for admin");
    let dialog = s.contents();
    assert!(
        dialog.contains("sim-1 refused the login of admin"),
        "{dialog}"
    );
    assert!(
        dialog.contains("[ ] also for sim-2 paused for admin (Tab)"),
        "{dialog}"
    );
    s.keys("\t");
    s.wait_text("[x] also for sim-2");
    // Typed without echo: a stray character is typed and taken back at the cursor.
    s.keys(&format!("x{}", fleet.password()));
    s.keys(keys::HOME);
    s.keys(keys::DELETE);
    s.wait_text(&"•".repeat(fleet.password().len()));
    assert!(!s.contents().contains(fleet.password()));
    s.keys("\r");
    s.wait_for("both rows to answer again", |t| {
        ["sim-1", "sim-2"]
            .iter()
            .all(|n| row(t, n).contains("not_started") && row(t, n).contains(" ok"))
    });
    assert!(!s.contents().contains("paused"));
    assert_eq!(refused(&fleet), [1, 1], "the typed password was right");
    let raw = String::from_utf8_lossy(&s.raw.lock().unwrap()).into_owned();
    assert!(!raw.contains(fleet.password()), "never drawn");
    s.keys("q");
    assert!(s.wait_exit().success());
    s.assert_restored();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_reads_the_password_file_again_and_never_retries_the_refused_one() {
    let fleet = start_fleet(1, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let (config, file) = with_password_file(&fleet, dir.path(), "the-old-password").await;
    let mut s = Session::start(&[], Some(&config), &[], (120, 40));
    s.wait_for("the row to pause", |t| row(t, "sim-1").contains("PAUSED"));

    // The file still holds the refused password: `r` reads it and sends nothing.
    s.keys("r");
    s.wait_text("sim-1: reading password_file");
    s.keys("\r");
    s.wait_text("gives a password the cluster refused before");
    assert_eq!(refused(&fleet), [1]);

    // Typed by hand, the same refused password is not sent either.
    s.keys(keys::ESC);
    s.wait_for("details to close", |t| t.contains("CLUSTER"));
    s.keys("p");
    s.wait_text("Password for admin");
    s.keys("the-old-password\r");
    s.wait_text("refused before, not sent");
    assert_eq!(refused(&fleet), [1]);
    s.keys("\r");
    s.wait_text("refused before, not sent: type it again");

    // The password is rotated in the file: `r` (here from details) resumes the polls.
    write_password(&file, fleet.password());
    s.keys("r");
    s.wait_text("login accepted: polling again");
    s.keys(keys::ESC);
    s.wait_for("the row to answer", |t| row(t, "sim-1").contains(" ok"));
    assert_eq!(refused(&fleet), [1]);
    s.keys("q");
    assert!(s.wait_exit().success());
}
