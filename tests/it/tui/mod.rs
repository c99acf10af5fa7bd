//! The dashboard: snapshots of every panel at the sizes users have, and the real binary in
//! a pseudo-terminal.

mod certificate;
mod download_snapshots;
mod pty;
mod snapshots;
