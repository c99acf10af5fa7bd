//! The confirmation, over the body: the package (credentials masked), the server user,
//! every target by name, and every skipped cluster with its reason. Long lists scroll.
//! With nothing left to start it says so, and offers only to cancel.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::{dialog_width, wrapped};
use crate::download::Plan;
use crate::download::{Planned, Skipped};
use crate::text::{pad, width, wrap};
use crate::tui::app::{App, Confirmation, Dialog};
use crate::tui::keymap::{Action, Context, key_for};
use crate::tui::theme::Theme;

/// Draws the confirmation centred over `area`.
pub(crate) fn render(frame: &mut Frame, area: Rect, app: &App, drawn: &mut super::Drawn) {
    let Some(Dialog::Confirm(confirmation)) = app.dialog() else {
        return;
    };
    let theme = app.theme();
    let width = dialog_width(area);
    let inner_width = (width as usize).saturating_sub(2);
    let lines = lines(confirmation, theme, inner_width.saturating_sub(2));
    let nothing = confirmation.nothing_to_start();
    let offered = super::offer::title(confirmation.offer());
    let skip = nothing.then_some(Action::ConfirmStart);
    let title = if nothing {
        " Nothing to start "
    } else {
        offered
    };
    let dialog = super::DialogFrame {
        width,
        title,
        context: Context::Confirm,
        skip,
    };
    super::scrolling_dialog(frame, area, app, dialog, lines, drawn);
}

/// Every line of the dialog, `cells` cells wide after a one-cell margin on each side.
fn lines(confirmation: &Confirmation, theme: Theme, cells: usize) -> Vec<Line<'static>> {
    let offer = confirmation.offer();
    let plan = confirmation.plan();
    let mut out = super::offer::head(offer, theme, cells);
    out.push(Line::default());

    out.extend(hidden_note(confirmation.hidden(), theme, cells));
    if plan.is_empty() {
        out.extend(nothing_to("start", theme, cells));
    } else if !plan.targets.is_empty() {
        out.push(Line::styled(
            super::offer::targets_heading(offer, &count(plan.targets.len())),
            theme.heading(),
        ));
        match super::offer::groups(offer, theme, cells) {
            Some(groups) => out.extend(groups),
            None => out.extend(
                plan.targets
                    .iter()
                    .map(|Planned { name, .. }| Line::from(format!("   {name}"))),
            ),
        }
    }

    if !plan.attach.is_empty() {
        out.push(Line::default());
        out.push(Line::styled(
            format!(
                " Follow {}, already downloading (no request is sent):",
                count(plan.attach.len())
            ),
            theme.heading(),
        ));
        for Planned { name, .. } in &plan.attach {
            out.push(Line::from(format!("   {name}")));
        }
    }

    if !plan.skipped.is_empty() {
        out.extend(skipped(plan, theme, cells));
        if confirmation.skips_holders() {
            out.push(Line::styled(super::offer::force_hint(offer), theme.dim()));
        }
    }

    if !plan.is_empty() {
        out.push(Line::default());
        out.push(sent_on(Context::Confirm, Action::ConfirmStart, theme));
    }
    out
}

/// That some chosen clusters are hidden by the filter (and listed anyway), when any are.
pub(super) fn hidden_note(hidden: usize, theme: Theme, cells: usize) -> Vec<Line<'static>> {
    if hidden == 0 {
        return Vec::new();
    }
    let text = format!(
        "{hidden} of the chosen clusters are hidden by the filter; they are listed here too."
    );
    let mut out = wrapped(&text, cells, theme.warning_badge());
    out.push(Line::default());
    out
}

/// That `hidden` of a form's clusters are hidden by the filter, after a "!", when any
/// are: the download form and the release form say it in the same words.
pub(super) fn hidden_in_form(hidden: usize, cells: usize, theme: Theme) -> Vec<Line<'static>> {
    if hidden == 0 {
        return Vec::new();
    }
    let text = format!("{hidden} of these clusters are hidden by the filter.");
    (wrap(&text, cells.saturating_sub(2)).into_iter().enumerate())
        .map(|(i, part)| {
            let mark = if i == 0 { '!' } else { ' ' };
            Line::styled(format!(" {mark} {part}"), theme.mark())
        })
        .collect()
}

/// "Nothing to `verb`: every chosen cluster is skipped.", in bold.
pub(super) fn nothing_to(verb: &str, theme: Theme, cells: usize) -> Vec<Line<'static>> {
    let text = format!("Nothing to {verb}: every chosen cluster is skipped.");
    wrapped(
        &text,
        cells,
        theme.failure_text().add_modifier(Modifier::BOLD),
    )
}

/// "Nothing is sent until you press KEY.", the key from the key map.
pub(super) fn sent_on(context: Context, action: Action, theme: Theme) -> Line<'static> {
    let key = key_for(context, action);
    Line::styled(
        format!(" Nothing is sent until you press {key}."),
        theme.dim(),
    )
}

/// "Skip N clusters:" and each skipped cluster with its reason, the reasons aligned and
/// wrapped: the one way a confirmation (download, validation) says who is left out.
pub(super) fn skipped(plan: &Plan, theme: Theme, cells: usize) -> Vec<Line<'static>> {
    let mut out = vec![
        Line::default(),
        Line::styled(
            format!(" Skip {}:", count(plan.skipped.len())),
            theme.heading(),
        ),
    ];
    let name_width = plan
        .skipped
        .iter()
        .map(|s| width(&s.name))
        .max()
        .unwrap_or(0)
        .min(cells / 3);
    for Skipped { name, reason, .. } in &plan.skipped {
        let lead = format!("   {}  ", pad(name, name_width));
        let room = cells.saturating_sub(width(&lead)).max(10);
        for (i, part) in wrap(&reason.to_string(), room).into_iter().enumerate() {
            let lead = if i == 0 {
                lead.clone()
            } else {
                " ".repeat(width(&lead))
            };
            out.push(Line::from(vec![
                Span::raw(lead),
                Span::styled(part, Style::new()),
            ]));
        }
    }
    out
}

use crate::text::count_clusters as count;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::Palette;

    #[test]
    fn the_forms_hidden_note_marks_its_first_line_only_and_is_absent_without_hidden_ones() {
        let theme = Theme::new(Palette::Plain);
        assert!(hidden_in_form(0, 40, theme).is_empty());
        let lines: Vec<String> = (hidden_in_form(3, 24, theme).iter())
            .map(|l| l.to_string())
            .collect();
        assert_eq!(
            lines,
            [
                " ! 3 of these clusters",
                "   are hidden by the",
                "   filter."
            ]
        );
    }
}
