//! The validation view (`V`): the fleet's findings as checks × clusters. One row per
//! check (errors first, then warnings, then notes; within a weight the check on most
//! clusters first, as `ontop validate` groups them); when the validated clusters fit
//! side by side, one column each with the check's weight there (`✗ err`, `! warn`,
//! `· note`, `✓` passed), else the clusters it is on, listed. `Enter` shows the selected
//! check's issue and action, each distinct text once with the clusters that gave it. A
//! line on top counts the verdicts. Long content scrolls with the selection.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::state::readiness::ready_verdict;
use crate::state::validation::{Verdict, Weight};
use crate::text::{pad, truncate, width, wrap};
use crate::tui::app::{App, CheckRow};
use crate::tui::keymap::{Action, Context, key_for, scroll_keys};
use crate::tui::theme::Theme;

/// Cells of the check's name.
const CHECK: usize = 34;

/// Draws the view into `area`.
pub(crate) fn render(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    now: Timestamp,
    drawn: &mut super::Drawn,
) {
    let theme = app.theme();
    let rows = app.check_rows();
    let cells = area.width.saturating_sub(2) as usize;
    let mut lines = summary(app, theme, cells, now);
    let view = app.validation_view();
    let selected = view.row.min(rows.len().saturating_sub(1));
    let validated: Vec<&str> = app.validations().into_iter().map(|(n, _)| n).collect();
    let grid = Grid::fits(&validated, cells);
    let (mut at, mut taken) = (0, 1);
    if rows.is_empty() {
        lines.extend(no_findings(cells, theme));
    } else {
        lines.push(Line::default());
        lines.push(Line::styled(heading(cells, grid.as_ref()), theme.heading()));
        for (i, check) in rows.iter().enumerate() {
            let mut row = match &grid {
                Some(grid) => grid.row(check, theme),
                None => row_line(check, cells, theme),
            };
            if i == selected {
                row = row.style(theme.selected());
                at = lines.len();
            }
            lines.push(row);
            if i == selected && view.open {
                let text = texts(check, cells, theme);
                taken += text.len();
                lines.extend(text);
            }
        }
        if rows
            .iter()
            .any(|r| r.groups.iter().any(|g| g.weight == Weight::Note))
        {
            let note = "Notes are checks [validate] ignore names (reviewed): shown, not counted.";
            lines.extend(dim_paragraph(note, cells, theme));
        }
    }
    let height = area.height.saturating_sub(2) as usize;
    let top = if lines.len() <= height {
        0
    } else {
        let top = app.validation_top(at, taken, height);
        drawn.validation_top = Some(top);
        top.min(lines.len() - height)
    };
    let mut block = Block::bordered()
        .title(Span::styled(
            " Validation: findings by check ",
            theme.heading(),
        ))
        .border_style(theme.border());
    if lines.len() > height {
        let last = (top + height).min(lines.len());
        let position = format!(
            " lines {}-{last} of {}, {} move ",
            top + 1,
            lines.len(),
            scroll_keys(Context::Validation)
        );
        block = block.title_bottom(Line::from(position).right_aligned());
    }
    let visible: Vec<Line> = lines.into_iter().skip(top).take(height).collect();
    frame.render_widget(Paragraph::new(visible).block(block), area);
}

/// What the view says before any cluster holds a validation, and how to get one.
fn no_findings(cells: usize, theme: Theme) -> Vec<Line<'static>> {
    let text = format!(
        "No findings: no cluster holds a validation yet. Mark clusters ({}) and press {} to \
         validate the release they hold.",
        key_for(Context::Table, Action::ToggleMark),
        key_for(Context::Table, Action::Validate)
    );
    dim_paragraph(&text, cells, theme)
}

/// A blank line, then `text` wrapped in `cells` after a one-cell margin, dimmed.
fn dim_paragraph(text: &str, cells: usize, theme: Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::default()];
    out.extend(super::wrapped(text, cells.saturating_sub(2), theme.dim()));
    out
}

