//! The download form, over the body: who it is for, the three fields, and why the last
//! submit was refused. The password field shows one bullet per character and nothing
//! else; the cursor sits where typing lands, and a long value scrolls to keep it in view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::{DialogFrame, dialog_width, wrapped};
use crate::text::{pad, width, wrap};
use crate::tui::app::{App, Dialog, DownloadForm, Field};
use crate::tui::keymap::Context;
use crate::tui::theme::Theme;

/// Cells before a field's value: marker, label, padding.
const LABEL: usize = 20;
/// Target names listed before "and N more".
const NAMES: usize = 4;

/// Draws the form centred over `area`.
pub(crate) fn render(frame: &mut Frame, area: Rect, app: &App) {
    let Some(Dialog::Form(form)) = app.dialog() else {
        return;
    };
    let theme = app.theme();
    let dialog = dialog_width(area);
    let inner_width = (dialog as usize).saturating_sub(2);
    let names = app.names_of(form.chosen());
    let mut lines = wrapped(
        &targets_line(&names),
        inner_width.saturating_sub(2),
        Style::new(),
    );
    lines.push(Line::default());
    let first_field = lines.len();
    for &field in form.fields() {
        lines.push(field_line(form, field, inner_width, theme));
    }
    lines.push(Line::default());
    if let Some(local) = form.local() {
        lines.extend(super::form_file::lines(local, inner_width, theme));
        lines.push(Line::default());
    }
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
    if form.hidden() > 0 {
        let cells = inner_width.saturating_sub(2);
        lines.extend(super::confirm::hidden_in_form(form.hidden(), cells, theme));
        lines.push(Line::default());
    }
    let note = if form.local().is_some() {
        super::form_file::NOTE
    } else {
        "The password is never shown, and is forgotten once the request is sent or cancelled. \
         A path (/…, ./…, ~/…) uploads a file from this host instead."
    };
    lines.extend(wrapped(note, inner_width.saturating_sub(2), theme.dim()));

    // The cursor goes where typing lands (the view of a long value follows it).
    let row = form
        .fields()
        .iter()
        .position(|&f| f == form.focus())
        .unwrap_or(0);
    let focus = form.focus();
    let (_, at) = visible_value(
        &form.shown(focus),
        form.cursor(focus),
        value_room(inner_width),
    );
    let frame_of = DialogFrame {
        width: dialog,
        title: super::form_file::title(form),
        context: Context::Form,
        skip: None,
    };
    let cursor = (first_field + row, LABEL + at);
    super::field_dialog(frame, area, frame_of, lines, theme, cursor);
}

/// "For prod-nyc-1 and dev-tok-1", "For 12 clusters: a, b, c, d and 8 more".
pub(super) fn targets_line(names: &[&str]) -> String {
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

/// The part of `value` shown in `room` cells so that the cursor (at character
/// `cursor`) is in view, and the cell the cursor is on. A cut start shows as `…`.
pub(super) fn visible_value(value: &str, cursor: usize, room: usize) -> (String, usize) {
    let mut buf = [0u8; 4];
    let cells: Vec<(char, usize)> = value
        .chars()
        .map(|c| (c, width(c.encode_utf8(&mut buf))))
        .collect();
    let cursor = cursor.min(cells.len());
    // The cursor needs a cell of its own after the characters before it.
    let before = |start: usize| cells[start..cursor].iter().map(|(_, w)| w).sum::<usize>();
    let mut start = 0;
    while start < cursor && before(start) + 1 + usize::from(start > 0) > room {
        start += 1;
    }
    let mut shown = String::new();
    let mut used = 0;
    if start > 0 {
        shown.push('…');
        used = 1;
    }
    let mut at = used;
    for (i, &(c, w)) in cells.iter().enumerate().skip(start) {
        if i == cursor {
            at = used;
        }
        if used + w > room {
            break;
        }
        shown.push(c);
        used += w;
    }
    if cursor == cells.len() {
        at = used;
    }
    (shown, at)
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
    let (value, _) = visible_value(&form.shown(field), form.cursor(field), room);
    Line::from(vec![
        Span::styled(marker, theme.key()),
        Span::styled(pad(form.label(field), LABEL - 3), label_style),
        Span::styled(pad(&value, room), theme.field()),
    ])
}

#[cfg(test)]
mod tests {
    use super::visible_value;

    #[test]
    fn a_long_value_scrolls_to_keep_the_cursor_in_view() {
        assert_eq!(visible_value("abc", 3, 10), ("abc".into(), 3));
        assert_eq!(visible_value("abc", 1, 10), ("abc".into(), 1));
        assert_eq!(visible_value("abcdefghij", 10, 6), ("…ghij".into(), 5));
        assert_eq!(visible_value("abcdefghij", 0, 6), ("abcdef".into(), 0));
        assert_eq!(visible_value("abcdefghij", 7, 6), ("…defgh".into(), 5));
    }
}
