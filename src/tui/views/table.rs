//! The cluster table: one row per visible cluster.
//!
//! Only the rows on screen are built, so a fleet of 500 clusters costs what 20 do. The
//! app keeps the scroll offset; the table is handed just that window.
//!
//! The first cell of every row is its mark (`●` when marked), so marked rows read without
//! colour; it costs the name column one cell, which keeps 80 columns as they were. A download started from this session shows in the JOB column from `starting`
//! to its end; when it failed, the message says what to do (with the ONTAP code when the
//! CODE column does not fit).

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use super::Drawn;
use super::columns::{self, GAP};
use crate::state::filter::Filter;
use crate::state::table::{held_packages, labels_text, latest_operation, time_in_state};
use crate::state::{ClusterState, Column, Health, SortOrder, age, format_age};
use crate::text::truncate;
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context, key_for};
use crate::tui::theme::Theme;

/// The cells the mark takes at the start of the name column.
const MARK: usize = 1;
/// The symbol of a marked row.
pub(crate) const MARK_SYMBOL: &str = "●";

/// Draws the table into `area` (title row included).
pub(crate) fn render(frame: &mut Frame, area: Rect, app: &App, now: Timestamp, drawn: &mut Drawn) {
    let theme = app.theme();
    let sort = app.sort();
    let room = (area.width as usize).saturating_sub(MARK);
    let release = app.form_release();
    let widths = app.cell_widths();
    let mut fit = columns::fit(app.model(), widths, room, sort.column, release.as_deref());
    if let Some((_, name)) = fit.iter_mut().find(|(c, _)| *c == Column::Name) {
        *name += MARK;
    }
    let body_height = area.height.saturating_sub(1) as usize;
    let page = body_height.max(1);
    let offset = app.table_offset(page);
    drawn.table = Some((offset, page));
    drawn.message_room = (fit.iter()).find_map(|(c, w)| (*c == Column::Message).then_some(*w));
    drawn.code_hidden = !fit.iter().any(|(c, _)| *c == Column::Code);

    let header = header(&fit, sort, theme);
    let widths: Vec<Constraint> = fit
        .iter()
        .map(|&(_, w)| Constraint::Length(w as u16))
        .collect();

    if app.rows().is_empty() {
        let table = Table::new(Vec::<Row>::new(), widths)
            .header(header)
            .column_spacing(GAP as u16);
        frame.render_widget(table, area);
        let clears = key_for(Context::Table, Action::ClearFilter);
        let text = if app.model().clusters.is_empty() {
            "no clusters in the config".to_string()
        } else {
            match Filter::parse(app.filter()).label_hint(&app.model().clusters) {
                Some(hint) => format!("no cluster matches: {hint} ({clears} clears the filter)"),
                None => format!(
                    "no cluster matches \"{}\" ({clears} clears the filter)",
                    app.filter()
                ),
            }
        };
        let below = Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        };
        let text = Paragraph::new(text)
            .style(theme.dim())
            .centered()
            .wrap(ratatui::widgets::Wrap { trim: true });
        frame.render_widget(text, below);
        return;
    }

    let filter = Filter::parse(app.filter());
    let window = app.rows().iter().skip(offset).take(body_height);
    let rows: Vec<Row> = window
        .map(|&i| {
            let shape = Shape {
                fit: &fit,
                marked: app.is_marked(i),
                filter: &filter,
                release: release.as_deref(),
                rules: &app.model().validate,
            };
            row(&app.model().clusters[i], shape, theme, now)
        })
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

/// The title row: the sorted column says so, and which way (▲ natural order, ▼ reversed).
fn header(fit: &[(Column, usize)], sort: SortOrder, theme: Theme) -> Row<'static> {
    Row::new(fit.iter().map(|&(column, cells)| {
        let mut style = theme.heading();
        let arrow = match (sort.column == Some(column), sort.reverse) {
            (true, false) => "▲",
            (true, true) => "▼",
            (false, _) => "",
        };
        if !arrow.is_empty() {
            style = style.add_modifier(Modifier::UNDERLINED);
        }
        let lead = if column == Column::Name {
            " ".repeat(MARK)
        } else {
            String::new()
        };
        // A title with no cell to spare for its arrow gives up its last letter.
        let room = cells.saturating_sub(lead.len() + arrow.chars().count());
        let title: String = column.title().chars().take(room).collect();
        Cell::from(format!("{lead}{title}{arrow}")).style(style)
    }))
}

/// What a row needs to know besides its cluster: the columns shown (and how wide each
/// is), whether the row is marked, and the filter (its matches are highlighted).
#[derive(Clone, Copy)]
struct Shape<'f> {
    fit: &'f [(Column, usize)],
    marked: bool,
    filter: &'f Filter,
    /// The release of the package the form would download, when its name says.
    release: Option<&'f str>,
    /// How READY judges a validation (`[validate]`).
    rules: &'f crate::config::ValidateSettings,
}

