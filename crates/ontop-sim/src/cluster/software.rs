//! The books of `/api/cluster/software`: the cluster's nodes, its last validation and
//! its update, and the PATCH that validates a release or starts an update.
//!
//! A validation is a job that runs `SoftwareTiming::validation`; its results stay absent
//! while it runs and for `results_delay` after its job ends (clients wait for them, as
//! Ansible does). Its outcome is chosen when it starts, by the cluster's fault. An update
//! starts only after a recent, matching validation without errors (warnings need
//! `skip_warnings`), then follows its timeline (`cluster/update.rs`).

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::update::{Update, UpdateAt, UpdateNow};
use super::{Books, Cluster, JobState, Refusal, codes, deletes, lock};
use crate::codes::software as sw;
use crate::validation::{self, Check, Outcome};

/// How long validations take and how fast updates move (part of [`crate::SimOptions`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoftwareTiming {
    /// How long a validation job runs (real clusters: a few minutes).
    pub validation: Duration,
    /// How long a validation's results stay absent after its job has ended.
    pub results_delay: Duration,
    /// A validation older than this cannot start an update (10551719).
    pub validation_max_age: Duration,
    /// Simulated seconds an update moves on per real second.
    pub update_pace: u32,
}

impl Default for SoftwareTiming {
    /// A validation in 4 s, its results 2 s later; an update at 10x, about twelve minutes
    /// for two HA pairs.
    fn default() -> Self {
        SoftwareTiming {
            validation: Duration::from_secs(4),
            results_delay: Duration::from_secs(2),
            validation_max_age: Duration::from_secs(3600),
            update_pace: 10,
        }
    }
}

/// The nodes, the last validation and the update of one cluster.
#[derive(Debug)]
pub(crate) struct SoftwareBooks {
    nodes: usize,
    validation: Option<Validation>,
    update: Option<Update>,
}

impl Default for SoftwareBooks {
    /// Two nodes (one HA pair), never validated, never updated.
    fn default() -> Self {
        SoftwareBooks {
            nodes: 2,
            validation: None,
            update: None,
        }
    }
}

/// The last validation of a cluster.
#[derive(Debug, Clone)]
struct Validation {
    version: String,
    job: String,
    outcome: Outcome,
    /// When it ended; `None` while it runs.
    ended_at: Option<Instant>,
    /// When its results show; `None` while it runs.
    results_at: Option<Instant>,
}

impl SoftwareBooks {
    /// True while a validation runs.
    pub(crate) fn validating(&self) -> bool {
        self.validation
            .as_ref()
            .is_some_and(|v| v.ended_at.is_none())
    }

    /// True while an update is in progress (paused ones included).
    pub(crate) fn updating(&self) -> bool {
        self.update.as_ref().is_some_and(|u| u.now().in_progress())
    }
}

/// What `GET /api/cluster/software` shows now.
#[derive(Debug, Clone)]
pub(crate) struct SoftwareNow {
    /// The running version: the lowest of the nodes' (the old one until all are done).
    pub(crate) version: String,
    /// Each node's name and version.
    pub(crate) nodes: Vec<(String, String)>,
    /// The update and the version it installs, when one has run.
    pub(crate) update: Option<(UpdateNow, String)>,
    /// The last validation's results, once they show.
    pub(crate) results: Option<Vec<Check>>,
}

impl SoftwareNow {
    /// The `state`: the update's, else `failed` after a validation with an error (as the
    /// vendor's example shows), else `completed`.
    pub(crate) fn state(&self) -> &'static str {
        match (&self.update, &self.results) {
            (Some((now, _)), _) => now.state,
            (None, Some(checks)) if validation::counts(checks).1 > 0 => "failed",
            _ => "completed",
        }
    }
}

impl Cluster {
    /// The node names, `NAME-01` .. `NAME-nn`.
    fn node_names(&self, count: usize) -> Vec<String> {
        (1..=count)
            .map(|i| format!("{}-{i:02}", self.name))
            .collect()
    }

