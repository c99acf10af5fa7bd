//! The footer: what the table is showing and the keys that matter now.
//!
//! Line one is the status line: the filter (with a cursor while typing), how many
//! clusters are shown, the sort, and the last transient message on the right. Line two
//! lists the keys of the current mode, taken from the key map.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::{App, Mode};
use crate::tui::format::{truncate, width};
use crate::tui::keymap::{self, Action, Context};

/// Draws the status line and the key hints into `area` (two lines).
pub fn render(frame: &mut Frame, area: Rect, app: &App, now: Timestamp) {
    let theme = app.theme();
    let total = area.width as usize;

    let mut left: Vec<Span> = vec![Span::raw(" ")];
    let typing = app.mode() == Mode::Filter && !app.help_open();
    if typing || !app.filter().is_empty() {
        left.push(Span::styled("/", theme.key()));
        left.push(Span::raw(app.filter().to_string()));
        left.push(Span::raw("  "));
    }
    let shown = app.rows().len();
    let all = app.model().clusters.len();
    if shown != all {
        left.push(Span::raw(format!("{shown} of {all} shown  ")));
    }
    let reversed = if app.sort().reverse { ", reversed" } else { "" };
    match app.sort().column {
        Some(column) => left.push(Span::raw(format!(
            "sort: {}{reversed}  ",
            column.title().to_lowercase()
        ))),
        None if app.sort().reverse => left.push(Span::raw("sort: config order, reversed  ")),
        None => {}
    }
    let left_line = Line::from(left.clone());
    let mut status_line = left;
    if let Some(message) = app.status(now) {
        let room = total.saturating_sub(left_line.width() + 1);
        let message = truncate(message, room);
        let fill = room.saturating_sub(width(&message));
        status_line.push(Span::raw(" ".repeat(fill)));
        status_line.push(Span::styled(message, theme.status()));
    }

    let context = app.context();
    let mut hints: Vec<Span> = vec![Span::raw(" ")];
    for binding in keymap::footer_hints(context) {
        // Esc in the table clears a filter the status line already shows; help lists it,
        // and the line fits 80 columns without it.
        if context == Context::Table && binding.action == Action::ClearFilter {
            continue;
        }
        if let Some((keys, word)) = binding.footer {
            hints.push(Span::styled(keys, theme.key()));
            hints.push(Span::raw(format!(" {word}  ")));
        }
    }

    frame.render_widget(
        Paragraph::new(vec![Line::from(status_line), Line::from(hints)]),
        area,
    );
    if typing {
        // The cursor sits after the filter text, where the next key lands.
        let x = area.x as usize + 2 + width(app.filter());
        if x < (area.x + area.width) as usize {
            frame.set_cursor_position(Position::new(x as u16, area.y));
        }
    }
}
