//! What a poll costs the cluster, read from the simulator's request log on a paused
//! clock: a steady cluster is asked one question per poll, on a grid that does not
//! drift; identity, version and software come every tenth poll, and at once after a
//! change; while an update runs the software is read on every poll.
//!
//! As in mini-redis's tests, the clock is paused once the connection is up (the first
//! poll, in real time): from there on time only moves when every task waits on it.

use std::time::Duration;

use tokio::time::Instant;

use crate::support::engine::{Harness, engine};
use crate::support::fleet::{client, client_with, eventually, fleet_trust, request, start_fleet};
use ontop::testing::engine::{SoftwareReads, Update};
use ontop_sim::{Fault, SimFleet, UpdateAt};

const INTERVAL: Duration = Duration::from_secs(5);

/// One GET the cluster answered, by what it asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asked {
    Identity,
    Download,
    Software,
    Other,
}

/// A poll that reads the cluster whole (status, software, identity), then a poll that
/// asks one question again.
const WHOLE_THEN_ONE: [Asked; 4] = [
    Asked::Download,
    Asked::Software,
    Asked::Identity,
    Asked::Download,
];

/// The GETs `cluster` received, oldest first, from the `skip`-th request on.
fn gets(fleet: &SimFleet, cluster: &str, skip: usize) -> Vec<Asked> {
    fleet
        .request_log(cluster)
        .into_iter()
        .skip(skip)
        .filter(|r| r.method == "GET")
        .map(|r| match r.path.split('?').next().unwrap_or_default() {
            "/api/cluster" => Asked::Identity,
            "/api/cluster/software/download" => Asked::Download,
            "/api/cluster/software" => Asked::Software,
            _ => Asked::Other,
        })
        .collect()
}

/// An engine polling the one cluster of `fleet` every [`INTERVAL`], with no inventory;
/// the clock is paused after its first poll, whose instant comes back too.
async fn polling(fleet: &SimFleet) -> (Harness, Instant) {
    polling_reading(fleet, SoftwareReads::Scheduled).await
}

/// [`polling`], reading the software as `software` says.
async fn polling_reading(fleet: &SimFleet, software: SoftwareReads) -> (Harness, Instant) {
    let mut h = engine(fleet, None, |s| {
        s.interval = INTERVAL;
        s.inventory = None;
        s.options.software = software;
    });
    let first = polls(&mut h, 1).await[0];
    tokio::time::pause();
    (h, first)
}

/// Applies updates until `n` more polls answered; the instant each came.
async fn polls(h: &mut Harness, n: usize) -> Vec<Instant> {
    let mut at = Vec::new();
    h.until("the polls", |_, update| {
        if matches!(update, Update::Polled { .. }) {
            at.push(Instant::now());
        }
        at.len() == n
    })
    .await;
    at
}

