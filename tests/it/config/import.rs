//! `ontop config import harvest.yml`: the real binary turns a NetApp Harvest file into a
//! config that `ontop config check` accepts as it is, and refuses what is not one with
//! an error naming the file. The credentials script is a small shell script written in
//! the test's own directory.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Output;

use crate::support::bin::{run_ontop, run_without_config};
use crate::support::config::{Fixture, assert_says};

/// Defaults with a user, insecure TLS and labels; a poller with its own labels and a
/// plain password; one with a credentials script; a disabled one; a local one (no addr).
const HARVEST: &str = r#"
Exporters:
  prometheus1:
    exporter: Prometheus
    port_range: 2000-2030
Defaults:
  username: monitor
  use_insecure_tls: true
  labels:
    - org: abc
    - env: prod
  exporters:
    - prometheus1
Pollers:
  cluster-01:
    datacenter: DC-01
    addr: 10.0.1.1
    password: "pw-of-cluster-01"
    labels:
      - org: meg
      - ns: rtp
    prefer_zapi: true
  cluster-02:
    datacenter: DC-02
    addr: cluster-02.example.com:8443
    client_timeout: 45s
    credentials_script:
      path: ./get-pass
      schedule: 3h
  retired:
    addr: 10.0.9.9
    disabled: true
  unix-01:
    datacenter: local
    collectors:
      - Unix
"#;

/// The fixture with `harvest.yml` and its executable `get-pass` script beside it.
fn harvest_fixture(harvest: &str) -> (Fixture, PathBuf) {
    let fx = Fixture::new();
    let path = fx.write("harvest.yml", harvest);
    let script = fx.write("get-pass", "#!/bin/sh\necho \"pw-for-$1-$2\"\n");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    (fx, path)
}

/// Runs `ontop config import PATH` (it takes no `--config`: it reads no ontop config).
async fn import(fx: &Fixture, path: &std::path::Path) -> Output {
    let data = fx.dir.path().join("data");
    run_without_config(&["config", "import", &path.display().to_string()], &data).await
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_harvest_file_becomes_a_config_that_config_check_accepts() {
    let (fx, harvest) = harvest_fixture(HARVEST);
    let out = import(&fx, &harvest).await;
    let (toml, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_says(
        &toml,
        &[
            &format!("from {}", harvest.display()),
            "passwords copied from harvest.yml in plain text",
            "chmod 600",
            "poller \"retired\": disabled: true in harvest.yml",
            "poller \"unix-01\": no addr",
            "Defaults: exporters: not imported",
            "Exporters: Harvest's own sections",
        ],
    );
    let script = fx.dir.path().join("get-pass").display().to_string();
    assert_says(
        &toml,
        &[
            "[[cluster]]\n# prefer_zapi: not imported: ZAPI",
            "name = \"cluster-01\"\nurl = \"https://10.0.1.1\"\nusername = \"monitor\"",
            "password = \"pw-of-cluster-01\"",
            "insecure = true",
            // The poller's own labels replace those of Defaults; datacenter is a label.
            "labels = { datacenter = \"DC-01\", ns = \"rtp\", org = \"meg\" }",
            "name = \"cluster-02\"\nurl = \"https://cluster-02.example.com:8443\"",
            &format!(
                "password_command = [\"{script}\", \"cluster-02.example.com:8443\", \"monitor\"]"
            ),
            "a plain line, or YAML with a `password:`",
            "schedule \"3h\" is not carried over",
            "timeout = \"45s\"",
            "labels = { datacenter = \"DC-02\", env = \"prod\", org = \"abc\" }",
        ],
    );
    assert!(!toml.contains("retired\"\n"), "{toml}");
    assert_says(
        &stderr,
        &["2 cluster(s) imported", "2 poller(s) skipped", "plain text"],
    );

    let config = fx.config(&toml);
    let check = run_ontop(&["config", "check"], &config).await;
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    assert_says(
        &text(&check.stdout),
        &["2 clusters, every credential resolved"],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_file_is_a_usage_error_naming_it() {
    let fx = Fixture::new();
    let out = import(&fx, &fx.dir.path().join("harvest.yml")).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_says(
        &text(&out.stderr),
        &["harvest.yml: no such file", "ontop config import /"],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_is_not_yaml_is_refused_without_quoting_its_lines() {
    let (fx, harvest) = harvest_fixture("Pollers:\n  a:\n    password: [\"hunter2\"\n");
    let out = import(&fx, &harvest).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_says(
        &stderr,
        &["harvest.yml: not a harvest.yml ontop can read", "line "],
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yaml_without_pollers_is_refused_with_what_to_do() {
    let (fx, harvest) = harvest_fixture("Defaults:\n  username: monitor\npollers:\n  a: {}\n");
    let out = import(&fx, &harvest).await;
    assert_eq!(out.status.code(), Some(2));
    assert_says(
        &text(&out.stderr),
        &["no pollers in a Pollers section", "did you mean Pollers?"],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poller_with_a_hidden_character_in_its_name_is_skipped_and_the_rest_imported() {
    let (fx, harvest) = harvest_fixture(
        "Defaults:\n  username: monitor\n  password: pw\nPollers:\n  \"evil\\u202Ename\":\n    addr: 10.0.0.1\n  good:\n    addr: \"fd00::10\"\n",
    );
    let out = import(&fx, &harvest).await;
    let toml = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_says(
        &toml,
        &[
            "poller \"evilname\": the poller's name holds control, bidi or invisible characters",
            "name = \"good\"\nurl = \"https://[fd00::10]\"",
        ],
    );
    assert!(!toml.contains('\u{202E}'));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_writes_a_private_file_and_never_over_one() {
    let (fx, harvest) = harvest_fixture(HARVEST);
    let output = fx.dir.path().join("conf/ontop.toml");
    let data = fx.dir.path().join("data");
    let (harvest, target) = (harvest.display().to_string(), output.display().to_string());
    let argv = ["config", "import", &harvest, "--output", &target];
    let out = run_without_config(&argv, &data).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        out.stdout.is_empty(),
        "nothing printed: it went to the file"
    );
    let mode = std::fs::metadata(&output).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(text(&out.stderr).contains("ontop config check --config"));
    let first = std::fs::read_to_string(&output).unwrap();
    let again = run_without_config(&argv, &data).await;
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(std::fs::read_to_string(&output).unwrap(), first);
}
