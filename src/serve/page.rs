//! `/`: the read-only status page, for a colleague without SSH. Server-rendered HTML with
//! no script at all (the CSP forbids it) and one refresh every few seconds: a summary
//! that names the clusters needing a look, then the rows grouped by a label (`?group=`,
//! else `[serve] group`), in each group the problems first (a failed download, FAILING,
//! PAUSED, STALE), then what runs, and the healthy rest folded behind a `<details>`, so
//! a phone never scrolls past healthy clusters. `?sort=` and `?filter=` take the
//! dashboard's column names and filter words; the cells say what the screen says. Every
//! string from a config, a cluster or the query is escaped on its way out; nothing
//! secret is in the model to show.

mod cells;
mod header;
mod layout;
mod query;
mod style;

use std::fmt::Write;

use jiff::Timestamp;

use crate::state::{Model, Standing};
use cells::PageColumn;
use layout::{Group, Row, Tier};
pub(crate) use query::{NO_GROUP, View};

/// How often the page reloads itself (a `<meta http-equiv=refresh>`).
pub(crate) const REFRESH_SECONDS: u32 = 5;

/// Clusters the summary names before "and N more".
const NAMED: usize = 12;

/// What the page is about besides the model: its title, the release of the config's
/// package (the Package column), and what the reader asked for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Page<'a> {
    /// "jump-1: fleet.toml".
    pub title: &'a str,
    /// The release `[download] url` holds, when its file name says.
    pub release: Option<&'a str>,
    /// The query, read.
    pub view: &'a View,
}

/// The whole page for `model` at `now`.
pub(crate) fn render(model: &Model, page: &Page, now: Timestamp) -> String {
    let mut html = String::with_capacity(4096 + model.clusters.len() * 700);
    let view = page.view;
    let _ = write!(
        html,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"refresh\" content=\"{REFRESH_SECONDS}\">\
         <title>ontop: {title}</title><style>{style}</style></head><body>\
         <header><h1>ontop <small>{title}</small></h1>",
        title = escape(page.title),
        style = style::STYLE,
    );
    header::summary(&mut html, model, now);
    let groups = layout::groups(model, &view.filter, view.sort, view.group.as_deref(), now);
    header::notes(&mut html, model, view, &groups, now);
    header::form(&mut html, model, view);
    let _ = writeln!(
        html,
        "<p class=\"meta\">read-only view, as of {now} UTC, refreshed every {REFRESH_SECONDS} s · \
         <a href=\"/api/status\">JSON</a> · <a href=\"/metrics\">metrics</a></p></header><main>",
        now = now.strftime("%Y-%m-%d %H:%M:%S"),
    );
    let columns: Vec<PageColumn> = PageColumn::ALL
        .into_iter()
        .filter(|&c| cells::shown(c, &model.clusters, page.release))
        .collect();
    let table = Table {
        columns: &columns,
        page,
        now,
    };
    for group in &groups {
        table.group(&mut html, group);
    }
    html.push_str("</main></body></html>\n");
    html
}

/// The columns shown, and what every row needs to know.
struct Table<'a> {
    columns: &'a [PageColumn],
    page: &'a Page<'a>,
    now: Timestamp,
}

