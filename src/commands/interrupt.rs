//! Ctrl-C while a command waits on clusters (or on the operator's answer): the wait ends,
//! and the command says what that leaves behind (still running, never sent, sent and not
//! answered) before it exits with 130.
//!
//! The signals themselves are waited for in `crate::signals`; a prompt listens for
//! Ctrl-C there too ([`ask_yes`]).

/// Asks `question` on the terminal: `Some(true)` for y/yes, `Some(false)` for anything
/// else, `None` at Ctrl-C.
pub(crate) async fn ask_yes(question: String) -> Option<bool> {
    let answer = tokio::task::spawn_blocking(move || super::ask_yes(&question));
    tokio::select! {
        answer = answer => Some(answer.unwrap_or(false)),
        () = crate::signals::ctrl_c() => {
            crate::errln!();
            None
        }
    }
}
