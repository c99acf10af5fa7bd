//! The dashboard's model without a terminal or a network: events in, rows out.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use ontop::testing::download::{Observation, Since, StartOutcome, Tracker};
use ontop::testing::engine::Update as Event;
use ontop::testing::ontap::{
    DownloadState, DownloadStatus, ErrorKind, Job, JobState, OntapError, Package,
};
use ontop::testing::state::{ClusterIdentity, Column, Health, Model, SortOrder, visible_rows};

const INTERVAL: Duration = Duration::from_secs(5);

fn t0() -> Timestamp {
    "2026-11-27T10:00:00Z".parse().unwrap()
}

fn at(secs: i64) -> Timestamp {
    t0() + SignedDuration::from_secs(secs)
}

fn identity(name: &str, labels: &[(&str, &str)]) -> ClusterIdentity {
    ClusterIdentity {
        name: name.into(),
        url: format!("https://{name}.example.com"),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        poll_interval: INTERVAL,
        username: "admin".into(),
        ..ClusterIdentity::default()
    }
}

fn fleet() -> Model {
    Model::new([
        identity("prod-ams-1", &[("site", "ams"), ("env", "prod")]),
        identity("prod-nyc-1", &[("site", "nyc"), ("env", "prod")]),
        identity("lab-ams-1", &[("site", "ams"), ("env", "lab")]),
    ])
}

fn status(state: DownloadState, code: i64) -> DownloadStatus {
    DownloadStatus {
        state: Some(state),
        message: Some("Package download in progress".into()),
        code: Some(code),
    }
}

fn polled(cluster: usize, secs: i64, state: DownloadState) -> Event {
    Event::Polled {
        cluster,
        at: at(secs),
        info: None,
        download: status(state, 10551382),
        job: None,
        took: std::time::Duration::ZERO,
    }
}

fn failed(cluster: usize, secs: i64, kind: ErrorKind, message: &str) -> Event {
    Event::PollFailed {
        cluster,
        at: at(secs),
        error: OntapError {
            cluster: format!("c{cluster}"),
            kind,
            http_status: None,
            code: None,
            message: message.into(),
            target: None,
            unanswered: false,
        },
        took: None,
    }
}

fn job(uuid: &str, state: JobState) -> Job {
    Job {
        uuid: uuid.into(),
        description: None,
        state: Some(state),
        message: None,
        code: None,
        start_time: None,
        end_time: None,
        error: None,
    }
}

#[test]
fn health_goes_unknown_ok_stale_failing_and_back() {
    let mut m = fleet();
    let c = 0;
    assert_eq!(m.clusters[c].health(at(0)), Health::Unknown);
    m.apply(polled(c, 0, DownloadState::NotStarted));
    assert_eq!(m.clusters[c].health(at(1)), Health::Ok);
    // Three intervals without an answer: stale, not failing.
    assert_eq!(m.clusters[c].health(at(15)), Health::Ok);
    assert_eq!(m.clusters[c].health(at(16)), Health::Stale);
    m.apply(failed(c, 20, ErrorKind::Timeout, "no answer"));
    assert_eq!(m.clusters[c].health(at(20)), Health::Failing);
    m.apply(polled(c, 25, DownloadState::NotStarted));
    assert_eq!(m.clusters[c].health(at(25)), Health::Ok);
    let history: Vec<String> = m.clusters[c]
        .history
        .iter()
        .map(|t| t.what.to_string())
        .collect();
    assert_eq!(
        history,
        [
            "download - → not_started",
            "poll failed: timeout: no answer",
            "answering again"
        ]
    );
    // The error stays for the details pane after recovery.
    assert_eq!(
        m.clusters[c].last_error.as_ref().unwrap().kind,
        ErrorKind::Timeout
    );
}

#[test]
fn a_cluster_that_never_answered_is_failing_after_its_first_error() {
    let mut m = fleet();
    m.apply(failed(1, 0, ErrorKind::Connect, "refused"));
    assert_eq!(m.clusters[1].health(at(0)), Health::Failing);
    // The same error again is not a new history line.
    m.apply(failed(1, 5, ErrorKind::Connect, "refused"));
    assert_eq!(m.clusters[1].history.len(), 1);
}

#[test]
fn state_changes_restart_the_clock_and_are_recorded() {
    let mut m = fleet();
    m.apply(polled(0, 0, DownloadState::NotStarted));
    m.apply(polled(0, 5, DownloadState::NotStarted));
    // First sight: only "at least" that long.
    assert_eq!(m.clusters[0].state_since, Some(Since::AtLeast(at(0))));
    m.apply(polled(0, 10, DownloadState::Running));
    // A change seen between two polls: exact to a poll.
    assert_eq!(m.clusters[0].state_since, Some(Since::Exactly(at(10))));
    m.apply(polled(0, 15, DownloadState::Other("verifying".into())));
    assert_eq!(
        m.clusters[0].download_state(),
        Some(&DownloadState::Other("verifying".into()))
    );
    assert_eq!(
        m.clusters[0].history.back().unwrap().what,
        ontop::testing::state::Change::Download {
            from: Some(DownloadState::Running),
            to: Some(DownloadState::Other("verifying".into())),
        }
    );
}

