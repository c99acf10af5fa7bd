//! `ontop trust` through the real binary: from an untrusted self-signed cluster to a
//! pinned one that `ontop status` accepts, as an admin would do it once per fleet.

use std::process::Output;

use crate::support::fleet::start_fleet;
use ontop_sim::CertStyle;

async fn ontop(args: &[&str], config: &std::path::Path) -> Output {
    crate::support::bin::run_ontop(args, config).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trust_all_write_pins_every_self_signed_cluster_and_status_then_answers() {
    let fleet = start_fleet(2, |o| o.cert_style = CertStyle::SelfSigned).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    // Forget the certificates the simulator wrote: the admin starts with nothing trusted.
    let text = std::fs::read_to_string(&config).unwrap();
    let untrusted: String = text
        .lines()
        .filter(|l| !l.starts_with("ca_file"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&config, format!("# my fleet\n{untrusted}")).unwrap();

    let before = ontop(&["status", "--json"], &config).await;
    assert_eq!(
        before.status.code(),
        Some(1),
        "self-signed certificates are not trusted yet"
    );

    let refused = ontop(&["trust", "--all", "--write"], &config).await;
    assert_eq!(
        refused.status.code(),
        Some(2),
        "no terminal and no --yes: nothing written"
    );

    let trust = ontop(&["trust", "--all", "--write", "--yes"], &config).await;
    let stdout = String::from_utf8_lossy(&trust.stdout);
    assert_eq!(
        trust.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&trust.stderr)
    );
    assert!(
        stdout.contains("self-signed") && stdout.contains("fingerprint = \"sha256:"),
        "{stdout}"
    );

    let written = std::fs::read_to_string(&config).unwrap();
    assert!(written.starts_with("# my fleet\n"), "comments are kept");
    assert_eq!(written.matches("fingerprint = \"sha256:").count(), 2);

    let after = ontop(&["status", "--json"], &config).await;
    assert_eq!(
        after.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&after.stdout)
    );
    let rows: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
    for row in rows.as_array().unwrap() {
        assert_eq!(row["tls"]["pinned"], true);
        assert_eq!(row["tls"]["insecure"], false);
    }
}
