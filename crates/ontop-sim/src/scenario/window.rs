//! The `window` scenario: a fleet in its maintenance window.
//!
//! Every cluster has two HA pairs and holds the default package, validated. The first
//! ones show each stage of an update once: just started, mid-way (two versions among the
//! nodes), paused on an error with its status detail, in the post-update checks,
//! completed, and not started yet; further clusters repeat the stages.

use super::{Planned, SITES, Setup, labels_of};
use crate::cluster::UpdateAt;
use crate::fault::Fault;

/// The release every window cluster runs before its update.
const FROM: &str = "9.15.1P7";

/// The hand-picked clusters, in the order they are handed out.
const WINDOW: [(&str, Setup); 6] = [
    ("prod-ams-1", Setup::Updating(UpdateAt::PreChecks)),
    ("prod-ams-2", Setup::Updating(UpdateAt::Node(2))),
    ("prod-nyc-1", Setup::Updating(UpdateAt::PausedOnError(3))),
    ("prod-nyc-2", Setup::Updating(UpdateAt::PostChecks)),
    ("dr-fra-1", Setup::Updating(UpdateAt::Completed)),
    ("dr-fra-2", Setup::Validated),
];

/// The starting fleet of `clusters` clusters.
pub(super) fn plan(clusters: usize) -> Vec<Planned> {
    (0..clusters)
        .map(|i| {
            let (name, setup) = match WINDOW.get(i) {
                Some(&(name, setup)) => (name.to_string(), setup),
                // prod-<site>-3, -4, ...: never one of the names above.
                None => (
                    format!("prod-{}-{}", SITES[i % SITES.len()], i / SITES.len() + 3),
                    WINDOW[i % WINDOW.len()].1,
                ),
            };
            Planned {
                labels: labels_of(&name),
                name,
                version: FROM,
                setup,
                fault: Fault::None,
                later: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_names_are_unique_and_the_first_show_every_stage() {
        let fleet = plan(45);
        let mut names: Vec<_> = fleet.iter().map(|p| p.name.clone()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 45);
        let first: Vec<_> = plan(3).into_iter().map(|p| p.setup).collect();
        assert_eq!(
            first,
            [
                Setup::Updating(UpdateAt::PreChecks),
                Setup::Updating(UpdateAt::Node(2)),
                Setup::Updating(UpdateAt::PausedOnError(3)),
            ]
        );
    }
}