#[test]
fn the_followed_job_is_kept_while_the_engine_follows_it() {
    let mut m = fleet();
    let mut tracker = Tracker::requested(
        ontop::testing::download::Operation::download("https://repo/i.tgz".into(), None),
        at(0),
    );
    tracker.answered(
        &StartOutcome::Started {
            job: "f587d316-5feb".into(),
        },
        at(0),
    );
    m.apply(Event::Operation {
        cluster: 2,
        at: at(0),
        followed: Box::new(tracker.followed().clone()),
    });
    m.apply(Event::Polled {
        cluster: 2,
        at: at(1),
        info: None,
        download: status(DownloadState::Running, 10551382),
        job: Some(Box::new(job("f587d316-5feb", JobState::Running))),
        took: std::time::Duration::ZERO,
    });
    let job_state = |m: &Model| m.clusters[2].job.as_ref().and_then(|j| j.state.clone());
    assert_eq!(job_state(&m), Some(JobState::Running));
    // A poll without the job (a transient job error) keeps the last known job.
    m.apply(polled(2, 5, DownloadState::Running));
    assert_eq!(job_state(&m), Some(JobState::Running));
    // When the engine follows another job (or none), the old one is not shown.
    tracker.observe(Observation::JobGone, at(7));
    m.apply(Event::Operation {
        cluster: 2,
        at: at(7),
        followed: Box::new(tracker.followed().clone()),
    });
    assert!(m.clusters[2].history.iter().any(|t| {
        t.what
            .to_string()
            .contains("f587d316 deleted by the cluster")
    }));
}

#[test]
fn packages_and_versions_are_kept() {
    let mut m = fleet();
    m.apply(Event::Packages {
        cluster: 1,
        at: at(3),
        packages: Ok(vec![Package {
            version: Some("9.16.1P3".into()),
            create_time: None,
        }]),
    });
    let (when, packages) = m.clusters[1].packages.as_ref().unwrap();
    assert_eq!((*when, packages.len()), (at(3), 1));
    // Events for clusters the model does not know are ignored, not a panic.
    assert!(!m.apply(polled(99, 0, DownloadState::Running)));
}

#[test]
fn history_keeps_the_last_twenty_transitions() {
    let mut m = fleet();
    for i in 0..30 {
        let state = if i % 2 == 0 {
            DownloadState::Running
        } else {
            DownloadState::Failure
        };
        m.apply(polled(0, i, state));
    }
    let history = &m.clusters[0].history;
    assert_eq!(history.len(), 20);
    assert_eq!(history.back().unwrap().at, at(29));
}

#[test]
fn counts_sum_up_the_fleet() {
    let mut m = fleet();
    m.apply(polled(0, 0, DownloadState::Running));
    m.apply(polled(1, 0, DownloadState::Failure));
    m.apply(failed(2, 0, ErrorKind::Auth, "401"));
    let counts = m.counts(at(1));
    assert_eq!(
        (
            counts.clusters,
            counts.downloading,
            counts.failed,
            counts.failing,
            counts.stale
        ),
        (3, 1, 1, 1, 0)
    );
    assert_eq!(m.counts(at(60)).stale, 2);
}

#[test]
fn filter_matches_name_state_health_and_labels() {
    let mut m = fleet();
    m.apply(polled(0, 0, DownloadState::Running));
    m.apply(polled(1, 0, DownloadState::Success));
    m.apply(failed(2, 0, ErrorKind::Connect, "refused"));
    let now = at(1);
    let rows = |f: &str| visible_rows(&m, f, SortOrder::default(), now);
    assert_eq!(rows(""), [0, 1, 2]);
    assert_eq!(rows("PROD"), [0, 1]);
    assert_eq!(rows("running"), [0]);
    assert_eq!(rows("downloading"), [0]);
    assert_eq!(rows("succeeded"), [1]);
    assert_eq!(rows("failing"), [2]);
    assert!(rows("fail").is_empty(), "state words are whole words");
    assert_eq!(rows("!site=ams"), [1]);
    assert_eq!(rows("!failing !downloading"), [1]);
    assert_eq!(rows("site=ams"), [0, 2]);
    assert_eq!(rows("site=ams prod"), [0]);
    assert_eq!(rows("nyc"), [1]);
    assert!(rows("site=fra").is_empty());
}

