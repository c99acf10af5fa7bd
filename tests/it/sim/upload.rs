//! Uploads (`POST /api/cluster/software/upload`): the job and the package it lists, the
//! multipart shapes ONTAP takes and refuses, every refusal code, the per-cluster rate,
//! a reset halfway, and what the cluster keeps (bytes and a SHA-256, nothing else).
//! The bodies are built by hand here, so that every shape can be sent exactly.

use std::time::Duration;

use crate::support::sim::*;
use ontop_sim::{Fault, SimFleet, SimOptions};
use serde_json::Value;

const UPLOAD: &str = "/api/cluster/software/upload";
const BOUNDARY: &str = "ontop-test-7d2f9a";

/// One part of a form: its name, its file name (a file part) and its bytes.
struct Part<'a> {
    name: &'a str,
    file: Option<&'a str>,
    data: &'a [u8],
}

fn file(name: &str, data: &[u8]) -> Vec<u8> {
    form(&[Part {
        name: "file",
        file: Some(name),
        data,
    }])
}

fn form(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let disposition = match part.file {
            Some(file) => format!("form-data; name=\"{}\"; filename=\"{file}\"", part.name),
            None => format!("form-data; name=\"{}\"", part.name),
        };
        body.extend_from_slice(format!("Content-Disposition: {disposition}\r\n").as_bytes());
        if part.file.is_some() {
            body.extend_from_slice(b"Content-Type: application/octet-stream\r\n");
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(part.data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn multipart() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// POSTs `body` as `content_type`: status, `Location` and the body as JSON.
async fn send(
    fleet: &SimFleet,
    cluster: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Result<(u16, Option<String>, Value), reqwest::Error> {
    let resp = client(fleet)
        .post(url(fleet, cluster, UPLOAD))
        .basic_auth(fleet.username(), Some(fleet.password()))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await?;
    crate::support::sim::answer(resp).await
}

async fn upload(fleet: &SimFleet, cluster: &str, body: Vec<u8>) -> (u16, Option<String>, Value) {
    send(fleet, cluster, &multipart(), body)
        .await
        .expect("the upload is answered")
}

/// Asserts a 400 refusal with `code`.
async fn refused(fleet: &SimFleet, content_type: &str, body: Vec<u8>, code: &str) {
    let (status, _, answer) = send(fleet, "sim-1", content_type, body).await.unwrap();
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (400, Some(code)),
        "{answer}"
    );
}

async fn versions(fleet: &SimFleet, cluster: &str) -> Vec<String> {
    let (_, body) = get(fleet, cluster, "/api/cluster/software/packages").await;
    let records = body["records"].as_array().cloned().unwrap_or_default();
    records
        .iter()
        .map(|r| r["version"].as_str().unwrap().to_string())
        .collect()
}

fn image(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i % 251) as u8).collect()
}

fn sha256_hex(data: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, data);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn an_upload_answers_with_a_job_and_lands_in_the_repository() {
    let fleet = start(fast_opts(1)).await;
    let data = image(256 * 1024);
    // Some clients send the whole path as the file name: only its last segment counts.
    let body = file("/home/admin/images/ontap-9.17.1-image.tgz", &data);
    let (status, location, answer) = upload(&fleet, "sim-1", body).await;
    assert_eq!(status, 202, "{answer}");
    let uuid = answer["job"]["uuid"].as_str().unwrap();
    let job_path = format!("/api/cluster/jobs/{uuid}");
    assert_eq!(location.as_deref(), Some(job_path.as_str()));
    assert_eq!(answer["job"]["_links"]["self"]["href"], job_path.as_str());

    let job = wait_job(&fleet, "sim-1", uuid).await;
    assert_eq!(job["state"], "success", "{job}");
    assert_eq!(job["description"], "POST /api/cluster/software/upload");
    assert_eq!(versions(&fleet, "sim-1").await, ["9.17.1"]);
    let received = fleet.uploads("sim-1");
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].file_name, "ontap-9.17.1-image.tgz");
    assert_eq!(received[0].bytes, data.len() as u64);
    assert_eq!(
        received[0].sha256.as_deref(),
        Some(sha256_hex(&data).as_str())
    );
    // Uploads leave the download status alone.
    assert_eq!(fleet.download_status("sim-1").unwrap().0, "not_started");
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_nonzero_return_timeout_waits_for_the_job_and_names_compact_images() {
    let fleet = start(fast_opts(1)).await;
    let body = file("9161P3_q_image.tgz", &image(1024));
    let resp = client(&fleet)
        .post(url(&fleet, "sim-1", &format!("{UPLOAD}?return_timeout=30")))
        .basic_auth(fleet.username(), Some(fleet.password()))
        .header("content-type", multipart())
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    assert_eq!(versions(&fleet, "sim-1").await, ["9.16.1P3"]);
    fleet.shutdown().await;
}

