//! What the user sees: the dashboard drawn into a test terminal at 120x40 and 80x24,
//! pinned with `insta` snapshots, plus the colours of the states.

use crate::support::tui::{app, find, press, press_code, render, text};
use crossterm::event::KeyCode;
use insta::assert_snapshot;
use ratatui::style::{Color, Modifier};

#[test]
fn table_with_mixed_states_120x40() {
    let mut app = app(true, false);
    assert_snapshot!(text(&render(&mut app, 120, 40)));
}

#[test]
fn table_with_mixed_states_80x24() {
    let mut app = app(true, false);
    assert_snapshot!(text(&render(&mut app, 80, 24)));
}

/// Where MESSAGE has no room (or cuts it), the footer says the selected row's: why a
/// FAILING row fails, in the failing colour; where the table shows it whole, the footer
/// does not repeat it, nor over the help. A key's answer gives way when the selection
/// moves.
#[test]
fn the_footer_says_why_the_selected_row_fails_when_message_has_no_room() {
    let mut app = app(true, false);
    press(&mut app, "jjjj");
    let buffer = render(&mut app, 80, 24);
    let footer = text(&buffer)
        .lines()
        .nth(22)
        .unwrap_or_default()
        .to_string();
    assert!(footer.contains("test-lon-1: connect:"), "{footer}");
    let (x, y) = find(&buffer, "test-lon-1: connect").expect("said in the footer");
    assert_eq!((y, buffer[(x, y)].fg), (22, Color::Red));
    let cut = text(&render(&mut app, 120, 40));
    assert!(
        cut.contains("connection refused (10.6…"),
        "cut in the table: {cut}"
    );
    assert!(
        cut.contains("test-lon-1: connect: connection refused (10.6"),
        "{cut}"
    );
    let wide = text(&render(&mut app, 220, 40));
    assert!(!wide.contains("test-lon-1: connect"), "{wide}");
    press(&mut app, "r");
    let polling = text(&render(&mut app, 80, 24));
    assert!(polling.contains("polling test-lon-1 now"), "{polling}");
    press(&mut app, "j");
    let moved = text(&render(&mut app, 80, 24));
    assert!(!moved.contains("polling test-lon-1 now"), "{moved}");
    press(&mut app, "?");
    let help = text(&render(&mut app, 80, 24));
    assert!(!help.contains("test-lon-1: connect"), "{help}");
}

/// On a paused row at 60 columns the key hints still fit whole: `p password` and
/// `q quit` are both there, and the mark hint gives way (help lists it).
#[test]
fn the_hints_of_a_paused_row_fit_60_columns() {
    use ontop::testing::engine::{LoginPause, Update as Event};
    let mut app = app(true, false);
    app.apply(
        Event::LoginPaused {
            cluster: 0,
            at: crate::support::tui::now(),
            pause: Box::new(LoginPause {
                user: "admin".into(),
                source: None,
                note: None,
                again: None,
            }),
        },
        crate::support::tui::now(),
    );
    app.sync(crate::support::tui::now());
    let shown = text(&render(&mut app, 60, 16));
    let hints = shown.lines().last().unwrap_or_default();
    assert!(hints.contains("p password"), "{shown}");
    assert!(hints.ends_with("q quit"), "{shown}");
}

#[test]
fn read_only_session_sorted_by_health_120x40() {
    let mut app = app(true, true);
    // Two keys: the sort menu, then HEALTH's key.
    press(&mut app, "sh");
    press(&mut app, "d");
    assert_snapshot!(text(&render(&mut app, 120, 40)));
}

#[test]
fn details_with_history_error_hint_and_packages_120x40() {
    let mut app = app(true, false);
    press(&mut app, "jj");
    press_code(&mut app, KeyCode::Enter);
    assert_snapshot!(text(&render(&mut app, 120, 40)));
}

#[test]
fn details_80x24_scrolled_to_the_end() {
    let mut app = app(true, false);
    press(&mut app, "jj");
    press_code(&mut app, KeyCode::Enter);
    let top = text(&render(&mut app, 80, 24));
    press(&mut app, "G");
    let end = text(&render(&mut app, 80, 24));
    assert_snapshot!(format!("{top}\n--- after G ---\n\n{end}"));
}

#[test]
fn details_of_a_failing_cluster_with_a_followed_job_120x40() {
    let mut app = app(true, false);
    press(&mut app, "jjjj");
    press_code(&mut app, KeyCode::Enter);
    let failing = text(&render(&mut app, 120, 40));
    press_code(&mut app, KeyCode::Esc);
    press(&mut app, "g");
    press_code(&mut app, KeyCode::Enter);
    let with_job = text(&render(&mut app, 120, 40));
    press_code(&mut app, KeyCode::Esc);
    press(&mut app, "G");
    press_code(&mut app, KeyCode::Enter);
    let refused = text(&render(&mut app, 120, 40));
    assert_snapshot!(format!(
        "{failing}\n--- prod-ams-1 ---\n\n{with_job}\n--- edge-sin-1 ---\n\n{refused}"
    ));
}

#[test]
fn help_overlay_120x40() {
    let mut app = app(true, false);
    press(&mut app, "?");
    assert_snapshot!(text(&render(&mut app, 120, 40)));
}

#[test]
fn help_overlay_80x24() {
    let mut app = app(true, false);
    press(&mut app, "?");
    assert_snapshot!(text(&render(&mut app, 80, 24)));
}

#[test]
fn filter_being_typed_120x40() {
    let mut app = app(true, false);
    press(&mut app, "/lab");
    assert_snapshot!(text(&render(&mut app, 120, 40)));
}

