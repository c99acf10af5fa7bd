//! The two dialogs of `v`: the release to validate (offered from what the chosen
//! clusters hold, Tab for the next, or typed), then the plan: every cluster asked, every
//! one skipped with its reason (the download confirmation's words), and that nothing is
//! sent until `y`. With nothing to validate it says so and offers only to cancel.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::form::{targets_line, visible_value};
use super::{DialogFrame, confirm, dialog_width};
use crate::download::Planned;
use crate::text::{count_clusters, pad};
use crate::tui::app::{App, Dialog, ValidateConfirm, VersionForm};
use crate::tui::keymap::{Action, Context, key_for};
use crate::tui::theme::Theme;

/// Cells before the release's value: marker, label, padding.
const LABEL: usize = 12;
/// What a validation is, said in both dialogs.
const CHECKS_ONLY: &str = "Checks only: each cluster is asked whether an update to this \
     release would go through; no update is started.";

/// Draws the release form centred over `area`.
pub(crate) fn render_version(frame: &mut Frame, area: Rect, app: &App) {
    let Some(Dialog::Version(form)) = app.dialog() else {
        return;
    };
    let theme = app.theme();
    let dialog = dialog_width(area).min(80);
    let inner = (dialog as usize).saturating_sub(2);
    let text = inner.saturating_sub(2);
    let names = app.names_of(form.chosen());
    let mut lines = Vec::new();
    lines.extend(super::wrapped(&targets_line(&names), text, Style::new()));
    lines.push(Line::default());
    let field_row = lines.len();
    let room = inner.saturating_sub(LABEL + 1).max(4);
    let (value, at) = visible_value(form.text(), form.cursor(), room);
    lines.push(Line::from(vec![
        Span::styled(" › ", theme.key()),
        Span::styled(pad("release", LABEL - 3), theme.heading()),
        Span::styled(pad(&value, room), theme.field()),
    ]));
    lines.push(Line::default());
    lines.extend(super::wrapped(&offers_line(form), text, theme.dim()));
    if let Some(error) = form.error() {
        lines.push(Line::default());
        let style = theme.failure_text().add_modifier(Modifier::BOLD);
        lines.extend(super::wrapped(&format!("✗ {error}"), text, style));
    }
    if form.hidden() > 0 {
        lines.push(Line::default());
        lines.extend(confirm::hidden_in_form(form.hidden(), text, theme));
    }
    lines.push(Line::default());
    lines.extend(super::wrapped(CHECKS_ONLY, text, theme.dim()));

    let frame_of = DialogFrame {
        width: dialog,
        title: " Validate a release ",
        context: Context::Version,
        skip: None,
    };
    super::field_dialog(frame, area, frame_of, lines, theme, (field_row, LABEL + at));
}

/// What the chosen clusters hold: "Held: 9.16.1P3 (3 clusters), 9.15.1 (1 cluster); Tab
/// offers the next."
fn offers_line(form: &VersionForm) -> String {
    match form.offers() {
        [] => format!(
            "None of these clusters holds a release it does not run: type one ({} \
             downloads a package first).",
            key_for(Context::Table, Action::Download)
        ),
        offers => {
            let held: Vec<String> = offers
                .iter()
                .map(|(v, n)| format!("{v} ({})", count_clusters(*n)))
                .collect();
            let tab = if offers.len() > 1 {
                format!(
                    "; {} offers the next",
                    key_for(Context::Version, Action::NextRelease)
                )
            } else {
                String::new()
            };
            format!("Held, not run: {}{tab}.", held.join(", "))
        }
    }
}

/// Draws the plan of a validation centred over `area`; long lists scroll.
pub(crate) fn render_confirm(frame: &mut Frame, area: Rect, app: &App, drawn: &mut super::Drawn) {
    let Some(Dialog::ValidateConfirm(confirm)) = app.dialog() else {
        return;
    };
    let theme = app.theme();
    let width = dialog_width(area);
    let cells = (width as usize).saturating_sub(4);
    let lines = confirm_lines(confirm, theme, cells);
    let nothing = confirm.plan.targets.is_empty();
    let skip = nothing.then_some(Action::ConfirmValidation);
    let title = if nothing {
        " Nothing to validate "
    } else {
        " Validate this release? "
    };
    let dialog = super::DialogFrame {
        width,
        title,
        context: Context::ValidateConfirm,
        skip,
    };
    super::scrolling_dialog(frame, area, app, dialog, lines, drawn);
}

fn confirm_lines(confirm: &ValidateConfirm, theme: Theme, cells: usize) -> Vec<Line<'static>> {
    let plan = &confirm.plan;
    let mut out = vec![Line::from(vec![
        Span::styled(" release  ", theme.dim()),
        Span::raw(confirm.version.clone()),
    ])];
    out.push(Line::default());
    out.extend(confirm::hidden_note(confirm.hidden, theme, cells));
    if plan.targets.is_empty() {
        out.extend(confirm::nothing_to("validate", theme, cells));
    } else {
        out.push(Line::styled(
            format!(" Validate on {}:", count_clusters(plan.targets.len())),
            theme.heading(),
        ));
        for Planned { name, .. } in &plan.targets {
            out.push(Line::from(format!("   {name}")));
        }
    }
    if !plan.skipped.is_empty() {
        out.extend(confirm::skipped(plan, theme, cells));
    }
    out.push(Line::default());
    out.extend(super::wrapped(CHECKS_ONLY, cells, theme.dim()));
    if !plan.targets.is_empty() {
        let action = Action::ConfirmValidation;
        out.push(confirm::sent_on(Context::ValidateConfirm, action, theme));
    }
    out
}
