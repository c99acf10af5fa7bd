//! Password sources resolved for real: files, commands, caching and forgetting. Commands
//! are small `sh -c` scripts; none of these tests changes the process environment.

use std::time::Duration;

use crate::support::config::{Fixture, assert_says, chmod};
use ontop::testing::config::{Config, CredentialSource, Credentials, Prompting};
use secrecy::ExposeSecret;

fn with_source(fx: &Fixture, source_line: &str) -> Config {
    fx.ok(&format!(
        "[defaults]\nusername = \"monitor\"\n{source_line}\n\
         [[cluster]]\nname = \"a\"\nurl = \"https://a\"\n\
         [[cluster]]\nname = \"b\"\nurl = \"https://b\"\n"
    ))
}

/// The first cluster's password, read without a terminal to ask on.
fn first_password(
    config: &Config,
) -> Result<secrecy::SecretString, ontop::testing::config::ConfigError> {
    Credentials::new(Prompting::Never).password_for(&config.clusters[0])
}

fn sh(script: &str) -> String {
    format!("password_command = [\"sh\", \"-c\", {script:?}]")
}

/// A config whose password command counts its runs in a file, then runs `then`; and
/// how many runs there were so far.
fn counting(fx: &Fixture, then: &str) -> (Config, impl Fn() -> usize) {
    let counter = fx.dir.path().join("runs");
    let script = format!("echo run >> '{}'; {then}", counter.display());
    let runs = move || std::fs::read_to_string(&counter).map_or(0, |t| t.lines().count());
    (with_source(fx, &sh(&script)), runs)
}

#[test]
fn a_password_file_gives_its_first_line() {
    let fx = Fixture::new();
    fx.write("pw", "s3cret\nnot this\n");
    let config = with_source(&fx, "password_file = \"pw\"");
    let secret = first_password(&config).expect("readable");
    assert_eq!(secret.expose_secret(), "s3cret");
}

#[test]
fn a_password_file_opened_up_after_loading_is_refused_when_read() {
    let fx = Fixture::new();
    let pw = fx.write("pw", "s3cret\n");
    let config = with_source(&fx, "password_file = \"pw\"");
    chmod(&pw, 0o644);
    let error = first_password(&config).expect_err("too open");
    let message = error.to_string();
    assert_says(
        &message,
        &[
            "cluster \"a\"",
            "password_file",
            &format!("chmod 600 {}", pw.display()),
        ],
    );
    assert!(!message.contains("s3cret"));
}

#[test]
fn a_command_gives_the_first_line_of_its_stdout() {
    let fx = Fixture::new();
    let config = with_source(&fx, &sh("printf 'pw-one\\nsecond\\n'"));
    let secret = first_password(&config).expect("runs");
    assert_eq!(secret.expose_secret(), "pw-one");
}

#[test]
fn a_failing_command_reports_its_status_but_never_its_stdout_or_stderr() {
    let fx = Fixture::new();
    // A tool's error line can hold a token ("bad token abc123"): it is not echoed.
    let config = with_source(
        &fx,
        &sh("printf '%s-%s\\n' leaked secret; echo token-$((6*7))-in-stderr >&2; exit 3"),
    );
    let message = first_password(&config).unwrap_err().to_string();
    assert_says(
        &message,
        &[
            "cluster \"a\"",
            "password_command",
            "exit status: 3",
            "is not shown",
            "run the command by hand",
        ],
    );
    assert!(!message.contains("leaked-secret"), "{message}");
    assert!(!message.contains("token-42-in-stderr"), "{message}");
}

#[test]
fn a_command_that_does_not_exist_is_named() {
    let fx = Fixture::new();
    let config = with_source(&fx, "password_command = [\"ontop-no-such-command\", \"x\"]");
    let message = first_password(&config).unwrap_err().to_string();
    assert_says(
        &message,
        &["\"ontop-no-such-command\" not found", "give its full path"],
    );
}

