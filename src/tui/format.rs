//! Words shared by the views and the app's messages: ages, clock times, and (from
//! [`crate::text`], shared with the command line) lists of names. Widths and truncation
//! are [`crate::text`]'s too.

use jiff::Timestamp;

use crate::state::{age, format_age};

/// "3m ago", or "never" when there is no time.
pub(crate) fn ago(then: Option<Timestamp>, now: Timestamp) -> String {
    match then {
        Some(t) => format!("{} ago", format_age(age(t, now))),
        None => "never".to_string(),
    }
}

/// A wall-clock time in UTC, "2026-03-01 12:00:05 UTC": the same on every jump host.
pub(crate) fn clock(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// Only the time of day, for history lines ("12:00:05").
pub(crate) fn time_of_day(t: Timestamp) -> String {
    t.strftime("%H:%M:%S").to_string()
}

pub(crate) use crate::text::names_line;