#[tokio::test]
async fn clusters_before_9_8_have_no_upload_api() {
    let fleet = start(SimOptions {
        versions: vec![("sim-1".into(), "9.7.0".into())],
        ..fast_opts(2)
    })
    .await;
    let (status, _, answer) = upload(&fleet, "sim-1", file("x.tgz", b"x")).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (404, Some("4")));
    let (_, cluster) = get(&fleet, "sim-1", "/api/cluster?fields=version").await;
    assert_eq!(cluster["version"]["minor"], 0);
    assert_eq!(cluster["version"]["major"], 7);
    assert!(fleet.uploads("sim-1").is_empty());
    // 9.8 and later have it: any other method than POST is a 405.
    let (status, _) = get(&fleet, "sim-2", UPLOAD).await;
    assert_eq!(status, 405);
    fleet.shutdown().await;
}

#[tokio::test]
async fn an_upload_is_multipart_with_exactly_one_file_in_a_part_named_file() {
    let fleet = start(fast_opts(1)).await;
    let not_multipart = "10551808";
    refused(&fleet, "application/json", b"{}".to_vec(), not_multipart).await;
    refused(
        &fleet,
        "multipart/form-data",
        file("a.tgz", b"a"),
        not_multipart,
    )
    .await;
    let only_text = form(&[Part {
        name: "note",
        file: None,
        data: b"hello",
    }]);
    refused(&fleet, &multipart(), only_text, not_multipart).await;
    let wrong_name = form(&[Part {
        name: "image",
        file: Some("ontap-9.17.1-image.tgz"),
        data: b"abc",
    }]);
    refused(&fleet, &multipart(), wrong_name, not_multipart).await;
    let unterminated = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"");
    refused(
        &fleet,
        &multipart(),
        unterminated.into_bytes(),
        not_multipart,
    )
    .await;

    let two = Part {
        name: "file",
        file: Some("ontap-9.17.1-image.tgz"),
        data: b"one",
    };
    let other = Part {
        name: "file2",
        file: Some("all.zip"),
        data: b"two",
    };
    refused(&fleet, &multipart(), form(&[two, other]), "10551807").await;
    assert!(versions(&fleet, "sim-1").await.is_empty());

    // A text field beside the one file is let be.
    let note = Part {
        name: "note",
        file: None,
        data: b"maintenance window 12",
    };
    let one = Part {
        name: "file",
        file: Some("ontap-9.17.1-image.tgz"),
        data: b"image",
    };
    let (status, _, answer) = upload(&fleet, "sim-1", form(&[note, one])).await;
    assert_eq!(status, 202, "{answer}");
    fleet.shutdown().await;
}

#[tokio::test]
async fn the_upload_faults_refuse_with_their_codes_and_keep_nothing() {
    let fleet = start(fast_opts(1)).await;
    fleet.set_fault("sim-1", Fault::UploadDisabled);
    refused(
        &fleet,
        &multipart(),
        file("a.tgz", &image(4096)),
        "10551798",
    )
    .await;
    fleet.set_fault("sim-1", Fault::NoSpace);
    refused(
        &fleet,
        &multipart(),
        file("a.tgz", &image(4096)),
        "10551804",
    )
    .await;
    assert!(fleet.uploads("sim-1").is_empty());
    assert!(versions(&fleet, "sim-1").await.is_empty());
    let long = format!("{}.tgz", "n".repeat(300));
    fleet.set_fault("sim-1", Fault::None);
    refused(&fleet, &multipart(), file(&long, b"x"), "10551799").await;
    // The faults spell as the command line takes them.
    for kind in ["upload-disabled", "nospace", "upload-reset"] {
        assert_eq!(kind.parse::<Fault>().unwrap().to_string(), kind);
    }
    fleet.shutdown().await;
}

