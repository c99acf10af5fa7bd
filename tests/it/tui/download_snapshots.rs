//! Starting downloads, as the user sees it: marked rows, the form (password masked), the
//! confirmation with its skips, rows of downloads started from this session, and the
//! details of one that was already present. Pinned at 120x40 and 80x24.

use std::time::Duration;

use crate::support::tui::{ago, now, press, press_code, render, text};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use ontop::testing::download::{Observation, StartOutcome, Tracker, Want};
use ontop::testing::engine::Update as Event;
use ontop::testing::ontap::{DownloadState, DownloadStatus, Job, JobState, Package};
use ontop::testing::state::{ClusterIdentity, Model};
use ontop::testing::tui::{App, FormDefaults};

const URL: &str = "https://repo.example.com/ontap/97_q_image.tgz";
const PASSWORD: &str = "Hunter2-never-on-screen";

/// The mixed fleet with the form prefilled from a `[download]` section.
fn app() -> App {
    crate::support::tui::app(true, false).with_form_defaults(FormDefaults {
        url: Some(URL.into()),
        username: Some("fetch".into()),
    })
}

/// Both sizes of one screen, one after the other.
fn both_sizes(app: &mut App) -> String {
    let wide = text(&render(app, 120, 40));
    let narrow = text(&render(app, 80, 24));
    assert!(!wide.contains(PASSWORD) && !narrow.contains(PASSWORD));
    format!("{wide}\n--- 80x24 ---\n\n{narrow}")
}

/// Marks prod-ams-1 (read-only, running), prod-nyc-1, dev-tok-1, test-lon-1 (failing)
/// and edge-syd-1 (no answer yet); the selection ends on edge-syd-1.
fn mark_five(app: &mut App) {
    press(app, " j jj j jj ");
}

#[test]
fn marked_rows() {
    let mut app = app();
    mark_five(&mut app);
    assert_snapshot!(both_sizes(&mut app));
}

#[test]
fn the_form_with_a_typed_password_shows_only_bullets() {
    let mut app = app();
    press(&mut app, "jd");
    press_code(&mut app, KeyCode::Tab);
    press_code(&mut app, KeyCode::Tab);
    press(&mut app, PASSWORD);
    assert_snapshot!(both_sizes(&mut app));
}

#[test]
fn the_form_refuses_a_bad_url_and_says_why_80x24() {
    let mut app = app();
    press(&mut app, "jd");
    app.handle_key(
        KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
        now(),
    );
    press(&mut app, "gopher://x/y.tgz");
    press_code(&mut app, KeyCode::Enter);
    let screen = text(&render(&mut app, 80, 24));
    assert!(screen.contains("unsupported scheme"));
    assert_snapshot!(screen);
}

#[test]
fn the_confirmation_names_targets_and_skips() {
    let mut app = app();
    mark_five(&mut app);
    press(&mut app, "d");
    press_code(&mut app, KeyCode::Tab);
    press_code(&mut app, KeyCode::Tab);
    press(&mut app, PASSWORD);
    press_code(&mut app, KeyCode::Enter);
    assert_snapshot!(both_sizes(&mut app));
}

#[test]
fn a_confirmation_with_nothing_to_start_offers_only_cancel_80x24() {
    let mut app = app();
    press(&mut app, "jjjj d");
    press_code(&mut app, KeyCode::Enter);
    let screen = text(&render(&mut app, 80, 24));
    assert!(!screen.contains("y start"));
    assert_snapshot!(screen);
}

const JOB: &str = "5d2b6c1e-0f3a-11f1-9c2b-005056bb2d11";

fn job(state: JobState, code: Option<i64>, message: &str) -> Option<Box<Job>> {
    Some(Box::new(Job {
        uuid: JOB.to_string(),
        description: Some("POST /api/cluster/software/download".into()),
        state: Some(state),
        message: Some(message.into()),
        code,
        start_time: Some("2026-03-01T11:59:01+00:00".into()),
        end_time: None,
        error: None,
    }))
}

fn status(state: DownloadState, message: &str, code: i64) -> DownloadStatus {
    DownloadStatus {
        state: Some(state),
        message: Some(message.into()),
        code: Some(code),
    }
}

/// The download engine's side of the fixture: each followed download's tracker, driven
/// by the same observations a poller would make, and the events it would send.
struct Engine {
    trackers: Vec<Option<Tracker>>,
    events: Vec<Event>,
}

impl Engine {
    fn new(clusters: usize) -> Self {
        Self {
            trackers: vec![None; clusters],
            events: Vec::new(),
        }
    }

    fn requested(&mut self, cluster: usize, secs: i64) {
        self.trackers[cluster] = Some(Tracker::requested(
            ontop::testing::download::Operation::download(URL.into(), None),
            ago(secs),
        ));
        self.tell(cluster, secs);
    }

