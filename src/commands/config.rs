//! `ontop config check`: the config as ontop understood it (defaults applied, secrets
//! redacted), then every credential resolved; 2 when one cannot be.

use super::{CliError, Context, Exit};
use crate::config::Credentials;

/// Prints the config redacted and resolves every cluster's password.
pub fn run_check(ctx: &Context) -> Result<Exit, CliError> {
    let config = ctx.config()?;
    crate::out!("{}", config.render_redacted());
    let credentials = Credentials::new(ctx.interactive);
    credentials.resolve_all(&config.clusters);
    let mut failed = 0;
    for cluster in &config.clusters {
        if let Err(e) = credentials.password_for(cluster) {
            crate::errln!("ontop: {e}");
            failed += 1;
        }
    }
    if failed > 0 {
        crate::errln!("ontop: {failed} cluster(s) have no usable password");
        return Ok(Exit::Usage);
    }
    crate::outln!(
        "\n# {}: {} cluster(s), every credential resolved",
        config.path.display(),
        config.clusters.len()
    );
    Ok(Exit::Ok)
}
