//! The engine: one per process, started one way ([`Engine::start`]) by every front end
//! that watches or changes clusters (the dashboard, the demo, `ontop serve`, `ontop
//! download`, `ontop packages delete`).
//!
//! It owns the pollers (one per cluster), the recorder (the only writer of the audit log
//! and the journal), the `max_running` gate and the inventory schedule, within an
//! open-file budget it sets itself ([`budget`]). It hands back one handle for commands
//! ([`Engine`]) and one stream of [`Update`]s. Every operation on a cluster is written
//! once, here: start, attach, queue and remove ([`operations`]), each followed by the one
//! [`crate::download::Tracker`] in its cluster's poller and recorded by the one recorder.
//! Front ends render updates and send commands; they decide nothing about an operation.
//!
//! ```text
//! config ─> Engine::start ─> pollers ─HTTP─> ONTAP      commands (start, remove,
//!              │   operations (tracker + recorder)      refresh, password, give up)
//!              └──> updates ─> Model ─> dashboard | CLI lines | /metrics, page, JSON
//! ```

pub(crate) mod budget;
mod journal_watch;
pub(crate) mod local_file;
mod operations;
mod options;
mod poller;
pub(crate) mod update;
pub(crate) mod upload;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_channel::mpsc::UnboundedSender;
use jiff::Timestamp;
use secrecy::SecretString;
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::{JoinHandle, JoinSet};

use crate::config::{Config, Credentials, Prompting};
use crate::download::audit::AuditLog;
use crate::download::journal::Journal;
use crate::download::queue::Gate;
use crate::download::sources::MirrorSource;
use crate::download::{Note, Notify, OperationKind, Recorder};
use crate::fleet;
use crate::ontap::{Client, OntapError};
use crate::state::{ClusterIdentity, Model};
use crate::sync::Lock;
use poller::{Command, Poller, PollerSetup, Shared};

pub use options::EngineOptions;
pub use options::EngineSetup;
pub(crate) use options::JOURNAL_EVERY;
pub use options::JournalUse;
pub use options::SoftwareReads;
pub use poller::Schedule;
pub(crate) use update::Again;
pub use update::LoginPause;
pub(crate) use update::Refused;
pub use update::Update;

/// Polls in flight across the whole fleet, at most: a poll holds its slot for a round
/// trip or two, so 256 keep ten thousand clusters polled every few seconds.
pub(crate) const POLLERS_MAX_IN_FLIGHT: usize = 256;
/// Updates buffered between the pollers and the model before pollers wait.
const UPDATE_BUFFER: usize = 1024;

/// The running engine: the handle every command goes through. Dropping it (or
/// [`Engine::shutdown`]) stops the pollers.
pub struct Engine {
    /// Each poller's commands. Most pollers never get one, so the queue costs little
    /// until used: tokio's channel set aside room for 32 when it was made (760 bytes a
    /// cluster, boxed), futures' allocates each command as it is sent.
    commands: Vec<UnboundedSender<Command>>,
    /// Each cluster's client, or why it has none; shared with its poller.
    clients: Vec<Result<Arc<Client>, OntapError>>,
    names: Vec<String>,
    /// Each cluster's labels (which mirror it fetches from).
    labels: Vec<BTreeMap<String, String>>,
    /// The site mirrors, first match wins.
    mirrors: Vec<MirrorSource>,
    recorder: Recorder,
    /// Requests under way (starts, removals) and queued starts: quitting waits for the
    /// sent ones to be answered and recorded, and gives up the queued ones.
    sends: Mutex<Vec<JoinHandle<()>>>,
    /// `max_running`: the places downloads started here take until they end.
    gate: Gate,
    /// Turns true when the front end stops: queued starts give up, never sent.
    closing: watch::Sender<bool>,
    /// Downloads followed from the journal or started here, so a re-read of the
    /// journal follows each only once.
    journal_seen: Arc<Mutex<std::collections::HashSet<(String, String)>>>,
    /// The updates' channel, for what no poller says (a retry after "temporarily
    /// locked").
    updates: mpsc::Sender<Update>,
    journaled: bool,
    /// Requests (starts, removals) on the wire at once, at most.
    request_slots: Arc<Semaphore>,
    /// The rate every upload from this host shares, when there is one.
    upload_rate: Option<Arc<upload::RateLimit>>,
    /// What stops one upload alone.
    upload_stops: upload::UploadStops,
    tasks: JoinSet<()>,
}