fn row<'a>(c: &'a ClusterState, shape: Shape<'_>, theme: Theme, now: Timestamp) -> Row<'a> {
    let health = c.health(now);
    Row::new(
        shape
            .fit
            .iter()
            .map(|&(column, width)| cell(c, column, width, health, shape, theme, now)),
    )
}

fn cell<'a>(
    c: &'a ClusterState,
    column: Column,
    width: usize,
    health: Health,
    shape: Shape<'_>,
    theme: Theme,
    now: Timestamp,
) -> Cell<'a> {
    let dash = || Cell::from("-").style(theme.dim());
    // Old values (no good answer for three intervals) are drawn dimmed, and the
    // download state carries a "~": it reads as old without colour too.
    let stale = c.is_stale(now);
    let old = if stale { theme.dim() } else { Style::new() };
    match column {
        Column::Name => Cell::from(name(c, width, shape, theme)),
        Column::Version => match &c.version {
            Some(v) => Cell::from(truncate(v, width)).style(old),
            None => dash(),
        },
        Column::Labels => Cell::from(truncate(&labels_text(c), width)).style(theme.dim()),
        Column::Package => package_cell(c, shape.release, theme),
        Column::Download => {
            let (word, style) = theme.download(c.download_state());
            match (stale, c.download.is_some()) {
                (true, true) => Cell::from(truncate(&format!("~{word}"), width)).style(theme.dim()),
                _ => Cell::from(truncate(&word, width)).style(style),
            }
        }
        Column::Message => {
            let code_hidden = !shape.fit.iter().any(|(column, _)| *column == Column::Code);
            let (text, style) = message_cell(c, now, theme, code_hidden);
            Cell::from(truncate(&text, width)).style(style)
        }
        Column::Code => match shown_code(c) {
            Some(code) => Cell::from(code.to_string()).style(old),
            None => Cell::from(""),
        },
        Column::Job => {
            let operation = latest_operation(c);
            let (word, style) = theme.phase(operation.map(|f| &f.phase));
            // A removal under way reads as one, not as a download's "running".
            let removing = operation.is_some_and(|f| {
                f.kind() == crate::download::OperationKind::Removal && f.ending().is_none()
            });
            let word = if removing { "removing".into() } else { word };
            Cell::from(truncate(&word, width)).style(style)
        }
        Column::InState => match time_in_state(c, now) {
            Some((d, true)) => Cell::from(format!("≥{}", format_age(d))),
            Some((d, false)) => Cell::from(format_age(d)),
            None => dash(),
        },
        Column::LastPoll => match c.last_success {
            Some(t) => Cell::from(format_age(age(t, now))).style(theme.age(health)),
            None => dash(),
        },
        Column::Health if c.login_paused.is_some() => {
            let (_, style) = theme.health(Health::Failing);
            Cell::from("PAUSED").style(style)
        }
        // Old values say how old: "STALE 5m" (the message says why, when polls fail).
        Column::Health if stale => {
            let (word, style) = theme.health(Health::Stale);
            let old = c.last_success.map(|t| format_age(age(t, now)));
            Cell::from(format!("{word} {}", old.unwrap_or_default())).style(style)
        }
        Column::Health => {
            let (word, style) = theme.health(health);
            Cell::from(word).style(style)
        }
        Column::Ready => super::readiness::ready_cell(c, width, shape.rules, theme, now),
        Column::Update => super::readiness::update_cell(c, width, theme),
    }
}

