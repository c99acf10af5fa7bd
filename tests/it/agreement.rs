//! One truth for "is it over": whatever order the engine's updates come in (polls,
//! operations moving and ending, records that failed), the quit question, the JOB column,
//! the header and the status line read the same fact at every step.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use ontop::testing::download::{Operation, StartOutcome, Tracker};
use ontop::testing::engine::Update;
use ontop::testing::ontap::{DownloadState, DownloadStatus, Job, JobState};
use ontop::testing::state::{ClusterIdentity, Model};
use ontop::testing::tui::{App, AppCommand, app::Dialog};
use proptest::prelude::*;

const CLUSTERS: usize = 4;

/// One thing the engine may say next about a cluster.
#[derive(Debug, Clone)]
enum Step {
    /// A download is asked for (or a removal, with `removal`).
    Request { cluster: usize, removal: bool },
    /// The request is answered with a job.
    Answer { cluster: usize, removal: bool },
    /// The job is seen in a state.
    Job {
        cluster: usize,
        removal: bool,
        state: u8,
    },
    /// Following gives up.
    GiveUp { cluster: usize, removal: bool },
    /// A poll answers.
    Poll { cluster: usize },
    /// A record could not be written.
    RecordFailed { cluster: usize },
}

fn step() -> impl Strategy<Value = Step> {
    let c = 0..CLUSTERS;
    prop_oneof![
        (c.clone(), any::<bool>())
            .prop_map(|(cluster, removal)| Step::Request { cluster, removal }),
        (c.clone(), any::<bool>()).prop_map(|(cluster, removal)| Step::Answer { cluster, removal }),
        (c.clone(), any::<bool>(), 0u8..5).prop_map(|(cluster, removal, state)| Step::Job {
            cluster,
            removal,
            state
        }),
        (c.clone(), any::<bool>()).prop_map(|(cluster, removal)| Step::GiveUp { cluster, removal }),
        c.clone().prop_map(|cluster| Step::Poll { cluster }),
        c.prop_map(|cluster| Step::RecordFailed { cluster }),
    ]
}

fn now() -> Timestamp {
    "2026-03-01T12:00:00Z".parse().unwrap()
}

fn job(state: JobState) -> Job {
    Job {
        uuid: "j".into(),
        description: None,
        state: Some(state),
        message: None,
        code: Some(0),
        start_time: None,
        end_time: None,
        error: None,
    }
}

/// The engine's side: one tracker per cluster and kind, driven as the pollers drive
/// them, each change an update.
struct Engine {
    trackers: Vec<[Option<Tracker>; 2]>,
}

impl Engine {
    fn update(&mut self, step: &Step) -> Option<Update> {
        let at = now();
        let (cluster, removal) = match *step {
            Step::Poll { cluster } => {
                return Some(Update::Polled {
                    cluster,
                    at,
                    info: None,
                    download: DownloadStatus {
                        state: Some(DownloadState::NotStarted),
                        message: None,
                        code: None,
                    },
                    job: None,
                    took: std::time::Duration::ZERO,
                });
            }
            Step::RecordFailed { cluster } => {
                return Some(Update::RecordFailed {
                    cluster: Some(cluster),
                    at,
                    error: "audit log: disk full".into(),
                });
            }
            Step::Request { cluster, removal }
            | Step::Answer { cluster, removal }
            | Step::Job {
                cluster, removal, ..
            }
            | Step::GiveUp { cluster, removal } => (cluster, removal),
        };
        let slot = &mut self.trackers[cluster][usize::from(removal)];
        match step {
            Step::Request { .. } => {
                let operation = if removal {
                    Operation::Removal {
                        version: "9.16.1P3".into(),
                    }
                } else {
                    Operation::download("https://repo/9161P3_q_image.tgz".into(), None)
                };
                *slot = Some(Tracker::requested(operation, at));
            }
            Step::Answer { .. } => {
                slot.as_mut()?
                    .answered(&StartOutcome::Started { job: "j".into() }, at);
            }
            Step::Job { state, .. } => {
                let state = [
                    JobState::Queued,
                    JobState::Running,
                    JobState::Paused,
                    JobState::Success,
                    JobState::Failure,
                ][usize::from(*state)]
                .clone();
                slot.as_mut()?
                    .observe(ontop::testing::download::Observation::Job(&job(state)), at);
            }
            Step::GiveUp { .. } => {
                slot.as_mut()?.give_up("--timeout".into(), at);
            }
            Step::Poll { .. } | Step::RecordFailed { .. } => unreachable!(),
        }
        Some(Update::Operation {
            cluster,
            at,
            followed: Box::new(slot.as_ref()?.followed().clone()),
        })
    }
}

