//! Key handling, without a terminal.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use super::*;
use crate::engine::Update as Event;
use crate::ontap::{DownloadState, DownloadStatus};
use crate::state::{ClusterIdentity, Column};
use crate::tui::keymap::Context;

pub(super) fn now() -> Timestamp {
    "2026-03-01T12:00:00Z".parse().unwrap()
}

pub(super) fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

pub(super) fn code(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Clusters "c0".."c{n-1}"; c0 reports running, the rest not_started.
pub(super) fn app(n: usize) -> App {
    let model = Model::new((0..n).map(|i| ClusterIdentity {
        name: format!("c{i}"),
        url: format!("https://c{i}"),
        poll_interval: std::time::Duration::from_secs(5),
        username: "admin".into(),
        ..ClusterIdentity::default()
    }));
    let mut app = App::new(model, "test.toml", Session::AsConfigured, Palette::Colors);
    for i in 0..n {
        let state = if i == 0 {
            DownloadState::Running
        } else {
            DownloadState::NotStarted
        };
        app.apply(
            Event::Polled {
                cluster: i,
                at: now(),
                info: None,
                download: DownloadStatus {
                    state: Some(state),
                    message: None,
                    code: None,
                },
                job: None,
                took: std::time::Duration::ZERO,
            },
            now(),
        );
    }
    app.sync(now());
    app
}

pub(super) fn press(app: &mut App, keys: &str) -> Vec<AppCommand> {
    keys.chars()
        .flat_map(|c| app.handle_key(key(c), now()))
        .collect()
}

pub(super) fn name(app: &App) -> &str {
    &app.model().clusters[app.selected().unwrap()].identity.name
}

#[test]
fn movement_stays_within_the_rows() {
    let mut app = app(3);
    press(&mut app, "k");
    assert_eq!(name(&app), "c0");
    press(&mut app, "jjjj");
    assert_eq!(name(&app), "c2");
    press(&mut app, "g");
    assert_eq!(name(&app), "c0");
    press(&mut app, "G");
    assert_eq!(name(&app), "c2");
    app.handle_key(code(KeyCode::Up), now());
    assert_eq!(name(&app), "c1");
    app.handle_key(code(KeyCode::PageDown), now());
    assert_eq!(name(&app), "c2");
    app.handle_key(code(KeyCode::PageUp), now());
    assert_eq!(name(&app), "c0");
}

#[test]
fn the_filter_is_edited_like_the_forms_fields() {
    let mut app = app(12);
    let ctrl = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    press(&mut app, "/c1 ruNNing");
    app.handle_key(ctrl('w'), now());
    assert_eq!(app.filter(), "c1 ");
    app.handle_key(ctrl('u'), now());
    assert_eq!(app.filter(), "", "Ctrl-U empties the filter");
    assert_eq!(app.rows().len(), 12);
    press(&mut app, "c2");
    app.handle_key(code(KeyCode::Home), now());
    press(&mut app, "!");
    assert_eq!((app.filter(), app.filter_cursor()), ("!c2", 1));
    app.handle_key(code(KeyCode::Right), now());
    app.handle_key(code(KeyCode::Delete), now());
    assert_eq!(app.filter(), "!c");
    app.handle_key(code(KeyCode::End), now());
    app.handle_key(code(KeyCode::Left), now());
    app.handle_key(code(KeyCode::Backspace), now());
    assert_eq!((app.filter(), app.filter_cursor()), ("c", 0));
    assert_eq!(
        app.mode(),
        Mode::Filter,
        "editing keys keep the filter open"
    );
}

#[test]
fn typing_a_filter_narrows_live_enter_keeps_it_and_esc_clears_it() {
    let mut app = app(12);
    press(&mut app, "/c1");
    assert_eq!(app.mode(), Mode::Filter);
    assert_eq!(app.filter(), "c1");
    // c1, c10, c11
    assert_eq!(app.rows().len(), 3);
    assert_eq!(name(&app), "c1");
    // 'q' and 'j' type while filtering; they do not quit or move.
    assert!(press(&mut app, "q").is_empty());
    assert_eq!(app.filter(), "c1q");
    app.handle_key(code(KeyCode::Backspace), now());
    app.handle_key(code(KeyCode::Enter), now());
    assert_eq!(app.mode(), Mode::Table);
    assert_eq!(app.filter(), "c1");
    press(&mut app, "j");
    assert_eq!(name(&app), "c10");
    app.handle_key(code(KeyCode::Esc), now());
    assert_eq!(app.filter(), "");
    assert_eq!(app.rows().len(), 12);
    assert_eq!(name(&app), "c10", "clearing the filter keeps the selection");
    press(&mut app, "/zzz");
    assert!(app.rows().is_empty());
    assert_eq!(app.selected(), None);
    app.handle_key(code(KeyCode::Esc), now());
    assert_eq!(app.mode(), Mode::Table);
    assert_eq!(app.rows().len(), 12);
}

#[test]
fn a_filter_that_hides_the_selection_moves_it_to_the_first_match() {
    let mut app = app(4);
    press(&mut app, "G");
    assert_eq!(name(&app), "c3");
    press(&mut app, "/running");
    assert_eq!(name(&app), "c0");
}

#[test]
fn s_opens_a_menu_with_a_key_per_column_and_only_the_footer_says_the_sort() {
    let mut app = app(3);
    press(&mut app, "s");
    assert_eq!(app.context(), Context::Sort);
    press(&mut app, "h");
    assert_eq!(
        app.context(),
        Context::Table,
        "a key sorts and closes the menu"
    );
    assert_eq!(
        app.sort().column,
        Some(Column::Health),
        "HEALTH in two presses"
    );
    assert_eq!(
        app.status(now()),
        None,
        "the footer's sort: says it, not a message"
    );
    press(&mut app, "sh");
    assert!(app.sort().reverse, "the same key again turns it round");
    press(&mut app, "sd");
    assert_eq!(app.sort().column, Some(Column::Download));
    assert!(!app.sort().reverse);
    assert_eq!(app.rows()[0], 0, "running first");
    press(&mut app, "sS");
    assert!(app.sort().reverse, "S in the menu reverses too");
    app.handle_key(key('s'), now());
    app.handle_key(code(KeyCode::Esc), now());
    assert_eq!(app.context(), Context::Table);
    assert_eq!(
        app.sort().column,
        Some(Column::Download),
        "Esc changes nothing"
    );
    press(&mut app, "so");
    assert_eq!(app.sort().column, None, "o: config order");
    assert_eq!(app.rows(), [0, 1, 2]);
}

#[test]
fn the_selection_stays_on_its_cluster_when_rows_re_sort() {
    let mut app = app(5);
    press(&mut app, "jj");
    assert_eq!(name(&app), "c2");
    press(&mut app, "S");
    assert_eq!(app.rows(), [4, 3, 2, 1, 0]);
    assert_eq!(name(&app), "c2");
    // Sorting by download state puts the running c0 first; c2 stays selected.
    press(&mut app, "S");
    press(&mut app, "sd");
    assert_eq!(app.sort().column, Some(Column::Download));
    assert_eq!(app.rows()[0], 0);
    assert_eq!(name(&app), "c2");
}

#[test]
fn details_open_on_enter_fetch_packages_and_esc_goes_back() {
    let mut app = app(3);
    press(&mut app, "j");
    let commands = app.handle_key(code(KeyCode::Enter), now());
    assert_eq!(commands, [AppCommand::FetchPackages(1)]);
    assert_eq!(app.mode(), Mode::details(1));
    assert_eq!(press(&mut app, "r"), [AppCommand::Refresh(Some(1))]);
    assert_eq!(press(&mut app, "R"), [AppCommand::Refresh(None)]);
    app.handle_key(code(KeyCode::Esc), now());
    assert_eq!(app.mode(), Mode::Table);
}

#[test]
fn j_and_k_in_details_move_to_the_next_and_previous_cluster_in_the_tables_order() {
    let mut app = app(4);
    press(&mut app, "sd");
    // Running c0 first, then the others in config order; reversed: c3 c2 c1 c0.
    press(&mut app, "S");
    assert_eq!(app.rows(), [3, 2, 1, 0]);
    press(&mut app, "g");
    app.handle_key(code(KeyCode::Enter), now());
    assert_eq!(app.mode(), Mode::details(3));
    assert_eq!(press(&mut app, "j"), [AppCommand::FetchPackages(2)]);
    assert_eq!(app.mode(), Mode::details(2));
    app.handle_key(code(KeyCode::Down), now());
    assert_eq!(app.mode(), Mode::details(1));
    press(&mut app, "kk");
    assert_eq!(app.mode(), Mode::details(3));
    assert!(press(&mut app, "k").is_empty(), "the first stays the first");
    app.handle_key(code(KeyCode::Esc), now());
    assert_eq!(
        name(&app),
        "c3",
        "back in the table on the cluster last shown"
    );
    app.handle_key(code(KeyCode::Enter), now());
    press(&mut app, "jjj");
    app.handle_key(code(KeyCode::Esc), now());
    assert_eq!(name(&app), "c0");
}

#[test]
fn help_opens_over_any_mode_and_closes_with_esc_or_question_mark() {
    let mut app = app(3);
    press(&mut app, "?");
    assert!(app.help_open());
    assert_eq!(app.context(), Context::Help);
    press(&mut app, "j");
    assert_eq!(
        name(&app),
        "c0",
        "keys in help scroll the help, not the table"
    );
    press(&mut app, "?");
    assert!(!app.help_open());
    app.handle_key(code(KeyCode::Enter), now());
    press(&mut app, "?");
    app.handle_key(code(KeyCode::Esc), now());
    assert!(!app.help_open());
    assert_eq!(app.mode(), Mode::details(0), "Esc closes help first");
}

#[test]
fn q_and_ctrl_c_quit_but_q_types_while_filtering() {
    let mut app = app(2);
    assert_eq!(press(&mut app, "q"), [AppCommand::Quit]);
    press(&mut app, "/");
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(app.handle_key(ctrl_c, now()), [AppCommand::Quit]);
}

/// The table's first row in a frame of `page` rows, kept as a frame keeps it.
fn scroll_table(app: &mut App, page: usize) -> usize {
    let offset = app.table_offset(page);
    app.drawn(crate::tui::views::Drawn {
        table: Some((offset, page)),
        ..Default::default()
    });
    offset
}

#[test]
fn the_table_scrolls_to_keep_the_selection_on_screen() {
    let mut app = app(50);
    assert_eq!(scroll_table(&mut app, 10), 0);
    press(&mut app, "G");
    assert_eq!(scroll_table(&mut app, 10), 40);
    app.handle_key(code(KeyCode::PageUp), now());
    assert_eq!(name(&app), "c39");
    assert_eq!(scroll_table(&mut app, 10), 39);
    press(&mut app, "g");
    assert_eq!(scroll_table(&mut app, 10), 0);
}

#[test]
fn esc_in_the_packages_view_closes_the_list_of_clusters_first() {
    let mut app = app(2);
    press(&mut app, "P");
    app.handle_key(code(KeyCode::Enter), now());
    assert_eq!(app.packages_selection(1), (0, true));
    app.handle_key(code(KeyCode::Esc), now());
    assert!(
        matches!(app.mode(), Mode::Packages { .. }),
        "back one level: the releases"
    );
    assert_eq!(app.packages_selection(1), (0, false));
    app.handle_key(code(KeyCode::Esc), now());
    assert_eq!(app.mode(), Mode::Table);
}

#[test]
fn a_poll_that_finds_a_row_as_it_was_leaves_its_age_to_the_tick() {
    let mut app = app(3);
    let later = now() + std::time::Duration::from_secs(2);
    let polled = |message: Option<&str>| Event::Polled {
        cluster: 1,
        at: later,
        info: None,
        download: DownloadStatus {
            state: Some(DownloadState::NotStarted),
            message: message.map(str::to_string),
            code: None,
        },
        job: None,
        took: std::time::Duration::ZERO,
    };
    let ages = app.tick_key(later);
    assert!(!app.apply(polled(None), later), "only its age changed");
    assert_ne!(app.tick_key(later), ages, "the next tick draws the new age");
    let message = Some("Package download in progress");
    assert!(app.apply(polled(message), later), "a new message is drawn");
    assert!(!app.apply(polled(message), later), "and once only");
    // Off screen, even news waits for the rows' turn.
    app.page = 1;
    assert!(!app.apply(polled(None), later));
}
