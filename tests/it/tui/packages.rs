//! The packages view (`P`): the fleet's releases from what the pollers read, the
//! clusters of one release on `Enter`, and `m` marking those that lack it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use ontop::testing::engine::Update as Event;
use ontop::testing::ontap::Package;
use ontop::testing::tui::{App, FormDefaults, Mode};

use crate::support::tui::{app, now, press_code, render, text};

fn package(version: &str) -> Package {
    Package {
        version: Some(version.into()),
        create_time: Some("2026-02-01T10:00:00+00:00".into()),
    }
}

/// The fixture fleet, with the repositories of its first clusters read.
fn fleet() -> App {
    let mut app = app(false, false);
    let repositories = [
        (0, vec!["9.16.1P3"]),
        (1, vec!["9.16.1P3", "9.15.1P7"]),
        (3, vec![]),
        (4, vec![]),
        (5, vec!["9.14.1P9"]),
    ];
    for (cluster, versions) in repositories {
        app.apply(
            Event::Packages {
                cluster,
                at: now(),
                packages: Ok(versions.into_iter().map(package).collect()),
            },
            now(),
        );
    }
    app
}

#[test]
fn the_packages_view_counts_each_release_across_the_fleet_120x40() {
    let mut app = fleet();
    press_code(&mut app, KeyCode::Char('P'));
    assert_eq!(app.mode(), Mode::packages());
    assert_snapshot!(text(&render(&mut app, 120, 40)));
}

