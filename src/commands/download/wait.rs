//! Waiting on the engine: until every request is answered, or (`--wait`) until every
//! download has ended, with a progress line per cluster while they run (plain lines on
//! changes when stdout is not a terminal), then a summary line each. The engine follows
//! and records; this renders its updates.

use std::time::Duration;

use tokio::time::Instant;

use super::LINE_COLUMNS;
use super::live::Lines;
use crate::commands::watch::{Waited, Watch};
use crate::download::Planned;
use crate::download::{Ending, Followed, OperationKind, Phase, Plan};
use crate::engine::{Engine, Update};
use crate::state::Model;
use crate::text::table;

/// The clusters the plan sends to or attaches to, in its order.
fn followed_clusters(plan: &Plan) -> Vec<Planned> {
    plan.targets.iter().chain(&plan.attach).cloned().collect()
}

/// The download the engine follows on `cluster`.
fn download(model: &Model, cluster: usize) -> Option<&Followed> {
    model
        .clusters
        .get(cluster)?
        .operation(OperationKind::Download)
}

/// Waits until every request of the plan was answered (or ended without one), or waits
/// in ontop for a place (`max_running`), and every running download it attaches to is
/// followed.
pub(super) async fn until_answered(watch: &mut Watch, plan: &Plan) -> Waited {
    let clusters = followed_clusters(plan);
    // A start that waited in ontop is not waited for here: it goes when a place frees.
    let queued = std::cell::RefCell::new(std::collections::HashSet::new());
    let answered = |model: &Model| {
        clusters.iter().all(|Planned { cluster: c, .. }| {
            download(model, *c)
                .is_some_and(|f| f.answered || f.ending().is_some() || queued.borrow().contains(c))
        })
    };
    let seen = |model: &Model, update: &Update| {
        if let Update::Operation { cluster, .. } = update
            && download(model, *cluster).is_some_and(|f| matches!(f.phase, Phase::Queued { .. }))
        {
            queued.borrow_mut().insert(*cluster);
        }
    };
    watch.until(None, answered, seen).await
}

/// Follows every download of the plan to its end (queued starts are sent by the engine
/// as places free up), then prints a summary line each; with `limit`, those still open
/// then are given up (they go on in the clusters, and the journal keeps them). Ctrl-C
/// ends the wait (`Waited::Interrupted`), with no summary.
pub(super) async fn follow_all(
    engine: &Engine,
    watch: &mut Watch,
    plan: &Plan,
    limit: Option<Duration>,
    size: Option<u64>,
) -> Waited {
    follow(engine, watch, plan, limit, size, Upto::Ended).await
}

/// How far [`follow`] waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Upto {
    /// Until every request was answered (an upload: its image sent).
    Answered,
    /// Until every operation ended (then a summary line each).
    Ended,
}

/// Waits on the plan's operations `upto` answered or ended, with a live line each (an
/// upload's bytes with a bar); see [`follow_all`].
pub(super) async fn follow(
    engine: &Engine,
    watch: &mut Watch,
    plan: &Plan,
    limit: Option<Duration>,
    size: Option<u64>,
    upto: Upto,
) -> Waited {
    let clusters = followed_clusters(plan);
    let began = Instant::now();
    // Starts answered before this wait were printed (and an upload's image is sent).
    let answered: std::collections::HashSet<usize> = (clusters.iter())
        .map(|p| p.cluster)
        .filter(|c| download(&watch.model, *c).is_some_and(|f| f.answered))
        .collect();
    let mut lines = Lines::new(&clusters, size, &answered);
    for Planned { cluster, .. } in &clusters {
        if let Some(f) = download(&watch.model, *cluster) {
            lines.update(*cluster, f);
        }
    }
    let all_ended = |model: &Model| {
        clusters.iter().all(|Planned { cluster: c, .. }| {
            download(model, *c)
                .is_some_and(|f| f.ending().is_some() || (upto == Upto::Answered && f.answered))
        })
    };
    let deadline = limit.map(|l| began + l);
    let seen = |model: &Model, update: &Update| {
        if let Update::Operation { cluster, .. } = update
            && let Some(f) = download(model, *cluster)
        {
            lines.update(*cluster, f);
        }
    };
    let mut waited = watch.until(deadline, all_ended, seen).await;
    if waited == Waited::TimedOut
        && let Some(limit) = limit
    {
        let reason = format!(
            "not ended after --timeout {}",
            crate::text::duration::written(limit)
        );
        for Planned { cluster, .. } in &clusters {
            if download(&watch.model, *cluster).is_none_or(|f| f.ending().is_none()) {
                engine.give_up(*cluster, OperationKind::Download, reason.clone());
            }
        }
        let seen = |model: &Model, update: &Update| {
            if let Update::Operation { cluster, .. } = update
                && let Some(f) = download(model, *cluster)
            {
                lines.update(*cluster, f);
            }
        };
        waited = watch.until(None, all_ended, seen).await;
    }
    lines.clear();
    if waited != Waited::Interrupted && upto == Upto::Ended {
        summarize(&watch.model, &clusters);
    }
    waited
}

/// A line per cluster: how it ended, its job and how long it took; the failures, with
/// what to do, on stderr.
fn summarize(model: &Model, clusters: &[Planned]) {
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for Planned { cluster, name } in clusters {
        let followed = download(model, *cluster);
        let ending = followed
            .and_then(Followed::ending)
            .cloned()
            .unwrap_or_else(|| Ending::GaveUp {
                reason: "the engine stopped before it ended (see the log)".into(),
            });
        let mut detail: Vec<String> = followed
            .and_then(|f| f.job.clone())
            .map(|j| format!("job {j}"))
            .into_iter()
            .collect();
        if let Some(f) = followed {
            let took = crate::state::age(f.since_request, f.since.at());
            if took > Duration::ZERO {
                detail.push(crate::text::duration::elapsed(took));
            }
        }
        let word = ending.result_word().replace('_', " ");
        summary.push(vec![name.clone(), word, detail.join("  ")]);
        if !ending.is_success() {
            failures.push(format!("ontop: {name}: {}", ending.describe()));
        }
    }
    crate::out!("{}", table::render(&LINE_COLUMNS, &summary));
    for failure in failures {
        crate::errln!("{failure}");
    }
}