#[test]
fn a_command_printing_nothing_is_an_error() {
    let fx = Fixture::new();
    let config = with_source(&fx, &sh("true"));
    let message = first_password(&config).unwrap_err().to_string();
    assert_says(&message, &["printed nothing", "first line of stdout"]);
}

/// A command that ends but leaves a process holding its output open is waited for no
/// longer than its timeout, and the error says what kept it, not "printed nothing".
#[test]
fn a_background_process_holding_the_output_is_named() {
    let fx = Fixture::new();
    let config = with_source(&fx, &sh("sleep 3 & echo pw"));
    let credentials =
        Credentials::new(Prompting::Never).with_command_timeout(Duration::from_millis(300));
    let message = credentials
        .password_for(&config.clusters[0])
        .unwrap_err()
        .to_string();
    assert_says(&message, &["in the background kept its output open"]);
}

#[test]
fn a_command_that_hangs_is_killed_at_the_timeout() {
    let fx = Fixture::new();
    let config = with_source(&fx, &sh("sleep 5; echo late"));
    let credentials =
        Credentials::new(Prompting::Never).with_command_timeout(Duration::from_millis(200));
    let started = std::time::Instant::now();
    let message = credentials
        .password_for(&config.clusters[0])
        .unwrap_err()
        .to_string();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "waited for the command"
    );
    assert_says(
        &message,
        &["did not finish within 200ms", "without asking for input"],
    );
}

/// What a hung command started goes with it: `ontop serve` reads a paused login's
/// password again every minute, and each run would otherwise leave a process behind.
#[test]
fn a_hung_command_is_killed_with_what_it_started() {
    let fx = Fixture::new();
    let kid = fx.dir.path().join("kid");
    let script = format!("sleep 60 & echo $! > '{}'; wait", kid.display());
    let config = with_source(&fx, &sh(&script));
    let credentials =
        Credentials::new(Prompting::Never).with_command_timeout(Duration::from_millis(300));
    let message = credentials
        .password_for(&config.clusters[0])
        .unwrap_err()
        .to_string();
    assert_says(&message, &["did not finish within 300ms"]);
    let pid = std::fs::read_to_string(&kid).unwrap().trim().to_string();
    // Gone, or a zombie its new parent has yet to reap: not running, either way.
    let running = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            !stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
    };
    for _ in 0..50 {
        if !running() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the command's background sleep (pid {pid}) still runs");
}

#[test]
fn a_command_shared_through_defaults_runs_once_for_all_clusters() {
    let fx = Fixture::new();
    let (config, runs) = counting(&fx, "echo pw");
    let credentials = Credentials::new(Prompting::Never);
    for cluster in &config.clusters {
        assert_eq!(
            credentials
                .password_for(cluster)
                .expect("runs")
                .expose_secret(),
            "pw"
        );
    }
    credentials
        .password_for(&config.clusters[0])
        .expect("cached");
    assert_eq!(runs(), 1);
}

#[test]
fn a_failing_command_shared_by_many_clusters_is_tried_once_until_forgotten() {
    let fx = Fixture::new();
    let (config, runs) = counting(&fx, "exit 1");
    let credentials = Credentials::new(Prompting::Never);
    for cluster in &config.clusters {
        let message = credentials.password_for(cluster).unwrap_err().to_string();
        assert_says(
            &message,
            &[&format!("cluster {:?}", cluster.name), "exit status: 1"],
        );
    }
    assert_eq!(runs(), 1);
    credentials.forget(&config.clusters[0]);
    credentials.password_for(&config.clusters[1]).unwrap_err();
    assert_eq!(runs(), 2);
}

