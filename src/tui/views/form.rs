//! The download form, over the body: who it is for, the three fields, and why the last
//! submit was refused. The password field shows one bullet per character and nothing
//! else; the cursor sits at the end of the focused field, where typing lands.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{centered, dialog_keys, dialog_width};
use crate::text::{pad, width, wrap};
use crate::tui::app::{App, Dialog, DownloadForm, Field};
use crate::tui::keymap::Context;
use crate::tui::theme::Theme;

/// Cells before a field's value: marker, label, padding.
const LABEL: usize = 20;
/// Target names listed before "and N more".
const NAMES: usize = 4;

/// Draws the form centred over `area`.
pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let Some(Dialog::Form(form)) = app.dialog() else {
        return;
    };
    let theme = app.theme();
    let dialog = dialog_width(area);
    let inner_width = (dialog as usize).saturating_sub(2);
    let names: Vec<&str> = form
        .chosen()
        .iter()
        .filter_map(|&c| app.model().clusters.get(c))
        .map(|c| c.identity.name.as_str())
        .collect();
    let mut lines = Vec::new();
    for part in wrap(&targets_line(&names), inner_width.saturating_sub(2)) {
        lines.push(Line::from(format!(" {part}")));
    }
    lines.push(Line::default());
    let first_field = lines.len();
    for field in Field::ALL {
        lines.push(field_line(form, field, inner_width, theme));
    }
    lines.push(Line::default());
    if let Some(error) = form.error() {
        for (i, part) in wrap(error, inner_width.saturating_sub(4))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 { " ✗ " } else { "   " };
            lines.push(Line::styled(
                format!("{lead}{part}"),
                theme.failure_text().add_modifier(Modifier::BOLD),
            ));
        }
        lines.push(Line::default());
    }
    let note =
        "The password is never shown, and is forgotten once the request is sent or cancelled.";
    for part in wrap(note, inner_width.saturating_sub(2)) {
        lines.push(Line::styled(format!(" {part}"), theme.dim()));
    }

    let popup = centered(area, dialog, lines.len() as u16 + 2);
    let block = Block::bordered()
        .title(Span::styled(" Download a package ", theme.heading()))
        .title_bottom(dialog_keys(Context::Form, None, theme))
        .border_style(theme.border());
    super::clear_under(frame, popup, area);
    frame.render_widget(Paragraph::new(lines).block(block), popup);

    // The cursor goes after the focused field's text (the view of it may be cut).
    let row = Field::ALL
        .iter()
        .position(|&f| f == form.focus())
        .unwrap_or(0);
    let shown = visible_value(&form.shown(form.focus()), value_room(inner_width));
    let x = popup.x as usize + 1 + LABEL + width(&shown);
    let y = popup.y as usize + 1 + first_field + row;
    if x < (popup.x + popup.width) as usize - 1 && y < (popup.y + popup.height) as usize - 1 {
        frame.set_cursor_position(Position::new(x as u16, y as u16));
    }
}

/// "For prod-nyc-1 and dev-tok-1", "For 12 clusters: a, b, c, d and 8 more".
fn targets_line(names: &[&str]) -> String {
    match names {
        [one] => format!("For {one}"),
        _ if names.len() <= NAMES => {
            let (last, rest) = names.split_last().unwrap_or((&"", &[]));
            format!("For {} and {last}", rest.join(", "))
        }
        _ => format!(
            "For {} clusters: {} and {} more",
            names.len(),
            names[..NAMES].join(", "),
            names.len() - NAMES
        ),
    }
}

/// Cells a value may take: the rest of the line, less a cell for the cursor.
fn value_room(inner_width: usize) -> usize {
    inner_width.saturating_sub(LABEL + 1).max(4)
}

/// The end of `value` when it is too long: where the cursor is and typing happens.
fn visible_value(value: &str, room: usize) -> String {
    if width(value) <= room {
        return value.to_string();
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 1;
    let mut buf = [0u8; 4];
    for c in value.chars().rev() {
        let w = width(c.encode_utf8(&mut buf));
        if used + w > room {
            break;
        }
        used += w;
        tail.push(c);
    }
    std::iter::once('…').chain(tail.into_iter().rev()).collect()
}

/// "› package URL       https://…": the focused field is marked and its label bold; the
/// value's extent is underlined so an empty field still shows where it is.
fn field_line(
    form: &DownloadForm,
    field: Field,
    inner_width: usize,
    theme: Theme,
) -> Line<'static> {
    let focused = form.focus() == field;
    let marker = if focused { " › " } else { "   " };
    let label_style = if focused {
        theme.heading()
    } else {
        theme.dim()
    };
    let room = value_room(inner_width);
    let value = visible_value(&form.shown(field), room);
    Line::from(vec![
        Span::styled(marker, theme.key()),
        Span::styled(pad(field.label(), LABEL - 3), label_style),
        Span::styled(pad(&value, room), theme.field()),
    ])
}
