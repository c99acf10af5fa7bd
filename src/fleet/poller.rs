//! One polling task per cluster, and the handle the dashboard steers them with.
//!
//! Each poller owns its cluster's client (one kept-alive connection), polls on its own
//! jittered interval, backs off while the cluster fails, and sends what it sees as
//! [`Event`]s over one bounded channel. Pollers share nothing but a cap on requests in
//! flight, so a hung or slow cluster only ever delays itself. A poller also drives the
//! download engine's [`Tracker`] for its cluster (see `following.rs`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use secrecy::SecretString;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until};

use super::event::Event;
use super::following::Following;
use super::targets::Target;
use crate::download::queue::{Gate, Slot};
use crate::download::{Recorder, StartOutcome, Tracker, Want};
use crate::ontap::{CertificateFacts, Client, OntapError};

/// Polls in flight across the whole fleet, by default: a poll holds its slot for a
/// round trip or two, so 256 keep ten thousand clusters polled every few seconds, and
/// they are 256 connections out of a jump host's thousands.
pub const POLLERS_MAX_IN_FLIGHT: usize = 256;
/// The longest wait between polls of a failing cluster.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// Identity and version are asked on the first poll and then every this many polls.
const INFO_EVERY: u32 = 20;
/// Events buffered between the pollers and the model before pollers wait.
const EVENT_BUFFER: usize = 1024;

/// What the dashboard (or the engine's start task) can ask of one poller.
#[derive(Debug)]
pub enum Command {
    /// Poll now, whatever the schedule or backoff says.
    Refresh,
    /// Follow this download from now on (a start asked for, attached, or resumed).
    Follow(Box<Tracker>),
    /// The cluster answered the start request of the download being followed; with the
    /// download's place under `max_running`, held until it ends.
    Answered(Box<StartOutcome>, Option<Slot>),
    /// Ask for the packages on the cluster (for the details pane).
    FetchPackages,
    /// Log in with this password from now on (typed after a refused login), and poll;
    /// with `again`, even when the cluster refused it before (the operator asked twice).
    Password { password: SecretString, again: bool },
    /// `r` asked twice: send the refused login (or the source's refused password) anyway.
    RetryLogin,
}

/// The running pollers. Dropping it stops them all.
pub struct Fleet {
    pub(super) commands: Vec<mpsc::UnboundedSender<Command>>,
    /// Each cluster's client, or why it has none; shared with its poller.
    pub(super) clients: Vec<Result<Arc<Client>, OntapError>>,
    /// Where every start, attachment and end is recorded.
    pub(super) recorder: Recorder,
    /// Download starts under way (see `starts.rs`); quitting waits for them to be
    /// answered and recorded.
    pub(super) starts: std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>,
    /// `max_running`: the places downloads started here take until they end.
    pub(super) gate: Gate,
    /// Turns true when the dashboard quits: queued starts give up, never sent.
    pub(super) closing: tokio::sync::watch::Sender<bool>,
    /// Where package removals are audited (see `removals.rs`).
    pub(super) removal_audit: Arc<crate::download::audit::AuditLog>,
    /// The model's channel, for what no poller says (removals).
    pub(super) events: mpsc::Sender<Event>,
    tasks: JoinSet<()>,
}

/// What a poller shares with the rest of the fleet: the request slots, the event
/// channel, the recorder.
pub(super) struct Shared {
    permits: Arc<Semaphore>,
    /// The smaller pool a cluster polls from while it is failing.
    failing_permits: Arc<Semaphore>,
    events: mpsc::Sender<Event>,
    recorder: Recorder,
}

impl Fleet {
    /// Starts one poller per target, recording through a recorder over `records`;
    /// events arrive on the returned receiver.
    pub fn spawn(
        targets: Vec<(Target, Schedule)>,
        max_in_flight: usize,
        records: (
            crate::download::audit::AuditLog,
            crate::download::journal::Journal,
        ),
    ) -> (Self, mpsc::Receiver<Event>) {
        let (events, receiver) = mpsc::channel(EVENT_BUFFER);
        let names: HashMap<String, usize> = targets
            .iter()
            .enumerate()
            .map(|(i, (t, _))| (t.name.clone(), i))
            .collect();
        let recorder = Recorder::start(
            records.0,
            records.1,
            super::event::notes_to_events(names, events.clone()),
        );
        let permits = Arc::new(Semaphore::new(max_in_flight.max(1)));
        // Failing clusters (often hung: each poll holds its slot for the whole timeout)
        // queue for slots of their own, so they can never starve the healthy ones.
        let failing_permits = Arc::new(Semaphore::new((max_in_flight / 4).max(1)));
        let mut tasks = JoinSet::new();
        let mut commands = Vec::with_capacity(targets.len());
        let clients = targets.iter().map(|(t, _)| t.client.clone()).collect();
        for (index, (target, schedule)) in targets.into_iter().enumerate() {
            let (tx, rx) = mpsc::unbounded_channel();
            commands.push(tx);
            let poller = Poller {
                index,
                following: Following::new(index, target.name.clone()),
                target,
                schedule,
                shared: Shared {
                    permits: permits.clone(),
                    failing_permits: failing_permits.clone(),
                    events: events.clone(),
                    recorder: recorder.clone(),
                },
                commands: rx,
                have_info: false,
                failures: 0,
                polls: 0,
                certificate: None,
                paused: false,
                packages_read: None,
                last_state: None,
            };
            tasks.spawn(poller.run());
        }
        let fleet = Self {
            commands,
            clients,
            recorder,
            starts: std::sync::Mutex::new(Vec::new()),
            gate: Gate::new(None),
            closing: tokio::sync::watch::channel(false).0,
            removal_audit: Arc::new(crate::download::audit::AuditLog::new(None)),
            events: events.clone(),
            tasks,
        };
        (fleet, receiver)
    }

