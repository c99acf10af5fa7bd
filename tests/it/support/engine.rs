//! The engine over a simulated fleet, as every front end starts it (`Engine::start`), and
//! a model fed by its updates: what a test needs to drive operations and read the one
//! fact each front end shows.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ontop::testing::download::audit::AuditLog;
use ontop::testing::download::journal::Journal;
use ontop::testing::download::{Followed, OperationKind, Plan, Planned};
use ontop::testing::engine::{Engine, EngineOptions, EngineSetup, Schedule, Update};
use ontop::testing::fleet::Target;
use ontop::testing::ontap::Client;
use ontop::testing::state::{ClusterIdentity, Model};
use ontop_sim::SimFleet;
use tokio::sync::mpsc::Receiver;

use super::fleet::{client_with, fleet_trust};

/// How often the test engines poll: fast, so that tests end quickly.
pub(crate) const INTERVAL: Duration = Duration::from_millis(100);

/// How a test engine is set up.
pub(crate) struct Setup {
    pub interval: Duration,
    pub timeout: Duration,
    pub read_only: bool,
    pub options: EngineOptions,
    /// Read the repository every this often (the inventory), besides the first answer.
    pub inventory: Option<Duration>,
    /// The site mirrors starts fetch from.
    pub mirrors: Vec<ontop::testing::download::sources::MirrorSource>,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            interval: INTERVAL,
            timeout: Duration::from_secs(5),
            read_only: false,
            options: EngineOptions::default(),
            inventory: Some(Duration::from_secs(600)),
            mirrors: Vec::new(),
        }
    }
}

/// A running engine and the model its updates keep.
pub(crate) struct Harness {
    pub engine: Engine,
    pub updates: Receiver<Update>,
    pub model: Model,
    /// Every update applied so far, in order.
    pub seen: Vec<Update>,
    /// How long a wait for an update may take before the test fails (30 s; a paused
    /// clock's tests wait longer, for they wait in no time).
    pub bound: Duration,
}

/// A client for cluster `index`, read-only when asked.
fn client(fleet: &SimFleet, index: usize, setup: &Setup) -> Client {
    let client = client_with(
        fleet,
        index,
        fleet_trust(fleet),
        fleet.password(),
        setup.timeout,
    );
    if !setup.read_only {
        return client;
    }
    let cluster = &fleet.clusters()[index];
    Client::new(ontop::testing::ontap::ClientSettings {
        name: cluster.name.clone(),
        url: cluster.url.parse().unwrap(),
        username: fleet.username().to_string(),
        password: secrecy::SecretString::from(fleet.password().to_string()),
        trust: fleet_trust(fleet),
        tls_server_name: None,
        timeout: setup.timeout,
        connect_timeout: setup.timeout,
        read_only: true,
    })
    .unwrap()
}

/// The engine over `fleet`, recording in `dir`, or nowhere (as the demo does) for `None`.
pub(crate) fn engine(
    fleet: &SimFleet,
    dir: Option<&Path>,
    tweak: impl FnOnce(&mut Setup),
) -> Harness {
    let mut setup = Setup::default();
    tweak(&mut setup);
    let targets = (0..fleet.clusters().len())
        .map(|i| {
            let cluster = &fleet.clusters()[i];
            Target {
                name: cluster.name.clone(),
                url: cluster.url.clone(),
                labels: cluster.labels.iter().cloned().collect(),
                client: Ok(Arc::new(client(fleet, i, &setup))),
                reauth: None,
            }
        })
        .collect();
    engine_over(fleet, targets, dir, setup)
}

/// The engine over `targets` (of `fleet`), as `setup` says.
pub(crate) fn engine_over(
    fleet: &SimFleet,
    targets: Vec<Target>,
    dir: Option<&Path>,
    setup: Setup,
) -> Harness {
    let clusters = targets
        .into_iter()
        .map(|target| {
            let mut schedule = Schedule::every(setup.interval);
            if let Some(every) = setup.inventory {
                schedule = schedule.with_inventory(every);
            }
            (target, schedule)
        })
        .collect();
    let (audit, journal) = match dir {
        Some(dir) => (AuditLog::new(Some(dir)), Journal::open(Some(dir))),
        None => (AuditLog::disabled(), Journal::open(None)),
    };
    let (engine, updates) = Engine::start(
        EngineSetup {
            clusters,
            audit,
            journal,
            mirrors: setup.mirrors,
        },
        setup.options,
    );
    let model = Model::new(fleet.clusters().into_iter().map(|c| ClusterIdentity {
        name: c.name,
        url: c.url,
        poll_interval: setup.interval,
        username: "admin".into(),
        ..ClusterIdentity::default()
    }));
    Harness {
        engine,
        updates,
        model,
        seen: Vec::new(),
        bound: Duration::from_secs(30),
    }
}

