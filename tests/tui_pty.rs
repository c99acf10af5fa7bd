//! The real binary in a pseudo-terminal, read back through a terminal emulator: what a
//! user on a jump host would see and type. Downloads started from the screen go to the
//! simulator on loopback; what reaches it is checked in its request log.

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::start_fleet;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_ontop");

/// A running `ontop` in a pseudo-terminal.
struct Session {
    screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    /// Everything the program wrote, to check the terminal was restored.
    raw: Arc<Mutex<Vec<u8>>>,
    /// `XDG_DATA_HOME` of the run: the audit log and the journal are under `ontop/`.
    data: PathBuf,
    /// Set when the reader has seen the end of the output: everything is on `screen`.
    drained: Arc<AtomicBool>,
}

impl Session {
    fn start(args: &[&str], config: Option<&Path>, env: &[(&str, &str)], size: (u16, u16)) -> Self {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: size.1,
                cols: size.0,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        if let Some(config) = config {
            cmd.arg("--config");
            cmd.arg(config);
        }
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        let data = tempfile::tempdir().unwrap().keep();
        cmd.env("XDG_DATA_HOME", &data);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).expect("ontop starts");
        drop(pty.slave);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(size.1, size.0, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pty.master.try_clone_reader().unwrap();
        let drained = Arc::new(AtomicBool::new(false));
        let (s, r, d) = (screen.clone(), raw.clone(), drained.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
            d.store(true, Ordering::SeqCst);
        });
        let writer = pty.master.take_writer().unwrap();
        // Keep the master open for the session's life.
        std::mem::forget(pty.master);
        Self {
            screen,
            writer,
            child,
            raw,
            data,
            drained,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen satisfies `check` (bounded, not a timing claim).
    fn wait_for(&self, what: &str, check: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = self.contents();
            if check(&text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "gave up waiting for {what}; screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_text(&self, text: &str) {
        self.wait_for(text, |s| s.contains(text));
    }

    fn keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            // The last bytes (leaving the alternate screen) may still be on their way
            // to the reader when the child is gone: wait for the end of the output too.
            if let Some(status) = self.child.try_wait().unwrap()
                && self.drained.load(Ordering::SeqCst)
            {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "ontop did not exit; screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The terminal is back to normal: main screen, cursor shown, raw mode left.
    fn assert_restored(&self) {
        let parser = self.screen.lock().unwrap();
        assert!(
            !parser.screen().alternate_screen(),
            "still on the alternate screen"
        );
        assert!(!parser.screen().hide_cursor(), "the cursor is still hidden");
        let raw = self.raw.lock().unwrap();
        let text = String::from_utf8_lossy(&raw);
        assert!(
            text.contains("\u{1b}[?1049h"),
            "never entered the alternate screen"
        );
        assert!(
            text.contains("\u{1b}[?1049l"),
            "never left the alternate screen"
        );
        assert!(
            !text.contains("\u{1b}[?1000h"),
            "mouse capture must stay off"
        );
    }
}

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
    let mut s = Session::start(&[], Some(&config), &[], (60, 20));
    s.wait_text("too small");
    s.keys("q");
    assert!(s.wait_exit().success());
    s.assert_restored();
}

/// Starts `ontop` with `args` on a config written for `fleet`, at 120x40, and waits
/// until every cluster answered (a cluster with no answer yet would be skipped).
async fn dashboard(fleet: &ontop::sim::SimFleet, args: &[&str]) -> (Session, tempfile::TempDir) {
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
fn assert_no_post(fleet: &ontop::sim::SimFleet) {
    for cluster in fleet.clusters() {
        let posts: Vec<_> = fleet
            .request_log(&cluster.name)
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect();
        assert!(posts.is_empty(), "{}: {posts:?}", cluster.name);
    }
}

/// The row of `name` on screen.
fn row<'a>(screen: &'a str, name: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(&format!("{name} ")))
        .unwrap_or("")
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
    assert_eq!(lines.len(), 4, "{audit}");
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