    /// The software singleton as it stands now.
    pub(crate) fn software_now(&self) -> SoftwareNow {
        let books = lock(&self.books);
        let sw = &books.software;
        let names = self.node_names(sw.nodes);
        let results = sw
            .validation
            .as_ref()
            .filter(|v| v.results_at.is_some_and(|t| t <= Instant::now()))
            .map(|v| validation::results(v.outcome, &names));
        let Some(u) = &sw.update else {
            let nodes = names.into_iter().map(|n| (n, self.version.clone()));
            return SoftwareNow {
                version: self.version.clone(),
                nodes: nodes.collect(),
                update: None,
                results,
            };
        };
        let now = u.now();
        let release = |done: bool| if done { u.to.clone() } else { u.from.clone() };
        let nodes = names
            .into_iter()
            .enumerate()
            .map(|(i, n)| (n, release(now.updated.get(i).copied().unwrap_or(false))))
            .collect();
        SoftwareNow {
            version: release(now.updated.iter().all(|&done| done)),
            nodes,
            update: Some((now, u.to.clone())),
            results,
        }
    }

    /// The version the cluster runs now: the lowest of its nodes', so its own until an
    /// update has completed, then the update's.
    pub(crate) fn running_version(&self) -> String {
        let books = lock(&self.books);
        match &books.software.update {
            Some(u) if u.now().updated.iter().all(|&done| done) => u.to.clone(),
            Some(u) => u.from.clone(),
            None => self.version.clone(),
        }
    }

    /// `PATCH ?validate_only=true`: checks, then a validation job that ends after the
    /// configured time (or at [`Cluster::finish_validations`]); returns the job uuid.
    pub(crate) fn start_validation(self: &Arc<Self>, version: &str) -> Result<String, Refusal> {
        let outcome = Outcome::for_fault(&self.fault());
        let uuid = {
            let mut books = lock(&self.books);
            check_busy(&books, version)?;
            let mut job = super::new_job("PATCH /api/cluster/software".to_string());
            job.state = JobState::Running;
            job.message = sw::VALIDATING_JOB_MSG.to_string();
            let uuid = job.uuid.clone();
            books.jobs.push(job);
            books.software.validation = Some(Validation {
                version: version.to_string(),
                job: uuid.clone(),
                outcome,
                ended_at: None,
                results_at: None,
            });
            uuid
        };
        let cluster = Arc::clone(self);
        let job = uuid.clone();
        self.env.tasks.spawn(async move {
            tokio::time::sleep(cluster.env.software.validation).await;
            cluster.end_validation(&job, cluster.env.software.results_delay);
        });
        Ok(uuid)
    }

    /// Ends a running validation now and shows every validation's results at once.
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn finish_validations(&self) {
        let running = lock(&self.books)
            .software
            .validation
            .as_ref()
            .filter(|v| v.ended_at.is_none())
            .map(|v| v.job.clone());
        if let Some(job) = running {
            self.end_validation(&job, Duration::ZERO);
        }
        if let Some(v) = lock(&self.books).software.validation.as_mut() {
            v.results_at = v.results_at.map(|t| t.min(Instant::now()));
        }
    }

    /// Ends the validation of `job` (once), its results showing `delay` later.
    fn end_validation(&self, job: &str, delay: Duration) {
        {
            let mut books = lock(&self.books);
            let Some(v) = books.software.validation.as_mut() else {
                return;
            };
            if v.job != job || v.ended_at.is_some() {
                return;
            }
            let now = Instant::now();
            v.ended_at = Some(now);
            v.results_at = Some(now + delay);
            super::end_job(&mut books, job, JobState::Success, "success".into(), 0);
        }
        self.job_ended.notify_waiters();
    }

    /// `PATCH` without `validate_only`: starts an update after the checks ONTAP makes of
    /// the last validation; its job ends at once. Returns the job uuid.
    pub(crate) fn start_update(
        &self,
        version: &str,
        skip_warnings: bool,
    ) -> Result<String, Refusal> {
        let from = self.running_version();
        let uuid = {
            let mut books = lock(&self.books);
            check_busy(&books, version)?;
            check_validation(&books, version, self.env.software.validation_max_age)?;
            check_warnings(
                &books,
                &self.node_names(books.software.nodes),
                skip_warnings,
            )?;
            let mut job = super::new_job("PATCH /api/cluster/software".to_string());
            job.message = sw::UPDATE_JOB_MSG.to_string();
            let uuid = job.uuid.clone();
            books.jobs.push(job);
            super::end_job(&mut books, &uuid, JobState::Success, "success".into(), 0);
            let (nodes, pace) = (books.software.nodes, self.env.software.update_pace);
            let update = Update::new(&from, version, nodes, pace, UpdateAt::PreChecks);
            books.software.update = Some(update);
            uuid
        };
        self.job_ended.notify_waiters();
        Ok(uuid)
    }