#[tokio::test]
async fn firmware_is_kept_apart_and_refused_a_second_time() {
    let fleet = start(fast_opts(1)).await;
    let (status, _, answer) = upload(&fleet, "sim-1", file("all.zip", b"disk firmware")).await;
    assert_eq!(status, 202);
    let job = wait_job(&fleet, "sim-1", answer["job"]["uuid"].as_str().unwrap()).await;
    assert_eq!(job["state"], "success");
    assert!(versions(&fleet, "sim-1").await.is_empty());
    refused(&fleet, &multipart(), file("all.zip", b"again"), "10551496").await;
    fleet.shutdown().await;
}

#[tokio::test]
async fn an_empty_image_fails_its_job_with_10551359() {
    let fleet = start(fast_opts(1)).await;
    let (status, _, answer) = upload(&fleet, "sim-1", file("ontap-9.17.1-image.tgz", b"")).await;
    assert_eq!(status, 202);
    let job = wait_job(&fleet, "sim-1", answer["job"]["uuid"].as_str().unwrap()).await;
    assert_eq!(
        (job["state"].as_str(), job["code"].as_u64()),
        (Some("failure"), Some(10551359))
    );
    assert!(versions(&fleet, "sim-1").await.is_empty());
    fleet.shutdown().await;
}

#[tokio::test]
async fn an_upload_past_the_time_limit_is_refused_with_10551373() {
    let fleet = start(SimOptions {
        time_limit: Duration::from_millis(300),
        upload_bandwidth: 64 * 1024,
        ..fast_opts(1)
    })
    .await;
    refused(
        &fleet,
        &multipart(),
        file("a.tgz", &image(256 * 1024)),
        "10551373",
    )
    .await;
    let received = fleet.uploads("sim-1");
    assert!(received[0].bytes < 256 * 1024, "{received:?}");
    assert!(versions(&fleet, "sim-1").await.is_empty());
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_reset_halfway_drops_the_connection_and_keeps_only_the_count() {
    let fleet = start(fast_opts(1)).await;
    fleet.set_fault("sim-1", Fault::UploadReset);
    let data = image(4 << 20);
    let sent = send(&fleet, "sim-1", &multipart(), file("a.tgz", &data)).await;
    assert!(sent.is_err(), "{sent:?}");
    let received = fleet.uploads("sim-1");
    assert_eq!(received.len(), 1);
    assert!(
        (1 << 20..4 << 20).contains(&received[0].bytes),
        "{received:?}"
    );
    assert_eq!(received[0].sha256, None);
    assert!(versions(&fleet, "sim-1").await.is_empty());
    // The cluster is free for the next upload.
    fleet.set_fault("sim-1", Fault::None);
    let (status, _, _) = upload(&fleet, "sim-1", file("a.tgz", b"again")).await;
    assert_eq!(status, 202);
    fleet.shutdown().await;
}

#[tokio::test]
async fn one_transfer_at_a_time_downloads_and_uploads_alike() {
    let fleet = start(fast_opts(1)).await;
    // A download that runs for an hour.
    let slow = fleet.package_url_with("ontap-9.18.1-image.tgz", 1 << 30, 1);
    start_download(&fleet, "sim-1", &slow).await;
    refused(&fleet, &multipart(), file("a.tgz", b"x"), "10551357").await;
    fleet.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn each_cluster_takes_an_upload_at_its_rate() {
    let fleet = start(SimOptions {
        upload_bandwidth: 1 << 20,
        ..fast_opts(1)
    })
    .await;
    let body = file("ontap-9.17.1-image.tgz", &image(3 << 20));
    let started = tokio::time::Instant::now();
    let sending = {
        let (client, url) = (client(&fleet), url(&fleet, "sim-1", UPLOAD));
        let auth = (fleet.username().to_string(), fleet.password().to_string());
        tokio::spawn(async move {
            let request = client.post(url).basic_auth(auth.0, Some(auth.1));
            let request = request.header("content-type", multipart()).body(body);
            request.send().await.map(|r| r.status().as_u16())
        })
    };
    // Watched on the way: a first MiB takes the cluster a second, and it says how much
    // it has so far.
    let partway = crate::support::fleet::eventually("a MiB to arrive", || async {
        let bytes = fleet.uploads("sim-1").first().map_or(0, |u| u.bytes);
        (bytes >= 1 << 20).then_some(bytes)
    })
    .await;
    assert!(partway < 3 << 20, "{partway}");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sending.await.unwrap().unwrap(), 202);
    assert!(
        started.elapsed() >= Duration::from_millis(2900),
        "{:?}",
        started.elapsed()
    );
    fleet.shutdown().await;
}
