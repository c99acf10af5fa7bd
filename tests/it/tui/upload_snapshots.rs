//! Uploads from this host on the screen (issue 21): the JOB column counting `up N%`,
//! details of an upload on its way (bytes, rate, time left, SHA-256) and after it (the
//! job that files it), the form naming a local file and reading it, the confirmation
//! of an upload, the confirmation grouping targets by their site's mirror, and the
//! questions before stopping one. At 120x40, 80x24, 80x23 and 60x16; colours apart.

use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use ontop::testing::download::sources::MirrorSource;
use ontop::testing::download::tracker::UploadFile;
use ontop::testing::download::{Operation, StartOutcome, Tracker};
use ontop::testing::engine::Update as Event;
use ontop::testing::engine::local_file::{FileNews, FoundFile};
use ontop::testing::engine::upload::UploadSource;
use ontop::testing::ontap::model::ClusterVersion;
use ontop::testing::ontap::{ClusterInfo, DownloadState, DownloadStatus};
use ontop::testing::state::{ClusterIdentity, Model};
use ontop::testing::tui::{App, AppCommand, FormDefaults};
use ratatui::style::Color;

use crate::support::tui::{ago, find, now, press, press_code, render, text};

const SIZES: [(u16, u16); 4] = [(120, 40), (80, 24), (80, 23), (60, 16)];
const URL: &str = "https://pkgs.example.com/ontap/9161P3_q_image.tgz";
const SHA256: &str = "3a9f0c5e1b7d2a4f6e8c0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a";
const SIZE: u64 = 2_254_857_830;

