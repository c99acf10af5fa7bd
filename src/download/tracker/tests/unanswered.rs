//! A start whose request got no answer in time.

use super::*;

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
    let ending = t.answered(
        &StartOutcome::of_change(Err(timeout()), crate::download::ending::UNANSWERED_REMOVAL),
        at(1),
    );
    assert!(ending.is_some_and(|e| e.is_unanswered()));
}
