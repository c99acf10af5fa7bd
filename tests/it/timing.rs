//! The engine's timing rules on a paused clock: a failing cluster backs off, a fleet's
//! polls are spread over the interval, a removal is followed to its end, and a paused
//! login reads its source again without resending a refused password. Hours of polling
//! run in microseconds, and each rule is read from the instants the updates came at.
//!
//! As in mini-redis's tests, the clock is paused once every connection to the simulator
//! is up (the first polls, in real time): from there on time only moves when every task
//! waits on it, the simulator's included. The backoff needs no wire at all (a cluster
//! without a client fails at once). `max_running` is paused at its seam
//! (`download::queue`), and so are the "temporarily locked" retries (`download::locked`),
//! since the simulator never refuses a change as locked.

use std::time::Duration;

use tokio::time::Instant;

use crate::support::engine::{Harness, engine};
use crate::support::fleet::start_fleet;
use ontop::testing::download::audit::AuditLog;
use ontop::testing::download::journal::Journal;
use ontop::testing::download::{Ending, OperationKind};
use ontop::testing::engine::{Engine, EngineOptions, EngineSetup, Schedule, Update};
use ontop::testing::fleet::Target;
use ontop::testing::ontap::{ErrorKind, OntapError};
use ontop_sim::SimFleet;

const INTERVAL: Duration = Duration::from_secs(5);

/// An engine polling every cluster of `fleet` every `interval`, no inventory; the clock
/// is paused once every cluster answered.
async fn paused(fleet: &SimFleet, interval: Duration) -> Harness {
    let mut h = engine(fleet, None, |s| {
        s.interval = interval;
        s.inventory = None;
    });
    h.until("every cluster answered", |m, _| {
        m.clusters.iter().all(|c| c.last_success.is_some())
    })
    .await;
    pause(&mut h);
    h
}

/// Pauses the clock: from here on the harness waits for updates in no time.
fn pause(h: &mut Harness) {
    tokio::time::pause();
    h.bound = Duration::from_secs(24 * 3600);
}

/// The instants of the next `n` updates that `pick` keeps, by cluster.
async fn instants(
    h: &mut Harness,
    n: usize,
    pick: impl Fn(&Update) -> Option<usize>,
) -> Vec<(usize, Instant)> {
    let mut at = Vec::new();
    h.until("the updates", |_, update| {
        if let Some(cluster) = pick(update) {
            at.push((cluster, Instant::now()));
        }
        at.len() == n
    })
    .await;
    at
}

fn polled(update: &Update) -> Option<usize> {
    match update {
        Update::Polled { cluster, .. } => Some(*cluster),
        _ => None,
    }
}

/// An engine over one cluster that has no client (its address did not parse, say): every
/// poll fails at once, with nothing on the wire, so the clock can be paused from the
/// start. The instants of its failures.
async fn failures_of_a_cluster_without_a_client(n: usize) -> Vec<Instant> {
    let target = Target {
        name: "nowhere".into(),
        url: "https://nowhere.invalid".into(),
        labels: Default::default(),
        client: Err(OntapError::new("nowhere", ErrorKind::Connect, "no client")),
        reauth: None,
    };
    let (_engine, mut updates) = Engine::start(
        EngineSetup {
            clusters: vec![(target, Schedule::every(INTERVAL))],
            audit: AuditLog::disabled(),
            journal: Journal::open(None),
            mirrors: Vec::new(),
        },
        EngineOptions::default(),
    );
    let mut at = Vec::new();
    while at.len() < n {
        if let Update::PollFailed { .. } = updates.recv().await.expect("the engine runs") {
            at.push(Instant::now());
        }
    }
    at
}

#[tokio::test(start_paused = true)]
async fn a_failing_cluster_backs_off_doubling_with_jitter_up_to_five_minutes() {
    const MAX_BACKOFF: Duration = Duration::from_secs(300);
    let failures = failures_of_a_cluster_without_a_client(12).await;
    let gaps: Vec<Duration> = failures.windows(2).map(|p| p[1] - p[0]).collect();
    // After each failure in a row: the interval (5 s), doubled each time, capped at
    // five minutes; jittered within a fifth (never past the cap).
    let backoff = [5, 10, 20, 40, 80, 160, 300, 300, 300, 300, 300];
    for (k, (gap, wait)) in gaps.iter().zip(backoff).enumerate() {
        let wait = Duration::from_secs(wait);
        assert!(
            *gap >= wait.mul_f64(0.8) && *gap <= wait.mul_f64(1.2).min(MAX_BACKOFF),
            "failure {}: {gap:?} after the one before, backoff {wait:?}; all: {gaps:?}",
            k + 1
        );
    }
    // Below the cap every wait is drawn afresh: not one of them the bare doubling. (At
    // the cap a draw above it is cut to five minutes, so equal waits there are fine.)
    let uncapped = gaps.iter().zip(backoff).take_while(|(_, w)| *w < 300);
    let bare = uncapped
        .filter(|(g, w)| **g == Duration::from_secs(*w))
        .count();
    assert!(bare < 6, "jittered, not the bare doubling: {gaps:?}");
}

