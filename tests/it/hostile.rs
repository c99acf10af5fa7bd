//! A hostile or broken cluster, and a bad config, against the real client and binary:
//! nothing followed, nothing unbounded, no panic, no secret shown or stored, nothing
//! sent that was not audited first. Each test is one of the failures ontop once had.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use crate::support::bin::{run_ontop, run_with};
use crate::support::download::{Setup, assert_exit, posts, text};
use crate::support::fleet::{client, client_with, fleet_trust, start_fleet};
use ontop::testing::ontap::{DownloadRequest, ErrorKind, TlsTrust};
use ontop_sim::{Fault, SimFleet};

async fn fleet_config(fleet: &SimFleet) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    (dir, config)
}

fn redirect_to(location: &str) -> Fault {
    Fault::Redirect {
        status: 307,
        location: location.to_string(),
    }
}

fn request(url: &str) -> DownloadRequest {
    DownloadRequest {
        url: url.to_string(),
        username: Some("fetch".into()),
        password: Some("package-password-8d2e".to_string().into()),
    }
}

// 1. Redirects are never followed.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirected_post_goes_nowhere_not_even_to_a_read_only_cluster() {
    let fleet = start_fleet(2, |_| {}).await;
    let [a, b] = [0, 1].map(|i| fleet.clusters()[i].clone());
    fleet.set_fault(&a.name, redirect_to(&b.url));
    for status in [307, 308, 301, 302] {
        let location = b.url.clone();
        fleet.set_fault(&a.name, Fault::Redirect { status, location });
        let error = client(&fleet, 0)
            .start_download(&request(&fleet.default_package_url()), 0)
            .await
            .expect_err("a redirect is not a start");
        assert_eq!(error.kind, ErrorKind::Http, "{error}");
        assert_eq!(error.http_status, Some(status));
        assert!(error.message.contains("never follows redirects"), "{error}");
        assert!(
            error.message.contains(&b.url),
            "names where it pointed: {error}"
        );
    }
    assert!(
        fleet.request_log(&b.name).is_empty(),
        "nothing reached {}",
        b.name
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirected_get_to_plain_http_is_an_error_not_the_other_servers_answer() {
    let fleet = start_fleet(1, |_| {}).await;
    let other = start_fleet(1, |o| o.http = true).await;
    let name = fleet.clusters()[0].name.clone();
    fleet.set_fault(&name, redirect_to(&other.clusters()[0].url));
    let (_dir, config) = fleet_config(&fleet).await;
    let out = run_ontop(&["status", "--json"], &config).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["error"]["kind"], "http");
    assert!(rows[0]["download"].is_null());
    let hint = rows[0]["error"]["hint"].as_str().unwrap();
    assert!(hint.contains("own management address"), "{hint}");
    assert!(other.request_log(&other.clusters()[0].name).is_empty());
}

// 2. Every answer is read under a cap.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enormous_and_endless_answers_stop_at_the_cap() {
    let fleet = start_fleet(1, |_| {}).await;
    let name = fleet.clusters()[0].name.clone();
    for fault in [Fault::Huge, Fault::Endless] {
        fleet.set_fault(&name, fault.clone());
        let error = client(&fleet, 0).download_status().await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::Decode, "{fault}: {error}");
        assert!(
            error.message.contains("answer larger than 4 MiB"),
            "{error}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_drips_is_a_timeout_that_says_so() {
    let fleet = start_fleet(1, |_| {}).await;
    let name = fleet.clusters()[0].name.clone();
    fleet.set_fault(&name, Fault::Drip);
    let slow = client_with(
        &fleet,
        0,
        fleet_trust(&fleet),
        fleet.password(),
        Duration::from_secs(2),
    );
    let error = slow.download_status().await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Timeout);
    assert!(
        error.message.contains("did not end within the timeout"),
        "{error}"
    );
}

