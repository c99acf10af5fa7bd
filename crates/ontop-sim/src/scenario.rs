//! Which clusters a run starts with, and in what condition.
//!
//! `idle` is the quiet fleet tests want: `sim-1`..`sim-N`, all healthy, no
//! download yet. `demo` is a fleet worth looking at: descriptive names and one
//! cluster in each condition a dashboard must show (downloading, done, failed,
//! slow, down, refusing the login, going quiet after a while, too old to take an
//! upload), reached through the real state machine where it can be (real downloads that
//! run, finish or fail), two clusters mid-way through a maintenance window, and an `ams`
//! site with a package mirror of its own. `window` is a fleet in its maintenance window:
//! updates at every stage (`scenario/window.rs`).

mod window;

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use super::cluster::UpdateAt;
use super::fault::Fault;

/// The shape of the fleet a run starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scenario {
    /// `sim-1`..`sim-N`, healthy, nothing downloaded.
    #[default]
    Idle,
    /// A mixed fleet with descriptive names, one cluster per interesting condition.
    Demo,
    /// A maintenance window: clusters of two HA pairs updating, at every stage.
    Window,
}

impl FromStr for Scenario {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "idle" => Ok(Scenario::Idle),
            "demo" => Ok(Scenario::Demo),
            "window" => Ok(Scenario::Window),
            other => Err(format!(
                "unknown scenario {other:?}; valid scenarios are: idle, demo, window"
            )),
        }
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scenario::Idle => "idle",
            Scenario::Demo => "demo",
            Scenario::Window => "window",
        })
    }
}

/// What a cluster is doing when the run starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Setup {
    /// Nothing: download `not_started`.
    Idle,
    /// A real, long download in progress.
    Downloading,
    /// A real download that completes at once: package present, status success.
    Succeeded,
    /// A real download of a missing URL: fails with 10551885.
    Failed,
    /// Two HA pairs, the default package downloaded and validated, no update yet.
    Validated,
    /// Like `Validated`, with an update to the default package at this stage.
    Updating(UpdateAt),
}

/// One cluster of the starting fleet.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub(crate) name: String,
    pub(crate) version: &'static str,
    pub(crate) setup: Setup,
    pub(crate) fault: Fault,
    /// A fault the cluster takes a while after the start: (after how long, which).
    pub(crate) later: Option<(Duration, Fault)>,
    /// `env` and `site`, read off a demo name (`prod-ams-1`).
    pub(crate) labels: Vec<(String, String)>,
}

/// The version every idle cluster runs: older than [`crate::DEFAULT_PACKAGE`]'s, so that
/// a fresh fleet has something to download.
pub(crate) const DEFAULT_VERSION: &str = "9.15.1P7";

/// The demo's hand-picked clusters, in the order they are handed out.
const DEMO: [(&str, &str, Setup, DemoFault); 12] = [
    ("prod-ams-1", "9.15.1P7", Setup::Idle, DemoFault::None),
    (
        "prod-ams-2",
        "9.15.1P7",
        Setup::Downloading,
        DemoFault::None,
    ),
    // Holds the package, not validated yet: `v` there finds an error (High Availability).
    (
        "prod-nyc-1",
        "9.15.1P7",
        Setup::Succeeded,
        DemoFault::ValidationError,
    ),
    ("dr-fra-1", "9.14.1P9", Setup::Failed, DemoFault::None),
    ("lab-sfo-1", "9.14.1P9", Setup::Idle, DemoFault::Slow),
    ("test-lon-1", "9.15.1P7", Setup::Idle, DemoFault::Down),
    (
        "edge-syd-1",
        "9.14.1P9",
        Setup::Idle,
        DemoFault::Unauthorized,
    ),
    // Answers at first, then stops answering: its row goes STALE while you watch.
    (
        "dev-tok-1",
        "9.15.1P7",
        Setup::Idle,
        DemoFault::QuietAfter(20),
    ),
    // A maintenance window mid-way: one updating its second node, one paused on an error.
    (
        "prod-chi-1",
        "9.15.1P7",
        Setup::Updating(UpdateAt::Node(2)),
        DemoFault::None,
    ),
    (
        "prod-par-1",
        "9.15.1P7",
        Setup::Updating(UpdateAt::PausedOnError(3)),
        DemoFault::None,
    ),
    // Older than 9.8: no upload endpoint, so it needs a URL to fetch from.
    ("lab-par-1", OLDEST_VERSION, Setup::Idle, DemoFault::None),
    // Validated for the window, with warnings to read (NFS mounts, switch support).
    (
        "prod-sin-1",
        "9.15.1P7",
        Setup::Validated,
        DemoFault::ValidationWarning,
    ),
];

/// The demo's oldest release: before 9.8, it takes no uploads.
pub(crate) const OLDEST_VERSION: &str = "9.7.0";

/// The demo's sites with a package server of their own (a mirror of the default one).
const DEMO_MIRRORED: [&str; 1] = ["ams"];

