//! The background tasks of one simulator run, so shutdown can stop them all.
//!
//! Listeners, connections, package downloads and the package server all run as
//! tokio tasks; each is registered here and aborted by [`Tasks::abort_all`].

use std::future::Future;
use std::sync::Mutex;

use tokio::task::AbortHandle;

/// A registry of spawned tasks that ends them together.
#[derive(Default)]
pub(crate) struct Tasks {
    handles: Mutex<Vec<AbortHandle>>,
    closed: std::sync::atomic::AtomicBool,
}

impl Tasks {
    /// Spawns `fut` and remembers it; after [`Tasks::abort_all`] it is aborted at once.
    pub(crate) fn spawn<F>(&self, fut: F) -> AbortHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let handle = tokio::spawn(fut).abort_handle();
        let mut handles = lock(&self.handles);
        if self.closed.load(std::sync::atomic::Ordering::SeqCst) {
            handle.abort();
        } else {
            // Forget finished tasks now and then, so a long run does not grow the list.
            if handles.len() >= 64 && handles.len().is_power_of_two() {
                handles.retain(|h| !h.is_finished());
            }
            handles.push(handle.clone());
        }
        handle
    }

    /// Aborts every task spawned so far and every one spawned from now on.
    pub(crate) fn abort_all(&self) {
        self.closed.store(true, std::sync::atomic::Ordering::SeqCst);
        for handle in lock(&self.handles).drain(..) {
            handle.abort();
        }
    }
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it: the
/// simulator's state stays usable for the other clusters.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
