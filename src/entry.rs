//! The `ontop` binary's body: parse the command line, run one command, turn its outcome
//! into an exit code. A command's error is printed here, once.

use std::io::IsTerminal;
use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::commands::{self, Context, Exit};
use crate::config;
use clap::FromArgMatches;

/// The tip for an option written before its command: where it goes, when the command
/// takes it ("ontop status --config <PATH>"), else that the command has no such option
/// (`--read-only` is the dashboard's: `status` never changes anything).
fn order_tip(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    let text = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => v.first().cloned(),
        _ => None,
    };
    let (Some(command), Some(option)) = (
        text(ContextKind::InvalidSubcommand),
        text(ContextKind::PriorArg),
    ) else {
        return "tip: options go after the command they belong to, e.g. ontop status --config PATH"
            .into();
    };
    let long = option.split_whitespace().next().unwrap_or_default();
    let takes_it = crate::cli::command_with_real_paths()
        .find_subcommand(&command)
        .is_some_and(|c| {
            c.get_arguments()
                .any(|a| a.get_long().is_some_and(|l| long == format!("--{l}")))
        });
    if takes_it {
        format!("tip: options go after the command they belong to: ontop {command} {option}")
    } else {
        format!("tip: ontop {command} has no {long} (see ontop {command} --help)")
    }
}

/// The whole binary: what `main` runs, so that the binary needs nothing else of the
/// library and everything else can stay private to it.
pub fn main() -> ExitCode {
    // A Tab in a shell that sourced `ontop completions SHELL`: answer it and exit.
    commands::complete::answer_shell_if_asked();
    // Parsed against the definition whose help names this user's real config path.
    let matches = match crate::cli::command_with_real_paths().try_get_matches() {
        Ok(matches) => matches,
        Err(e) => {
            // An option given before its command conflicts with the command itself; two
            // options that conflict (--all with --cluster) need no tip about order.
            let conflict = e.kind() == clap::error::ErrorKind::ArgumentConflict
                && e.get(clap::error::ContextKind::InvalidSubcommand).is_some();
            let _ = e.print();
            if conflict {
                crate::errln!("{}", order_tip(&e));
            }
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let dashboard = matches!(cli.command, None | Some(Command::Demo { .. }));
    let service = matches!(cli.command, Some(Command::Sim(_) | Command::Serve { .. }));
    // The dashboard owns the screen, and a command's stderr is for sentences: their logs
    // go to a file. A service logs to stderr (its journal), as does anything run with
    // ONTOP_LOG set.
    let _log_guard = if service || std::env::var_os("ONTOP_LOG").is_some() {
        init_stderr_logging(service);
        crate::output::log_on_stderr();
        None
    } else {
        init_file_logging(dashboard)
    };
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if dashboard {
        // The dashboard draws on this thread, and its engine mostly waits: one worker
        // polls a thousand clusters with room to spare, and a second one only adds
        // wake-ups and parking between the two. Idle over 1,000 clusters, seven runs
        // alternated: 2.9 % of a core with two workers, 2.7 % with one (medians).
        builder.worker_threads(1);
    }
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            crate::errln!("ontop: cannot start the async runtime: {e}");
            return ExitCode::from(Exit::Usage.code());
        }
    };
    let exit = runtime.block_on(run(&cli));
    // Hung connections must not hold the exit: their tasks are simply dropped.
    runtime.shutdown_background();
    ExitCode::from(exit.code())
}

async fn run(cli: &Cli) -> Exit {
    let outcome = match Context::new(cli) {
        Ok(ctx) => commands::run(&ctx, cli).await,
        Err(e) => Err(e),
    };
    outcome.unwrap_or_else(|e| {
        crate::errln!("ontop: {e}");
        e.exit()
    })
}

/// Logs go to stderr, filtered by `ONTOP_LOG` (e.g. `ONTOP_LOG=debug`); warnings only by
/// default so that tables and JSON on stdout stay clean.
fn init_stderr_logging(verbose: bool) {
    let default = if verbose { "info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("ONTOP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// How many log lines may wait for the log's writer thread; past them, lines are
/// dropped (the audit log and the journal are written apart, never dropped). The
/// crate's default, 128,000, reserved 4 MiB up front: a tenth of an idle dashboard's
/// memory over 1,000 clusters (this limit, 128 KiB). A whole fleet failing at once is
/// one line per cluster, spread over the poll interval by the schedule, and the writer
/// drains them as they come.
const LOG_LINES_IN_FLIGHT: usize = 4_096;

/// The dashboard and the commands log to `<data dir>/ontop/ontop.log` (0600, in a 0700
/// dir), never to the screen or among a command's sentences. When the file cannot be
/// opened (no data dir, a read-only or foreign one), the dashboard (`say`) says so once,
/// before the screen takes over, and runs without a log.
fn init_file_logging(say: bool) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let Some(dir) = config::data_dir() else {
        if say {
            crate::errln!(
                "ontop: warning: no data dir (no home directory?): running without a log file"
            );
        }
        return None;
    };
    let path = dir.join("ontop.log");
    let file = match crate::files::private_dir(&dir)
        .and_then(|()| crate::files::append_private(&path))
    {
        Ok(file) => file,
        Err(e) => {
            if say {
                crate::errln!(
                    "ontop: warning: cannot open the log file {}: {e}; running without a log file",
                    path.display()
                );
            }
            return None;
        }
    };
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_LINES_IN_FLIGHT)
        .finish(file);
    let filter = tracing_subscriber::EnvFilter::try_from_env("ONTOP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}
