//! `ontop serve` against clients that mean harm: they pipeline and never read, ask for a
//! large `/metrics` and never read it, or trickle a request's head, hundreds at once.
//! A scrape with the login still gets through, each such connection is dropped within
//! seconds, and SIGTERM still stops the real binary within its grace.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};
use tokio::process::{Child, ChildStderr};
use tokio::task::JoinSet;

use super::Serving;
use crate::support::bin::{BIN, base_env};
use crate::support::fleet::{eventually, start_fleet};

/// The kinds of hostile client the attacks are made of.
#[derive(Debug, Clone, Copy)]
pub(super) enum Hostile {
    /// Sends this many `GET /healthz` (no login) in one write and never reads.
    Pipeliner(usize),
    /// Asks for `/metrics` (with this `Authorization`, if any) and never reads.
    NeverReader(Option<&'static str>),
    /// Sends a request's head one byte a second.
    Trickler,
}

impl Hostile {
    /// Three hundred of every kind in turn: the attack of the issue.
    pub(super) fn mix(n: usize, auth: Option<&'static str>) -> Vec<Hostile> {
        let kinds = [
            Hostile::Pipeliner(1000),
            Hostile::NeverReader(auth),
            Hostile::Trickler,
        ];
        (0..n).map(|i| kinds[i % kinds.len()]).collect()
    }

