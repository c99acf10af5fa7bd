//! A command's view of the engine: the engine's updates applied to a model, as the
//! dashboard does, so a command reads the same facts the screen shows (where each
//! operation stands, how it ended) and never holds a tracker itself.

use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::engine::Update;
use crate::state::{ClusterState, Model};

/// The model a command keeps, fed by the engine's updates.
pub(crate) struct Watch {
    pub(crate) model: Model,
    updates: mpsc::Receiver<Update>,
    /// Records that could not be written: they count against the exit code.
    pub(crate) not_recorded: Vec<String>,
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
            let next = match deadline {
                Some(deadline) => {
                    match tokio::time::timeout_at(deadline, self.updates.recv()).await {
                        Ok(next) => next,
                        Err(_) => return Waited::TimedOut,
                    }
                }
                None => self.updates.recv().await,
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
    /// `packages`, its repository was read or could not be), it failed, or its login was
    /// refused. One pass: a hung cluster costs its one timeout.
    pub(crate) async fn first_look(&mut self, packages: bool, seen: impl FnMut(&Model, &Update)) {
        let looked = |c: &ClusterState| {
            let answered = c.last_success.is_some()
                && (!packages || c.packages.is_some() || c.packages_error.is_some());
            answered || c.last_failure.is_some() || c.login_paused.is_some()
        };
        self.until(None, |m| m.clusters.iter().all(looked), seen)
            .await;
    }

    /// Records that could not be written, and warnings, are said as they come.
    fn note(&mut self, update: &Update) {
        match update {
            Update::RecordFailed { error, .. } => {
                crate::errln!("ontop: NOT RECORDED: {error}");
                self.not_recorded.push(error.clone());
            }
            Update::Warning { text, .. } => crate::errln!("ontop: warning: {text}"),
            _ => {}
        }
    }
}
