//! The maintenance window on the screen (issue 22): READY per row, UPDATE while updates
//! run (a paused one standing out), the validation view (`V`) and its text on `Enter`,
//! the details of a paused update, and the release form of `v`. At 120x40, 80x24, 80x23
//! and 60x16, without colour (the words and symbols must read); colours apart.

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use ontop::testing::engine::Update as Event;
use ontop::testing::ontap::software::Software;
use ontop::testing::state::Model;
use ontop::testing::tui::App;
use ratatui::style::{Color, Modifier};
use serde_json::{Value, json};

use crate::support::tui::{ago, model, now, press, press_code, render, text};

const SIZES: [(u16, u16); 4] = [(120, 40), (80, 24), (80, 23), (60, 16)];

fn finding(check: &str, status: &str, issue: &str, action: &str) -> Value {
    json!({"update_check": check, "status": status,
           "issue": {"message": issue}, "action": {"message": action}})
}

fn manual() -> Value {
    finding(
        "Manual checks",
        "warning",
        "Manual validation checks need to be performed.",
        "Refer to the Upgrade Advisor Plan or the upgrade documentation.",
    )
}

fn nfs() -> Value {
    finding(
        "NFS mounts",
        "warning",
        "NFS clients are mounted over UDP.",
        "Remount the clients over TCP before the update.",
    )
}

fn software(cluster: usize, at_secs: i64, value: Value) -> [Event; 2] {
    [
        Event::Software {
            cluster,
            at: ago(at_secs),
            software: Box::new(Software::from_value(&value)),
        },
        Event::Validated {
            cluster,
            version: "9.16.1P3".into(),
            at: ago(at_secs),
        },
    ]
}

fn update(state: &str, node: &str, elapsed: i64, results: Vec<Value>) -> Value {
    json!({
        "state": state, "pending_version": "9.16.1P3",
        "nodes": [{"name": format!("{node}-01"), "version": "9.16.1P3"},
                  {"name": format!("{node}-02"), "version": "9.15.1P7"}],
        "update_details": [
            {"phase": "Pre-update checks", "state": "completed", "elapsed_duration": 540,
             "estimated_duration": 600},
            {"phase": "ONTAP updates", "state": "completed", "node": {"name": format!("{node}-01")},
             "elapsed_duration": 2280, "estimated_duration": 2400},
            {"phase": "ONTAP updates", "state": state, "node": {"name": format!("{node}-02")},
             "elapsed_duration": elapsed, "estimated_duration": 2400},
        ],
        "status_details": if state == "paused_on_error" { json!([{
            "name": "do-takeover", "state": "failed", "node": {"name": format!("{node}-02")},
            "issue": {"message": "Takeover of node lab-ams-2-02 was vetoed by the partner.",
                      "code": 10551832},
            "action": {"message": "Check the HA status (storage failover show), fix the veto, then resume the update."},
        }]) } else { json!([]) },
        "validation_results": results,
    })
}

/// The snapshot fleet with readiness: prod-nyc-1 ready, dr-fra-1 an error, dev-tok-1
/// updating (2 warnings), lab-ams-2 paused on an error, lab-nyc-2 validated 3 days ago.
fn window() -> Model {
    let mut model = model();
    let ha = finding(
        "High Availability status",
        "error",
        "Storage failover is disabled on the HA pair.",
        "Enable storage failover (storage failover modify -enabled true).",
    );
    let events = [
        software(1, 600, json!({"validation_results": [manual()]})),
        software(2, 900, json!({"validation_results": [manual(), ha]})),
        software(
            3,
            1200,
            update(
                "in_progress",
                "dev-tok-1",
                720,
                vec![
                    manual(),
                    nfs(),
                    finding(
                        "Cluster/management switch support",
                        "warning",
                        "The switch firmware is not on the supported list.",
                        "Update the cluster switch firmware.",
                    ),
                ],
            ),
        ),
        software(
            7,
            1500,
            update("paused_on_error", "lab-ams-2", 300, vec![manual()]),
        ),
        software(
            8,
            3 * 86400,
            json!({"validation_results": [manual(), nfs()]}),
        ),
    ];
    for event in events.into_iter().flatten() {
        model.apply(event);
    }
    model
}

fn app(color: bool) -> App {
    let mut app = App::new(
        window(),
        "/home/ops/.config/ontop/config.toml",
        ontop::testing::fleet::Session::AsConfigured,
        ontop::testing::tui::Palette::colors_if(color),
    );
    app.sync(now());
    app
}

#[test]
fn ready_and_update_at_every_size_without_colour() {
    let mut app = app(false);
    for (w, h) in SIZES {
        assert_snapshot!(format!("table_{w}x{h}"), text(&render(&mut app, w, h)));
    }
}

#[test]
fn the_validation_view_at_every_size_and_its_text_on_enter() {
    let mut app = app(false);
    press(&mut app, "V");
    for (w, h) in SIZES {
        assert_snapshot!(format!("view_{w}x{h}"), text(&render(&mut app, w, h)));
    }
    // The second check (NFS mounts, on two clusters): its text, once, with both names.
    press(&mut app, "j");
    press_code(&mut app, KeyCode::Enter);
    for (w, h) in [(80, 24), (60, 16)] {
        assert_snapshot!(format!("view_text_{w}x{h}"), text(&render(&mut app, w, h)));
    }
    press_code(&mut app, KeyCode::Esc);
    assert!(
        matches!(app.mode(), ontop::testing::tui::Mode::Validation(view) if !view.open),
        "Esc closes the text"
    );
    press_code(&mut app, KeyCode::Esc);
    assert_eq!(
        app.mode(),
        ontop::testing::tui::Mode::Table,
        "then the view"
    );
}

#[test]
fn the_details_of_a_paused_update_say_the_issue_and_the_action() {
    let mut app = app(false);
    press(&mut app, "jjjjjjj");
    press_code(&mut app, KeyCode::Enter);
    assert_snapshot!("details_paused_120x40", text(&render(&mut app, 120, 40)));
}

#[test]
fn the_release_form_of_v() {
    let mut app = app(false);
    press(&mut app, "j v");
    for (w, h) in [(80, 24), (60, 16)] {
        assert_snapshot!(
            format!("release_form_{w}x{h}"),
            text(&render(&mut app, w, h))
        );
    }
}

#[test]
fn colours_say_the_same_as_the_words() {
    let mut coloured = app(true);
    let buffer = render(&mut coloured, 120, 40);
    let screen = text(&buffer);
    let cell_of = |needle: &str| {
        let (y, line) = screen
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} on screen:\n{screen}"));
        let x = line[..line.find(needle).unwrap()].chars().count();
        buffer[(x as u16, y as u16)].clone()
    };
    let paused = cell_of("✗ 02 paused_on_error");
    assert_eq!(paused.fg, Color::Red);
    assert!(paused.modifier.contains(Modifier::BOLD));
    assert_eq!(cell_of("✗ 1 err").fg, Color::Red);
    assert_eq!(cell_of("! 2 warn").fg, Color::Yellow);
    assert_eq!(cell_of("✓ ready").fg, Color::Green);
    assert_eq!(cell_of("02 running").fg, Color::Cyan);
    let mut plain = app(false);
    let buffer = render(&mut plain, 120, 40);
    assert!(
        buffer.content.iter().all(|c| c.fg == Color::Reset),
        "NO_COLOR: no colour anywhere"
    );
}
