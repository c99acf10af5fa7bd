//! The footer: what the table is showing and the keys that matter now.
//!
//! Line one is the status line: the filter (with a cursor while typing), how many
//! clusters are shown and marked, the sort, and the last transient message on the right;
//! with no such message, the selected row's message there when the table's MESSAGE
//! could not hold it (why a FAILING row fails, at 80 columns too). Moving the
//! selection ends a transient message.
//! Line two lists the keys of the current mode, taken from the key map; on a narrow
//! terminal the less needed hints give way (help lists every key).

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::text::{truncate, width};
use crate::tui::app::{App, Dialog, Mode};
use crate::tui::keymap::{self, Action, Binding, Context};

/// Footer hints that give way, in this order, when the line is too narrow.
const DROP_ORDER: [Action; 5] = [
    Action::Refresh,
    Action::OpenSort,
    Action::StartFilter,
    Action::OpenDetails,
    // At 60 columns on a paused row, "p password" needs its room.
    Action::ToggleMark,
];

/// Draws the status line and the key hints into `area` (two lines); `drawn` is what
/// this frame's table drew (its window of rows, whether MESSAGE had room).
pub(crate) fn render(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    now: Timestamp,
    drawn: &super::Drawn,
) {
    let table = drawn.table;
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
    if matches!(app.mode(), Mode::Table | Mode::Filter) {
        // Rows the table has no room for, so the end of the screen is not taken for
        // the end of the fleet.
        let hint = match app.rows_hidden(table) {
            (0, 0) => String::new(),
            (0, below) => format!("▼ {below} more"),
            (above, 0) => format!("▲ {above} more"),
            (above, below) => format!("▲ {above} more ▼ {below} more"),
        };
        if !hint.is_empty() {
            left.push(Span::styled(hint, theme.key()));
            left.push(Span::raw("  "));
        }
    }
    let marked = app.marked_count();
    if marked > 0 {
        left.push(Span::styled(format!("{marked} marked"), theme.mark()));
        left.push(Span::raw("  "));
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
    let said = match app.status(now) {
        Some(message) => Some((message.to_string(), theme.status())),
        // Only over the bare table: a dialog or the help has the screen's attention.
        None if app.mode() == Mode::Table && app.dialog().is_none() && !app.help_open() => {
            row_message(app, now, drawn)
        }
        None => None,
    };
    if let Some((message, style)) = said {
        let room = total.saturating_sub(left_line.width() + 1);
        let message = truncate(&message, room);
        let fill = room.saturating_sub(width(&message));
        status_line.push(Span::raw(" ".repeat(fill)));
        status_line.push(Span::styled(message, style));
    }

    let hints = hints_line(app, total);
    frame.render_widget(Paragraph::new(vec![Line::from(status_line), hints]), area);
    if typing {
        // The cursor sits where the next key lands.
        let before: String = app.filter().chars().take(app.filter_cursor()).collect();
        let x = area.x as usize + 2 + width(&before);
        if x < (area.x + area.width) as usize {
            frame.set_cursor_position(Position::new(x as u16, area.y));
        }
    }
}

/// The selected row's MESSAGE cell, named ("test-lon-1: connect: Connection refused"),
/// when the table's MESSAGE could not hold it (or was not shown).
fn row_message(
    app: &App,
    now: Timestamp,
    drawn: &super::Drawn,
) -> Option<(String, ratatui::style::Style)> {
    let c = app.model().clusters.get(app.selected()?)?;
    let (text, style) = super::table::message_cell(c, now, app.theme(), drawn.code_hidden);
    let cut = drawn.message_room.is_none_or(|room| width(&text) > room);
    (!text.is_empty() && cut).then(|| (format!("{}: {text}", c.identity.name), style))
}

/// The key hints of the current context, from the key map. When they do not fit in
/// `total` cells, the hints in [`DROP_ORDER`] give way first; help still lists them.
fn hints_line(app: &App, total: usize) -> Line<'static> {
    let theme = app.theme();
    let context = app.context();
    let mut shown: Vec<&Binding> = keymap::footer_hints(context)
        .filter(|b| {
            // Esc in the table clears a filter the status line already shows.
            let clear = context == Context::Table && b.action == Action::ClearFilter;
            // With every chosen cluster skipped, cancelling is the only thing on offer.
            let nothing = match (b.action, app.dialog()) {
                (Action::ConfirmStart, Some(Dialog::Confirm(c))) => c.nothing_to_start(),
                (Action::ConfirmValidation, Some(Dialog::ValidateConfirm(c))) => {
                    c.plan.targets.is_empty()
                }
                (Action::ConfirmRemoval, Some(Dialog::Remove(r))) => r.clusters.is_empty(),
                _ => false,
            };
            // A read-only session offers no download; `p` earns its place only when the
            // cluster it acts on is paused after a refused login.
            let refused = (b.action == Action::Download && app.read_only())
                || (b.action == Action::EnterPassword && !app.target_login_paused());
            !clear && !nothing && !refused
        })
        .collect();
    let cells = |shown: &[&Binding]| -> usize {
        1 + shown
            .iter()
            .filter_map(|b| b.footer)
            .map(|(keys, word)| width(keys) + width(word) + 3)
            .sum::<usize>()
    };
    for drop in DROP_ORDER {
        if cells(&shown) <= total {
            break;
        }
        shown.retain(|b| b.action != drop);
    }
    let mut spans = vec![Span::raw(" ")];
    for (keys, word) in shown.iter().filter_map(|b| b.footer) {
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {word}  ")));
    }
    Line::from(spans)
}
