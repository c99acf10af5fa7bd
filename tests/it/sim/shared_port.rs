//! The shared port: many clusters on one listener, each at a loopback address of its own
//! or known by its name in TLS SNI, and the product's config for it.

use std::time::Duration;

use crate::support::sim::*;
use ontop_sim::{Fault, SimFleet, SimOptions};

fn shared(clusters: usize) -> SimOptions {
    SimOptions {
        shared_port: true,
        ..fast_opts(clusters)
    }
}

async fn name_at(fleet: &SimFleet, cluster: &str) -> Option<String> {
    let (status, body) = get(fleet, cluster, "/api/cluster?fields=name").await;
    (status == 200).then(|| body["name"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn every_cluster_answers_on_one_port_at_its_own_address() {
    let fleet = start(shared(3)).await;
    let urls: Vec<reqwest::Url> = fleet
        .clusters()
        .iter()
        .map(|c| c.url.parse().unwrap())
        .collect();
    assert!(urls.iter().all(|u| u.port() == urls[0].port()), "{urls:?}");
    let hosts: Vec<_> = urls.iter().map(|u| u.host_str().unwrap()).collect();
    assert_eq!(hosts, ["127.1.0.1", "127.1.0.2", "127.1.0.3"]);
    for name in ["sim-1", "sim-2", "sim-3"] {
        assert_eq!(name_at(&fleet, name).await.as_deref(), Some(name));
    }
    // Each keeps its own books.
    start_download(&fleet, "sim-2", &fleet.default_package_url()).await;
    assert_eq!(fleet.download_status("sim-1").unwrap().0, "not_started");
    fleet.shutdown().await;
}

#[tokio::test]
async fn the_name_asked_for_in_sni_wins_over_the_address() {
    let fleet = start(shared(3)).await;
    let first: reqwest::Url = fleet.clusters()[0].url.parse().unwrap();
    let address = std::net::SocketAddr::new(
        first.host_str().unwrap().parse().unwrap(),
        first.port().unwrap(),
    );
    // Dial sim-1's address, ask for sim-3 by name: sim-3 answers, with a certificate
    // for that name.
    let tls = ontop_sim::client_config(fleet.ca_pem()).unwrap();
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .no_proxy()
        .resolve("sim-3", address)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let body: serde_json::Value = client
        .get(format!("https://sim-3:{}/api/cluster", address.port()))
        .basic_auth(fleet.username(), Some(fleet.password()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["name"], "sim-3");
    fleet.shutdown().await;
}

#[tokio::test]
async fn plain_http_and_an_address_no_cluster_has() {
    let fleet = start(SimOptions {
        http: true,
        ..shared(2)
    })
    .await;
    assert_eq!(name_at(&fleet, "sim-2").await.as_deref(), Some("sim-2"));
    let port = fleet.clusters()[0]
        .url
        .rsplit(':')
        .next()
        .unwrap()
        .to_string();
    let stray = client(&fleet)
        .get(format!("http://127.1.0.99:{port}/api/cluster"))
        .send()
        .await;
    assert!(stray.is_err(), "{stray:?}");
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_cluster_down_on_the_shared_port_resets_and_the_others_answer() {
    let fleet = start(shared(2)).await;
    fleet.set_fault("sim-1", Fault::Down);
    let down = client(&fleet)
        .get(url(&fleet, "sim-1", "/api/cluster"))
        .send()
        .await;
    assert!(down.is_err(), "{down:?}");
    assert_eq!(name_at(&fleet, "sim-2").await.as_deref(), Some("sim-2"));
    fleet.set_fault("sim-1", Fault::None);
    assert_eq!(name_at(&fleet, "sim-1").await.as_deref(), Some("sim-1"));
    // A renewed certificate still names the cluster's own address.
    fleet.rotate_certificate("sim-1").unwrap();
    assert_eq!(name_at(&fleet, "sim-1").await.as_deref(), Some("sim-1"));
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ontop_status_answers_a_shared_port_fleet_from_its_written_config() {
    let fleet = start(shared(5)).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let out = crate::support::bin::run_ontop(&["status", "--json"], &config).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<_> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["name"])
        .collect();
    assert_eq!(names, ["sim-1", "sim-2", "sim-3", "sim-4", "sim-5"]);
    fleet.shutdown().await;
}
