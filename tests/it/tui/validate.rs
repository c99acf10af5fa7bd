//! `v` on the dashboard against the simulator: the release form offers what the marked
//! clusters hold, the confirmation names every target and every skip with its reason,
//! `y` hands the plan to the engine (`Engine::validate`), and READY fills with each
//! cluster's verdict as its job ends; `V` groups the findings by check.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use ontop::testing::download::{OperationKind, SkipReason, Skipped};
use ontop::testing::fleet::Session;
use ontop::testing::tui::app::Dialog;
use ontop::testing::tui::{App, AppCommand, Palette};
use ontop_sim::Fault;

use crate::support::engine::{Harness, engine};
use crate::support::fleet::start_fleet;
use crate::support::tui::{render, text};

/// A dashboard over the harness's fleet, without colour.
fn dashboard(h: &Harness, access: Session) -> App {
    App::new(h.model.clone(), "sim", access, Palette::Plain)
}

fn key(app: &mut App, code: KeyCode) -> Vec<AppCommand> {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE), Timestamp::now())
}

fn keys(app: &mut App, typed: &str) -> Vec<AppCommand> {
    typed
        .chars()
        .flat_map(|c| key(app, KeyCode::Char(c)))
        .collect()
}

/// Hands the engine's updates to the app until `done` (bounded: 60 s).
async fn feed(h: &mut Harness, app: &mut App, what: &str, done: impl Fn(&App) -> bool) {
    while !done(app) {
        let update = tokio::time::timeout(Duration::from_secs(60), h.updates.recv())
            .await
            .unwrap_or_else(|_| panic!("in time: {what}"))
            .expect("the engine runs");
        app.apply(update, Timestamp::now());
    }
}

/// The row of `name` on a 120x40 screen shows `needle`.
fn assert_row(app: &mut App, name: &str, needle: &str) {
    let row = row(app, name);
    assert!(row.contains(needle), "{row}");
}

