//! `max_running`: at most so many downloads started by ontop run at once, so that 200
//! clusters do not pull a 3 GB image from one web server together. The others wait in
//! ontop, in the order they were chosen, and nothing is sent for them until a running
//! one ends. Queued starts were never sent: a front end that quits says so.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The gate every start passes (none when there is no limit).
#[derive(Debug, Clone)]
pub struct Gate {
    slots: Option<Arc<Semaphore>>,
    /// Starts waiting now, and every start that has ever waited (for "n of m").
    waiting: Arc<AtomicUsize>,
    queued: Arc<AtomicUsize>,
}

/// A running download's place: dropped when the download ends, letting the next start.
#[derive(Debug)]
pub struct Slot(#[allow(dead_code)] Option<OwnedSemaphorePermit>);

impl Gate {
    /// At most `max` at once; `None`: no limit.
    pub fn new(max: Option<usize>) -> Self {
        Self {
            slots: max.map(|n| Arc::new(Semaphore::new(n.max(1)))),
            waiting: Arc::new(AtomicUsize::new(0)),
            queued: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// A place to run now, without waiting, when one is free.
    pub fn try_enter(&self) -> Option<Slot> {
        match &self.slots {
            None => Some(Slot(None)),
            Some(slots) => slots
                .clone()
                .try_acquire_owned()
                .ok()
                .map(|p| Slot(Some(p))),
        }
    }

    /// Waits for a place, first come first served; `queued(n, m)` is told the wait's
    /// position when it starts (the n-th of m waiting).
    pub async fn enter(&self, queued: impl FnOnce(usize, usize)) -> Slot {
        if let Some(slot) = self.try_enter() {
            return slot;
        }
        let Some(slots) = &self.slots else {
            return Slot(None);
        };
        let position = self.waiting.fetch_add(1, Ordering::SeqCst) + 1;
        let total = self.queued.fetch_add(1, Ordering::SeqCst) + 1;
        queued(position, total.max(position));
        let permit = slots.clone().acquire_owned().await.ok();
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        Slot(permit)
    }

    /// How many starts wait now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn never_more_than_the_limit_and_first_come_first_served() {
        let gate = Gate::new(Some(2));
        let a = gate.enter(|_, _| panic!("a place was free")).await;
        let _b = gate.enter(|_, _| panic!("a place was free")).await;
        assert!(gate.try_enter().is_none());
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut waiting = Vec::new();
        for name in ["c", "d"] {
            let (gate, order) = (gate.clone(), order.clone());
            waiting.push(tokio::spawn(async move {
                let slot = gate.enter(|n, _| assert!(n >= 1)).await;
                order.lock().unwrap().push(name);
                slot
            }));
            tokio::task::yield_now().await;
        }
        assert_eq!(gate.waiting(), 2);
        drop(a);
        let c = waiting.remove(0).await.unwrap();
        assert_eq!(*order.lock().unwrap(), ["c"], "one place freed, one start");
        drop(c);
        let _d = waiting.remove(0).await.unwrap();
        assert_eq!(*order.lock().unwrap(), ["c", "d"]);
        assert!(Gate::new(None).try_enter().is_some(), "no limit, no wait");
    }
}
