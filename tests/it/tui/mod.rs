//! The dashboard: snapshots of every panel at the sizes users have, and the real binary in
//! a pseudo-terminal.

mod certificate;
mod dialog_snapshots;
mod download_snapshots;
mod packages;
mod pty;
mod pty_flows;
mod pty_keys;
mod pty_login;
mod pty_packages;
mod pty_screens;
mod shape_snapshots;
mod snapshots;
