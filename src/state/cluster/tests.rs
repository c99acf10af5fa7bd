//! What a cluster's row says of itself.

use std::time::Duration;

use jiff::Timestamp;

use super::{ClusterIdentity, ClusterState};
use crate::engine::Update;
use crate::ontap::{DownloadStatus, ErrorKind, OntapError};

fn at(secs: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + secs).unwrap()
}

fn row() -> ClusterState {
    ClusterState::new(ClusterIdentity {
        name: "c1".into(),
        url: "https://c1".into(),
        labels: Default::default(),
        read_only: false,
        insecure: false,
        poll_interval: Duration::from_secs(5),
        username: "admin".into(),
    })
}

fn failed(c: &mut ClusterState, secs: i64, message: &str) {
    c.apply(Update::PollFailed {
        cluster: 0,
        at: at(secs),
        error: OntapError::new("c1", ErrorKind::Connect, message),
        took: None,
    });
}

fn answered(c: &mut ClusterState, secs: i64) {
    c.apply(Update::Polled {
        cluster: 0,
        at: at(secs),
        info: None,
        download: DownloadStatus::default(),
        job: None,
        took: Duration::ZERO,
    });
}

#[test]
fn a_repository_is_unread_for_the_failure_of_now_not_an_old_one() {
    let mut c = row();
    assert_eq!(c.repository_error(), None, "not asked yet: no reason");
    failed(&mut c, 1, "refused");
    let why = c.repository_error().map(|e| e.message.as_str());
    assert_eq!(why, Some("refused"), "not answering: its failure");
    answered(&mut c, 2);
    assert_eq!(
        c.repository_error(),
        None,
        "answering again: the old failure is no reason"
    );
    c.apply(Update::Packages {
        cluster: 0,
        at: at(3),
        packages: Err(OntapError::new("c1", ErrorKind::Http, "503")),
    });
    let why = c.repository_error().map(|e| e.message.as_str());
    assert_eq!(why, Some("503"), "its own read's failure");
    c.apply(Update::Packages {
        cluster: 0,
        at: at(4),
        packages: Ok(Vec::new()),
    });
    assert_eq!(c.repository_error(), None, "read");
}
