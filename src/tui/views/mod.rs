//! The panels of the screen, one file each, and the frame layout that places them.
//!
//! Views read the [`App`] and draw; they change nothing. What only drawing can find out
//! (how many rows fit, where a scrolled text starts once clamped to its length) they
//! report in a [`Drawn`], which the event loop hands back to the app
//! ([`App::drawn`](super::App::drawn)). Time comes in as `now`, so a test can pin it.
//! Dialogs (the download form, its confirmation, the password, the question before
//! quitting) and the help are drawn over the body.

pub(crate) mod columns;
pub(crate) mod confirm;
pub(crate) mod details;
pub(crate) mod footer;
pub(crate) mod form;
pub(crate) mod form_file;
pub(crate) mod header;
pub(crate) mod help;
pub(crate) mod offer;
pub(crate) mod packages;
pub(crate) mod password;
pub(crate) mod quit;
pub(crate) mod readiness;
pub(crate) mod remove;
pub(crate) mod sort;
pub(crate) mod stop_upload;
pub(crate) mod table;
pub(crate) mod too_small;
pub(crate) mod validate_dialog;
pub(crate) mod validation;

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::app::{App, Dialog, Mode};
use super::keymap::{self, Action, Context};
use super::theme::Theme;

/// What a frame found out about scrolling: the table's window, and the first line of
/// each scrolled text as drawn (clamped to its length). `None`: not drawn this frame.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Drawn {
    /// The table's first row on screen, and how many rows fit.
    pub(crate) table: Option<(usize, usize)>,
    /// The cells MESSAGE had in the table (`None`: no room for it): the footer says the
    /// selected row's message when it did not fit there.
    pub(crate) message_room: Option<usize>,
    /// The table had no CODE column: a failure's code leads its message.
    pub(crate) code_hidden: bool,
    pub(crate) details_top: Option<usize>,
    pub(crate) help_top: Option<usize>,
    pub(crate) confirm_top: Option<usize>,
    pub(crate) validation_top: Option<usize>,
}

/// Draws one whole frame of the dashboard at `now`, from the app as it is.
pub(crate) fn render(frame: &mut Frame, app: &App, now: Timestamp) -> Drawn {
    let mut drawn = Drawn::default();
    let area = frame.area();
    if too_small::is_too_small(area) {
        too_small::render(frame, area, app);
        return drawn;
    }
    let [header_area, body, footer_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(2),
    ])
    .areas(area);
    header::render(frame, header_area, app, now);
    match app.mode() {
        Mode::Details { cluster, .. } => {
            details::render(frame, body, app, cluster, now, &mut drawn);
        }
        Mode::Packages { .. } => packages::render(frame, body, app),
        Mode::Validation(_) => validation::render(frame, body, app, now, &mut drawn),
        Mode::Table | Mode::Filter => table::render(frame, body, app, now, &mut drawn),
    }
    footer::render(frame, footer_area, app, now, &drawn);
    match app.dialog() {
        Some(Dialog::Form(_)) => form::render(frame, body, app),
        Some(Dialog::Confirm(_)) => confirm::render(frame, body, app, &mut drawn),
        Some(Dialog::Remove(_)) => remove::render(frame, body, app),
        Some(Dialog::Password(_)) => password::render(frame, body, app),
        Some(Dialog::Quit { .. }) => quit::render(frame, body, app),
        Some(Dialog::Sort) => sort::render(frame, body, app),
        Some(Dialog::StopUpload(_)) => stop_upload::render(frame, body, app, now),
        Some(Dialog::Version(_)) => validate_dialog::render_version(frame, body, app),
        Some(Dialog::ValidateConfirm(_)) => {
            validate_dialog::render_confirm(frame, body, app, &mut drawn);
        }
        None => {}
    }
    if app.help_open() {
        help::render(frame, body, app, &mut drawn);
    }
    drawn
}

/// The widest a dialog gets: room for a long package URL on a wide terminal.
const DIALOG_MAX_WIDTH: u16 = 100;

/// A dialog's width over `area`: two cells of the screen left on each side, at most
/// `DIALOG_MAX_WIDTH`.
pub(crate) fn dialog_width(area: Rect) -> u16 {
    area.width.saturating_sub(4).min(DIALOG_MAX_WIDTH)
}

/// Clears the rows a dialog covers, from edge to edge of `area`: no piece of the table
/// is left beside its borders, at any width.
pub(crate) fn clear_under(frame: &mut Frame, popup: Rect, area: Rect) {
    let rows = Rect {
        x: area.x,
        width: area.width,
        ..popup
    };
    frame.render_widget(ratatui::widgets::Clear, rows);
}

/// `text` wrapped to `cells`, each line after a one-cell margin, in `style`: how every
/// dialog sets its prose.
pub(crate) fn wrapped(text: &str, cells: usize, style: Style) -> Vec<Line<'static>> {
    (crate::text::wrap(text, cells).into_iter())
        .map(|part| Line::styled(format!(" {part}"), style))
        .collect()
}

/// Each of `texts` [`wrapped`] to `cells`, unstyled, with a blank line between.
pub(crate) fn paragraphs(texts: &[String], cells: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        if i > 0 {
            lines.push(Line::default());
        }
        lines.extend(wrapped(text, cells, Style::new()));
    }
    lines
}