#[test]
fn a_sort_key_picks_its_column_and_again_turns_it_round() {
    let mut m = fleet();
    m.apply(polled(0, 0, DownloadState::NotStarted));
    m.apply(polled(1, 0, DownloadState::Running));
    m.apply(polled(2, 0, DownloadState::Failure));
    let now = at(1);
    let mut sort = SortOrder::default();
    assert_eq!(visible_rows(&m, "", sort, now), [0, 1, 2]);
    sort = sort.by(Some(Column::Name));
    assert_eq!(visible_rows(&m, "", sort, now), [2, 0, 1]);
    sort = sort.by(Some(Column::Download));
    // Running first, then failures: what needs eyes rises to the top.
    assert_eq!(visible_rows(&m, "", sort, now), [1, 2, 0]);
    sort = sort.by(Some(Column::Download));
    assert!(sort.reverse, "the same key again turns the order round");
    assert_eq!(visible_rows(&m, "", sort, now), [0, 2, 1]);
    sort = sort.by(Some(Column::Health));
    assert!(
        !sort.reverse,
        "a new column starts in its natural direction"
    );
    assert_eq!(sort.by(None), SortOrder::default());
}

#[test]
fn in_state_sorts_the_longest_first_and_rows_with_no_time_last() {
    let mut m = fleet();
    m.apply(polled(1, 10, DownloadState::Running));
    m.apply(polled(0, 0, DownloadState::NotStarted));
    let sort = SortOrder::default().by(Some(Column::InState));
    assert_eq!(visible_rows(&m, "", sort, at(20)), [0, 1, 2]);
    assert_eq!(visible_rows(&m, "", sort.reversed(), at(20)), [2, 1, 0]);
}

fn certificate(cluster: usize, secs: i64, seed: u8, days_left: i64) -> Event {
    Event::Certificate {
        cluster,
        at: at(secs),
        facts: Box::new(ontop::testing::ontap::CertificateFacts {
            expires: at(i64::from(seed) * 100 * 86_400),
            days_left,
            pinned: true,
            insecure: false,
            self_signed: true,
            fingerprint: ontop::testing::ontap::Fingerprint::of(&[seed]),
            subject: "CN=prod-ams-1".into(),
        }),
    }
}

#[test]
fn the_certificate_is_kept_and_a_new_one_is_noted_in_the_history() {
    let mut m = fleet();
    assert!(m.clusters[0].certificate.is_none());
    assert!(m.apply(certificate(0, 0, 1, 200)));
    assert!(
        !m.apply(certificate(0, 5, 1, 200)),
        "the same facts change nothing"
    );
    assert!(m.apply(certificate(0, 10, 1, 199)), "a day went by");
    assert!(m.clusters[0].history.is_empty());
    assert!(m.apply(certificate(0, 15, 2, 20)));
    let c = &m.clusters[0];
    let facts = c.certificate.as_ref().unwrap();
    assert!(facts.expires_soon() && facts.days_left_at(at(15)) == 199);
    assert!(
        c.history.back().is_some_and(|t| t
            .what
            .to_string()
            .starts_with("certificate changed: now sha256:")),
        "{:?}",
        c.history
    );
}

/// The config of `fleet()`, as the CLI reads it.
const FLEET_CONFIG: &str = r#"
[defaults]
username = "admin"
password = "x"

[[cluster]]
name = "prod-ams-1"
url = "https://prod-ams-1.example.com"
labels = { site = "ams", env = "prod" }

[[cluster]]
name = "prod-nyc-1"
url = "https://prod-nyc-1.example.com"
labels = { site = "nyc", env = "prod" }

[[cluster]]
name = "lab-ams-1"
url = "https://lab-ams-1.example.com"
labels = { site = "ams", env = "lab" }
"#;

#[test]
fn labels_compare_the_same_way_on_the_screen_and_in_the_cli() {
    use ontop::testing::commands::selection::{SelectionArgs, WhenUnnamed};
    let fixture = crate::support::config::Fixture::new();
    let config = fixture.ok(FLEET_CONFIG);
    let model = fleet();
    for label in ["site=ams", "site=AMS", "SITE=Ams"] {
        let screen = visible_rows(&model, label, SortOrder::default(), t0());
        let cli = SelectionArgs {
            labels: vec![label.to_string()],
            ..SelectionArgs::default()
        }
        .select(&config, WhenUnnamed::NoOne)
        .unwrap_or_else(|e| panic!("--label {label} refused: {e}"));
        assert_eq!(screen, vec![0, 2], "the screen's /{label}");
        assert_eq!(cli, screen, "--label {label} picks what /{label} shows");
    }
    // A typo gets a "did you mean" in both places.
    let refused = SelectionArgs {
        labels: vec!["sit=ams".into()],
        ..SelectionArgs::default()
    }
    .select(&config, WhenUnnamed::NoOne)
    .unwrap_err()
    .to_string();
    assert!(refused.contains("did you mean site?"), "{refused}");
    let hint = ontop::testing::state::filter::Filter::parse("sit=ams").label_hint(&model.clusters);
    assert_eq!(
        hint.as_deref(),
        Some("sit=ams: no cluster has a label sit; did you mean site?")
    );
}
