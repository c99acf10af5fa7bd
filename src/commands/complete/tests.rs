use std::ffi::OsString;
use std::path::Path;

use super::*;

const FLEET: &str = r#"
[defaults]
username = "monitor"

[[cluster]]
name = "prod-ams-1"
url = "https://10.20.0.10"
labels = { site = "ams", env = "prod" }

[[cluster]]
name = "lab-1"
url = "https://10.99.0.5"
labels = { site = "lab" }
"#;

/// What completing the last of `words` offers, with `dir` as the shell's directory.
fn complete(config: Option<&Path>, words: &[&str], dir: &Path) -> Vec<String> {
    let mut cmd = command(config);
    let args: Vec<OsString> = std::iter::once("ontop")
        .chain(words.iter().copied())
        .map(OsString::from)
        .collect();
    let index = args.len() - 1;
    clap_complete::engine::complete(&mut cmd, args, index, Some(dir))
        .unwrap()
        .into_iter()
        .map(|c| c.get_value().to_string_lossy().into_owned())
        .collect()
}

/// A directory holding a config and a few other files a file-name completion would offer.
fn fleet_dir(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    std::fs::write(&config, text).unwrap();
    std::fs::write(dir.path().join("prod-notes.txt"), "").unwrap();
    std::fs::write(dir.path().join("9.16.1P3.tgz"), "").unwrap();
    (dir, config)
}

#[test]
fn cluster_names_come_from_the_config_named_on_the_line() {
    let (dir, config) = fleet_dir(FLEET);
    let path = config.to_str().unwrap();
    for words in [
        &["status", "--config", path, "--cluster", ""][..],
        &["download", "--cluster", ""][..],
        &[
            "packages",
            "delete",
            "9.16.1P3",
            "--config",
            path,
            "--cluster",
            "",
        ][..],
        &["trust", "--config", path, ""][..],
    ] {
        let offered = complete(Some(&config), words, dir.path());
        let values: Vec<&String> = offered.iter().filter(|o| !o.starts_with("--")).collect();
        assert_eq!(values, ["prod-ams-1", "lab-1"], "{words:?}");
    }
    let offered = complete(Some(&config), &["status", "--cluster", "pr"], dir.path());
    assert_eq!(offered, ["prod-ams-1"]);
}

#[test]
fn labels_complete_as_key_value_pairs_of_the_config() {
    let (dir, config) = fleet_dir(FLEET);
    let offered = complete(Some(&config), &["packages", "--label", ""], dir.path());
    assert_eq!(offered, ["env=prod", "site=ams", "site=lab"]);
    let offered = complete(Some(&config), &["status", "--label", "site="], dir.path());
    assert_eq!(offered, ["site=ams", "site=lab"]);
}

#[test]
fn a_config_that_does_not_load_completes_nothing_and_never_file_names() {
    let (dir, broken) = fleet_dir("[[cluster]]\nname = 3\n");
    let missing = dir.path().join("missing.toml");
    for config in [&broken, &missing] {
        let offered = complete(Some(config), &["status", "--cluster", ""], dir.path());
        assert!(offered.is_empty(), "{offered:?}");
        let offered = complete(Some(config), &["status", "--label", ""], dir.path());
        assert!(offered.is_empty(), "{offered:?}");
    }
}

#[test]
fn a_package_version_completes_nothing_rather_than_file_names() {
    let (dir, config) = fleet_dir(FLEET);
    // An empty word offers the command's flags, never the directory's files.
    let offered = complete(Some(&config), &["packages", "delete", ""], dir.path());
    assert!(offered.iter().all(|o| o.starts_with("--")), "{offered:?}");
    let offered = complete(Some(&config), &["packages", "delete", "9"], dir.path());
    assert!(offered.is_empty(), "{offered:?}");
}

#[test]
fn paths_still_complete_where_a_path_is_wanted() {
    let (dir, config) = fleet_dir(FLEET);
    let offered = complete(Some(&config), &["status", "--config", "fl"], dir.path());
    assert_eq!(offered, ["fleet.toml"]);
}

#[test]
fn the_config_is_the_last_one_the_words_name() {
    let words = |w: &[&str]| -> Vec<OsString> { w.iter().map(OsString::from).collect() };
    let named = config_named_in(&words(&[
        "ontop",
        "--",
        "ontop",
        "status",
        "--config",
        "/a.toml",
        "--config=/b.toml",
        "--cluster",
    ]));
    assert_eq!(named.as_deref(), Some(Path::new("/b.toml")));
    assert_eq!(
        config_named_in(&words(&["ontop", "status", "--config"])),
        None
    );
    assert_eq!(config_named_in(&words(&["ontop", "--config="])), None);
    let home = config_named_in(&words(&["--config", "~/fleet.toml"])).unwrap();
    assert!(
        home.is_absolute() && home.ends_with("fleet.toml"),
        "{home:?}"
    );
}

#[test]
fn the_bash_script_leaves_no_fallback_to_file_names() {
    let script = registration(clap_complete::Shell::Bash).unwrap();
    assert!(script.contains("complete -o nospace"), "{script}");
    assert!(script.contains(COMPLETE_ENV), "{script}");
    assert!(!script.contains("bashdefault"), "{script}");
    assert!(!script.contains("-o default"), "{script}");
}

#[test]
fn every_shell_gets_a_script_that_calls_ontop_back() {
    for shell in [
        clap_complete::Shell::Bash,
        clap_complete::Shell::Zsh,
        clap_complete::Shell::Fish,
        clap_complete::Shell::Elvish,
        clap_complete::Shell::PowerShell,
    ] {
        let script = registration(shell).unwrap();
        assert!(script.contains(COMPLETE_ENV), "{shell}: {script}");
    }
    let zsh = registration(clap_complete::Shell::Zsh).unwrap();
    assert!(zsh.starts_with("#compdef ontop"), "{zsh}");
    assert!(
        zsh.contains("_clap_dynamic_completer_ontop \"$@\""),
        "{zsh}"
    );
}
