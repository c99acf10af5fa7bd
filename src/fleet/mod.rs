//! Many clusters at once, without the engine's pollers.
//!
//! [`targets`] turns a loaded config into one ready [`Target`] per cluster (a client, or
//! the reason there is none), and [`sweep`] asks every cluster for its state once,
//! concurrently, so that one slow cluster costs its own timeout and nobody else's;
//! [`inventory`] reads every repository once.

pub(crate) mod inventory;
pub(crate) mod sweep;
pub(crate) mod targets;

pub use sweep::DEFAULT_MAX_IN_FLIGHT;
pub use sweep::sweep;
pub(crate) use sweep::{Asks, ClusterReport, sweep_asking};
pub use targets::{Session, Target, targets_from_config};
