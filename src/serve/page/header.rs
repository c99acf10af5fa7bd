//! The page's header: the fleet's counts in the screen's words, the clusters that need
//! a look (named, linked to their rows), what the query asked that the page could not
//! do, and the form that sets filter, group and sort.

use std::fmt::Write;

use jiff::Timestamp;

use super::layout::{self, Group, Tier};
use super::query::{self, NO_GROUP, View};
use super::{NAMED, escape};
use crate::state::Model;
use crate::state::filter::Filter;

/// The fleet's counts in the header's words, then the clusters that need a look, named.
pub(super) fn summary(html: &mut String, model: &Model, now: Timestamp) {
    let counts = model.counts(now);
    let _ = write!(
        html,
        "<p id=\"summary\">{clusters} · {downloading} downloading · {succeeded} succeeded · \
         {failed} failed · {failing} failing <small>(not answering)</small> · {stale} stale",
        clusters = crate::text::count_clusters(counts.clusters),
        downloading = counts.downloading,
        succeeded = counts.succeeded,
        failed = counts.failed,
        failing = counts.failing,
        stale = counts.stale,
    );
    if counts.paused > 0 {
        let _ = write!(
            html,
            " · {} paused <small>(login refused)</small>",
            counts.paused
        );
    }
    html.push_str("</p>");
    let mut problems: Vec<(layout::Trouble, usize)> = model
        .clusters
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match layout::tier(c, now) {
            Tier::Problem(trouble) => Some((trouble, i)),
            _ => None,
        })
        .collect();
    problems.sort();
    if problems.is_empty() {
        html.push_str("<p id=\"attention\" class=\"fine\">Nothing needs a look.</p>");
        return;
    }
    html.push_str("<p id=\"attention\"><strong>Needs a look:</strong> ");
    for (n, (trouble, i)) in problems.iter().take(NAMED).enumerate() {
        let c = &model.clusters[*i];
        let _ = write!(
            html,
            "{sep}<a href=\"#c-{i}\">{name}</a> <span class=\"word\">{word}</span>",
            sep = if n == 0 { "" } else { ", " },
            name = escape(&c.identity.name),
            word = escape(&trouble.word(c, now)),
        );
    }
    if problems.len() > NAMED {
        let _ = write!(html, ", and {} more", problems.len() - NAMED);
    }
    html.push_str("</p>");
}

/// What the query asked that the page could not do, what the filter shows, and why a
/// filter term finds nothing.
pub(super) fn notes(
    html: &mut String,
    model: &Model,
    view: &View,
    groups: &[Group],
    now: Timestamp,
) {
    let mut notes = view.notes.clone();
    if !view.filter.is_empty() {
        let shown: usize = groups.iter().map(|g| g.shown.len() + g.folded.len()).sum();
        if shown == 0 {
            notes.push(format!("no cluster matches the filter {:?}", view.filter));
        } else {
            notes.push(format!(
                "showing {shown} of {} (filter {:?})",
                crate::text::count_clusters(model.clusters.len()),
                view.filter
            ));
        }
        notes.extend(Filter::parse(&view.filter).advice(&model.clusters, now));
    }
    if notes.is_empty() {
        return;
    }
    html.push_str("<ul id=\"notes\">");
    for note in notes {
        let _ = write!(html, "<li>{}</li>", escape(&note));
    }
    html.push_str("</ul>");
}

/// The form that sets filter, group and sort (a plain GET: no script needed).
pub(super) fn form(html: &mut String, model: &Model, view: &View) {
    let _ = write!(
        html,
        "<form method=\"get\" action=\"/\" id=\"view\">\
         <label>filter <input name=\"filter\" value=\"{filter}\" placeholder=\"failed site=ams version:9.16\"></label> \
         <label>group <select name=\"group\"><option value=\"{NO_GROUP}\">none</option>",
        filter = escape(&view.filter),
    );
    for key in query::label_keys(model) {
        option(html, key, key, view.group.as_deref() == Some(key));
    }
    html.push_str("</select></label> <label>sort <select name=\"sort\">");
    option(html, "", "problems first", view.sort.column.is_none());
    for (name, column) in query::sortable() {
        let on = view.sort.column == Some(column);
        option(html, &name, &name, on && !view.sort.reverse);
        option(
            html,
            &format!("-{name}"),
            &format!("{name} ▼"),
            on && view.sort.reverse,
        );
    }
    let _ = write!(
        html,
        "</select></label> <label><input type=\"checkbox\" name=\"show\" value=\"all\"{}> \
         healthy rows</label> <button type=\"submit\">show</button></form>",
        if view.show_all { " checked" } else { "" }
    );
}

fn option(html: &mut String, value: &str, text: &str, selected: bool) {
    let _ = write!(
        html,
        "<option value=\"{}\"{}>{}</option>",
        escape(value),
        if selected { " selected" } else { "" },
        escape(text)
    );
}
