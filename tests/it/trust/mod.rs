//! Certificate trust: the verifier's rules, `ontop trust`, and what `ontop status` says.

mod binary;
mod cli;
mod status;
mod verify;
