//! `max_running`: at most so many downloads started by ontop run at once, so that 200
//! clusters do not pull a 3 GB image from one web server together. The others wait in
//! ontop, in the order they were chosen, and nothing is sent for them until a running
//! one ends. Queued starts were never sent: a front end that quits says so.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

/// The gate every start passes (none when there is no limit).
#[derive(Debug, Clone)]
pub(crate) struct Gate {
    slots: Option<Arc<Semaphore>>,
}

/// A running download's place: dropped when the download ends, letting the next start.
#[derive(Debug)]
pub(crate) struct Slot(#[allow(dead_code)] Option<OwnedSemaphorePermit>);

impl Gate {
    /// At most `max` at once; `None`: no limit.
    pub(crate) fn new(max: Option<usize>) -> Self {
        Self {
            slots: max.map(|n| Arc::new(Semaphore::new(n.max(1)))),
        }
    }

    /// A place to run now, without waiting, when one is free.
    pub(crate) fn try_enter(&self) -> Option<Slot> {
        match &self.slots {
            None => Some(Slot(None)),
            Some(slots) => slots
                .clone()
                .try_acquire_owned()
                .ok()
                .map(|p| Slot(Some(p))),
        }
    }

    /// Waits for a place.
    pub(crate) async fn enter(&self) -> Slot {
        match &self.slots {
            None => Slot(None),
            Some(slots) => Slot(slots.clone().acquire_owned().await.ok()),
        }
    }

    /// `count` places handed out in this order as they free up: the n-th receiver gets
    /// its place only after the one before it. A receiver dropped meanwhile (its start
    /// given up) is skipped, and a place sent to one dropped since goes back at once.
    pub(crate) fn in_order(&self, count: usize) -> Vec<oneshot::Receiver<Slot>> {
        let (senders, receivers): (Vec<_>, Vec<_>) = (0..count).map(|_| oneshot::channel()).unzip();
        let gate = self.clone();
        tokio::spawn(async move {
            for sender in senders {
                if sender.is_closed() {
                    continue;
                }
                let slot = gate.enter().await;
                let _ = sender.send(slot);
            }
        });
        receivers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn never_more_than_the_limit_and_in_the_order_given() {
        let gate = Gate::new(Some(2));
        let a = gate.enter().await;
        let _b = gate.enter().await;
        assert!(gate.try_enter().is_none());
        let mut places = gate.in_order(3);
        let (mut c, mut d, e) = (places.remove(0), places.remove(0), places.remove(0));
        drop(e); // given up: skipped
        tokio::task::yield_now().await;
        assert!(
            c.try_recv().is_err() && d.try_recv().is_err(),
            "no place free yet"
        );
        drop(a);
        let c = c.await.expect("c is first");
        assert!(d.try_recv().is_err(), "one place freed, one start");
        drop(c);
        let _d = d.await.expect("then d");
        assert!(Gate::new(None).try_enter().is_some(), "no limit, no wait");
    }
}
