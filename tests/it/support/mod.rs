//! What the tests share: fleets and clients, the config fixtures, the one way to run the
//! binary as a script does (and in a pseudo-terminal), and the dashboard fixture.

pub(crate) mod bin;
pub(crate) mod config;
pub(crate) mod download;
pub(crate) mod engine;
pub(crate) mod fleet;
pub(crate) mod pty;
pub(crate) mod sim;
pub(crate) mod tui;

/// Says, where a person running `cargo test` sees it, that a test did not run its real
/// part and why. Written to the process's stderr directly: the test harness captures
/// `eprintln!` of passing tests, which would make the skip silent.
pub(crate) fn skip(test: &str, why: &str) {
    use std::io::Write;
    let line = format!("\nSKIPPED: {test}: {why}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