    fn answered(&mut self, cluster: usize, secs: i64, outcome: StartOutcome) {
        if let StartOutcome::AlreadyPresent { packages } = &outcome {
            self.events.push(Event::Packages {
                cluster,
                at: ago(secs),
                packages: Ok(packages.clone()),
            });
        }
        // The ending, when there is one, comes in the same update as the phase.
        self.tracker(cluster).answered(&outcome, ago(secs));
        self.tell(cluster, secs);
    }

    /// A poll: the cluster's answer, and what the tracker makes of the job in it.
    fn polled(
        &mut self,
        cluster: usize,
        secs: i64,
        download: DownloadStatus,
        job: Option<Box<Job>>,
    ) {
        if let (Some(tracker), Some(job)) = (self.trackers[cluster].as_mut(), job.as_deref()) {
            tracker.observe(Observation::Job(job), ago(secs));
        }
        // A tracker that follows the download's status (no job) reads it, as a poller does.
        if let Some(tracker) = self.trackers[cluster].as_mut()
            && tracker.want() == Want::DownloadStatus
        {
            tracker.observe(Observation::Download(&download), ago(secs));
        }
        self.events.push(polled(cluster, secs, download, job));
        if self.trackers[cluster].is_some() {
            self.tell(cluster, secs);
        }
    }

    fn tracker(&mut self, cluster: usize) -> &mut Tracker {
        self.trackers[cluster].as_mut().expect("requested first")
    }

    fn tell(&mut self, cluster: usize, secs: i64) {
        let followed = self.tracker(cluster).followed().clone();
        self.events.push(Event::Operation {
            cluster,
            at: ago(secs),
            followed: Box::new(followed),
        });
    }
}

fn polled(cluster: usize, secs: i64, download: DownloadStatus, job: Option<Box<Job>>) -> Event {
    Event::Polled {
        cluster,
        at: ago(secs),
        info: None,
        download,
        job,
        took: std::time::Duration::ZERO,
    }
}

fn identity(name: &str) -> ClusterIdentity {
    ClusterIdentity {
        name: name.into(),
        url: format!("https://{name}.example.com"),
        poll_interval: Duration::from_secs(5),
        username: "admin".into(),
        ..ClusterIdentity::default()
    }
}

/// A fleet of its own, with one consistent timeline: prod-nyc-1 idle, prod-ams-2 just
/// asked (starting), dev-tok-1 running after queued, lab-ams-2 failed with 10551885 four
/// minutes ago, lab-nyc-2 already had the package (downloaded before this session).
fn with_session_downloads() -> App {
    let model = Model::new(
        [
            "prod-nyc-1",
            "prod-ams-2",
            "dev-tok-1",
            "lab-ams-2",
            "lab-nyc-2",
        ]
        .map(identity),
    );
    let mut app = App::new(
        model,
        "/home/ops/.config/ontop/config.toml",
        ontop::testing::fleet::Session::AsConfigured,
        ontop::testing::tui::Palette::Colors,
    )
    .with_form_defaults(FormDefaults {
        url: Some(URL.into()),
        username: None,
    });
    let idle = || {
        status(
            DownloadState::NotStarted,
            "Package download has not started.",
            10551384,
        )
    };
    let running = || {
        status(
            DownloadState::Running,
            "Package download in progress",
            10551382,
        )
    };
    let invalid = "Package download failed due to invalid url";
    let started = || StartOutcome::Started { job: JOB.into() };
    let mut engine = Engine::new(5);
    for c in 0..4 {
        engine.polled(c, 600, idle(), None);
    }
    // lab-nyc-2 downloaded this package before this session.
    let earlier = status(DownloadState::Failure, invalid, 10551885);
    engine.polled(4, 600, earlier.clone(), None);
    // lab-ams-2: asked 5 minutes ago, failed a minute later.
    engine.requested(3, 300);
    engine.answered(3, 299, started());
    engine.polled(3, 295, idle(), job(JobState::Queued, Some(0), "Queued"));
    let failed = status(DownloadState::Failure, invalid, 10551885);
    let failed_job = job(JobState::Failure, Some(10551885), invalid);
    engine.polled(3, 240, failed.clone(), failed_job.clone());
    // dev-tok-1: asked 90 s ago, queued, running for a minute.
    engine.requested(2, 90);
    engine.answered(2, 89, started());
    engine.polled(2, 85, idle(), job(JobState::Queued, Some(0), "Queued"));
    let running_job = || job(JobState::Running, Some(0), "Package download in progress");
    engine.polled(2, 60, running(), running_job());
    // lab-nyc-2: the package was there already; its download status is still the
    // failure of an older download, and shows as such.
    engine.requested(4, 30);
    engine.answered(
        4,
        29,
        StartOutcome::AlreadyPresent {
            packages: vec![Package {
                version: Some("9.16.1P3".into()),
                create_time: Some("2026-02-27T08:12:40+00:00".into()),
            }],
        },
    );
    // prod-ams-2: the request is on its way.
    engine.requested(1, 1);
    // Everyone answers the latest poll.
    engine.polled(0, 2, idle(), None);
    engine.polled(1, 2, idle(), None);
    engine.polled(2, 2, running(), running_job());
    engine.polled(3, 2, failed, failed_job);
    engine.polled(4, 2, earlier, None);
    for event in engine.events {
        app.apply(event, now());
    }
    app.sync(now());
    app
}

