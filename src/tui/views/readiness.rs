//! The READY and UPDATE cells of the table.
//!
//! READY is the last validation's verdict in a symbol and a word ("✓ ready", "! 2 warn",
//! "✗ 1 err", "stale", "?"), or "checking" while a validation ontop asked for runs.
//! UPDATE is an update under way in one line: the phase now, the node (without its
//! cluster's name in front), the state and elapsed of estimated, "ONTAP updates 02
//! running 12m/40m"; when the cell is narrow the phase goes first, then the times. An
//! update paused on an error or failed starts with "✗" and is drawn red and bold, so it
//! stands out with and without colour.

use jiff::Timestamp;
use ratatui::style::{Color, Style};
use ratatui::widgets::Cell;

use crate::config::ValidateSettings;
use crate::state::readiness::{UpdateSummary, ready_verdict, short_node, update_of, validating};
use crate::state::{ClusterState, format_age};
use crate::text::{truncate, width};
use crate::tui::theme::Theme;

/// READY's width: "! 12 warn", "checking".
pub(crate) const READY_WIDTH: usize = 9;
/// UPDATE never asks for more than this ("ONTAP updates 02 running 12m/40m" fits).
pub(crate) const MAX_UPDATE: usize = 36;
/// UPDATE is left out rather than shown narrower than this ("✗ paused_on_e…").
pub(crate) const MIN_UPDATE: usize = 12;

/// The READY cell of `c` at `now`.
pub(crate) fn ready_cell(
    c: &ClusterState,
    cells: usize,
    rules: &ValidateSettings,
    theme: Theme,
    now: Timestamp,
) -> Cell<'static> {
    if validating(c) {
        let style = if theme.color() {
            Style::new().fg(Color::Cyan)
        } else {
            Style::new()
        };
        return Cell::from(truncate("checking", cells)).style(style);
    }
    let (word, style) = theme.verdict(&ready_verdict(c, now, rules));
    Cell::from(truncate(&word, cells)).style(style)
}

/// The UPDATE cell of `c`: empty when its software tells of no update.
pub(crate) fn update_cell(c: &ClusterState, cells: usize, theme: Theme) -> Cell<'static> {
    match update_of(c) {
        Some(update) => {
            let style = theme.update_state(update.state);
            Cell::from(update_text(&c.identity.name, &update, cells)).style(style)
        }
        None => Cell::from(""),
    }
}

/// The width the UPDATE column wants for `clusters` in at most `room` cells: its
/// longest line as it is told in that room, at least [`MIN_UPDATE`].
pub(crate) fn update_width(clusters: &[ClusterState], room: usize) -> usize {
    let room = room.min(MAX_UPDATE);
    clusters
        .iter()
        .filter_map(|c| {
            let update = update_of(c)?;
            Some(width(&update_text(&c.identity.name, &update, room)))
        })
        .max()
        .unwrap_or(0)
        .clamp(MIN_UPDATE, room.max(MIN_UPDATE))
}

/// The update in at most `cells` cells: every part when it fits; else without the
/// phase, then without the times, then the state alone (cut short).
pub(crate) fn update_text(cluster: &str, update: &UpdateSummary<'_>, cells: usize) -> String {
    let mark = if update.needs_a_look() {
        "✗ "
    } else if update.state == Some(&crate::ontap::software::UpdateState::Completed) {
        "✓ "
    } else {
        ""
    };
    let node = update.node.map(|n| short_node(cluster, n));
    let times = match (update.elapsed, update.estimated) {
        (Some(e), Some(t)) => Some(format!("{}/{}", seconds(e), seconds(t))),
        (Some(e), None) => Some(seconds(e)),
        (None, Some(t)) => Some(format!("?/{}", seconds(t))),
        (None, None) => None,
    };
    let state = update.state_word();
    let join = |parts: &[Option<&str>]| -> String {
        let words: Vec<&str> = parts.iter().flatten().copied().collect();
        format!("{mark}{}", words.join(" "))
    };
    let tries = [
        join(&[update.phase, node, Some(state), times.as_deref()]),
        join(&[node, Some(state), times.as_deref()]),
        join(&[node, Some(state)]),
    ];
    for text in &tries {
        if width(text) <= cells {
            return text.clone();
        }
    }
    truncate(&join(&[Some(state)]), cells)
}

/// Seconds as an age: "40m", "2h".
fn seconds(s: i64) -> String {
    format_age(std::time::Duration::from_secs(s.max(0) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ontap::software::Software;
    use crate::state::ClusterIdentity;
    use serde_json::json;

    fn updating(state: &str) -> ClusterState {
        let mut c = ClusterState::new(ClusterIdentity {
            name: "prod-ams-1".into(),
            ..ClusterIdentity::default()
        });
        let software = Software::from_value(&json!({
            "state": state, "pending_version": "9.16.1P3",
            "update_details": [
                {"phase": "Pre-update checks", "state": "completed", "elapsed_duration": 300,
                 "estimated_duration": 600},
                {"phase": "ONTAP updates", "state": state, "node": {"name": "prod-ams-1-02"},
                 "elapsed_duration": 720, "estimated_duration": 2400},
            ],
        }));
        c.readiness.software = Some((Timestamp::UNIX_EPOCH, software));
        c
    }

    #[test]
    fn the_update_says_phase_node_state_and_time_and_gives_the_phase_up_first() {
        let c = updating("in_progress");
        let u = update_of(&c).unwrap();
        assert_eq!(
            update_text("prod-ams-1", &u, 40),
            "ONTAP updates 02 running 12m/40m"
        );
        assert_eq!(update_text("prod-ams-1", &u, 20), "02 running 12m/40m");
        assert_eq!(update_text("prod-ams-1", &u, 12), "02 running");
        assert_eq!(update_text("prod-ams-1", &u, 6), "runni…");
    }

    #[test]
    fn a_pause_on_error_keeps_its_mark_and_word_when_narrow() {
        let c = updating("paused_on_error");
        let u = update_of(&c).unwrap();
        assert_eq!(
            update_text("prod-ams-1", &u, 50),
            "✗ ONTAP updates 02 paused_on_error 12m/40m"
        );
        assert_eq!(
            update_text("prod-ams-1", &u, 40),
            "✗ 02 paused_on_error 12m/40m"
        );
        assert_eq!(update_text("prod-ams-1", &u, 20), "✗ 02 paused_on_error");
        assert_eq!(update_text("prod-ams-1", &u, 17), "✗ paused_on_error");
        let plain = Theme::new(crate::tui::theme::Palette::Plain);
        let coloured = Theme::new(crate::tui::theme::Palette::Colors);
        assert_eq!(plain.update_state(u.state).fg, None);
        assert_eq!(coloured.update_state(u.state).fg, Some(Color::Red));
    }
}
