//! A file typed into the form, without a terminal or a file: what the screen asks the
//! tasks to do, and what it makes of their news.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::download_tests::fleet;
use super::tests::{code, now, press};
use super::upload::FileState;
use super::*;
use crate::engine::local_file::{FileNews, FoundFile};

fn clear_and_type(app: &mut App, text: &str) -> Vec<AppCommand> {
    app.handle_key(
        KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
        now(),
    );
    press(app, text)
}

fn state(app: &App) -> Option<FileState> {
    match app.dialog() {
        Some(Dialog::Form(form)) => form.local().map(|l| l.state.clone()),
        _ => None,
    }
}

fn found(typed: &str) -> FileNews {
    FileNews::Looked {
        typed: typed.into(),
        found: Ok(FoundFile {
            path: PathBuf::from(typed),
            name: "97_q_image.tgz".into(),
            size: 1 << 30,
        }),
    }
}

#[test]
fn a_path_asks_for_a_look_and_a_url_does_not() {
    let mut app = fleet();
    press(&mut app, "jd");
    let commands = clear_and_type(&mut app, "/srv/97_q_image.tgz");
    assert_eq!(
        commands.last(),
        Some(&AppCommand::LookAtFile("/srv/97_q_image.tgz".into()))
    );
    assert_eq!(
        state(&app),
        Some(FileState::Looking),
        "an upload form at once"
    );
    let commands = clear_and_type(&mut app, "https://repo/97_q_image.tgz");
    assert!(
        !commands
            .iter()
            .any(|c| matches!(c, AppCommand::LookAtFile(_))),
        "{commands:?}"
    );
    assert_eq!(state(&app), None, "a URL is a download");
}

#[test]
fn a_bare_name_is_an_upload_only_once_a_file_is_found_and_old_news_is_dropped() {
    let mut app = fleet();
    press(&mut app, "jd");
    clear_and_type(&mut app, "97_q_image.tgz");
    assert_eq!(state(&app), None, "nothing known yet");
    assert!(
        !app.file_news(found("97_q_image"), now()),
        "news of older text"
    );
    assert!(app.file_news(found("97_q_image.tgz"), now()));
    assert!(matches!(state(&app), Some(FileState::Found(_))));
    clear_and_type(&mut app, "nothing.tgz");
    let missing = FileNews::Looked {
        typed: "nothing.tgz".into(),
        found: Err("no such file on this host".into()),
    };
    app.file_news(missing, now());
    assert_eq!(
        state(&app),
        None,
        "no file: a URL with a typo, said on Enter"
    );
}

/// Enter while the file is still looked at is refused for now; once the file is found,
/// the form no longer says it is still looking, and Enter goes on.
#[test]
fn the_still_looking_refusal_goes_once_the_file_is_found() {
    let mut app = fleet();
    press(&mut app, "jd");
    clear_and_type(&mut app, "./97_q_image.tgz");
    assert!(app.handle_key(code(KeyCode::Enter), now()).is_empty());
    let error = |app: &App| match app.dialog() {
        Some(Dialog::Form(form)) => form.error().map(str::to_string),
        other => panic!("the form stays: {other:?}"),
    };
    assert!(error(&app).unwrap().contains("still looking"));
    app.file_news(found("./97_q_image.tgz"), now());
    assert_eq!(error(&app), None);
    let commands = app.handle_key(code(KeyCode::Enter), now());
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, AppCommand::ReadImage { .. })),
        "{commands:?}"
    );
}

#[test]
fn enter_reads_the_image_a_bad_checksum_is_refused_first_and_a_mismatch_returns_to_the_form() {
    let mut app = fleet();
    press(&mut app, "jd");
    clear_and_type(&mut app, "./97_q_image.tgz");
    app.file_news(found("./97_q_image.tgz"), now());
    app.handle_key(code(KeyCode::Tab), now());
    press(&mut app, "abc");
    assert!(app.handle_key(code(KeyCode::Enter), now()).is_empty());
    let Some(Dialog::Form(form)) = app.dialog() else {
        panic!("the form stays");
    };
    assert!(form.error().unwrap().contains("64 hexadecimal digits"));
    app.handle_key(
        KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
        now(),
    );
    let sha = "a".repeat(64);
    press(&mut app, &sha);
    let commands = app.handle_key(code(KeyCode::Enter), now());
    assert_eq!(
        commands,
        [AppCommand::ReadImage {
            path: PathBuf::from("./97_q_image.tgz"),
            sha256: Some(sha.clone())
        }]
    );
    assert!(app.reading_image());
    let refused = FileNews::Read {
        path: PathBuf::from("./97_q_image.tgz"),
        source: Err("./97_q_image.tgz has SHA-256 00, not the aaa… given; nothing was sent".into()),
    };
    app.file_news(refused, now());
    assert!(!app.reading_image());
    let Some(Dialog::Form(form)) = app.dialog() else {
        panic!("back in the form");
    };
    assert!(form.error().unwrap().contains("nothing was sent"));
    assert_eq!(form.focus(), Field::Sha256);
    // Esc while reading leaves nothing waiting for it (the loop then stops the reading).
    app.handle_key(code(KeyCode::Enter), now());
    assert!(app.reading_image());
    app.handle_key(code(KeyCode::Esc), now());
    assert!(!app.reading_image());
    assert_eq!(
        app.status(now()),
        Some("upload cancelled: nothing was sent")
    );
}

/// The engine's words for a download started here on cluster 1, made an upload not
/// yet answered (`answered` false) or answered (its bytes all sent).
fn upload_update(answered: bool) -> crate::engine::Update {
    use crate::download::{Operation, tracker::UploadFile};
    let file = UploadFile {
        name: "97_q_image.tgz".into(),
        size: 1 << 30,
        sha256: "a".repeat(64),
    };
    let crate::engine::Update::Operation { mut followed, .. } =
        super::download_tests::followed(1, "job")
    else {
        unreachable!()
    };
    followed.operation = Operation::Upload(file);
    followed.job = None;
    followed.answered = answered;
    crate::engine::Update::Operation {
        cluster: 1,
        at: now(),
        followed,
    }
}

#[test]
fn an_upload_asked_for_and_not_yet_counted_is_on_its_way_for_the_questions() {
    let mut app = fleet();
    app.apply(upload_update(false), now());
    assert_eq!(app.uploads_on_their_way(), (1, 0, 1 << 30));
    press(&mut app, "j");
    app.handle_key(code(KeyCode::Enter), now());
    app.handle_key(code(KeyCode::Esc), now());
    assert!(matches!(app.dialog(), Some(Dialog::StopUpload(1))));
}

#[test]
fn the_stop_question_closes_when_the_upload_is_no_longer_on_its_way() {
    let mut app = fleet();
    app.apply(upload_update(false), now());
    press(&mut app, "j");
    app.handle_key(code(KeyCode::Enter), now());
    app.handle_key(code(KeyCode::Esc), now());
    assert!(matches!(app.dialog(), Some(Dialog::StopUpload(1))));
    assert!(
        app.apply(upload_update(true), now()),
        "a frame: the dialog went"
    );
    assert!(app.dialog().is_none());
    assert_eq!(
        app.mode(),
        Mode::details(1),
        "the details say how it went on"
    );
    let status = app.status(now()).unwrap_or_default();
    assert!(status.contains("no longer on its way"), "{status}");
}
