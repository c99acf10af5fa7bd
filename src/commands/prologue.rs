//! What every command that sends changes does before it sends anything, written once: a
//! way to confirm (a terminal, `--yes` or `--dry-run`), the engine over the chosen
//! clusters (their passwords resolved off the async workers), and the question with its
//! two ways of saying no.

use std::sync::Arc;
use std::time::Duration;

use super::watch::Watch;
use super::{CliError, Context, Exit, interrupt};
use crate::config::{Config, Credentials};
use crate::engine::{Engine, EngineOptions};

/// How long a command's end waits for requests still on the wire and for the recorder.
pub(crate) const FINISH_GRACE: Duration = Duration::from_secs(30);
/// After Ctrl-C, how long the requests still on the wire and the recorder get.
pub(crate) const INTERRUPT_GRACE: Duration = Duration::from_secs(5);

/// The release a command was given (`validate`, `packages delete`), trimmed, or a usage
/// error saying what a release looks like.
pub(crate) fn release(arg: &str) -> Result<&str, CliError> {
    let version = arg.trim();
    if crate::download::is_version(version) {
        Ok(version)
    } else {
        Err(CliError::Usage(format!(
            "{arg:?} is not a release (e.g. 9.16.1P3, as ontop packages lists it)"
        )))
    }
}

/// Refuses to start without a way to confirm: `--yes`, `--dry-run`, or a terminal.
pub(crate) fn need_a_way_to_confirm(
    yes: bool,
    dry_run: bool,
    interactive: bool,
) -> Result<(), CliError> {
    if yes || dry_run || interactive {
        return Ok(());
    }
    Err(CliError::Usage(
        "no terminal to confirm on: use --yes to confirm without a terminal".into(),
    ))
}

/// The engine over `subset` (sending nothing when `read_only`), and a watch on what it
/// says from its first update on.
pub(crate) fn watched_engine(
    ctx: &Context,
    subset: &Config,
    read_only: bool,
    options: EngineOptions,
) -> (Engine, Watch) {
    let credentials = Arc::new(Credentials::new(ctx.interactive));
    // Password commands and prompts block: keep them off the async workers.
    let (engine, updates, model) = tokio::task::block_in_place(|| {
        Engine::from_config(
            subset,
            &credentials,
            ctx.data_dir.as_deref(),
            read_only,
            options,
        )
    });
    (engine, Watch::new(model, updates))
}

/// Asks `question` on the terminal; the exit when the answer is no (`cancelled` says
/// what was not done: "nothing was started") or Ctrl-C.
pub(crate) async fn confirm(question: String, cancelled: &str) -> Result<(), Exit> {
    match interrupt::ask_yes(question).await {
        Some(true) => Ok(()),
        Some(false) => {
            crate::errln!("ontop: exit 1: cancelled: {cancelled}");
            Err(Exit::Failed)
        }
        None => {
            crate::errln!("ontop: interrupted: nothing was sent");
            Err(Exit::Interrupted)
        }
    }
}