    /// Puts an update to `to` at `at` on the books at once, without checks (scenarios).
    pub(crate) fn put_update(&self, to: &str, at: UpdateAt) {
        let from = self.running_version();
        let mut books = lock(&self.books);
        let (nodes, pace) = (books.software.nodes, self.env.software.update_pace);
        books.software.update = Some(Update::new(&from, to, nodes, pace, at));
    }

    /// Puts a finished validation of `version` on the books, `age` old, results showing.
    pub(crate) fn put_validation(&self, version: &str, outcome: Outcome, age: Duration) {
        let ended = Instant::now().checked_sub(age).unwrap_or_else(Instant::now);
        lock(&self.books).software.validation = Some(Validation {
            version: version.to_string(),
            job: String::new(),
            outcome,
            ended_at: Some(ended),
            results_at: Some(ended),
        });
    }

    /// Moves the update's clock on by `by` of simulated time.
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn advance_update(&self, by: Duration) {
        if let Some(u) = lock(&self.books).software.update.as_mut() {
            u.advance(by);
        }
    }

    /// Makes the last validation `by` older, as if that time had passed.
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn age_validation(&self, by: Duration) {
        if let Some(v) = lock(&self.books).software.validation.as_mut() {
            let older = |t: Instant| t.checked_sub(by).unwrap_or(t);
            v.ended_at = v.ended_at.map(older);
            v.results_at = v.results_at.map(older);
        }
    }

    /// Gives the cluster `count` nodes (at least one).
    pub(crate) fn set_nodes(&self, count: usize) {
        lock(&self.books).software.nodes = count.max(1);
    }
}

/// What refuses both a validation and an update: one in progress, or no package.
fn check_busy(books: &Books, version: &str) -> Result<(), Refusal> {
    let refuse = |code: u64, message: &str| Err((code, message.to_string()));
    if books.software.updating() {
        return refuse(sw::UPDATE_RUNNING, sw::UPDATE_RUNNING_MSG);
    }
    if books.software.validating() {
        return refuse(sw::VALIDATION_RUNNING, sw::VALIDATION_RUNNING_MSG);
    }
    if books.packages.is_empty() {
        return refuse(codes::STORE_EMPTY, codes::STORE_EMPTY_MSG);
    }
    if books.packages.iter().all(|p| p.version != version) {
        return refuse(codes::NO_PACKAGE, codes::NO_PACKAGE_MSG);
    }
    if deletes::is_deleting(books, version) {
        return refuse(sw::PACKAGE_DELETING, sw::PACKAGE_DELETING_MSG);
    }
    Ok(())
}

/// An update needs a validation of the same version, not too old.
fn check_validation(books: &Books, version: &str, max_age: Duration) -> Result<(), Refusal> {
    let Some((validated, ended)) = books
        .software
        .validation
        .as_ref()
        .and_then(|v| Some((&v.version, v.ended_at?)))
    else {
        return Err((sw::VALIDATE_FIRST, sw::VALIDATE_FIRST_MSG.to_string()));
    };
    if validated != version {
        return Err((
            sw::VALIDATED_OTHER,
            sw::validated_other_msg(validated, version),
        ));
    }
    if ended.elapsed() > max_age {
        return Err((sw::VALIDATION_STALE, sw::VALIDATION_STALE_MSG.to_string()));
    }
    Ok(())
}

/// An update refuses a validation with errors, and one with warnings unless skipped.
fn check_warnings(books: &Books, nodes: &[String], skip: bool) -> Result<(), Refusal> {
    let outcome = books.software.validation.as_ref().map(|v| v.outcome);
    let checks = validation::results(outcome.unwrap_or(Outcome::Pass), nodes);
    match validation::counts(&checks) {
        (_, errors) if errors > 0 => {
            Err((sw::VALIDATION_FAILED, sw::VALIDATION_FAILED_MSG.to_string()))
        }
        (warnings, _) if warnings > 0 && !skip => Err((
            sw::VALIDATION_WARNINGS,
            sw::VALIDATION_WARNINGS_MSG.to_string(),
        )),
        _ => Ok(()),
    }
}
