//! An update in progress, as a timeline: pre-update checks, then each node's ONTAP
//! update in turn (one HA pair after the other), then post-update checks.
//!
//! Nothing runs in the background: the state is computed from the update's clock when
//! asked. That clock runs `pace` simulated seconds per real second, tests move it with
//! [`Update::advance`], and a halt (`paused_on_error`, `failed`) stops it where the
//! plan says. The durations are the simulator's choice, of the order real clusters
//! report (minutes of checks, about half an hour per node).

use std::time::Duration;

use tokio::time::Instant;

/// Where an update is (or stops), for scenarios and tests to put a cluster mid-window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateAt {
    /// Just started: the pre-update checks run.
    PreChecks,
    /// Node `n` (1-based) is being updated; the nodes before it are done.
    Node(usize),
    /// Node `n` could not be updated: the update is `paused_on_error`, with a status detail.
    PausedOnError(usize),
    /// Node `n` could not be updated and the update `failed`, with a status detail.
    Failed(usize),
    /// Every node is done: the post-update checks run.
    PostChecks,
    /// The update has completed: every node runs the new version.
    Completed,
}

/// How an update stopped short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Halt {
    PausedOnError,
    Failed,
}

impl Halt {
    /// The wire spelling of the state it leaves the update (and its phase) in.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Halt::PausedOnError => "paused_on_error",
            Halt::Failed => "failed",
        }
    }
}

/// One phase of the plan: its name, its node (none for the cluster-wide checks), what
/// ONTAP estimates and what it really takes, in simulated seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Phase {
    pub(crate) name: &'static str,
    /// 0-based node index.
    pub(crate) node: Option<usize>,
    pub(crate) estimated: u64,
    pub(crate) actual: u64,
}

/// A phase as a GET sees it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PhaseNow {
    pub(crate) phase: Phase,
    /// `completed`, `in_progress`, or the halt's state.
    pub(crate) state: &'static str,
    /// Simulated seconds spent in it so far.
    pub(crate) elapsed: u64,
    /// Seconds from its start to now: simulated ones, plus the real time since the
    /// update stopped (halted or completed), so that its times stay put meanwhile.
    pub(crate) started_ago: u64,
}

/// What a GET sees of an update now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UpdateNow {
    /// `in_progress`, `paused_on_error`, `failed` or `completed`.
    pub(crate) state: &'static str,
    /// The phases reached so far, in order.
    pub(crate) phases: Vec<PhaseNow>,
    /// Per node (0-based): whether it runs the new version.
    pub(crate) updated: Vec<bool>,
    /// Simulated seconds since the start.
    pub(crate) elapsed: u64,
    /// What the whole update is estimated to take.
    pub(crate) estimated: u64,
    /// The halted phase's node, when the update stopped on an error there.
    pub(crate) halted_on: Option<(usize, Halt)>,
}

impl UpdateNow {
    /// True until the update has completed or failed: a new validation, update or
    /// package delete is refused meanwhile (a paused update is still in progress).
    pub(crate) fn in_progress(&self) -> bool {
        !matches!(self.state, "completed" | "failed")
    }
}

/// The phases of an update of `nodes` nodes.
pub(crate) fn plan(nodes: usize) -> Vec<Phase> {
    let check = |name, estimated, actual| Phase {
        name,
        node: None,
        estimated,
        actual,
    };
    let mut phases = vec![check("Pre-update checks", 600, 420)];
    phases.extend((0..nodes).map(|i| Phase {
        name: "ONTAP updates",
        node: Some(i),
        estimated: 1800,
        actual: 1620,
    }));
    phases.push(check("Post-update checks", 300, 240));
    phases
}

/// An update from one version to another.
#[derive(Debug, Clone)]
pub(crate) struct Update {
    pub(crate) from: String,
    pub(crate) to: String,
    phases: Vec<Phase>,
    /// The real instant the clock was last set, and its simulated reading then.
    anchor: Instant,
    at_anchor: Duration,
    /// Simulated seconds per real second.
    pace: u32,
    /// Where it stops short: (phase index, simulated seconds into it, how).
    halt: Option<(usize, u64, Halt)>,
}

impl Update {
    /// An update of `nodes` nodes that starts now, or is put at `at` at once.
    pub(crate) fn new(from: &str, to: &str, nodes: usize, pace: u32, at: UpdateAt) -> Update {
        let phases = plan(nodes);
        let start_of = |i: usize| phases[..i].iter().map(|p| p.actual).sum::<u64>();
        // The index of node n's phase (1-based n, clamped to the cluster's nodes).
        let node_phase = |n: usize| n.clamp(1, nodes.max(1));
        let (head, halt) = match at {
            UpdateAt::PreChecks => (start_of(0) + 60, None),
            UpdateAt::Node(n) => (start_of(node_phase(n)) + 300, None),
            UpdateAt::PausedOnError(n) => {
                let i = node_phase(n);
                (start_of(i) + 500, Some((i, 480, Halt::PausedOnError)))
            }
            UpdateAt::Failed(n) => {
                let i = node_phase(n);
                (start_of(i) + 500, Some((i, 480, Halt::Failed)))
            }
            UpdateAt::PostChecks => (start_of(phases.len() - 1) + 60, None),
            UpdateAt::Completed => (start_of(phases.len()), None),
        };
        Update {
            from: from.to_string(),
            to: to.to_string(),
            phases,
            anchor: Instant::now(),
            at_anchor: Duration::from_secs(head),
            pace: pace.max(1),
            halt,
        }
    }

