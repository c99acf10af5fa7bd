//! `ontop man [--dir DIR]`: the man page, from the same clap definition the parser uses
//! (synopsis, options, commands) plus the sections a reader of `man ontop` looks for:
//! the dashboard's keys (from the key map, grouped as the `?` help groups them), the
//! config file and its keys (every key the config reader accepts), the files ontop
//! writes, the environment, exit codes per command, and examples.

mod config;
mod sections;

use std::path::Path;

use clap::CommandFactory;

use super::{CliError, Exit};
use crate::cli::Cli;

/// Prints `ontop.1` to stdout, or writes it and one page per command into `dir`.
pub(crate) fn run_man(dir: Option<&Path>) -> Result<Exit, CliError> {
    let page = page().map_err(|e| CliError::Setup(format!("cannot render the man page: {e}")))?;
    match dir {
        None => crate::out!("{}", String::from_utf8_lossy(&page)),
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| unwritable(dir, &e))?;
            clap_mangen::generate_to(Cli::command(), dir).map_err(|e| unwritable(dir, &e))?;
            // The main page is the full one, not clap's.
            std::fs::write(dir.join("ontop.1"), &page).map_err(|e| unwritable(dir, &e))?;
            crate::outln!("ontop: man pages written to {}", dir.display());
        }
    }
    Ok(Exit::Ok)
}

/// `ontop.1`, as roff source.
pub(crate) fn page() -> std::io::Result<Vec<u8>> {
    let command = Cli::command();
    let man = clap_mangen::Man::new(command.clone()).manual("ontop manual");
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    man.render_subcommands_section(&mut page)?;
    sections::render(&command, &mut page)?;
    man.render_version_section(&mut page)?;
    Ok(page)
}

fn unwritable(dir: &Path, e: &std::io::Error) -> CliError {
    CliError::Usage(format!("cannot write man pages to {}: {e}", dir.display()))
}

#[cfg(test)]
mod tests;
