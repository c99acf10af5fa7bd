//! The dashboard's upload against the simulator, as the event loop runs it: keys into
//! the [`App`], its commands carried out by the same [`Carrier`] (the engine, and the
//! tasks that look at and read the file), the engine's updates and the tasks' news fed
//! back. A file typed into the form is read, confirmed, counted up in the JOB column,
//! filed by its job (PKG turns `has`); another is stopped from details after asking,
//! and the cluster keeps none of it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use ontop::testing::download::{Ending, Phase};
use ontop::testing::engine::Update;
use ontop::testing::engine::local_file::FileNews;
use ontop::testing::fleet::Session;
use ontop::testing::tui::app::Dialog;
use ontop::testing::tui::app::upload::FileState;
use ontop::testing::tui::carry::Carrier;
use ontop::testing::tui::{App, AppCommand, FormDefaults, Palette};
use tokio::sync::mpsc::{Receiver, UnboundedReceiver};

use crate::support::engine::engine;
use crate::support::fleet::start_fleet;
use crate::support::tui::{render, text};

/// An image of `size` bytes named after release 9.18.1, and its SHA-256.
fn image(dir: &Path, size: usize) -> (PathBuf, String) {
    let path = dir.join("9181_q_image.tgz");
    let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &bytes).unwrap();
    let digest = ring::digest::digest(&ring::digest::SHA256, &bytes);
    (
        path,
        digest.as_ref().iter().map(|b| format!("{b:02x}")).collect(),
    )
}

/// The dashboard's loop, without a terminal: the app, the engine's updates and the
/// file tasks' news.
struct Loop<'a> {
    app: App,
    carrier: Carrier<'a>,
    updates: Receiver<Update>,
    files: UnboundedReceiver<FileNews>,
}

impl Loop<'_> {
    fn key(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        let commands = self
            .app
            .handle_key(KeyEvent::new(code, modifiers), Timestamp::now());
        assert!(!self.carrier.carry_out(commands), "no key here quits");
        self.carrier.follow(&self.app);
    }

    fn keys(&mut self, keys: &str) {
        keys.chars()
            .for_each(|c| self.key(KeyCode::Char(c), KeyModifiers::NONE));
    }

    fn commands_of(&mut self, code: KeyCode) -> Vec<AppCommand> {
        self.app
            .handle_key(KeyEvent::new(code, KeyModifiers::NONE), Timestamp::now())
    }

    /// Feeds updates and news to the app until `done` holds (bounded at 30 s: a bound,
    /// not a timing claim).
    async fn until(&mut self, what: &str, mut done: impl FnMut(&App) -> bool) {
        let feeding = async {
            while !done(&self.app) {
                tokio::select! {
                    Some(update) = self.updates.recv() => { self.app.apply(update, jiff::Timestamp::now()); }
                    Some(news) = self.files.recv() => {
                        self.app.file_news(news, Timestamp::now());
                        self.carrier.follow(&self.app);
                    }
                }
            }
        };
        if tokio::time::timeout(Duration::from_secs(30), feeding)
            .await
            .is_err()
        {
            let screen = text(&render(&mut self.app, 120, 40));
            panic!("not in time: {what}\n{screen}");
        }
    }

    /// Types `path` into the form's emptied field and waits until the file was looked at.
    async fn type_file(&mut self, path: &std::path::Path) {
        self.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
        self.keys(path.to_str().unwrap());
        self.until("the file looked at", |app| {
            matches!(app.dialog(), Some(Dialog::Form(f))
                if matches!(f.local().map(|l| &l.state), Some(FileState::Found(_))))
        })
        .await;
    }

    fn screen(&mut self) -> String {
        text(&render(&mut self.app, 120, 40))
    }
}

