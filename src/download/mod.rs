//! A download, the one action of ontop that changes a cluster, owned from plan to
//! recorded end. Front ends (the dashboard, `ontop download`) show what this decides.
//!
//! - [`spec`]: the validated URL and server credentials (masked wherever shown);
//! - [`image`]: the release a package URL holds, and whether a cluster has it already;
//! - [`plan`]: which chosen clusters are targets, which are followed as they are, which
//!   are skipped and why;
//! - [`start`]: the POSTs, with the conflict handling of careful automation;
//! - [`tracker`]: following one download to its end, the pure state machine both front
//!   ends drive; [`follow`] drives it for a command;
//! - [`ending`]: the words for how a download ended;
//! - [`queue`]: `max_running`, the gate that keeps starts waiting in ontop;
//! - [`locked`]: changes refused as "temporarily locked" are sent again;
//! - [`removal`]: removing a package from a cluster's repository, audited and followed;
//! - [`recorder`]: the one owner of the [`audit`] log and the [`journal`].
//!
//! Read-only is enforced below all of this, in the client: a read-only client sends
//! nothing but GETs.

pub mod audit;
pub mod ending;
pub mod follow;
pub mod image;
pub mod journal;
pub mod locked;
pub mod plan;
pub mod queue;
pub mod recorder;
pub mod removal;
pub mod spec;
pub mod start;
pub mod tracker;

pub use ending::Ending;
pub use follow::{follow, running_download_job};
pub use image::{Holding, holding, image_version};
pub use plan::{Busy, Candidate, Plan, SkipReason, plan};
pub use recorder::{Note, Notify, Record, RecordError, Recorder};
pub use spec::{DownloadSpec, SpecError};
pub use start::{
    MAX_CONCURRENT_STARTS, StartOutcome, StartReport, StartTarget, start_all, start_one,
    start_recorded,
};
pub use tracker::{Followed, MAX_FOLLOW_ERRORS, Observation, Origin, Phase, Since, Tracker, Want};
