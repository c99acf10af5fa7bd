//! A `password_command`: run without a shell, bounded in time and in what it may print,
//! its answer read as Harvest-style YAML or as a first line.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use secrecy::SecretString;
use secrecy::zeroize::Zeroize;
use wait_timeout::ChildExt;

use super::sources::first_line;
use super::{Failure, MAX_SECRET_FILE};

/// Runs `argv` (no shell) and takes its `password:` line when it prints YAML (as
/// Harvest's credential scripts may), else the first line of its stdout. Neither its stdout nor
/// its stderr ever appears in a message (either may hold a token); the message says how
/// it failed and where to look. It may run [`COMMAND_TIMEOUT`](super::COMMAND_TIMEOUT)
/// and print [`MAX_SECRET_FILE`] bytes, no more.
pub(super) fn from_command(argv: &[String], timeout: Duration) -> Result<SecretString, Failure> {
    let mut child = spawn(argv)?;
    let deadline = Instant::now() + timeout;
    let stdout = drain(child.stdout.take());
    let status = match child.wait_timeout(timeout) {
        Ok(Some(status)) => status,
        Ok(None) => {
            stop(&mut child);
            if let Ok(Drained::TooMuch) = stdout.try_recv() {
                return Err(too_much());
            }
            let message = format!(
                "did not finish within {}",
                crate::text::duration::written(timeout)
            );
            return Err(Failure::new(
                message,
                "make sure it runs without asking for input (run it by hand to see)",
            ));
        }
        Err(e) => {
            stop(&mut child);
            return Err(Failure::new(
                format!("lost track of the command: {e}"),
                "run it by hand to check it",
            ));
        }
    };
    // A background process that kept the pipe open must not hang us: wait no longer.
    let remaining = deadline.saturating_duration_since(Instant::now());
    let out = match stdout.recv_timeout(remaining) {
        Ok(Drained::All(out)) => out,
        Ok(Drained::TooMuch) => return Err(too_much()),
        Err(_) => {
            // What kept it open goes too, rather than live on (one more each time).
            kill_group(&child);
            return Err(Failure::new(
                "it ended, but something it started in the background kept its output open",
                "make it start nothing that keeps writing to its stdout (send such a \
                 process's output elsewhere: ... >/dev/null &)",
            ));
        }
    };
    answer(status, out)
}

/// Starts the command with no input, its stdout piped and its stderr dropped.
fn spawn(argv: &[String]) -> Result<Child, Failure> {
    let Some((program, args)) = argv.split_first() else {
        return Err(Failure::new(
            "the command is empty",
            "write it like [\"pass\", \"show\", \"ontap/monitor\"]",
        ));
    };
    use std::os::unix::process::CommandExt;
    Command::new(program)
        .args(args)
        // A process group of its own: what it starts (a wrapper's `sleep`, a hung
        // helper) is stopped with it. Its input is none, so it never needs the terminal.
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Failure::new(
                format!("command {program:?} not found"),
                "install it, or give its full path as the first list item",
            ),
            _ => Failure::new(
                format!("cannot run {program:?}: {e}"),
                "check that it is an executable program",
            ),
        })
}

/// Kills a command that ran too long, and every process of its group (what it started
/// would live on, one more each time `ontop serve` reads the password again), and
/// reaps it.
fn stop(child: &mut Child) {
    kill_group(child);
    let _ = child.kill();
    let _ = child.wait();
}

/// Kills every process of the group `child` leads (spawned with `process_group(0)`).
fn kill_group(child: &Child) {
    if let Ok(group) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) takes no pointers; a negative pid names the group the child
        // leads, and nothing else.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }
}

fn too_much() -> Failure {
    Failure::new(
        format!("printed more than {MAX_SECRET_FILE} bytes"),
        "make it print only the password, on the first line of stdout",
    )
}

/// The password in what a command that ended printed; what it printed is wiped.
fn answer(status: ExitStatus, mut out: Vec<u8>) -> Result<SecretString, Failure> {
    if !status.success() {
        out.zeroize();
        return Err(Failure::new(
            format!("failed ({status}); what it printed is not shown, as it may hold a secret"),
            "run the command by hand, as the user ontop runs as, to see what it says",
        ));
    }
    let mut text = String::from_utf8(out).map_err(|e| {
        e.into_bytes().zeroize();
        Failure::new(
            "its output is not valid UTF-8",
            "make it print the password as text",
        )
    })?;
    let secret = match yaml_password(&text) {
        Ok(Some(secret)) => Some(secret),
        Ok(None) => first_line(&text),
        Err(failure) => {
            text.zeroize();
            return Err(failure);
        }
    };
    text.zeroize();
    secret.ok_or_else(|| {
        Failure::new(
            "printed nothing on its first line",
            "make it print the password on the first line of stdout",
        )
    })
}

