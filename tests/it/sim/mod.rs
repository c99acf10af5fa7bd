//! The simulator itself, pinned with a raw HTTP client (not ontop's), and the vendor's
//! Python client against it.

mod api;
mod download;
mod faults;
mod fleet;
mod mirror;
mod packages;
mod python;
mod shared_port;
mod software;
mod upload;
mod window;