#[tokio::test]
async fn a_steady_cluster_is_asked_one_question_per_poll_on_a_grid_that_does_not_drift() {
    let fleet = start_fleet(1, |_| {}).await;
    let (mut h, first) = polling(&fleet).await;
    let at = polls(&mut h, 24).await;
    let at: Vec<Instant> = std::iter::once(first).chain(at).collect();
    let asked = gets(&fleet, "sim-1", 0);
    let identity: Vec<usize> = (0..asked.len())
        .filter(|&i| asked[i] == Asked::Identity)
        .collect();
    assert_eq!(
        asked.iter().filter(|&&a| a == Asked::Download).count(),
        25,
        "{asked:?}"
    );
    // Polls 1, 11 and 21 also read the software, then identity and version, right after
    // the download status.
    assert_eq!(identity, [2, 14, 26], "{asked:?}");
    let software: Vec<usize> = (0..asked.len())
        .filter(|&i| asked[i] == Asked::Software)
        .collect();
    assert_eq!(software, [1, 13, 25], "{asked:?}");
    assert_eq!(asked.len(), 31, "nothing else is asked: {asked:?}");
    assert_eq!(
        fleet.connections_accepted("sim-1"),
        1,
        "every question on the one kept-alive connection"
    );
    // Paused, the polls come exactly on their grid points (the first one, in real
    // time, a little after its own).
    for pair in at[1..].windows(2) {
        assert_eq!(pair[1] - pair[0], INTERVAL, "every poll on its grid point");
    }
    assert!(at[1] - at[0] <= INTERVAL, "{:?}", at[1] - at[0]);
    let cluster = &h.model.clusters[0];
    let read = cluster.version_read.expect("the version was read");
    assert!(cluster.version.is_some());
    assert!(
        read < cluster.last_success.unwrap(),
        "read less often than the status"
    );
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_changed_download_state_brings_identity_and_version_at_once() {
    let fleet = start_fleet(1, |_| {}).await;
    // Someone else, connected already, starts a download between two polls.
    let elsewhere = client(&fleet, 0);
    elsewhere.download_status().await.unwrap();
    let (mut h, _) = polling(&fleet).await;
    polls(&mut h, 2).await;
    let before = fleet.request_log("sim-1").len();
    elsewhere
        .start_download(&request(fleet.default_package_url()), 0)
        .await
        .unwrap();
    let skip = fleet.request_log("sim-1").len();
    polls(&mut h, 1).await;
    assert!(skip > before, "the start reached the cluster");
    assert_eq!(
        gets(&fleet, "sim-1", skip),
        [Asked::Download, Asked::Software, Asked::Identity],
        "the poll that saw the change read the software and identity too"
    );
    let cluster = &h.model.clusters[0];
    assert_eq!(cluster.version_read, cluster.last_success);
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_cluster_answering_again_after_failing_is_read_whole() {
    let fleet = start_fleet(1, |_| {}).await;
    let (mut h, _) = polling(&fleet).await;
    polls(&mut h, 1).await;
    fleet.set_fault("sim-1", Fault::Http503);
    h.until("a failed poll", |_, u| {
        matches!(u, Update::PollFailed { .. })
    })
    .await;
    fleet.set_fault("sim-1", Fault::None);
    let before = fleet.request_log("sim-1").len();
    polls(&mut h, 2).await;
    assert_eq!(
        gets(&fleet, "sim-1", before),
        WHOLE_THEN_ONE,
        "identity at once on coming back, then one question again"
    );
    fleet.shutdown().await;
}

#[tokio::test]
async fn while_an_update_runs_the_software_is_read_on_every_poll_and_identity_when_it_ends() {
    let fleet = start_fleet(1, |_| {}).await;
    fleet
        .put_update("sim-1", "9.16.1P3", UpdateAt::PausedOnError(1))
        .unwrap();
    let (mut h, _) = polling(&fleet).await;
    assert!(
        h.model.clusters[0].readiness.updating(),
        "read at the first poll"
    );
    let before = fleet.request_log("sim-1").len();
    polls(&mut h, 2).await;
    assert_eq!(
        gets(&fleet, "sim-1", before),
        [
            Asked::Download,
            Asked::Software,
            Asked::Download,
            Asked::Software
        ],
        "the update is watched on every poll, identity on its own schedule"
    );
    fleet
        .put_update("sim-1", "9.16.1P3", UpdateAt::Completed)
        .unwrap();
    let before = fleet.request_log("sim-1").len();
    polls(&mut h, 2).await;
    assert_eq!(
        gets(&fleet, "sim-1", before),
        WHOLE_THEN_ONE,
        "the poll that saw the update end read identity too, then one question again"
    );
    let cluster = &h.model.clusters[0];
    assert!(!cluster.readiness.updating());
    let software_read = cluster.readiness.software.as_ref().map(|(at, _)| *at);
    assert_eq!(
        software_read, cluster.version_read,
        "both read by that poll"
    );
    assert!(software_read < cluster.last_success);
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_command_about_packages_never_reads_the_software() {
    let fleet = start_fleet(1, |_| {}).await;
    let (mut h, _) = polling_reading(&fleet, SoftwareReads::WhenFollowed).await;
    polls(&mut h, 10).await;
    assert_eq!(
        gets(&fleet, "sim-1", 0),
        [
            [Asked::Download, Asked::Identity].as_slice(),
            &[Asked::Download; 9],
            &[Asked::Download, Asked::Identity],
        ]
        .concat(),
        "identity and version on their schedule, and no software"
    );
    assert!(h.model.clusters[0].version.is_some());
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_the_cluster_closed_while_idle_is_replaced_without_an_error() {
    let fleet = start_fleet(1, |_| {}).await;
    let c = client(&fleet, 0);
    c.download_status().await.unwrap();
    c.download_status().await.unwrap();
    assert_eq!(
        fleet.connections_accepted("sim-1"),
        1,
        "kept between questions"
    );
    // A renewed certificate (the same CA): the simulator drops the open connections.
    fleet.rotate_certificate("sim-1").unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    for _ in 0..3 {
        c.download_status()
            .await
            .expect("asked again on a new connection");
    }
    assert_eq!(
        fleet.connections_accepted("sim-1"),
        2,
        "one new connection, kept again"
    );
    fleet.shutdown().await;
}

/// A cluster's requests share its one connection, one after the other: each waits for
/// those before it, then has its whole timeout. Four questions at once to a cluster that
/// answers in a second, with a 3 s timeout: the last answer comes at about 4 s, and is
/// an answer, not a timeout (a change queued behind slow polls is not sent with its
/// time spent, then reported unanswered).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_queued_behind_slow_ones_has_its_whole_timeout() {
    let fleet = start_fleet(1, |_| {}).await;
    let trust = fleet_trust(&fleet);
    let c = client_with(&fleet, 0, trust, fleet.password(), Duration::from_secs(3));
    c.download_status().await.unwrap();
    fleet.set_fault("sim-1", Fault::Latency(Duration::from_secs(1)));
    let started = Instant::now();
    let answers = tokio::join!(
        c.download_status(),
        c.download_status(),
        c.download_status(),
        c.download_status()
    );
    for answer in [answers.0, answers.1, answers.2, answers.3] {
        answer.expect("answered within its own timeout");
    }
    assert!(started.elapsed() >= Duration::from_secs(4), "one at a time");
    assert_eq!(
        fleet.connections_accepted("sim-1"),
        1,
        "on the one connection"
    );
    fleet.shutdown().await;
}

/// The cluster drops the connection while a question waits for its answer (here: its
/// certificate is renewed, which closes open connections). A GET goes once more, on a
/// new connection, and the caller sees the answer; a change is never sent twice: it
/// fails, and the cluster saw it once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_costs_a_question_a_second_try_and_a_change_none() {
    let fleet = start_fleet(1, |_| {}).await;
    let c = client(&fleet, 0);
    c.download_status().await.unwrap();
    // Answers come late; the connection drops once the question has reached the cluster.
    fleet.set_fault("sim-1", Fault::Latency(Duration::from_millis(1500)));
    let gets = asked(&fleet, "GET");
    let dropped = drop_once_asked(&fleet, "GET", gets + 1);
    let (answer, ()) = tokio::join!(c.download_status(), dropped);
    answer.expect("asked again on a new connection");
    assert_eq!(asked(&fleet, "GET"), gets + 2);
    assert_eq!(fleet.connections_accepted("sim-1"), 2);
    let package = request(fleet.default_package_url());
    let start = c.start_download(&package, 0);
    let (started, ()) = tokio::join!(start, drop_once_asked(&fleet, "POST", 1));
    started.expect_err("the connection dropped before the answer");
    assert_eq!(asked(&fleet, "POST"), 1, "sent once");
    fleet.shutdown().await;
}

/// The requests of `method` sim-1 received.
fn asked(fleet: &SimFleet, method: &str) -> usize {
    let log = fleet.request_log("sim-1");
    log.iter().filter(|r| r.method == method).count()
}

/// Drops sim-1's open connections once it has received `count` requests of `method`.
async fn drop_once_asked(fleet: &SimFleet, method: &str, count: usize) {
    let reached = || async { (asked(fleet, method) >= count).then_some(()) };
    eventually("the question reaches the cluster", reached).await;
    fleet.rotate_certificate("sim-1").unwrap();
}