    /// At most `max` downloads started here run at once (`[download] max_running`); the
    /// others wait in ontop as queued.
    pub fn set_max_running(&mut self, max: Option<usize>) {
        self.gate = Gate::new(max);
    }

    /// Sends a command to one cluster's poller (ignored for an unknown index).
    pub fn send(&self, cluster: usize, command: Command) {
        if let Some(tx) = self.commands.get(cluster) {
            let _ = tx.send(command);
        }
    }

    /// Polls every cluster now (`R`).
    pub fn refresh_all(&self) {
        for tx in &self.commands {
            let _ = tx.send(Command::Refresh);
        }
    }

    /// The recorder, for what the dashboard needs of the journal at start.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// Stops every poller, abandoning requests in flight.
    pub fn shutdown(mut self) {
        self.tasks.abort_all();
    }
}

/// What one poll heard: identity and version (now and then), the download state, and
/// the followed job when there is one.
struct Answers {
    info: Option<Result<crate::ontap::ClusterInfo, OntapError>>,
    download: Result<crate::ontap::DownloadStatus, OntapError>,
    job: Option<Result<crate::ontap::Job, OntapError>>,
    /// From the first question sent to the last answer.
    took: Duration,
}

struct Poller {
    index: usize,
    target: Target,
    schedule: Schedule,
    shared: Shared,
    commands: mpsc::UnboundedReceiver<Command>,
    following: Following,
    /// Identity and version have been read at least once.
    have_info: bool,
    failures: u32,
    polls: u32,
    /// The certificate facts last sent, so that a steady certificate costs no events.
    certificate: Option<CertificateFacts>,
    /// The cluster refused the login: nothing is asked until a new password comes.
    paused: bool,
    /// When the package repository was last read for the inventory; `None`: read it
    /// after the next answered poll.
    packages_read: Option<Instant>,
    /// The download state of the last answer, to notice a change (a download ended).
    last_state: Option<crate::ontap::DownloadState>,
}

impl Poller {
    async fn run(mut self) {
        let mut next = Instant::now();
        loop {
            tokio::select! {
                _ = sleep_until(next), if !self.paused => {}
                command = self.commands.recv() => match command {
                    None => return,
                    Some(Command::Refresh) => {
                        self.packages_read = None;
                        if self.paused && !self.resume_from_source(false).await {
                            return;
                        }
                    }
                    Some(Command::RetryLogin) => {
                        if self.paused && !self.resume_from_source(true).await {
                            return;
                        }
                    }
                    Some(Command::Password { password, again }) => {
                        if !self.resume_with(password, again).await {
                            return;
                        }
                    }
                    Some(Command::Follow(tracker)) => {
                        if !self.following.follow(*tracker, &self.shared).await {
                            return;
                        }
                        continue;
                    }
                    Some(Command::Answered(outcome, slot)) => {
                        if !self.following.answered(&outcome, slot, &self.shared).await {
                            return;
                        }
                    }
                    Some(Command::FetchPackages) => {
                        if !self.fetch_packages().await {
                            return;
                        }
                        continue;
                    }
                },
            }
            if self.paused {
                continue;
            }
            let answered = match self.poll().await {
                Some(answered) => answered,
                None => return, // the model is gone
            };
            if answered && self.inventory_due() && !self.fetch_packages().await {
                return;
            }
            let wait = if answered {
                self.failures = 0;
                jittered(self.schedule.interval)
            } else {
                self.failures = self.failures.saturating_add(1);
                backoff(self.schedule.interval, self.failures)
            };
            next = Instant::now() + wait;
        }
    }

    /// One poll; `None` when the event channel is closed, else whether it answered.
    async fn poll(&mut self) -> Option<bool> {
        let client = match &self.target.client {
            Ok(client) => client.clone(),
            Err(error) => {
                let event = failed(self.index, error.clone(), None);
                return self.shared.events.send(event).await.ok().map(|_| false);
            }
        };
        let want = self.following.want();
        let answers = self.ask(&client, &want).await?;
        let at = Timestamp::now();
        let followed_download = answers.download.clone();
        if let Ok(download) = &answers.download {
            if self.last_state.is_some() && self.last_state != download.state {
                // A download started or ended: the repository may have changed.
                self.packages_read = None;
            }
            self.last_state = download.state.clone();
        }
        let job = answers.job.clone();
        let (events, answered) = self.report(&client, answers, at);
        for event in events {
            self.shared.events.send(event).await.ok()?;
        }
        // The engine's reading of the poll comes after its facts.
        if !self
            .following
            .observe(&want, job.as_ref(), &followed_download, at, &self.shared)
            .await
        {
            return None;
        }
        Some(answered)
    }