#[tokio::test]
async fn a_fleets_polls_are_spread_over_the_interval_each_on_its_own_grid() {
    const CLUSTERS: usize = 6;
    let interval = Duration::from_secs(6);
    let fleet = start_fleet(CLUSTERS, |_| {}).await;
    let mut h = paused(&fleet, interval).await;
    let polls = instants(&mut h, CLUSTERS * 4, polled).await;
    let by_cluster: Vec<Vec<Instant>> = (0..CLUSTERS)
        .map(|c| polls.iter().filter(|p| p.0 == c).map(|p| p.1).collect())
        .collect();
    for (c, at) in by_cluster.iter().enumerate() {
        assert!(at.len() >= 3, "cluster {c} polled {} times", at.len());
        for pair in at.windows(2) {
            assert_eq!(pair[1] - pair[0], interval, "cluster {c} on its grid");
        }
    }
    // Each cluster's place in the interval, from the earliest poll: no two together, no
    // long quiet stretch.
    let base = polls.iter().map(|p| p.1).min().unwrap();
    let mut places: Vec<u128> = by_cluster
        .iter()
        .map(|at| (at[0] - base).as_millis() % interval.as_millis())
        .collect();
    places.sort_unstable();
    let gaps: Vec<u128> = places
        .windows(2)
        .map(|w| w[1] - w[0])
        .chain([interval.as_millis() - places[CLUSTERS - 1] + places[0]])
        .collect();
    let (least, most) = (interval.as_millis() / 12, interval.as_millis() / 3);
    assert!(
        gaps.iter().all(|g| (least..=most).contains(g)),
        "polls in the interval at {places:?} ms: gaps {gaps:?}"
    );
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_removal_is_followed_to_the_end_of_its_job() {
    let removing = Duration::from_secs(120);
    let fleet = start_fleet(1, |o| o.delete_duration = removing).await;
    let url = fleet.default_package_url();
    fleet.finish_download("sim-1", &url).unwrap();
    let mut h = engine(&fleet, None, |s| s.interval = INTERVAL);
    h.answered().await;
    pause(&mut h);
    let asked = Instant::now();
    h.engine.remove_packages(&[(0, "9.16.1P3".to_string())]);
    let mut phases = Vec::new();
    let mut polls = Vec::new();
    let following = h.until("the removal ended", |_, update| {
        let followed = match update {
            Update::Operation { followed, .. } => followed,
            Update::Polled { .. } => {
                polls.push(asked.elapsed());
                return false;
            }
            _ => return false,
        };
        let (word, answered) = (followed.phase.word().to_string(), followed.answered);
        phases.push((word, answered, asked.elapsed()));
        followed.ending().is_some()
    });
    let ended = tokio::time::timeout(removing * 3, following).await;
    assert!(ended.is_ok(), "the removal was not followed to its end");
    let (word, _, took) = phases.last().unwrap();
    assert_eq!(word, "removed", "{phases:?}");
    let removal = h.model.clusters[0]
        .operation(OperationKind::Removal)
        .unwrap();
    assert_eq!(removal.ending(), Some(&Ending::Removed));
    // Followed while its job ran (not taken as done when the cluster took it), and seen
    // ended by the first poll after the job's end. The job runs from the request's
    // answer; the paused clock moves on while a loopback answer is under way, so on a
    // loaded machine that answer (and a poll) may come later than the request and the
    // interval say: the end is counted in polls after it, not in seconds (the poll that
    // saw it may report first).
    let answered = phases.iter().find(|(_, answered, _)| *answered).unwrap().2;
    assert!(
        *took >= removing,
        "ended {took:?} after the request: {phases:?}"
    );
    let job_end = answered + removing;
    let polls_after_the_end = polls.iter().filter(|&&p| (job_end..*took).contains(&p));
    assert!(
        polls_after_the_end.count() <= 1,
        "ended {took:?} after the request, polls at {polls:?}: {phases:?}"
    );
    assert!(
        phases
            .iter()
            .any(|(w, _, at)| w == "running" && *at < job_end),
        "{phases:?}"
    );
    fleet.shutdown().await;
}

#[tokio::test]
async fn a_paused_login_reads_its_source_on_its_timer_and_never_resends_a_refused_password() {
    use crate::support::engine::{Setup, engine_over, password_file_targets};
    let retry = Duration::from_secs(10);
    let fleet = start_fleet(1, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let (targets, _file) = password_file_targets(&fleet, dir.path(), "not-the-password").await;
    let mut setup = Setup {
        interval: INTERVAL,
        inventory: None,
        ..Setup::default()
    };
    setup.options.login_retry = Some(retry);
    let mut h = engine_over(&fleet, targets, None, setup);
    h.until("the login paused", |_, u| {
        matches!(u, Update::LoginPaused { .. })
    })
    .await;
    pause(&mut h);
    let paused = Instant::now();
    // An hour of retries later, the cluster has seen one refused login, not 360.
    let quiet = tokio::time::timeout(Duration::from_secs(3600), async {
        while let Some(update) = h.updates.recv().await {
            if !matches!(update, Update::LoginPaused { .. }) {
                return Some(update);
            }
        }
        None
    })
    .await;
    assert!(quiet.is_err(), "nothing but pauses: {quiet:?}");
    assert_eq!(fleet.failed_logins("sim-1"), 1);
    assert!(paused.elapsed() >= Duration::from_secs(3600));
    // (That a fixed file resumes the polls is read on the wire, in real time: the
    // source is read on a blocking thread, where a paused clock jumps.)
    fleet.shutdown().await;
}
