//! A fleet in every state the dashboard must show, built from fleet events at fixed
//! times, and helpers to draw it into a test terminal.

use std::collections::BTreeMap;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::{SignedDuration, Timestamp};
use ontop::testing::download::{Observation, Tracker};
use ontop::testing::engine::Update as Event;
use ontop::testing::ontap::model::ClusterVersion;
use ontop::testing::ontap::{
    ClusterInfo, DownloadState, DownloadStatus, ErrorKind, Job, JobState, OntapError, Package,
};
use ontop::testing::state::{ClusterIdentity, Model};
use ontop::testing::tui::{App, AppCommand, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

/// The fixed "now" of every snapshot.
pub(crate) fn now() -> Timestamp {
    "2026-03-01T12:00:00Z".parse().unwrap()
}

/// Types `keys` into `app` at [`now`], one character each; what the app asks for.
pub(crate) fn press(app: &mut App, keys: &str) -> Vec<AppCommand> {
    keys.chars()
        .flat_map(|c| press_code(app, KeyCode::Char(c)))
        .collect()
}

/// Presses the key `code` in `app` at [`now`]; what the app asks for.
pub(crate) fn press_code(app: &mut App, code: KeyCode) -> Vec<AppCommand> {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE), now())
}

/// `now` minus `secs` seconds.
pub(crate) fn ago(secs: i64) -> Timestamp {
    now() - SignedDuration::from_secs(secs)
}

fn identity(name: &str, url: &str, labels: &[(&str, &str)]) -> ClusterIdentity {
    ClusterIdentity {
        name: name.to_string(),
        url: url.to_string(),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        read_only: false,
        insecure: false,
        poll_interval: Duration::from_secs(5),
        username: "admin".into(),
    }
}

fn info(version: &str) -> Option<ClusterInfo> {
    Some(ClusterInfo {
        name: None,
        uuid: None,
        version: Some(ClusterVersion {
            full: Some(format!(
                "NetApp Release {version}: Mon Jan 05 10:00:00 UTC 2026"
            )),
            generation: None,
            major: None,
            minor: None,
        }),
    })
}

fn status(state: DownloadState, message: &str, code: Option<i64>) -> DownloadStatus {
    DownloadStatus {
        state: Some(state),
        message: Some(message.to_string()),
        code,
    }
}

fn polled(cluster: usize, at: Timestamp, version: &str, download: DownloadStatus) -> Event {
    Event::Polled {
        cluster,
        at,
        info: info(version).map(Box::new),
        download,
        job: None,
        took: std::time::Duration::ZERO,
    }
}

fn error(cluster: &str, kind: ErrorKind, message: &str) -> OntapError {
    OntapError {
        cluster: cluster.to_string(),
        kind,
        http_status: None,
        code: None,
        message: message.to_string(),
        target: None,
        unanswered: false,
    }
}

const JOB: &str = "1cd8a442-86d1-11e0-ae1c-123478563412";
const BAD_URL: &str = "Package download failed due to invalid url: https://repo.example.com/ontap/97_q_image.tgz (404 Not Found)";

