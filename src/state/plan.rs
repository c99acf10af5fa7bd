//! The engine's plan for a download, made from what a model knows: the one way every
//! front end (the dashboard's confirmation, `ontop download`) turns chosen clusters into
//! targets, attachments and skips.

use jiff::Timestamp;

use super::{ClusterState, Health, Model};
use crate::download::image::Holding;
use crate::download::{Busy, Candidate, Plan, Planned, Silent, SkipReason, holding, plan};
use crate::fleet::Session;
use crate::fleet::inventory::release_order;
use crate::ontap::DownloadState;

impl Model {
    /// The plan for `chosen` (indices into the model), from what is known now; clusters
    /// that run or hold `version` (the package's release, when its name says) are
    /// skipped. `session` says whether `--read-only` holds.
    pub(crate) fn plan(
        &self,
        chosen: &[usize],
        version: Option<&str>,
        session: Session,
        now: Timestamp,
    ) -> Plan {
        plan(chosen.iter().filter_map(|&cluster| {
            let c = self.clusters.get(cluster)?;
            let packages = c.packages.as_ref().map(|(_, list)| list.as_slice());
            Some(Candidate {
                cluster,
                name: c.identity.name.clone(),
                read_only: session.keeps_read_only(c.identity.read_only),
                busy: busy(c),
                failing: failing_reason(c, now),
                login_refused: c.login_paused.is_some(),
                holds: version.and_then(|v| holding(v, c.version.as_deref(), packages)),
            })
        }))
    }
}

impl Model {
    /// The plan for sending an image from this host: as [`Model::plan`], and also
    /// leaving out the clusters older than 9.8 (no upload endpoint) and those where a
    /// download runs (nothing to attach to: the upload would be refused).
    pub(crate) fn plan_upload(
        &self,
        chosen: &[usize],
        version: Option<&str>,
        session: Session,
        now: Timestamp,
    ) -> Plan {
        let mut plan = self.plan(chosen, version, session, now);
        for busy in std::mem::take(&mut plan.attach) {
            plan.skip(busy, SkipReason::Downloading);
        }
        let targets = std::mem::take(&mut plan.targets);
        for target in targets {
            let running = self.clusters[target.cluster].version.as_deref();
            match running.filter(|v| release_order(v, FIRST_UPLOAD_RELEASE).is_lt()) {
                Some(old) => plan.skip(target, SkipReason::CannotUpload(old.to_string())),
                None => plan.targets.push(target),
            }
        }
        plan
    }
}

impl Model {
    /// The plan for validating `version` on `chosen`: the clusters that hold its package
    /// and can be asked now; the others skipped with their reason (read-only, a refused
    /// login, not answering, an update or a validation running, not holding it).
    pub fn plan_validation(
        &self,
        chosen: &[usize],
        version: &str,
        session: Session,
        now: Timestamp,
    ) -> Plan {
        let mut plan = Plan::default();
        for &cluster in chosen {
            let Some(c) = self.clusters.get(cluster) else {
                continue;
            };
            let name = c.identity.name.clone();
            let who = Planned { cluster, name };
            match validation_skip(c, version, session, now) {
                Some(reason) => plan.skip(who, reason),
                None => plan.targets.push(who),
            }
        }
        plan
    }
}

/// Why `c` cannot validate `version` now, when it cannot.
fn validation_skip(
    c: &ClusterState,
    version: &str,
    session: Session,
    now: Timestamp,
) -> Option<SkipReason> {
    if session.keeps_read_only(c.identity.read_only) {
        return Some(SkipReason::ReadOnly);
    }
    if c.login_paused.is_some() {
        return Some(SkipReason::LoginRefused);
    }
    if let Some(why) = failing_reason(c, now) {
        // A login refused at the last poll is one, whether or not its pause is known yet.
        if let Silent::Failed(e) = &why
            && e.kind == crate::ontap::ErrorKind::Auth
        {
            return Some(SkipReason::LoginRefused);
        }
        return Some(SkipReason::Failing(why));
    }
    let readiness = &c.readiness;
    if readiness
        .operation
        .as_ref()
        .is_some_and(|f| f.ending().is_none())
    {
        return Some(SkipReason::Validating);
    }
    if let Some(software) = readiness.software().filter(|s| s.updating()) {
        return Some(SkipReason::Updating(software.pending_version.clone()));
    }
    let Some((_, packages)) = &c.packages else {
        let why = (c.repository_error()).map_or("not read yet".to_string(), |e| {
            format!("{}: {}", e.kind, e.message)
        });
        return Some(SkipReason::RepositoryUnread(why));
    };
    match holding(version, c.version.as_deref(), Some(packages)) {
        Some(Holding::Runs(v)) => Some(SkipReason::AlreadyRuns(v)),
        Some(Holding::Holds(_)) => None,
        None => Some(SkipReason::NotHeld(version.to_string())),
    }
}

/// The first release that takes an upload (`POST /cluster/software/upload`).
const FIRST_UPLOAD_RELEASE: &str = "9.8";

/// Whether a download already runs there, as the model knows it: one the engine
/// follows, or the cluster's own state.
fn busy(c: &ClusterState) -> Busy {
    if c.phase().is_some_and(|p| p.ending().is_none()) {
        Busy::Followed
    } else if matches!(c.download_state(), Some(DownloadState::Running)) {
        Busy::Downloading
    } else {
        Busy::No
    }
}

/// Why a cluster cannot take a download now: it does not answer, or has not yet.
fn failing_reason(c: &ClusterState, now: Timestamp) -> Option<Silent> {
    match c.health(now) {
        Health::Failing => Some(match c.last_error.as_deref() {
            Some(e) => Silent::Failed(e.clone()),
            None => Silent::LastPollFailed,
        }),
        Health::Unknown => Some(Silent::NotYet),
        Health::Ok | Health::Stale => None,
    }
}
