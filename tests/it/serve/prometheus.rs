//! A real Prometheus (Debian's `prometheus`) scrapes `ontop serve`, and the test asks
//! Prometheus's HTTP API for the series; `promtool` checks and unit-tests the example
//! alert rules.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::Value;

use super::{Serving, get, plain_client, require};
use crate::support::fleet::eventually;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/prometheus")
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    socket.local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_prometheus_scrapes_ontop_serve() {
    let test = "a real Prometheus scrapes ontop serve";
    let Some(prometheus) = require("prometheus", test, "prometheus") else {
        return;
    };
    let serving = Serving::start(3, |_| {}, |text| text).await;
    let dir = serving.dir.path().join("prometheus");
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("prometheus.yml");
    let scrape = format!(
        "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: ontop\n    static_configs:\n      - targets: [\"{}\"]\n",
        serving.running.addr
    );
    std::fs::write(&config, scrape).unwrap();
    let port = free_port();
    let mut server = tokio::process::Command::new(prometheus)
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let http = plain_client();
    let query = |q: &str| {
        format!(
            "http://127.0.0.1:{port}/api/v1/query?query={}",
            urlencode(q)
        )
    };
    let names: Vec<String> = serving
        .fleet
        .clusters()
        .into_iter()
        .map(|c| c.name)
        .collect();
    let result = eventually("Prometheus has every cluster's state", || async {
        let (status, body) = match http
            .get(query(
                "ontap_software_download_state{state=\"not_started\"} == 1",
            ))
            .send()
            .await
        {
            Ok(answer) => (
                answer.status().as_u16(),
                answer.text().await.unwrap_or_default(),
            ),
            Err(_) => return None, // still starting
        };
        let doc: Value = serde_json::from_str(&body).ok()?;
        let result = doc["data"]["result"].as_array()?.clone();
        (status == 200 && result.len() == names.len()).then_some(result)
    })
    .await;
    let mut seen: Vec<String> = result
        .iter()
        .map(|r| r["metric"]["cluster"].as_str().unwrap().to_owned())
        .collect();
    seen.sort();
    assert_eq!(seen, names);
    assert_eq!(result[0]["metric"]["job"], "ontop");
    // The scrape itself is healthy, and the counters arrive with their names.
    let (_, body) = get(&http, &query("up{job=\"ontop\"}")).await;
    assert!(
        body.contains("\"value\":[") && body.contains(",\"1\"]"),
        "{body}"
    );
    let (_, body) = get(&http, &query("ontop_poll_duration_seconds_count > 0")).await;
    assert!(body.contains("ontop_poll_duration_seconds_count"), "{body}");
    let _ = server.kill().await;
}

#[test]
fn promtool_checks_the_example_config_and_rules_and_their_unit_tests() {
    let Some(promtool) = require(
        "promtool",
        "promtool checks the example rules",
        "prometheus",
    ) else {
        return;
    };
    for args in [
        vec!["check", "config", "prometheus.yml"],
        vec!["check", "rules", "alerts.yml"],
        vec!["test", "rules", "alerts_test.yml"],
    ] {
        let out = std::process::Command::new(&promtool)
            .args(&args)
            .current_dir(examples())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "promtool {}: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Percent-encodes a query for a URL (every byte outside the unreserved set).
fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
