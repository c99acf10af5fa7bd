//! Everything that depends on the process environment: the config path, `ONTOP__`
//! overrides, and `password_env`. The environment is global to the process, so these
//! tests live in their own test binary and take one lock each.

mod config_support;

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use config_support::{Fixture, ONE_CLUSTER, assert_says};
use ontop::config::{
    ConfigError, CredentialSource, Credentials, default_config_path, load, resolve_path,
};
use secrecy::ExposeSecret;

static ENV: Mutex<()> = Mutex::new(());

/// Holds the lock, and sets variables that are removed again when it is dropped.
struct Env {
    names: Vec<String>,
    _lock: MutexGuard<'static, ()>,
}

impl Env {
    fn lock() -> Self {
        Self {
            names: Vec::new(),
            _lock: ENV.lock().unwrap_or_else(|p| p.into_inner()),
        }
    }

    fn set(&mut self, name: &str, value: &str) {
        // SAFETY: every test in this binary holds the `ENV` lock while it touches or
        // reads the environment, so no other thread reads it concurrently.
        unsafe { std::env::set_var(name, value) };
        self.names.push(name.to_owned());
    }

    fn unset(&mut self, name: &str) {
        // SAFETY: as in `set`.
        unsafe { std::env::remove_var(name) };
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        for name in &self.names {
            // SAFETY: as in `set`, the lock is still held.
            unsafe { std::env::remove_var(name) };
        }
    }
}

#[test]
fn the_config_path_is_the_flag_then_ontop_config_then_the_default() {
    let mut env = Env::lock();
    env.unset("ONTOP_CONFIG");
    let default = default_config_path().expect("tests run with a home directory");
    assert!(
        default.ends_with("ontop/config.toml"),
        "{}",
        default.display()
    );
    assert_eq!(resolve_path(None), Some(default.clone()));
    env.set("ONTOP_CONFIG", "/from/env.toml");
    assert_eq!(
        resolve_path(None).unwrap(),
        std::path::Path::new("/from/env.toml")
    );
    let flag = std::path::Path::new("/from/flag.toml");
    assert_eq!(resolve_path(Some(flag)).unwrap(), flag);
}

#[test]
fn load_reads_the_file_named_by_ontop_config_unless_the_flag_names_another() {
    let mut env = Env::lock();
    let (one, two) = (Fixture::new(), Fixture::new());
    let env_file = one.config(ONE_CLUSTER);
    let flag_file = two.config(&ONE_CLUSTER.replace("prod-1", "other"));
    env.set("ONTOP_CONFIG", env_file.to_str().unwrap());
    assert_eq!(load(None).unwrap().clusters[0].name, "prod-1");
    assert_eq!(load(Some(&flag_file)).unwrap().clusters[0].name, "other");
}

#[test]
fn a_missing_file_named_by_ontop_config_is_reported_as_not_found() {
    let mut env = Env::lock();
    let fx = Fixture::new();
    let path = fx.dir.path().join("missing.toml");
    env.set("ONTOP_CONFIG", path.to_str().unwrap());
    let error = load(None).expect_err("no file there");
    assert!(
        matches!(&error, ConfigError::NotFound { searched } if searched == &vec![path.clone()])
    );
    assert_says(
        &error.to_string(),
        &["looked at", &path.display().to_string(), "ontop demo"],
    );
}

#[test]
fn overrides_apply_to_defaults_and_download_and_a_cluster_still_wins() {
    let mut env = Env::lock();
    env.set("ONTOP__DEFAULTS__POLL_INTERVAL", "10s");
    env.set("ONTOP__DEFAULTS__INSECURE", "TRUE");
    env.set("ONTOP__DEFAULTS__LABELS__TEAM", "storage");
    env.set(
        "ONTOP__DOWNLOAD__URL",
        "https://other.example.com/image.tgz",
    );
    let fx = Fixture::new();
    let text = format!(
        "{ONE_CLUSTER}\n[[cluster]]\nname = \"b\"\nurl = \"https://b\"\npoll_interval = \"2s\"\n"
    );
    let config = fx.ok(&text.replace(
        "[defaults]",
        "[download]\nurl = \"https://x/y.tgz\"\n[defaults]",
    ));
    let [a, b] = &config.clusters[..] else {
        panic!("two clusters")
    };
    assert_eq!(
        (a.poll_interval, b.poll_interval),
        (Duration::from_secs(10), Duration::from_secs(2))
    );
    assert!(a.insecure && b.insecure);
    assert_eq!(a.labels.get("team").map(String::as_str), Some("storage"));
    assert_eq!(
        config.download.url.unwrap().as_str(),
        "https://other.example.com/image.tgz"
    );
}

