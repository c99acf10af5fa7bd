//! A removal: its job, then the repository once the job is gone.

use super::*;

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