impl Harness {
    /// Applies updates until `done` holds (each within [`Harness::bound`]: a bound, not a
    /// timing claim).
    pub(crate) async fn until(
        &mut self,
        what: &str,
        mut done: impl FnMut(&Model, &Update) -> bool,
    ) {
        loop {
            let update = tokio::time::timeout(self.bound, self.updates.recv())
                .await
                .unwrap_or_else(|_| panic!("the engine said it in time: {what}"))
                .expect("the engine runs");
            self.model.apply(update.clone());
            self.seen.push(update.clone());
            if done(&self.model, &update) {
                return;
            }
        }
    }

    /// The next update, applied (within [`Harness::bound`]).
    pub(crate) async fn next(&mut self) -> Update {
        let update = tokio::time::timeout(self.bound, self.updates.recv())
            .await
            .expect("an update in time")
            .expect("the engine runs");
        self.model.apply(update.clone());
        self.seen.push(update.clone());
        update
    }

    /// Waits until every cluster answered once (and its repository was read).
    pub(crate) async fn answered(&mut self) {
        self.until("every cluster answered", |m, _| {
            m.clusters
                .iter()
                .all(|c| c.last_success.is_some() && c.packages.is_some())
        })
        .await;
    }

    /// The operation of `kind` on `cluster`, as the model holds it.
    pub(crate) fn op(&self, cluster: usize, kind: OperationKind) -> Option<&Followed> {
        self.model.clusters[cluster].operation(kind)
    }

    /// Waits until the operation of `kind` on `cluster` ended; returns it.
    pub(crate) async fn ended(&mut self, cluster: usize, kind: OperationKind) -> Followed {
        self.until("the operation ended", |m, _| {
            m.clusters[cluster]
                .operation(kind)
                .is_some_and(|f| f.ending().is_some())
        })
        .await;
        self.op(cluster, kind).cloned().unwrap()
    }
}

/// A plan that sends a start to `targets` and attaches to `attach` (by index).
pub(crate) fn plan(fleet: &SimFleet, targets: &[usize], attach: &[usize]) -> Plan {
    let name = |&cluster: &usize| Planned {
        cluster,
        name: fleet.clusters()[cluster].name.clone(),
    };
    Plan {
        targets: targets.iter().map(name).collect(),
        attach: attach.iter().map(name).collect(),
        skipped: Vec::new(),
    }
}

/// The audit log in `dir`, one JSON value per line.
pub(crate) fn audit_lines(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("audit.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// POSTs (and other changes) the cluster received.
pub(crate) fn changes(fleet: &SimFleet, cluster: &str) -> usize {
    fleet
        .request_log(cluster)
        .iter()
        .filter(|r| r.method != "GET")
        .count()
}

/// The targets of `fleet`'s config with each cluster's password read from one
/// `password_file` in `dir` (holding `password`), as `ontop` builds them: a refused login
/// can be fixed by rewriting that file. The file's path comes back too.
pub(crate) async fn password_file_targets(
    fleet: &SimFleet,
    dir: &Path,
    password: &str,
) -> (Vec<Target>, std::path::PathBuf) {
    use ontop::testing::config::{Credentials, Prompting, load_from};
    use ontop::testing::fleet::targets::{Session, targets_from_config, with_reauth};
    let config_path = dir.join("fleet.toml");
    fleet.write_config(&config_path).await.unwrap();
    let password_file = dir.join("pw");
    std::fs::write(&password_file, format!("{password}\n")).unwrap();
    super::config::chmod(&password_file, 0o600);
    let source = format!("password_file = {:?}", password_file.display().to_string());
    let text: String = std::fs::read_to_string(&config_path)
        .unwrap()
        .lines()
        .map(|l| match l.starts_with("password = ") {
            true => format!("{source}\n"),
            false => format!("{l}\n"),
        })
        .collect();
    std::fs::write(&config_path, text).unwrap();
    let config = load_from(&config_path).unwrap();
    let credentials = Arc::new(Credentials::new(Prompting::Never));
    let mut targets = targets_from_config(&config, &credentials, Session::AsConfigured);
    with_reauth(&mut targets, &config, &credentials);
    (targets, password_file)
}
