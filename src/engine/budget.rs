//! The open-file budget: one kept-alive connection per cluster needs one descriptor per
//! cluster, and the usual soft limit (1024 under systemd and most shells) is below a
//! large fleet. The engine raises the soft limit as far as the hard limit allows; when
//! that is still short, it says once how many clusters keep a connection, and the others
//! connect anew for each poll, a bounded number at a time, so the process never runs out
//! of descriptors (no EMFILE storm, no listener that can no longer accept).

/// Descriptors kept for everything but the pollers' connections: stdio, the log, the
/// audit log and journal, the runtime's own, starts and removals on the wire, a
/// package list read now and then.
pub(crate) const MARGIN: u64 = 96;

/// How the pollers fit the open-file limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Budget {
    /// The open-file limit after raising it (`u64::MAX` where it is not known).
    pub limit: u64,
    /// The clusters (the first ones, in order) that keep their connection open.
    pub kept_alive: usize,
    /// Polls in flight across the fleet.
    pub in_flight: usize,
    /// Polls in flight among the clusters that connect anew for each poll.
    pub fresh_in_flight: usize,
    /// What to tell the operator once, when not every cluster keeps its connection.
    pub warning: Option<String>,
}

impl Budget {
    /// The budget of `clusters` pollers besides `reserved` descriptors the front end
    /// needs (its own listeners and clients), the limit raised as far as it goes.
    pub(crate) fn for_fleet(clusters: usize, reserved: u64) -> Self {
        let needed = (clusters as u64)
            .saturating_add(reserved)
            .saturating_add(MARGIN);
        let limit = raise_limit(needed);
        Self::within(clusters, reserved, limit)
    }

    /// The budget under an open-file `limit` (pure, for tests).
    pub(crate) fn within(clusters: usize, reserved: u64, limit: u64) -> Self {
        let in_flight = super::POLLERS_MAX_IN_FLIGHT;
        let needed = (clusters as u64)
            .saturating_add(reserved)
            .saturating_add(MARGIN);
        if limit >= needed {
            return Self {
                limit,
                kept_alive: clusters,
                in_flight,
                fresh_in_flight: 0,
                warning: None,
            };
        }
        let room = limit
            .saturating_sub(reserved)
            .saturating_sub(MARGIN)
            .max(16);
        // An eighth of the room for the clusters that reconnect at each poll: each poll
        // holds its descriptor only for a round trip or two.
        let fresh_in_flight = (room / 8).clamp(8, in_flight as u64);
        let kept_alive = room.saturating_sub(fresh_in_flight) as usize;
        let fresh = clusters.saturating_sub(kept_alive);
        let warning = format!(
            "the open-file limit is {limit}, and {clusters} clusters need about {needed}: \
             {kept_alive} keep their connection open, the other {fresh} connect anew for \
             each poll ({fresh_in_flight} at a time); raise the limit (ulimit -n {needed}, \
             or LimitNOFILE={needed} for a service) to keep them all"
        );
        Self {
            limit,
            kept_alive,
            in_flight: in_flight.min(room as usize),
            fresh_in_flight: fresh_in_flight as usize,
            warning: Some(warning),
        }
    }
}

/// Raises the soft open-file limit towards `needed`, as far as the hard limit allows;
/// the limit in force afterwards.
#[cfg(unix)]
fn raise_limit(needed: u64) -> u64 {
    match rlimit::increase_nofile_limit(needed) {
        Ok(now) => now,
        Err(e) => {
            tracing::warn!("cannot read or raise the open-file limit: {e}");
            rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(u64::MAX, |(soft, _)| soft)
        }
    }
}

#[cfg(not(unix))]
fn raise_limit(_needed: u64) -> u64 {
    u64::MAX
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fleet_that_fits_keeps_every_connection() {
        let budget = Budget::within(1000, 128, 20_000);
        assert_eq!(budget.kept_alive, 1000);
        assert_eq!(budget.warning, None);
    }

    #[test]
    fn past_the_limit_the_descriptors_in_use_never_exceed_it() {
        for (clusters, reserved, limit) in [(1100, 128, 1024), (10_000, 0, 1024), (300, 0, 256)] {
            let b = Budget::within(clusters, reserved, limit);
            let at_most = b.kept_alive as u64 + b.fresh_in_flight as u64 + reserved + MARGIN;
            assert!(at_most <= limit.max(16 + reserved + MARGIN), "{b:?}");
            assert!(b.kept_alive < clusters, "{b:?}");
            let warning = b.warning.unwrap();
            assert!(warning.contains("connect anew"), "{warning}");
        }
    }
}