#[test]
fn forget_makes_the_next_request_run_the_source_again() {
    let fx = Fixture::new();
    let counter = fx.dir.path().join("runs");
    let script = format!(
        "echo run >> '{c}'; echo pw-$(wc -l < '{c}' | tr -d ' ')",
        c = counter.display()
    );
    let config = with_source(&fx, &sh(&script));
    let credentials = Credentials::new(Prompting::Never);
    let first = credentials.password_for(&config.clusters[0]).unwrap();
    credentials.forget(&config.clusters[1]);
    let second = credentials.password_for(&config.clusters[0]).unwrap();
    assert_eq!(
        (first.expose_secret(), second.expose_secret()),
        ("pw-1", "pw-2")
    );
}

#[test]
fn a_plain_password_is_returned_as_written() {
    let fx = Fixture::new();
    let config = with_source(&fx, "password = \"hunter2\"");
    let credentials = Credentials::new(Prompting::Never);
    credentials.forget(&config.clusters[0]);
    assert_eq!(
        credentials
            .password_for(&config.clusters[0])
            .unwrap()
            .expose_secret(),
        "hunter2"
    );
}

#[test]
fn without_a_source_or_a_terminal_the_error_says_which_keys_to_set() {
    let fx = Fixture::new();
    let config = with_source(&fx, "");
    assert!(matches!(
        config.clusters[0].credential,
        CredentialSource::Prompt
    ));
    let message = first_password(&config).unwrap_err().to_string();
    assert_says(
        &message,
        &[
            "cluster \"a\"",
            "no terminal to ask on",
            "password_command, password_env or password_file",
        ],
    );
}

#[test]
fn a_dashboard_that_owns_the_screen_never_prompts() {
    let fx = Fixture::new();
    let config = with_source(&fx, "");
    let credentials = Credentials::new(Prompting::Ask);
    credentials.set_prompting(Prompting::Never);
    let message = credentials
        .password_for(&config.clusters[0])
        .unwrap_err()
        .to_string();
    assert_says(&message, &["no terminal to ask on"]);
}

#[test]
fn special_files_are_refused_and_endless_commands_never_fill_memory() {
    let fx = Fixture::new();
    let text = |line: &str| {
        format!(
            "[defaults]\nusername = \"u\"\n{line}\n[[cluster]]\nname = \"a\"\nurl = \"https://a\"\n"
        )
    };
    for (key, path) in [
        ("password_file", "/dev/zero"),
        ("ca_file", "/dev/zero"),
        ("ca_file", "/"),
    ] {
        let message = fx.error(&text(&format!("{key} = \"{path}\"")));
        assert_says(&message, &[key, path, "not a regular file"]);
    }
    let endless = with_source(&fx, &sh("yes secret-$((6*7))-line"));
    let message = Credentials::new(Prompting::Never)
        .password_for(&endless.clusters[0])
        .unwrap_err()
        .to_string();
    assert_says(&message, &["password_command", "printed more than"]);
    assert!(!message.contains("secret-42-line"), "{message}");
}

#[test]
fn distinct_sources_are_resolved_at_the_same_time() {
    // Each command waits for the other to have started: resolved one after the other,
    // the first would time out waiting for a second that never runs.
    let fx = Fixture::new();
    let dir = fx.dir.path().display().to_string();
    let waits_for = |me: &str, other: &str| {
        format!(
            "[\"sh\", \"-c\", \"touch {dir}/{me}; for i in $(seq 100); do [ -e {dir}/{other} ] && echo pw-{me} && exit 0; sleep 0.05; done; exit 1\"]"
        )
    };
    let config = fx.ok(&format!(
        "[defaults]\nusername = \"u\"\n\
         [[cluster]]\nname = \"a\"\nurl = \"https://a\"\npassword_command = {}\n\
         [[cluster]]\nname = \"b\"\nurl = \"https://b\"\npassword_command = {}\n",
        waits_for("a", "b"),
        waits_for("b", "a")
    ));
    let credentials = Credentials::new(Prompting::Never);
    credentials.resolve_all(&config.clusters);
    for (cluster, expected) in config.clusters.iter().zip(["pw-a", "pw-b"]) {
        let secret = credentials.password_for(cluster).expect("both ran at once");
        assert_eq!(secret.expose_secret(), expected);
    }
}
