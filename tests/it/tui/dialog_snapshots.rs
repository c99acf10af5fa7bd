//! The dialogs and rows this dashboard added for a login that was refused and for
//! quitting while downloads are followed, at the sizes users have; and the colours of a
//! paused row and of what the filter matched.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use ontop::testing::engine::{LoginPause, Update as Event};
use ontop::testing::tui::App;
use ratatui::style::{Color, Modifier};

use crate::support::tui::{ago, app, find, now, press, press_code, render, text};

/// The mixed fleet with dev-tok-1 and edge-sin-1 paused after refused logins; the
/// second one reads a password file.
fn paused_app() -> App {
    let mut app = app(true, false);
    for (cluster, source) in [(3, None), (9, Some("password_file \"/etc/ontop/pw\""))] {
        app.apply(
            Event::LoginPaused {
                cluster,
                at: ago(30),
                pause: Box::new(LoginPause {
                    user: "admin".into(),
                    source: source.map(str::to_string),
                    note: None,
                    again: None,
                }),
            },
            now(),
        );
    }
    app.sync(now());
    app
}

#[test]
fn paused_rows_say_so_and_how_to_resume_80x24() {
    let mut app = paused_app();
    assert_snapshot!(text(&render(&mut app, 80, 24)));
}

/// The details of a paused cluster use the table's word: it answered, and refused the
/// login; its packages were not read for that reason, not because it is down.
#[test]
fn details_of_a_paused_cluster_say_paused_like_its_row() {
    let mut app = paused_app();
    press(&mut app, "jjj");
    press_code(&mut app, KeyCode::Enter);
    let shown = text(&render(&mut app, 120, 40));
    assert!(shown.contains("dev-tok-1"), "{shown}");
    assert!(shown.contains("PAUSED: login refused"), "{shown}");
    assert!(!shown.contains("FAILING"), "{shown}");
    assert!(
        shown.contains("not read: the cluster refused the login"),
        "{shown}"
    );
    assert!(!shown.contains("the cluster does not answer"), "{shown}");
}

#[test]
fn the_password_dialog_at_80x24_and_60x16() {
    let mut app = paused_app();
    press(&mut app, "G");
    press(&mut app, "p");
    press(&mut app, "s3cret");
    app.handle_key(KeyEvent::new(KeyCode::Left, KeyModifiers::NONE), now());
    let wide = text(&render(&mut app, 80, 24));
    let small = text(&render(&mut app, 60, 16));
    assert!(!wide.contains("s3cret") && !small.contains("s3cret"));
    assert_snapshot!(format!("{wide}\n--- 60x16 ---\n\n{small}"));
}

#[test]
fn the_quit_question_at_80x23() {
    let mut app = app(true, false);
    press(&mut app, "q");
    assert_snapshot!(text(&render(&mut app, 80, 23)));
}

/// The question counts from the model at each frame, as the table does: a download that
/// ends while it is open leaves the count and the names alike, and once nothing is
/// followed it says that quitting loses nothing.
#[test]
fn the_quit_question_follows_what_ends_while_it_is_open() {
    use ontop::testing::download::{Ending, Operation, Phase};
    let mut app = app(true, false);
    press(&mut app, "q");
    let asked = text(&render(&mut app, 80, 24));
    assert!(
        asked.contains("1 download is still followed here: prod-ams-1."),
        "{asked}"
    );
    let running = app.model().clusters[0].followed.clone().expect("followed");
    let mut validation = running.clone();
    validation.operation = Operation::Validation {
        version: "9.16.1".into(),
    };
    let mut followed = running;
    followed.phase = Phase::Ended(Ending::Success { message: None });
    app.apply(
        Event::Operation {
            cluster: 0,
            at: now(),
            followed,
        },
        now(),
    );
    // A validation is open too: it is counted, in its own words.
    app.apply(
        Event::Operation {
            cluster: 1,
            at: now(),
            followed: validation.clone(),
        },
        now(),
    );
    app.sync(now());
    let validating = text(&render(&mut app, 80, 24));
    assert!(
        validating.contains("1 validation is still running"),
        "{validating}"
    );
    assert!(!validating.contains("still followed"), "{validating}");
    validation.phase = Phase::Ended(Ending::Success { message: None });
    app.apply(
        Event::Operation {
            cluster: 1,
            at: now(),
            followed: validation,
        },
        now(),
    );
    app.sync(now());
    let ended = text(&render(&mut app, 80, 24));
    assert!(ended.contains("Quit ontop?"), "{ended}");
    assert!(!ended.contains("still followed"), "{ended}");
    assert!(!ended.contains("prod-ams-1."), "{ended}");
    assert!(
        ended.contains("Everything followed here has ended: quitting loses nothing."),
        "{ended}"
    );
}

#[test]
fn a_paused_row_is_red_and_filter_matches_are_underlined() {
    let mut app = paused_app();
    let buffer = render(&mut app, 120, 40);
    let (x, y) = find(&buffer, "PAUSED").expect("a paused row");
    assert_eq!(buffer[(x, y)].fg, Color::Red);
    press(&mut app, "/");
    press(&mut app, "ams");
    let buffer = render(&mut app, 120, 40);
    let (x, y) = find(&buffer, "prod-ams-1").expect("a matching row");
    let matched = &buffer[(x + 5, y)];
    assert!(
        matched.modifier.contains(Modifier::UNDERLINED),
        "{matched:?}"
    );
    assert!(!buffer[(x, y)].modifier.contains(Modifier::UNDERLINED));
}

#[test]
fn nothing_to_validate_offers_only_to_cancel_80x24() {
    let mut app = app(true, false);
    // prod-ams-1 is read-only: a validation there is skipped, so nothing is left.
    press(&mut app, "v");
    press(&mut app, "9.16.1P3");
    app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE), now());
    let screen = text(&render(&mut app, 80, 24));
    assert!(screen.contains("Nothing to validate"), "{screen}");
    assert!(!screen.contains("y validate"), "no y on offer: {screen}");
    assert!(screen.contains("n/Esc cancel"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn help_wraps_what_a_key_does_at_80_columns() {
    let mut app = app(true, false);
    press(&mut app, "?");
    // Tall enough for the whole overlay: no line of it scrolled away.
    let screen = text(&render(&mut app, 80, 80));
    for line in screen.lines() {
        assert!(
            !line.trim_end().ends_with('…'),
            "a help line is cut: {line}"
        );
    }
    assert!(screen.contains("keys on"), "the note wraps too: {screen}");
}
