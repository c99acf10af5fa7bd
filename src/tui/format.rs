//! Words shared by the views and the app's messages: ages, clock times, lists of
//! names. Widths and truncation are [`crate::text`]'s, shared with the command-line
//! tables.

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

/// Names listed in a one-line message before "and N more".
const NAMES_IN_A_LINE: usize = 3;

/// "a", "a and b", "a, b and c", or "a, b, c and 4 more".
pub(crate) fn names_line(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        _ if names.len() <= NAMES_IN_A_LINE => {
            let (last, rest) = names.split_last().unwrap_or((&"", &[]));
            format!("{} and {last}", rest.join(", "))
        }
        _ => format!(
            "{} and {} more",
            names[..NAMES_IN_A_LINE].join(", "),
            names.len() - NAMES_IN_A_LINE
        ),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_line_lists_three_then_counts() {
        use super::names_line;
        assert_eq!(names_line(&[]), "");
        assert_eq!(names_line(&["a"]), "a");
        assert_eq!(names_line(&["a", "b", "c"]), "a, b and c");
        assert_eq!(names_line(&["a", "b", "c", "d", "e"]), "a, b, c and 2 more");
    }
}
