//! Everything that depends on the environment: the config path, `ONTOP__` overrides,
//! and `password_env`. Each test builds its own [`Environment`] instead of changing the
//! process's, which every test thread of the binary shares.

use std::time::Duration;

use crate::support::config::{Fixture, ONE_CLUSTER, assert_says};
use ontop::testing::config::{
    ConfigError, CredentialSource, Credentials, Environment, Prompting, default_config_path,
    load_in, resolve_path_in,
};
use secrecy::ExposeSecret;

fn env(vars: &[(&str, &str)]) -> Environment {
    Environment::fixed(vars.iter().copied())
}

#[test]
fn the_config_path_is_the_flag_then_ontop_config_then_the_default() {
    let default = default_config_path().expect("tests run with a home directory");
    assert!(
        default.ends_with("ontop/config.toml"),
        "{}",
        default.display()
    );
    assert_eq!(resolve_path_in(&env(&[]), None), Some(default.clone()));
    let with = env(&[("ONTOP_CONFIG", "/from/env.toml")]);
    assert_eq!(
        resolve_path_in(&with, None).unwrap(),
        std::path::Path::new("/from/env.toml")
    );
    let flag = std::path::Path::new("/from/flag.toml");
    assert_eq!(resolve_path_in(&with, Some(flag)).unwrap(), flag);
}

#[test]
fn load_reads_the_file_named_by_ontop_config_unless_the_flag_names_another() {
    let (one, two) = (Fixture::new(), Fixture::new());
    let env_file = one.config(ONE_CLUSTER);
    let flag_file = two.config(&ONE_CLUSTER.replace("prod-1", "other"));
    let env = env(&[("ONTOP_CONFIG", env_file.to_str().unwrap())]);
    assert_eq!(load_in(&env, None).unwrap().clusters[0].name, "prod-1");
    assert_eq!(
        load_in(&env, Some(&flag_file)).unwrap().clusters[0].name,
        "other"
    );
}

#[test]
fn a_missing_file_named_by_ontop_config_is_reported_as_not_found() {
    let fx = Fixture::new();
    let path = fx.dir.path().join("missing.toml");
    let env = env(&[("ONTOP_CONFIG", path.to_str().unwrap())]);
    let error = load_in(&env, None).expect_err("no file there");
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
    let env = env(&[
        ("ONTOP__DEFAULTS__POLL_INTERVAL", "10s"),
        ("ONTOP__DEFAULTS__INSECURE", "TRUE"),
        ("ONTOP__DEFAULTS__LABELS__TEAM", "storage"),
        (
            "ONTOP__DOWNLOAD__URL",
            "https://other.example.com/image.tgz",
        ),
    ]);
    let fx = Fixture::new();
    let text = format!(
        "{ONE_CLUSTER}\n[[cluster]]\nname = \"b\"\nurl = \"https://b\"\npoll_interval = \"2s\"\n"
    );
    let config = fx.ok_in(
        &env,
        &text.replace(
            "[defaults]",
            "[download]\nurl = \"https://x/y.tgz\"\n[defaults]",
        ),
    );
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
    let env = env(&[("ONTOP__DEFAULTS__PASSWORD_COMMAND", "printf from-env")]);
    let file = ONE_CLUSTER.replace("[\"printf\", \"pw\"]", "[\"false\"]");
    let config = Fixture::new().ok_in(&env, &file);
    let CredentialSource::Command(argv) = &config.clusters[0].credential else {
        panic!("a command")
    };
    assert_eq!(argv, &["printf", "from-env"]);
    let secret = Credentials::new(Prompting::Never)
        .password_for(&config.clusters[0])
        .unwrap();
    assert_eq!(secret.expose_secret(), "from-env");
}

#[test]
fn cluster_overrides_are_refused_naming_the_variable() {
    let env = env(&[("ONTOP__CLUSTER__0__URL", "https://elsewhere")]);
    let message = Fixture::new().error_in(&env, ONE_CLUSTER);
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
    let env = env(&[
        ("ONTOP__DEFAULTS__TIMEOUT", "soon"),
        ("ONTOP__DEFAULTS__USRNAME", "x"),
        ("ONTOP__DOWNLAOD__URL", "https://x"),
    ]);
    let message = Fixture::new().error_in(&env, ONE_CLUSTER);
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
    let env = env(&[("ONTOP_TEST_PW", "first")]);
    let text = format!("{ONE_CLUSTER}password_env = \"ONTOP_TEST_PW\"\n");
    let config = Fixture::new().ok_in(&env, &text);
    let credentials = Credentials::new(Prompting::Never).with_environment(env.clone());
    let cluster = &config.clusters[0];
    assert_eq!(
        credentials.password_for(cluster).unwrap().expose_secret(),
        "first"
    );
    assert!(env.set("ONTOP_TEST_PW", "rotated"));
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
    let env = env(&[("ONTOP_TEST_EMPTY_PW", "")]);
    let message = Fixture::new().error_in(
        &env,
        &format!("{ONE_CLUSTER}password_env = \"ONTOP_TEST_EMPTY_PW\"\n"),
    );
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
    let fx = Fixture::new();
    fx.write("ontop-test-ca.pem", "-----BEGIN CERTIFICATE-----\n");
    let env = env(&[("ONTOP__DEFAULTS__CA_FILE", "ontop-test-ca.pem")]);
    let message = fx.error_in(&env, ONE_CLUSTER);
    let expected = std::env::current_dir().unwrap().join("ontop-test-ca.pem");
    assert_says(
        &message,
        &[
            "environment variable ONTOP__DEFAULTS__CA_FILE: ca_file:",
            &expected.display().to_string(),
        ],
    );
}
