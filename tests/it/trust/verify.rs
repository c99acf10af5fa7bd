//! Trusting real clusters' certificates, against the simulator on loopback with real
//! TLS: a cluster's own self-signed certificate in `ca_file`, pinned fingerprints (and
//! what happens when the certificate changes under a pin), `tls_server_name`, and the
//! certificate facts the client keeps for the dashboard and `ontop status`.

use std::path::PathBuf;
use std::time::Duration;

use crate::support::fleet::{client_with, start_fleet};
use ontop::testing::ontap::{Client, ClientSettings, ErrorKind, Fingerprint, TlsTrust};
use ontop_sim::{CertStyle, SimFleet};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use secrecy::SecretString;

const TIMEOUT: Duration = Duration::from_secs(10);

fn fingerprint_of_pem(pem: &str) -> Fingerprint {
    let der = CertificateDer::from_pem_slice(pem.as_bytes()).expect("a PEM certificate");
    Fingerprint::of(der.as_ref())
}

fn cert_file(dir: &tempfile::TempDir, name: &str, pem: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, pem).unwrap();
    path
}

/// A client for cluster `index` that checks the certificate against `server_name`.
fn named_client(fleet: &SimFleet, index: usize, trust: TlsTrust, server_name: &str) -> Client {
    let cluster = &fleet.clusters()[index];
    Client::new(ClientSettings {
        name: cluster.name.clone(),
        url: cluster.url.parse().unwrap(),
        username: fleet.username().to_string(),
        password: SecretString::from(fleet.password().to_string()),
        trust,
        tls_server_name: Some(server_name.to_string()),
        timeout: TIMEOUT,
        connect_timeout: TIMEOUT,
        read_only: false,
    })
    .unwrap()
}

