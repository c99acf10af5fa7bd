//! One polling task per cluster.
//!
//! Each poller owns its cluster's client (one kept-alive connection, or a fresh one per
//! poll when the open-file budget says so), polls at its own place in the interval
//! (`schedule.rs`: the fleet's polls spread evenly), backs off while the cluster fails,
//! and sends what it sees as [`Update`]s over one bounded channel. Pollers share nothing
//! but caps on requests in flight, so a hung or slow cluster only ever delays itself. A
//! poller also drives the [`Tracker`]s of the operations on its cluster (`following.rs`),
//! and reads the cluster's package repository for the inventory.
//!
//! A steady cluster costs one question per poll: the download status. Identity, version
//! and software (`GET /cluster`, `GET /cluster/software`) change only when the cluster is
//! updated or validated, so they are asked every [`INFO_EVERY`] polls, and at once when
//! the download state changes, when an operation followed here moves, and when the
//! cluster answers again after failing. While an update runs the software is read on
//! every poll, and identity again when the software says the update began or ended.

use std::sync::Arc;
use std::time::Duration;

use futures_channel::mpsc::UnboundedReceiver;
use futures_util::StreamExt;
use jiff::Timestamp;
use secrecy::SecretString;
use tokio::sync::{Semaphore, mpsc};
use tokio::time::{Instant, sleep_until};

use super::SoftwareReads;
use super::update::{Refused, Update};
use crate::download::queue::Slot;
use crate::download::{OperationKind, Recorder, StartOutcome, Tracker};
use crate::fleet::Target;
use crate::ontap::{Client, Fingerprint, OntapError};
use following::Following;
use schedule::Cadence;

/// Identity, version and software are asked on the first answered poll, then every this
/// many polls (and at once after a change).
pub(super) const INFO_EVERY: u32 = 10;
/// The longest wait between polls of a failing cluster.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// The most packages kept per cluster: a repository holds a few images; a cluster
/// listing thousands is lying, and its list must not fill memory.
const MAX_PACKAGES: usize = 512;

/// What a front end (through the engine) can ask of one poller.
#[derive(Debug)]
pub(crate) enum Command {
    /// Poll now, whatever the schedule or backoff says (and read the repository again).
    Refresh,
    /// Follow this operation from now on (asked for, queued, attached, or resumed), with
    /// its place under `max_running` when it holds one.
    Follow(Box<Tracker>, Option<Slot>),
    /// The cluster answered the request of the operation of this kind.
    Answered(OperationKind, Box<StartOutcome>),
    /// Stop following the operation of this kind, for this reason.
    GiveUp(OperationKind, String),
    /// An upload of this kind has sent so many bytes so far.
    Progress(OperationKind, u64),
    /// Read the package repository now.
    FetchPackages,
    /// Log in with this password from now on (typed after a refused login), and poll;
    /// with [`Refused::SentAgain`], even when the cluster refused it before (the operator
    /// asked twice).
    Password {
        password: SecretString,
        refused: Refused,
    },
    /// `r` asked twice: send the refused login (or the source's refused password) anyway.
    RetryLogin,
}

/// What a poller shares with the rest of the engine: the request slots, the update
/// channel, the recorder.
pub(super) struct Shared {
    pub(super) permits: Arc<Semaphore>,
    /// The smaller pool a cluster polls from while it is failing.
    pub(super) failing_permits: Arc<Semaphore>,
    /// The pool of the clusters that connect anew for each poll (past the open-file
    /// budget): it bounds the descriptors their polls hold at once.
    pub(super) fresh_permits: Arc<Semaphore>,
    pub(super) updates: mpsc::Sender<Update>,
    pub(super) recorder: Recorder,
}

impl Shared {
    /// Sends `update`; false when the model is gone.
    pub(super) async fn send(&self, update: Update) -> bool {
        self.updates.send(update).await.is_ok()
    }

    /// The recorder every poller records endings through.
    pub(super) fn recorder(&self) -> &Recorder {
        &self.recorder
    }
}

