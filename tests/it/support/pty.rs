//! The real binary in a pseudo-terminal, read back through a terminal emulator
//! (`vt100`): what a user on a jump host would see, and the keys they would type.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

use super::bin::BIN;

/// A running `ontop` in a pseudo-terminal.
pub(crate) struct Session {
    screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    /// Everything the program wrote, to check the terminal was restored.
    pub raw: Arc<Mutex<Vec<u8>>>,
    /// `XDG_DATA_HOME` of the run: the audit log and the journal are under `ontop/`.
    pub data: PathBuf,
    /// Set when the reader has seen the end of the output: everything is on `screen`.
    drained: Arc<AtomicBool>,
}

impl Session {
    /// Starts `ontop args [--config config]` at `size` (columns, rows), with a fresh
    /// `XDG_DATA_HOME`.
    pub(crate) fn start(
        args: &[&str],
        config: Option<&Path>,
        env: &[(&str, &str)],
        size: (u16, u16),
    ) -> Self {
        let data = tempfile::tempdir().unwrap().keep();
        Self::start_with_data(data, args, config, env, size)
    }

    /// Like [`Session::start`], with `data` as `XDG_DATA_HOME` (to find a journal there).
    pub(crate) fn start_with_data(
        data: PathBuf,
        args: &[&str],
        config: Option<&Path>,
        env: &[(&str, &str)],
        size: (u16, u16),
    ) -> Self {
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
        for (name, value) in super::bin::base_env(&data) {
            match value {
                Some(value) => cmd.env(name, value),
                None => cmd.env_remove(name),
            }
        }
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
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

    pub(crate) fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// The characters drawn underlined, in screen order (rows joined by newlines).
    pub(crate) fn underlined(&self) -> String {
        let parser = self.screen.lock().unwrap();
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        let mut out = String::new();
        for r in 0..rows {
            for c in 0..cols {
                if let Some(cell) = screen.cell(r, c)
                    && cell.underline()
                {
                    out.push_str(cell.contents());
                }
            }
            out.push('\n');
        }
        out
    }

    /// Waits until the screen satisfies `check` (bounded, not a timing claim).
    pub(crate) fn wait_for(&self, what: &str, check: impl Fn(&str) -> bool) {
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

    pub(crate) fn wait_text(&self, text: &str) {
        self.wait_for(text, |s| s.contains(text));
    }

    pub(crate) fn keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub(crate) fn wait_exit(&mut self) -> portable_pty::ExitStatus {
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
    pub(crate) fn assert_restored(&self) {
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
        assert!(
            text.contains("\u{1b}[?2004h") && text.contains("\u{1b}[?2004l"),
            "bracketed paste is on while the dashboard runs, and off after"
        );
    }
}

/// The row of `name` on `screen` (the first line with the name followed by a space).
pub(crate) fn row<'a>(screen: &'a str, name: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(&format!("{name} ")))
        .unwrap_or("")
}

/// A dashboard config for `fleet` in `dir`, polled every second, changed by `edit`
/// (which gets the text `ontop sim` writes).
pub(crate) async fn fleet_config(
    fleet: &ontop_sim::SimFleet,
    dir: &Path,
    edit: impl FnOnce(String) -> String,
) -> PathBuf {
    let config = dir.join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text.replacen("[defaults]\n", "[defaults]\npoll_interval = \"1s\"\n", 1);
    std::fs::write(&config, edit(text)).unwrap();
    config
}

/// Key sequences as a terminal sends them.
pub(crate) mod keys {
    pub(crate) const ESC: &str = "\u{1b}";
    pub(crate) const LEFT: &str = "\u{1b}[D";
    pub(crate) const RIGHT: &str = "\u{1b}[C";
    pub(crate) const HOME: &str = "\u{1b}[H";
    pub(crate) const END: &str = "\u{1b}[F";
    pub(crate) const DELETE: &str = "\u{1b}[3~";
    pub(crate) const BACKSPACE: &str = "\u{7f}";
    pub(crate) const CTRL_U: &str = "\u{15}";
    pub(crate) const CTRL_W: &str = "\u{17}";

    /// `text` as a bracketed paste.
    pub(crate) fn paste(text: &str) -> String {
        format!("\u{1b}[200~{text}\u{1b}[201~")
    }
}
