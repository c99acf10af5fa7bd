//! The rules both front ends follow by, on plain timestamps.

use jiff::{SignedDuration, Timestamp};

use super::*;
use crate::download::StartOutcome;
use crate::download::tracker::UploadFile;
use crate::ontap::{ErrorKind, OntapError};

fn at(secs: i64) -> Timestamp {
    "2026-03-01T12:00:00Z".parse::<Timestamp>().unwrap() + SignedDuration::from_secs(secs)
}

fn job(state: JobState) -> Job {
    Job {
        uuid: "j1".into(),
        description: None,
        state: Some(state),
        message: None,
        code: Some(0),
        start_time: Some("2026-03-01T11:59:00+00:00".into()),
        end_time: None,
        error: None,
    }
}

fn status(state: DownloadState, code: i64) -> DownloadStatus {
    DownloadStatus {
        state: Some(state),
        message: Some("message".into()),
        code: Some(code),
    }
}

fn started() -> Tracker {
    let mut t = Tracker::requested(
        Operation::download("https://repo/i.tgz".into(), None),
        at(0),
    );
    let job = StartOutcome::Started { job: "j1".into() };
    assert_eq!(t.answered(&job, at(1)), None);
    t
}

fn timeout() -> OntapError {
    OntapError::new("c", ErrorKind::Timeout, "no answer within the timeout")
}

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
    let not_sent = StartOutcome::NotSent("audit log: permission denied".into());
    let ending = t.answered(&not_sent, at(1)).unwrap();
    assert_eq!(ending.word(), "not sent");
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

fn removal() -> Tracker {
    let operation = Operation::Removal {
        version: "9.16.1P3".into(),
    };
    let mut t = Tracker::requested(operation, at(0));
    assert_eq!(t.want(), Want::Nothing, "not answered yet: nothing to ask");
    t.answered(&StartOutcome::Started { job: "r1".into() }, at(1));
    t
}

fn package(version: &str) -> crate::ontap::Package {
    crate::ontap::Package {
        version: Some(version.into()),
        create_time: None,
    }
}

#[test]
fn a_removal_follows_its_job_and_ends_in_its_own_words() {
    let mut t = removal();
    assert_eq!(t.want(), Want::Job("r1".into()));
    let mut failed = job(JobState::Failure);
    failed.message = Some("the package is in use".into());
    failed.code = Some(10551388);
    let ending = t.observe(Observation::Job(&failed), at(3)).unwrap();
    assert_eq!(
        ending.summary(),
        "the removal failed: the package is in use"
    );
    assert_eq!(ending.code(), Some(10551388));
    let mut t = removal();
    let ending = t
        .observe(Observation::Job(&job(JobState::Success)), at(3))
        .unwrap();
    assert_eq!(ending, Ending::Removed);
    assert!(ending.is_success());
}

