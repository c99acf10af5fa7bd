//! `ontop sim`: the simulator in the foreground, until Ctrl-C (in a build with it).

use super::{CliError, Context, Exit};
use crate::cli::SimArgs;

/// Runs the simulated fleet until SIGINT or SIGTERM.
#[cfg(feature = "sim")]
pub(crate) async fn run(_ctx: &Context, args: &SimArgs) -> Result<Exit, CliError> {
    args.run()
        .await
        .map(|()| Exit::Ok)
        .map_err(|e| CliError::Setup(format!("sim: {e}")))
}

/// Says how to get a build with the simulator.
#[cfg(not(feature = "sim"))]
pub(crate) async fn run(_ctx: &Context, _args: &SimArgs) -> Result<Exit, CliError> {
    Err(CliError::Setup(crate::demo::NOT_BUILT_IN.into()))
}
