//! Many clusters at once.
//!
//! [`targets`] turns a loaded config into one ready [`Target`] per cluster (a client, or
//! the reason there is none), and [`sweep`] asks every cluster for its state once,
//! concurrently, so that one slow cluster costs its own timeout and nobody else's.

pub mod event;
mod following;
pub mod inventory;
pub mod poller;
mod removals;
pub mod starts;
pub mod sweep;
pub mod targets;

pub use event::{Again, Event, LoginPause};
pub use poller::{Command, Fleet, POLLERS_MAX_IN_FLIGHT, Schedule};
pub use sweep::{ClusterReport, DEFAULT_MAX_IN_FLIGHT, sweep, sweep_with_jobs};
pub use targets::{Target, targets_from_config};
