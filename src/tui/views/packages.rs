//! The packages view (`P`): one row per release across the fleet (how many clusters
//! hold it in their repository, run it, and lack it), the selected one's clusters
//! listed on `Enter`, and `m` to mark the clusters that lack it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::text::{pad, truncate};
use crate::tui::app::{App, Holders};
use crate::tui::keymap::Context;

/// Cells of the number columns and of the release column.
const NUMBER: usize = 6;
const RELEASE: usize = 12;

/// Draws the view over `area`.
pub(crate) fn render(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme();
    let rows = app.package_rows();
    let (selected, open) = app.packages_selection(rows.len());
    let width = area.width.saturating_sub(2) as usize;
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{}{}{}{}HELD BY",
            pad("RELEASE", RELEASE + 1),
            pad("HELD", NUMBER + 1),
            pad("RUNS", NUMBER + 1),
            pad("LACK", NUMBER + 1)
        ),
        theme.heading(),
    ))];
    if rows.is_empty() {
        lines.push(Line::from(
            "no release known yet: each cluster's packages are read at its first answer",
        ));
    }
    let names = |indices: &[usize]| -> String {
        let names: Vec<&str> = indices
            .iter()
            .filter_map(|&i| app.model().clusters.get(i))
            .map(|c| c.identity.name.as_str())
            .collect();
        if names.is_empty() {
            "-".to_owned()
        } else {
            names.join(", ")
        }
    };
    let all: Vec<Holders> = rows.iter().map(|row| app.holders(row)).collect();
    for (index, (row, holders)) in rows.iter().zip(&all).enumerate() {
        let rest = width.saturating_sub(RELEASE + 1 + 3 * (NUMBER + 1));
        let text = format!(
            "{}{}{}{}{}",
            pad(&truncate(&row.version, RELEASE), RELEASE + 1),
            pad(&holders.hold.len().to_string(), NUMBER + 1),
            pad(&holders.run.len().to_string(), NUMBER + 1),
            pad(&holders.lack.len().to_string(), NUMBER + 1),
            truncate(&names(&holders.hold), rest),
        );
        let style = if index == selected {
            theme.selected()
        } else {
            Default::default()
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    if open && let Some(row) = rows.get(selected) {
        lines.push(Line::from(""));
        lines.extend(listing(app, &row.version, &all[selected], &names));
    }
    let hint = super::dialog_keys(Context::Packages, None, area.width, theme);
    let block = Block::bordered()
        .title(Span::styled(" packages across the fleet ", theme.heading()))
        .title_bottom(hint)
        .border_style(theme.border());
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

/// The selected release's clusters, one line per kind.
fn listing(
    app: &App,
    version: &str,
    holders: &Holders,
    names: &dyn Fn(&[usize]) -> String,
) -> Vec<Line<'static>> {
    let theme = app.theme();
    let line = |label: &str, indices: &[usize]| {
        Line::from(vec![
            Span::styled(format!("{label:<16}"), theme.field()),
            Span::raw(format!("({}) {}", indices.len(), names(indices))),
        ])
    };
    let mut lines = vec![
        Line::from(Span::styled(format!("{version}:"), theme.heading())),
        line("holds it", &holders.hold),
        line("runs it", &holders.run),
        line("lacks it", &holders.lack),
    ];
    if !holders.unknown.is_empty() {
        lines.push(line("not known yet", &holders.unknown));
    }
    lines
}