fn row(screen: &str, name: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains(name))
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_typed_into_the_form_is_read_confirmed_counted_up_and_filed() {
    let fleet = start_fleet(2, |o| {
        o.upload_processing = Duration::from_millis(200);
        o.upload_bandwidth = 1 << 20;
        o.versions = vec![("sim-2".into(), "9.7.0".into())];
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (path, sha256) = image(dir.path(), 3 << 20);
    let mut harness = engine(&fleet, None, |_| {});
    harness.answered().await;
    let (carrier, files) = Carrier::new(&harness.engine);
    let package = "https://repo.example.com/ontap/9181_q_image.tgz";
    let app = App::new(
        harness.model.clone(),
        "test",
        Session::AsConfigured,
        Palette::Plain,
    )
    .with_form_defaults(FormDefaults {
        url: Some(package.into()),
        username: None,
    });
    let mut l = Loop {
        app,
        carrier,
        updates: std::mem::replace(&mut harness.updates, tokio::sync::mpsc::channel(1).1),
        files,
    };
    l.until("both rows", |app| {
        app.model().clusters.iter().all(|c| c.version.is_some())
    })
    .await;

    l.keys("ad");
    l.type_file(&path).await;
    let found = l.screen();
    assert!(
        found.contains("9181_q_image.tgz, 3.0 MiB, from this host"),
        "{found}"
    );
    l.key(KeyCode::Tab, KeyModifiers::NONE);
    l.keys(&sha256);
    l.key(KeyCode::Enter, KeyModifiers::NONE);
    l.until("the image read and confirmed", |app| {
        matches!(app.dialog(), Some(Dialog::Confirm(_)))
    })
    .await;
    let confirm = l.screen();
    assert!(confirm.contains(&sha256), "{confirm}");
    assert!(confirm.contains("matches the sha256 given"), "{confirm}");
    assert!(
        confirm.contains("sim-2  ONTAP 9.7.0 cannot take an upload"),
        "{confirm}"
    );
    assert_eq!(fleet.uploads("sim-1").len(), 0, "nothing sent before y");

    l.keys("y");
    l.until("the JOB column counting", |app| {
        matches!(app.model().clusters[0].phase(), Some(Phase::Sending { sent, .. }) if *sent > 0)
    })
    .await;
    let counting = l.screen();
    assert!(row(&counting, "sim-1").contains("up "), "{counting}");
    l.until("the upload filed", |app| {
        app.model().clusters[0].ending().is_some()
    })
    .await;
    let screen = l.screen();
    assert_eq!(
        l.app.model().clusters[0].ending(),
        Some(&Ending::Uploaded),
        "{screen}"
    );
    l.until("PKG to say has", |app| {
        app.model().clusters[0]
            .packages
            .as_ref()
            .is_some_and(|(_, p)| p.iter().any(|p| p.version.as_deref() == Some("9.18.1")))
    })
    .await;
    let done = l.screen();
    assert!(row(&done, "sim-1").contains(" has "), "{done}");
    let received = fleet.uploads("sim-1");
    assert_eq!(received[0].sha256.as_deref(), Some(sha256.as_str()));
    assert!(fleet.uploads("sim-2").is_empty(), "9.7 is sent nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esc_in_details_asks_then_stops_an_upload_and_the_cluster_keeps_none_of_it() {
    let fleet = start_fleet(1, |o| o.upload_bandwidth = 256 << 10).await;
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = image(dir.path(), 8 << 20);
    let mut harness = engine(&fleet, None, |_| {});
    harness.answered().await;
    let (carrier, files) = Carrier::new(&harness.engine);
    let app = App::new(
        harness.model.clone(),
        "test",
        Session::AsConfigured,
        Palette::Plain,
    );
    let mut l = Loop {
        app,
        carrier,
        updates: std::mem::replace(&mut harness.updates, tokio::sync::mpsc::channel(1).1),
        files,
    };
    l.until("the row", |app| app.model().clusters[0].version.is_some())
        .await;
    l.keys("d");
    l.type_file(&path).await;
    l.key(KeyCode::Enter, KeyModifiers::NONE);
    l.until("the confirmation", |app| {
        matches!(app.dialog(), Some(Dialog::Confirm(_)))
    })
    .await;
    l.keys("y");
    l.until("bytes on their way", |app| {
        matches!(app.model().clusters[0].phase(), Some(Phase::Sending { sent, .. }) if *sent > 0)
    })
    .await;
    l.key(KeyCode::Enter, KeyModifiers::NONE);
    l.key(KeyCode::Esc, KeyModifiers::NONE);
    let question = text(&render(&mut l.app, 80, 24));
    assert!(question.contains("Stop the upload?"), "{question}");
    assert_eq!(
        l.commands_of(KeyCode::Char('y')),
        [AppCommand::StopUpload(0)]
    );
    l.carrier.carry_out(vec![AppCommand::StopUpload(0)]);
    l.until("the upload stopped", |app| {
        app.model().clusters[0].ending().is_some()
    })
    .await;
    let Some(Ending::Stopped { sent, total, .. }) = l.app.model().clusters[0].ending().cloned()
    else {
        panic!("{:?}", l.app.model().clusters[0].ending());
    };
    assert!(sent > 0 && sent < total, "{sent} of {total}");
    assert!(row(&l.screen(), "sim-1").contains("stopped"));
    // The cluster got part of it and finished no file.
    let received = fleet.uploads("sim-1");
    assert!(received.iter().all(|r| r.sha256.is_none()), "{received:?}");
}
