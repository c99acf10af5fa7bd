//! The status line and the bell: what ended (alone, or a batch with its total), only
//! what this session saw open, `R` and `r` about paused logins, and messages that
//! expire. Time is pinned: every update carries its moment.

use super::download_tests::{ended, fleet, followed};
use super::tests::{now, press};
use super::*;
use crate::download::{Ending, Operation, Origin, Phase};
use crate::engine::Update as Event;

#[test]
fn endings_of_one_batch_are_announced_together_with_the_total_at_the_end() {
    let mut app = fleet();
    let endings = [
        (1, Ending::Success { message: None }),
        (2, Ending::AlreadyPresent),
        (
            3,
            Ending::Failure {
                code: Some(10551885),
                message: "x".into(),
            },
        ),
    ];
    for (cluster, _) in &endings {
        app.apply(followed(*cluster, "j"), now());
    }
    let mut said = Vec::new();
    for (cluster, ending) in endings {
        app.apply(ended(cluster, "j", ending), now());
        said.push(app.status(now()).unwrap_or_default().to_string());
    }
    assert_eq!(
        said,
        [
            "c1: the package was downloaded",
            "2 of 3 downloads ended: 2 succeeded",
            "3 downloads ended: 2 succeeded, 1 did not (c3)",
        ]
    );
    // The next download alone is a batch of its own.
    app.apply(followed(1, "k"), now());
    app.apply(ended(1, "k", Ending::Success { message: None }), now());
    assert_eq!(app.status(now()), Some("c1: the package was downloaded"));
}

/// What the engine says about a removal of 9.16.1P3 on `cluster`, in `phase`.
fn removal(cluster: usize, phase: Phase) -> Event {
    let Event::Operation {
        followed: mut f, ..
    } = followed(cluster, "r")
    else {
        unreachable!()
    };
    f.operation = Operation::Removal {
        version: "9.16.1P3".into(),
    };
    f.phase = phase;
    Event::Operation {
        cluster,
        at: now(),
        followed: f,
    }
}

#[test]
fn a_batch_of_removals_ends_with_its_total() {
    let mut app = fleet();
    for cluster in 0..4 {
        app.apply(removal(cluster, Phase::Starting), now());
    }
    app.apply(removal(0, Phase::Ended(Ending::Removed)), now());
    app.apply(removal(1, Phase::Ended(Ending::Removed)), now());
    assert_eq!(app.status(now()), Some("2 of 4 removals ended: 2 removed"));
    let timeout = crate::ontap::OntapError::new(
        "c",
        crate::ontap::ErrorKind::Timeout,
        "no answer within the 30s timeout",
    );
    app.apply(removal(2, Phase::Ended(Ending::Refused(timeout))), now());
    app.apply(removal(3, Phase::Ended(Ending::Removed)), now());
    assert_eq!(
        app.status(now()),
        Some("4 removals ended: 3 removed, 1 did not (c2)")
    );
}

#[test]
fn the_bell_rings_only_for_endings_seen_in_this_session() {
    let mut app = fleet();
    // Resumed from the journal: the first look finds it ended. Not news.
    let resumed = |cluster: usize, phase: Phase| {
        let Event::Operation {
            followed: mut f, ..
        } = followed(cluster, "old")
        else {
            unreachable!()
        };
        f.origin = Origin::Resumed;
        f.phase = phase;
        Event::Operation {
            cluster,
            at: now(),
            followed: f,
        }
    };
    for cluster in 0..3 {
        app.apply(resumed(cluster, Phase::Starting), now());
    }
    for cluster in 0..2 {
        app.apply(
            resumed(cluster, Phase::Ended(Ending::Success { message: None })),
            now(),
        );
    }
    assert!(
        !app.take_bell(),
        "ended before this session looked: no bell"
    );
    assert_eq!(app.status(now()), None, "and no \"2 downloads ended\"");
    // The third was running at the first look: its end is news.
    app.apply(
        resumed(2, Phase::Job(crate::ontap::JobState::Running)),
        now(),
    );
    app.apply(
        resumed(2, Phase::Ended(Ending::Success { message: None })),
        now(),
    );
    assert!(app.take_bell());
    assert_eq!(app.status(now()), Some("c2: the package was downloaded"));
}