#[test]
fn rows_of_downloads_started_from_this_session() {
    let mut app = with_session_downloads();
    assert!(
        app.take_bell(),
        "lab-ams-2 failed, lab-nyc-2 was already there"
    );
    assert_eq!(
        app.status(now()),
        Some("lab-nyc-2: the package is already on the cluster")
    );
    press(&mut app, "j jj ");
    assert_snapshot!(both_sizes(&mut app));
}

#[test]
fn details_of_a_download_that_was_already_present_120x40() {
    let mut app = with_session_downloads();
    press(&mut app, "G");
    press_code(&mut app, KeyCode::Enter);
    assert_snapshot!(text(&render(&mut app, 120, 40)));
}

#[test]
fn details_of_a_failed_session_download_80x24() {
    let mut app = with_session_downloads();
    press(&mut app, "jjj");
    press_code(&mut app, KeyCode::Enter);
    assert_snapshot!(text(&render(&mut app, 80, 24)));
}

#[test]
fn without_colour_the_dialogs_and_marks_use_no_colour() {
    let mut app = crate::support::tui::app(false, false).with_form_defaults(FormDefaults {
        url: Some(URL.into()),
        username: None,
    });
    let mut screens = Vec::new();
    mark_five(&mut app);
    screens.push(render(&mut app, 80, 24));
    press(&mut app, "d");
    screens.push(render(&mut app, 80, 24));
    press_code(&mut app, KeyCode::Enter);
    screens.push(render(&mut app, 80, 24));
    for buffer in screens {
        for cell in &buffer.content {
            assert_eq!(cell.fg, ratatui::style::Color::Reset, "{:?}", cell.symbol());
            assert_eq!(cell.bg, ratatui::style::Color::Reset, "{:?}", cell.symbol());
        }
    }
}

#[test]
fn a_start_that_got_no_answer_reads_the_same_in_job_the_status_line_and_details_120x40() {
    let mut app = App::new(
        Model::new(["prod-nyc-1", "prod-ams-2"].map(identity)),
        "/home/ops/.config/ontop/config.toml",
        ontop::testing::fleet::Session::AsConfigured,
        ontop::testing::tui::Palette::Colors,
    );
    let idle = || {
        status(
            DownloadState::NotStarted,
            "Package download has not started.",
            10551384,
        )
    };
    let timeout = ontop::testing::ontap::OntapError::new(
        "prod-ams-2",
        ontop::testing::ontap::ErrorKind::Timeout,
        "no answer within the 30s timeout",
    );
    let mut engine = Engine::new(2);
    engine.polled(0, 60, idle(), None);
    engine.polled(1, 60, idle(), None);
    engine.requested(1, 200);
    engine.answered(1, 170, StartOutcome::of_download(Err(timeout), Vec::new));
    engine.polled(1, 160, idle(), None);
    for event in engine.events.drain(..) {
        app.apply(event, now());
    }
    app.sync(now());
    // Sent and not answered: ontop looks for its download before it says anything more.
    press(&mut app, "j");
    press_code(&mut app, KeyCode::Enter);
    let looking = text(&render(&mut app, 120, 40));
    assert!(
        looking.contains("looking for its download on the cluster (up to 120s)"),
        "{looking}"
    );
    press_code(&mut app, KeyCode::Esc);
    press(&mut app, "k");
    // Nothing shows up within the look: it ends as unanswered.
    engine.polled(1, 2, idle(), None);
    for event in engine.events {
        app.apply(event, now());
    }
    app.sync(now());
    let words =
        "no answer within the 30s timeout: not known whether it started: ontop status shows it";
    assert_eq!(
        app.status(now()),
        Some(format!("prod-ams-2: {words}").as_str())
    );
    let table = text(&render(&mut app, 120, 40));
    let row = crate::support::pty::row(&table, "prod-ams-2");
    assert!(
        row.contains("no answer") && !row.contains("refused"),
        "{table}"
    );
    press(&mut app, "j");
    press_code(&mut app, KeyCode::Enter);
    let details = text(&render(&mut app, 120, 40));
    for said in [
        "no answer",
        "not known whether it started",
        "only if it did not",
    ] {
        assert!(details.contains(said), "{said}: {details}");
    }
    for contradiction in ["refused", "start a download first", "not started:"] {
        assert!(
            !details.contains(contradiction),
            "{contradiction}: {details}"
        );
    }
    assert_snapshot!(format!("{table}\n--- details ---\n\n{details}"));
}
