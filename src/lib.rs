//! ontop: a terminal dashboard for NetApp ONTAP software/firmware package downloads
//! across many clusters.
//!
//! Where things happen:
//! - [`ontap`]: the REST client and the wire types (the only code that speaks to a cluster);
//! - [`config`]: the config file, its validation, and credential sources;
//! - [`download`]: starting downloads (plan, start, follow), read-only enforced below it;
//! - [`files`]: reading outside files with caps, writing private files;
//! - [`audit`], [`journal`]: what was started, for people and for the next session;
//! - [`fleet`]: many clusters at once (one-shot sweeps, and a poller per cluster);
//! - [`state`]: the dashboard's model, plain data and pure functions;
//! - [`status`]: the headless `ontop status` report;
//! - [`download_cmd`]: the headless `ontop download` (choose, confirm, start, `--wait`);
//! - [`demo`]: the embedded simulated fleet behind `ontop demo` (the `sim` feature);
//! - [`cli`]: the command-line contract;
//! - [`launch`]: assembling the dashboard from a config or the demo fleet;
//! - [`tui`]: the terminal dashboard;
//! - [`output`]: writing to stdout and stderr without a panic when they close;
//! - [`text`]: cleaning server-provided text before anything else sees it;
//! - [`trust`]: `ontop trust`, looking at a cluster's certificate and pinning it.

pub mod audit;
pub mod cli;
pub mod config;
pub mod demo;
pub mod download;
pub mod download_cmd;
pub mod files;
pub mod fleet;
pub mod journal;
pub mod launch;
pub mod ontap;
pub mod output;
pub mod state;
pub mod status;
pub mod text;
pub mod trust;
pub mod tui;