fn self_signed(fleet: &SimFleet, index: usize) -> (String, String) {
    let name = fleet.clusters()[index].name.clone();
    let pem = fleet.cluster_cert_pem(&name).expect("an HTTPS cluster");
    (name, pem)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clusters_own_self_signed_certificate_in_ca_file_is_accepted() {
    let fleet = start_fleet(2, |o| o.cert_style = CertStyle::SelfSigned).await;
    assert!(fleet.ca_pem().is_none(), "self-signed: no CA");
    let dir = tempfile::tempdir().unwrap();
    let (_, pem) = self_signed(&fleet, 0);
    let ca_file = cert_file(&dir, "own.pem", &pem);

    let c = client_with(
        &fleet,
        0,
        TlsTrust::CaFile(ca_file),
        fleet.password(),
        TIMEOUT,
    );
    c.cluster().await.expect("its own certificate is trusted");
    let facts = c.certificate().expect("the certificate is kept");
    assert!(facts.self_signed && !facts.pinned && !facts.insecure);
    assert_eq!(facts.fingerprint, fingerprint_of_pem(&pem));
    assert!((360..=366).contains(&facts.days_left), "{facts:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_certificate_in_ca_file_is_refused_and_says_how_to_look() {
    let fleet = start_fleet(2, |o| o.cert_style = CertStyle::SelfSigned).await;
    let dir = tempfile::tempdir().unwrap();
    let (_, other_pem) = self_signed(&fleet, 1);
    let ca_file = cert_file(&dir, "other.pem", &other_pem);
    let (name, _) = self_signed(&fleet, 0);

    let c = client_with(
        &fleet,
        0,
        TlsTrust::CaFile(ca_file),
        fleet.password(),
        TIMEOUT,
    );
    let err = c.cluster().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Tls, "{err}");
    assert!(
        err.message.contains(&format!("ontop trust {name}")),
        "{err}"
    );
    assert!(c.certificate().is_none(), "no answer, no facts");

    // The system store knows nothing of a self-signed certificate either.
    let system = client_with(&fleet, 0, TlsTrust::System, fleet.password(), TIMEOUT);
    assert_eq!(system.cluster().await.unwrap_err().kind, ErrorKind::Tls);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pinned_fingerprint_is_accepted_without_any_ca() {
    for style in [CertStyle::SelfSigned, CertStyle::Ca] {
        let fleet = start_fleet(1, |o| o.cert_style = style).await;
        let (_, pem) = self_signed(&fleet, 0);
        let pin = TlsTrust::Pinned(fingerprint_of_pem(&pem));
        let c = client_with(&fleet, 0, pin, fleet.password(), TIMEOUT);
        c.cluster()
            .await
            .expect("the pinned certificate is trusted");
        let facts = c.certificate().unwrap();
        assert!(facts.pinned && !facts.insecure, "{style}: {facts:?}");
        assert_eq!(facts.self_signed, style == CertStyle::SelfSigned);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_certificate_under_a_pin_is_refused_showing_both_fingerprints() {
    let fleet = start_fleet(1, |o| o.cert_style = CertStyle::SelfSigned).await;
    let (name, pem) = self_signed(&fleet, 0);
    let pinned = fingerprint_of_pem(&pem);
    let c = client_with(
        &fleet,
        0,
        TlsTrust::Pinned(pinned),
        fleet.password(),
        TIMEOUT,
    );
    c.cluster().await.expect("pinned and matching");

    fleet.rotate_certificate(&name).unwrap();
    let presented = fingerprint_of_pem(&fleet.cluster_cert_pem(&name).unwrap());
    assert_ne!(presented, pinned);
    // The same client, whose kept-alive connection the rotation dropped, and a new one.
    let fresh = client_with(
        &fleet,
        0,
        TlsTrust::Pinned(pinned),
        fleet.password(),
        TIMEOUT,
    );
    for client in [&c, &fresh] {
        // The old client may first meet its dropped connection (a reset): that is not
        // an acceptance either. The next attempt handshakes anew.
        let mut err = client.cluster().await.unwrap_err();
        if err.kind == ErrorKind::Connect {
            err = client.cluster().await.unwrap_err();
        }
        assert_eq!(err.kind, ErrorKind::Tls, "{err}");
        for part in [
            "CHANGED".to_string(),
            format!("pinned {pinned}"),
            format!("presented {presented}"),
            "security certificate show".to_string(),
            format!("re-run `ontop trust {name} --write`"),
        ] {
            assert!(err.message.contains(&part), "{part:?} not in: {err}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_server_name_checks_a_name_the_url_does_not_hold() {
    let fleet = start_fleet(1, |o| o.cert_style = CertStyle::SelfSigned).await;
    let (name, _) = self_signed(&fleet, 0);
    fleet
        .reissue_certificate_for(&name, &["cluster1.example.com"])
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = cert_file(&dir, "own.pem", &fleet.cluster_cert_pem(&name).unwrap());

    // Reached by 127.0.0.1, a name the certificate does not hold: refused, with the fix.
    let by_address = client_with(
        &fleet,
        0,
        TlsTrust::CaFile(ca_file.clone()),
        fleet.password(),
        TIMEOUT,
    );
    let err = by_address.cluster().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Tls, "{err}");
    assert!(err.message.contains("tls_server_name"), "{err}");

    let named = named_client(
        &fleet,
        0,
        TlsTrust::CaFile(ca_file.clone()),
        "cluster1.example.com",
    );
    named
        .cluster()
        .await
        .expect("checked against tls_server_name");
    let wrong = named_client(&fleet, 0, TlsTrust::CaFile(ca_file), "cluster2.example.com");
    assert_eq!(wrong.cluster().await.unwrap_err().kind, ErrorKind::Tls);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_server_name_works_with_a_ca_too() {
    let fleet = start_fleet(1, |_| {}).await;
    let name = fleet.clusters()[0].name.clone();
    fleet
        .reissue_certificate_for(&name, &["localhost"])
        .unwrap();
    let ca = TlsTrust::CaPem(fleet.ca_pem().unwrap().as_bytes().to_vec());
    let by_address = client_with(&fleet, 0, ca.clone(), fleet.password(), TIMEOUT);
    assert_eq!(by_address.cluster().await.unwrap_err().kind, ErrorKind::Tls);
    named_client(&fleet, 0, ca, "localhost")
        .cluster()
        .await
        .expect("a CA-signed certificate for localhost, reached by address");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiry_and_insecure_are_in_the_certificate_facts() {
    let fleet = start_fleet(1, |o| o.cert_style = CertStyle::Expiring).await;
    let c = crate::support::fleet::client(&fleet, 0);
    c.cluster().await.unwrap();
    let facts = c.certificate().unwrap();
    assert!((8..=10).contains(&facts.days_left), "{facts:?}");
    assert!(facts.expires_soon() && !facts.self_signed);

    let insecure = client_with(&fleet, 0, TlsTrust::Insecure, fleet.password(), TIMEOUT);
    insecure.cluster().await.unwrap();
    let facts = insecure.certificate().unwrap();
    assert!(facts.insecure && !facts.pinned);

    let http = start_fleet(1, |o| o.http = true).await;
    let plain = client_with(&http, 0, TlsTrust::System, http.password(), TIMEOUT);
    plain.cluster().await.unwrap();
    assert!(
        plain.certificate().is_none(),
        "plain HTTP has no certificate"
    );
}