// 3. No panic on any input.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seventy_thousand_characters_from_a_cluster_cannot_break_status() {
    let fleet = start_fleet(2, |_| {}).await;
    fleet.set_fault(&fleet.clusters()[0].name, Fault::LongText);
    let (_dir, config) = fleet_config(&fleet).await;
    let table = run_ontop(&["status"], &config).await;
    assert_eq!(table.status.code(), Some(0), "{}", text(&table.stderr));
    let stdout = text(&table.stdout);
    for line in stdout.lines() {
        assert!(
            line.chars().count() < 300,
            "a {}-character line",
            line.chars().count()
        );
    }
    assert!(
        stdout.contains("sim-2"),
        "every cluster is printed: {stdout}"
    );
    let json = run_ontop(&["status", "--json"], &config).await;
    let rows: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let state = rows[0]["download"]["state"].as_str().unwrap();
    assert!(
        state.chars().count() <= ontop::testing::text::MAX_FIELD,
        "capped as it is read"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stdout_ends_status_quietly() {
    let fleet = start_fleet(3, |_| {}).await;
    let (dir, config) = fleet_config(&fleet).await;
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader); // `ontop status | head -0`: nobody reads
    let out = crate::support::bin::std_command(&dir.path().join("data"))
        .args(["status", "--config"])
        .arg(&config)
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("panicked"),
        "{}",
        text(&out.stderr)
    );
}

/// Loads `text` as a config with the binary; its output.
async fn config_check(text: &str) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    let out = run_ontop(&["config", "check"], &path).await;
    (dir, out)
}

const CLUSTER: &str = "[defaults]\nusername = \"u\"\npassword_command = [\"printf\", \"pw\"]\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_names_and_durations_are_config_errors_naming_the_key() {
    let long = "n".repeat(70_000);
    let (_d, out) = config_check(&format!(
        "{CLUSTER}[[cluster]]\nname = \"{long}\"\nurl = \"https://a\"\n"
    ))
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("name: the value is 70000 characters long"),
        "{}",
        text(&out.stderr)
    );
    // "a " beside "a" would look the same in every table.
    let (_d, out) = config_check(&format!(
        "{CLUSTER}[[cluster]]\nname = \"a \"\nurl = \"https://a\"\n"
    ))
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("\"a \" starts or ends with a space")
            && text(&out.stderr).contains("name = \"a\""),
        "{}",
        text(&out.stderr)
    );
    for (key, value) in [
        ("poll_interval", "9223372036854775807s"),
        ("poll_interval", "99999999999999999999s"),
        ("timeout", "18446744073709551615s"),
        ("timeout", "2h"),
    ] {
        let (_d, out) = config_check(&format!(
            "{CLUSTER}{key} = \"{value}\"\n[[cluster]]\nname = \"a\"\nurl = \"https://a\"\n"
        ))
        .await;
        assert_eq!(out.status.code(), Some(2), "{key}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(&format!("{key}: ")) && stderr.contains("at most"),
            "{stderr}"
        );
    }
    let (_d, out) = config_check(&format!(
        "{CLUSTER}[download]\nmax_running = 99999999999999999999999\n\
         [[cluster]]\nname = \"a\"\nurl = \"https://a\"\n"
    ))
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("line 5") && text(&out.stderr).contains("number is too large"),
        "{}",
        text(&out.stderr)
    );
}

/// Two label keys that make one metric label name lose a value in `ontop serve`'s
/// metrics; the config check says so, naming both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labels_that_make_one_metric_label_are_warned() {
    let (_d, out) = config_check(&format!(
        "{CLUSTER}[[cluster]]\nname = \"a\"\nurl = \"https://a\"\n\
         labels = {{ \"a-b\" = \"1\", \"a_b\" = \"2\" }}\n"
    ))
    .await;
    let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        said.contains("labels \"a-b\" and \"a_b\" (both a_b)") && said.contains("rename one"),
        "{said}"
    );
}

