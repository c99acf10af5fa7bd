//! A real Prometheus (Debian's `prometheus`) scrapes `ontop serve`, and the test asks
//! Prometheus's HTTP API for the series; every query of the example Grafana dashboard
//! returns data from it; `promtool` checks and unit-tests the example alert rules.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::Value;

use ontop_sim::Fault;

use super::page::with_sites;
use super::{Serving, get, plain_client, require};
use crate::support::fleet::{eventually, start_fleet};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/prometheus")
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    socket.local_addr().unwrap().port()
}

/// A real Prometheus scraping `serving` every second, on a free loopback port; killed
/// when dropped.
fn start_prometheus(prometheus: &Path, serving: &Serving) -> (tokio::process::Child, u16) {
    let dir = serving.dir.path().join("prometheus");
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("prometheus.yml");
    let scrape = format!(
        "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: ontop\n    static_configs:\n      - targets: [\"{}\"]\n",
        serving.running.addr
    );
    std::fs::write(&config, scrape).unwrap();
    let port = free_port();
    let server = tokio::process::Command::new(prometheus)
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
    (server, port)
}

/// The instant-query URL of `q` on the Prometheus at `port`.
fn query_url(port: u16, q: &str) -> String {
    format!(
        "http://127.0.0.1:{port}/api/v1/query?query={}",
        urlencode(q)
    )
}

/// The result of query `q`, once Prometheus answers it (it may still be starting).
async fn result_of(http: &reqwest::Client, port: u16, q: &str) -> Option<Vec<Value>> {
    let answer = http.get(query_url(port, q)).send().await.ok()?;
    if answer.status() != 200 {
        return None;
    }
    let doc: Value = serde_json::from_str(&answer.text().await.ok()?).ok()?;
    doc["data"]["result"].as_array().cloned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_prometheus_scrapes_ontop_serve() {
    let test = "a real Prometheus scrapes ontop serve";
    let Some(prometheus) = require("prometheus", test, "prometheus") else {
        return;
    };
    let serving = Serving::start(3, |_| {}, |text| text).await;
    let (mut server, port) = start_prometheus(&prometheus, &serving);
    let http = plain_client();
    let query = |q: &str| query_url(port, q);
    let names = serving.names();
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

/// Every query of a panel of the dashboard (rows hold none), with its panel's title.
fn panel_queries(dashboard: &Value) -> Vec<(String, String)> {
    let mut queries = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for panel in dashboard["panels"].as_array().expect("panels") {
        let title = panel["title"].as_str().expect("a title").to_owned();
        assert!(
            ids.insert(panel["id"].as_i64().expect("an id")),
            "{title}: id twice"
        );
        assert!(
            panel["gridPos"]["w"].as_i64().is_some(),
            "{title}: no gridPos"
        );
        if panel["type"] == "row" {
            continue;
        }
        let targets = panel["targets"].as_array().expect("targets");
        assert!(!targets.is_empty(), "{title}: no query");
        for target in targets {
            assert_eq!(target["datasource"]["uid"], "${datasource}", "{title}");
            assert!(target["refId"].is_string(), "{title}");
            let expr = target["expr"].as_str().expect("an expr").to_owned();
            queries.push((title.clone(), expr));
        }
    }
    queries
}

/// A query as Grafana sends it with every site chosen (the `All` value `.*`) and a rate
/// interval a 1 s scrape fills.
fn substituted(expr: &str) -> String {
    expr.replace("$__rate_interval", "1m")
        .replace("$site", ".*")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_grafana_panel_query_returns_data_from_a_real_prometheus() {
    let test = "the Grafana dashboard's queries against a real Prometheus";
    let Some(prometheus) = require("prometheus", test, "prometheus") else {
        return;
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/grafana/ontop.json");
    let dashboard: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    let site = dashboard["templating"]["list"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "site")
        .expect("a site variable");
    assert_eq!(site["allValue"], ".*");
    assert_eq!(site["definition"], "label_values(ontop_cluster_up, site)");
    let queries = panel_queries(&dashboard);
    assert!(queries.len() >= 10, "{queries:?}");

    // A fleet worth a dashboard, in two sites: a package held, a download failed, one
    // running (slowly), a cluster down.
    let fleet = start_fleet(4, |o| o.faults.push(("sim-4".into(), Fault::Down))).await;
    let url = fleet.default_package_url();
    fleet.finish_download("sim-1", &url).unwrap();
    fleet
        .fail_download("sim-2", &url, 10551885, "invalid URL")
        .unwrap();
    let slow = fleet.package_url_with("ontap-9.17.1-image.tgz", 1 << 30, 1024);
    fleet.start_download("sim-3", &slow).unwrap();
    let serving = Serving::over(fleet, |text| with_sites(text, 4)).await;
    let (_server, port) = start_prometheus(&prometheus, &serving);
    let http = plain_client();
    for (title, expr) in &queries {
        let q = substituted(expr);
        let result = eventually(&format!("data for {title}: {q}"), || async {
            result_of(&http, port, &q).await.filter(|r| !r.is_empty())
        })
        .await;
        assert!(result[0]["value"][1].is_string(), "{title}: {result:?}");
    }
    // The site variable's own question, as Grafana asks it.
    let (_, body) = get(
        &http,
        &format!(
            "http://127.0.0.1:{port}/api/v1/label/site/values?match[]={}",
            urlencode("ontop_cluster_up")
        ),
    )
    .await;
    assert!(
        body.contains("\"ams\"") && body.contains("\"fra\""),
        "{body}"
    );
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
