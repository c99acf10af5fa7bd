//! Starting package downloads, the one action of ontop that changes a cluster.
//!
//! - [`spec`]: the validated URL and server credentials (masked wherever shown);
//! - [`plan`]: which chosen clusters are targets and which are skipped, and why;
//! - [`start`]: the POSTs, with the conflict handling of careful automation, auditing
//!   and journaling every attempt;
//! - [`follow`]: following one download to its end, for `ontop download --wait`;
//! - [`record`]: the audit line and journal update when a followed download ends.
//!
//! Read-only is enforced below all of this, in [`crate::ontap::Client::start_download`].

pub mod follow;
pub mod plan;
pub mod record;
pub mod spec;
pub mod start;

pub use follow::{Ending, MAX_FOLLOW_ERRORS, Progress, follow};
pub use plan::{Candidate, Plan, SkipReason, plan};
pub use record::{EndRecord, record_attached, record_end};
pub use spec::DownloadSpec;
pub use start::{
    MAX_CONCURRENT_STARTS, StartOutcome, StartReport, StartTarget, start_all, start_one,
};
