//! The password dialog (after `p`): whose login it is for, why polling is paused, the
//! other clusters that get the same password, and one field of bullets. The password
//! itself is never drawn; the cursor sits where typing lands.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::form::visible_value;
use super::{DialogFrame, dialog_width};
use crate::text::pad;
use crate::tui::app::{App, Dialog, PasswordPrompt};
use crate::tui::format::names_line;
use crate::tui::keymap::{Action, Context, key_for};

/// Cells before the field's value.
const LABEL: usize = 14;

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
    lines.extend(super::wrapped(note, text_room, theme.dim()));

    let skip = prompt.others().is_empty().then_some(Action::ToggleOthers);
    let title = format!(" Password for {} ", prompt.user());
    let frame_of = DialogFrame {
        width: dialog,
        title: &title,
        context: Context::Password,
        skip,
    };
    super::field_dialog(frame, area, frame_of, lines, theme, (field_row, LABEL + at));
}

/// Why the dialog is up, and the choice of the other paused clusters, wrapped in `room`.
fn intro(app: &App, prompt: &PasswordPrompt, room: usize) -> Vec<Line<'static>> {
    let clusters = &app.model().clusters;
    let first = &clusters[prompt.cluster()];
    let name = &first.identity.name;
    let mut lines = Vec::new();
    let say = |lines: &mut Vec<Line<'static>>, text: &str| {
        lines.extend(super::wrapped(text, room, Style::new()));
    };
    let mut why = format!(
        "{name} refused the login of {}. Polling is paused there, so that a wrong password \
         cannot lock the account.",
        prompt.user()
    );
    if let Some(note) = first.login_pause().and_then(|p| p.note.as_ref()) {
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
            "{box_} also for {} paused for {} ({})",
            names_line(&others),
            prompt.user(),
            key_for(Context::Password, Action::ToggleOthers)
        );
        say(&mut lines, &text);
    }
    lines
}
