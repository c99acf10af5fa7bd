//! The key list against everything else that names keys: the reader, the starter that
//! `ontop config init` writes, the example config, and the defaults the loader applies.

use std::collections::BTreeSet;

use super::{KEYS, KeySpec, Section, find, of};
use crate::config::error::Problem;
use crate::config::{Config, ConfigError, DEFAULT_LISTEN, Environment, load_from_in};

const EXAMPLE: &str = include_str!("../../../config.example.toml");
const STARTER: &str = include_str!("../starter.toml");

/// The tables the reader reads each section from, as written in a file.
const HEADERS: &[(&str, Section)] = &[
    ("[defaults]", Section::Defaults),
    ("[[cluster]]", Section::Cluster),
    ("[download]", Section::Download),
    ("[[download.mirror]]", Section::Mirror),
    ("[serve]", Section::Serve),
    ("[validate]", Section::Validate),
];

/// The keys a TOML text writes or shows in a comment (`# key = ...`), each found under
/// its table (tables as the top-level keys they are): what a reader of the file learns
/// exists. A `key =` that is no key of its table fails the test.
fn mentioned(text: &str) -> BTreeSet<usize> {
    let index = |spec: &KeySpec| KEYS.iter().position(|k| std::ptr::eq(k, spec)).unwrap();
    let mut section = Section::Top;
    let mut keys = BTreeSet::new();
    for line in text.lines() {
        let line = line.trim_start_matches(['#', ' ']);
        if let Some((header, s)) = HEADERS.iter().find(|(h, _)| line.starts_with(h)) {
            section = *s;
            // A table is a key of the table around it: `[[download.mirror]]` is [download]'s.
            let spec = match header.trim_matches(['[', ']']).split_once('.') {
                Some(("download", name)) => find(Section::Download, name),
                _ => find(Section::Top, header.trim_matches(['[', ']'])),
            };
            keys.insert(index(spec.expect("a table the reader knows")));
            continue;
        }
        let Some((key, _)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim_end();
        if !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            let spec = find(section, key)
                .unwrap_or_else(|| panic!("{key} is not a key of {}", section.header()));
            keys.insert(index(spec));
        }
    }
    keys
}

#[test]
fn the_example_config_shows_every_key_and_the_starter_only_keys_there_are() {
    let example = mentioned(EXAMPLE);
    for (i, key) in KEYS.iter().enumerate() {
        let tables: Vec<&str> = key.sections.iter().map(|s| s.header()).collect();
        assert!(
            example.contains(&i),
            "config.example.toml does not show {} (in {})",
            key.name,
            tables.join(" or ")
        );
    }
    // The starter is short on purpose; whatever it names must be a key of its table.
    let starter = mentioned(STARTER);
    assert!(starter.len() > 10, "{starter:?}");
}

/// Loads `text` as a config file (no environment), its problems if it has any.
fn load(text: &str) -> Result<Config, Vec<Problem>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    match load_from_in(&Environment::fixed(Vec::<(String, String)>::new()), &path) {
        Ok(config) => Ok(config),
        Err(ConfigError::Invalid { problems, .. }) => Err(problems),
        Err(e) => panic!("{e}"),
    }
}

const CLUSTER: &str =
    "[[cluster]]\nname = \"a\"\nurl = \"https://a.example\"\nusername = \"u\"\npassword = \"p\"\n";

#[test]
fn the_reader_accepts_exactly_the_keys_of_the_table() {
    for (header, section) in HEADERS {
        let mut text = format!("{header}\n");
        for key in of(*section) {
            text.push_str(&format!("{} = 0\n", key.name));
        }
        text.push_str("not_a_key = 0\n");
        let text = match section {
            Section::Cluster => text,
            Section::Mirror => format!("{CLUSTER}[download]\n{text}"),
            _ => format!("{CLUSTER}{text}"),
        };
        let problems = load(&text).expect_err(&text);
        let unknown: Vec<&str> = problems
            .iter()
            .filter(|p| p.message.starts_with("unknown key"))
            .map(|p| p.key.as_str())
            .collect();
        assert_eq!(unknown, ["not_a_key"], "{header}:\n{problems:#?}");
    }
}

