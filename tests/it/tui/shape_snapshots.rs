//! The screen keeps its shape (issue 20): which columns show depends on the width, not on
//! what JOB shows or on the sort; PKG stays while the form has a package; a hint says how
//! many rows are off screen; the sort menu; the filter's "did you mean"; help from the
//! details pane. At 120x40, 80x24, 80x23 and 60x16.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use ontop::testing::state::{ClusterIdentity, Model};
use ontop::testing::tui::{App, FormDefaults};

use crate::support::tui::{model, now, press, render, text};

const SIZES: [(u16, u16); 4] = [(120, 40), (80, 24), (80, 23), (60, 16)];
const URL: &str = "https://repo.example.com/ontap/ontap-9.16.1P3-image.tgz";

fn with(model: Model) -> App {
    let mut app = App::new(
        model,
        "/home/ops/.config/ontop/config.toml",
        ontop::testing::fleet::Session::AsConfigured,
        ontop::testing::tui::Palette::Colors,
    );
    app.sync(now());
    app
}

/// The titles of the table's columns (the sort arrow aside).
fn titles(app: &mut App, width: u16, height: u16) -> String {
    let screen = text(&render(app, width, height));
    let line = screen
        .lines()
        .nth(2)
        .unwrap_or_default()
        .replace(['▲', '▼'], " ");
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_columns_do_not_change_when_a_download_starts_or_the_sort_changes() {
    // The fixture follows a download on prod-ams-1; the same fleet before it started.
    let mut idle_model = model();
    idle_model.clusters[0].followed = None;
    for release in [None, Some(URL)] {
        let mut idle = with(idle_model.clone()).with_form_defaults(FormDefaults {
            url: release.map(Into::into),
            username: None,
        });
        let mut busy = with(model()).with_form_defaults(FormDefaults {
            url: release.map(Into::into),
            username: None,
        });
        for (w, h) in SIZES {
            let shape = titles(&mut idle, w, h);
            assert_eq!(shape, titles(&mut busy, w, h), "at {w}x{h}: JOB has news");
            for key in ["c", "v", "l", "d", "m", "#", "j", "i", "p", "h", "r", "u"] {
                press(&mut busy, &format!("s{key}"));
                assert_eq!(shape, titles(&mut busy, w, h), "at {w}x{h}, s{key}");
            }
            press(&mut busy, "so");
            if release.is_some() {
                assert!(shape.contains("PKG"), "at {w}x{h}: {shape}");
            }
        }
    }
}

#[test]
fn pkg_and_job_at_every_size_with_a_package_in_the_form() {
    let mut app = with(model()).with_form_defaults(FormDefaults {
        url: Some(URL.into()),
        username: None,
    });
    press(&mut app, "si");
    let screens: Vec<String> = SIZES
        .iter()
        .map(|&(w, h)| format!("--- {w}x{h} ---\n{}", text(&render(&mut app, w, h))))
        .collect();
    assert_snapshot!(screens.join("\n"));
}

/// Thirty clusters: more than any of the sizes shows.
fn thirty() -> App {
    with(Model::new((1..=30).map(|i| ClusterIdentity {
        name: format!("sim-{i}"),
        url: format!("https://10.0.0.{i}"),
        poll_interval: std::time::Duration::from_secs(5),
        username: "admin".into(),
        ..ClusterIdentity::default()
    })))
}

#[test]
fn a_hint_says_how_many_rows_are_off_screen() {
    let mut app = thirty();
    let top = text(&render(&mut app, 80, 23));
    assert!(top.contains("▼ 12 more"), "{top}");
    for _ in 0..20 {
        press(&mut app, "j");
    }
    let middle = text(&render(&mut app, 60, 16));
    assert!(middle.contains("▲ 10 more ▼ 9 more"), "{middle}");
    press(&mut app, "G");
    let bottom = text(&render(&mut app, 80, 24));
    assert!(
        bottom.contains("▲ 11 more") && !bottom.contains('▼'),
        "{bottom}"
    );
    assert_snapshot!(format!(
        "--- 80x23, top ---\n{top}\n--- 60x16, row 21 ---\n{middle}\n--- 80x24, bottom ---\n{bottom}"
    ));
}

#[test]
fn the_sort_menu_80x24() {
    let mut app = with(model());
    press(&mut app, "sh");
    press(&mut app, "s");
    assert_snapshot!(text(&render(&mut app, 80, 24)));
}

#[test]
fn a_label_typo_gets_a_did_you_mean_80x24() {
    let mut app = with(model());
    press(&mut app, "/sit=ams");
    let screen = text(&render(&mut app, 80, 24));
    assert!(
        screen.contains("no cluster matches: sit=ams: no cluster has a label sit;"),
        "{screen}"
    );
    app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE), now());
    assert_eq!(
        app.status(now()),
        Some("sit=ams: no cluster has a label sit; did you mean site?")
    );
    assert_snapshot!(screen);
}

#[test]
fn help_from_the_details_lists_the_details_keys_120x40() {
    let mut app = with(model());
    app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE), now());
    press(&mut app, "?");
    let screen = text(&render(&mut app, 120, 40));
    assert!(screen.contains("the next cluster's details"), "{screen}");
    assert!(!screen.contains("Cluster table"), "{screen}");
    assert_snapshot!(screen);
}
