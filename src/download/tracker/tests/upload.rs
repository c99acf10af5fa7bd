//! An upload: its bytes on their way, the job that files it, a transfer cut off.

use super::*;

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
