//! Which of the chosen clusters a download will really go to, which are followed as they
//! are, and why the others are left out.
//!
//! Pure: the dashboard builds the input from its model, `ontop download` from a sweep,
//! and both get the same three lists by the same rules, with the same words. What
//! counts as "downloading" is what each knows: the sweep sees state `running`; the
//! dashboard also knows the downloads it follows itself.

use std::fmt;

use super::image::Holding;
use crate::ontap::OntapError;

/// Whether a download already runs on a chosen cluster, as far as the front end knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Busy {
    /// Nothing runs: a start may be sent.
    No,
    /// A download runs (state `running`, or a job not ended): follow it, send nothing.
    Downloading,
    /// This ontop already follows a download there: nothing more to do.
    Followed,
}

/// What the plan needs to know about one chosen cluster.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// The cluster's index in config order.
    pub cluster: usize,
    pub name: String,
    /// `--read-only` or the cluster's `read_only`.
    pub read_only: bool,
    pub busy: Busy,
    /// Why the cluster cannot be reached right now, when it cannot.
    pub failing: Option<Silent>,
    /// The cluster refused the login: nothing may be sent until a new password is given
    /// (not even the question whether a download runs).
    pub login_refused: bool,
    /// The cluster already runs or holds the package's release ([`super::image`]);
    /// `None` when it does not, when that is not known, or with `--force`.
    pub holds: Option<Holding>,
}

/// Why a cluster counts as not answering, as its polls saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Silent {
    /// Not one answer since ontop started.
    NotYet,
    /// The last poll failed, and the model kept no error for it.
    LastPollFailed,
    /// The last poll failed with this error.
    Failed(OntapError),
}

impl fmt::Display for Silent {
    /// "no answer yet", or the error's kind and message ("connect: connection refused").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotYet => f.write_str("no answer yet"),
            Self::LastPollFailed => f.write_str("the last poll failed"),
            Self::Failed(e) => write!(f, "{}: {}", e.kind, e.message),
        }
    }
}

/// Why a chosen cluster is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// `--read-only` or the cluster's `read_only`.
    ReadOnly,
    /// This ontop already follows a download there.
    AlreadyFollowed,
    /// It does not answer (or has not yet); the reason as the poll saw it.
    Failing(Silent),
    /// It refused the login; another try could lock the account.
    LoginRefused,
    /// It already runs or holds the package's release: a download would cost a 2-3 GB
    /// transfer and end in "already present".
    AlreadyThere(Holding),
    /// It runs a release older than 9.8, which takes no upload (its version).
    CannotUpload(String),
    /// A download runs there: an upload would be refused until it ends.
    Downloading,
    /// Validation: the cluster does not hold the release's package.
    NotHeld(String),
    /// Validation: the cluster already runs the release.
    AlreadyRuns(String),
    /// Validation: an update runs there (to this release, when it says).
    Updating(Option<String>),
    /// Validation: this ontop already follows a validation there.
    Validating,
    /// Validation: whether it holds the package is not known (its repository could not
    /// be read).
    RepositoryUnread(String),
}

impl SkipReason {
    /// What to do about it, when anything can be done.
    pub(crate) fn next_step(&self) -> Option<&'static str> {
        match self {
            Self::ReadOnly => Some(
                "downloads are disabled there: drop --read-only, or set read_only = false for \
                 the cluster in the config",
            ),
            Self::AlreadyFollowed => None,
            Self::Failing(_) => Some("start it again once the cluster answers"),
            Self::LoginRefused => Some(
                "enter the password first (the dashboard asks for it), or fix the password source",
            ),
            Self::AlreadyThere(_) => Some(
                "nothing to do; --force (or forcing it in the dashboard's confirmation) downloads it anyway",
            ),
            Self::CannotUpload(_) => Some("give it a URL to fetch the image from (--url)"),
            Self::Downloading => Some("upload once its download has ended"),
            Self::NotHeld(_) => Some("download it first (ontop download), then validate"),
            Self::AlreadyRuns(_) | Self::Validating => None,
            Self::Updating(_) => {
                Some("wait for the update to end (the dashboard's UPDATE column, ontop status)")
            }
            Self::RepositoryUnread(_) => Some("validate again once the cluster answers"),
        }
    }
}