/// The sites of `scenario` whose clusters fetch from a mirror of their own.
pub(crate) fn mirrored_sites(scenario: Scenario) -> &'static [&'static str] {
    match scenario {
        Scenario::Idle | Scenario::Window => &[],
        Scenario::Demo => &DEMO_MIRRORED,
    }
}

#[derive(Debug, Clone, Copy)]
enum DemoFault {
    None,
    Slow,
    Down,
    Unauthorized,
    /// Healthy for this many seconds, then hung.
    QuietAfter(u64),
    /// A validation there finds warnings (the one it starts with, too).
    ValidationWarning,
    /// A validation there finds an error.
    ValidationError,
}

const ENVS: [&str; 6] = ["prod", "dr", "lab", "test", "edge", "dev"];
const SITES: [&str; 10] = [
    "ams", "nyc", "fra", "sfo", "lon", "syd", "tok", "sin", "par", "chi",
];

/// The starting fleet of `clusters` clusters for `scenario`.
pub(crate) fn plan(scenario: Scenario, clusters: usize) -> Vec<Planned> {
    match scenario {
        Scenario::Idle => (1..=clusters)
            .map(|i| Planned {
                name: format!("sim-{i}"),
                version: DEFAULT_VERSION,
                setup: Setup::Idle,
                fault: Fault::None,
                later: None,
                labels: Vec::new(),
            })
            .collect(),
        Scenario::Demo => demo(clusters),
        Scenario::Window => window::plan(clusters),
    }
}

fn demo(clusters: usize) -> Vec<Planned> {
    let mut fleet: Vec<Planned> = DEMO
        .iter()
        .take(clusters)
        .map(|&(name, version, setup, fault)| Planned {
            name: name.to_string(),
            version,
            setup,
            fault: match fault {
                DemoFault::None | DemoFault::QuietAfter(_) => Fault::None,
                DemoFault::Slow => Fault::Latency(Duration::from_secs(3)),
                DemoFault::Down => Fault::Down,
                DemoFault::Unauthorized => Fault::Unauthorized,
                DemoFault::ValidationWarning => Fault::ValidationWarning,
                DemoFault::ValidationError => Fault::ValidationError,
            },
            later: match fault {
                DemoFault::QuietAfter(secs) => Some((Duration::from_secs(secs), Fault::Hang)),
                _ => None,
            },
            labels: labels_of(name),
        })
        .collect();
    // More clusters: every env at every site, numbered, skipping names in use; all on
    // releases older than the default package's.
    let versions = ["9.15.1P7", "9.14.1P9", "9.13.1P12"];
    let mut n = 1;
    while fleet.len() < clusters {
        for site in SITES {
            for env in ENVS {
                if fleet.len() >= clusters {
                    break;
                }
                let name = format!("{env}-{site}-{n}");
                if fleet.iter().all(|p| p.name != name) {
                    let version = versions[fleet.len() % versions.len()];
                    fleet.push(Planned {
                        name,
                        version,
                        setup: Setup::Idle,
                        fault: Fault::None,
                        later: None,
                        labels: vec![
                            ("env".to_string(), env.to_string()),
                            ("site".to_string(), site.to_string()),
                        ],
                    });
                }
            }
        }
        n += 1;
    }
    fleet
}

/// `env` and `site` of a demo name: `prod-ams-1` is env=prod, site=ams.
fn labels_of(name: &str) -> Vec<(String, String)> {
    let mut parts = name.split('-');
    match (parts.next(), parts.next()) {
        (Some(env), Some(site)) => vec![
            ("env".to_string(), env.to_string()),
            ("site".to_string(), site.to_string()),
        ],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_names_are_unique_and_counted() {
        let fleet = plan(Scenario::Demo, 150);
        assert_eq!(fleet.len(), 150);
        let mut names: Vec<_> = fleet.iter().map(|p| p.name.clone()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 150);
        assert_eq!(plan(Scenario::Demo, 3).len(), 3);
        let labels = &plan(Scenario::Demo, 1)[0].labels;
        assert_eq!(labels[0], ("env".to_string(), "prod".to_string()));
        assert_eq!(labels[1], ("site".to_string(), "ams".to_string()));
    }

    #[test]
    fn idle_clusters_run_older_than_the_default_package() {
        let package = crate::cluster::version_from_file(crate::DEFAULT_PACKAGE);
        for scenario in [Scenario::Idle, Scenario::Demo] {
            for planned in plan(scenario, 40) {
                if planned.setup == Setup::Idle {
                    assert!(older(planned.version, &package), "{}", planned.name);
                }
            }
        }
    }

    /// `9.15.1P7` < `9.16.1P3`: numbers compared part by part, the patch last.
    fn older(a: &str, b: &str) -> bool {
        let key = |v: &str| -> Vec<u64> {
            v.split(['.', 'P'])
                .map(|n| n.parse().unwrap_or(0))
                .collect()
        };
        key(a) < key(b)
    }
}
