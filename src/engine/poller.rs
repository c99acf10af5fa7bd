//! One polling task per cluster.
//!
//! Each poller owns its cluster's client (one kept-alive connection, or a fresh one per
//! poll when the open-file budget says so), polls on its own jittered interval, backs off
//! while the cluster fails, and sends what it sees as [`Update`]s over one bounded
//! channel. Pollers share nothing but caps on requests in flight, so a hung or slow
//! cluster only ever delays itself. A poller also drives the [`Tracker`]s of the
//! operations on its cluster (`following.rs`), and reads the cluster's package repository
//! for the inventory.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use secrecy::SecretString;
use tokio::sync::{Semaphore, mpsc};
use tokio::time::{Instant, sleep_until};

use super::update::Update;
use crate::download::queue::Slot;
use crate::download::{OperationKind, Recorder, StartOutcome, Tracker, Want};
use crate::fleet::Target;
use crate::ontap::{CertificateFacts, Client, OntapError};
use following::{Following, Heard};

/// Identity and version are asked on the first poll and then every this many polls.
const INFO_EVERY: u32 = 20;
/// The longest wait between polls of a failing cluster.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);
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
    /// with `again`, even when the cluster refused it before (the operator asked twice).
    Password { password: SecretString, again: bool },
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
}

/// What one poll heard: identity and version (now and then), the download state, and
/// what the followed operations asked.
struct Answers {
    info: Option<Result<crate::ontap::ClusterInfo, OntapError>>,
    download: Result<crate::ontap::DownloadStatus, OntapError>,
    heard: Heard,
    /// From the first question sent to the last answer.
    took: Duration,
}

