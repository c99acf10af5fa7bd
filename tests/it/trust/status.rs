//! Certificate facts in `ontop status` (the real binary against the simulator): expiry
//! in `--json` and as a warning under the table, `insecure = true` still working and
//! said, and `ontop sim`'s config for self-signed clusters (each its own `ca_file`).

use std::path::Path;
use std::process::Output;

use crate::support::download::assert_exit;
use crate::support::fleet::start_fleet;
use ontop_sim::CertStyle;
use serde_json::Value;

async fn status(args: &[&str], config: &Path) -> Output {
    let args: Vec<&str> = std::iter::once("status")
        .chain(args.iter().copied())
        .collect();
    crate::support::bin::run_ontop(&args, config).await
}

fn rows(out: &Output) -> Vec<Value> {
    assert_exit(out, 0);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    doc.as_array().expect("an array").clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expiring_certificate_is_reported_in_json_and_warned_about_in_the_table() {
    let fleet = start_fleet(2, |o| o.cert_style = CertStyle::Expiring).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();

    for row in rows(&status(&["--json"], &config).await) {
        let tls = &row["tls"];
        let days = tls["days_left"].as_i64().expect("days_left");
        assert!((0..=10).contains(&days), "{row}");
        assert_eq!(tls["pinned"], false);
        assert_eq!(tls["insecure"], false);
        assert!(tls["expires"].as_str().unwrap().ends_with('Z'), "{row}");
        assert!(tls["fingerprint"].as_str().unwrap().starts_with("sha256:"));
    }
    let table = status(&[], &config).await;
    let text = String::from_utf8_lossy(&table.stdout);
    for cluster in fleet.clusters() {
        assert!(
            text.contains(&format!(
                "{}: warning: the TLS certificate expires in",
                cluster.name
            )),
            "{text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insecure_still_works_and_says_so_and_a_healthy_certificate_is_not_warned_about() {
    let fleet = start_fleet(1, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let table = status(&[], &config).await;
    assert!(!String::from_utf8_lossy(&table.stdout).contains("warning"));

    let text = std::fs::read_to_string(&config).unwrap();
    let ca_line = text.lines().find(|l| l.starts_with("ca_file")).unwrap();
    std::fs::write(&config, text.replace(ca_line, "insecure = true")).unwrap();
    let row = &rows(&status(&["--json"], &config).await)[0];
    assert_eq!(row["tls"]["insecure"], true, "{row}");
    assert_eq!(row["tls"]["pinned"], false);
    assert!(row["tls"]["days_left"].as_i64().unwrap() > 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_signed_fleet_config_names_each_clusters_own_certificate() {
    let fleet = start_fleet(2, |o| o.cert_style = CertStyle::SelfSigned).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let text = std::fs::read_to_string(&config).unwrap();
    for cluster in fleet.clusters() {
        let own = dir.path().join(format!("fleet-{}.pem", cluster.name));
        assert!(text.contains(&own.display().to_string()), "{text}");
        assert_eq!(
            std::fs::read_to_string(&own).unwrap(),
            fleet.cluster_cert_pem(&cluster.name).unwrap()
        );
    }
    assert!(!dir.path().join("fleet-ca.pem").exists());
    for row in rows(&status(&["--json"], &config).await) {
        assert_eq!(row["tls"]["self_signed"], true, "{row}");
        assert_eq!(row["tls"]["insecure"], false, "{row}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_has_no_tls_facts() {
    let fleet = start_fleet(1, |o| o.http = true).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    assert!(rows(&status(&["--json"], &config).await)[0]["tls"].is_null());
}