impl Engine {
    /// Starts the engine over `setup`: sets the open-file budget, starts one poller per
    /// cluster and the recorder, and (as `options` say) follows the journal's downloads.
    /// Updates arrive on the returned receiver.
    pub fn start(setup: EngineSetup, options: EngineOptions) -> (Self, mpsc::Receiver<Update>) {
        let (updates, receiver) = mpsc::channel(UPDATE_BUFFER);
        let count = setup.clusters.len();
        let budget = budget::Budget::for_fleet(count, options.reserved_files);
        if let Some(warning) = &budget.warning {
            // Logged here; each front end says it where its operator looks (the status
            // line, a command's stderr).
            tracing::warn!("{warning}");
            let _ = updates.try_send(Update::Warning {
                at: Timestamp::now(),
                text: warning.clone(),
            });
        }
        let names: Vec<String> = setup.clusters.iter().map(|(t, _)| t.name.clone()).collect();
        let labels = setup
            .clusters
            .iter()
            .map(|(t, _)| t.labels.clone())
            .collect();
        let index: HashMap<String, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect();
        let journaled = setup.journal.keeps();
        let recorder = Recorder::start(setup.audit, setup.journal, notes(index, updates.clone()));
        let in_flight = options
            .polls_in_flight
            .map_or(budget.in_flight, |n| n.min(budget.in_flight));
        let shared = |recorder: &Recorder, permits: &Permits| Shared {
            permits: permits.all.clone(),
            failing_permits: permits.failing.clone(),
            fresh_permits: permits.fresh.clone(),
            updates: updates.clone(),
            recorder: recorder.clone(),
        };
        let permits = Permits::new(in_flight, budget.fresh_in_flight);
        let mut tasks = JoinSet::new();
        let mut commands = Vec::with_capacity(count);
        let clients = setup
            .clusters
            .iter()
            .map(|(t, _)| t.client.clone())
            .collect();
        let started = tokio::time::Instant::now();
        for (index, (target, schedule)) in setup.clusters.into_iter().enumerate() {
            let fresh_connections = index >= budget.kept_alive;
            if let Ok(client) = &target.client {
                client.close_after_each_answer(fresh_connections);
            }
            let (tx, rx) = futures_channel::mpsc::unbounded();
            commands.push(tx);
            let poller = Poller::new(
                PollerSetup {
                    index,
                    target,
                    schedule,
                    fresh_connections,
                    login_retry: options.login_retry,
                    software: options.software,
                    started,
                },
                shared(&recorder, &permits),
                rx,
            );
            tasks.spawn(Box::new(poller).run());
        }
        let engine = Self {
            commands,
            clients,
            names,
            labels,
            mirrors: setup.mirrors,
            recorder,
            sends: Mutex::new(Vec::new()),
            gate: Gate::new(options.max_running),
            closing: watch::channel(false).0,
            updates: updates.clone(),
            journal_seen: Arc::default(),
            journaled,
            request_slots: Arc::new(Semaphore::new(crate::download::MAX_CONCURRENT_STARTS)),
            upload_rate: options
                .upload_rate
                .map(|rate| Arc::new(upload::RateLimit::new(rate))),
            upload_stops: upload::UploadStops::default(),
            tasks,
        };
        let engine = engine.with_journal(options.journal);
        (engine, receiver)
    }