/// The mixed fleet, in config order:
/// 0 prod-ams-1 running (a followed job), read-only · 1 prod-nyc-1 success ·
/// 2 dr-fra-1 failure 10551885, after a timeout it recovered from, packages known ·
/// 3 dev-tok-1 not_started · 4 test-lon-1 failing (connection refused, never answered) ·
/// 5 lab-sfo-1 stale · 6 edge-syd-1 unknown (no answer yet) ·
/// 7 lab-ams-2 insecure TLS · 8 lab-nyc-2 plain HTTP ·
/// 9 edge-sin-1 failing after answering (HTTP 403, ONTAP code 6).
pub(crate) fn model() -> Model {
    let mut ro = identity(
        "prod-ams-1",
        "https://10.20.0.10",
        &[("env", "prod"), ("site", "ams")],
    );
    ro.read_only = true;
    let mut insecure = identity(
        "lab-ams-2",
        "https://10.20.9.12",
        &[("env", "lab"), ("site", "ams")],
    );
    insecure.insecure = true;
    let mut model = Model::new([
        ro,
        identity(
            "prod-nyc-1",
            "https://10.30.0.10",
            &[("env", "prod"), ("site", "nyc")],
        ),
        identity(
            "dr-fra-1",
            "https://10.40.0.10",
            &[("env", "dr"), ("site", "fra")],
        ),
        identity(
            "dev-tok-1",
            "https://10.50.0.10",
            &[("env", "dev"), ("site", "tok")],
        ),
        identity(
            "test-lon-1",
            "https://10.60.0.10",
            &[("env", "test"), ("site", "lon")],
        ),
        identity(
            "lab-sfo-1",
            "https://10.70.0.10",
            &[("env", "lab"), ("site", "sfo")],
        ),
        identity(
            "edge-syd-1",
            "https://10.80.0.10",
            &[("env", "edge"), ("site", "syd")],
        ),
        insecure,
        identity(
            "lab-nyc-2",
            "http://10.30.9.12",
            &[("env", "lab"), ("site", "nyc")],
        ),
        identity(
            "edge-sin-1",
            "https://10.90.0.10",
            &[("env", "edge"), ("site", "sin")],
        ),
    ]);
    for event in events() {
        model.apply(event);
    }
    model
}

fn running() -> DownloadStatus {
    status(
        DownloadState::Running,
        "Package download in progress",
        Some(10551382),
    )
}

fn not_started() -> DownloadStatus {
    status(
        DownloadState::NotStarted,
        "Package download has not started.",
        Some(10551384),
    )
}

fn success() -> DownloadStatus {
    status(
        DownloadState::Success,
        "Package download completed.",
        Some(0),
    )
}

fn job(state: JobState, end: Option<&str>) -> Job {
    Job {
        uuid: JOB.to_string(),
        description: Some("POST /api/cluster/software/download".to_string()),
        state: Some(state),
        message: Some("Package download in progress".to_string()),
        code: Some(0),
        start_time: Some("2026-03-01T11:48:00+00:00".to_string()),
        end_time: end.map(str::to_string),
        error: None,
    }
}

/// The engine following `job` on `cluster` (resumed from an earlier ontop's journal).
fn followed(cluster: usize, at: Timestamp, job: &Job) -> Event {
    let url = "https://repo.example.com/ontap/ontap-9.17.1-image.tgz".to_string();
    let mut tracker = Tracker::resumed(
        ontop::testing::download::Operation::download(url, None),
        job.uuid.clone(),
        ago(730),
        at,
    );
    tracker.observe(Observation::Job(job), at);
    Event::Operation {
        cluster,
        at,
        followed: Box::new(tracker.followed().clone()),
    }
}

/// Every event of the mixed fleet, in order: the downloads, then the failures.
fn events() -> Vec<Event> {
    let mut events = downloads();
    events.extend(failures());
    events
}

/// prod-ams-1 .. dev-tok-1: downloads running, done, failed and not started.
fn downloads() -> Vec<Event> {
    vec![
        // prod-ams-1: running for 12 minutes, its job followed (started by an earlier
        // ontop, resumed from the journal).
        polled(0, ago(720), "9.16.1P3", not_started()),
        followed(0, ago(719), &job(JobState::Running, None)),
        Event::Polled {
            cluster: 0,
            at: ago(719),
            info: None,
            download: running(),
            job: Some(Box::new(job(JobState::Running, None))),
            took: std::time::Duration::ZERO,
        },
        Event::Polled {
            cluster: 0,
            at: ago(2),
            info: None,
            download: running(),
            job: Some(Box::new(job(JobState::Running, None))),
            took: std::time::Duration::ZERO,
        },
        // prod-nyc-1: finished an hour ago.
        polled(1, ago(5400), "9.15.1P7", running()),
        polled(1, ago(3600), "9.15.1P7", success()),
        polled(1, ago(3), "9.15.1P7", success()),
        // dr-fra-1: running, a timeout, back, then the download failed.
        polled(2, ago(900), "9.14.1P9", running()),
        Event::PollFailed {
            cluster: 2,
            at: ago(600),
            error: error("dr-fra-1", ErrorKind::Timeout, "no answer within 30s"),
            took: None,
        },
        polled(2, ago(570), "9.14.1P9", running()),
        polled(
            2,
            ago(300),
            "9.14.1P9",
            status(DownloadState::Failure, BAD_URL, Some(10551885)),
        ),
        polled(
            2,
            ago(4),
            "9.14.1P9",
            status(DownloadState::Failure, BAD_URL, Some(10551885)),
        ),
        Event::Packages {
            cluster: 2,
            at: ago(1),
            packages: Ok(vec![
                Package {
                    version: Some("9.14.1P9".to_string()),
                    create_time: Some("2026-01-12T09:14:00+00:00".to_string()),
                },
                Package {
                    version: Some("9.15.1".to_string()),
                    create_time: Some("2026-02-20T16:02:11+00:00".to_string()),
                },
            ]),
        },
        // dev-tok-1: idle.
        polled(3, ago(1), "9.16.1P3", not_started()),
    ]
}

