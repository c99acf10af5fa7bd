//! The integration tests of ontop: one binary, one module per area, one support module.
//!
//! Everything that touches the network runs the simulator (`ontop-sim`) on loopback:
//! real HTTP, real TLS, real auth. Tests of the command line run the real binary through
//! [`support::bin`]; tests of the screen draw into ratatui's `TestBackend` or run the
//! binary in a pseudo-terminal.

mod agreement;
mod architecture;
mod cli;
mod client;
mod config;
mod download;
mod fleet;
mod hostile;
mod house;
mod manual;
mod packages;
mod properties;
mod serve;
mod sim;
mod state;
mod status;
mod support;
mod trust;
mod tui;
mod validate;
mod window;