    /// An engine over the configured clusters, recording in `data_dir`; the model of
    /// what is known of them before any poll comes with it. Credentials are resolved
    /// here (a password prompt can still be answered); from here on a source that needs
    /// a prompt after a 401 is an error on its cluster instead.
    pub(crate) fn from_config(
        config: &Config,
        credentials: &Arc<Credentials>,
        data_dir: Option<&Path>,
        session: fleet::Session,
        mut options: EngineOptions,
    ) -> (Self, mpsc::Receiver<Update>, Model) {
        let mut targets = fleet::targets_from_config(config, credentials, session);
        fleet::targets::with_reauth(&mut targets, config, credentials);
        credentials.set_prompting(Prompting::Never);
        let schedules = config
            .clusters
            .iter()
            .map(|c| Schedule::every(c.poll_interval).with_inventory(c.packages_interval));
        options.max_running = options.max_running.or(config.download.max_running);
        options.upload_rate = options.upload_rate.or(config.download.upload_rate);
        let setup = EngineSetup {
            clusters: targets.into_iter().zip(schedules).collect(),
            audit: AuditLog::new(data_dir),
            journal: Journal::open(data_dir),
            mirrors: mirror_sources(config, credentials),
        };
        let (engine, updates) = Self::start(setup, options);
        let mut model = Model::new(identities(config));
        model.validate = config.validate.clone();
        (engine, updates, model)
    }

    /// Whether the journal keeps followed downloads for the next ontop (not in the demo).
    pub(crate) fn journaled(&self) -> bool {
        self.journaled
    }

    /// The site mirrors, without their passwords: what a confirmation groups targets
    /// by.
    pub(crate) fn mirrors(&self) -> Vec<MirrorSource> {
        self.mirrors.iter().map(MirrorSource::shown).collect()
    }

    /// Polls `cluster` now (`r`), or every cluster (`R`).
    pub fn refresh(&self, cluster: Option<usize>) {
        match cluster {
            Some(cluster) => self.send(cluster, Command::Refresh),
            None => (0..self.commands.len()).for_each(|c| self.send(c, Command::Refresh)),
        }
    }

    /// `r` asked twice on a paused cluster: sends the refused login once more.
    pub fn retry_login(&self, cluster: usize) {
        self.send(cluster, Command::RetryLogin);
    }

    /// Reads `cluster`'s package repository now.
    pub fn fetch_packages(&self, cluster: usize) {
        self.send(cluster, Command::FetchPackages);
    }

    /// Logs in to `clusters` with `password` from now on (typed after a refused login);
    /// where the cluster refused it before, only when `refused` says to send it again.
    pub(crate) fn set_password(
        &self,
        clusters: &[usize],
        password: &SecretString,
        refused: Refused,
    ) {
        for &cluster in clusters {
            let password = password.clone();
            self.send(cluster, Command::Password { password, refused });
        }
    }

    /// Stops following the operation of `kind` on `cluster` (a `--timeout`): it ends as
    /// given up and is recorded so (the journal keeps a download for a later ontop).
    pub(crate) fn give_up(&self, cluster: usize, kind: OperationKind, reason: String) {
        self.send(cluster, Command::GiveUp(kind, reason));
    }

    /// Requests under way: sent and not yet answered, or queued in ontop.
    pub fn sends_in_flight(&self) -> usize {
        let sends = self.sends.locked();
        sends.iter().filter(|t| !t.is_finished()).count()
    }

    /// Before the front end stops: queued starts give up (never sent), requests on the
    /// wire get at most `grace` to be answered and recorded, and the recorder at most
    /// `grace` more to write what it was given. Says how it went.
    pub async fn finish(&self, grace: Duration) -> Finished {
        let _ = self.closing.send(true);
        let pending: Vec<_> = {
            let mut sends = self.sends.locked();
            std::mem::take(&mut *sends)
        };
        let deadline = tokio::time::Instant::now() + grace;
        let mut unanswered = 0;
        for task in pending {
            if tokio::time::timeout_at(deadline, task).await.is_err() {
                unanswered += 1;
            }
        }
        let recorded = self.recorder.flush(grace).await;
        Finished {
            unanswered,
            recorded,
        }
    }

