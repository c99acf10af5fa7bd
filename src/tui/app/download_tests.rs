//! Marks, the download form, the confirmation and the read-only refusal, without a
//! terminal: keys in, state and commands out.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use super::tests::{app, code, now, press};
use super::*;
use crate::download::{Ending, Followed, Operation, Origin, Phase, Since, SkipReason};
use crate::engine::Update as Event;
use crate::ontap::{ErrorKind, OntapError};
use crate::tui::FormDefaults;

const URL: &str = "https://repo.example.com/ontap/97_q_image.tgz";

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE), now());
    }
}

fn form(app: &App) -> &DownloadForm {
    match app.dialog() {
        Some(Dialog::Form(form)) => form,
        other => panic!("no form open: {other:?}"),
    }
}

fn confirmation(app: &App) -> &Confirmation {
    match app.dialog() {
        Some(Dialog::Confirm(c)) => c,
        other => panic!("no confirmation open: {other:?}"),
    }
}

/// Five clusters, the form prefilled with [`URL`] and user "fetch".
pub(super) fn fleet() -> App {
    app(5).with_form_defaults(FormDefaults {
        url: Some(URL.into()),
        username: Some("fetch".into()),
    })
}

fn fail_polls(app: &mut App, cluster: usize, at: Timestamp) {
    app.apply(
        Event::PollFailed {
            cluster,
            at,
            error: OntapError {
                cluster: format!("c{cluster}"),
                kind: ErrorKind::Connect,
                http_status: None,
                code: None,
                message: "connection refused".into(),
                target: None,
                unanswered: false,
            },
            took: None,
        },
        now(),
    );
}

#[test]
fn space_marks_and_unmarks_and_the_selection_stays() {
    let mut app = fleet();
    press(&mut app, "j ");
    assert_eq!(app.selected(), Some(1), "the selection stays where it is");
    press(&mut app, "j ");
    assert_eq!(app.marked().collect::<Vec<_>>(), [1, 2]);
    press(&mut app, " ");
    assert_eq!(app.marked().collect::<Vec<_>>(), [1]);
    assert_eq!(app.marked_count(), 1);
}

#[test]
fn a_marks_what_the_filter_shows_and_capital_a_clears() {
    let mut app = fleet();
    press(&mut app, "/running");
    app.handle_key(code(KeyCode::Enter), now());
    press(&mut app, "a");
    assert_eq!(app.marked().collect::<Vec<_>>(), [0], "only c0 runs");
    assert_eq!(app.status(now()), Some("marked the 1 clusters shown"));
    app.handle_key(code(KeyCode::Esc), now());
    press(&mut app, "a");
    assert_eq!(app.marked_count(), 5);
    press(&mut app, "A");
    assert_eq!(app.marked_count(), 0);
}

#[test]
fn d_opens_the_form_for_the_marked_clusters_else_the_selected_one() {
    let mut app = fleet();
    press(&mut app, "jd");
    assert_eq!(app.context(), Context::Form);
    assert_eq!(form(&app).chosen(), [1]);
    assert_eq!(
        form(&app).shown(Field::Url),
        URL,
        "prefilled from [download]"
    );
    assert_eq!(form(&app).shown(Field::Username), "fetch");
    app.handle_key(code(KeyCode::Esc), now());
    assert!(app.dialog().is_none());
    press(&mut app, " jj d");
    assert_eq!(form(&app).chosen(), [1, 3]);
}

#[test]
fn keys_type_into_the_form_and_the_password_shows_as_bullets() {
    let mut app = fleet();
    press(&mut app, "jd");
    app.handle_key(code(KeyCode::Tab), now());
    app.handle_key(code(KeyCode::Tab), now());
    // q, j and d are text here: they neither quit, move nor reopen anything.
    let commands = press(&mut app, "qjd");
    assert!(commands.is_empty());
    assert_eq!(form(&app).shown(Field::Password), "•••");
    let back_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
    app.handle_key(back_tab, now());
    assert_eq!(form(&app).focus(), Field::Username);
    let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
    app.handle_key(ctrl_u, now());
    assert_eq!(form(&app).shown(Field::Username), "");
}

#[test]
fn a_bad_url_stays_in_the_form_with_its_reason() {
    let mut app = fleet();
    press(&mut app, "jd");
    let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
    app.handle_key(ctrl_u, now());
    type_text(&mut app, "gopher://x/y.tgz");
    let commands = app.handle_key(code(KeyCode::Enter), now());
    assert!(commands.is_empty());
    assert_eq!(app.context(), Context::Form, "still in the form");
    assert!(
        form(&app).error().unwrap().contains("unsupported scheme"),
        "{:?}",
        form(&app).error()
    );
}

