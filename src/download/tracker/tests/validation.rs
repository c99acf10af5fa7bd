//! A validation: its findings read after its job, waited for at most `RESULTS_WAIT`.

use super::*;

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