/// How each poller behaves; one per target, in target order.
pub(super) struct PollerSetup {
    pub(super) index: usize,
    pub(super) target: Target,
    pub(super) schedule: Schedule,
    /// Connects anew for each poll (past the open-file budget).
    pub(super) fresh_connections: bool,
    /// While paused after a refused login, read the password source again this often.
    pub(super) login_retry: Option<Duration>,
    /// When the cluster's software is read.
    pub(super) software: SoftwareReads,
    /// When the engine started, the same for every poller: their grids (and the slots
    /// their phases fall on) count from it.
    pub(super) started: Instant,
}

pub(super) struct Poller {
    index: usize,
    target: Target,
    schedule: Schedule,
    fresh_connections: bool,
    login_retry: Option<Duration>,
    software: SoftwareReads,
    started: Instant,
    shared: Shared,
    commands: UnboundedReceiver<Command>,
    following: Following,
    /// Answered polls since identity and version were last read; `None` until they were
    /// read once.
    since_info: Option<u32>,
    failures: u32,
    /// The certificate last sent, by its fingerprint and days left (all else follows
    /// from the certificate): a steady one costs no updates, and a new day one.
    certificate: Option<(Fingerprint, i64)>,
    /// The cluster refused the login: nothing is asked until a new password comes.
    paused: bool,
    /// When the package repository was last read for the inventory; `None`: read it
    /// after the next answered poll.
    packages_read: Option<Instant>,
    /// The download state of the last answer, to notice a change (a download ended).
    last_state: Option<crate::ontap::DownloadState>,
    /// The last software read said an update runs: it is read on every poll.
    updating: bool,
}

impl Poller {
    pub(super) fn new(
        setup: PollerSetup,
        shared: Shared,
        commands: UnboundedReceiver<Command>,
    ) -> Self {
        Self {
            index: setup.index,
            following: Following::new(setup.index, setup.target.name.clone()),
            target: setup.target,
            schedule: setup.schedule,
            fresh_connections: setup.fresh_connections,
            login_retry: setup.login_retry,
            software: setup.software,
            started: setup.started,
            shared,
            commands,
            since_info: None,
            failures: 0,
            certificate: None,
            paused: false,
            packages_read: None,
            last_state: None,
            updating: false,
        }
    }

    /// Polls until the model is gone. What a poll, a command or a package read needs
    /// while it runs is boxed, so an idle poller (most of them, most of the time) holds
    /// only its own state, not the largest request it ever sent. The poller itself comes
    /// boxed: a task that owned it by value kept room for it twice (1,464 bytes against
    /// 392 and the 544 of the box, in a debug build).
    pub(super) async fn run(mut self: Box<Self>) {
        let cadence = Cadence::new(self.schedule.interval, self.index, self.started);
        let mut next = cadence.first(self.index);
        loop {
            let retry_login = self.login_retry.filter(|_| self.paused);
            tokio::select! {
                _ = sleep_until(next), if !self.paused => {}
                () = sleep_opt(retry_login) => {
                    if !Box::pin(self.resume_from_source(Refused::Withheld)).await {
                        return;
                    }
                }
                command = self.commands.next() => match command {
                    None => return,
                    Some(command) => match Box::pin(self.obey(command)).await {
                        Obeyed::Poll => {}
                        Obeyed::Wait => continue,
                        Obeyed::Stop => return,
                    },
                },
            }
            if self.paused {
                continue;
            }
            let Some(outcome) = Box::pin(self.poll()).await else {
                return; // the model is gone
            };
            if (outcome.ended || (outcome.answered && self.inventory_due()))
                && !Box::pin(self.fetch_packages()).await
            {
                return;
            }
            next = if outcome.answered {
                self.failures = 0;
                cadence.after(Instant::now())
            } else {
                self.failures = self.failures.saturating_add(1);
                Instant::now() + jittered_backoff(self.schedule.interval, self.failures)
            };
        }
    }

