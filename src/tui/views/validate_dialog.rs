//! The two dialogs of `v`: the release to validate (offered from what the chosen
//! clusters hold, Tab for the next, or typed), then the plan: every cluster asked, every
//! one skipped with its reason (the download confirmation's words), and that nothing is
//! sent until `y`. With nothing to validate it says so and offers only to cancel.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::form::{targets_line, visible_value};
use super::{DialogFrame, dialog_width};
use crate::download::Planned;
use crate::text::{count_clusters, pad, wrap};
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
    push(&mut lines, &targets_line(&names), text, None);
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
    push(&mut lines, &offers_line(form), text, Some(theme.dim()));
    if let Some(error) = form.error() {
        lines.push(Line::default());
        let style = theme.failure_text().add_modifier(Modifier::BOLD);
        push(&mut lines, &format!("✗ {error}"), text, Some(style));
    }
    if form.hidden() > 0 {
        lines.push(Line::default());
        let hidden = format!(
            "! {} of these clusters are hidden by the filter.",
            form.hidden()
        );
        push(&mut lines, &hidden, text, Some(theme.mark()));
    }
    lines.push(Line::default());
    push(&mut lines, CHECKS_ONLY, text, Some(theme.dim()));

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
    if confirm.hidden > 0 {
        let text = format!(
            "{} of the chosen clusters are hidden by the filter; they are listed here too.",
            confirm.hidden
        );
        push(&mut out, &text, cells, Some(theme.warning_badge()));
        out.push(Line::default());
    }
    if plan.targets.is_empty() {
        let style = theme.failure_text().add_modifier(Modifier::BOLD);
        push(
            &mut out,
            "Nothing to validate: every chosen cluster is skipped.",
            cells,
            Some(style),
        );
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
        out.extend(super::confirm::skipped(plan, theme, cells));
    }
    out.push(Line::default());
    push(&mut out, CHECKS_ONLY, cells, Some(theme.dim()));
    if !plan.targets.is_empty() {
        out.push(Line::styled(
            format!(
                " Nothing is sent until you press {}.",
                key_for(Context::ValidateConfirm, Action::ConfirmValidation)
            ),
            theme.dim(),
        ));
    }
    out
}

/// `text` wrapped to `cells`, each line after a one-cell margin.
fn push(
    out: &mut Vec<Line<'static>>,
    text: &str,
    cells: usize,
    style: Option<ratatui::style::Style>,
) {
    for part in wrap(text, cells) {
        let line = format!(" {part}");
        out.push(match style {
            Some(style) => Line::styled(line, style),
            None => Line::from(line),
        });
    }
}
