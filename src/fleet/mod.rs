//! Many clusters at once, without the engine's pollers.
//!
//! [`targets`] turns a loaded config into one ready [`Target`] per cluster (a client, or
//! the reason there is none), and [`sweep`] asks every cluster for its state once,
//! concurrently, so that one slow cluster costs its own timeout and nobody else's;
//! [`inventory`] reads every repository once.

pub mod inventory;
pub mod sweep;
pub mod targets;

pub use sweep::{Asks, ClusterReport, DEFAULT_MAX_IN_FLIGHT, sweep, sweep_asking, sweep_with_jobs};
pub use targets::{Session, Target, targets_from_config};
