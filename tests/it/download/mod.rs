//! Starting downloads: the engine against the simulator, and `ontop download` as a script
//! runs it.

mod cli;
mod cli_safety;
mod dashboard;
mod engine;
mod mirrors;
mod upload;