#[test]
fn a_mistyped_key_is_told_the_key_of_its_table() {
    let problems = load(&format!(
        "{CLUSTER}hostname = \"x\"\n[serve]\nuser = \"x\"\n"
    ))
    .expect_err("unknown keys");
    let fixes: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.key.as_str(), p.fix.as_str()))
        .collect();
    assert!(
        fixes.contains(&("hostname", "did you mean \"url\"?")),
        "{fixes:?}"
    );
    assert!(
        fixes.contains(&("user", "did you mean \"username\"?")),
        "{fixes:?}"
    );
}

/// A config's settings, as far as writing a default could change them.
fn settings(config: &Config) -> String {
    format!(
        "{:?}\n{:?}\n{:?}",
        config.clusters, config.download, config.validate
    )
}

#[test]
fn writing_a_key_s_documented_default_is_the_same_as_leaving_it_out() {
    let without = settings(&load(CLUSTER).unwrap());
    for (header, section) in HEADERS {
        for key in of(*section) {
            let Some(default) = key.default else { continue };
            let text = match section {
                Section::Cluster => format!("{CLUSTER}{} = {default}\n", key.name),
                Section::Serve => {
                    assert_eq!(default, format!("{DEFAULT_LISTEN:?}"), "{}", key.name);
                    continue;
                }
                _ => format!("{CLUSTER}{header}\n{} = {default}\n", key.name),
            };
            let with = load(&text).unwrap_or_else(|p| panic!("{text}\n{p:#?}"));
            assert_eq!(
                settings(&with),
                without,
                "{header} {} = {default}",
                key.name
            );
        }
    }
}

#[test]
fn a_key_has_one_meaning_per_table() {
    for key in KEYS {
        for section in key.sections {
            let same: Vec<_> = of(*section).filter(|k| k.name == key.name).collect();
            assert_eq!(same.len(), 1, "{} twice in {}", key.name, section.header());
        }
        assert!(!key.doc.is_empty(), "{} has no doc line", key.name);
    }
}

#[test]
fn config_check_full_names_only_keys_of_the_table() {
    let text = format!(
        "{CLUSTER}ca_file = \"ca.pem\"\nlabels = {{ site = \"ams\" }}\ntls_server_name = \"a.example\"\n\
         fingerprint = \"sha256:{}\"\n\
         [download]\nurl = \"https://repo.example/p.tgz\"\nusername = \"f\"\nmax_running = 3\nupload_rate = \"1MiB/s\"\n\
         [[download.mirror]]\nlabels = {{ site = \"ams\" }}\nbase = \"https://m.example/d/\"\nusername = \"m\"\npassword = \"p\"\n\
         [validate]\nignore = []\nmax_age = \"1h\"\n\
         [serve]\nlisten = \"127.0.0.1:1\"\ngroup = \"site\"\nusername = \"s\"\npassword = \"p\"\n",
        ["AB"; 32].join(":")
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ca.pem"), "").unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    let config = load_from_in(&Environment::fixed(Vec::<(String, String)>::new()), &path)
        .unwrap_or_else(|e| panic!("{e}"));
    // `mentioned` fails on any `key =` that is not a key of its table.
    let rendered = config.render_redacted();
    assert!(mentioned(&rendered).len() > 25, "{rendered}");
    // What --full shows reads back as what was written (passwords apart).
    let shown = rendered.replace("<redacted: plain password in the config>", "\"p\"");
    std::fs::write(&path, shown.replace(" = <", " = \"").replace(">\n", "\"\n")).unwrap();
    let again = load_from_in(&Environment::fixed(Vec::<(String, String)>::new()), &path)
        .unwrap_or_else(|e| panic!("{e}\n{rendered}"));
    assert_eq!(settings(&again), settings(&config), "{rendered}");
}