    /// Moves the update's clock on by `by` simulated time (a halt still stops it).
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn advance(&mut self, by: Duration) {
        self.at_anchor = self.clock() + by;
        self.anchor = Instant::now();
    }

    /// The simulated time since the start, unclamped.
    fn clock(&self) -> Duration {
        self.at_anchor + self.anchor.elapsed() * self.pace
    }

    /// The update as it stands now.
    pub(crate) fn now(&self) -> UpdateNow {
        let total: u64 = self.phases.iter().map(|p| p.actual).sum();
        let clock = self.clock().as_secs();
        let mut t = clock.min(total);
        let mut halted = None;
        if let Some((i, into, how)) = self.halt {
            let at = self.phases[..i].iter().map(|p| p.actual).sum::<u64>() + into;
            if t >= at {
                t = at;
                halted = Some((i, how));
            }
        }
        // Real seconds since it stopped: its clock ran on past `t` at `pace`.
        let stopped_for = clock.saturating_sub(t) / u64::from(self.pace);
        let mut phases = Vec::new();
        let mut start = 0;
        for (i, phase) in self.phases.iter().enumerate() {
            if t < start {
                break;
            }
            let done = t >= start + phase.actual;
            let state = match halted {
                Some((h, how)) if h == i => how.as_str(),
                _ if done => "completed",
                _ => "in_progress",
            };
            phases.push(PhaseNow {
                phase: *phase,
                state,
                elapsed: (t - start).min(phase.actual),
                started_ago: t - start + stopped_for,
            });
            start += phase.actual;
        }
        let updated = (0..self.phases.len().saturating_sub(2))
            .map(|n| {
                phases
                    .iter()
                    .any(|p| p.phase.node == Some(n) && p.state == "completed")
            })
            .collect();
        let state = match halted {
            Some((_, how)) => how.as_str(),
            None if t >= total => "completed",
            None => "in_progress",
        };
        let halted_on = halted.and_then(|(i, how)| Some((self.phases[i].node?, how)));
        UpdateNow {
            state,
            phases,
            updated,
            elapsed: t,
            estimated: self.phases.iter().map(|p| p.estimated).sum(),
            halted_on,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_follow_each_other_and_nodes_change_version_one_by_one() {
        let mut u = Update::new("9.15.1P7", "9.16.1P3", 4, 1, UpdateAt::PreChecks);
        let now = u.now();
        assert_eq!(now.state, "in_progress");
        assert_eq!(now.phases.len(), 1);
        assert_eq!(now.phases[0].phase.name, "Pre-update checks");
        assert_eq!(now.phases[0].phase.node, None);
        assert_eq!(now.updated, [false; 4]);

        u.advance(Duration::from_secs(420 + 1620 + 10));
        let now = u.now();
        assert_eq!(now.phases.len(), 3);
        assert_eq!(now.phases[1].state, "completed");
        assert_eq!(now.phases[2].state, "in_progress");
        assert_eq!(now.phases[2].phase.node, Some(1));
        assert_eq!(now.updated, [true, false, false, false]);

        u.advance(Duration::from_secs(24 * 3600));
        let now = u.now();
        assert_eq!(now.state, "completed");
        assert_eq!(now.updated, [true; 4]);
        assert!(now.phases.iter().all(|p| p.state == "completed"));
        assert_eq!(now.phases.last().unwrap().phase.name, "Post-update checks");
        assert!(!now.in_progress());
    }

    #[test]
    fn a_halt_stops_the_clock_on_its_node() {
        let mut u = Update::new("a", "b", 4, 1, UpdateAt::PausedOnError(3));
        u.advance(Duration::from_secs(10_000));
        let now = u.now();
        assert_eq!(now.state, "paused_on_error");
        assert_eq!(now.halted_on, Some((2, Halt::PausedOnError)));
        assert_eq!(now.updated, [true, true, false, false]);
        assert_eq!(now.phases.last().unwrap().state, "paused_on_error");
        assert!(now.in_progress());
        // Put 20 s past its halt, then 10 000 s on: its start lies that much further back.
        assert_eq!(now.phases.last().unwrap().started_ago, 480 + 20 + 10_000);
        let failed = Update::new("a", "b", 2, 1, UpdateAt::Failed(1)).now();
        assert_eq!(failed.state, "failed");
        assert!(!failed.in_progress());
    }

    #[test]
    fn stages_put_the_update_where_they_say() {
        let at = |stage| Update::new("a", "b", 4, 1, stage).now();
        assert_eq!(
            at(UpdateAt::Node(2)).phases.last().unwrap().phase.node,
            Some(1)
        );
        assert_eq!(at(UpdateAt::Node(2)).updated, [true, false, false, false]);
        let post = at(UpdateAt::PostChecks);
        assert_eq!(post.phases.last().unwrap().phase.name, "Post-update checks");
        assert_eq!(post.updated, [true; 4]);
        assert_eq!(at(UpdateAt::Completed).state, "completed");
    }
}
