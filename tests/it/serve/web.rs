//! Reaching `ontop serve`: the `[serve]` login, HTTPS with the operator's certificate,
//! and the config's checks on both.

use std::path::Path;
use std::time::Duration;

use super::{Serving, get, plain_client};
use crate::support::config::{Fixture, assert_says};

/// Adds a `[serve]` table to a config.
fn with_serve(text: String, serve: &str) -> String {
    format!("{text}\n[serve]\n{serve}\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_asks_for_the_login_when_one_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("serve-password");
    std::fs::write(&secret, "scrape-me\n").unwrap();
    crate::support::config::chmod(&secret, 0o600);
    let serve = format!(
        "username = \"prometheus\"\npassword_file = \"{}\"",
        secret.display()
    );
    let serving = Serving::start(1, |_| {}, |text| with_serve(text, &serve)).await;
    for path in ["/", "/metrics", "/api/status", "/healthz"] {
        let answer = serving
            .http
            .get(format!("{}{path}", serving.base))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 401, "{path}");
        let challenge = answer.headers()["www-authenticate"].to_str().unwrap();
        assert!(
            challenge.starts_with("Basic realm=\"ontop\""),
            "{challenge}"
        );
        let wrong = serving
            .http
            .get(format!("{}{path}", serving.base))
            .basic_auth("prometheus", Some("scrape-you"))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status().as_u16(), 401, "{path} with a wrong password");
        let right = serving
            .http
            .get(format!("{}{path}", serving.base))
            .basic_auth("prometheus", Some("scrape-me"))
            .send()
            .await
            .unwrap();
        assert_eq!(right.status().as_u16(), 200, "{path} with the login");
    }
}

/// A certificate for 127.0.0.1 and its key, as PEM files in `dir`; the certificate is
/// its own CA.
fn certificate(dir: &Path) -> (String, String, String) {
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    let cert = params.self_signed(&key).unwrap();
    let cert_path = dir.join("serve.crt");
    let key_path = dir.join("serve.key");
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    crate::support::config::chmod(&key_path, 0o600);
    (
        cert_path.display().to_string(),
        key_path.display().to_string(),
        cert.pem(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_is_served_with_the_configured_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, pem) = certificate(dir.path());
    let serve = format!("tls_cert_file = \"{cert}\"\ntls_key_file = \"{key}\"");
    let serving = Serving::start(1, |_| {}, |text| with_serve(text, &serve)).await;
    assert!(serving.base.starts_with("https://"), "{}", serving.base);
    let trusting = crate::support::sim::client_with_ca(Some(&pem));
    let (status, body) = get(&trusting, &format!("{}/healthz", serving.base)).await;
    assert_eq!((status, body.as_str()), (200, "ok\n"));
    // Plain HTTP on the TLS port gets no page.
    let plain = format!("http://{}/healthz", serving.running.addr);
    let answer = plain_client().get(&plain).send().await;
    assert!(answer.is_err() || !answer.unwrap().status().is_success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_client_is_dropped_and_stopping_does_not_wait_for_idle_connections() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let serving = Serving::start(1, |_| {}, |text| text).await;
    // Half a request, then nothing: the server closes it once the head is overdue.
    let mut slow = tokio::net::TcpStream::connect(serving.running.addr)
        .await
        .unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(20), slow.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "a trickling client is not kept forever");
    // A kept-alive connection that says nothing does not hold the stop.
    let _idle = tokio::net::TcpStream::connect(serving.running.addr)
        .await
        .unwrap();
    let addr = serving.running.addr;
    let stopped = tokio::time::timeout(Duration::from_secs(5), serving.running.stop()).await;
    assert!(stopped.is_ok_and(|r| r.is_ok()), "stop returns at once");
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "nothing listens after stop"
    );
}

#[test]
fn the_serve_table_is_checked_like_the_rest() {
    let fx = Fixture::new();
    let base = "[[cluster]]\nname = \"a\"\nurl = \"https://a.example\"\nusername = \"u\"\npassword = \"x\"\n";
    let error = fx.error(&format!("{base}[serve]\nlisten = \"localhost:9464\"\nusername = \"p\"\ntls_cert_file = \"nope.pem\"\nlisen = 1\n"));
    assert_says(
        &error,
        &[
            "[serve]",
            "listen",
            "not an IP address and port",
            "127.0.0.1:9464",
        ],
    );
    assert_says(&error, &["username", "needs a password source"]);
    assert_says(&error, &["tls_cert_file", "not a readable file"]);
    assert_says(&error, &["tls_key_file", "HTTPS needs both"]);
    assert_says(&error, &["lisen", "listen"]);
    let error = fx.error(&format!(
        "{base}[serve]\nusername = \"a:b\"\npassword = \"x\"\n"
    ));
    assert_says(&error, &["username", "cannot hold ':'"]);
    let config = fx.ok(&format!(
        "{base}[serve]\nlisten = \"[::1]:9999\"\nusername = \"prom\"\npassword = \"hunter2\"\n"
    ));
    assert_eq!(config.serve.listen, Some("[::1]:9999".parse().unwrap()));
    let shown = config.render_redacted();
    assert_says(
        &shown,
        &[
            "[serve]",
            "listen = \"[::1]:9999\"",
            "username = \"prom\"",
            "<redacted",
        ],
    );
    assert!(!shown.contains("hunter2"), "{shown}");
}
