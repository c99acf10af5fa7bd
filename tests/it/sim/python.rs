//! Fidelity: the vendor's Python client (`netapp-ontap`) runs its own examples
//! against the simulator via `scripts/python_fidelity.py`. Where python3 or the
//! `netapp_ontap` package is missing it says loudly that it skipped, except in CI
//! (`CI` set), where `.ci/run` installs it and a missing client is a failure.

use crate::support::sim::*;

async fn python_has_netapp_ontap() -> bool {
    tokio::process::Command::new("python3")
        .args(["-c", "import netapp_ontap, tomllib"])
        .output()
        .await
        .is_ok_and(|out| out.status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vendor_python_client_runs_its_examples_against_the_sim() {
    if !python_has_netapp_ontap().await {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the fidelity test: .ci/run installs netapp-ontap with pip"
        );
        crate::support::skip(
            "the vendor Python client fidelity test",
            "python3 with netapp-ontap is not installed (pip install netapp-ontap)",
        );
        return;
    }
    let fleet = start(fast_opts(1)).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sim.toml");
    fleet.write_config(&config).await.unwrap();

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/python_fidelity.py");
    let out = tokio::process::Command::new("python3")
        .arg(script)
        .arg("--config")
        .arg(&config)
        .output()
        .await
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "python fidelity failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("PASS"), "{stdout}");

    // The client polled the job with the fields it needs, and hydrated with fields=*.
    let log = fleet.request_log("sim-1");
    let paths: Vec<_> = log.iter().map(|r| r.path.as_str()).collect();
    assert!(
        paths.iter().any(|p| p.starts_with("/api/cluster/jobs/")
            && (p.contains("fields=message%2Cstate") || p.contains("fields=message,state"))),
        "{paths:#?}"
    );
    assert!(
        paths
            .iter()
            .any(|p| p.starts_with("/api/cluster/software/download?fields=")),
        "{paths:#?}"
    );
    // It validated the package with the vendor's own spelling of the flag.
    assert!(
        log.iter().any(|r| r.method == "PATCH"
            && r.path.starts_with("/api/cluster/software?")
            && r.path.contains("validate_only=True")),
        "{log:#?}"
    );
    // It uploaded the image as one multipart `file` part: the cluster has its bytes.
    let pattern: Vec<u8> = (0..256 * 1024).map(|i| (i % 251) as u8).collect();
    let digest = ring::digest::digest(&ring::digest::SHA256, &pattern);
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    let uploads = fleet.uploads("sim-1");
    assert_eq!(uploads.len(), 1, "{uploads:?}");
    assert_eq!(uploads[0].file_name, "ontap-9.18.1-image.tgz");
    assert_eq!(uploads[0].sha256.as_deref(), Some(hex.as_str()));
    assert!(
        log.iter()
            .any(|r| r.method == "POST" && r.path.starts_with("/api/cluster/software/upload")),
        "{log:#?}"
    );
    // It deleted the package by its version, and the log says so.
    assert!(
        log.iter().any(|r| r.method == "DELETE"
            && r.path
                .starts_with("/api/cluster/software/packages/9.16.1P3")),
        "{log:#?}"
    );
    fleet.shutdown().await;
}