/// The row of `name` on a 120x40 screen.
fn row(app: &mut App, name: &str) -> String {
    let screen = text(&render(app, 120, 40));
    screen
        .lines()
        .find(|l| l.contains(&format!(" {name} ")))
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v_offers_the_held_release_confirms_with_skips_and_readiness_fills() {
    let fleet = start_fleet(4, |_| {}).await;
    let url = fleet.default_package_url();
    fleet.finish_download("sim-1", &url).unwrap();
    fleet.finish_download("sim-2", &url).unwrap();
    fleet.set_fault("sim-2", Fault::ValidationWarning);
    let mut h = engine(&fleet, None, |_| {});
    let mut app = dashboard(&h, Session::AsConfigured);
    feed(&mut h, &mut app, "every cluster answered", |app| {
        app.model()
            .clusters
            .iter()
            .all(|c| c.last_success.is_some() && c.packages.is_some())
    })
    .await;
    app.sync(Timestamp::now());
    assert_row(&mut app, "sim-1", "?");

    // Mark sim-1..sim-3; v offers what they hold and do not run.
    keys(&mut app, " j j ");
    assert_eq!(app.marked().collect::<Vec<_>>(), [0, 1, 2]);
    keys(&mut app, "v");
    let Some(Dialog::Version(form)) = app.dialog() else {
        panic!("no release form: {:?}", app.dialog());
    };
    assert_eq!(form.text(), "9.16.1P3");
    assert_eq!(form.offers(), [("9.16.1P3".to_string(), 2)]);
    let screen = text(&render(&mut app, 80, 24));
    assert!(
        screen.contains("Held, not run: 9.16.1P3 (2 clusters)"),
        "{screen}"
    );

    // Enter: the engine's plan, with the cluster that lacks it skipped and why.
    key(&mut app, KeyCode::Enter);
    assert_confirms_with_the_skip(&mut app);
    assert!(
        fleet
            .request_log("sim-1")
            .iter()
            .all(|r| r.method != "PATCH"),
        "nothing is sent before y"
    );

    // y: one command, carried out by the engine as the event loop does.
    let commands = keys(&mut app, "y");
    let [AppCommand::Validate { plan, version }] = commands.as_slice() else {
        panic!("one validation: {commands:?}");
    };
    assert_eq!(version, "9.16.1P3");
    assert_eq!(app.marked().count(), 0, "the marks served their validation");
    h.engine.validate(plan, version);
    feed(&mut h, &mut app, "both validations ended", |app| {
        [0, 1].iter().all(|&c| {
            app.model().clusters[c]
                .operation(OperationKind::Validation)
                .is_some_and(|f| f.ending().is_some())
        })
    })
    .await;
    assert_row(&mut app, "sim-1", "✓ ready");
    assert_row(&mut app, "sim-2", "! 2 warn");
    assert_row(&mut app, "sim-3", " ? ");

    assert_findings_by_check(&mut app);
    h.engine.shutdown();
}

/// The confirmation of a validation of 9.16.1P3 on sim-1 and sim-2, sim-3 skipped
/// since it does not hold the release.
fn assert_confirms_with_the_skip(app: &mut App) {
    let Some(Dialog::ValidateConfirm(confirm)) = app.dialog() else {
        panic!("no confirmation: {:?}", app.dialog());
    };
    let targets: Vec<&str> = confirm
        .plan
        .targets
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(targets, ["sim-1", "sim-2"]);
    assert!(matches!(
        confirm.plan.skipped.as_slice(),
        [Skipped { cluster: 2, name, reason: SkipReason::NotHeld(v) }]
            if name == "sim-3" && v == "9.16.1P3"
    ));
    let screen = text(&render(app, 80, 24));
    assert!(screen.contains("Validate this release?"), "{screen}");
    assert!(screen.contains("Skip 1 cluster:"), "{screen}");
    assert!(screen.contains("sim-3"), "{screen}");
    assert!(screen.contains("y validate"), "{screen}");
}

/// V: the findings by check; Enter shows the text; Esc twice back to the table.
fn assert_findings_by_check(app: &mut App) {
    keys(app, "V");
    let screen = text(&render(app, 120, 40));
    assert!(screen.contains("2 validated (9.16.1P3)"), "{screen}");
    assert!(screen.contains("NFS mounts"), "{screen}");
    assert!(screen.contains("Manual checks"), "{screen}");
    key(app, KeyCode::Enter);
    let screen = text(&render(app, 120, 40));
    assert!(
        screen.contains("on sim-2:") && screen.contains("action"),
        "{screen}"
    );
    key(app, KeyCode::Esc);
    key(app, KeyCode::Esc);
    assert_eq!(app.mode(), ontop::testing::tui::Mode::Table);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v_in_a_read_only_session_says_so_and_sends_nothing() {
    let fleet = start_fleet(1, |_| {}).await;
    let mut h = engine(&fleet, None, |s| s.read_only = true);
    let mut app = dashboard(&h, Session::ReadOnly);
    feed(&mut h, &mut app, "the cluster answered", |app| {
        app.model().clusters[0].last_success.is_some()
    })
    .await;
    app.sync(Timestamp::now());
    assert!(keys(&mut app, "v").is_empty());
    assert!(app.dialog().is_none());
    assert_eq!(
        app.status(Timestamp::now()),
        Some("read-only: validations are disabled (--read-only)")
    );
    h.engine.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_filter_words_find_what_ready_says() {
    let fleet = start_fleet(3, |_| {}).await;
    let url = fleet.default_package_url();
    fleet.finish_download("sim-1", &url).unwrap();
    fleet.finish_download("sim-2", &url).unwrap();
    fleet.set_fault("sim-2", Fault::ValidationError);
    let mut h = engine(&fleet, None, |_| {});
    let mut app = dashboard(&h, Session::AsConfigured);
    feed(&mut h, &mut app, "every cluster answered", |app| {
        app.model().clusters.iter().all(|c| c.packages.is_some())
    })
    .await;
    let plan =
        app.model()
            .plan_validation(&[0, 1], "9.16.1P3", Session::AsConfigured, Timestamp::now());
    h.engine.validate(&plan, "9.16.1P3");
    feed(&mut h, &mut app, "both ended", |app| {
        [0, 1].iter().all(|&c| {
            app.model().clusters[c]
                .operation(OperationKind::Validation)
                .is_some_and(|f| f.ending().is_some())
        })
    })
    .await;
    let shown = |app: &mut App, filter: &str| {
        keys(app, "/");
        keys(app, filter);
        key(app, KeyCode::Enter);
        let rows: Vec<String> = app
            .rows()
            .iter()
            .map(|&i| app.model().clusters[i].identity.name.clone())
            .collect();
        key(app, KeyCode::Esc);
        rows
    };
    assert_eq!(shown(&mut app, "ready"), ["sim-1"]);
    assert_eq!(shown(&mut app, "blocked"), ["sim-2"]);
    assert!(shown(&mut app, "warn").is_empty());
    assert!(shown(&mut app, "updating").is_empty());
    assert_eq!(shown(&mut app, "!ready !blocked"), ["sim-3"]);
    h.engine.shutdown();
}
