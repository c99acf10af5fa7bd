//! The ONTAP client against the simulator on loopback: real HTTP, real TLS, real auth.

use std::time::Duration;

use crate::support::fleet::{client, client_with, eventually, fleet_trust, request, start_fleet};
use ontop::testing::ontap::{
    Client, DownloadStarted, DownloadState, ErrorKind, JobState, OntapError, TlsTrust,
};
use ontop_sim::{Fault, SimFleet};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_and_idle_download_state_are_read() {
    let fleet = start_fleet(1, |_| {}).await;
    let c = client(&fleet, 0);
    let info = c.cluster().await.unwrap();
    assert_eq!(
        info.name.as_deref(),
        Some(fleet.clusters()[0].name.as_str())
    );
    assert!(info.uuid.is_some());
    let version = info.version.unwrap();
    assert!(version.short().unwrap().starts_with('9'));
    let status = c.download_status().await.unwrap();
    assert_eq!(status.state, Some(DownloadState::NotStarted));
    assert!(c.packages().await.unwrap().records.is_empty());
}

/// Starts the fleet's package on `c` with `return_timeout=0`; the job's uuid.
async fn started_job(c: &Client, fleet: &SimFleet) -> String {
    let started = c
        .start_download(&request(fleet.default_package_url()), 0)
        .await
        .unwrap();
    let DownloadStarted::Accepted { job } = started else {
        panic!("return_timeout=0 must answer 202, got {started:?}");
    };
    job.uuid
}

