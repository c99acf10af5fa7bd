//! ontop: a terminal dashboard for NetApp ONTAP software/firmware package downloads
//! across many clusters. `docs/architecture.md` has the module map and the data flow.
//!
//! Where things happen:
//! - [`ontap`]: the REST client and the wire types (the only code that speaks to a cluster);
//! - [`config`]: the config file, its validation, and credential sources;
//! - [`download`]: the rules of every change ontop makes (spec, plan, the tracker, the
//!   endings, the recorder of the audit log and the journal);
//! - [`engine`]: the one engine every front end starts: pollers, operations, updates;
//! - [`fleet`]: many clusters at once without the engine (targets, one-shot sweeps);
//! - [`state`]: the dashboard's model, plain data and pure functions;
//! - [`tui`]: the terminal dashboard, which shows what the engine decides;
//! - [`commands`]: every command, one shape (`status`, `download`, `trust`, ...);
//! - [`cli`]: the command-line contract;
//! - [`launch`], [`demo`]: assembling a dashboard from a config or the demo fleet (the
//!   `sim` feature);
//! - [`files`]: reading outside files with caps, writing private files;
//! - [`output`]: writing to stdout and stderr without a panic when they close;
//! - [`text`]: cleaning text from outside, masking URLs, widths and "did you mean".
//! - [`sync`]: locks taken back after a panic, one spelling for it;
//! - [`signals`]: SIGTERM, SIGHUP and Ctrl-C, one waiter for every front end.

mod cli;
mod commands;
mod config;
mod demo;
mod download;
mod engine;
mod entry;
mod files;
mod fleet;
mod launch;
mod ontap;
mod output;
mod serve;
mod signals;
mod state;
mod sync;
#[doc(hidden)]
pub mod testing;
mod text;
mod tui;

pub use entry::main;
