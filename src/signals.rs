//! The signals that end a run cleanly, waited for in one place: SIGTERM (a service
//! manager), SIGHUP (the SSH session closed) and Ctrl-C (SIGINT). The dashboard, `ontop
//! serve` and every command that waits leave the same way on each: the journal written,
//! the terminal given back, what still runs said.
//!
//! Once a handler is installed the signal no longer ends the process by itself (tokio
//! keeps its handler for the rest of the run): every later wait listens too. A hang-up
//! that was ignored when ontop started (`nohup ontop serve &`) stays ignored: no handler
//! is put over it.

#[cfg(unix)]
use tokio::signal::unix::{Signal, SignalKind, signal};

/// Resolves at Ctrl-C (SIGINT). In the dashboard's raw mode Ctrl-C is a key instead.
pub(crate) async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_err() {
        // No handler could be installed: never resolves, the default action stays.
        std::future::pending::<()>().await;
    }
}

/// SIGTERM, SIGHUP or Ctrl-C, whichever comes first: what stops a long run. The
/// handlers are in place from when this is made, and each listener lives as long as it:
/// a signal that comes between two waits (while a frame is drawn) is not lost.
pub(crate) struct Stop {
    #[cfg(unix)]
    term: Option<Signal>,
    #[cfg(unix)]
    hangup: Option<Signal>,
    #[cfg(unix)]
    interrupt: Option<Signal>,
}

impl Stop {
    pub(crate) fn new() -> Self {
        Self {
            #[cfg(unix)]
            term: signal(SignalKind::terminate()).ok(),
            #[cfg(unix)]
            hangup: if hangup_ignored() {
                None
            } else {
                signal(SignalKind::hangup()).ok()
            },
            #[cfg(unix)]
            interrupt: signal(SignalKind::interrupt()).ok(),
        }
    }

    /// Resolves at the first of the three signals.
    pub(crate) async fn requested(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            () = next(&mut self.term) => {}
            () = next(&mut self.hangup) => {}
            () = next(&mut self.interrupt) => {}
        }
        #[cfg(not(unix))]
        ctrl_c().await;
    }
}

/// Whether SIGHUP is set to be ignored (as `nohup` starts a program): then a hang-up is
/// nobody's request to stop.
#[cfg(unix)]
fn hangup_ignored() -> bool {
    // SAFETY: with no new action, sigaction only writes the current one into `current`.
    let mut current: libc::sigaction = unsafe { std::mem::zeroed() };
    let read = unsafe { libc::sigaction(libc::SIGHUP, std::ptr::null(), &mut current) };
    read == 0 && current.sa_sigaction == libc::SIG_IGN
}

/// The next delivery of `signal`; never, when its handler could not be installed.
#[cfg(unix)]
async fn next(signal: &mut Option<Signal>) {
    match signal {
        Some(signal) => {
            signal.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}
