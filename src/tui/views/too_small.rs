//! The screen below 60x16: a clear message instead of a table drawn into garbage.
//! Above it, the table drops columns and the header and footer shorten.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::tui::app::{App, Dialog};
use crate::tui::keymap::Context;

/// The smallest frame the dashboard draws into.
pub(crate) const MIN_WIDTH: u16 = 60;
/// The smallest frame the dashboard draws into.
pub(crate) const MIN_HEIGHT: u16 = 16;

/// Whether `area` is too small for the dashboard.
pub(crate) fn is_too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// Says the terminal is too small, with its size and the keys that still work: those
/// of an open dialog (which keeps working unseen), else `q`.
pub(crate) fn render(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme();
    let keys = match app.dialog() {
        Some(Dialog::Quit { .. }) => "Quit ontop? y quits, n stays".to_string(),
        Some(_) => "a dialog is open: Esc closes it".to_string(),
        None if app.context() == Context::Table => "q quits".to_string(),
        None => "Esc goes back".to_string(),
    };
    let lines = vec![
        Line::styled(
            format!("terminal too small (need {MIN_WIDTH}x{MIN_HEIGHT})"),
            theme.heading(),
        ),
        Line::from(format!("now {}x{}", area.width, area.height)),
        Line::from(""),
        Line::from(format!("enlarge the window or pane; {keys}")),
    ];
    let height = (lines.len() as u16).min(area.height);
    let top = Rect {
        y: area.y + (area.height - height) / 2,
        height,
        ..area
    };
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).centered().wrap(Wrap { trim: true }),
        top,
    );
}
