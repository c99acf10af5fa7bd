//! `ontop demo`: the product on an embedded simulated fleet.
//!
//! It starts the simulator's demo scenario in-process on loopback (HTTPS, ephemeral
//! ports) and points the same engine at it that a real config would, so a new user sees
//! every state at once without a config file or a network. A build without the `sim`
//! feature has no simulator; its `demo` and `sim` commands say how to get one.

/// What `ontop demo` and `ontop sim` say in a build without the simulator.
#[cfg(not(feature = "sim"))]
pub(crate) const NOT_BUILT_IN: &str = "this ontop was built without the simulator (the `sim` \
     feature), so `ontop demo` and `ontop sim` are not available; build it with the default \
     features: cargo build --release (or cargo install --path . from a clone)";

#[cfg(feature = "sim")]
pub(crate) use embedded::{dashboard, start_fleet};

#[cfg(feature = "sim")]
mod embedded {
    use std::sync::Arc;
    use std::time::Duration;

    use ontop_sim::{Scenario, SimError, SimFleet, SimOptions};
    use secrecy::SecretString;

    use crate::download::audit::AuditLog;
    use crate::download::journal::Journal;
    use crate::download::sources::MirrorSource;
    use crate::engine::{Engine, EngineOptions, EngineSetup, Schedule};
    use crate::fleet::{Session, Target};
    use crate::launch::{INVENTORY_EVERY, ScreenOptions};
    use crate::ontap::{Client, ClientSettings, ErrorKind, OntapError, TlsTrust};
    use crate::state::{ClusterIdentity, Model};
    use crate::tui::{DashboardSetup, FormDefaults};

    /// Per-request timeout in the demo: long enough for the "slow" cluster to answer,
    /// short enough that the "hung" one does not hold a new user's first look for half
    /// a minute.
    pub(crate) const DEMO_TIMEOUT: Duration = Duration::from_secs(6);

    /// The demo fleet polls faster than a real one so that a first look feels alive.
    pub(crate) const DEMO_POLL_INTERVAL: Duration = Duration::from_secs(2);

    /// Starts the demo fleet with `clusters` clusters.
    pub(crate) async fn start_fleet(clusters: usize) -> Result<SimFleet, SimError> {
        SimFleet::start(SimOptions {
            clusters,
            scenario: Scenario::Demo,
            ..SimOptions::default()
        })
        .await
    }

    /// A dashboard over the demo fleet. Its downloads go to simulated clusters that
    /// vanish when it exits, so they are neither audited nor journaled.
    pub(crate) fn dashboard(sim: &SimFleet, options: ScreenOptions) -> DashboardSetup {
        let targets = targets(sim, Session::from_flag(options.read_only));
        let identities = sim.clusters().into_iter().map(|c| ClusterIdentity {
            name: c.name,
            url: c.url,
            labels: c.labels.into_iter().collect(),
            poll_interval: DEMO_POLL_INTERVAL,
            username: sim.username().to_string(),
            ..ClusterIdentity::default()
        });
        let schedule = Schedule::every(DEMO_POLL_INTERVAL).with_inventory(INVENTORY_EVERY);
        let (engine, updates) = Engine::start(
            EngineSetup {
                clusters: targets.into_iter().map(|t| (t, schedule)).collect(),
                audit: AuditLog::disabled(),
                journal: Journal::open(None),
                mirrors: mirrors(sim),
            },
            EngineOptions::default(),
        );
        DashboardSetup {
            model: Model::new(identities),
            engine,
            updates,
            config_label: "demo (simulated fleet on loopback)".to_string(),
            options,
            form: FormDefaults {
                url: Some(sim.default_package_url()),
                username: None,
            },
        }
    }

    /// The demo's site mirrors (its `ams` site has a package server of its own).
    pub(crate) fn mirrors(sim: &SimFleet) -> Vec<MirrorSource> {
        sim.mirrors()
            .into_iter()
            .filter_map(|m| {
                Some(MirrorSource {
                    labels: m.labels.into_iter().collect(),
                    base: m.base.parse().ok()?,
                    username: None,
                    password: None,
                })
            })
            .collect()
    }

    /// One target per simulated cluster, trusting exactly the simulator's CA (its
    /// clients refuse every change in a [`Session::ReadOnly`]).
    pub(crate) fn targets(fleet: &SimFleet, session: Session) -> Vec<Target> {
        let trust = match fleet.ca_pem() {
            Some(pem) => TlsTrust::CaPem(pem.as_bytes().to_vec()),
            None => TlsTrust::System,
        };
        fleet
            .clusters()
            .into_iter()
            .map(|cluster| {
                let client = reqwest::Url::parse(&cluster.url)
                    .map_err(|e| e.to_string())
                    .and_then(|url| {
                        Client::new(ClientSettings {
                            name: cluster.name.clone(),
                            url,
                            username: fleet.username().to_string(),
                            password: SecretString::from(fleet.password().to_string()),
                            trust: trust.clone(),
                            tls_server_name: None,
                            timeout: DEMO_TIMEOUT,
                            connect_timeout: DEMO_TIMEOUT,
                            read_only: session == Session::ReadOnly,
                        })
                        .map_err(|e| e.to_string())
                    })
                    .map(Arc::new)
                    .map_err(|message| OntapError {
                        cluster: cluster.name.clone(),
                        kind: ErrorKind::Connect,
                        http_status: None,
                        code: None,
                        message,
                        target: None,
                        unanswered: false,
                    });
                Target {
                    name: cluster.name,
                    url: cluster.url,
                    labels: cluster.labels.into_iter().collect(),
                    client,
                    reauth: None,
                }
            })
            .collect()
    }
}