impl Table<'_> {
    /// One group: its heading (when grouped), its problems and running rows, and its
    /// healthy rest folded (open when a filter chose them or `?show=all`).
    fn group(&self, html: &mut String, group: &Group) {
        html.push_str("<section class=\"group\">");
        if let Some(key) = &self.page.view.group {
            let value = group.value.as_deref().map_or_else(
                || format!("no {}", escape(key)),
                |v| format!("{}={}", escape(key), escape(v)),
            );
            let problems = group
                .shown
                .iter()
                .filter(|r| matches!(r.tier, Tier::Problem(_)))
                .count();
            let running = group.shown.len() - problems;
            let total = group.shown.len() + group.folded.len();
            let mut counts = crate::text::count_clusters(total);
            match problems {
                0 => {}
                1 => counts.push_str(" · 1 needs a look"),
                n => counts.push_str(&format!(" · {n} need a look")),
            }
            if running > 0 {
                counts.push_str(&format!(" · {running} running"));
            }
            let _ = write!(html, "<h2>{value} <small>{counts}</small></h2>");
        }
        if !group.shown.is_empty() {
            self.rows(html, &group.shown, "rows");
        }
        if !group.folded.is_empty() {
            let view = self.page.view;
            // Open when asked for, or when a filter chose them; a link keeps them open
            // across the refreshes (a reload closes an opened `<details>`).
            let (open, keep) = if view.show_all || !view.filter.is_empty() {
                (" open", String::new())
            } else {
                let mut all = view.clone();
                all.show_all = true;
                let href = link(&all, &sort_text(view));
                (
                    "",
                    format!(" · <a href=\"{}\">keep open</a>", escape(&href)),
                )
            };
            let _ = write!(
                html,
                "<details{open}><summary>{}{keep}</summary>",
                escape(&folded_summary(&group.folded, self.now))
            );
            self.rows(html, &group.folded, "rows rest");
            html.push_str("</details>");
        }
        html.push_str("</section>\n");
    }

    fn rows(&self, html: &mut String, rows: &[Row], class: &str) {
        let _ = write!(html, "<table class=\"{class}\"><thead><tr>");
        for &column in self.columns {
            self.heading(html, column);
        }
        html.push_str("</tr></thead><tbody>\n");
        for row in rows {
            self.row(html, row);
        }
        html.push_str("</tbody></table>");
    }

    /// A heading; a column that sorts links to its sort (again: the other way round).
    fn heading(&self, html: &mut String, column: PageColumn) {
        let title = match (column, self.page.release) {
            (PageColumn::Package, Some(release)) => format!("Package {release}"),
            _ => column.title().to_owned(),
        };
        let Some(sorts) = column.sorts_by() else {
            let _ = write!(html, "<th>{}</th>", escape(&title));
            return;
        };
        let view = self.page.view;
        let current = view.sort.column == Some(sorts);
        let (arrow, next) = match (current, view.sort.reverse) {
            (true, false) => (" ▲", format!("-{}", column.class())),
            (true, true) => (" ▼", column.class()),
            (false, _) => ("", column.class()),
        };
        let _ = write!(
            html,
            "<th><a href=\"{}\">{}{arrow}</a></th>",
            escape(&link(view, &next)),
            escape(&title)
        );
    }

    /// One `<tr>`, each cell labelled for the stacked phone layout; a problem row has an
    /// anchor the summary links to.
    fn row(&self, html: &mut String, row: &Row) {
        let c = row.cluster;
        let class = match Standing::of(c, self.now) {
            Standing::Paused | Standing::Failing => "bad",
            Standing::Stale { .. } => "warn",
            Standing::Ok => "ok",
            Standing::Unknown => "unknown",
        };
        match row.tier {
            Tier::Problem(_) => {
                let _ = write!(
                    html,
                    "<tr class=\"{class} problem\" id=\"c-{}\">",
                    row.index
                );
            }
            _ => {
                let _ = write!(html, "<tr class=\"{class}\">");
            }
        }
        for cell in cells::cells(c, self.columns, self.page.release, self.now) {
            let label = match (cell.column, self.page.release) {
                (PageColumn::Package, Some(release)) => format!("Package {release}"),
                _ => cell.column.title().to_owned(),
            };
            let none = if cell.text == "-" { " none" } else { "" };
            let why = cell.why.map_or(String::new(), |w| {
                format!(" <small class=\"why\">{}</small>", escape(&w))
            });
            let _ = write!(
                html,
                "<td data-label=\"{}\" class=\"{}{}{none}\">{}{why}</td>",
                escape(&label),
                cell.column.class(),
                cell.tone,
                escape(&cell.text),
            );
        }
        html.push_str("</tr>\n");
    }
}

/// "12 more: 11 ok, 1 waiting for a first answer".
fn folded_summary(rows: &[Row], now: Timestamp) -> String {
    let waiting = rows
        .iter()
        .filter(|r| Standing::of(r.cluster, now) == Standing::Unknown)
        .count();
    let ok = rows.len() - waiting;
    let mut parts = Vec::new();
    if ok > 0 {
        parts.push(format!("{ok} ok"));
    }
    if waiting > 0 {
        parts.push(format!("{waiting} waiting for a first answer"));
    }
    format!(
        "{}, nothing to do: {}",
        crate::text::count_clusters(rows.len()),
        parts.join(", ")
    )
}

/// The page's own address with `sort` set and the group, filter and show kept.
fn link(view: &View, sort: &str) -> String {
    let mut query = form_urlencoded::Serializer::for_suffix(String::from("?"), 1);
    query.append_pair("group", view.group.as_deref().unwrap_or(NO_GROUP));
    if !sort.is_empty() {
        query.append_pair("sort", sort);
    }
    if !view.filter.is_empty() {
        query.append_pair("filter", &view.filter);
    }
    if view.show_all {
        query.append_pair("show", "all");
    }
    query.finish()
}

/// `?sort=` as it reads back: `health`, `-health`, or nothing.
fn sort_text(view: &View) -> String {
    let column = cells::PageColumn::ALL
        .into_iter()
        .find(|c| c.sorts_by().is_some() && c.sorts_by() == view.sort.column);
    match (column, view.sort.reverse) {
        (Some(c), false) => c.class(),
        (Some(c), true) => format!("-{}", c.class()),
        (None, _) => String::new(),
    }
}

/// Text made safe for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_server_strings_is_text() {
        assert_eq!(
            escape("<script>alert(\"x\")</script> & 'y'"),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }
}
