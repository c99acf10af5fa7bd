//! Ctrl-C while a command waits on clusters (or on the operator's answer): the wait ends,
//! and the command says what that leaves behind (still running, never sent, sent and not
//! answered) before it exits with 130.
//!
//! Once a command has listened for Ctrl-C, the signal no longer ends the process by
//! itself (tokio keeps its handler for the rest of the run): every later wait and prompt
//! listens too ([`ask_yes`]).

/// Resolves at Ctrl-C (SIGINT).
pub(crate) async fn requested() {
    if tokio::signal::ctrl_c().await.is_err() {
        // No handler could be installed: never resolves, the default action stays.
        std::future::pending::<()>().await;
    }
}

/// Asks `question` on the terminal: `Some(true)` for y/yes, `Some(false)` for anything
/// else, `None` at Ctrl-C.
pub(crate) async fn ask_yes(question: String) -> Option<bool> {
    let answer = tokio::task::spawn_blocking(move || super::ask_yes(&question));
    tokio::select! {
        answer = answer => Some(answer.unwrap_or(false)),
        () = requested() => {
            crate::errln!();
            None
        }
    }
}
