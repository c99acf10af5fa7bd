//! `ontop config check`: the config as ontop understood it (defaults applied, secrets
//! redacted), then every credential resolved; 2 when one cannot be.
//!
//! `ontop config import harvest.yml`: an ontop config made from NetApp Harvest's pollers,
//! printed to stdout; what it did goes to stderr. It reads no ontop config.

use std::path::Path;

use super::{CliError, Context, Exit};
use crate::config::Credentials;
use crate::config::import;

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

/// Prints the config made from Harvest's `harvest.yml` at `path`; 2 when none can be.
pub fn run_import(path: &Path) -> Result<Exit, CliError> {
    let imported = import::harvest(path, jiff::Timestamp::now())
        .map_err(|e| CliError::Usage(e.to_string()))?;
    crate::out!("{}", imported.toml);
    let skipped = match imported.skipped.len() {
        0 => String::new(),
        n => format!(", {n} poller(s) skipped (see the comments at the top)"),
    };
    crate::errln!(
        "ontop: {} cluster(s) imported from {}{skipped}",
        imported.clusters.len(),
        path.display()
    );
    if imported.plain_passwords {
        crate::errln!(
            "ontop: the output holds passwords in plain text: write it to a file only you can read (chmod 600)"
        );
    }
    Ok(Exit::Ok)
}
