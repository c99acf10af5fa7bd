//! Which of the chosen clusters a download will really go to, and why the others not.
//!
//! Pure: the dashboard builds the input from its model, `ontop download` from a sweep,
//! and both skip by the same rules and words. What counts as "downloading" is what each
//! knows: the sweep sees state `running`; the dashboard also knows the jobs and the
//! downloads it follows itself.

use std::fmt;

/// What the plan needs to know about one chosen cluster.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The cluster's index in config order.
    pub cluster: usize,
    pub name: String,
    /// `--read-only` or the cluster's `read_only`.
    pub read_only: bool,
    /// A download is already running there (state `running`, or a job not yet ended).
    pub downloading: bool,
    /// Why the cluster cannot be reached right now, when it cannot.
    pub failing: Option<String>,
}

/// Why a chosen cluster is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    ReadOnly,
    AlreadyDownloading,
    Failing(String),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReadOnly => f.write_str("read-only"),
            Self::AlreadyDownloading => f.write_str("already downloading (ontop follows it)"),
            Self::Failing(why) => write!(f, "not answering: {why}"),
        }
    }
}

/// The clusters to start on, and those skipped with their reason, in the given order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub targets: Vec<(usize, String)>,
    pub skipped: Vec<(usize, String, SkipReason)>,
}

/// Splits the chosen clusters into targets and skips. Read-only wins over every other
/// reason, since it is the one the operator cannot wait out.
pub fn plan(candidates: impl IntoIterator<Item = Candidate>) -> Plan {
    let mut plan = Plan::default();
    for c in candidates {
        let reason = if c.read_only {
            Some(SkipReason::ReadOnly)
        } else if c.downloading {
            Some(SkipReason::AlreadyDownloading)
        } else {
            c.failing.map(SkipReason::Failing)
        };
        match reason {
            Some(reason) => plan.skipped.push((c.cluster, c.name, reason)),
            None => plan.targets.push((c.cluster, c.name)),
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(cluster: usize, read_only: bool, downloading: bool, failing: bool) -> Candidate {
        Candidate {
            cluster,
            name: format!("c{cluster}"),
            read_only,
            downloading,
            failing: failing.then(|| "connect: refused".to_string()),
        }
    }

    #[test]
    fn skips_carry_their_reason_and_read_only_wins() {
        let p = plan([
            candidate(0, false, false, false),
            candidate(1, true, true, true),
            candidate(2, false, true, false),
            candidate(3, false, false, true),
        ]);
        assert_eq!(p.targets, [(0, "c0".to_string())]);
        let reasons: Vec<_> = p.skipped.iter().map(|(i, _, r)| (*i, r.clone())).collect();
        assert_eq!(
            reasons,
            [
                (1, SkipReason::ReadOnly),
                (2, SkipReason::AlreadyDownloading),
                (3, SkipReason::Failing("connect: refused".into()))
            ]
        );
    }
}
