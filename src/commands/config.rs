//! (`ontop config check` is `config_check.rs`.)
//!
//! `ontop config init [--path P]`: a commented starter config, never written over an
//! existing file.
//!
//! `ontop config import harvest.yml`: an ontop config made from NetApp Harvest's pollers,
//! printed to stdout; what it did goes to stderr. It reads no ontop config.

use std::path::Path;

use super::{CliError, Exit};
use crate::config::import;

/// Prints the config made from Harvest's `harvest.yml` at `path`, or writes it to
/// `output` (a new 0600 file, never over one); 2 when none can be.
pub(crate) fn run_import(path: &Path, output: Option<&Path>) -> Result<Exit, CliError> {
    let imported = import::harvest(path, jiff::Timestamp::now())
        .map_err(|e| CliError::Usage(e.to_string()))?;
    match output {
        None => crate::out!("{}", imported.toml),
        Some(output) => write_new(output, &imported.toml)?,
    }
    let skipped = match imported.skipped.len() {
        0 => String::new(),
        n => format!(", {n} poller(s) skipped (see the comments at the top)"),
    };
    crate::errln!(
        "ontop: {} cluster(s) imported from {}{skipped}",
        imported.clusters.len(),
        path.display()
    );
    if imported.plain_passwords && output.is_none() {
        crate::errln!(
            "ontop: the output holds passwords in plain text: write it to a file only you can read (--output PATH does)"
        );
    }
    if let Some(output) = output {
        crate::errln!(
            "ontop: wrote {}; next: {}",
            output.display(),
            check_hint(output)
        );
    }
    Ok(Exit::Ok)
}

/// The starter `ontop config init` writes: one cluster to edit, every choice commented.
pub(crate) const STARTER: &str = include_str!("../config/starter.toml");

/// Writes [`STARTER`] to `path` (default: where ontop looks first), creating its
/// directory; refuses when a file is already there.
pub(crate) fn run_init(path: Option<&Path>) -> Result<Exit, CliError> {
    let target = crate::config::resolve_path(path).ok_or_else(|| {
        CliError::Usage("no home directory to write the config in: pass --path PATH".into())
    })?;
    write_new(&target, STARTER)?;
    crate::outln!("ontop: wrote a starter config to {}", target.display());
    crate::outln!(
        "Next: set your clusters' names and addresses in it, then run: {}",
        check_hint(&target)
    );
    Ok(Exit::Ok)
}

/// Writes `text` to a new private file at `path`; refuses to write over anything.
fn write_new(path: &Path, text: &str) -> Result<(), CliError> {
    let shown = path.display();
    match crate::files::create_private(path, text.as_bytes()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(CliError::Usage(format!(
            "{shown} already exists: nothing was written (edit it, or name another file)"
        ))),
        Err(e) => Err(CliError::Usage(format!("cannot write {shown}: {e}"))),
    }
}

/// `ontop config check`, with `--config PATH` unless `path` is where ontop looks anyway.
fn check_hint(path: &Path) -> String {
    if crate::config::resolve_path(None).as_deref() == Some(path) {
        "ontop config check".to_string()
    } else {
        format!("ontop config check --config {}", path.display())
    }
}