#[test]
fn the_confirmation_names_the_targets_and_every_skip_with_its_reason() {
    let mut model = fleet().model().clone();
    model.clusters[4].identity.read_only = true;
    let mut app = App::new(model, "x", Session::AsConfigured, Palette::Colors).with_form_defaults(
        FormDefaults {
            url: Some(URL.into()),
            username: None,
        },
    );
    app.sync(now());
    let later = now() + jiff::SignedDuration::from_secs(1);
    fail_polls(&mut app, 3, later);
    // c0 runs a download; c3 stopped answering; c4 is read-only.
    press(&mut app, "ad");
    app.handle_key(code(KeyCode::Enter), later);
    let confirm = confirmation(&app);
    assert_eq!(confirm.spec().unwrap().masked_url(), URL);
    let targets: Vec<&str> = confirm
        .plan()
        .targets
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(targets, ["c1", "c2"]);
    let skipped: Vec<(&str, String)> = confirm
        .plan()
        .skipped
        .iter()
        .map(|s| (s.name.as_str(), s.reason.to_string()))
        .collect();
    let attach: Vec<&str> = confirm
        .plan()
        .attach
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(
        attach,
        ["c0"],
        "the running download is followed, not re-sent"
    );
    assert_eq!(
        skipped,
        [
            ("c3", "not answering: connect: connection refused".into()),
            ("c4", SkipReason::ReadOnly.to_string()),
        ]
    );
    assert_eq!(app.context(), Context::Confirm);
    let commands = press(&mut app, "y");
    let [AppCommand::StartDownloads(request)] = commands.as_slice() else {
        panic!("y starts: {commands:?}");
    };
    assert_eq!(indices(&request.plan.targets), [1, 2]);
    assert_eq!(
        indices(&request.plan.attach),
        [0],
        "the running download is followed, not re-sent"
    );
    assert!(app.dialog().is_none());
    assert_eq!(app.marked_count(), 0, "the marks served their purpose");
}

