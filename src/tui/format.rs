//! Time helpers shared by the views: ages and clock times. Widths and truncation are
//! [`crate::text`]'s, shared with the command-line tables.

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