/// "6 validated (9.16.1P3): ✓ 3 ready · ! 2 warn · ✗ 1 err; 5 not validated".
fn summary(app: &App, theme: Theme, cells: usize, now: Timestamp) -> Vec<Line<'static>> {
    let model = app.model();
    let (mut ready, mut warned, mut errored, mut stale, mut none) = (0, 0, 0, 0, 0);
    let mut versions: Vec<String> = Vec::new();
    for c in &model.clusters {
        if let Some(v) = c.readiness.validation()
            && let Some(version) = v.version
            && !versions
                .iter()
                .any(|known| known.eq_ignore_ascii_case(version))
        {
            versions.push(version.to_string());
        }
        match ready_verdict(c, now, &model.validate) {
            Verdict::Ready => ready += 1,
            Verdict::Warnings(_) => warned += 1,
            Verdict::Errors(_) => errored += 1,
            Verdict::Stale(_) => stale += 1,
            Verdict::Unknown => none += 1,
        }
    }
    let validated = ready + warned + errored + stale;
    let of = match versions.as_slice() {
        [] => String::new(),
        list => format!(" ({})", list.join(", ")),
    };
    let mut spans = vec![Span::raw(format!(" {validated} validated{of}: "))];
    let parts = [
        (theme.verdict(&Verdict::Ready).1, format!("✓ {ready} ready")),
        (
            theme.verdict(&Verdict::Warnings(1)).1,
            format!("! {warned} warn"),
        ),
        (
            theme.verdict(&Verdict::Errors(1)).1,
            format!("✗ {errored} err"),
        ),
    ];
    for (i, (style, text)) in parts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" · "));
        }
        let n_zero = text.split(' ').nth(1) == Some("0");
        spans.push(Span::styled(text, if n_zero { theme.dim() } else { style }));
    }
    if stale > 0 {
        spans.push(Span::raw(format!(" · {stale} stale")));
    }
    spans.push(Span::styled(format!("; {none} not validated"), theme.dim()));
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    if used > cells {
        // Too narrow for the words: the counts alone.
        let stale = if stale > 0 {
            format!(", {stale} stale")
        } else {
            String::new()
        };
        return vec![Line::from(truncate(
            &format!(
                " {validated} validated: {ready} ready, {warned} warn, {errored} err{stale}; \
                 {none} not"
            ),
            cells,
        ))];
    }
    vec![Line::from(spans)]
}

/// The column titles: weight, check, on how many, then the clusters (one title each in
/// a grid).
fn heading(cells: usize, grid: Option<&Grid<'_>>) -> String {
    let lead = format!(" {}", pad("WEIGHT", 10));
    let text = match grid {
        Some(grid) => {
            let names: Vec<String> = grid
                .clusters
                .iter()
                .map(|c| pad(&truncate(c, grid.width), grid.width))
                .collect();
            format!("{lead}{}{}", pad("CHECK", grid.check), names.join(" "))
        }
        None => format!(
            "{lead}{}{:>4}  CLUSTERS",
            pad("CHECK", check_width(cells)),
            "ON"
        ),
    };
    truncate(text.trim_end(), cells)
}

/// Checks × clusters, when every validated cluster has a column of its own.
struct Grid<'a> {
    clusters: &'a [&'a str],
    /// Cells of the check's name, and of each cluster's column.
    check: usize,
    width: usize,
}

/// A grid column is never narrower than its longest word ("! warn") nor wider than this.
const MAX_COLUMN: usize = 12;