#[test]
fn filter_kept_by_label_80x24() {
    let mut app = app(true, false);
    press(&mut app, "/site=ams");
    press_code(&mut app, KeyCode::Enter);
    assert_snapshot!(text(&render(&mut app, 80, 24)));
}

#[test]
fn filter_matching_nothing_80x24() {
    let mut app = app(true, false);
    press(&mut app, "/nosuchcluster");
    assert_snapshot!(text(&render(&mut app, 80, 24)));
}

#[test]
fn the_table_at_the_sizes_of_real_panes() {
    // A tmux pane with the status bar on (80x23), a split one column short (79x24), and
    // a small one (60x16): each draws the table, dropping columns by priority.
    let mut app = app(true, false);
    let screens: Vec<String> = [(80, 23), (79, 24), (60, 16)]
        .iter()
        .map(|&(w, h)| format!("--- {w}x{h} ---\n{}", text(&render(&mut app, w, h))))
        .collect();
    for screen in &screens {
        assert!(!screen.contains("too small"), "{screen}");
        assert!(
            screen.contains("prod-ams-1") && screen.contains("running"),
            "{screen}"
        );
    }
    assert_snapshot!(screens.join("\n"));
}

#[test]
fn too_small_below_60x16_says_the_size_needed() {
    let mut app = app(true, false);
    let screen = text(&render(&mut app, 59, 16));
    assert!(
        screen.contains("need 60x16") && screen.contains("now 59x16"),
        "{screen}"
    );
    assert_snapshot!(text(&render(&mut app, 50, 12)));
}

#[test]
fn no_color_80x24_reads_from_words_and_symbols() {
    let mut app = app(false, false);
    let buffer = render(&mut app, 80, 24);
    let mut styles: Vec<String> = buffer
        .content
        .iter()
        .map(|c| format!("fg {:?}, bg {:?}, {:?}", c.fg, c.bg, c.modifier))
        .collect();
    styles.sort();
    styles.dedup();
    assert_snapshot!(format!(
        "{}\nstyles used:\n{}\n",
        text(&buffer),
        styles.join("\n")
    ));
}

fn fg_at(buffer: &ratatui::buffer::Buffer, needle: &str) -> Color {
    let (x, y) = find(buffer, needle).unwrap_or_else(|| panic!("{needle:?} is not on screen"));
    buffer[(x, y)].fg
}

#[test]
fn state_colours_in_the_table() {
    let mut app = app(true, false);
    let buffer = render(&mut app, 120, 40);
    assert_eq!(fg_at(&buffer, "✗ failure"), Color::Red);
    assert_eq!(fg_at(&buffer, "↓ running"), Color::Cyan);
    assert_eq!(fg_at(&buffer, "✓ success"), Color::Green);
    assert_eq!(fg_at(&buffer, "FAILING"), Color::Red);
    assert_eq!(fg_at(&buffer, "STALE"), Color::Yellow);
    assert_eq!(fg_at(&buffer, "!tls"), Color::Yellow);
    assert_eq!(fg_at(&buffer, "http "), Color::Yellow);
    let (x, y) = find(&buffer, "· not_started").unwrap();
    assert_eq!(buffer[(x, y)].fg, Color::Reset);
}

#[test]
fn the_selected_row_is_reversed_with_or_without_colour() {
    for color in [true, false] {
        let mut app = app(color, false);
        press(&mut app, "j");
        let buffer = render(&mut app, 120, 40);
        let (_, y) = find(&buffer, "prod-nyc-1").unwrap();
        assert!(buffer[(0, y)].modifier.contains(Modifier::REVERSED));
        let (_, other) = find(&buffer, "dr-fra-1").unwrap();
        assert!(!buffer[(0, other)].modifier.contains(Modifier::REVERSED));
    }
}

#[test]
fn without_colour_no_cell_has_a_colour() {
    let mut screens = Vec::new();
    let mut app = app(false, true);
    screens.push(render(&mut app, 120, 40));
    press(&mut app, "jj");
    press_code(&mut app, KeyCode::Enter);
    screens.push(render(&mut app, 120, 40));
    press(&mut app, "?");
    screens.push(render(&mut app, 120, 40));
    for buffer in screens {
        for cell in &buffer.content {
            assert_eq!(cell.fg, Color::Reset, "{:?} has a colour", cell.symbol());
            assert_eq!(
                cell.bg,
                Color::Reset,
                "{:?} has a background",
                cell.symbol()
            );
        }
    }
}

#[test]
fn five_hundred_clusters_scroll_and_only_fit_rows_are_drawn() {
    use ontop::testing::state::{ClusterIdentity, Model};
    let model = Model::new((0..500).map(|i| ClusterIdentity {
        name: format!("sim-{i}"),
        url: format!("https://10.0.{}.{}", i / 250, i % 250),
        poll_interval: std::time::Duration::from_secs(5),
        username: "admin".into(),
        ..ClusterIdentity::default()
    }));
    let mut app = ontop::testing::tui::App::new(
        model,
        "big.toml",
        ontop::testing::fleet::Session::AsConfigured,
        ontop::testing::tui::Palette::Colors,
    );
    press(&mut app, "G");
    let screen = text(&render(&mut app, 80, 24));
    assert!(screen.contains("sim-499"));
    assert!(!screen.contains("sim-0 "));
    press(&mut app, "g");
    let screen = text(&render(&mut app, 80, 24));
    assert!(screen.contains("sim-0 "));
    assert!(!screen.contains("sim-499"));
}
