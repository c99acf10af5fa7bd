//! One poll: the questions it asks the cluster (the download status; identity, version
//! and software when due; the software on every poll while an update runs; what the
//! followed operations want) and the updates its answers make.

use std::time::Duration;

use jiff::Timestamp;
use tokio::time::Instant;

use super::following::Heard;
use super::{INFO_EVERY, Poller, SoftwareReads, read_packages};
use crate::download::Want;
use crate::engine::update::Update;
use crate::ontap::software::Software;
use crate::ontap::{Client, DownloadStatus, OntapError};

/// What one poll heard: the download state, identity and version (now and then), and
/// what the followed operations asked (the software among it).
struct Answers {
    info: Option<Result<crate::ontap::ClusterInfo, OntapError>>,
    download: Result<crate::ontap::DownloadStatus, OntapError>,
    heard: Heard,
    /// From the first question sent to the last answer.
    took: Duration,
}

/// What a poll came to.
#[derive(Default)]
pub(super) struct PollOutcome {
    /// The cluster answered.
    pub(super) answered: bool,
    /// An operation ended: the repository is read again at once.
    pub(super) ended: bool,
}

impl Poller {
    /// One poll; `None` when the update channel is closed.
    pub(super) async fn poll(&mut self) -> Option<PollOutcome> {
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
        if let Ok(download) = &answers.download {
            if self.last_state.is_some() && self.last_state != download.state {
                // A download started or ended: the repository may have changed.
                self.packages_read = None;
            }
            self.last_state = download.state.clone();
        }
        let download = answers.download.clone();
        let heard = std::mem::take(&mut answers.heard);
        let read_info = answers.info.is_some();
        let read_software = heard.software.is_some();
        let (updates, answered) = self.report(&client, answers, &heard, at);
        for update in updates {
            if !self.shared.send(update).await {
                return None;
            }
        }
        // The engine's reading of the poll comes after its facts.
        let before = self.following.phases();
        let (open, ended) = self
            .following
            .observe(&download, &heard, at, &self.shared)
            .await;
        if !open {
            return None;
        }
        if answered && !read_info && self.following.phases() != before {
            // An operation moved where the download state did not show it: what the
            // cluster runs may have changed too.
            let Ok(download) = download else {
                return Some(PollOutcome { answered, ended });
            };
            if !self.reread(&client, download, read_software).await {
                return None;
            }
        }
        Some(PollOutcome { answered, ended })
    }

    /// Reads identity and version (and the software, unless this poll read it) now,
    /// outside the poll's schedule, and sends them with the download status the poll
    /// just read; false when the update channel is closed.
    async fn reread(&mut self, client: &Client, download: DownloadStatus, read: bool) -> bool {
        let Ok(_permit) = self.permits().clone().acquire_owned().await else {
            return false;
        };
        let asked = Instant::now();
        let info = match client.cluster().await {
            Ok(info) => info,
            // The next poll asks again (and says how it went).
            Err(_) => {
                self.since_info = self.since_info.map(|_| INFO_EVERY);
                return true;
            }
        };
        self.since_info = Some(0);
        let at = Timestamp::now();
        if !read
            && self.software == SoftwareReads::Scheduled
            && let Some(update) = self.software_update(Some(client.software().await), at)
            && !self.shared.send(update).await
        {
            return false;
        }
        let update = Update::Polled {
            cluster: self.index,
            at,
            info: Some(Box::new(info)),
            download,
            job: None,
            took: asked.elapsed(),
        };
        self.shared.send(update).await
    }

    /// Whether this poll asks identity, version and software, after the download status
    /// `download`: on their slow schedule, and at once after a change or a failure.
    fn info_due(&self, download: &DownloadStatus) -> bool {
        match self.since_info {
            // Until read once, on every poll: a cluster that was down at start must not
            // show "-" for several polls after it comes back.
            None => true,
            Some(since) => {
                since + 1 >= INFO_EVERY
                    || self.failures > 0
                    || (self.last_state.is_some() && self.last_state != download.state)
            }
        }
    }

    /// Asks the poll's questions, one after the other on the cluster's connection,
    /// holding a request slot: the download status; identity, version and software when
    /// due (the software on every poll while an update runs, and identity at once when
    /// the software says an update began or ended; the software only as
    /// [`SoftwareReads`] says); what the followed operations want. `None` when the
    /// slots are gone.
    async fn ask(&mut self, client: &Client, wants: &[Want]) -> Option<Answers> {
        let _permit = self.permits().clone().acquire_owned().await.ok()?;
        let asked = Instant::now();
        let download = client.download_status().await;
        let due = matches!(&download, Ok(status) if self.info_due(status));
        let mut heard = Heard::default();
        // The cluster did not answer: nothing more is asked (the trackers count the
        // failure, from the download status's error).
        let scheduled = due && self.software == SoftwareReads::Scheduled;
        if download.is_ok() && (scheduled || self.updating || wants.contains(&Want::Software)) {
            heard.software = Some(client.software().await);
        }
        let turned = matches!(&heard.software, Some(Ok(s)) if s.updating() != self.updating);
        let info = if download.is_ok() && (due || turned) {
            Some(client.cluster().await)
        } else {
            None
        };
        let download = match &info {
            // The cluster answered one question and not the next: the poll failed.
            Some(Err(e)) => Err(e.clone()),
            _ => download,
        };
        if download.is_ok() {
            for want in wants {
                match want {
                    Want::Job(uuid) => heard.jobs.push((uuid.clone(), client.job(uuid).await)),
                    Want::Packages => heard.packages = Some(read_packages(client).await),
                    Want::Software | Want::DownloadStatus | Want::Nothing => {}
                }
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

    /// The update a software read makes (before the poll's own, so whoever waits for a
    /// cluster's first answer has its software with it), noting whether an update runs.
    /// A failed read is no failed poll: a release without the endpoint, or a role
    /// without it, must not turn a healthy row "failing".
    fn software_update(
        &mut self,
        read: Option<Result<Software, OntapError>>,
        at: Timestamp,
    ) -> Option<Update> {
        match read? {
            Ok(software) => {
                self.updating = software.updating();
                Some(Update::Software {
                    cluster: self.index,
                    at,
                    software: Box::new(software),
                })
            }
            Err(error) => {
                tracing::debug!(cluster = %self.target.name, %error, "software not read");
                None
            }
        }
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
        updates.extend(self.software_update(heard.software.clone(), at));
        let answered = match (answers.info.transpose(), answers.download) {
            (Ok(info), Ok(download)) => {
                self.since_info = match (&info, self.since_info) {
                    (Some(_), _) => Some(0),
                    (None, since) => since.map(|n| n.saturating_add(1)),
                };
                updates.push(Update::Polled {
                    cluster: self.index,
                    at,
                    info: info.map(Box::new),
                    download,
                    job: seen_job,
                    took: answers.took,
                });
                if let Some(facts) = client.certificate()
                    && self.certificate != Some((facts.fingerprint, facts.days_left))
                {
                    self.certificate = Some((facts.fingerprint, facts.days_left));
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
}

fn failed(cluster: usize, error: OntapError, took: Option<Duration>) -> Update {
    Update::PollFailed {
        cluster,
        at: Timestamp::now(),
        error,
        took,
    }
}
