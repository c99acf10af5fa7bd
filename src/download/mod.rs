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

pub mod audit;
pub mod ending;
pub mod image;
pub mod journal;
pub mod locked;
pub mod plan;
pub mod queue;
pub mod recorder;
pub mod sources;
pub mod spec;
pub mod start;
pub mod tracker;

pub use ending::Ending;
pub use image::{Holding, holding, image_version, is_version};
pub use plan::{Busy, Candidate, Plan, SkipReason, plan};
pub use recorder::{Note, Notify, Record, RecordError, Recorder};
pub use spec::{DownloadSpec, SpecError};
pub use start::{MAX_CONCURRENT_STARTS, NotRecorded, StartOutcome};
pub use tracker::{
    Followed, MAX_FOLLOW_ERRORS, Observation, Operation, OperationKind, Origin, Phase, Since,
    Tracker, UNANSWERED_LOOK, Want,
};
