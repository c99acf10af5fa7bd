//! The command line around the dashboard: each command's help lists only its own flags
//! and the real default config path, completions and man pages come from the same
//! definition, and `config init` writes a starter without ever overwriting a file.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use crate::support::bin::std_command;

/// Runs `ontop args` with `home` as the config and data homes (no terminal).
fn ontop(args: &[&str], home: &Path) -> Output {
    std_command(&home.join("data"))
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .output()
        .expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn each_command_help_lists_only_its_own_flags_and_the_real_config_path() {
    let home = tempfile::tempdir().unwrap();
    let real = home.path().join("config/ontop/config.toml");
    let real = real.display().to_string();
    let cases: [(&[&str], &[&str], &[&str]); 6] = [
        (
            &["--help"],
            &["--config", "--read-only", "--no-bell", &real],
            &[],
        ),
        (
            &["sim", "--help"],
            &["--clusters", "--fault"],
            &["--config", "--read-only", "--no-bell"],
        ),
        (
            &["demo", "--help"],
            &["--clusters", "--no-color", "--read-only"],
            &["--config"],
        ),
        (
            &["status", "--help"],
            &["--config", "--json", &real],
            &["--read-only", "--no-bell"],
        ),
        (
            &["download", "--help"],
            &["--config", "--read-only", "--wait", &real],
            &["--no-bell"],
        ),
        (
            &["config", "init", "--help"],
            &["--path", &real],
            &["--config", "--read-only"],
        ),
    ];
    for (args, has, lacks) in cases {
        let out = ontop(args, home.path());
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let help = stdout(&out);
        for flag in has {
            assert!(help.contains(flag), "{args:?} lacks {flag}:\n{help}");
        }
        for flag in lacks {
            assert!(!help.contains(flag), "{args:?} lists {flag}:\n{help}");
        }
        assert!(!help.contains("<config dir>"), "{help}");
    }
}

#[test]
fn an_option_before_its_command_is_refused_with_a_hint() {
    let home = tempfile::tempdir().unwrap();
    let out = ontop(&["--config", "/x.toml", "status"], home.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "tip: options go after the command they belong to: ontop status --config <PATH>"
        ),
        "{}",
        stderr(&out)
    );
    // An option the command does not take is not sent after it: the tip says so.
    let out = ontop(&["--read-only", "status"], home.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("tip: ontop status has no --read-only"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_listen_address_that_is_a_name_gets_the_fix() {
    let home = tempfile::tempdir().unwrap();
    let out = ontop(&["serve", "--listen", "localhost:9464"], home.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "\"localhost:9464\" is not an IP address and port; write it like 127.0.0.1:9464"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn completions_for_each_shell_call_ontop_back_and_bash_reads_its_script() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let out = ontop(&["completions", shell], home.path());
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        for word in ["ONTOP_COMPLETE", "ontop"] {
            assert!(script.contains(word), "{shell} script lacks {word}");
        }
    }
    let script = home.path().join("ontop.bash");
    std::fs::write(&script, ontop(&["completions", "bash"], home.path()).stdout).unwrap();
    match Command::new("bash").arg("-n").arg(&script).output() {
        Ok(check) => assert!(check.status.success(), "{}", stderr(&check)),
        Err(e) => crate::support::skip("bash -n on the completion script", &e.to_string()),
    }
}

#[test]
fn the_man_page_renders_and_a_dir_gets_one_page_per_command() {
    let home = tempfile::tempdir().unwrap();
    let out = ontop(&["man"], home.path());
    assert!(out.status.success());
    let page = stdout(&out);
    assert!(page.contains(".TH ontop 1"), "{page}");
    assert!(page.contains("download"), "{page}");
    let dir = home.path().join("man1");
    let out = ontop(&["man", "--dir", dir.to_str().unwrap()], home.path());
    assert!(out.status.success(), "{}", stderr(&out));
    for page in [
        "ontop.1",
        "ontop-status.1",
        "ontop-download.1",
        "ontop-config-init.1",
    ] {
        assert!(dir.join(page).is_file(), "{page} missing");
    }
}

#[test]
fn config_init_writes_a_private_starter_that_loads_and_never_overwrites() {
    let home = tempfile::tempdir().unwrap();
    let out = ontop(&["status"], home.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("ontop config init"),
        "{}",
        stderr(&out)
    );

    let out = ontop(&["config", "init"], home.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let path = home.path().join("config/ontop/config.toml");
    assert!(stdout(&out).contains(&path.display().to_string()));
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let config = ontop::testing::config::load_from(&path).expect("the starter loads");
    assert_eq!(config.clusters.len(), 1);
    assert_eq!(config.clusters[0].name, "cluster-1");

    std::fs::write(&path, "# mine\n").unwrap();
    let out = ontop(&["config", "init"], home.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");

    let other = home.path().join("elsewhere/new.toml");
    let out = ontop(
        &["config", "init", "--path", other.to_str().unwrap()],
        home.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(other.is_file());
}

/// Without a terminal the dashboard and the demo refuse at once, say what to use in a
/// script, and write nothing (no screen codes) to the output.
#[test]
fn the_dashboard_without_a_terminal_says_to_use_status_and_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("fleet.toml");
    std::fs::write(
        &config,
        "[[cluster]]\nname = \"a\"\nurl = \"https://127.0.0.1:9\"\nusername = \"admin\"\npassword_env = \"HOME\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let config = config.display().to_string();
    for args in [&["demo"][..], &["--config", &config][..]] {
        let out = ontop(args, home.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}: {:?}", stdout(&out));
        let said = stderr(&out);
        assert!(said.contains("the dashboard needs a terminal"), "{said}");
        assert!(said.contains("ontop status"), "{said}");
    }
}