#[test]
fn n_and_esc_cancel_and_start_nothing() {
    let mut app = fleet();
    for cancel in [key('n'), code(KeyCode::Esc)] {
        press(&mut app, "jd");
        app.handle_key(code(KeyCode::Enter), now());
        assert_eq!(app.context(), Context::Confirm);
        assert!(app.handle_key(cancel, now()).is_empty());
        assert!(app.dialog().is_none());
        assert_eq!(
            app.status(now()),
            Some("download cancelled: nothing was started")
        );
    }
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

#[test]
fn a_cluster_already_downloading_is_followed_without_a_request() {
    let mut app = fleet();
    // c0 is already downloading.
    press(&mut app, "d");
    app.handle_key(code(KeyCode::Enter), now());
    assert!(!confirmation(&app).nothing_to_start());
    let commands = press(&mut app, "y");
    let [AppCommand::StartDownloads(request)] = commands.as_slice() else {
        panic!("y follows the running download: {commands:?}");
    };
    assert!(request.plan.targets.is_empty());
    assert_eq!(indices(&request.plan.attach), [0]);
}

#[test]
fn when_every_chosen_cluster_is_skipped_y_starts_nothing() {
    let mut app = fleet();
    let later = now() + jiff::SignedDuration::from_secs(1);
    fail_polls(&mut app, 3, later);
    // c3 stopped answering.
    press(&mut app, "jjjd");
    app.handle_key(code(KeyCode::Enter), later);
    assert!(confirmation(&app).nothing_to_start());
    assert!(press(&mut app, "y").is_empty());
    assert_eq!(
        app.status(now()),
        Some("nothing to start: every chosen cluster is skipped or already followed")
    );
}

#[test]
fn a_read_only_session_refuses_at_d_naming_the_clusters() {
    let mut read_only = App::new(
        fleet().model().clone(),
        "x",
        Session::ReadOnly,
        Palette::Plain,
    );
    read_only.sync(now());
    press(&mut read_only, " j d");
    assert!(read_only.dialog().is_none());
    assert_eq!(
        read_only.status(now()),
        Some("read-only: downloads are disabled for c0 and c1 (--read-only)")
    );
}

#[test]
fn read_only_clusters_refuse_by_name_unless_another_can_start() {
    let mut model = fleet().model().clone();
    model.clusters[1].identity.read_only = true;
    model.clusters[2].identity.read_only = true;
    let mut app = App::new(model, "x", Session::AsConfigured, Palette::Colors);
    app.sync(now());
    press(&mut app, "jd");
    assert_eq!(
        app.status(now()),
        Some("c1 is read-only: downloads are disabled")
    );
    press(&mut app, " j d");
    assert_eq!(
        app.status(now()),
        Some("c1 and c2 are read-only: downloads are disabled")
    );
    // With a cluster that can take it, the form opens; the confirmation skips the rest.
    press(&mut app, "j d");
    assert_eq!(form(&app).chosen(), [1, 2, 3]);
}

fn indices(list: &[crate::download::Planned]) -> Vec<usize> {
    list.iter().map(|t| t.cluster).collect()
}

/// What the engine says when it follows a download it started on `cluster`.
pub(super) fn followed(cluster: usize, job: &str) -> Event {
    let followed = Followed {
        operation: Operation::download(URL.into(), None),
        origin: Origin::Started,
        since_request: now(),
        job: Some(job.into()),
        phase: Phase::Starting,
        since: Since::Exactly(now()),
        errors: 0,
        last_error: None,
        job_deleted: false,
        answered: true,
        unanswered: None,
    };
    Event::Operation {
        cluster,
        at: now(),
        followed: Box::new(followed),
    }
}

/// What the engine says when that download ends: the same operation, its ending in the
/// same update as its phase.
pub(super) fn ended(cluster: usize, job: &str, ending: Ending) -> Event {
    let Event::Operation {
        followed: mut f, ..
    } = followed(cluster, job)
    else {
        unreachable!()
    };
    f.phase = Phase::Ended(ending);
    Event::Operation {
        cluster,
        at: now(),
        followed: f,
    }
}

#[test]
fn an_ending_is_announced_once_with_its_code_and_the_bell() {
    let mut app = fleet();
    app.apply(followed(2, "j-2"), now());
    assert!(!app.take_bell());
    let ending = Ending::Failure {
        code: Some(10551885),
        message: "invalid url".into(),
    };
    app.apply(ended(2, "j-2", ending), now());
    assert!(app.take_bell());
    assert!(!app.take_bell(), "once");
    let status = app.status(now()).unwrap();
    assert_eq!(status, "c2: the download failed: invalid url (10551885)");
}

#[test]
fn a_download_the_engine_follows_is_not_attached_again() {
    let mut app = fleet();
    app.apply(followed(1, "job-1"), now());
    // c1 is followed already; choosing it with c2 starts c2 only.
    press(&mut app, "j j d");
    app.handle_key(code(KeyCode::Enter), now());
    let skipped: Vec<(usize, SkipReason)> = confirmation(&app)
        .plan()
        .skipped
        .iter()
        .map(|s| (s.cluster, s.reason.clone()))
        .collect();
    assert_eq!(skipped, [(1, SkipReason::AlreadyFollowed)]);
    let commands = press(&mut app, "y");
    let [AppCommand::StartDownloads(request)] = commands.as_slice() else {
        panic!("y starts c2: {commands:?}");
    };
    assert_eq!(indices(&request.plan.targets), [2]);
    assert!(request.plan.attach.is_empty());
    let followed = app.model().clusters[1].followed.as_ref().unwrap();
    assert_eq!(followed.job.as_deref(), Some("job-1"));
}

#[test]
fn clusters_that_hold_the_release_are_skipped_and_f_downloads_there_too() {
    let mut app = fleet();
    // Cluster 1 holds 9.7, the release of the form's 97_q_image.tgz.
    app.apply(
        Event::Packages {
            cluster: 1,
            at: now(),
            packages: Ok(vec![crate::ontap::Package {
                version: Some("9.7".into()),
                create_time: None,
            }]),
        },
        now(),
    );
    press(&mut app, "Aa");
    press(&mut app, "d");
    app.handle_key(code(KeyCode::Enter), now());
    let plan = confirmation(&app).plan().clone();
    let skipped: Vec<_> = plan
        .skipped
        .iter()
        .map(|s| (s.cluster, s.reason.clone()))
        .collect();
    assert_eq!(
        skipped,
        [(
            1,
            SkipReason::AlreadyThere(crate::download::Holding::Holds("9.7".into()))
        )]
    );
    assert!(confirmation(&app).skips_holders());
    press(&mut app, "f");
    let plan = confirmation(&app).plan();
    assert!(plan.skipped.is_empty(), "{plan:?}");
    assert!(plan.targets.iter().any(|t| t.cluster == 1), "{plan:?}");
}
