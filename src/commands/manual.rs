//! The command line described for the shell and for `man`: `ontop completions SHELL`
//! (clap_complete) and `ontop man [--dir DIR]` (clap_mangen), both from the same clap
//! definition the parser uses, so they cannot drift from it.

use std::path::Path;

use clap::CommandFactory;

use super::{CliError, Exit};
use crate::cli::Cli;

/// Prints the completion script for `shell` to stdout.
pub fn run_completions(shell: clap_complete::Shell) -> Result<Exit, CliError> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "ontop", &mut script);
    crate::out!("{}", String::from_utf8_lossy(&script));
    Ok(Exit::Ok)
}

/// Prints `ontop.1` to stdout, or writes it and one page per command into `dir`.
pub fn run_man(dir: Option<&Path>) -> Result<Exit, CliError> {
    let command = Cli::command();
    match dir {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .map_err(|e| CliError::Setup(format!("cannot render the man page: {e}")))?;
            crate::out!("{}", String::from_utf8_lossy(&page));
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| unwritable(dir, &e))?;
            clap_mangen::generate_to(command, dir).map_err(|e| unwritable(dir, &e))?;
            crate::outln!("ontop: man pages written to {}", dir.display());
        }
    }
    Ok(Exit::Ok)
}

fn unwritable(dir: &Path, e: &std::io::Error) -> CliError {
    CliError::Usage(format!("cannot write man pages to {}: {e}", dir.display()))
}
