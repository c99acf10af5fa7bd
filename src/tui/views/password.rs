//! The password dialog (after `p`): whose login it is for, why polling is paused, the
//! other clusters that get the same password, and one field of bullets. The password
//! itself is never drawn; the cursor sits where typing lands.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::form::visible_value;
use super::{centered, dialog_keys, dialog_width};
use crate::text::{pad, wrap};
use crate::tui::app::{App, Dialog, PasswordPrompt};
use crate::tui::keymap::Context;

/// Cells before the field's value.
const LABEL: usize = 14;
/// Other cluster names listed before "and N more".
const NAMES: usize = 3;

/// Draws the dialog centred over `area`.
pub(crate) fn render(frame: &mut Frame, area: Rect, app: &App) {
    let Some(Dialog::Password(prompt)) = app.dialog() else {
        return;
    };
    let theme = app.theme();
    let dialog = dialog_width(area).min(72);
    let inner = (dialog as usize).saturating_sub(2);
    let text_room = inner.saturating_sub(2);
    let mut lines = intro(app, prompt, inner.saturating_sub(2));
    lines.push(Line::default());
    let field_row = lines.len();
    let room = inner.saturating_sub(LABEL + 1).max(4);
    let (value, at) = visible_value(&prompt.shown(), prompt.cursor(), room);
    lines.push(Line::from(vec![
        Span::styled(" › ", theme.key()),
        Span::styled(pad("password", LABEL - 3), theme.heading()),
        Span::styled(pad(&value, room), theme.field()),
    ]));
    lines.push(Line::default());
    let note = "Never shown or written anywhere: kept in memory for this session only.";
    for part in wrap(note, text_room) {
        lines.push(Line::styled(format!(" {part}"), theme.dim()));
    }

    let popup = centered(area, dialog, lines.len() as u16 + 2);
    let skip = prompt
        .others()
        .is_empty()
        .then_some(crate::tui::keymap::Action::ToggleOthers);
    let title = format!(" Password for {} ", prompt.user());
    let block = Block::bordered()
        .title(Span::styled(title, theme.heading()))
        .title_bottom(dialog_keys(Context::Password, skip, dialog, theme))
        .border_style(theme.border());
    super::clear_under(frame, popup, area);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
    let x = popup.x as usize + 1 + LABEL + at;
    let y = popup.y as usize + 1 + field_row;
    if x < (popup.x + popup.width) as usize - 1 && y < (popup.y + popup.height) as usize - 1 {
        frame.set_cursor_position(Position::new(x as u16, y as u16));
    }
}

/// Why the dialog is up, and the choice of the other paused clusters, wrapped in `room`.
fn intro(app: &App, prompt: &PasswordPrompt, room: usize) -> Vec<Line<'static>> {
    let clusters = &app.model().clusters;
    let first = &clusters[prompt.cluster()];
    let name = &first.identity.name;
    let mut lines = Vec::new();
    let say = |lines: &mut Vec<Line<'static>>, text: &str| {
        for part in wrap(text, room) {
            lines.push(Line::from(format!(" {part}")));
        }
    };
    let mut why = format!(
        "{name} refused the login of {}. Polling is paused there, so that a wrong password \
         cannot lock the account.",
        prompt.user()
    );
    if let Some(note) = first
        .login_paused
        .as_ref()
        .and_then(|(_, p)| p.note.as_ref())
    {
        why.push_str(&format!(" Last try: {note}."));
    }
    say(&mut lines, &why);
    let others: Vec<&str> = prompt
        .others()
        .iter()
        .map(|&c| clusters[c].identity.name.as_str())
        .collect();
    if !others.is_empty() {
        lines.push(Line::default());
        let box_ = if prompt.for_others() { "[x]" } else { "[ ]" };
        let text = format!(
            "{box_} also for {} paused for {} (Tab)",
            names_line(&others),
            prompt.user()
        );
        say(&mut lines, &text);
    }
    lines
}

/// "a", "a and b", "a, b, c and 4 more".
fn names_line(names: &[&str]) -> String {
    match names {
        [one] => (*one).to_string(),
        _ if names.len() <= NAMES => {
            let (last, rest) = names.split_last().unwrap_or((&"", &[]));
            format!("{} and {last}", rest.join(", "))
        }
        _ => format!(
            "{} and {} more",
            names[..NAMES].join(", "),
            names.len() - NAMES
        ),
    }
}