// 4. Secrets are masked wherever they would show.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_check_masks_the_package_url_and_toml_errors_hide_secret_lines() {
    let (_d, out) = config_check(&format!(
        "{CLUSTER}[download]\nurl = \"https://fetch:url-pw-4f1a@repo/i.tgz?token=tok-9b2c\"\n\
         [[cluster]]\nname = \"a\"\nurl = \"https://a\"\n"
    ))
    .await;
    assert_exit(&out, 0);
    let shown = text(&out.stdout);
    assert!(
        shown.contains("https://fetch:***@repo/i.tgz?***"),
        "{shown}"
    );
    assert!(!shown.contains("url-pw-4f1a") && !shown.contains("tok-9b2c"));
    let (_d, out) = config_check("[defaults]\nusername = \"u\"\npassword = hunter2-5e7d\n").await;
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out.stderr);
    assert!(
        said.contains("line 3") && !said.contains("hunter2-5e7d"),
        "{said}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_in_the_package_url_is_stored_masked() {
    let fleet = start_fleet(1, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let url = format!("{}?token=tok-7c3e", fleet.default_package_url());
    let out = setup
        .ontop(&["download", "--all", "--yes", "--url", &url])
        .await;
    assert_exit(&out, 0);
    assert!(!text(&out.stdout).contains("tok-7c3e"));
    let audit = setup.audit();
    assert!(
        audit
            .iter()
            .all(|l| l["url"].as_str().unwrap().ends_with("?***")),
        "{audit:?}"
    );
    let journal = setup.journal();
    assert!(
        journal[0]["url"].as_str().unwrap().ends_with("?***"),
        "{journal:?}"
    );
}

// 5. Private files, and 6. audit first.

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_dir_is_private_and_every_file_in_it_too() {
    use std::os::unix::fs::PermissionsExt;
    let fleet = start_fleet(1, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let out = setup.ontop(&["download", "--all", "--yes"]).await;
    assert_exit(&out, 0);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&setup.data_dir()), 0o700);
    let files: Vec<_> = std::fs::read_dir(setup.data_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(files.len() >= 3, "audit log, journal, its lock: {files:?}");
    for file in files {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
        assert!(
            !file.to_string_lossy().ends_with(".tmp"),
            "a leftover {}",
            file.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_that_cannot_be_audited_is_not_sent() {
    let fleet = start_fleet(2, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    // Something else holds the audit log's name: no line can be written there.
    std::fs::create_dir_all(setup.data_dir().join("audit.jsonl")).unwrap();
    let out = setup.ontop(&["download", "--all", "--yes"]).await;
    assert_exit(&out, 2);
    let said = text(&out.stderr);
    assert!(
        said.contains("nothing was sent") && said.contains("audit log"),
        "{said}"
    );
    for cluster in fleet.clusters() {
        assert_eq!(
            posts(&fleet, &cluster.name),
            0,
            "{} got a POST",
            cluster.name
        );
    }
}

// 8. Names that would do things to a terminal, and 9. honest kinds and warnings.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bidi_override_in_a_cluster_name_is_refused() {
    let (_d, out) = config_check(&format!(
        "{CLUSTER}[[cluster]]\nname = \"prod\u{202e}1-dma\"\nurl = \"https://a\"\n"
    ))
    .await;
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out.stderr);
    assert!(said.contains("name") && said.contains("bidi"), "{said}");
    assert!(
        !said.contains('\u{202e}'),
        "the override reached the terminal"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_http_is_a_protocol_error() {
    let fleet = start_fleet(1, |_| {}).await;
    let name = fleet.clusters()[0].name.clone();
    for fault in [Fault::Garbage, Fault::BigHeaders] {
        fleet.set_fault(&name, fault.clone());
        let error = client(&fleet, 0).download_status().await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::Protocol, "{fault}: {error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_cut_short_says_so_and_how_much_came() {
    for http in [true, false] {
        let fleet = start_fleet(1, |o| o.http = http).await;
        let name = fleet.clusters()[0].name.clone();
        fleet.set_fault(&name, Fault::Truncated);
        let trust = if http {
            TlsTrust::System
        } else {
            fleet_trust(&fleet)
        };
        let client = client_with(&fleet, 0, trust, fleet.password(), Duration::from_secs(5));
        let error = client.download_status().await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::Connect, "{error}");
        assert!(
            error
                .message
                .contains("the connection closed in the middle of the answer (35 bytes came)"),
            "http {http}: {error}"
        );
        // It answered (200), then the connection went: not a LIF that is down.
        assert_eq!(error.http_status, Some(200), "{error}");
        assert!(error.hint().contains("began to answer"), "{}", error.hint());
        assert!(!error.hint().contains("management LIF"), "{}", error.hint());
        fleet.set_fault(&name, Fault::BadChunk);
        let error = client.download_status().await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::Protocol, "http {http}: {error}");
        assert!(
            error
                .message
                .contains("the answer's body is not valid HTTP"),
            "http {http}: {error}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_answer_or_an_odd_status_is_no_healthy_cluster() {
    let fleet = start_fleet(3, |_| {}).await;
    fleet.set_fault("sim-1", Fault::EmptyJson);
    fleet.set_fault("sim-2", Fault::Status999);
    let error = client(&fleet, 0).cluster().await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Decode, "{error}");
    assert!(
        error.message.contains("no cluster name and no version"),
        "{error}"
    );
    let error = client(&fleet, 0).download_status().await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Decode, "{error}");
    assert!(
        error.message.contains("no state, message or code"),
        "{error}"
    );
    let error = client(&fleet, 1).download_status().await.unwrap_err();
    assert_eq!(
        (error.kind, error.http_status),
        (ErrorKind::Protocol, Some(999)),
        "{error}"
    );

    let (_dir, config) = fleet_config(&fleet).await;
    let out = run_ontop(&["status", "--jsonl"], &config).await;
    assert_exit(&out, 1);
    let stdout = text(&out.stdout);
    let health: Vec<String> = stdout
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap()["health"].to_string())
        .collect();
    assert_eq!(health, ["\"failing\"", "\"failing\"", "\"ok\""], "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_a_cluster_echoes_back_is_hidden() {
    let fleet = start_fleet(1, |_| {}).await;
    fleet.set_fault("sim-1", Fault::Echo);
    let error = client(&fleet, 0).download_status().await.unwrap_err();
    assert!(
        error
            .message
            .contains("authorization: Basic *** (admin:***)"),
        "{error}"
    );
    let (_dir, config) = fleet_config(&fleet).await;
    let out = run_ontop(&["status", "--json"], &config).await;
    let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(said.contains("Basic ***"), "{said}");
    assert!(!said.contains(fleet.password()), "{said}");
}

/// A cluster that refuses a download by quoting it (the body, the URL without its
/// scheme, the URL percent-encoded) shows none of the package server's secrets on
/// screen or in the audit log: its password, the URL's password, the token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_package_secret_a_cluster_quotes_back_is_hidden_everywhere() {
    let fleet = start_fleet(1, |_| {}).await;
    fleet.set_fault("sim-1", Fault::EchoBody);
    let (dir, config) = fleet_config(&fleet).await;
    let data = dir.path().join("data");
    let url = "http://fetch:UrlPw%2FSECRET@127.0.0.1:9/ontap-9.17.1-image.tgz?tok=TOKSECRET";
    let args = [
        "download",
        "--cluster",
        "sim-1",
        "--url",
        url,
        "--username",
        "u",
        "--password-env",
        "PKGPW",
        "--yes",
    ];
    let out = run_with(&args, &config, &data, &[("PKGPW", "PkgPassSECRET")]).await;
    assert_exit(&out, 1);
    let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        said.contains("cannot fetch fetch:***@127.0.0.1:9"),
        "{said}"
    );
    let audit = std::fs::read_to_string(data.join("ontop/audit.jsonl")).unwrap();
    assert!(audit.contains("cannot fetch"), "{audit}");
    for secret in ["PkgPassSECRET", "UrlPw", "TOKSECRET"] {
        assert!(!said.contains(secret), "{secret} in {said}");
        assert!(!audit.contains(secret), "{secret} in {audit}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_is_warned_and_one_address_with_two_read_only_settings_is_refused() {
    let fleet = start_fleet(1, |o| o.http = true).await;
    let (_dir, config) = fleet_config(&fleet).await;
    let out = run_ontop(&["status"], &config).await;
    assert!(
        text(&out.stderr).contains("plain HTTP for 1 cluster"),
        "{}",
        text(&out.stderr)
    );
    let checked = run_ontop(&["config", "check"], &config).await;
    assert!(
        text(&checked.stdout).contains("plain HTTP"),
        "{}",
        text(&checked.stdout)
    );
    let (_d, out) = config_check(&format!(
        "{CLUSTER}[[cluster]]\nname = \"a\"\nurl = \"https://10.0.0.1\"\n\
         [[cluster]]\nname = \"b\"\nurl = \"https://10.0.0.1\"\nread_only = true\n"
    ))
    .await;
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out.stderr);
    assert!(
        said.contains("\"a\" and \"b\" are the same cluster"),
        "{said}"
    );

    // Each cluster is held against the first earlier one at its address that differs;
    // another address, or the same setting at this one, is no clash.
    let (_d, out) = config_check(&format!(
        "{CLUSTER}[[cluster]]\nname = \"a\"\nurl = \"https://10.0.0.1\"\n\
         [[cluster]]\nname = \"b\"\nurl = \"https://10.0.0.1\"\nread_only = true\n\
         [[cluster]]\nname = \"c\"\nurl = \"https://10.0.0.1\"\n\
         [[cluster]]\nname = \"d\"\nurl = \"https://10.0.0.2\"\nread_only = true\n\
         [[cluster]]\nname = \"e\"\nurl = \"https://10.0.0.2\"\nread_only = true\n"
    ))
    .await;
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out.stderr);
    assert!(
        said.contains("\"a\" and \"b\" are the same cluster"),
        "{said}"
    );
    assert!(
        said.contains("\"b\" and \"c\" are the same cluster"),
        "{said}"
    );
    assert_eq!(said.matches("are the same cluster").count(), 2, "{said}");
}
