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

/// Writes to stdout; after a failure (a closed pipe) nothing more is written there.
pub fn stdout(args: fmt::Arguments<'_>) {
    write_to(&STDOUT_GONE, &mut std::io::stdout().lock(), args);
}

/// Writes to stderr; after a failure nothing more is written there.
pub fn stderr(args: fmt::Arguments<'_>) {
    write_to(&STDERR_GONE, &mut std::io::stderr().lock(), args);
}

/// True once a write to stdout failed (its reader went away).
pub fn stdout_closed() -> bool {
    STDOUT_GONE.load(Ordering::Relaxed)
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