/// A yes/no question centred over `area`, `width` cells wide: its `title`, each
/// paragraph wrapped to fit with a blank line between, and the keys of `context` in its
/// bottom border.
pub(crate) fn question(
    frame: &mut Frame,
    area: Rect,
    width: u16,
    title: &str,
    context: Context,
    paragraphs: &[String],
    theme: Theme,
) {
    let lines = self::paragraphs(paragraphs, (width as usize).saturating_sub(4));
    let popup = centered(area, width, lines.len() as u16 + 2);
    let block = ratatui::widgets::Block::bordered()
        .title(ratatui::text::Span::styled(
            format!(" {title} "),
            theme.heading(),
        ))
        .title_bottom(dialog_keys(context, None, width, theme))
        .border_style(theme.border());
    clear_under(frame, popup, area);
    frame.render_widget(ratatui::widgets::Paragraph::new(lines).block(block), popup);
}

/// A confirmation's frame: its title, the keys of `context` less `skip` (an answer not
/// on offer).
pub(crate) struct DialogFrame<'a> {
    pub(crate) width: u16,
    pub(crate) title: &'a str,
    pub(crate) context: Context,
    pub(crate) skip: Option<Action>,
}

/// A confirmation centred over `area`: as many of `lines` as fit (scrolled with `j`/`k`,
/// the position said in the bottom border, the first line drawn told in `drawn`).
pub(crate) fn scrolling_dialog(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    dialog: DialogFrame<'_>,
    lines: Vec<Line<'static>>,
    drawn: &mut Drawn,
) {
    let DialogFrame {
        width,
        title,
        context,
        skip,
    } = dialog;
    let theme = app.theme();
    let popup = centered(area, width, lines.len() as u16 + 2);
    let inner_height = popup.height.saturating_sub(2) as usize;
    let top = app.confirm_top(lines.len().saturating_sub(inner_height));
    drawn.confirm_top = Some(top);
    let mut block = ratatui::widgets::Block::bordered()
        .title(ratatui::text::Span::styled(
            title.to_string(),
            theme.heading(),
        ))
        .title_bottom(dialog_keys(context, skip, width, theme))
        .border_style(theme.border());
    if lines.len() > inner_height {
        let last = (top + inner_height).min(lines.len());
        let position = format!(
            " {}-{last} of {}, {} scroll ",
            top + 1,
            lines.len(),
            keymap::scroll_keys(context)
        );
        block = block.title_bottom(Line::from(position).left_aligned());
    }
    let visible: Vec<Line> = lines.into_iter().skip(top).take(inner_height).collect();
    clear_under(frame, popup, area);
    frame.render_widget(
        ratatui::widgets::Paragraph::new(visible).block(block),
        popup,
    );
}

/// A dialog with a field centred over `area`: its frame around `lines`, and the
/// terminal's cursor at `cursor` (line, cell) inside the frame, where typing lands, when
/// that is on screen.
pub(crate) fn field_dialog(
    frame: &mut Frame,
    area: Rect,
    dialog: DialogFrame<'_>,
    lines: Vec<Line<'static>>,
    theme: Theme,
    cursor: (usize, usize),
) {
    let popup = centered(area, dialog.width, lines.len() as u16 + 2);
    let block = ratatui::widgets::Block::bordered()
        .title(Span::styled(dialog.title.to_string(), theme.heading()))
        .title_bottom(dialog_keys(
            dialog.context,
            dialog.skip,
            dialog.width,
            theme,
        ))
        .border_style(theme.border());
    clear_under(frame, popup, area);
    frame.render_widget(ratatui::widgets::Paragraph::new(lines).block(block), popup);
    let (line, cell) = cursor;
    let x = popup.x as usize + 1 + cell;
    let y = popup.y as usize + 1 + line;
    if x < (popup.x + popup.width) as usize - 1 && y < (popup.y + popup.height) as usize - 1 {
        frame.set_cursor_position(ratatui::layout::Position::new(x as u16, y as u16));
    }
}

/// A `width` x `height` rectangle centred in `area`, never larger than it.
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// A dialog's keys for its bottom border, from the key map: " y start · n/Esc cancel ".
/// `skip` leaves out an action that is not on offer right now; moving is left to the
/// footer (a dialog that scrolls says so itself). In a `width` cells wide border the
/// hints that are not answers (Enter, Esc, y, n) give way first.
pub(crate) fn dialog_keys(
    context: Context,
    skip: Option<Action>,
    width: u16,
    theme: Theme,
) -> Line<'static> {
    let answer = |a: Action| {
        matches!(
            a,
            Action::SubmitForm
                | Action::SendPassword
                | Action::PlanValidation
                | Action::Cancel
                | Action::ConfirmStart
                | Action::ConfirmRemoval
                | Action::ConfirmValidation
                | Action::ConfirmStopUpload
                | Action::ConfirmQuit
        )
    };
    let mut hints: Vec<(Action, &str, &str)> = keymap::footer_hints(context)
        .filter(|b| Some(b.action) != skip && b.action != Action::Down)
        .filter_map(|b| b.footer.map(|(keys, word)| (b.action, keys, word)))
        .collect();
    let cells = |hints: &[(Action, &str, &str)]| -> usize {
        hints
            .iter()
            .map(|(_, keys, word)| crate::text::width(keys) + crate::text::width(word) + 4)
            .sum::<usize>()
            + 2
    };
    while cells(&hints) > (width as usize).saturating_sub(4) {
        match hints.iter().position(|(a, _, _)| !answer(*a)) {
            Some(i) => {
                hints.remove(i);
            }
            None => break,
        }
    }
    let mut spans = vec![Span::raw(" ")];
    for (_, keys, word) in hints {
        if spans.len() > 1 {
            spans.push(Span::raw(" · "));
        }
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {word}")));
    }
    spans.push(Span::raw(" "));
    Line::from(spans).right_aligned()
}
