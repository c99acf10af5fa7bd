//! Fleet-level behaviour: the written config, scenarios, fixed ports, shutdown.

use std::time::Duration;

use crate::support::sim::*;
use ontop_sim::{Scenario, SimFleet, SimOptions};

#[tokio::test]
async fn write_config_writes_a_parseable_private_config_and_the_ca_beside_it() {
    let fleet = start(fast_opts(3)).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fleet.toml");
    fleet.write_config(&path).await.unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    let config: toml::Table = toml::from_str(&text).unwrap();
    let defaults = config["defaults"].as_table().unwrap();
    assert_eq!(defaults["username"].as_str(), Some("admin"));
    assert_eq!(defaults["password"].as_str(), Some(fleet.password()));
    let ca_file = defaults["ca_file"].as_str().unwrap();
    assert_eq!(ca_file, dir.path().join("fleet-ca.pem").to_str().unwrap());
    assert_eq!(
        std::fs::read_to_string(ca_file).unwrap(),
        fleet.ca_pem().unwrap()
    );
    assert_eq!(
        config["download"]["url"].as_str(),
        Some(fleet.default_package_url().as_str())
    );
    let clusters = config["cluster"].as_array().unwrap();
    assert_eq!(clusters.len(), 3);
    for (written, actual) in clusters.iter().zip(fleet.clusters()) {
        assert_eq!(written["name"].as_str(), Some(actual.name.as_str()));
        assert_eq!(written["url"].as_str(), Some(actual.url.as_str()));
    }

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Written via a temporary file that is renamed away.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");

    // Rewriting over an existing file works (rename replaces it).
    fleet.write_config(&path).await.unwrap();
    fleet.shutdown().await;
}

#[tokio::test]
async fn an_http_config_has_no_ca_file() {
    let fleet = start(SimOptions {
        http: true,
        ..fast_opts(1)
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.toml");
    fleet.write_config(&path).await.unwrap();
    let config: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert!(config["defaults"].get("ca_file").is_none());
    assert!(
        config["cluster"][0]["url"]
            .as_str()
            .unwrap()
            .starts_with("http://")
    );
    assert!(!dir.path().join("plain-ca.pem").exists());
    fleet.shutdown().await;
}

#[tokio::test]
async fn the_demo_fleet_shows_every_condition() {
    let fleet = start(SimOptions {
        clusters: 10,
        scenario: Scenario::Demo,
        ..fast_opts(10)
    })
    .await;
    let names: Vec<_> = fleet.clusters().into_iter().map(|c| c.name).collect();
    assert_eq!(names.len(), 10);
    assert_eq!(names[0], "prod-ams-1");
    assert!(names.iter().all(|n| !n.starts_with("sim-")));

    // One downloading (a long real download), one done, one failed for real.
    assert_eq!(fleet.download_status("prod-ams-2").unwrap().0, "running");
    poll_until(
        &fleet,
        "prod-nyc-1",
        "/api/cluster/software/download",
        |b| b["state"] == "success",
    )
    .await;
    let failed = poll_until(&fleet, "dr-fra-1", "/api/cluster/software/download", |b| {
        b["state"] == "failure"
    })
    .await;
    assert_eq!(failed["code"], 10551885);
    let (_, packages) = get(&fleet, "prod-nyc-1", "/api/cluster/software/packages").await;
    assert_eq!(packages["num_records"], 1);

    // One slow, one down, one refusing the login.
    assert!(matches!(
        fleet.fault("lab-sfo-1"),
        Some(ontop_sim::Fault::Latency(d)) if d >= Duration::from_secs(1)
    ));
    assert_eq!(fleet.fault("test-lon-1"), Some(ontop_sim::Fault::Down));
    let (status, _) = get(&fleet, "edge-syd-1", "/api/cluster").await;
    assert_eq!(status, 401);
    let (status, body) = get(&fleet, "dev-tok-1", "/api/cluster/software/download").await;
    assert_eq!((status, body["state"].as_str()), (200, Some("not_started")));
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_fixed_port_puts_clusters_on_consecutive_ports_and_shutdown_frees_them() {
    // Find a free block by asking the OS for one port and hoping its neighbours
    // are free; retry a few times on another block if not.
    for _ in 0..5 {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let first = probe.local_addr().unwrap().port();
        drop(probe);
        if first > 65000 {
            continue;
        }
        let Ok(fleet) = SimFleet::start(SimOptions {
            port: Some(first),
            ..fast_opts(3)
        })
        .await
        else {
            continue;
        };
        let urls: Vec<_> = fleet.clusters().into_iter().map(|c| c.url).collect();
        assert_eq!(
            urls,
            (0..3)
                .map(|i| format!("https://127.0.0.1:{}", first + i))
                .collect::<Vec<_>>()
        );
        fleet.shutdown().await;
        crate::support::fleet::eventually("shutdown to close the ports", || async {
            let connect = tokio::net::TcpStream::connect(("127.0.0.1", first)).await;
            connect.is_err().then_some(())
        })
        .await;
        return;
    }
    panic!("no free block of 3 ports found");
}

#[tokio::test]
async fn a_generated_password_is_long_and_random() {
    let a = start(SimOptions {
        password: None,
        ..fast_opts(1)
    })
    .await;
    let b = start(SimOptions {
        password: None,
        ..fast_opts(1)
    })
    .await;
    assert!(a.password().len() >= 16);
    assert_ne!(a.password(), b.password());
    assert_eq!(a.username(), "admin");
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn many_clusters_start_and_answer() {
    let fleet = start(fast_opts(60)).await;
    assert_eq!(fleet.clusters().len(), 60);
    let (status, body) = get(&fleet, "sim-60", "/api/cluster").await;
    assert_eq!((status, body["name"].as_str()), (200, Some("sim-60")));
    fleet.shutdown().await;
}
