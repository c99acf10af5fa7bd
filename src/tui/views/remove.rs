//! The question before a package is removed (`x` in the packages view): the version,
//! every cluster it is removed from, and the holders left out with why. Nothing is sent
//! until `y`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, Paragraph};

use super::{centered, dialog_keys, dialog_width};
use crate::tui::app::{App, Chosen, Dialog};
use crate::tui::keymap::{Action, Context};

/// Draws the question centred over `area`.
pub(crate) fn render(frame: &mut Frame, area: Rect, app: &App) {
    let Some(Dialog::Remove(removal)) = app.dialog() else {
        return;
    };
    let theme = app.theme();
    let dialog = dialog_width(area).min(72);
    let room = (dialog as usize).saturating_sub(4);
    let names: Vec<&str> = removal
        .clusters
        .iter()
        .filter_map(|&i| app.model().clusters.get(i))
        .map(|c| c.identity.name.as_str())
        .collect();
    let mut paragraphs = vec![if names.is_empty() {
        format!(
            "Nothing to remove {} from: every holder is left out.",
            removal.version
        )
    } else {
        format!(
            "Remove package {} from {}: {}?",
            removal.version,
            crate::text::count_clusters(names.len()),
            names.join(", ")
        )
    }];
    // Whose choice this is: the marks, the filter, or (no marks, no filter) the fleet.
    let others = match removal.not_chosen {
        0 => String::new(),
        n => format!(
            " {} other {} left alone.",
            n,
            if n == 1 { "holder is" } else { "holders are" }
        ),
    };
    paragraphs.push(match removal.chosen {
        Chosen::Marked => format!("Among the marked clusters.{others}"),
        Chosen::Filtered => format!("Among the clusters the filter shows.{others}"),
        Chosen::Fleet => {
            "No marks and no filter: every holder in the fleet (mark clusters, or filter, to \
             choose fewer)."
                .to_string()
        }
    });
    if !removal.skipped.is_empty() {
        let skipped: Vec<String> = removal
            .skipped
            .iter()
            .map(|(name, why)| format!("{name} ({why})"))
            .collect();
        paragraphs.push(format!("Left out: {}.", skipped.join(", ")));
    }
    paragraphs.push(
        "Each removal is written to the audit log first, then followed to its end; the release a cluster runs cannot be removed (ONTAP refuses)."
            .to_string(),
    );
    let lines = super::paragraphs(&paragraphs, room);
    let skip = names.is_empty().then_some(Action::ConfirmRemoval);
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = centered(area, dialog, height);
    let block = Block::bordered()
        .title(Span::styled(" Remove a package? ", theme.heading()))
        .title_bottom(dialog_keys(Context::Remove, skip, dialog, theme))
        .border_style(theme.border());
    super::clear_under(frame, popup, area);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
