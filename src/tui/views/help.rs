//! The `?` overlay, generated from the key map so it cannot drift from the handling.
//!
//! Bindings are grouped by where they apply: the ones that work in the table, the details
//! and the help alike come first, then those of the table, of filter typing, and of the
//! details pane. Each binding is listed once.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::text::{pad, width};
use crate::tui::app::App;
use crate::tui::keymap::{BINDINGS, Binding, Context, keys_label};
use crate::tui::theme::Theme;

/// Cells for the keys column.
const KEYS: usize = 14;
/// The overlay's widest width.
const MAX_WIDTH: u16 = 78;

/// The help sections, in order.
const SECTIONS: [&str; 7] = [
    "Table, details and help",
    "Cluster table",
    "Typing a filter (after /)",
    "Details and help",
    "Packages (after P)",
    "Download form (after d) and password (after p)",
    "Confirming a download, or quitting",
];

/// Which of [`SECTIONS`] lists a binding: the first when it works in the table, the
/// details and the help alike, else the section of the first place it works.
fn section_of(b: &Binding) -> usize {
    let everywhere = [Context::Table, Context::Details, Context::Help]
        .iter()
        .all(|c| b.contexts.contains(c));
    match b.contexts.first() {
        _ if everywhere => 0,
        Some(Context::Table) => 1,
        Some(Context::Filter) => 2,
        Some(Context::Details | Context::Help) | None => 3,
        Some(Context::Packages) => 4,
        Some(Context::Form | Context::Password) => 5,
        Some(Context::Confirm | Context::Remove | Context::QuitConfirm) => 6,
    }
}

/// Draws the help overlay centred over `area`.
pub fn render(frame: &mut Frame, area: Rect, app: &mut App) {
    let theme = app.theme();
    let width = area.width.min(MAX_WIDTH);
    let inner_width = width.saturating_sub(2) as usize;
    let lines = lines(theme, inner_width);
    let wanted = lines.len() as u16 + 2;
    let height = area.height.min(wanted);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let inner_height = height.saturating_sub(2) as usize;
    let top = app.scroll_help(lines.len().saturating_sub(inner_height));
    let mut block = Block::bordered()
        .title(Span::styled(" Keys ", theme.heading()))
        .title_bottom(Line::from(" Esc, q or ? closes ").right_aligned())
        .border_style(theme.border());
    if lines.len() > inner_height {
        block = block.title_bottom(Line::from(" j/k scroll ").left_aligned());
    }
    let visible: Vec<Line> = lines.into_iter().skip(top).take(inner_height).collect();
    super::clear_under(frame, popup, area);
    frame.render_widget(Paragraph::new(visible).block(block), popup);
}

/// The help's sections in order, each with its bindings (empty sections left out): the
/// overlay and the man page list the keys from this one grouping.
pub fn sections() -> Vec<(&'static str, Vec<&'static Binding>)> {
    SECTIONS
        .iter()
        .enumerate()
        .map(|(section, title)| {
            let bindings = BINDINGS
                .iter()
                .filter(|b| section_of(b) == section)
                .collect();
            (*title, bindings)
        })
        .filter(|(_, bindings): &(&str, Vec<&Binding>)| !bindings.is_empty())
        .collect()
}

/// Every line of the help text at `cells` cells wide.
fn lines(theme: Theme, cells: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (title, bindings) in sections() {
        if !out.is_empty() {
            out.push(Line::default());
        }
        out.push(Line::styled(format!(" {title}"), theme.heading()));
        for b in bindings {
            let keys = keys_label(b);
            let room = cells.saturating_sub(KEYS + 3);
            out.push(Line::from(vec![
                Span::raw("   "),
                Span::styled(pad(&keys, KEYS.max(width(&keys) + 1)), theme.key()),
                Span::raw(pad(b.help, room)),
            ]));
        }
    }
    out
}