/// A job's answer about another job is no answer about this one: its state must not
/// end this job (a `success` for the wrong uuid would report a download done).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_about_another_job_is_refused() {
    let fleet = start_fleet(1, |_| {}).await;
    let c = client(&fleet, 0);
    let uuid = started_job(&c, &fleet).await;
    assert_eq!(c.job(&uuid).await.unwrap().uuid, uuid);
    fleet.set_fault("sim-1", ontop_sim::Fault::OtherJob);
    let error = c.job(&uuid).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Decode, "{error}");
    assert!(error.message.contains("about another job"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_runs_to_success_and_the_package_appears() {
    let fleet = start_fleet(1, |_| {}).await;
    let c = client(&fleet, 0);
    let uuid = started_job(&c, &fleet).await;
    let finished = eventually("the job to end", || async {
        let job = c.job(&uuid).await.unwrap();
        job.state
            .as_ref()
            .is_some_and(JobState::is_terminal)
            .then_some(job)
    })
    .await;
    assert_eq!(finished.state, Some(JobState::Success), "{finished:?}");
    assert!(finished.start_time.is_some() && finished.end_time.is_some());
    let status = c.download_status().await.unwrap();
    assert_eq!(status.state, Some(DownloadState::Success));
    let packages = c.packages().await.unwrap();
    assert_eq!(packages.records.len(), 1);
    // The sim lists only keys unless asked, as ONTAP does: the client asks for the time.
    assert!(packages.records[0].create_time.is_some(), "{packages:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_zero_return_timeout_can_answer_with_the_finished_job() {
    let fleet = start_fleet(1, |_| {}).await;
    let c = client(&fleet, 0);
    let started = c
        .start_download(&request(fleet.default_package_url()), 30)
        .await
        .unwrap();
    assert!(
        matches!(started, DownloadStarted::Completed { job: Some(_) }),
        "{started:?}"
    );
}

async fn refused(c: &ontop::testing::ontap::Client, url: &str) -> OntapError {
    c.start_download(&request(url.to_string()), 0)
        .await
        .expect_err("the POST must be refused")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_urls_are_refused_with_their_ontap_codes() {
    let fleet = start_fleet(1, |_| {}).await;
    let c = client(&fleet, 0);
    let syntax = refused(&c, "not a url at all").await;
    assert_eq!(
        (syntax.kind, syntax.http_status, syntax.code),
        (ErrorKind::Http, Some(400), Some(39387137))
    );
    let scheme = refused(&c, "gopher://server/image.tgz").await;
    assert_eq!(scheme.code, Some(39387138));
    assert!(scheme.hint().contains("https://"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflicts_carry_their_codes() {
    let fleet = start_fleet(1, |o| o.bandwidth = 64 * 1024).await;
    let c = client(&fleet, 0);
    let url = fleet.default_package_url();
    let first = c.start_download(&request(url.clone()), 0).await.unwrap();
    let busy = refused(&c, &url).await;
    assert_eq!(busy.code, Some(10551357), "{busy}");
    let job = first.job().unwrap().uuid.clone();
    eventually("the first download to end", || async {
        let j = c.job(&job).await.unwrap();
        (j.state == Some(JobState::Success)).then_some(())
    })
    .await;
    let again = refused(&c, &url).await;
    assert_eq!(again.code, Some(10551327), "{again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_package_fails_the_job_with_10551885() {
    let fleet = start_fleet(1, |_| {}).await;
    let c = client(&fleet, 0);
    let missing = fleet.default_package_url().replace("/images/", "/missing/");
    let started = c.start_download(&request(missing), 0).await.unwrap();
    let uuid = started.job().unwrap().uuid.clone();
    let job = eventually("the job to fail", || async {
        let j = c.job(&uuid).await.unwrap();
        j.state
            .as_ref()
            .is_some_and(JobState::is_terminal)
            .then_some(j)
    })
    .await;
    assert_eq!(
        (job.state, job.code),
        (Some(JobState::Failure), Some(10551885))
    );
    let status = c.download_status().await.unwrap();
    assert_eq!(
        (status.state, status.code),
        (Some(DownloadState::Failure), Some(10551885))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_job_is_a_404_with_code_4() {
    let fleet = start_fleet(1, |o| o.job_expiry = Duration::from_millis(300)).await;
    let c = client(&fleet, 0);
    let started = c
        .start_download(&request(fleet.default_package_url()), 0)
        .await
        .unwrap();
    let uuid = started.job().unwrap().uuid.clone();
    let gone = eventually("the job to be deleted", || async {
        c.job(&uuid).await.err()
    })
    .await;
    assert_eq!(
        (gone.kind, gone.http_status, gone.code),
        (ErrorKind::Http, Some(404), Some(4))
    );
    assert!(gone.hint().contains("download status"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_is_verified_by_default_and_refused_without_the_ca() {
    let fleet = start_fleet(1, |_| {}).await;
    let other = start_fleet(1, |_| {}).await;
    let timeout = Duration::from_secs(10);
    let system = client_with(&fleet, 0, TlsTrust::System, fleet.password(), timeout);
    let err = system.cluster().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Tls, "{err}");
    let wrong_ca = client_with(&fleet, 0, fleet_trust(&other), fleet.password(), timeout);
    assert_eq!(wrong_ca.cluster().await.unwrap_err().kind, ErrorKind::Tls);
    let insecure = client_with(&fleet, 0, TlsTrust::Insecure, fleet.password(), timeout);
    assert!(insecure.cluster().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ca_file_is_trusted_and_a_bad_one_is_an_error_not_a_fallback() {
    let fleet = start_fleet(1, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, fleet.ca_pem().unwrap()).unwrap();
    let timeout = Duration::from_secs(10);
    let c = client_with(&fleet, 0, TlsTrust::CaFile(ca), fleet.password(), timeout);
    assert!(c.cluster().await.is_ok());

    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a certificate").unwrap();
    for path in [garbage, dir.path().join("absent.pem")] {
        let settings = ontop::testing::ontap::ClientSettings {
            name: "c1".into(),
            url: fleet.clusters()[0].url.parse().unwrap(),
            username: "admin".into(),
            password: fleet.password().to_string().into(),
            trust: TlsTrust::CaFile(path.clone()),
            tls_server_name: None,
            timeout,
            connect_timeout: timeout,
            read_only: false,
        };
        let err = ontop::testing::ontap::Client::new(settings).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Tls);
        assert!(err.message.contains(&path.display().to_string()), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_an_auth_error() {
    let fleet = start_fleet(1, |_| {}).await;
    let c = client_with(
        &fleet,
        0,
        fleet_trust(&fleet),
        "wrong",
        Duration::from_secs(10),
    );
    let err = c.download_status().await.unwrap_err();
    assert_eq!((err.kind, err.http_status), (ErrorKind::Auth, Some(401)));
    assert!(
        !err.message.contains('<'),
        "an HTML body must not leak into the message: {err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_clusters_work() {
    let fleet = start_fleet(1, |o| o.http = true).await;
    let c = client_with(
        &fleet,
        0,
        TlsTrust::System,
        fleet.password(),
        Duration::from_secs(10),
    );
    assert!(fleet.clusters()[0].url.starts_with("http://"));
    assert!(c.cluster().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_kind_gives_the_right_error_kind() {
    let fleet = start_fleet(1, |_| {}).await;
    let name = fleet.clusters()[0].name.clone();
    let c = client_with(
        &fleet,
        0,
        fleet_trust(&fleet),
        fleet.password(),
        Duration::from_secs(2),
    );
    let cases = [
        (Fault::Hang, ErrorKind::Timeout, None),
        (Fault::Reset, ErrorKind::Connect, None),
        (Fault::Down, ErrorKind::Connect, None),
        (Fault::Http500, ErrorKind::Http, Some(500)),
        (Fault::Http502, ErrorKind::Http, Some(502)),
        (Fault::Http503, ErrorKind::Http, Some(503)),
        (Fault::Malformed, ErrorKind::Decode, None),
        (
            Fault::Latency(Duration::from_secs(5)),
            ErrorKind::Timeout,
            None,
        ),
        // Last: once refused, a login is never sent again (see below).
        (Fault::Unauthorized, ErrorKind::Auth, Some(401)),
    ];
    for (fault, kind, status) in cases {
        fleet.set_fault(&name, fault.clone());
        let err = c
            .download_status()
            .await
            .expect_err("a fault must fail the call");
        assert_eq!(
            (err.kind, err.http_status),
            (kind, status),
            "{fault:?}: {err}"
        );
        assert_eq!(err.cluster, name);
    }
    // The cluster refused this login: the client sends it no more, whatever the cluster
    // would say now.
    fleet.set_fault(&name, Fault::None);
    let err = c.download_status().await.expect_err("not sent");
    assert_eq!(
        (err.kind, err.http_status),
        (ErrorKind::Auth, None),
        "{err}"
    );
    assert!(err.message.contains("not sent"), "{err}");
    assert_eq!(fleet.failed_logins(&name), 1);
    assert!(c.login_refused());
    // Asked twice, the refused login is sent once more (the 401 may have passed).
    c.retry_refused(None);
    eventually("the cluster to recover", || async {
        c.download_status().await.ok()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_sequences_in_server_text_never_reach_the_caller() {
    let fleet = start_fleet(1, |_| {}).await;
    fleet.set_fault(&fleet.clusters()[0].name, Fault::Escape);
    let c = client(&fleet, 0);
    let status = c.download_status().await.unwrap();
    let message = status.message.expect("the escape fault sends a message");
    assert!(
        !message
            .chars()
            .any(|ch| ch.is_control() || ch == '\u{202E}'),
        "{message:?}"
    );
    assert!(!message.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn return_timeout_out_of_range_is_code_262197() {
    let fleet = start_fleet(1, |_| {}).await;
    let c = client(&fleet, 0);
    let err = c
        .start_download(&request(fleet.default_package_url()), 121)
        .await
        .unwrap_err();
    assert_eq!((err.http_status, err.code), (Some(400), Some(262197)));
    assert_eq!(err.target.as_deref(), Some("return_timeout"));
}

#[tokio::test]
async fn one_client_reuses_its_connection() {
    let fleet = start_fleet(1, |_| {}).await;
    let c = client(&fleet, 0);
    for _ in 0..10 {
        c.download_status().await.unwrap();
        // Pollers ask every few seconds; hyper puts the connection back in its pool just
        // after the body is read, on a task of its own: on this one thread, that task
        // runs once this one yields.
        for _ in 0..4 {
            tokio::task::yield_now().await;
        }
    }
    let name = &fleet.clusters()[0].name;
    assert_eq!(fleet.request_log(name).len(), 10);
    let accepted = fleet.connections_accepted(name);
    // One in practice; without keep-alive it would be ten.
    assert!(
        accepted <= 2,
        "keep-alive: {accepted} connections for 10 requests"
    );
}

/// One TLS connection to cluster `index` with `connector`, a request read to its end (the
/// cluster's session tickets come after the handshake, with the first answer); how the
/// handshake went.
async fn handshake(
    fleet: &ontop_sim::SimFleet,
    index: usize,
    connector: &tokio_rustls::TlsConnector,
) -> Option<rustls::HandshakeKind> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let url: reqwest::Url = fleet.clusters()[index].url.parse().unwrap();
    let host = url.host_str().unwrap().to_string();
    let tcp = tokio::net::TcpStream::connect((host.as_str(), url.port().unwrap()))
        .await
        .unwrap();
    let name = rustls::pki_types::ServerName::try_from(host.clone()).unwrap();
    let mut tls = connector.connect(name, tcp).await.unwrap();
    let request = format!("GET /api/cluster HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer).await;
    assert!(answer.starts_with(b"HTTP/1.1 "), "an HTTP answer");
    tls.get_ref().1.handshake_kind()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_client_resumes_its_own_clusters_tls_session_after_a_reconnect() {
    use rustls::HandshakeKind::{Full, Resumed};
    let fleet = start_fleet(2, |_| {}).await;
    // Two clusters that trust alike: their configurations share everything but the
    // session they remember.
    let connectors: Vec<tokio_rustls::TlsConnector> = (0..2)
        .map(|_| {
            let config = ontop::testing::ontap::tls::client_config(&fleet_trust(&fleet), None, "c")
                .map(|(c, _)| c);
            tokio_rustls::TlsConnector::from(std::sync::Arc::new(config.unwrap()))
        })
        .collect();
    assert_eq!(handshake(&fleet, 0, &connectors[0]).await, Some(Full));
    assert_eq!(handshake(&fleet, 1, &connectors[1]).await, Some(Full));
    for _ in 0..3 {
        // Each resumption brings the ticket of the next one.
        assert_eq!(handshake(&fleet, 0, &connectors[0]).await, Some(Resumed));
        assert_eq!(handshake(&fleet, 1, &connectors[1]).await, Some(Resumed));
    }
    // A fresh client has no session to resume.
    let (fresh, _) =
        ontop::testing::ontap::tls::client_config(&fleet_trust(&fleet), None, "c").unwrap();
    let fresh = tokio_rustls::TlsConnector::from(std::sync::Arc::new(fresh));
    assert_eq!(handshake(&fleet, 0, &fresh).await, Some(Full));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_reconnects_each_time_still_knows_the_certificate() {
    let fleet = start_fleet(1, |_| {}).await;
    let c = client(&fleet, 0);
    c.close_after_each_answer(true);
    for _ in 0..3 {
        c.download_status().await.unwrap();
    }
    let name = &fleet.clusters()[0].name;
    assert_eq!(
        fleet.connections_accepted(name),
        3,
        "a connection per answer"
    );
    // The later connections resumed the session: no certificate was sent, and the one
    // the session was made with is still known.
    assert!(c.certificate().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewed_certificate_is_known_from_the_next_handshake_on() {
    let fleet = start_fleet(1, |_| {}).await;
    let c = client(&fleet, 0);
    c.download_status().await.unwrap();
    let first = c.certificate().expect("the first certificate").fingerprint;
    // A renewal under the same CA: trusted as before, and a new certificate to show.
    fleet.rotate_certificate(&fleet.clusters()[0].name).unwrap();
    eventually("the next answer", || async {
        c.download_status().await.ok()
    })
    .await;
    let now = c
        .certificate()
        .expect("the renewed certificate")
        .fingerprint;
    assert_ne!(now, first, "the renewed certificate, not the first one");
}
