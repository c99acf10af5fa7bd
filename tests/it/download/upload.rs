//! Uploading an image from this host (`ontop download --file`): streamed to each cluster,
//! its SHA-256 computed first and checked against the one given, clusters older than 9.8
//! skipped with their reason, each refusal with its words and next step, a connection
//! cut off on the way said with how far it got, and the image in the repository after.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::download::{Setup, WAIT, assert_exit, text};
use crate::support::fleet::start_fleet;
use ontop_sim::Fault;

/// An image of `size` bytes named after a release, and its SHA-256.
fn image(dir: &Path, name: &str, size: usize) -> (PathBuf, String) {
    let path = dir.join(name);
    let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &bytes).unwrap();
    let digest = ring::digest::digest(&ring::digest::SHA256, &bytes);
    let hex = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    (path, hex)
}

fn uploads(fleet: &ontop_sim::SimFleet, cluster: &str) -> usize {
    fleet
        .request_log(cluster)
        .iter()
        .filter(|r| r.method == "POST" && r.path.starts_with("/api/cluster/software/upload"))
        .count()
}

/// Each plain line of `cluster` says a state once: once its start is answered, never
/// "starting" again, and "started" only on the line of the answer, with its job.
fn each_state_said_once(stdout: &str, cluster: &str) {
    let said: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix(cluster))
        .collect();
    let answered = said.iter().position(|l| l.contains("started")).unwrap();
    assert!(said[answered].contains("job "), "{stdout}");
    assert!(
        !said[answered..].iter().any(|l| l.contains("starting")),
        "{stdout}"
    );
    assert_eq!(
        said.iter().filter(|l| l.contains("started")).count(),
        1,
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_reaches_each_cluster_that_can_take_it_and_lands_in_its_repository() {
    let fleet = start_fleet(3, |o| {
        o.upload_processing = Duration::from_millis(200);
        o.versions = vec![("sim-3".into(), "9.7.0".into())];
    })
    .await;
    let setup = Setup::new(&fleet).await;
    let dir = tempfile::tempdir().unwrap();
    let (path, sha256) = image(dir.path(), "9181_q_image.tgz", 3 << 20);
    let file = path.to_str().unwrap();
    let mut args = vec![
        "download", "--all", "--yes", "--file", file, "--sha256", &sha256,
    ];
    args.extend(WAIT);
    let out = setup.ontop(&args).await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_exit(&out, 0);
    assert!(
        stdout.contains(
            "skip sim-3: ONTAP 9.7.0 cannot take an upload (9.8 and later do): give it a URL"
        ),
        "{stdout}"
    );
    assert!(stderr.contains(&format!("SHA-256 {sha256}")), "{stderr}");
    for cluster in ["sim-1", "sim-2"] {
        let received = fleet.uploads(cluster);
        assert_eq!(received.len(), 1, "{cluster}: {received:?}");
        assert_eq!(received[0].sha256.as_deref(), Some(sha256.as_str()));
        assert_eq!(received[0].bytes, 3 << 20);
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(cluster) && l.contains("success")),
            "{stdout}"
        );
    }
    assert_eq!(uploads(&fleet, "sim-3"), 0, "9.7 is sent nothing");
    for cluster in ["sim-1", "sim-2"] {
        each_state_said_once(&stdout, cluster);
    }
    // Every request names ontop, the upload (through a client of its own) as the polls
    // do: ONTAP applies its per-application session limits by X-Dot-Client-App.
    let named = Some(format!("ontop/{}", env!("CARGO_PKG_VERSION")));
    let log = fleet.request_log("sim-1");
    assert!(log.iter().any(|r| r.method == "POST"), "{log:?}");
    for r in log {
        assert_eq!(r.client, (named.clone(), named.clone()), "{r:?}");
    }
    // The audit log: before, the answer, the end; the image named with its hash.
    let lines: Vec<serde_json::Value> = setup
        .audit()
        .into_iter()
        .filter(|l| l["cluster"] == "sim-1")
        .collect();
    let events: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    assert_eq!(
        events,
        ["upload_attempt", "upload", "upload_end"],
        "{lines:?}"
    );
    for line in &lines {
        assert_eq!(line["sha256"], sha256.as_str());
        assert_eq!(line["package"], "9181_q_image.tgz");
        assert_eq!(line["bytes"], 3 << 20);
    }
    // And the fleet's repository has it on both.
    let listed = setup.ontop(&["packages", "--json"]).await;
    let doc: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let release = doc["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["version"] == "9.18.1")
        .cloned()
        .unwrap_or_else(|| panic!("{doc}"));
    assert_eq!(release["held_by"], serde_json::json!(["sim-1", "sim-2"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_whose_checksum_differs_is_refused_and_nothing_is_sent() {
    let fleet = start_fleet(1, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = image(dir.path(), "9181_q_image.tgz", 4096);
    let wrong = "0".repeat(64);
    let args = [
        "download",
        "--all",
        "--yes",
        "--file",
        path.to_str().unwrap(),
        "--sha256",
        &wrong,
    ];
    let out = setup.ontop(&args).await;
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("nothing was sent"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        fleet.request_log("sim-1").is_empty(),
        "the cluster was not even asked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_refusal_says_its_code_and_what_to_do() {
    let fleet = start_fleet(2, |o| o.upload_processing = Duration::from_millis(100)).await;
    fleet.set_fault("sim-1", Fault::UploadDisabled);
    fleet.set_fault("sim-2", Fault::NoSpace);
    let setup = Setup::new(&fleet).await;
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = image(dir.path(), "9181_q_image.tgz", 64 * 1024);
    let out = setup
        .ontop(&[
            "download",
            "--all",
            "--yes",
            "--file",
            path.to_str().unwrap(),
        ])
        .await;
    assert_exit(&out, 1);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("ONTAP code 10551798"), "{stderr}");
    assert!(
        stderr.contains("give the cluster a URL to fetch the image from"),
        "{stderr}"
    );
    assert!(stderr.contains("ONTAP code 10551804"), "{stderr}");
    assert!(stderr.contains("remove old packages first"), "{stderr}");
    assert!(
        stderr
            .lines()
            .last()
            .unwrap()
            .starts_with("ontop: exit 1: 2 of 2 downloads did not end well"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_reset_on_the_way_ends_with_how_far_it_got_and_is_not_sent_again() {
    let fleet = start_fleet(1, |o| {
        o.upload_processing = Duration::from_millis(100);
        o.upload_bandwidth = 4 << 20;
    })
    .await;
    fleet.set_fault("sim-1", Fault::UploadReset);
    let setup = Setup::new(&fleet).await;
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = image(dir.path(), "9181_q_image.tgz", 4 << 20);
    let mut args = vec![
        "download",
        "--all",
        "--yes",
        "--file",
        path.to_str().unwrap(),
    ];
    args.extend(WAIT);
    let out = setup.ontop(&args).await;
    assert_exit(&out, 1);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("the upload stopped: the connection dropped after"),
        "{stderr}"
    );
    assert!(stderr.contains("of 4.0 MiB had left this host"), "{stderr}");
    assert_eq!(uploads(&fleet, "sim-1"), 1, "not sent again by itself");
    let ended: Vec<serde_json::Value> = setup
        .audit()
        .into_iter()
        .filter(|l| l["event"] == "upload" || l["event"] == "upload_end")
        .collect();
    assert!(
        ended
            .iter()
            .any(|l| l["result"] == "failure" || l["result"] == "refused"),
        "audited: {ended:?}"
    );
}

/// An image file that changes while it is sent (still being copied, overwritten) is not
/// sent as the image that was hashed and audited: the upload is cut before its end, the
/// cluster keeps none of it, and the line says what happened to the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_that_changes_on_its_way_is_cut_short_and_kept_nowhere() {
    let fleet = start_fleet(1, |o| o.upload_processing = Duration::from_millis(100)).await;
    let setup = Setup::new(&fleet).await;
    let dir = tempfile::tempdir().unwrap();
    let (path, sha256) = image(dir.path(), "9181_q_image.tgz", 4 << 20);
    let file = path.to_str().unwrap().to_string();
    let args = [
        "download",
        "--all",
        "--yes",
        "--file",
        &file,
        "--sha256",
        &sha256,
        "--limit-rate",
        "1MiB/s",
        "--wait",
    ];
    let run = setup.ontop(&args);
    let overwrite = async {
        // Once the attempt is audited (the bytes are on their way at 1 MiB/s), the
        // file's last MiB changes: it has not been read yet.
        while !setup.audit().iter().any(|l| l["event"] == "upload_attempt") {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.seek(SeekFrom::Start(3 << 20)).unwrap();
        f.write_all(&vec![0xff; 1 << 20]).unwrap();
    };
    let (out, ()) = tokio::join!(run, overwrite);
    assert_exit(&out, 1);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("the image file changed while it was sent (its SHA-256 is now"),
        "{stderr}"
    );
    // Its part never ended: the cluster has no image to file.
    let received = fleet.uploads("sim-1");
    assert!(received.iter().all(|u| u.sha256.is_none()), "{received:?}");
    let listed = text(&setup.ontop(&["packages", "--json"]).await.stdout);
    assert!(!listed.contains("9.18.1"), "kept nowhere: {listed}");
}
