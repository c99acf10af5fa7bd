//! The sort menu (`s`): one key per column, from the key map, the current order marked.
//! A key sorts and closes the menu; the column already sorted by turns round.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{centered, dialog_keys};
use crate::text::pad;
use crate::tui::app::App;
use crate::tui::keymap::{Action, BINDINGS, Context, keys_label};

/// Cells of the menu's key column.
const KEYS: usize = 4;

/// Draws the menu centred over `area`.
pub(crate) fn render(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme();
    let sort = app.sort();
    let mut lines = Vec::new();
    for b in BINDINGS
        .iter()
        .filter(|b| b.contexts.contains(&Context::Sort))
    {
        let Action::SortBy(column) = b.action else {
            continue;
        };
        let current = match (column == sort.column, sort.reverse) {
            (false, _) => "",
            (true, false) => " ▲ (now)",
            (true, true) => " ▼ (now, reversed)",
        };
        lines.push(Line::from(vec![
            Span::raw(" "),
            Span::styled(pad(&keys_label(b), KEYS), theme.key()),
            Span::raw(format!("{}{current}", b.help)),
        ]));
    }
    let width = lines.iter().map(Line::width).max().unwrap_or(0).max(36) as u16 + 3;
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = centered(area, width.min(area.width), height);
    let block = Block::bordered()
        .title(Span::styled(" Sort by ", theme.heading()))
        .title_bottom(dialog_keys(Context::Sort, None, popup.width, theme))
        .border_style(theme.border());
    super::clear_under(frame, popup, area);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
