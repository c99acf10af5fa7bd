//! The real binary in a pseudo-terminal, read back through a terminal emulator: what a
//! user on a jump host would see and type.

mod common;

use std::io::{Read, Write};
use std::path::Path;
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
        let (s, r) = (screen.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let writer = pty.master.take_writer().unwrap();
        // Keep the master open for the session's life.
        std::mem::forget(pty.master);
        Self {
            screen,
            writer,
            child,
            raw,
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
            if let Some(status) = self.child.try_wait().unwrap() {
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