/// test-lon-1 .. edge-sin-1: refused, stale, insecure, plain HTTP, lost its role.
fn failures() -> Vec<Event> {
    vec![
        // test-lon-1: refused since the start.
        Event::PollFailed {
            cluster: 4,
            at: ago(300),
            error: error(
                "test-lon-1",
                ErrorKind::Connect,
                "connection refused (10.60.0.10:443)",
            ),
            took: None,
        },
        Event::PollFailed {
            cluster: 4,
            at: ago(20),
            error: error(
                "test-lon-1",
                ErrorKind::Connect,
                "connection refused (10.60.0.10:443)",
            ),
            took: None,
        },
        // lab-sfo-1: last answer 2 minutes ago, polled every 5 s: stale.
        polled(5, ago(120), "9.16.1P3", not_started()),
        // edge-syd-1: nothing yet.
        // lab-ams-2: insecure, idle.
        polled(7, ago(2), "9.15.1P7", not_started()),
        // lab-nyc-2: plain HTTP, has the package.
        polled(8, ago(3), "9.16.1P3", success()),
        // edge-sin-1: answered, then its account lost the role.
        polled(9, ago(400), "9.13.1P12", not_started()),
        Event::PollFailed {
            cluster: 9,
            at: ago(6),
            error: OntapError {
                http_status: Some(403),
                code: Some(6),
                target: Some("/api/cluster/software/download".to_string()),
                unanswered: false,
                ..error(
                    "edge-sin-1",
                    ErrorKind::Auth,
                    "not authorized for that command",
                )
            },
            took: None,
        },
    ]
}

/// An app over the mixed fleet.
pub(crate) fn app(color: bool, read_only: bool) -> App {
    let label = "/home/ops/.config/ontop/config.toml";
    let mut app = App::new(
        model(),
        label,
        ontop::testing::fleet::Session::from_flag(read_only),
        ontop::testing::tui::Palette::colors_if(color),
    );
    app.sync(now());
    app
}

/// Draws `app` at `width` x `height` and returns the buffer.
pub(crate) fn render(app: &mut App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| draw(f, app, now())).unwrap();
    terminal.backend().buffer().clone()
}

/// The buffer as text, one line per row, trailing spaces kept off.
pub(crate) fn text(buffer: &Buffer) -> String {
    let width = buffer.area.width as usize;
    let mut out = String::new();
    for row in buffer.content.chunks(width) {
        let mut line = String::new();
        let mut skip = 0;
        for cell in row {
            if skip == 0 {
                line.push_str(cell.symbol());
            }
            skip = (skip.max(unicode_cells(cell.symbol()))).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn unicode_cells(symbol: &str) -> usize {
    ratatui::text::Span::raw(symbol).width().max(1)
}

/// Where `needle` starts on screen: (x, y) of its first cell.
pub(crate) fn find(buffer: &Buffer, needle: &str) -> Option<(u16, u16)> {
    text(buffer).lines().enumerate().find_map(|(y, line)| {
        line.find(needle).map(|byte| {
            let x = ratatui::text::Span::raw(&line[..byte]).width();
            (x as u16, y as u16)
        })
    })
}
