//! Guessing the `[serve]` password: a few wrong logins are answered 401, then the
//! client must wait (429) however fast it asks, others are not held up, and the log
//! sums the refusals up instead of writing a line per guess.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

use super::Serving;
use super::attack::{RIGHT_LOGIN, with_login};
use crate::support::bin::{Served, command, serve, terminate};
use crate::support::fleet::start_fleet;

/// `prometheus:wrong`.
const WRONG_LOGIN: &str = "Basic cHJvbWV0aGV1czp3cm9uZw==";

/// Sends `logins` (each an `Authorization` value) down one connection from `from`, the
/// last asking to close it, and returns the status of each answer in order.
async fn pipelined(server: SocketAddr, from: Ipv4Addr, logins: &[&str]) -> Vec<u16> {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((from, 0))).unwrap();
    let mut stream = socket.connect(server).await.unwrap();
    let mut asks = String::new();
    for (i, login) in logins.iter().enumerate() {
        let close = if i + 1 == logins.len() {
            "Connection: close\r\n"
        } else {
            ""
        };
        asks.push_str(&format!(
            "GET /healthz HTTP/1.1\r\nHost: x\r\nAuthorization: {login}\r\n{close}\r\n"
        ));
    }
    stream.write_all(asks.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut got));
    read.await.expect("every answer comes").unwrap();
    String::from_utf8_lossy(&got)
        .lines()
        .filter_map(|l| l.strip_prefix("HTTP/1.1 "))
        .map(|l| l[..3].parse().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_logins_make_their_client_wait_and_nobody_else() {
    let secrets = tempfile::tempdir().unwrap();
    let serving = Serving::start(1, |_| {}, |text| with_login(&text, secrets.path())).await;
    let guesser = Ipv4Addr::new(127, 0, 0, 3);
    let statuses = pipelined(serving.running.addr, guesser, &[WRONG_LOGIN; 50]).await;
    assert_eq!(statuses.len(), 50);
    assert_eq!(statuses[..5], [401; 5], "a few wrong logins are only wrong");
    assert!(
        statuses[5..].iter().all(|s| *s == 429),
        "then the guesser waits: {statuses:?}"
    );
    // While it waits, even the right password is not checked for it.
    let right = pipelined(serving.running.addr, guesser, &[RIGHT_LOGIN]).await;
    assert_eq!(right, [429]);
    // Another client is not held up.
    let answer = serving
        .http
        .get(format!("{}/healthz", serving.base))
        .basic_auth("prometheus", Some("scrape-me"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let wait = pipelined(serving.running.addr, guesser, &[WRONG_LOGIN]).await;
    assert_eq!(wait, [429]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_logins_are_logged_as_one_summary_not_a_line_each() {
    let fleet = start_fleet(1, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, with_login(&text, dir.path())).unwrap();
    let Served {
        mut child,
        addr,
        log,
    } = serve(command(&dir.path().join("data")), "127.0.0.1:0", &config).await;
    let guesser = Ipv4Addr::new(127, 0, 0, 3);
    for _ in 0..2 {
        let statuses = pipelined(addr, guesser, &[WRONG_LOGIN; 100]).await;
        assert_eq!(statuses.len(), 100);
    }
    let (_, code) = terminate(&mut child, Duration::from_secs(20)).await;
    assert_eq!(code, Some(0));
    // The last summary is written as the server stops: read to the end of its log.
    let said = log.all().await;
    let refused: Vec<&str> = said
        .lines()
        .filter(|l| l.contains("refused") && l.contains("login"))
        .collect();
    assert_eq!(refused.len(), 1, "one line for 200 guesses: {said}");
    assert!(
        refused[0].contains("refused 200 logins from 127.0.0.3 in the last"),
        "{said}"
    );
}
