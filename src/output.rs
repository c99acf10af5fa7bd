//! Writing the commands' output without ever panicking on it.
//!
//! `println!` panics when stdout is gone (`ontop status | head -1`) and `eprintln!` when
//! stderr is. A command that loses its reader must end quietly, as `head` users expect,
//! and still do what it was doing (a download started must still be audited), so these
//! macros write through a locked handle, and after the first failed write to a stream
//! they stop writing to it.

use std::fmt;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_GONE: AtomicBool = AtomicBool::new(false);
static STDERR_GONE: AtomicBool = AtomicBool::new(false);
/// The log goes to stderr (`ontop serve`, `ontop sim`, or `ONTOP_LOG` set): a warning
/// is said there once, by the log line alone.
static LOG_ON_STDERR: AtomicBool = AtomicBool::new(false);

/// Says that log lines go to stderr from now on (see [`warn`]).
pub(crate) fn log_on_stderr() {
    LOG_ON_STDERR.store(true, Ordering::Relaxed);
}

/// A warning already logged where it arose, said to the operator as a sentence on
/// stderr unless the log is stderr already.
pub(crate) fn say_warning(text: &str) {
    if !LOG_ON_STDERR.load(Ordering::Relaxed) {
        stderr(format_args!("ontop: warning: {text}\n"));
    }
}

/// A warning for the operator, said once on stderr: as a sentence when the log goes to a
/// file (where it is written too), as the log line alone when the log is stderr.
pub(crate) fn warn(text: &str) {
    if !LOG_ON_STDERR.load(Ordering::Relaxed) {
        stderr(format_args!("ontop: warning: {text}\n"));
    }
    tracing::warn!("{text}");
}

/// Writes to stdout; after a failure (a closed pipe) nothing more is written there.
pub(crate) fn stdout(args: fmt::Arguments<'_>) {
    write_to(&STDOUT_GONE, &mut std::io::stdout().lock(), args);
}

/// Writes to stderr; after a failure nothing more is written there.
pub(crate) fn stderr(args: fmt::Arguments<'_>) {
    write_to(&STDERR_GONE, &mut std::io::stderr().lock(), args);
}

fn write_to(gone: &AtomicBool, out: &mut impl Write, args: fmt::Arguments<'_>) {
    if gone.load(Ordering::Relaxed) {
        return;
    }
    if out.write_fmt(args).and_then(|()| out.flush()).is_err() {
        gone.store(true, Ordering::Relaxed);
    }
}

/// `print!` that never panics: see the module docs.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::stdout(format_args!($($arg)*)) };
}

/// `println!` that never panics: see the module docs.
#[macro_export]
macro_rules! outln {
    () => { $crate::output::stdout(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprint!` that never panics: see the module docs.
#[macro_export]
macro_rules! err {
    ($($arg:tt)*) => { $crate::output::stderr(format_args!($($arg)*)) };
}

/// `eprintln!` that never panics: see the module docs.
#[macro_export]
macro_rules! errln {
    () => { $crate::output::stderr(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::stderr(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Stdout's columns when it is a terminal (one that does not say is taken as 80);
/// `None` for a pipe or a file, where lines are whole.
pub(crate) fn stdout_width() -> Option<usize> {
    use std::io::IsTerminal;
    std::io::stdout()
        .is_terminal()
        .then(|| crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w)))
}