    /// Asks the poll's questions, one after the other on the cluster's one kept-alive
    /// connection, holding a request slot; `None` when the slots are gone.
    async fn ask(&mut self, client: &Client, want: &Want) -> Option<Answers> {
        let permits = if self.failures > 0 {
            self.shared.failing_permits.clone()
        } else {
            self.shared.permits.clone()
        };
        let _permit = permits.acquire().await.ok()?;
        let asked = Instant::now();
        // Until identity has been read once, ask for it on every poll: a cluster that
        // was down at start must not show "-" for 20 polls after it comes back.
        let want_info = !self.have_info || self.polls.is_multiple_of(INFO_EVERY);
        self.polls = self.polls.wrapping_add(1);
        let info = if want_info {
            Some(client.cluster().await)
        } else {
            None
        };
        let download = match &info {
            Some(Err(e)) => Err(e.clone()),
            _ => client.download_status().await,
        };
        let job = match (want, &download) {
            (Want::Job(uuid), Ok(_)) => Some(client.job(uuid).await),
            // The cluster did not answer: the job is not asked (and the tracker counts
            // the failure, as `--wait` does when its own poll fails).
            (Want::Job(_), Err(e)) => Some(Err(e.clone())),
            _ => None,
        };
        // The slot is freed here, before any wait on the event channel.
        Some(Answers {
            info,
            download,
            job,
            took: asked.elapsed(),
        })
    }

    /// The events a poll's answers make, and whether the cluster answered.
    fn report(&mut self, client: &Client, answers: Answers, at: Timestamp) -> (Vec<Event>, bool) {
        let seen_job = answers
            .job
            .as_ref()
            .and_then(|j| j.as_ref().ok())
            .cloned()
            .map(Box::new);
        let mut events = Vec::with_capacity(2);
        let answered = match (answers.info.transpose(), answers.download) {
            (Ok(info), Ok(download)) => {
                self.have_info |= info.is_some();
                events.push(Event::Polled {
                    cluster: self.index,
                    at,
                    info: info.map(Box::new),
                    download,
                    job: seen_job,
                    took: answers.took,
                });
                if let Some(facts) = client.certificate()
                    && self.certificate.as_ref() != Some(&facts)
                {
                    self.certificate = Some(facts.clone());
                    events.push(Event::Certificate {
                        cluster: self.index,
                        at,
                        facts: Box::new(facts),
                    });
                }
                true
            }
            (Err(error), _) | (_, Err(error)) => {
                events.push(failed(self.index, error, Some(answers.took)));
                // The client refuses to send a login the cluster refused: so do the polls.
                if client.login_refused() {
                    events.push(self.pause_login(client.username(), None, None));
                }
                false
            }
        };
        (events, answered)
    }

    /// Whether the inventory wants the package list read now.
    fn inventory_due(&self) -> bool {
        match (self.schedule.packages_every, self.packages_read) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(every), Some(read)) => read.elapsed() >= every,
        }
    }

    /// Asks for the packages; false when the event channel is closed.
    async fn fetch_packages(&mut self) -> bool {
        self.packages_read = Some(Instant::now());
        let Ok(client) = &self.target.client else {
            return true;
        };
        if self.paused {
            // Asking would be one more refused login.
            return true;
        }
        let Ok(_permit) = self.shared.permits.acquire().await else {
            return false;
        };
        let event = match client.packages().await {
            Ok(mut list) => {
                if list.records.len() > MAX_PACKAGES {
                    // No real repository holds this many: the rest is not kept.
                    tracing::warn!(cluster = %self.target.name, listed = list.records.len(), "package list cut to {MAX_PACKAGES}");
                    list.records.truncate(MAX_PACKAGES);
                }
                Event::Packages {
                    cluster: self.index,
                    at: Timestamp::now(),
                    packages: list.records,
                }
            }
            // Not a poll: a failed package list must not turn a healthy row "failing".
            // The details pane keeps showing "not known", and the log says why.
            Err(error) => {
                tracing::warn!(cluster = %self.target.name, %error, "packages not read");
                return true;
            }
        };
        self.shared.events.send(event).await.is_ok()
    }
}

impl Shared {
    /// Sends `event`; false when the model is gone.
    pub(super) async fn send(&self, event: Event) -> bool {
        self.events.send(event).await.is_ok()
    }

    /// The recorder every poller records endings through.
    pub(super) fn recorder(&self) -> &Recorder {
        &self.recorder
    }
}

fn failed(cluster: usize, error: OntapError, took: Option<Duration>) -> Event {
    Event::PollFailed {
        cluster,
        at: Timestamp::now(),
        error,
        took,
    }
}

/// The most packages kept per cluster: a repository holds a few images; a cluster
/// listing thousands is lying, and its list must not fill memory.
const MAX_PACKAGES: usize = 512;

mod login;
mod schedule;

pub use schedule::{Schedule, backoff, jittered};
