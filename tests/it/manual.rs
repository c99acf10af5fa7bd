//! The man page and the shell completions as a user meets them: `man -l` renders the page
//! with every section, and a real bash that sourced `ontop completions bash` completes
//! `--cluster` from the config on the line, and nothing (never file names) where nothing
//! is known. Outside CI a missing `man` or `bash` skips loudly; under `CI=true` it fails.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::bin::BIN;

const FLEET: &str = r#"
[defaults]
username = "monitor"

[[cluster]]
name = "prod-ams-1"
url = "https://10.20.0.10"
labels = { site = "ams" }

[[cluster]]
name = "lab-1"
url = "https://10.99.0.5"
labels = { site = "lab" }
"#;

/// Whether `program` runs; under CI its absence fails the test, elsewhere it skips.
fn available(program: &str, test: &str) -> bool {
    match Command::new(program).arg("--version").output() {
        Ok(_) => true,
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{test}: {program} is needed under CI=true: {e}")
        }
        Err(e) => {
            crate::support::skip(test, &format!("{program} is not installed: {e}"));
            false
        }
    }
}

fn ontop(args: &[&str], home: &Path) -> Output {
    crate::support::bin::std_command(&home.join("data"))
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .output()
        .expect("the binary runs")
}

#[test]
fn man_renders_the_page_with_keys_config_files_environment_exit_codes_and_examples() {
    let test = "man -l on ontop man";
    if !available("man", test) {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let page = home.path().join("ontop.1");
    std::fs::write(&page, ontop(&["man"], home.path()).stdout).unwrap();
    let out = Command::new("man")
        .arg("-l")
        .arg(&page)
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{errors}");
    assert!(!errors.contains("warning"), "{errors}");
    for line in [
        "KEYS",
        "CONFIGURATION",
        "FILES",
        "ENVIRONMENT",
        "EXIT STATUS",
        "EXAMPLES",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "no {line} section:\n{text}"
        );
    }
    for words in [
        "next cluster",
        "poll_interval",
        "audit.jsonl",
        "ONTOP_CONFIG",
        "ontop packages delete",
    ] {
        assert!(text.contains(words), "no {words:?}:\n{text}");
    }
}

/// Runs `script` in bash after sourcing the bash completion script, with `ontop` on PATH
/// being the binary under test; returns stdout.
fn in_bash(home: &Path, script: &str) -> String {
    let bin = home.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let link = bin.join("ontop");
    if !link.exists() {
        std::os::unix::fs::symlink(BIN, &link).unwrap();
    }
    let completion = home.join("ontop.bash");
    std::fs::write(&completion, ontop(&["completions", "bash"], home).stdout).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("source {}\n{script}", completion.display()))
        .current_dir(home)
        .env("PATH", path)
        .env_remove("ONTOP_CONFIG")
        .env("XDG_CONFIG_HOME", home.join("config"))
        .output()
        .unwrap();
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && errors.is_empty(), "{errors}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// What bash offers for the last of `words`.
fn bash_offers(home: &Path, words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let last = words.len() - 1;
    let script = format!(
        "COMP_WORDS=({})\nCOMP_CWORD={last}\n_clap_complete_ontop ontop '{}' '{}'\necho \"${{COMPREPLY[*]}}\"",
        quoted.join(" "),
        words[last],
        words[last - 1],
    );
    in_bash(home, &script)
}

#[test]
fn bash_completes_clusters_and_labels_of_the_config_and_never_file_names() {
    let test = "bash completion of --cluster";
    if !available("bash", test) {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("fleet.toml");
    std::fs::write(&config, FLEET).unwrap();
    std::fs::write(home.path().join("prod-notes.txt"), "").unwrap();
    let config = config.to_str().unwrap();
    let offered = bash_offers(
        home.path(),
        &["ontop", "status", "--config", config, "--cluster", ""],
    );
    assert_eq!(offered, "prod-ams-1 lab-1");
    let offered = bash_offers(
        home.path(),
        &["ontop", "download", "--config", config, "--label", "site="],
    );
    assert_eq!(offered, "site=ams site=lab");
    // No config where the line says: nothing, not the directory's files.
    let offered = bash_offers(
        home.path(),
        &[
            "ontop",
            "status",
            "--config",
            "missing.toml",
            "--cluster",
            "pro",
        ],
    );
    assert_eq!(offered, "");
    let offered = bash_offers(home.path(), &["ontop", "packages", "delete", "9"]);
    assert_eq!(offered, "");
    // And bash itself falls back to nothing either.
    let registered = in_bash(home.path(), "complete -p ontop");
    assert!(!registered.contains("default"), "{registered}");
}
