//! What ontop does to a cluster, owned from plan to recorded end, in the one vocabulary
//! every front end shows: downloads (the one change ontop exists for) and package
//! removals. The engine ([`crate::engine`]) drives these rules; front ends show what
//! they decide.
//!
//! - [`spec`]: the validated URL and server credentials (masked wherever shown);
//! - [`image`]: the release a package URL holds, and whether a cluster has it already;
//! - [`plan`]: which chosen clusters are targets, which are followed as they are, which
//!   are skipped and why;
//! - [`start`]: how a cluster answered a request ([`StartOutcome`]);
//! - [`tracker`]: following one operation to its end, the pure state machine the
//!   engine's pollers drive for every front end;
//! - [`ending`]: the words for how an operation ended;
//! - [`queue`]: `max_running`, the gate that keeps starts waiting in ontop;
//! - [`locked`]: changes refused as "temporarily locked" are sent again;
//! - [`recorder`]: the one owner of the [`audit`] log and the [`journal`].
//!
//! Read-only is enforced below all of this, in the client: a read-only client sends
//! nothing but GETs.

pub(crate) mod audit;
pub(crate) mod ending;
pub(crate) mod image;
pub(crate) mod journal;
pub(crate) mod locked;
pub(crate) mod plan;
pub(crate) mod queue;
pub(crate) mod recorder;
pub(crate) mod sources;
pub(crate) mod spec;
pub(crate) mod start;
pub(crate) mod tracker;

pub use ending::Ending;
pub(crate) use image::{Holding, holding, image_version, is_version};
pub use plan::Plan;
pub use plan::SkipReason;
pub(crate) use plan::{Busy, Candidate, Silent, plan};
pub use plan::{Planned, Skipped};
pub(crate) use recorder::{Note, Notify, Record, Recorder};
pub use spec::DownloadSpec;
pub(crate) use start::NotRecorded;
pub use start::{MAX_CONCURRENT_STARTS, StartOutcome};
pub use tracker::Followed;
pub use tracker::Observation;
pub use tracker::Operation;
pub use tracker::OperationKind;
pub use tracker::Origin;
pub use tracker::Phase;
pub use tracker::Since;
pub use tracker::Tracker;
pub use tracker::Want;
pub(crate) use tracker::{MAX_FOLLOW_ERRORS, UNANSWERED_LOOK};
