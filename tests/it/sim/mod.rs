//! The simulator itself, pinned with a raw HTTP client (not ontop's), and the vendor's
//! Python client against it.

mod api;
mod download;
mod faults;
mod fleet;
mod packages;
mod python;
mod software;
mod window;
