//! The fleet's package repository end to end: `ontop packages` against the simulator,
//! downloads that skip the clusters that already have the release, removals, and
//! selection by label; one file per topic, the helpers here.

mod delete;
mod inventory;
mod max_running;
mod selection;

use serde_json::Value;

use crate::support::download::{Setup, assert_exit, posts, text};
use crate::support::fleet::start_fleet;

pub(super) fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stdout)))
}

pub(super) fn deletes(fleet: &ontop_sim::SimFleet, cluster: &str) -> usize {
    let log = fleet.request_log(cluster);
    log.iter().filter(|r| r.method == "DELETE").count()
}

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
