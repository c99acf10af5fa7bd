//! A download followed by its job, its status, or both; failed polls; giving up.

use super::*;
use crate::download::NotRecorded;
use crate::download::recorder::RecordError;

#[test]
fn a_started_download_follows_its_job_to_one_ending() {
    let mut t = started();
    assert_eq!(t.want(), Want::Job("j1".into()));
    assert_eq!(t.followed().phase, Phase::Starting);
    assert_eq!(
        t.observe(Observation::Job(&job(JobState::Queued)), at(2)),
        None
    );
    assert_eq!(t.followed().phase.word(), "queued");
    assert_eq!(
        t.observe(Observation::Job(&job(JobState::Running)), at(5)),
        None
    );
    // The job's own start time, not when ontop saw it.
    assert_eq!(t.followed().since, Since::Exactly(at(-60)));
    let mut done = job(JobState::Success);
    done.end_time = Some("2026-03-01T12:00:09+00:00".into());
    let ending = t.observe(Observation::Job(&done), at(10));
    assert!(matches!(ending, Some(Ending::Success { .. })));
    assert_eq!(t.followed().since, Since::Exactly(at(9)));
    assert_eq!(
        t.observe(Observation::Job(&done), at(15)),
        None,
        "ends once"
    );
    assert_eq!(t.want(), Want::Nothing);
}

#[test]
fn a_deleted_job_hands_over_to_the_download_status() {
    let mut t = started();
    t.observe(Observation::Job(&job(JobState::Running)), at(2));
    assert_eq!(t.observe(Observation::JobGone, at(400)), None);
    assert_eq!(t.want(), Want::DownloadStatus);
    let failed = status(DownloadState::Failure, 10551885);
    let ending = t.observe(Observation::Download(&failed), at(405)).unwrap();
    assert_eq!(ending.code(), Some(10551885));
    assert_eq!(ending.word(), "failure");
}

#[test]
fn paused_is_not_an_ending() {
    let mut t = started();
    assert_eq!(
        t.observe(Observation::Job(&job(JobState::Paused)), at(2)),
        None
    );
    assert_eq!(t.followed().phase, Phase::Job(JobState::Paused));
    assert_eq!(t.want(), Want::Job("j1".into()));
}

#[test]
fn five_failed_polls_in_a_row_give_up_and_an_answer_resets_the_count() {
    let mut t = started();
    for i in 0..4 {
        assert_eq!(t.observe(Observation::Failed(&timeout()), at(i)), None);
    }
    assert_eq!(t.followed().errors, 4);
    t.observe(Observation::Job(&job(JobState::Running)), at(5));
    assert_eq!(t.followed().errors, 0);
    for i in 0..4 {
        assert_eq!(t.observe(Observation::Failed(&timeout()), at(10 + i)), None);
    }
    let ending = t.observe(Observation::Failed(&timeout()), at(20)).unwrap();
    let Ending::GaveUp { reason } = &ending else {
        panic!("{ending:?}")
    };
    assert!(
        reason.contains("5 polls in a row failed, the last with timeout"),
        "{reason}"
    );
    assert_eq!(MAX_FOLLOW_ERRORS, 5);
}

#[test]
fn an_attached_download_without_a_job_follows_the_status_since_at_least_now() {
    let mut t = Tracker::attached(None, at(0));
    assert_eq!(t.followed().origin, Origin::Attached);
    assert_eq!(t.followed().since, Since::AtLeast(at(0)));
    assert_eq!(t.want(), Want::DownloadStatus);
    let running = status(DownloadState::Running, 10551382);
    assert_eq!(t.observe(Observation::Download(&running), at(3)), None);
    assert_eq!(t.followed().since, Since::AtLeast(at(0)), "unchanged");
    let done = status(DownloadState::Success, 0);
    assert!(
        t.observe(Observation::Download(&done), at(6))
            .unwrap()
            .is_success()
    );
}

#[test]
fn an_attached_download_with_its_job_counts_from_the_job_start() {
    let t = Tracker::attached(Some(&job(JobState::Running)), at(0));
    assert_eq!(t.followed().since, Since::Exactly(at(-60)));
    assert_eq!(t.want(), Want::Job("j1".into()));
}

#[test]
fn answers_that_end_at_once_end_at_once() {
    let mut t = Tracker::requested(Operation::download("u".into(), None), at(0));
    let present = StartOutcome::AlreadyPresent { packages: vec![] };
    assert_eq!(t.answered(&present, at(1)), Some(Ending::AlreadyPresent));
    assert_eq!(t.want(), Want::Nothing);
    let mut t = Tracker::requested(Operation::download("u".into(), None), at(0));
    let refused = RecordError::Audit {
        path: "audit.jsonl".into(),
        reason: "permission denied".into(),
    };
    let not_sent = StartOutcome::NotSent(NotRecorded(refused));
    let ending = t.answered(&not_sent, at(1)).unwrap();
    assert_eq!(ending.word(), "not sent");
    assert_eq!(
        ending.summary(),
        "nothing was sent: the attempt could not be written to the audit log first \
         (audit log audit.jsonl: permission denied)"
    );
}

#[test]
fn a_resumed_job_counts_from_the_cluster_once_it_is_seen() {
    let mut t = Tracker::resumed(
        Operation::download("u".into(), None),
        "j1".into(),
        at(-600),
        at(0),
    );
    assert_eq!(t.followed().since, Since::AtLeast(at(-600)));
    t.observe(Observation::Job(&job(JobState::Running)), at(1));
    assert_eq!(t.followed().since, Since::Exactly(at(-60)));
}

#[test]
fn giving_up_ends_once() {
    let mut t = started();
    assert!(
        t.give_up("not ended after --timeout 90m".into(), at(5))
            .is_some()
    );
    assert_eq!(t.give_up("again".into(), at(6)), None);
}

#[test]
fn a_resumed_job_that_is_gone_ends_when_the_cluster_says_nothing_runs() {
    let operation = Operation::download("u".into(), None);
    let mut t = Tracker::resumed(operation, "j1".into(), at(-600), at(0));
    t.observe(Observation::JobGone, at(1));
    let idle = status(DownloadState::NotStarted, 10551384);
    let ending = t.observe(Observation::Download(&idle), at(2)).unwrap();
    assert_eq!(ending.word(), "unknown");
    assert!(!ending.is_success());
}

#[test]
fn a_queued_start_given_up_was_never_sent() {
    let operation = Operation::download("u".into(), None);
    let mut t = Tracker::requested(operation, at(0)).queued(2, 3, at(0));
    assert_eq!(t.followed().phase.word(), "queued");
    let ending = t.give_up("ontop stopped".into(), at(5)).unwrap();
    assert_eq!(ending.word(), "not sent");
}
