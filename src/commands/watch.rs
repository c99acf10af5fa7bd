//! A command's view of the engine: the engine's updates applied to a model, as the
//! dashboard does, so a command reads the same facts the screen shows (where each
//! operation stands, how it ended) and never holds a tracker itself.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::progress::Waiting;

use crate::engine::Update;
use crate::state::{ClusterState, Model};

/// The model a command keeps, fed by the engine's updates.
pub(crate) struct Watch {
    pub(crate) model: Model,
    updates: mpsc::Receiver<Update>,
    /// Records that could not be written: they count against the exit code.
    pub(crate) not_recorded: Vec<String>,
}

/// Sleeps until `deadline`, or for ever without one.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// How far a command follows what it started (`--wait` or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Following {
    /// Until each request is answered.
    UntilAnswered,
    /// `--wait`: until each operation has ended.
    ToTheEnd,
}

impl Following {
    /// From the `--wait` flag.
    pub(crate) fn from_wait(wait: bool) -> Self {
        if wait {
            Self::ToTheEnd
        } else {
            Self::UntilAnswered
        }
    }
}

/// What the first look at the clusters waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Look {
    /// An answer to a poll (or a failure).
    Polled,
    /// An answer, and the package repository read (or found unreadable): a plan that
    /// skips the clusters holding a release needs it.
    WithPackages,
}

/// How a wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Waited {
    /// What was waited for came.
    Done,
    /// The deadline came first.
    TimedOut,
    /// The engine stopped.
    Closed,
    /// Ctrl-C.
    Interrupted,
}

impl Watch {
    pub(crate) fn new(model: Model, updates: mpsc::Receiver<Update>) -> Self {
        Self {
            model,
            updates,
            not_recorded: Vec::new(),
        }
    }

    /// Applies updates until `done` holds for the model (checked first, and after each
    /// update), or `deadline` comes; `seen` is shown each update after it is applied.
    pub(crate) async fn until(
        &mut self,
        deadline: Option<Instant>,
        mut done: impl FnMut(&Model) -> bool,
        mut seen: impl FnMut(&Model, &Update),
    ) -> Waited {
        loop {
            if done(&self.model) {
                return Waited::Done;
            }
            let next = tokio::select! {
                next = self.updates.recv() => next,
                () = sleep_until(deadline) => return Waited::TimedOut,
                () = crate::signals::ctrl_c() => return Waited::Interrupted,
            };
            let Some(update) = next else {
                return Waited::Closed;
            };
            self.note(&update);
            self.model.apply(update.clone());
            seen(&self.model, &update);
        }
    }

    /// Applies what has come already, without waiting.
    pub(crate) fn drain(&mut self) {
        while let Ok(update) = self.updates.try_recv() {
            self.note(&update);
            self.model.apply(update);
        }
    }

    /// Waits until every cluster has been looked at once: it answered (and, with
    /// [`Look::WithPackages`], its repository was read or could not be), it failed, or its
    /// login was refused. One pass: a hung cluster costs its one timeout (each cluster's is
    /// in `timeouts`), and a live line on a terminal says who is still awaited.
    pub(crate) async fn first_look(&mut self, look: Look, timeouts: Vec<Duration>) -> Waited {
        let looked = move |c: &ClusterState| {
            let packages_known = c.packages.is_some() || c.packages_error.is_some();
            let answered = c.last_success.is_some() && (look == Look::Polled || packages_known);
            answered || c.last_failure.is_some() || c.login_paused.is_some()
        };
        let waiting = Waiting::new(timeouts, "done");
        let show = |model: &Model, _: &Update| {
            waiting.show(model, |i| !looked(&model.clusters[i]));
        };
        waiting.show(&self.model, |i| !looked(&self.model.clusters[i]));
        let waited = self
            .until(None, |m| m.clusters.iter().all(looked), show)
            .await;
        waiting.finish();
        waited
    }

    /// Records that could not be written, and warnings, are said as they come.
    fn note(&mut self, update: &Update) {
        match update {
            Update::RecordFailed { error, .. } => {
                crate::errln!("ontop: NOT RECORDED: {error}");
                self.not_recorded.push(error.clone());
            }
            // Logged where it arose; said here once.
            Update::Warning { text, .. } => crate::output::say_warning(text),
            _ => {}
        }
    }
}
