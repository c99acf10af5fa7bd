//! The rules both front ends follow by, on plain timestamps: one file per kind of
//! operation, the fixtures here.

mod download;
mod removal;
mod unanswered;
mod upload;
mod validation;

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

fn removal() -> Tracker {
    let operation = Operation::Removal {
        version: "9.16.1P3".into(),
    };
    let mut t = Tracker::requested(operation, at(0));
    assert_eq!(t.want(), Want::Nothing, "not answered yet: nothing to ask");
    t.answered(&StartOutcome::Started { job: "r1".into() }, at(1));
    t
}