#[test]
fn enter_lists_the_clusters_of_the_selected_release_80x24() {
    let mut app = fleet();
    press_code(&mut app, KeyCode::Char('P'));
    press_code(&mut app, KeyCode::Enter);
    let screen = text(&render(&mut app, 80, 24));
    assert!(screen.contains("holds it"), "{screen}");
    assert!(screen.contains("lacks it"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn m_marks_the_clusters_that_lack_the_release_and_d_offers_them() {
    let mut app = fleet();
    press_code(&mut app, KeyCode::Char('P'));
    let rows = app.package_rows();
    assert_eq!(rows[0].version, "9.16.1P3", "newest first");
    let holders = app.holders(&rows[0]);
    press_code(&mut app, KeyCode::Char('m'));
    assert_eq!(
        app.mode(),
        Mode::Table,
        "back to the table, where d downloads"
    );
    for cluster in 0..app.model().clusters.len() {
        assert_eq!(
            app.is_marked(cluster),
            holders.lack.contains(&cluster),
            "cluster {cluster}: {holders:?}"
        );
    }
    assert!(!holders.lack.is_empty());
    assert!(
        !app.is_marked(0) && !app.is_marked(1),
        "holders are not marked"
    );
    let status = app.status(now()).unwrap_or_default().to_owned();
    let marked = format!("marked {} that lack 9.16.1P3", holders.lack.len());
    assert!(status.starts_with(&marked), "{status}");
    assert!(
        status.contains("not known yet: not marked): d then its image's URL downloads there"),
        "{status}"
    );
    // The oldest release: a cluster that runs a newer one would only take it for a
    // downgrade, and is not marked.
    press_code(&mut app, KeyCode::Char('P'));
    press_code(&mut app, KeyCode::Char('G'));
    press_code(&mut app, KeyCode::Char('m'));
    let status = app.status(now()).unwrap_or_default().to_owned();
    assert!(status.contains("run a newer release"), "{status}");
    for (i, c) in app.model().clusters.iter().enumerate() {
        if c.version.as_deref() == Some("9.16.1P3") {
            assert!(
                !app.is_marked(i),
                "{} runs newer: {status}",
                c.identity.name
            );
        }
    }
    // Esc in the view goes back too, marking nothing.
    press_code(&mut app, KeyCode::Char('P'));
    press_code(&mut app, KeyCode::Esc);
    assert_eq!(app.mode(), Mode::Table);
}

#[test]
fn the_pkg_column_says_who_has_the_release_the_form_would_download() {
    let url = "https://repo.example.com/ontap/ontap-9.16.1P3-image.tgz";
    let mut app = fleet().with_form_defaults(FormDefaults {
        url: Some(url.into()),
        username: None,
    });
    let screen = text(&render(&mut app, 120, 40));
    let header = screen.lines().nth(2).unwrap_or_default();
    assert!(header.contains(" PKG "), "{screen}");
    let cell = |name: &str| {
        let row = crate::support::pty::row(&screen, name);
        row.split_whitespace().nth(2).unwrap_or_default().to_owned()
    };
    // prod-nyc-1 holds it, dr-fra-1's list is read and lacks it, edge-syd-1's list is
    // not known yet, and dev-tok-1 runs it.
    assert_eq!(cell("prod-nyc-1"), "has", "{screen}");
    assert_eq!(cell("dr-fra-1"), "no", "{screen}");
    assert_eq!(cell("edge-syd-1"), "?", "{screen}");
    assert_eq!(cell("dev-tok-1"), "runs", "{screen}");
    let without = app.with_form_defaults(FormDefaults::default());
    let mut without = without;
    let screen = text(&render(&mut without, 120, 40));
    assert!(
        !screen.lines().nth(2).unwrap_or_default().contains(" PKG "),
        "no release, no column"
    );
}

#[test]
fn x_asks_before_removing_a_release_from_its_holders_and_y_sends_the_command() {
    let mut app = fleet();
    press_code(&mut app, KeyCode::Char('P'));
    press_code(&mut app, KeyCode::Char('x'));
    let Some(ontop::testing::tui::app::Dialog::Remove(removal)) = app.dialog() else {
        panic!("no removal question: {:?}", app.dialog());
    };
    // prod-ams-1 holds it but is read-only: left out, named.
    assert_eq!(removal.version, "9.16.1P3");
    assert_eq!(removal.clusters, [1]);
    assert_eq!(removal.skipped, [("prod-ams-1".to_string(), "read-only")]);
    let screen = text(&render(&mut app, 80, 24));
    assert!(
        screen.contains("Remove package 9.16.1P3 from 1 cluster: prod-nyc-1?"),
        "{screen}"
    );
    assert!(
        screen.contains("Left out: prod-ams-1 (read-only)."),
        "{screen}"
    );
    assert_snapshot!(screen);
    let commands = app.handle_key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE), now());
    let [ontop::testing::tui::AppCommand::RemovePackages(sent)] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(sent, &[(1, "9.16.1P3".to_string())]);
    assert!(app.dialog().is_none());
    // The engine follows the removal from the moment it is asked for, and says so.
    let operation = ontop::testing::download::Operation::Removal {
        version: "9.16.1P3".into(),
    };
    let mut tracker = ontop::testing::download::Tracker::requested(operation, now());
    let removal_update = |tracker: &ontop::testing::download::Tracker| Event::Operation {
        cluster: 1,
        at: now(),
        followed: Box::new(tracker.followed().clone()),
    };
    app.apply(removal_update(&tracker), now());
    // Quitting while the removal runs asks first, and says what quitting does to it.
    press_code(&mut app, KeyCode::Esc);
    press_code(&mut app, KeyCode::Char('q'));
    let screen = text(&render(&mut app, 80, 24));
    assert!(
        screen.contains("1 package removal is still running"),
        "{screen}"
    );
    // Its end arrives: the question no longer speaks of it (the fixture's followed
    // download still makes it ask).
    tracker.answered(
        &ontop::testing::download::StartOutcome::Finished { job: None },
        now(),
    );
    app.apply(removal_update(&tracker), now());
    assert_eq!(
        app.status(now()),
        Some("prod-nyc-1: package 9.16.1P3 removed")
    );
    press_code(&mut app, KeyCode::Esc);
    press_code(&mut app, KeyCode::Char('q'));
    let screen = text(&render(&mut app, 80, 24));
    assert!(screen.contains("still followed"), "{screen}");
    assert!(!screen.contains("package removal"), "{screen}");
}