/// The mark, the name truncated to leave room for its badges (what the filter matched
/// highlighted), then the badges.
fn name<'a>(c: &'a ClusterState, width: usize, shape: Shape<'_>, theme: Theme) -> Line<'a> {
    let badges = columns::badges(c);
    let badge_width: usize = badges.iter().map(|(b, _)| 1 + b.len()).sum();
    let mark = if shape.marked {
        Span::styled(MARK_SYMBOL, theme.mark())
    } else {
        Span::raw(" ".repeat(MARK))
    };
    let room = width.saturating_sub(MARK + badge_width).max(1);
    let shown = truncate(&c.identity.name, room);
    let mut spans = vec![mark];
    let mut at = 0;
    for found in shape.filter.name_matches(&shown) {
        spans.push(Span::raw(shown[at..found.start].to_string()));
        spans.push(Span::styled(
            shown[found.clone()].to_string(),
            theme.matched(),
        ));
        at = found.end;
    }
    spans.push(Span::raw(shown[at..].to_string()));
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

/// The message cell: the cluster's own download message when it adds something (see
/// [`is_boilerplate`]), or, while it does not answer, why (its message is old news then). How a followed download ended, and what to do
/// about it, is in the JOB column and in details.
/// What the MESSAGE cell says of `c` and in what style; with `code_hidden` (no CODE
/// column), a failure's ONTAP code leads it. The footer says the same of the selected
/// row when MESSAGE has no room.
pub(crate) fn message_cell(
    c: &ClusterState,
    now: Timestamp,
    theme: Theme,
    code_hidden: bool,
) -> (String, Style) {
    let health = c.health(now);
    let (mut text, style) = message(c, health, theme);
    if code_hidden
        && c.download_state() == Some(&crate::ontap::DownloadState::Failure)
        && let Some(code) = shown_code(c)
    {
        // The code is what a KB search needs: it goes first, before truncation.
        text = format!("[{code}] {text}");
    }
    if c.is_stale(now) && health != Health::Failing {
        return (text, theme.dim());
    }
    (text, style)
}

fn message(c: &ClusterState, health: Health, theme: Theme) -> (String, Style) {
    if let Some(pause) = c.login_pause() {
        let (_, style) = theme.health(Health::Failing);
        // Short enough for 80 columns; details say the rest.
        let p = key_for(Context::Table, Action::EnterPassword);
        let text = if pause.source.is_some() {
            format!(
                "login refused: {} or {p}",
                key_for(Context::Table, Action::Refresh)
            )
        } else {
            format!("login refused: press {p}")
        };
        return (text, style.remove_modifier(Modifier::BOLD));
    }
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
    let Some(download) = c.download.as_ref().filter(|d| !is_boilerplate(d)) else {
        // Old values with no failure since: the poll out now has not answered yet.
        if health == Health::Stale {
            return ("still waiting for an answer".to_string(), theme.dim());
        }
        return (String::new(), Style::new());
    };
    (download.message.clone().unwrap_or_default(), Style::new())
}

/// Whether the cluster's message only repeats its state in ONTAP's stock words ("Package
/// download has not started.", "Package download completed."): the DOWNLOAD column says
/// that already, so MESSAGE is left to what adds something (a failure, a state this
/// build does not know, a download under way); details show every message.
pub(crate) fn is_boilerplate(download: &crate::ontap::DownloadStatus) -> bool {
    use crate::ontap::DownloadState as D;
    match download.state {
        Some(D::NotStarted) => download.code.is_none_or(|code| code == IDLE_CODE),
        Some(D::Success) => download.code.is_none_or(|code| code == 0),
        _ => false,
    }
}

/// The cluster's download code, unless it only repeats the state in ONTAP's stock
/// words (see [`is_boilerplate`]): "nothing started" on every idle row, 0 on a success.
pub(crate) fn shown_code(c: &ClusterState) -> Option<i64> {
    let download = c.download.as_ref()?;
    download.code.filter(|_| !is_boilerplate(download))
}

/// "Package download has not started": what an idle cluster answers.
pub(crate) const IDLE_CODE: i64 = 10551384;

/// Whether the cluster has the form's release: "runs" it, "has" it in its repository,
/// "no", or "?" while its repository is not known.
fn package_cell(c: &ClusterState, release: Option<&str>, theme: Theme) -> Cell<'static> {
    let Some(release) = release else {
        return Cell::from("");
    };
    let packages = held_packages(c);
    match crate::download::holding(release, c.version.as_deref(), packages.as_deref()) {
        Some(crate::download::Holding::Runs(_)) => Cell::from("runs").style(theme.dim()),
        Some(crate::download::Holding::Holds(_)) => Cell::from("has").style(theme.dim()),
        None if packages.is_some() => Cell::from("no"),
        None => Cell::from("?").style(theme.dim()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ontap::{DownloadState, DownloadStatus};
    use crate::state::ClusterIdentity;

    fn with(state: DownloadState, message: &str, code: i64) -> ClusterState {
        let mut c = ClusterState::new(ClusterIdentity::default());
        c.download = Some(DownloadStatus {
            state: Some(state),
            message: Some(message.into()),
            code: Some(code),
        });
        c
    }

    #[test]
    fn onaps_stock_words_and_codes_give_way_and_the_rest_is_shown() {
        let idle = with(
            DownloadState::NotStarted,
            "Package download has not started.",
            IDLE_CODE,
        );
        let done = with(DownloadState::Success, "Package download completed.", 0);
        for c in [&idle, &done] {
            assert!(is_boilerplate(c.download.as_ref().unwrap()));
            assert_eq!(shown_code(c), None);
        }
        let failed = with(DownloadState::Failure, "invalid url", 10551885);
        let running = with(
            DownloadState::Running,
            "Package download in progress",
            10551382,
        );
        let odd = with(DownloadState::Other("verifying".into()), "Verifying", 1);
        for c in [&failed, &running, &odd] {
            assert!(!is_boilerplate(c.download.as_ref().unwrap()));
            assert!(shown_code(c).is_some());
        }
    }
}
