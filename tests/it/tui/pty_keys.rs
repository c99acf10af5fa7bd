//! Keys as k9s and htop users' fingers expect them, in the real binary: `q` closes help
//! and details and quits only from the table, asking first while a download is followed;
//! unknown keys point to `?`; `d` says how many marked clusters the filter hides; the
//! download form edits like a line editor and takes a bracketed paste.

use crate::support::fleet::start_fleet;
use crate::support::pty::{Session, fleet_config, keys, row};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn q_closes_panes_hidden_marks_are_counted_and_quitting_asks_while_following() {
    // A slow package server: the download started here is still running at the end.
    let fleet = start_fleet(2, |o| o.bandwidth = 2048).await;
    let dir = tempfile::tempdir().unwrap();
    let config = fleet_config(&fleet, dir.path(), |t| t).await;
    let mut s = Session::start(&[], Some(&config), &[], (120, 40));
    s.wait_for("both rows", |t| t.matches("not_started").count() == 2);

    s.keys("?");
    s.wait_text("Keys");
    s.keys("q");
    s.wait_for("help to close, not the program", |t| {
        !t.contains("Keys") && t.contains("sim-2")
    });
    s.keys("\r");
    s.wait_text(&fleet.clusters()[0].url);
    s.keys("q");
    s.wait_for("details to close", |t| {
        !t.contains(&fleet.clusters()[0].url) && t.contains("sim-2")
    });
    s.keys("x");
    s.wait_text("x does nothing here: ? for help");

    // Two marked, one shown: the form and the confirmation say one is hidden.
    s.keys(" ");
    s.keys("j");
    s.keys(" ");
    s.wait_text("2 marked");
    s.keys("/sim-1\r");
    s.wait_text("1 of 2 shown");
    s.keys("d");
    s.wait_text("1 of these clusters are hidden by the filter.");
    s.keys(keys::ESC);
    s.wait_text("download cancelled");
    s.keys(keys::ESC);
    s.wait_for("the filter to clear", |t| !t.contains("1 of 2 shown"));
    s.keys("A");
    s.wait_for("the marks to clear", |t| !t.contains("marked"));

    let url = fleet.default_package_url();
    edit_the_url_in_the_form(&mut s, &url);
    s.keys("\r");
    s.wait_text("Start this download?");
    let dialog = s.contents();
    assert!(
        dialog
            .lines()
            .any(|l| l.contains("package") && l.contains(&url)),
        "{dialog}"
    );
    s.keys("y");
    s.wait_for("sim-1 to run", |t| row(t, "sim-1").contains("running"));

    s.keys("q");
    s.wait_text("Quit ontop?");
    s.wait_text("1 download is still followed here: sim-1.");
    s.wait_text("Quitting does not stop it: it goes on in its cluster.");
    s.keys("n");
    s.wait_text("still here");
    assert!(row(&s.contents(), "sim-1").contains("running"));
    s.keys("q");
    s.wait_text("Quit ontop?");
    s.keys("y");
    assert!(s.wait_exit().success());
    s.assert_restored();
}

/// Empties the prefilled URL, pastes it back (with whitespace and a stray character),
/// and repairs it with every line-editing key, checking the field after each.
fn edit_the_url_in_the_form(s: &mut Session, url: &str) {
    s.keys("d");
    s.wait_text("Download a package");
    s.wait_text(url);
    s.keys(keys::CTRL_U);
    s.wait_for("the field to empty", |t| !t.contains(url));
    s.keys(&keys::paste(&format!("  {url}x \n")));
    s.wait_text(&format!("{url}x"));
    assert!(
        s.contents().contains("Download a package"),
        "Enter in a paste submits nothing"
    );
    s.keys(keys::END);
    s.keys(keys::BACKSPACE);
    s.wait_for("the x to go", |t| {
        t.contains(url) && !t.contains(&format!("{url}x"))
    });
    let with_x = format!("{}X{}", &url[..4], &url[4..]);
    s.keys(keys::HOME);
    s.keys(&keys::RIGHT.repeat(4));
    s.keys("X");
    s.wait_text(&with_x);
    s.keys(keys::LEFT);
    s.keys(keys::DELETE);
    s.wait_for("the X to go", |t| t.contains(url) && !t.contains(&with_x));
    let (folder, file) = url.rsplit_once('/').unwrap();
    s.keys(keys::END);
    s.keys(keys::CTRL_W);
    s.wait_for("the file name to go", |t| {
        t.contains(&format!("{folder}/")) && !t.contains(file)
    });
    s.keys(file);
    s.wait_text(url);
}