#[test]
fn a_removal_whose_job_is_gone_is_judged_by_the_repository() {
    let mut t = removal();
    assert_eq!(t.observe(Observation::JobGone, at(400)), None);
    assert_eq!(t.followed().phase, Phase::Checking);
    assert_eq!(t.want(), Want::Packages);
    let still = [package("9.16.1p3")];
    let ending = t.observe(Observation::Packages(&still), at(401)).unwrap();
    assert!(
        ending.summary().contains("still in the repository"),
        "{ending:?}"
    );
    let mut t = removal();
    t.observe(Observation::JobGone, at(400));
    let gone = [package("9.15.1P7")];
    assert_eq!(
        t.observe(Observation::Packages(&gone), at(401)),
        Some(Ending::Removed)
    );
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

fn upload() -> Tracker {
    let file = UploadFile {
        name: "9161P3_q_image.tgz".into(),
        size: 1000,
        sha256: "ab".into(),
    };
    Tracker::requested(Operation::Upload(file), at(0))
}

#[test]
fn an_upload_shows_its_bytes_then_follows_the_job_that_files_it() {
    let mut t = upload();
    t.sending(420, at(1));
    assert_eq!(
        t.followed().phase,
        Phase::Sending {
            sent: 420,
            total: 1000
        }
    );
    assert_eq!(t.followed().phase.label(), "up 42%");
    assert_eq!(
        t.want(),
        Want::Nothing,
        "nothing is asked while it is on its way"
    );
    t.sending(1000, at(2));
    t.answered(&StartOutcome::Started { job: "u1".into() }, at(3));
    assert_eq!(
        t.followed().phase,
        Phase::Starting,
        "the cluster files it now"
    );
    assert_eq!(t.want(), Want::Job("u1".into()));
    let ending = t
        .observe(Observation::Job(&job(JobState::Success)), at(5))
        .unwrap();
    assert_eq!(ending, Ending::Uploaded);
}

#[test]
fn an_upload_cut_off_or_stopped_says_how_far_it_got() {
    let mut t = upload();
    t.sending(300, at(1));
    let reset = OntapError::new("c", ErrorKind::Connect, "connection reset by peer");
    let ending = t.answered(&StartOutcome::Refused(reset), at(2)).unwrap();
    assert_eq!(
        ending,
        Ending::TransferFailed {
            sent: 300,
            total: 1000,
            reason: "connect: connection reset by peer".into()
        }
    );
    let mut t = upload();
    t.sending(500, at(1));
    let stopped = t.give_up("Ctrl-C".into(), at(2)).unwrap();
    assert_eq!(stopped.word(), "stopped");
    // A refusal with ONTAP's code came after the whole image: a refusal.
    let mut t = upload();
    t.sending(1000, at(1));
    let mut full = OntapError::new("c", ErrorKind::Http, "no room").with_status(400);
    full.code = Some(10551804);
    assert!(matches!(
        t.answered(&StartOutcome::Refused(full), at(2)),
        Some(Ending::Refused(_))
    ));
}

fn unanswered() -> Tracker {
    let mut t = Tracker::requested(Operation::download("u".into(), None), at(0));
    let timeout = StartOutcome::of_download(Err(timeout()), Vec::new);
    assert_eq!(t.answered(&timeout, at(30)), None, "not an ending yet");
    assert!(t.followed().unanswered.is_some());
    assert_eq!(t.want(), Want::DownloadStatus);
    t
}

#[test]
fn a_start_without_an_answer_is_followed_once_its_download_shows_up() {
    let mut t = unanswered();
    // An older download's ending says nothing about this one.
    let old = status(DownloadState::Success, 0);
    assert_eq!(t.observe(Observation::Download(&old), at(35)), None);
    assert_eq!(t.followed().phase, Phase::Starting);
    let running = status(DownloadState::Running, 0);
    assert_eq!(t.observe(Observation::Download(&running), at(40)), None);
    assert_eq!(t.followed().unanswered, None);
    assert_eq!(t.followed().phase, Phase::Download(DownloadState::Running));
    let done = t.observe(Observation::Download(&old), at(90));
    assert!(matches!(done, Some(Ending::Success { .. })), "{done:?}");
}

#[test]
fn a_start_without_an_answer_ends_unanswered_when_nothing_shows_up_in_time() {
    let mut t = unanswered();
    let idle = status(DownloadState::NotStarted, 0);
    let look = UNANSWERED_LOOK.as_secs() as i64;
    assert_eq!(t.observe(Observation::Download(&idle), at(look - 1)), None);
    let ending = t.observe(Observation::Download(&idle), at(look)).unwrap();
    assert!(ending.is_unanswered());
    assert_eq!(ending.word(), "no answer");
    assert_eq!(ending.result_word(), "no_answer");
    assert_eq!(
        ending.audit_result(),
        crate::download::audit::AuditResult::Unanswered
    );
    assert_eq!(t.want(), Want::Nothing);
}

#[test]
fn an_unanswered_removal_or_refusal_ends_at_once() {
    let mut t = Tracker::requested(Operation::download("u".into(), None), at(0));
    let refused = OntapError::new("c", ErrorKind::Http, "downloads are disabled");
    let ending = t.answered(&StartOutcome::Refused(refused), at(1)).unwrap();
    assert_eq!(ending.word(), "refused");
    let mut t = removal();
    let ending = t.answered(&StartOutcome::of_change(Err(timeout())), at(1));
    assert!(ending.is_some_and(|e| e.is_unanswered()));
}

fn validation() -> Tracker {
    let operation = Operation::Validation {
        version: "9.16.1".into(),
    };
    let mut t = Tracker::requested(operation, at(0));
    let answer = StartOutcome::Started { job: "j1".into() };
    assert_eq!(t.answered(&answer, at(1)), None);
    t
}

fn check(name: &str, status: crate::ontap::software::CheckStatus) -> crate::ontap::software::Check {
    crate::ontap::software::Check {
        name: name.into(),
        status,
        issue: Some("an issue".into()),
        action: Some("an action".into()),
    }
}

#[test]
fn a_validation_reads_its_findings_after_its_job_and_waits_for_them_at_most_results_wait() {
    use crate::ontap::software::CheckStatus;
    let mut t = validation();
    assert_eq!(t.want(), Want::Job("j1".into()));
    let mut done = job(JobState::Success);
    done.end_time = Some("2026-03-01T12:00:10+00:00".into());
    assert_eq!(t.observe(Observation::Job(&done), at(12)), None);
    assert_eq!(t.followed().phase, Phase::Checking);
    assert_eq!(t.want(), Want::Software);
    // Absent results are "not known yet", never "no findings".
    let absent = Software::default();
    let wait = RESULTS_WAIT.as_secs() as i64;
    assert_eq!(
        t.observe(Observation::Software(&absent), at(10 + wait - 1)),
        None
    );
    let found = Software {
        validation: Some(vec![check("NFS mounts", CheckStatus::Warning)]),
        ..Software::default()
    };
    let ending = t.observe(Observation::Software(&found), at(10 + wait - 1));
    assert!(
        matches!(&ending, Some(Ending::Validated { checks }) if checks.len() == 1),
        "{ending:?}"
    );

    let mut t = validation();
    assert_eq!(t.observe(Observation::Job(&done), at(12)), None);
    let ending = t
        .observe(Observation::Software(&absent), at(10 + wait))
        .unwrap();
    assert!(matches!(ending, Ending::Unknown { .. }), "{ending:?}");
    assert!(
        ending.summary().contains("5 minutes"),
        "{}",
        ending.summary()
    );
}

#[test]
fn a_validation_whose_job_fails_ends_not_validated_with_the_cluster_s_words() {
    let mut t = validation();
    let mut failed = job(JobState::Failure);
    failed.code = Some(10551656);
    failed.message = Some("the package is not in the repository".into());
    let ending = t.observe(Observation::Job(&failed), at(5)).unwrap();
    assert!(
        matches!(&ending, Ending::NotValidated { code: Some(10551656), message } if message.contains("not in the repository")),
        "{ending:?}"
    );
    assert_eq!(ending.result_word(), "failure");
}