#[test]
fn messages_expire_and_a_pause_message_goes_when_the_cluster_answers() {
    use jiff::SignedDuration;
    let mut app = fleet();
    app.apply(followed(1, "j"), now());
    app.apply(ended(1, "j", Ending::Success { message: None }), now());
    let later = |secs| now() + SignedDuration::from_secs(secs);
    assert!(app.status(later(29)).is_some());
    assert_eq!(app.status(later(31)), None, "an ending is news for 30 s");
    press(&mut app, "r");
    assert!(app.status(later(4)).is_some());
    assert_eq!(app.status(later(6)), None, "a key's answer for 5 s");
    let pause = crate::engine::LoginPause {
        user: "admin".into(),
        source: None,
        note: None,
        again: None,
    };
    app.apply(
        Event::LoginPaused {
            cluster: 2,
            at: now(),
            pause: Box::new(pause),
        },
        now(),
    );
    assert!(app.status(now()).unwrap().starts_with("c2: login refused"));
    app.apply(answered(2), now());
    assert_eq!(
        app.status(now()),
        None,
        "c2 answers again: no longer about now"
    );
}

#[test]
fn a_timed_out_start_reads_no_answer_and_not_known_whether_it_started() {
    let mut app = fleet();
    app.apply(followed(2, "j"), now());
    let e = match crate::download::StartOutcome::of_download(
        Err(crate::ontap::OntapError::new(
            "c2",
            crate::ontap::ErrorKind::Timeout,
            "no answer within the 30s timeout",
        )),
        Vec::new,
    ) {
        crate::download::StartOutcome::Refused(e) => e,
        other => panic!("{other:?}"),
    };
    app.apply(ended(2, "j", Ending::Refused(e)), now());
    let status = app.status(now()).unwrap();
    assert_eq!(
        status,
        "c2: no answer within the 30s timeout: not known whether it started: ontop status shows it"
    );
    let c = &app.model().clusters[2];
    assert_eq!(c.phase().unwrap().word(), "no answer");
}

/// A poll of `cluster` that it answered.
fn answered(cluster: usize) -> Event {
    Event::Polled {
        cluster,
        at: now(),
        info: None,
        download: crate::ontap::DownloadStatus::default(),
        job: None,
        took: std::time::Duration::ZERO,
    }
}

/// The engine's word that `cluster`'s polls are paused, with the note of its last try.
fn paused(cluster: usize, note: Option<&str>) -> Event {
    Event::LoginPaused {
        cluster,
        at: now(),
        pause: Box::new(crate::engine::LoginPause {
            user: "admin".into(),
            source: None,
            note: note.map(str::to_string),
            again: None,
        }),
    }
}

#[test]
fn r_says_what_it_did_and_the_paused_clusters_notes_do_not_take_its_place() {
    let mut app = fleet();
    assert_eq!(press(&mut app, "R"), [AppCommand::Refresh(None)]);
    assert_eq!(app.status(now()), Some("polling every cluster now (5)"));
    app.apply(paused(4, None), now());
    assert_eq!(
        app.status(now()),
        Some("c4: login refused: polls paused (p enters the password)"),
        "a new pause is news"
    );
    press(&mut app, "R");
    let said = "polling 4 clusters now; 1 paused after a refused login: p enters the password";
    assert_eq!(app.status(now()), Some(said));
    // What the paused cluster's poller finds on R stays in its row and details.
    app.apply(
        paused(4, Some("no password file or command to read again")),
        now(),
    );
    assert_eq!(app.status(now()), Some(said));
    // `r` on it asked: its answer is the status line's.
    press(&mut app, "G");
    press(&mut app, "r");
    assert_eq!(
        app.status(now()),
        Some("c4: the login was refused: p enters the password")
    );
    app.apply(
        paused(4, Some("no password file or command to read again")),
        now(),
    );
    assert_eq!(
        app.status(now()),
        Some("c4: still paused: no password file or command to read again")
    );
    // Another `r` that the cluster answers: the login worked, and the line says so.
    press(&mut app, "r");
    app.apply(answered(4), now());
    assert_eq!(app.status(now()), Some("c4: logged in: polls resume"));
}
