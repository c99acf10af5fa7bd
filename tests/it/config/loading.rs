//! A valid config, as the rest of ontop sees it: inheritance from `[defaults]`, the
//! built-in defaults, `ontop config check` output, and secrets kept out of Debug output.
//! These tests never change the process environment (see `config_env.rs`).

use std::path::Path;
use std::time::Duration;

use crate::support::config::{Fixture, assert_says};
use ontop::testing::config::{CredentialSource, DEFAULT_POLL_INTERVAL, DEFAULT_TIMEOUT, load_from};

const FINGERPRINT: &str = "sha256:3A:9F:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD";

const FLEET: &str = r#"
[defaults]
username = "monitor"
password_command = ["pass", "show", "ontap/monitor"]
poll_interval = "10s"
read_only = true
labels = { team = "storage", env = "test" }

[download]
url = "https://repo.example.com/ontap/97_q_image.tgz"
username = "fetcher"

[[cluster]]
name = "prod-ams-1"
url = "https://10.20.0.10"
labels = { site = "ams", env = "prod" }
fingerprint = "sha256:3a9f00112233445566778899aabbccddeeff00112233445566778899aabbccdd"
tls_server_name = "prod-ams-1.example.com"

[[cluster]]
name = "lab-1"
url = "http://127.0.0.1:8080"
username = "admin"
password = "hunter2"
poll_interval = "1m 30s"
timeout = "45s"
read_only = false
insecure = true
"#;

#[test]
fn clusters_inherit_defaults_and_their_own_keys_win() {
    let config = Fixture::new().ok(FLEET);
    let [ams, lab] = &config.clusters[..] else {
        panic!("two clusters in file order")
    };
    assert_eq!(
        (ams.name.as_str(), lab.name.as_str()),
        ("prod-ams-1", "lab-1")
    );

    assert_eq!(ams.username, "monitor");
    assert!(
        matches!(&ams.credential, CredentialSource::Command(argv) if argv == &["pass", "show", "ontap/monitor"])
    );
    assert_eq!(ams.poll_interval, Duration::from_secs(10));
    assert_eq!(ams.timeout, DEFAULT_TIMEOUT);
    assert!(ams.read_only && !ams.insecure);
    let labels: Vec<(&str, &str)> = ams
        .labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        labels,
        [("env", "prod"), ("site", "ams"), ("team", "storage")],
        "merged, the cluster's own winning"
    );

    assert_eq!(lab.username, "admin");
    assert!(matches!(lab.credential, CredentialSource::Plain(_)));
    assert_eq!(
        (lab.poll_interval, lab.timeout),
        (Duration::from_secs(90), Duration::from_secs(45))
    );
    assert!(!lab.read_only && lab.insecure);
    assert_eq!(lab.fingerprint, None);
    assert_eq!(
        ams.fingerprint.map(|f| f.to_string()).as_deref(),
        Some(FINGERPRINT),
        "read in any case, kept in the canonical form"
    );
    assert_eq!(
        ams.tls_server_name.as_deref(),
        Some("prod-ams-1.example.com")
    );
    assert_eq!(lab.url.as_str(), "http://127.0.0.1:8080/");

    assert_eq!(
        config.download.url.as_ref().map(|u| u.as_str()),
        Some("https://repo.example.com/ontap/97_q_image.tgz")
    );
    assert_eq!(config.download.username.as_deref(), Some("fetcher"));
    // The one warning: lab-1 is reached over plain HTTP.
    assert_eq!(config.warnings.len(), 1, "{:?}", config.warnings);
    assert!(
        config.warnings[0].contains("plain HTTP for 1 cluster (lab-1)"),
        "{:?}",
        config.warnings
    );
    assert_eq!(
        config.cluster("lab-1").map(|c| c.timeout),
        Some(Duration::from_secs(45))
    );
}

#[test]
fn a_minimal_cluster_gets_the_built_in_defaults() {
    let config =
        Fixture::new().ok("[[cluster]]\nname = \"a\"\nurl = \"https://a\"\nusername = \"u\"\n");
    let a = &config.clusters[0];
    assert_eq!(
        (a.poll_interval, a.timeout),
        (DEFAULT_POLL_INTERVAL, DEFAULT_TIMEOUT)
    );
    assert!(!a.insecure && !a.read_only && a.ca_file.is_none() && a.labels.is_empty());
    assert!(matches!(a.credential, CredentialSource::Prompt));
    assert_eq!(config.download, Default::default());
}

#[test]
fn the_config_path_is_absolute_and_relative_files_are_taken_from_its_directory() {
    let fx = Fixture::new();
    fx.write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
    let path = fx.config(&format!(
        "{}ca_file = \"ca.pem\"\n",
        FLEET.replace("insecure = true\n", "")
    ));
    let config = load_from(&path).expect("valid");
    assert_eq!(config.path, path);
    assert_eq!(
        config.clusters[1].ca_file.as_deref(),
        Some(fx.dir.path().join("ca.pem").as_path())
    );
}

#[test]
fn debug_output_never_shows_a_plain_password() {
    let config = Fixture::new().ok(FLEET);
    for text in [
        format!("{config:?}"),
        format!("{:#?}", config.clusters[1]),
        format!("{:?}", config.clusters[1].credential),
    ] {
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("REDACTED"), "{text}");
    }
}

#[test]
fn render_redacted_shows_where_each_password_comes_from_but_never_the_password() {
    let config = Fixture::new().ok(FLEET);
    let text = config.render_redacted();
    assert!(!text.contains("hunter2"), "{text}");
    assert_says(
        &text,
        &[
            &config.path.display().to_string(),
            "[download]\nurl = \"https://repo.example.com/ontap/97_q_image.tgz\"\nusername = \"fetcher\"",
            "[[cluster]]\nname = \"prod-ams-1\"\nurl = \"https://10.20.0.10\"\nusername = \"monitor\"",
            "password = <from command [\"pass\", \"show\", \"ontap/monitor\"]>",
            "poll_interval = \"10s\"\ntimeout = \"30s\"\nread_only = true",
            "labels = { env = \"prod\", site = \"ams\", team = \"storage\" }",
            "password = <redacted: plain password in the config>",
            "poll_interval = \"1m 30s\"",
            "insecure = true",
            &format!("fingerprint = \"{FINGERPRINT}\""),
        ],
    );
}

#[test]
fn render_redacted_names_each_kind_of_source() {
    let fx = Fixture::new();
    fx.write("pw", "x\n");
    let text = fx
        .ok(r#"
            [defaults]
            username = "u"
            password_file = "pw"
            [[cluster]]
            name = "a"
            url = "https://a"
            [[cluster]]
            name = "b"
            url = "https://b"
            password_env = "PATH"
        "#)
        .render_redacted();
    assert_says(
        &text,
        &[
            &format!(
                "password = <from file {}>",
                fx.dir.path().join("pw").display()
            ),
            "password = <from env PATH>",
        ],
    );
}

/// That it shows every key of the config's key list is a unit test of that list
/// (`config::keys`), which also holds the starter to it.
#[test]
fn the_example_config_is_valid() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let config =
        load_from(&example).unwrap_or_else(|e| panic!("config.example.toml must load:\n{e}"));
    assert!(config.clusters.len() >= 2);
}