impl fmt::Display for SkipReason {
    /// The one-line reason: "read-only", "already followed here", "not answering: …".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReadOnly => f.write_str("read-only"),
            Self::AlreadyFollowed => f.write_str("already followed by this ontop"),
            Self::Failing(why) => write!(f, "not answering: {why}"),
            Self::LoginRefused => f.write_str("the login was refused: nothing is sent to it"),
            Self::AlreadyThere(Holding::Runs(v)) => write!(f, "already runs {v}"),
            Self::AlreadyThere(Holding::Holds(v)) => {
                write!(f, "already holds {v} in its package repository")
            }
            Self::CannotUpload(v) => {
                write!(
                    f,
                    "ONTAP {v} cannot take an upload (9.8 and later do): give it a URL"
                )
            }
            Self::Downloading => f.write_str("a download runs there: an upload waits for it"),
            Self::NotHeld(v) => write!(f, "does not hold {v}: download it first"),
            Self::AlreadyRuns(v) => write!(f, "already runs {v}: nothing to update to"),
            Self::Updating(Some(v)) => write!(f, "an update to {v} runs there"),
            Self::Updating(None) => f.write_str("an update runs there"),
            Self::Validating => f.write_str("a validation already runs there (followed here)"),
            Self::RepositoryUnread(why) => {
                write!(f, "its package repository could not be read ({why})")
            }
        }
    }
}

/// The chosen clusters, in the given order: where a start is sent, which running
/// downloads are followed without one, and which are left out with their reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Where a request is sent.
    pub targets: Vec<Planned>,
    /// Already downloading: followed to their end, no request sent.
    pub attach: Vec<Planned>,
    /// Left out, each with its reason.
    pub skipped: Vec<Skipped>,
}

/// A cluster in a plan: its index in config order and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub cluster: usize,
    pub name: String,
}

/// A chosen cluster left out of a plan, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub cluster: usize,
    pub name: String,
    pub reason: SkipReason,
}

impl Plan {
    /// Why some chosen clusters were never asked, for a command's closing line: "2
    /// clusters did not answer (a, b)", "1 cluster refused the login (c)". These are the
    /// clusters' doing, so the exit is 1 (every other skip is the operator's choice).
    pub(crate) fn unreached(&self) -> Vec<String> {
        let named = |refused: bool| -> Vec<&str> {
            (self.skipped.iter())
                .filter(|s| match s.reason {
                    SkipReason::Failing(_) => !refused,
                    SkipReason::LoginRefused => refused,
                    _ => false,
                })
                .map(|s| s.name.as_str())
                .collect()
        };
        [
            (named(false), "did not answer"),
            (named(true), "refused the login"),
        ]
        .into_iter()
        .filter(|(names, _)| !names.is_empty())
        .map(|(names, why)| {
            let count = crate::text::count_clusters(names.len());
            format!("{count} {why} ({})", names.join(", "))
        })
        .collect()
    }

    /// The targets' names, in the plan's order.
    pub(crate) fn target_names(&self) -> Vec<&str> {
        self.targets.iter().map(|t| t.name.as_str()).collect()
    }

    /// True when nothing would be sent and nothing newly followed.
    pub(crate) fn is_empty(&self) -> bool {
        self.targets.is_empty() && self.attach.is_empty()
    }
}