/// What a command printed: all of it, or more than a password ever is.
enum Drained {
    All(Vec<u8>),
    TooMuch,
}

/// Reads a pipe to its end on a thread, so a full pipe never blocks the command, keeping
/// at most [`MAX_SECRET_FILE`] bytes. Past that the pipe is closed: a command that keeps
/// printing is stopped by it (or by the timeout).
fn drain(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Drained> {
    let (tx, rx) = mpsc::channel();
    if let Some(pipe) = pipe {
        thread::spawn(move || {
            let mut buf = Vec::new();
            let kept = pipe.take(MAX_SECRET_FILE + 1).read_to_end(&mut buf);
            if kept.is_ok() && buf.len() as u64 > MAX_SECRET_FILE {
                buf.zeroize();
                let _ = tx.send(Drained::TooMuch);
            } else {
                let _ = tx.send(Drained::All(buf));
            }
        });
    }
    rx
}

/// The answer of a command that prints YAML, as Harvest's credential scripts may
/// (`username: ...` / `password: ...`), read by a YAML parser: quotes and escapes as
/// YAML has them, and a plain scalar as written (`0x1F` is those four characters, not
/// 31, as Harvest reads it), never resolved to a number or a boolean.
#[derive(serde::Deserialize)]
struct YamlAnswer {
    password: Option<String>,
}

/// The `password:` of a command that prints a YAML mapping; `None` for output that is
/// no such mapping (a password alone on its line). Output with a `password:` line that
/// gives no password is an error: its first line is not the password either, and
/// sending it would count towards locking the account.
fn yaml_password(text: &str) -> Result<Option<SecretString>, Failure> {
    // `password:` then a space or nothing, as YAML writes a key ("password:x" alone is
    // a password like any other).
    let has_key = text.lines().any(|line| {
        (line.trim_start().strip_prefix("password:"))
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    });
    let answer = serde_saphyr::from_str::<YamlAnswer>(text);
    match answer {
        Ok(YamlAnswer {
            password: Some(password),
        }) if !password.is_empty() => Ok(Some(SecretString::from(password))),
        _ if has_key => Err(Failure::new(
            "its output has a password: line that gives no password YAML can read",
            "print the password alone on the first line, or quote it: password: \"...\"",
        )),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn password(yaml: &str) -> Option<String> {
        let secret = yaml_password(yaml).unwrap_or_else(|f| panic!("{yaml}: {}", f.message));
        secret.map(|s| s.expose_secret().to_owned())
    }

    #[test]
    fn a_harvest_style_yaml_answer_gives_its_password_line() {
        let yaml = "username: monitor\npassword: \"s3 cret\"\n";
        assert_eq!(password(yaml).as_deref(), Some("s3 cret"));
        assert_eq!(password("password: 12345\n").as_deref(), Some("12345"));
        assert_eq!(password("password: plain\n").as_deref(), Some("plain"));
        assert!(password("plain-password\n").is_none());
        assert!(password("password:x-is-the-password\n").is_none());
        assert!(password("user: only\n").is_none());
    }

    /// Harvest reads a plain scalar as written; so does ontop, or the cluster gets
    /// another password (`0x1F` sent as `31`) and counts a refused login.
    #[test]
    fn a_plain_yaml_password_is_taken_as_written_never_as_a_number() {
        for written in [
            "0x1F",
            "0o17",
            "-0",
            "00123",
            "1e3",
            "1.50",
            "true",
            "1234567890123456789012",
        ] {
            let yaml = format!("username: u\npassword: {written}\n");
            assert_eq!(password(&yaml).as_deref(), Some(written), "{yaml}");
        }
    }

    /// A `password:` line that gives nothing is an error, never a fall back to the
    /// first line (which would send "username: u" as the password).
    #[test]
    fn a_password_key_without_a_password_is_an_error() {
        for yaml in [
            "username: u\npassword:\n",
            "username: u\npassword: null\n",
            "username: u\npassword: [a\n",
        ] {
            let failure = yaml_password(yaml)
                .err()
                .unwrap_or_else(|| panic!("{yaml}"));
            assert!(
                failure.message.contains("password: line"),
                "{}",
                failure.message
            );
        }
    }

    #[test]
    fn escaped_quotes_in_a_yaml_password_are_yaml_s_escapes() {
        let yaml = "username: monitor\npassword: \"a\\\"b\\\\c\"\n";
        assert_eq!(password(yaml).as_deref(), Some("a\"b\\c"));
        let yaml = "password: 'it''s'\n";
        assert_eq!(password(yaml).as_deref(), Some("it's"));
    }
}
