//! Terminal input read on its own task and handed to the event loop through a channel.
//!
//! crossterm's `EventStream` tries its reader's lock every time it is polled, and spins
//! (yielding the thread) while its own reader thread holds it. Polled inside the event
//! loop's `select!`, it ran on every wake-up: hundreds a second from a large fleet, each
//! a burst of `sched_yield` calls. On its own task it is polled only when its waker says
//! a key, a paste or a resize came.

use std::io;

use crossterm::event::{Event, EventStream};
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Keys read ahead of the event loop; typing faster than a frame is drawn waits here.
const READ_AHEAD: usize = 64;

/// The terminal's events, as they come; the reading task stops when this is dropped.
pub(crate) struct Input {
    events: mpsc::Receiver<io::Result<Event>>,
    reader: JoinHandle<()>,
}

impl Input {
    /// Starts reading the terminal.
    pub(crate) fn start() -> Self {
        let (sender, events) = mpsc::channel(READ_AHEAD);
        let reader = tokio::spawn(async move {
            let mut stream = EventStream::new();
            while let Some(event) = stream.next().await {
                let failed = event.is_err();
                if sender.send(event).await.is_err() || failed {
                    break;
                }
            }
        });
        Self { events, reader }
    }

    /// The next event; `None` once the terminal is gone (a hung-up SSH session).
    pub(crate) async fn next(&mut self) -> Option<io::Result<Event>> {
        self.events.recv().await
    }
}

impl Drop for Input {
    fn drop(&mut self) {
        self.reader.abort();
    }
}
