//! The cluster table: one row per visible cluster.
//!
//! Only the rows on screen are built, so a fleet of 500 clusters costs what 20 do. The
//! app keeps the scroll offset; the table is handed just that window.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use super::columns::{self, GAP};
use crate::state::table::time_in_state;
use crate::state::{ClusterState, Column, Health, age, format_age};
use crate::tui::app::App;
use crate::tui::format::truncate;
use crate::tui::theme::Theme;

/// Draws the table into `area` (title row included).
pub fn render(frame: &mut Frame, area: Rect, app: &mut App, now: Timestamp) {
    let theme = app.theme();
    let fit = columns::fit(app.model(), area.width as usize);
    let body_height = area.height.saturating_sub(1) as usize;
    let offset = app.scroll_table(body_height);

    let header = Row::new(fit.iter().map(|&(column, _)| {
        let mut style = theme.heading();
        if app.sort().column == Some(column) {
            style = style.add_modifier(Modifier::UNDERLINED);
        }
        Cell::from(column.title()).style(style)
    }));
    let widths: Vec<Constraint> = fit
        .iter()
        .map(|&(_, w)| Constraint::Length(w as u16))
        .collect();

    if app.rows().is_empty() {
        let table = Table::new(Vec::<Row>::new(), widths)
            .header(header)
            .column_spacing(GAP as u16);
        frame.render_widget(table, area);
        let text = if app.model().clusters.is_empty() {
            "no clusters in the config".to_string()
        } else {
            format!(
                "no cluster matches \"{}\" (Esc clears the filter)",
                app.filter()
            )
        };
        let below = Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        };
        frame.render_widget(Paragraph::new(text).style(theme.dim()).centered(), below);
        return;
    }

    let window = app.rows().iter().skip(offset).take(body_height);
    let rows: Vec<Row> = window
        .map(|&i| row(&app.model().clusters[i], &fit, theme, now))
        .collect();
    let selected = app
        .selected()
        .and_then(|c| app.rows().iter().position(|&r| r == c))
        .and_then(|row| row.checked_sub(offset));
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(GAP as u16)
        .row_highlight_style(theme.selected());
    let mut state = TableState::new().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut state);
}

fn row<'a>(c: &'a ClusterState, fit: &[(Column, usize)], theme: Theme, now: Timestamp) -> Row<'a> {
    let health = c.health(now);
    Row::new(
        fit.iter()
            .map(|&(column, width)| cell(c, column, width, health, theme, now)),
    )
}

fn cell<'a>(
    c: &'a ClusterState,
    column: Column,
    width: usize,
    health: Health,
    theme: Theme,
    now: Timestamp,
) -> Cell<'a> {
    let dash = || Cell::from("-").style(theme.dim());
    match column {
        Column::Name => Cell::from(name(c, width, theme)),
        Column::Version => match &c.version {
            Some(v) => Cell::from(truncate(v, width)),
            None => dash(),
        },
        Column::Download => {
            let (word, style) = theme.download(c.download_state());
            Cell::from(truncate(&word, width)).style(style)
        }
        Column::Message => {
            let (text, style) = message(c, health, theme);
            Cell::from(truncate(&text, width)).style(style)
        }
        Column::Code => match c.download.as_ref().and_then(|d| d.code) {
            Some(code) => Cell::from(code.to_string()),
            None => Cell::from(""),
        },
        Column::Job => {
            let (word, style) = theme.job(c.job_state());
            Cell::from(truncate(&word, width)).style(style)
        }
        Column::InState => match time_in_state(c, now) {
            Some(d) => Cell::from(format_age(d)),
            None => dash(),
        },
        Column::LastPoll => match c.last_success {
            Some(t) => Cell::from(format_age(age(t, now))).style(theme.age(health)),
            None => dash(),
        },
        Column::Health => {
            let (word, style) = theme.health(health);
            Cell::from(word).style(style)
        }
    }
}

/// The name, truncated to leave room for its badges, then the badges.
fn name<'a>(c: &'a ClusterState, width: usize, theme: Theme) -> Line<'a> {
    let badges = columns::badges(c);
    let badge_width: usize = badges.iter().map(|(b, _)| 1 + b.len()).sum();
    let mut spans = vec![Span::raw(truncate(
        &c.identity.name,
        width.saturating_sub(badge_width).max(1),
    ))];
    for (badge, warning) in badges {
        spans.push(Span::raw(" "));
        let style = if warning {
            theme.warning_badge()
        } else {
            theme.info_badge()
        };
        spans.push(Span::styled(badge, style));
    }
    Line::from(spans)
}

/// The message cell: a failing cluster shows why it fails, since its download message is
/// old news; otherwise the cluster's own download message.
fn message(c: &ClusterState, health: Health, theme: Theme) -> (String, Style) {
    if health == Health::Failing
        && let Some(e) = &c.last_error
    {
        let (_, style) = theme.health(Health::Failing);
        return (
            format!("{}: {}", e.kind, e.message),
            style.remove_modifier(Modifier::BOLD),
        );
    }
    if health == Health::Unknown && c.download.is_none() {
        return ("waiting for the first answer".to_string(), theme.dim());
    }
    let text = c
        .download
        .as_ref()
        .and_then(|d| d.message.clone())
        .unwrap_or_default();
    (text, Style::new())
}