    /// Stops every poller, abandoning requests in flight.
    pub fn shutdown(mut self) {
        self.tasks.abort_all();
    }

    fn send(&self, cluster: usize, command: Command) {
        if let Some(tx) = self.commands.get(cluster) {
            let _ = tx.unbounded_send(command);
        }
    }

    /// Keeps `task` (a request under way) for [`Engine::finish`].
    fn keep(&self, task: JoinHandle<()>) {
        let mut sends = self.sends.locked();
        sends.retain(|t| !t.is_finished());
        sends.push(task);
    }
}

/// How [`Engine::finish`] went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finished {
    /// Requests on the wire that got no answer in the grace time (their audit answer
    /// line may be missing).
    pub unanswered: usize,
    /// The recorder wrote everything in time.
    pub recorded: bool,
}

/// The request slots the pollers share.
struct Permits {
    all: Arc<Semaphore>,
    failing: Arc<Semaphore>,
    fresh: Arc<Semaphore>,
}

impl Permits {
    /// `in_flight` polls at once, a quarter of them for failing clusters (often hung:
    /// each poll holds its slot for the whole timeout), which queue for slots of their
    /// own so they never starve the others; `fresh` for clusters past the budget.
    fn new(in_flight: usize, fresh: usize) -> Self {
        Self {
            all: Arc::new(Semaphore::new(in_flight.max(1))),
            failing: Arc::new(Semaphore::new((in_flight / 4).max(1))),
            fresh: Arc::new(Semaphore::new(fresh.max(1))),
        }
    }
}

/// The config's site mirrors, each with its password resolved; a mirror whose password
/// cannot be had is left out, and said once (its clusters fetch from the URL as given).
fn mirror_sources(config: &Config, credentials: &Credentials) -> Vec<MirrorSource> {
    let mut sources = Vec::new();
    for (index, mirror) in config.download.mirrors.iter().enumerate() {
        let scope = format!("[[download.mirror]] #{}", index + 1);
        let password = match &mirror.credential {
            None => None,
            Some(source) => match credentials.password_from(source, &scope) {
                Ok(password) => Some(password),
                Err(e) => {
                    crate::output::warn(&format!(
                        "{e}: the clusters of {} fetch from the URL as given",
                        mirror.selector()
                    ));
                    continue;
                }
            },
        };
        sources.push(MirrorSource {
            labels: mirror.labels.clone(),
            base: mirror.base.clone(),
            username: mirror.username.clone(),
            password,
        });
    }
    sources
}

/// What the model knows of each configured cluster before any poll.
pub(crate) fn identities(config: &Config) -> Vec<ClusterIdentity> {
    let identity = |c: &crate::config::ClusterConfig| ClusterIdentity {
        name: c.name.clone(),
        url: c.url.to_string(),
        labels: c.labels.clone(),
        // The session-wide --read-only is shown once in the header; the row badge is
        // for clusters that are read-only in the config.
        read_only: c.read_only,
        insecure: c.insecure,
        poll_interval: c.poll_interval,
        username: c.username.clone(),
    };
    config.clusters.iter().map(identity).collect()
}

/// Turns the recorder's notes into updates for the model; run on the recorder's thread.
fn notes(names: HashMap<String, usize>, updates: mpsc::Sender<Update>) -> Notify {
    Arc::new(move |note| {
        let at = Timestamp::now();
        let update = match note {
            Note::RecordFailed { cluster, error } => Update::RecordFailed {
                cluster: names.get(&cluster).copied(),
                at,
                error: error.to_string(),
            },
            Note::Warning(text) => Update::Warning { at, text },
        };
        // The recorder's own thread, not a runtime's: waiting here blocks no task.
        let _ = updates.blocking_send(update);
    })
}