fn app() -> App {
    let model = Model::new((0..CLUSTERS).map(|i| ClusterIdentity {
        name: format!("c{i}"),
        url: format!("https://c{i}"),
        poll_interval: std::time::Duration::from_secs(5),
        username: "admin".into(),
        ..ClusterIdentity::default()
    }));
    App::new(
        model,
        "test.toml",
        ontop::testing::fleet::Session::AsConfigured,
        ontop::testing::tui::Palette::Plain,
    )
}

/// What `q` answers now: quits at once (`None`), or asks, in these words on the screen.
fn quit_answer(app: &mut App) -> Option<String> {
    let commands = app.handle_key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE), now());
    if commands.contains(&AppCommand::Quit) {
        return None;
    }
    let Some(Dialog::Quit { .. }) = app.dialog() else {
        panic!("q neither quit nor asked: {:?}", app.dialog());
    };
    let shown = crate::support::tui::text(&crate::support::tui::render(app, 120, 40));
    app.handle_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE), now());
    Some(shown)
}

/// The question's count of `n` of a kind ("download", "start", "package removal"): its
/// line when there are some, none when there are none.
fn counted(shown: &str, n: usize, kind: &str) -> bool {
    let said = |m: usize| {
        let plural = if m == 1 { "" } else { "s" };
        shown.contains(&format!("│ {m} {kind}{plural} "))
    };
    said(n) == (n > 0) && (0..=CLUSTERS).filter(|&m| m != n).all(|m| !said(m))
}

proptest! {
    #[test]
    fn the_quit_question_the_job_column_and_the_status_line_agree(steps in proptest::collection::vec(step(), 0..60)) {
        let mut engine = Engine { trackers: vec![[None, None]; CLUSTERS] };
        let mut app = app();
        for step in &steps {
            let Some(update) = engine.update(step) else { continue };
            let ends_now = matches!(&update, Update::Operation { followed, .. } if followed.ending().is_some());
            app.apply(update.clone(), now());
            // The JOB column: every download whose word is not an ending is open.
            let model = app.model();
            let open_rows = model
                .clusters
                .iter()
                .filter(|c| c.phase().is_some_and(|p| p.ending().is_none()))
                .count();
            let removals = model.clusters.iter().filter(|c| {
                c.removal.as_ref().is_some_and(|r| r.ending().is_none())
            }).count();
            let open = model.open_operations();
            prop_assert_eq!(open.downloads + open.queued, open_rows);
            prop_assert_eq!(open.removals, removals);
            // The quit question asks exactly when something is open, and says those counts.
            match quit_answer(&mut app) {
                None => prop_assert!(open.is_empty()),
                Some(shown) => {
                    prop_assert!(counted(&shown, open.downloads, "download"), "{shown}");
                    prop_assert!(counted(&shown, open.queued, "start"), "{shown}");
                    prop_assert!(counted(&shown, open.removals, "package removal"), "{shown}");
                }
            }
            // The status line names an ending only once the model holds it ended.
            if ends_now
                && let Update::Operation { cluster, .. } = &update
                && let Some(text) = app.status(now())
                && text.contains(&format!("c{cluster}:"))
            {
                let c = &app.model().clusters[*cluster];
                let ended = c.ending().is_some() || c.removal.as_ref().is_some_and(|r| r.ending().is_some());
                prop_assert!(ended, "said ended while the model says open: {text}");
            }
        }
    }
}