#[test]
fn a_password_source_from_the_environment_replaces_the_one_in_the_file() {
    let mut env = Env::lock();
    env.set("ONTOP__DEFAULTS__PASSWORD_COMMAND", "printf from-env");
    let config = Fixture::new().ok(&ONE_CLUSTER.replace("[\"printf\", \"pw\"]", "[\"false\"]"));
    let CredentialSource::Command(argv) = &config.clusters[0].credential else {
        panic!("a command")
    };
    assert_eq!(argv, &["printf", "from-env"]);
    let secret = Credentials::new(false)
        .password_for(&config.clusters[0])
        .unwrap();
    assert_eq!(secret.expose_secret(), "from-env");
}

#[test]
fn cluster_overrides_are_refused_naming_the_variable() {
    let mut env = Env::lock();
    env.set("ONTOP__CLUSTER__0__URL", "https://elsewhere");
    let message = Fixture::new().error(ONE_CLUSTER);
    assert_says(
        &message,
        &[
            "environment variable ONTOP__CLUSTER__0__URL",
            "cannot be overridden",
            "edit the [[cluster]]",
        ],
    );
}

#[test]
fn bad_override_values_and_keys_name_the_variable_and_the_fix() {
    let mut env = Env::lock();
    env.set("ONTOP__DEFAULTS__TIMEOUT", "soon");
    env.set("ONTOP__DEFAULTS__USRNAME", "x");
    env.set("ONTOP__DOWNLAOD__URL", "https://x");
    let message = Fixture::new().error(ONE_CLUSTER);
    assert_says(
        &message,
        &[
            "environment variable ONTOP__DEFAULTS__TIMEOUT: timeout: \"soon\" is not a duration — write it like \"5s\"",
            "environment variable ONTOP__DEFAULTS__USRNAME: usrname: unknown key \"usrname\" — did you mean \"username\"?",
            "environment variable ONTOP__DOWNLAOD__URL",
            "did you mean DOWNLOAD?",
        ],
    );
}

#[test]
fn password_env_is_read_when_needed_and_again_after_forget() {
    let mut env = Env::lock();
    env.set("ONTOP_TEST_PW", "first");
    let config = Fixture::new().ok(&format!("{ONE_CLUSTER}password_env = \"ONTOP_TEST_PW\"\n"));
    let credentials = Credentials::new(false);
    let cluster = &config.clusters[0];
    assert_eq!(
        credentials.password_for(cluster).unwrap().expose_secret(),
        "first"
    );
    env.set("ONTOP_TEST_PW", "rotated");
    assert_eq!(
        credentials.password_for(cluster).unwrap().expose_secret(),
        "first",
        "cached"
    );
    credentials.forget(cluster);
    assert_eq!(
        credentials.password_for(cluster).unwrap().expose_secret(),
        "rotated"
    );
}

#[test]
fn an_empty_password_env_variable_is_refused() {
    let mut env = Env::lock();
    env.set("ONTOP_TEST_EMPTY_PW", "");
    let message = Fixture::new().error(&format!(
        "{ONE_CLUSTER}password_env = \"ONTOP_TEST_EMPTY_PW\"\n"
    ));
    assert_says(
        &message,
        &[
            "password_env: environment variable ONTOP_TEST_EMPTY_PW is empty",
            "export ONTOP_TEST_EMPTY_PW=",
        ],
    );
}

#[test]
fn a_relative_path_from_the_environment_starts_at_the_current_directory() {
    let mut env = Env::lock();
    let fx = Fixture::new();
    fx.write("ontop-test-ca.pem", "-----BEGIN CERTIFICATE-----\n");
    env.set("ONTOP__DEFAULTS__CA_FILE", "ontop-test-ca.pem");
    let message = fx.error(ONE_CLUSTER);
    let expected = std::env::current_dir().unwrap().join("ontop-test-ca.pem");
    assert_says(
        &message,
        &[
            "environment variable ONTOP__DEFAULTS__CA_FILE: ca_file:",
            &expected.display().to_string(),
        ],
    );
}
