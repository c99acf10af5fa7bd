//! The dashboard: on the configured clusters (`ontop`), or on the embedded simulated
//! fleet (`ontop demo`).

use std::io::IsTerminal;
use std::sync::Arc;

use super::{CliError, Context, Exit};
use crate::config::Credentials;
use crate::launch::{self, ScreenOptions};
use crate::tui;

/// The options the context gives the screen.
fn options(ctx: &Context) -> ScreenOptions {
    ScreenOptions {
        read_only: ctx.read_only,
        color: ctx.color,
        bell: ctx.bell,
    }
}

/// The dashboard reads keys from a terminal and draws on one; given a file or a pipe, it
/// would wait for keys that never come and write screen codes into the output.
fn needs_a_terminal() -> Result<(), CliError> {
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        return Ok(());
    }
    Err(CliError::Usage(
        "the dashboard needs a terminal, and its input or output is not one here; in a \
         script, use `ontop status` (with --json or --jsonl for a program)"
            .into(),
    ))
}

/// The dashboard over the config's clusters, until the user quits.
pub(crate) async fn run(ctx: &Context) -> Result<Exit, CliError> {
    needs_a_terminal()?;
    let config = ctx.config()?;
    let credentials = Arc::new(Credentials::new(ctx.prompting()));
    // Password commands and prompts block: keep them off the async workers.
    let setup = tokio::task::block_in_place(|| {
        launch::from_config(config, &credentials, options(ctx), ctx.data_dir.as_deref())
    });
    tui::run(setup).await?;
    Ok(Exit::Ok)
}

/// The dashboard over the demo fleet, which it starts and stops.
#[cfg(feature = "sim")]
pub(crate) async fn run_demo(ctx: &Context, clusters: usize) -> Result<Exit, CliError> {
    needs_a_terminal()?;
    let sim = crate::demo::start_fleet(clusters)
        .await
        .map_err(|e| CliError::Setup(format!("cannot start the demo fleet: {e}")))?;
    let setup = crate::demo::dashboard(&sim, options(ctx));
    let shown = tui::run(setup).await;
    sim.shutdown().await;
    shown?;
    Ok(Exit::Ok)
}

/// Says how to get a build with the simulator.
#[cfg(not(feature = "sim"))]
pub(crate) async fn run_demo(_ctx: &Context, _clusters: usize) -> Result<Exit, CliError> {
    Err(CliError::Setup(crate::demo::NOT_BUILT_IN.into()))
}