/// Splits the chosen clusters. Read-only wins over every other reason, since it is the
/// one the operator cannot wait out; a refused login comes next (even following a
/// running download would mean another login); a cluster already downloading is
/// followed, not sent a second request, even when its poll just failed.
pub(crate) fn plan(candidates: impl IntoIterator<Item = Candidate>) -> Plan {
    let mut plan = Plan::default();
    for c in candidates {
        // A login refused at the last poll is one, whether or not its pause is known yet.
        let refused = matches!(&c.failing, Some(Silent::Failed(e)) if e.kind == crate::ontap::ErrorKind::Auth);
        if (c.login_refused || refused) && !c.read_only {
            plan.skip(Planned::of(c), SkipReason::LoginRefused);
            continue;
        }
        let reason = match (c.read_only, c.busy, &c.failing) {
            (true, _, _) => SkipReason::ReadOnly,
            (false, Busy::Followed, _) => SkipReason::AlreadyFollowed,
            (false, Busy::Downloading, _) => {
                plan.attach.push(Planned::of(c));
                continue;
            }
            (false, Busy::No, Some(why)) => SkipReason::Failing(why.clone()),
            (false, Busy::No, None) => match &c.holds {
                Some(holding) => SkipReason::AlreadyThere(holding.clone()),
                None => {
                    plan.targets.push(Planned::of(c));
                    continue;
                }
            },
        };
        plan.skip(Planned::of(c), reason);
    }
    plan
}

impl Planned {
    fn of(c: Candidate) -> Self {
        Self {
            cluster: c.cluster,
            name: c.name,
        }
    }
}

impl Plan {
    /// Leaves `who` out, for `reason`.
    pub(crate) fn skip(&mut self, who: Planned, reason: SkipReason) {
        self.skipped.push(Skipped {
            cluster: who.cluster,
            name: who.name,
            reason,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(cluster: usize) -> Planned {
        Planned {
            cluster,
            name: format!("c{cluster}"),
        }
    }

    fn candidate(cluster: usize, read_only: bool, busy: Busy, failing: bool) -> Candidate {
        Candidate {
            cluster,
            name: format!("c{cluster}"),
            read_only,
            busy,
            failing: failing.then_some(Silent::NotYet),
            login_refused: false,
            holds: None,
        }
    }

    #[test]
    fn targets_attaches_and_skips_each_with_its_reason_read_only_first() {
        let p = plan([
            candidate(0, false, Busy::No, false),
            candidate(1, true, Busy::Downloading, true),
            candidate(2, false, Busy::Downloading, false),
            candidate(3, false, Busy::No, true),
            candidate(4, false, Busy::Followed, false),
        ]);
        assert_eq!(p.targets, [planned(0)]);
        assert_eq!(p.attach, [planned(2)]);
        let reasons: Vec<_> = p
            .skipped
            .iter()
            .map(|s| (s.cluster, s.reason.clone()))
            .collect();
        assert_eq!(
            reasons,
            [
                (1, SkipReason::ReadOnly),
                (3, SkipReason::Failing(Silent::NotYet)),
                (4, SkipReason::AlreadyFollowed),
            ]
        );
        assert!(!p.is_empty());
    }

    #[test]
    fn a_cluster_that_has_the_release_is_skipped_unless_it_is_busy_or_read_only() {
        let mut holder = candidate(0, false, Busy::No, false);
        holder.holds = Some(Holding::Holds("9.16.1P3".into()));
        let mut running = candidate(1, false, Busy::Downloading, false);
        running.holds = Some(Holding::Runs("9.16.1P3".into()));
        let mut ro = candidate(2, true, Busy::No, false);
        ro.holds = Some(Holding::Runs("9.16.1P3".into()));
        let p = plan([holder, running, ro, candidate(3, false, Busy::No, false)]);
        assert_eq!(p.targets, [planned(3)]);
        assert_eq!(p.attach, [planned(1)]);
        assert_eq!(
            p.skipped[0].reason.to_string(),
            "already holds 9.16.1P3 in its package repository"
        );
        assert_eq!(p.skipped[1].reason, SkipReason::ReadOnly);
    }

    #[test]
    fn a_refused_login_is_skipped_even_when_a_download_runs_there() {
        let mut paused = candidate(0, false, Busy::Downloading, true);
        paused.login_refused = true;
        let p = plan([paused]);
        assert!(p.attach.is_empty() && p.targets.is_empty());
        assert_eq!(p.skipped[0].reason, SkipReason::LoginRefused);
    }
}
