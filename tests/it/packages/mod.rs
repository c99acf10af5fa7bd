//! The fleet's package repository end to end: `ontop packages` against the simulator,
//! downloads that skip the clusters that already have the release, removals, and
//! selection by label; one file per topic, the helpers here.

mod delete;
mod inventory;
mod max_running;
mod selection;

use serde_json::Value;

use crate::support::download::{Setup, assert_exit, deletes, json, posts, text};
use crate::support::fleet::start_fleet;

pub(super) fn names(value: &Value) -> Vec<String> {
    let mut names: Vec<String> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}
