//! The screen below 60x16: a clear message instead of a table drawn into garbage.
//! Above it, the table drops columns and the header and footer shorten.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::tui::app::{App, Dialog};
use crate::tui::keymap::{Action, Context, key_for};

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
    let context = app.context();
    let key = |action| key_for(context, action);
    let keys = match app.dialog() {
        Some(Dialog::Quit { .. }) => format!(
            "Quit ontop? {} quits, {} stays",
            key(Action::ConfirmQuit),
            key(Action::Cancel)
        ),
        Some(_) => format!("a dialog is open: {} closes it", key(Action::Cancel)),
        None if context == Context::Table => format!("{} quits", key(Action::Quit)),
        None if context == Context::Filter => format!("{} goes back", key(Action::ClearFilter)),
        None => format!("{} goes back", key(Action::Back)),
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