pub(super) struct Poller {
    index: usize,
    target: Target,
    schedule: Schedule,
    fresh_connections: bool,
    login_retry: Option<Duration>,
    shared: Shared,
    commands: mpsc::UnboundedReceiver<Command>,
    following: Following,
    /// Identity and version have been read at least once.
    have_info: bool,
    failures: u32,
    polls: u32,
    /// The certificate facts last sent, so that a steady certificate costs no updates.
    certificate: Option<CertificateFacts>,
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
        commands: mpsc::UnboundedReceiver<Command>,
    ) -> Self {
        Self {
            index: setup.index,
            following: Following::new(setup.index, setup.target.name.clone()),
            target: setup.target,
            schedule: setup.schedule,
            fresh_connections: setup.fresh_connections,
            login_retry: setup.login_retry,
            shared,
            commands,
            have_info: false,
            failures: 0,
            polls: 0,
            certificate: None,
            paused: false,
            packages_read: None,
            last_state: None,
            updating: false,
        }
    }

    pub(super) async fn run(mut self) {
        let mut next = Instant::now();
        loop {
            let retry_login = self.login_retry.filter(|_| self.paused);
            tokio::select! {
                _ = sleep_until(next), if !self.paused => {}
                () = sleep_opt(retry_login) => {
                    if !self.resume_from_source(false).await {
                        return;
                    }
                }
                command = self.commands.recv() => match command {
                    None => return,
                    Some(command) => match self.obey(command).await {
                        Obeyed::Poll => {}
                        Obeyed::Wait => continue,
                        Obeyed::Stop => return,
                    },
                },
            }
            if self.paused {
                continue;
            }
            let Some(outcome) = self.poll().await else {
                return; // the model is gone
            };
            if (outcome.ended || (outcome.answered && self.inventory_due()))
                && !self.fetch_packages().await
            {
                return;
            }
            let wait = if outcome.answered {
                self.failures = 0;
                jittered(self.schedule.interval)
            } else {
                self.failures = self.failures.saturating_add(1);
                backoff(self.schedule.interval, self.failures)
            };
            next = Instant::now() + wait;
        }
    }

    /// Carries out a command: whether a poll follows.
    async fn obey(&mut self, command: Command) -> Obeyed {
        let kept = match command {
            Command::Refresh => {
                self.packages_read = None;
                !self.paused || self.resume_from_source(false).await
            }
            Command::RetryLogin => !self.paused || self.resume_from_source(true).await,
            Command::Password { password, again } => self.resume_with(password, again).await,
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

    /// One poll; `None` when the update channel is closed.
    async fn poll(&mut self) -> Option<PollOutcome> {
        let client = match &self.target.client {
            Ok(client) => client.clone(),
            Err(error) => {
                let update = failed(self.index, error.clone(), None);
                let sent = self.shared.send(update).await;
                return sent.then_some(PollOutcome::default());
            }
        };
        let wants = self.following.wants();
        let mut answers = self.ask(&client, &wants).await?;
        let at = Timestamp::now();
        let mut ended = false;
        if let Ok(download) = &answers.download {
            if self.last_state.is_some() && self.last_state != download.state {
                // A download started or ended: the repository may have changed.
                self.packages_read = None;
            }
            self.last_state = download.state.clone();
        }
        let download = answers.download.clone();
        let heard = std::mem::take(&mut answers.heard);
        let (updates, answered) = self.report(&client, answers, &heard, at);
        for update in updates {
            if !self.shared.send(update).await {
                return None;
            }
        }
        // The engine's reading of the poll comes after its facts.
        let (open, op_ended) = self
            .following
            .observe(&download, &heard, at, &self.shared)
            .await;
        if !open {
            return None;
        }
        ended |= op_ended;
        Some(PollOutcome { answered, ended })
    }

    /// Asks the poll's questions, one after the other on the cluster's connection,
    /// holding a request slot; `None` when the slots are gone.
    async fn ask(&mut self, client: &Client, wants: &[Want]) -> Option<Answers> {
        let _permit = self.permits().clone().acquire_owned().await.ok()?;
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
        let mut heard = Heard::default();
        // The cluster did not answer: nothing more is asked (the trackers count the
        // failure, from the download status's error).
        if download.is_ok() {
            for want in wants {
                match want {
                    Want::Job(uuid) => heard.jobs.push((uuid.clone(), client.job(uuid).await)),
                    Want::Packages => heard.packages = Some(read_packages(client).await),
                    Want::Software => heard.software = Some(client.software().await),
                    Want::DownloadStatus | Want::Nothing => {}
                }
            }
            // Updates are watched on every poll while one runs; otherwise the software
            // (a validation's results, an update started elsewhere) is read with the
            // identity.
            if heard.software.is_none() && (want_info || self.updating) {
                heard.software = Some(client.software().await);
            }
        }
        // The slot is freed here, before any wait on the update channel.
        Some(Answers {
            info,
            download,
            heard,
            took: asked.elapsed(),
        })
    }

    /// The updates a poll's answers make, and whether the cluster answered.
    fn report(
        &mut self,
        client: &Client,
        answers: Answers,
        heard: &Heard,
        at: Timestamp,
    ) -> (Vec<Update>, bool) {
        let download_job = self.following.download_job();
        let seen_job = heard
            .jobs
            .iter()
            .find(|(uuid, _)| Some(uuid) == download_job.as_ref())
            .and_then(|(_, job)| job.as_ref().ok())
            .cloned()
            .map(Box::new);
        let mut updates = Vec::with_capacity(3);
        // Before the poll itself: whoever waits for a cluster's first answer has its
        // software with it.
        match &heard.software {
            Some(Ok(software)) => {
                self.updating = software.updating();
                updates.push(Update::Software {
                    cluster: self.index,
                    at,
                    software: Box::new(software.clone()),
                });
            }
            // Not a poll: a release without the endpoint, or a role without it, must not
            // turn a healthy row "failing".
            Some(Err(error)) => {
                tracing::debug!(cluster = %self.target.name, %error, "software not read");
            }
            None => {}
        }
        let answered = match (answers.info.transpose(), answers.download) {
            (Ok(info), Ok(download)) => {
                self.have_info |= info.is_some();
                updates.push(Update::Polled {
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
                    updates.push(Update::Certificate {
                        cluster: self.index,
                        at,
                        facts: Box::new(facts),
                    });
                }
                true
            }
            (Err(error), _) | (_, Err(error)) => {
                updates.push(failed(self.index, error, Some(answers.took)));
                // The client refuses to send a login the cluster refused: so do the polls.
                if client.login_refused() {
                    updates.push(self.pause_login(client.username(), None, None));
                }
                false
            }
        };
        if let Some(packages) = &heard.packages {
            self.packages_read = Some(Instant::now());
            updates.push(Update::Packages {
                cluster: self.index,
                at,
                packages: packages.clone(),
            });
        }
        (updates, answered)
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

/// What a poll came to.
#[derive(Default)]
struct PollOutcome {
    /// The cluster answered.
    answered: bool,
    /// An operation ended: the repository is read again at once.
    ended: bool,
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

fn failed(cluster: usize, error: OntapError, took: Option<Duration>) -> Update {
    Update::PollFailed {
        cluster,
        at: Timestamp::now(),
        error,
        took,
    }
}

/// Sleeps for `duration`, or for ever without one.
async fn sleep_opt(duration: Option<Duration>) {
    match duration {
        Some(duration) => tokio::time::sleep(duration).await,
        None => std::future::pending().await,
    }
}

mod following;
mod login;
mod schedule;

pub use schedule::{Schedule, backoff, jittered};
