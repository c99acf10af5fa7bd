//! Locks that outlive a panic. A thread that panicked while holding one of ontop's locks
//! left plain data behind (a cache, a table, the model), never a half-made invariant the
//! others must not see, so every lock is taken back rather than turned into a second
//! panic. One spelling for it, here.

use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// [`Mutex::lock`] that takes a poisoned lock back.
pub(crate) trait Lock<T: ?Sized> {
    /// The guard, whether or not a holder panicked.
    fn locked(&self) -> MutexGuard<'_, T>;
}

impl<T: ?Sized> Lock<T> for Mutex<T> {
    fn locked(&self) -> MutexGuard<'_, T> {
        self.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// [`RwLock::read`] and [`RwLock::write`] that take a poisoned lock back.
pub(crate) trait ReadWrite<T: ?Sized> {
    /// The read guard, whether or not a holder panicked.
    fn reading(&self) -> RwLockReadGuard<'_, T>;
    /// The write guard, whether or not a holder panicked.
    fn writing(&self) -> RwLockWriteGuard<'_, T>;
}

impl<T: ?Sized> ReadWrite<T> for RwLock<T> {
    fn reading(&self) -> RwLockReadGuard<'_, T> {
        self.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn writing(&self) -> RwLockWriteGuard<'_, T> {
        self.write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