impl<'a> Grid<'a> {
    /// The grid for `clusters` in `cells`, when they fit side by side.
    fn fits(clusters: &'a [&'a str], cells: usize) -> Option<Self> {
        if clusters.is_empty() {
            return None;
        }
        let width = clusters
            .iter()
            .map(|c| width(c))
            .max()
            .unwrap_or(0)
            .clamp(6, MAX_COLUMN);
        let columns = clusters.len() * (width + 1);
        let check = cells.checked_sub(1 + 10 + columns)?.min(CHECK);
        (check >= 16).then_some(Self {
            clusters,
            check,
            width,
        })
    }

    /// A check's row: its worst weight, its name, its weight on each cluster.
    fn row(&self, row: &CheckRow, theme: Theme) -> Line<'static> {
        let (mark, style) = weight_style(row.weight(), theme);
        let mut spans = vec![
            Span::styled(
                format!(" {}", pad(&format!("{mark} {}", row.weight().word()), 10)),
                style,
            ),
            Span::raw(pad(&truncate(&row.check, self.check - 1), self.check)),
        ];
        for cluster in self.clusters {
            let (text, style) = match row.on(cluster) {
                Some(Weight::Error) => ("✗ err", weight_style(Weight::Error, theme).1),
                Some(Weight::Warning) => ("! warn", weight_style(Weight::Warning, theme).1),
                Some(Weight::Note) => ("· note", theme.dim()),
                None => ("✓", theme.verdict(&Verdict::Ready).1),
            };
            spans.push(Span::styled(pad(text, self.width + 1), style));
        }
        Line::from(spans)
    }
}

fn check_width(cells: usize) -> usize {
    // The clusters keep at least 18 cells.
    CHECK.min(cells.saturating_sub(1 + 10 + 6 + 18)).max(12)
}

/// One check's row, the clusters listed: "✗ error   High Availability status   1
/// prod-par-1" (a mark before each name when the check weighs differently on them).
fn row_line(row: &CheckRow, cells: usize, theme: Theme) -> Line<'static> {
    let (mark, style) = weight_style(row.weight(), theme);
    let check = check_width(cells);
    let clusters = row.clusters();
    let mixed = row.groups.len() > 1;
    let names: Vec<String> = clusters
        .iter()
        .map(|(name, weight)| match mixed {
            true => format!("{} {name}", weight_style(*weight, theme).0),
            false => name.to_string(),
        })
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let room = cells.saturating_sub(1 + 10 + check + 4 + 2);
    Line::from(vec![
        Span::styled(
            format!(" {}", pad(&format!("{mark} {}", row.weight().word()), 10)),
            style,
        ),
        Span::raw(pad(&truncate(&row.check, check - 1), check)),
        Span::raw(format!("{:>4}  ", clusters.len())),
        Span::raw(names_in(&names, room)),
    ])
}

/// The symbol and style of a weight: errors red and bold, warnings yellow, notes dim.
fn weight_style(weight: Weight, theme: Theme) -> (&'static str, Style) {
    match weight {
        Weight::Error => ("✗", theme.verdict(&Verdict::Errors(1)).1),
        Weight::Warning => ("!", theme.verdict(&Verdict::Warnings(1)).1),
        Weight::Note => ("·", theme.dim()),
    }
}

/// "a, b, c" in `room` cells, else "a, b +3".
fn names_in(names: &[&str], room: usize) -> String {
    let all = names.join(", ");
    if width(&all) <= room {
        return all;
    }
    for shown in (1..names.len()).rev() {
        let text = format!("{} +{}", names[..shown].join(", "), names.len() - shown);
        if width(&text) <= room {
            return text;
        }
    }
    truncate(&format!("+{}", names.len()), room)
}

/// The selected check's texts: each distinct issue and action once, with its clusters
/// (and its weight, when the check weighs differently on them).
fn texts(row: &CheckRow, cells: usize, theme: Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let indent = "     ";
    let room = cells.saturating_sub(indent.len() + 9).max(10);
    for group in &row.groups {
        let weight = if row.groups.len() > 1 {
            format!("{} ", group.weight.word())
        } else {
            String::new()
        };
        for text in &group.texts {
            let on = format!("{weight}on {}:", text.clusters.join(", "));
            for part in wrap(&on, cells.saturating_sub(indent.len())) {
                out.push(Line::styled(format!("{indent}{part}"), theme.dim()));
            }
            for (label, said) in [("issue", &text.issue), ("action", &text.action)] {
                let said = said.as_deref().unwrap_or("(the cluster did not say)");
                for (i, part) in wrap(said, room).into_iter().enumerate() {
                    let label = if i == 0 { label } else { "" };
                    out.push(Line::from(vec![
                        Span::styled(format!("{indent}  {}", pad(label, 7)), theme.heading()),
                        Span::raw(part),
                    ]));
                }
            }
        }
    }
    out
}