/// Four clusters: prod-ams-1 and lab-ams-2 in site ams (9.15.1P7), prod-nyc-1
/// (9.15.1P7), old-par-1 on 9.7.0 (no upload endpoint); all idle.
fn app(color: bool) -> App {
    let identity = |name: &str, site: &str| ClusterIdentity {
        name: name.into(),
        url: format!("https://{name}.example.com"),
        labels: [("site".to_string(), site.to_string())].into(),
        poll_interval: std::time::Duration::from_secs(5),
        username: "admin".into(),
        ..ClusterIdentity::default()
    };
    let model = Model::new([
        identity("prod-ams-1", "ams"),
        identity("lab-ams-2", "ams"),
        identity("prod-nyc-1", "nyc"),
        identity("old-par-1", "par"),
    ]);
    let mut app = App::new(
        model,
        "/home/ops/.config/ontop/config.toml",
        ontop::testing::fleet::Session::AsConfigured,
        ontop::testing::tui::Palette::colors_if(color),
    )
    .with_form_defaults(FormDefaults {
        url: Some(URL.into()),
        username: Some("fetch".into()),
    });
    for (cluster, version) in ["9.15.1P7", "9.15.1P7", "9.15.1P7", "9.7.0"]
        .into_iter()
        .enumerate()
    {
        app.apply(
            Event::Polled {
                cluster,
                at: ago(2),
                info: Some(Box::new(ClusterInfo {
                    name: None,
                    uuid: None,
                    version: Some(ClusterVersion {
                        full: Some(format!("NetApp Release {version}: Mon Jan 05 2026")),
                        generation: None,
                        major: None,
                        minor: None,
                    }),
                })),
                download: DownloadStatus {
                    state: Some(DownloadState::NotStarted),
                    message: Some("Package download has not started.".into()),
                    code: Some(10551384),
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

/// `percent` of the image, rounded up (the JOB column rounds down).
fn part(percent: u64) -> u64 {
    (SIZE * percent).div_ceil(100)
}

fn file() -> UploadFile {
    UploadFile {
        name: "9161P3_q_image.tgz".into(),
        size: SIZE,
        sha256: SHA256.into(),
    }
}

/// An upload to `cluster` asked for 90 s ago, its bytes going since 88 s ago, `sent`
/// of them gone now.
fn uploading(app: &mut App, cluster: usize, sent: u64) -> Tracker {
    let mut tracker = Tracker::requested(Operation::Upload(file()), ago(90));
    tracker.sending(0, ago(88));
    tracker.sending(sent, ago(1));
    apply(app, cluster, &tracker);
    tracker
}

fn apply(app: &mut App, cluster: usize, tracker: &Tracker) {
    app.apply(
        Event::Operation {
            cluster,
            at: ago(1),
            followed: Box::new(tracker.followed().clone()),
        },
        now(),
    );
}

/// Every size, one after the other.
fn every_size(app: &mut App) -> String {
    SIZES
        .iter()
        .map(|&(w, h)| format!("--- {w}x{h} ---\n{}", text(&render(app, w, h))))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The form for every cluster, the package field holding a path to a file that a task
/// found (as the event loop hands its news to the app).
fn form_with_a_file(app: &mut App) {
    press(app, "ad");
    app.handle_key(
        KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
        now(),
    );
    let commands = press(app, "./9161P3_q_image.tgz");
    assert_eq!(
        commands.last(),
        Some(&AppCommand::LookAtFile("./9161P3_q_image.tgz".into())),
        "the screen asks for a look, it opens nothing itself"
    );
    app.file_news(
        FileNews::Looked {
            typed: "./9161P3_q_image.tgz".into(),
            found: Ok(FoundFile {
                path: PathBuf::from("./9161P3_q_image.tgz"),
                name: "9161P3_q_image.tgz".into(),
                size: SIZE,
            }),
        },
        now(),
    );
}

/// The form submitted and the image read: the upload's confirmation.
fn confirmation_of_an_upload(app: &mut App) {
    form_with_a_file(app);
    let commands = press_code(app, KeyCode::Enter);
    assert_eq!(
        commands,
        [AppCommand::ReadImage {
            path: PathBuf::from("./9161P3_q_image.tgz"),
            sha256: None
        }]
    );
    let source = UploadSource {
        path: PathBuf::from("/srv/images/9161P3_q_image.tgz"),
        file: file(),
    };
    app.file_news(
        FileNews::Read {
            path: PathBuf::from("./9161P3_q_image.tgz"),
            source: Ok(Arc::new(source)),
        },
        now(),
    );
}

#[test]
fn the_job_column_counts_an_upload_at_every_size() {
    let mut app = app(true);
    uploading(&mut app, 0, part(42));
    uploading(&mut app, 2, part(7));
    for (w, h) in SIZES {
        let screen = text(&render(&mut app, w, h));
        let row = |name: &str| {
            screen
                .lines()
                .find(|l| l.contains(name))
                .unwrap_or_default()
                .to_string()
        };
        assert!(row("prod-ams-1").contains("up 42%"), "{w}x{h}\n{screen}");
        assert!(row("prod-nyc-1").contains("up 7%"), "{w}x{h}\n{screen}");
    }
    assert_snapshot!(every_size(&mut app));
}

#[test]
fn details_of_an_upload_on_its_way_then_of_the_job_that_files_it() {
    let mut app = app(true);
    let mut tracker = uploading(&mut app, 0, part(42));
    press_code(&mut app, KeyCode::Enter);
    let on_its_way = every_size(&mut app);
    assert!(
        on_its_way.contains("903.2 MiB of 2.10 GiB (42%)"),
        "{on_its_way}"
    );
    assert!(on_its_way.contains("time left"), "{on_its_way}");
    assert_snapshot!("details_on_its_way", on_its_way);
    // The last byte went: the cluster answers with the job that files the image.
    tracker.sending(SIZE, now());
    tracker.answered(
        &StartOutcome::Started {
            job: "b0a4d9e2-86d1-11e0-ae1c-123478563412".into(),
        },
        now(),
    );
    apply(&mut app, 0, &tracker);
    let filing = text(&render(&mut app, 80, 24));
    assert!(
        filing.contains("all 2.10 GiB: the cluster files it now"),
        "{filing}"
    );
    assert!(filing.contains("job"), "{filing}");
    assert_snapshot!("details_filing_80x24", filing);
}

#[test]
fn the_form_with_a_local_path_names_the_file_and_reads_it() {
    let mut app = app(true);
    form_with_a_file(&mut app);
    let found = every_size(&mut app);
    assert!(found.contains("package file"), "{found}");
    assert!(
        found.contains("9161P3_q_image.tgz, 2.10 GiB, from this host"),
        "{found}"
    );
    assert_snapshot!("form_found", found);
    // Enter: a task reads it; the form says how far.
    press_code(&mut app, KeyCode::Enter);
    app.file_news(
        FileNews::Reading {
            path: PathBuf::from("./9161P3_q_image.tgz"),
            read: part(30),
            total: SIZE,
        },
        now(),
    );
    let reading = text(&render(&mut app, 80, 24));
    assert!(reading.contains("for its SHA-256: 30%"), "{reading}");
    assert_snapshot!("form_reading_80x24", reading);
    // A path to nothing says so; a checksum that is none is refused before reading.
    press_code(&mut app, KeyCode::Esc);
    press(&mut app, "d");
    app.handle_key(
        KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
        now(),
    );
    press(&mut app, "~/nothing.tgz");
    app.file_news(
        FileNews::Looked {
            typed: "~/nothing.tgz".into(),
            found: Err("no such file on this host".into()),
        },
        now(),
    );
    let missing = text(&render(&mut app, 80, 23));
    assert!(
        missing.contains("~/nothing.tgz: no such file on this host"),
        "{missing}"
    );
    assert_snapshot!("form_missing_80x23", missing);
    // Enter on it: the form says what to do, and the reason stays said once.
    app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE), now());
    let refused = text(&render(&mut app, 80, 23));
    assert_eq!(
        refused.matches("no such file on this host").count(),
        1,
        "{refused}"
    );
    assert!(refused.contains("nothing to upload there"), "{refused}");
}

#[test]
fn the_upload_confirmation_names_the_file_its_size_and_hash_and_skips_9_7() {
    let mut app = app(true);
    confirmation_of_an_upload(&mut app);
    let screens = every_size(&mut app);
    assert!(screens.contains("Upload this image?"), "{screens}");
    assert!(screens.contains("old-par-1"), "{screens}");
    assert_snapshot!(screens);
    let commands = press(&mut app, "y");
    let [AppCommand::StartUploads(request)] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    let targets: Vec<usize> = request.plan.targets.iter().map(|t| t.cluster).collect();
    assert_eq!(targets, [0, 1, 2], "9.7.0 is skipped");
    assert_eq!(request.source.file.sha256, SHA256);
}

#[test]
fn the_confirmation_groups_targets_by_the_url_each_fetches() {
    let mirror = MirrorSource {
        labels: [("site".to_string(), "ams".to_string())].into(),
        base: "https://pkgs-ams.example.com/ontap/".parse().unwrap(),
        username: None,
        password: None,
    };
    let mut app = app(true).with_mirrors(vec![mirror]);
    press(&mut app, "a");
    press(&mut app, "d");
    press_code(&mut app, KeyCode::Enter);
    let screens = every_size(&mut app);
    assert!(
        screens.contains(
            "from https://pkgs-ams.example.com/ontap/9161P3_q_image.tgz (2, site mirror):"
        ),
        "{screens}"
    );
    assert!(screens.contains(&format!("from {URL} (2):")), "{screens}");
    assert_snapshot!(screens);
}

#[test]
fn esc_in_details_and_quitting_ask_before_stopping_an_upload() {
    let mut app = app(true);
    uploading(&mut app, 0, part(42));
    press_code(&mut app, KeyCode::Enter);
    press_code(&mut app, KeyCode::Esc);
    let stop = text(&render(&mut app, 80, 24));
    assert!(stop.contains("Stop the upload?"), "{stop}");
    assert!(stop.contains("keeps none of"), "{stop}");
    assert_snapshot!("stop_question_80x24", stop);
    // n: the upload goes on, back in the table; y (asked again): the engine stops it.
    assert!(press(&mut app, "n").is_empty());
    assert_eq!(app.mode(), ontop::testing::tui::Mode::Table);
    press_code(&mut app, KeyCode::Enter);
    press_code(&mut app, KeyCode::Esc);
    assert_eq!(press(&mut app, "y"), [AppCommand::StopUpload(0)]);
    // Quitting while it goes asks too, and says what quitting does to it.
    assert!(press(&mut app, "q").is_empty());
    let quit = text(&render(&mut app, 80, 24));
    assert!(quit.contains("1 upload is on its way"), "{quit}");
    assert!(!quit.contains("still followed"), "{quit}");
    assert_snapshot!("quit_question_80x24", quit);
}

#[test]
fn upload_colours_and_none_without_colour() {
    let mut app = app(true);
    uploading(&mut app, 0, part(42));
    let table = render(&mut app, 120, 40);
    let (x, y) = find(&table, "up 42%").unwrap();
    assert_eq!(table[(x, y)].fg, Color::Cyan);
    press(&mut app, "j");
    press(&mut app, "d");
    app.handle_key(
        KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
        now(),
    );
    press(&mut app, "/none.tgz");
    app.file_news(
        FileNews::Looked {
            typed: "/none.tgz".into(),
            found: Err("no such file on this host".into()),
        },
        now(),
    );
    let form = render(&mut app, 80, 24);
    let (x, y) = find(&form, "/none.tgz: no such file").unwrap();
    assert_eq!(form[(x, y)].fg, Color::Red);

    let mut plain = app_without_colour();
    let mut screens = Vec::new();
    uploading(&mut plain, 0, part(42));
    screens.push(render(&mut plain, 80, 24));
    press_code(&mut plain, KeyCode::Enter);
    screens.push(render(&mut plain, 80, 24));
    press_code(&mut plain, KeyCode::Esc);
    screens.push(render(&mut plain, 80, 24));
    press(&mut plain, "n");
    press(&mut plain, "j");
    confirmation_of_an_upload(&mut plain);
    screens.push(render(&mut plain, 80, 24));
    for buffer in screens {
        for cell in &buffer.content {
            assert_eq!(cell.fg, Color::Reset, "{:?}", cell.symbol());
            assert_eq!(cell.bg, Color::Reset, "{:?}", cell.symbol());
        }
    }
}

fn app_without_colour() -> App {
    app(false)
}

#[test]
fn details_of_a_download_from_a_mirror_name_the_url_it_fetches() {
    let mut app = app(true);
    let url = "https://pkgs-ams.example.com/ontap/9161P3_q_image.tgz".to_string();
    let tracker = Tracker::requested(Operation::download(url.clone(), None), ago(30));
    apply(&mut app, 0, &tracker);
    press_code(&mut app, KeyCode::Enter);
    for (w, h) in SIZES {
        let screen = text(&render(&mut app, w, h)).replace(['│', '\n'], "");
        let squeezed: String = screen.split_whitespace().collect();
        assert!(squeezed.contains(&url), "{w}x{h}: {screen}");
    }
}
