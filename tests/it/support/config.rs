//! Shared fixtures for the config tests: a private temporary directory to write config
//! files (and password files) into, and shorthands to load them.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use ontop::testing::config::{Config, ConfigError, Environment, load_from, load_from_in};

/// A temporary directory holding one test's files; removed when dropped.
pub(crate) struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub(crate) fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Writes `name` with `text`, readable by its owner only (mode 600).
    pub(crate) fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        fs::write(&path, text).expect("write fixture");
        chmod(&path, 0o600);
        path
    }

    /// Writes `config.toml` (mode 600).
    pub(crate) fn config(&self, text: &str) -> PathBuf {
        self.write("config.toml", text)
    }

    /// Writes and loads `config.toml`.
    pub(crate) fn load(&self, text: &str) -> Result<Config, ConfigError> {
        load_from(&self.config(text))
    }

    /// Writes and loads `config.toml` with the variables of `env` (and no others).
    pub(crate) fn load_in(&self, env: &Environment, text: &str) -> Result<Config, ConfigError> {
        load_from_in(env, &self.config(text))
    }

    /// Like [`Fixture::ok`], with the variables of `env`.
    pub(crate) fn ok_in(&self, env: &Environment, text: &str) -> Config {
        self.load_in(env, text)
            .unwrap_or_else(|e| panic!("expected a valid config, got:\n{e}"))
    }

    /// Like [`Fixture::error`], with the variables of `env`.
    pub(crate) fn error_in(&self, env: &Environment, text: &str) -> String {
        match self.load_in(env, text) {
            Ok(config) => panic!("expected an error, got {config:#?}"),
            Err(e) => e.to_string(),
        }
    }

    /// Writes and loads `config.toml`, which must load.
    pub(crate) fn ok(&self, text: &str) -> Config {
        self.load(text)
            .unwrap_or_else(|e| panic!("expected a valid config, got:\n{e}"))
    }

    /// Writes and loads `config.toml`, which must fail; returns the message.
    pub(crate) fn error(&self, text: &str) -> String {
        match self.load(text) {
            Ok(config) => panic!("expected an error, got {config:#?}"),
            Err(e) => e.to_string(),
        }
    }
}

pub(crate) fn chmod(path: &std::path::Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Asserts that `text` contains every one of `parts`, showing the whole text if not.
#[track_caller]
pub(crate) fn assert_says(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "expected {part:?} in:\n{text}");
    }
}

/// A minimal valid cluster, to append to a test's own `[defaults]`.
pub(crate) const ONE_CLUSTER: &str = r#"
[defaults]
username = "monitor"
password_command = ["printf", "pw"]

[[cluster]]
name = "prod-1"
url = "https://10.20.0.10"
"#;