    /// Carries out a command: whether a poll follows.
    async fn obey(&mut self, command: Command) -> Obeyed {
        let kept = match command {
            Command::Refresh => {
                // Everything shown is read again: the repository, and the identity.
                self.packages_read = None;
                self.since_info = self.since_info.map(|_| INFO_EVERY);
                !self.paused || self.resume_from_source(Refused::Withheld).await
            }
            Command::RetryLogin => {
                !self.paused || self.resume_from_source(Refused::SentAgain).await
            }
            Command::Password { password, refused } => self.resume_with(password, refused).await,
            Command::Follow(tracker, slot) => {
                let followed = self.following.follow(*tracker, slot, &self.shared).await;
                return if followed { Obeyed::Wait } else { Obeyed::Stop };
            }
            Command::Answered(kind, outcome) => {
                self.following.answered(kind, &outcome, &self.shared).await
            }
            Command::GiveUp(kind, reason) => {
                let kept = self.following.give_up(kind, reason, &self.shared).await;
                return if kept { Obeyed::Wait } else { Obeyed::Stop };
            }
            Command::Progress(kind, sent) => {
                let kept = self.following.sending(kind, sent, &self.shared).await;
                return if kept { Obeyed::Wait } else { Obeyed::Stop };
            }
            Command::FetchPackages => {
                let kept = self.fetch_packages().await;
                return if kept { Obeyed::Wait } else { Obeyed::Stop };
            }
        };
        if kept { Obeyed::Poll } else { Obeyed::Stop }
    }

    /// The pool this cluster's questions take their slot from: a cluster that connects
    /// anew for each poll always from the pool that bounds those descriptors; a failing
    /// one (often hung) from its own pool, so it never starves the others.
    fn permits(&self) -> &Arc<Semaphore> {
        if self.fresh_connections {
            &self.shared.fresh_permits
        } else if self.failures > 0 {
            &self.shared.failing_permits
        } else {
            &self.shared.permits
        }
    }

    /// Whether the inventory wants the package list read now.
    fn inventory_due(&self) -> bool {
        match (self.schedule.packages_every, self.packages_read) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(every), Some(read)) => read.elapsed() >= every,
        }
    }

    /// Reads the package repository, and says what it found (or why not); false when
    /// the update channel is closed.
    async fn fetch_packages(&mut self) -> bool {
        self.packages_read = Some(Instant::now());
        let Ok(client) = self.target.client.clone() else {
            return true;
        };
        if self.paused {
            // Asking would be one more refused login.
            return true;
        }
        let Ok(_permit) = self.permits().clone().acquire_owned().await else {
            return false;
        };
        let packages = read_packages(&client).await;
        if let Err(error) = &packages {
            // Not a poll: a failed package list must not turn a healthy row "failing".
            tracing::warn!(cluster = %self.target.name, %error, "packages not read");
        }
        let update = Update::Packages {
            cluster: self.index,
            at: Timestamp::now(),
            packages,
        };
        self.shared.send(update).await
    }
}

/// What a command asks of the poll loop next.
enum Obeyed {
    /// Poll now.
    Poll,
    /// Wait for the next poll as scheduled.
    Wait,
    /// The model is gone: stop.
    Stop,
}

/// The cluster's repository, at most [`MAX_PACKAGES`] of it.
async fn read_packages(client: &Client) -> Result<Vec<crate::ontap::Package>, OntapError> {
    let mut list = client.packages().await?.records;
    if list.len() > MAX_PACKAGES {
        // No real repository holds this many: the rest is not kept.
        tracing::warn!(cluster = %client.name(), listed = list.len(), "package list cut to {MAX_PACKAGES}");
        list.truncate(MAX_PACKAGES);
    }
    Ok(list)
}

/// Sleeps for `duration`, or for ever without one.
async fn sleep_opt(duration: Option<Duration>) {
    match duration {
        Some(duration) => tokio::time::sleep(duration).await,
        None => std::future::pending().await,
    }
}

mod asking;
mod following;
mod login;
mod schedule;

pub use schedule::Schedule;
use schedule::jittered_backoff;