    /// Connects from `from` to `server` and misbehaves for as long as the task lives.
    async fn run(self, from: Ipv4Addr, server: SocketAddr) {
        let Ok(socket) = TcpSocket::new_v4() else {
            return;
        };
        if socket.bind(SocketAddr::from((from, 0))).is_err() {
            return;
        }
        let Ok(mut stream) = socket.connect(server).await else {
            return;
        };
        match self {
            Hostile::Pipeliner(n) => {
                let one = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
                let _ = stream.write_all(one.repeat(n).as_bytes()).await;
            }
            Hostile::NeverReader(auth) => {
                let auth = auth.map_or(String::new(), |a| format!("Authorization: {a}\r\n"));
                let ask = format!("GET /metrics HTTP/1.1\r\nHost: x\r\n{auth}\r\n");
                let _ = stream.write_all(ask.as_bytes()).await;
            }
            Hostile::Trickler => {
                for byte in b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: "
                    .iter()
                    .cycle()
                {
                    if stream.write_all(&[*byte]).await.is_err() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        std::future::pending::<()>().await;
    }
}

/// Starts `attackers` against `server`, `per_address` from each of 127.0.0.2, .3, …;
/// they stay until the set is dropped.
pub(super) async fn attack(
    server: SocketAddr,
    attackers: &[Hostile],
    per_address: usize,
) -> JoinSet<()> {
    let mut set = JoinSet::new();
    for (i, hostile) in attackers.iter().enumerate() {
        let from = Ipv4Addr::new(127, 0, 0, 2 + (i / per_address) as u8);
        set.spawn(hostile.run(from, server));
        if i % 50 == 49 {
            // Let them connect in order, as a crowd arriving, not all in one poll.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    set
}

/// The clusters of a fleet whose `/metrics` [`with_big_labels`] makes large.
pub(super) const CLUSTERS: usize = 5;

/// `text` of a config with 150 labels of 1000 characters on every cluster: each series
/// carries them, so a few clusters make a `/metrics` of megabytes, more than the
/// kernel buffers for a client that does not read.
pub(super) fn with_big_labels(text: &str) -> String {
    let labels: Vec<String> = (0..150)
        .map(|i| format!("pad{i:03} = \"{}\"", "x".repeat(1000)))
        .collect();
    let line = format!("[[cluster]]\nlabels = {{ {} }}\n", labels.join(", "));
    text.replace("[[cluster]]\n", &line)
}

/// The `[serve]` login: user `prometheus`, password `scrape-me` in a 0600 file in `dir`.
pub(super) fn with_login(text: &str, dir: &Path) -> String {
    let secret = dir.join("serve-password");
    std::fs::write(&secret, "scrape-me\n").unwrap();
    crate::support::config::chmod(&secret, 0o600);
    format!(
        "{text}\n[serve]\nusername = \"prometheus\"\npassword_file = \"{}\"\n",
        secret.display()
    )
}

/// `Authorization` for the login of [`with_login`]: `prometheus:scrape-me`.
pub(super) const RIGHT_LOGIN: &str = "Basic cHJvbWV0aGV1czpzY3JhcGUtbWU=";

/// The size of `/metrics` at `base` (with the login of [`with_login`]) once every
/// cluster has answered, and so every series is there: more than `at_least`.
pub(super) async fn large_metrics(base: &str, at_least: usize) -> usize {
    let http = super::plain_client();
    eventually("a /metrics of megabytes", || async {
        let answer = http
            .get(format!("{base}/metrics"))
            .basic_auth("prometheus", Some("scrape-me"))
            .send()
            .await
            .ok()?;
        let size = answer.text().await.ok()?.len();
        (size > at_least).then_some(size)
    })
    .await
}

/// More than the kernel takes of an answer its client does not read (about 4 MiB on
/// loopback), with room to spare.
const LARGE: usize = 8 << 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scrape_with_the_login_gets_through_300_hostile_connections() {
    let secrets = tempfile::tempdir().unwrap();
    let serving = Serving::start(
        CLUSTERS,
        |_| {},
        |text| with_login(&with_big_labels(&text), secrets.path()),
    )
    .await;
    let size = large_metrics(&serving.base, LARGE).await;
    let attackers = Hostile::mix(300, Some(RIGHT_LOGIN));
    let _attack = attack(serving.running.addr, &attackers, attackers.len()).await;
    for _ in 0..3 {
        let started = Instant::now();
        let answer = serving
            .http
            .get(format!("{}/metrics", serving.base))
            .basic_auth("prometheus", Some("scrape-me"))
            .send()
            .await;
        let page = match answer {
            Ok(answer) => answer.text().await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        let took = started.elapsed();
        eprintln!("a scrape during the attack took {took:?}");
        let page = page.unwrap_or_else(|e| panic!("a scrape during the attack: {e} ({took:?})"));
        assert!(page.len() >= size / 2, "the whole page: {}", page.len());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_an_answer_is_dropped_within_seconds() {
    let serving = Serving::start(CLUSTERS, |_| {}, |text| with_big_labels(&text)).await;
    let size = large_metrics(&serving.base, LARGE).await;
    let mut stream = TcpStream::connect(serving.running.addr).await.unwrap();
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    // Not reading for twice the stall limit: the server gives up on the answer.
    tokio::time::sleep(Duration::from_secs(10)).await;
    let mut got = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut got)).await;
    let read = read.expect("the server closed the connection");
    assert!(
        read.is_err() || got.len() < size,
        "the answer was cut off, not sent whole ({} of {size} bytes)",
        got.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelining_past_the_cap_gets_the_connection_closed() {
    let serving = Serving::start(1, |_| {}, |text| text).await;
    let mut stream = TcpStream::connect(serving.running.addr).await.unwrap();
    let one = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    stream.write_all(one.repeat(150).as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut got)).await;
    let _ = read.expect("the server closes the connection after its last answer");
    let text = String::from_utf8_lossy(&got).to_ascii_lowercase();
    let answers = text.matches("http/1.1 200 ok").count();
    assert_eq!(
        answers,
        ontop::testing::serve::web::MAX_REQUESTS_PER_CONNECTION
    );
    assert_eq!(
        text.matches("connection: close").count(),
        1,
        "on the last one"
    );
}

/// What a child wrote to stderr so far, read as it comes (a full pipe would stall it).
#[derive(Clone, Default)]
pub(super) struct Log(Arc<Mutex<String>>);

impl Log {
    fn follow(&self, mut lines: tokio::io::Lines<BufReader<ChildStderr>>) {
        let log = self.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                let mut text = log.0.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
            }
        });
    }

    /// Everything written so far.
    pub(super) fn text(&self) -> String {
        self.0.lock().unwrap().clone()
    }
}

/// The real binary, serving `config` on a loopback port: the child, where it listens,
/// and its stderr.
pub(super) async fn serve_binary(config: &Path, data: &Path) -> (Child, SocketAddr, Log) {
    let mut command = tokio::process::Command::new(BIN);
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (name, value) in base_env(data) {
        match value {
            Some(v) => command.env(name, v),
            None => command.env_remove(name),
        };
    }
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let log = Log::default();
    let addr = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            log.0.lock().unwrap().push_str(&format!("{line}\n"));
            if let Some((_, rest)) = line.split_once("listening on http://") {
                let addr = rest.split('/').next().unwrap();
                return addr.parse::<SocketAddr>().unwrap();
            }
        }
        panic!("ontop serve ended before it listened: {}", log.text());
    })
    .await
    .expect("ontop serve says where it listens");
    log.follow(lines);
    (child, addr, log)
}

/// Sends SIGTERM to `child`; how long it took to end, and its exit code.
pub(super) async fn terminate(child: &mut Child, limit: Duration) -> (Duration, Option<i32>) {
    let pid = child.id().expect("running") as i32;
    let asked = Instant::now();
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let status = tokio::time::timeout(limit, child.wait()).await;
    let status =
        status.unwrap_or_else(|_| panic!("ontop serve still runs {limit:?} after SIGTERM"));
    (asked.elapsed(), status.unwrap().code())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_serve_within_its_grace_while_hostile_clients_hold_every_slot() {
    let fleet = start_fleet(CLUSTERS, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, with_big_labels(&text)).unwrap();
    let (mut child, addr, _log) = serve_binary(&config, &dir.path().join("data")).await;
    large_metrics(&format!("http://{addr}"), LARGE).await;
    // Never-reading scrapers from 20 addresses, more than every slot: each answer is
    // larger than the kernel takes, so each write waits on its client.
    let attackers = [Hostile::NeverReader(None); 300];
    let _attack = attack(addr, &attackers, 15).await;
    let grace = ontop::testing::serve::web::STOP_GRACE;
    let (took, code) = terminate(&mut child, grace + Duration::from_secs(5)).await;
    eprintln!("stopped after {took:?}");
    assert_eq!(code, Some(0), "a clean stop after {took:?}");
}

/// The CPU time `pid` has used so far (user and system).
#[cfg(target_os = "linux")]
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
    Duration::from_millis(ticks * 1000 / per_second)
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_descriptors_serve_pauses_instead_of_spinning_and_recovers() {
    let fleet = start_fleet(2, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let (mut child, addr, log) = serve_binary(&config, &dir.path().join("data")).await;
    let pid = child.id().unwrap();
    let healthy = || async {
        let answer = super::plain_client()
            .get(format!("http://{addr}/healthz"))
            .send()
            .await;
        answer
            .map(|a| a.status().as_u16())
            .map_err(|e| e.to_string())
    };
    assert_eq!(healthy().await, Ok(200));
    // Room for two more descriptors, then twenty clients: accept runs out. (Each retry
    // logged, as before, would be some thirty lines in these 3 s; a poller's connection
    // closing may end a run of failures and start another.)
    let open = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count() as u64;
    let mut old = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: prlimit on our own child, with valid structs (reading, then setting).
    let got = unsafe { libc::prlimit(pid as i32, libc::RLIMIT_NOFILE, std::ptr::null(), &mut old) };
    assert_eq!(got, 0, "{}", std::io::Error::last_os_error());
    let low = libc::rlimit {
        rlim_cur: open + 2,
        rlim_max: old.rlim_max,
    };
    // SAFETY: as above.
    let set = unsafe { libc::prlimit(pid as i32, libc::RLIMIT_NOFILE, &low, std::ptr::null_mut()) };
    assert_eq!(set, 0, "{}", std::io::Error::last_os_error());
    let mut crowd = Vec::new();
    for _ in 0..20 {
        crowd.push(TcpStream::connect(addr).await.unwrap());
    }
    let before = cpu_time(pid);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let used = cpu_time(pid) - before;
    assert!(used < Duration::from_millis(600), "{used:?} of CPU in 3 s");
    // Descriptors free again: serving goes on.
    drop(crowd);
    // SAFETY: as above, the old limit back.
    let reset =
        unsafe { libc::prlimit(pid as i32, libc::RLIMIT_NOFILE, &old, std::ptr::null_mut()) };
    assert_eq!(reset, 0);
    // Accepting resumes after its pause (a busy machine may drop a first try).
    crate::support::fleet::eventually("serving again", || async {
        (healthy().await == Ok(200)).then_some(())
    })
    .await;
    let (took, code) = terminate(&mut child, Duration::from_secs(15)).await;
    assert_eq!(code, Some(0), "a clean stop after {took:?}");
    let said = log.text();
    let accepts = said.lines().filter(|l| l.contains("accept")).count();
    assert!(
        (1..=4).contains(&accepts),
        "a failing accept is said once, not each time: {said}"
    );
}
