//! What the reader asked the page for: `?group=site` (or `none`), `?sort=health` (a
//! column by name, `-` first for the other way round), `?filter=` in the dashboard's
//! filter words and `?show=all` (the healthy rows unfolded). A query is read leniently: anything it cannot use becomes a sentence on
//! the page, never an error page.

use super::cells::PageColumn;
use super::layout::label;
use crate::state::{Column, Model, SortOrder};
use crate::text::suggest::did_you_mean;

/// The longest value the page reads from the query (longer ones are cut, and said so).
pub(crate) const MAX_VALUE: usize = 256;

/// `?group=none`: no grouping, whatever `[serve] group` says.
pub(crate) const NO_GROUP: &str = "none";

/// What the page shows, from the query and the config's defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct View {
    /// The label the rows are grouped by, as the clusters spell it.
    pub group: Option<String>,
    /// The order within each tier.
    pub sort: SortOrder,
    /// The filter as typed (the dashboard's words).
    pub filter: String,
    /// `?show=all`: the healthy rows unfolded, and kept so across the page's refreshes
    /// (an opened `<details>` closes at each reload).
    pub show_all: bool,
    /// What the query asked that the page could not do, in sentences.
    pub notes: Vec<String>,
}

impl View {
    /// Reads the raw query string (`None` without one); `default_group` is the config's
    /// `[serve] group`.
    pub(crate) fn read(query: Option<&str>, default_group: Option<&str>, model: &Model) -> Self {
        let mut view = View::default();
        let mut group: Option<String> = None;
        for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let value = view.bounded(&key, &value);
            match key.as_ref() {
                "group" => group = Some(value),
                "sort" => view.sort = view.sort_order(&value),
                "filter" => view.filter = value,
                "show" => view.show_all = value == "all",
                other => view.notes.push(format!(
                    "the page takes group, sort, filter and show, not {:?}",
                    crate::text::clean(&bounded_text(other))
                )),
            }
        }
        view.group = match group.as_deref() {
            None => default_group.and_then(|g| view.group_label(g, model, "[serve] group")),
            Some("") | Some(NO_GROUP) => None,
            Some(g) => view.group_label(g, model, "group"),
        };
        view
    }

    /// The value, cut to [`MAX_VALUE`] characters (with a note when it was longer).
    fn bounded(&mut self, key: &str, value: &str) -> String {
        if value.chars().count() > MAX_VALUE {
            self.notes.push(format!(
                "{} is longer than {MAX_VALUE} characters: only its start is used",
                crate::text::clean(&bounded_text(key))
            ));
        }
        crate::text::clean(&bounded_text(value)).trim().to_owned()
    }

    /// `health`, `-health`, `in-state`, `name`: a column by its heading; else a note.
    fn sort_order(&mut self, text: &str) -> SortOrder {
        let (reverse, name) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        if name.is_empty() {
            return SortOrder::default();
        }
        let wanted = name.to_lowercase().replace([' ', '_'], "-");
        let wanted = if wanted == "name" { "cluster" } else { &wanted };
        match sortable().into_iter().find(|(n, _)| n == wanted) {
            Some((_, column)) => SortOrder {
                column: Some(column),
                reverse,
            },
            None => {
                let names: Vec<String> = sortable().into_iter().map(|(n, _)| n).collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let near = did_you_mean(name, &names);
                let near = if near.is_empty() {
                    format!(" (one of {})", names.join(", "))
                } else {
                    near
                };
                self.notes.push(format!(
                    "sort {name:?}: not a column{near}; shown problems first"
                ));
                SortOrder::default()
            }
        }
    }

    /// The label as the clusters spell it, when one has it; else a note.
    fn group_label(&mut self, wanted: &str, model: &Model, from: &str) -> Option<String> {
        let keys = label_keys(model);
        let found = model
            .clusters
            .iter()
            .find(|c| label(c, wanted).is_some())
            .and_then(|c| {
                c.identity
                    .labels
                    .keys()
                    .find(|k| k.to_lowercase() == wanted.to_lowercase())
            });
        if found.is_none() {
            self.notes.push(format!(
                "{from} {wanted:?}: no cluster has a label {wanted:?}{}; shown as one group",
                did_you_mean(wanted, &keys)
            ));
        }
        found.cloned()
    }
}

/// Every label key some cluster has, sorted, once each: what the page can group by.
pub(super) fn label_keys(model: &Model) -> Vec<&str> {
    let mut keys: Vec<&str> = model
        .clusters
        .iter()
        .flat_map(|c| c.identity.labels.keys().map(String::as_str))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The columns `?sort=` takes, by name: the page's headings, lower case, `-` for spaces.
pub(super) fn sortable() -> Vec<(String, Column)> {
    PageColumn::ALL
        .iter()
        .filter_map(|c| c.sorts_by().map(|column| (c.class(), column)))
        .collect()
}

/// At most [`MAX_VALUE`] characters of `text`.
fn bounded_text(text: &str) -> String {
    text.chars().take(MAX_VALUE).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::ClusterIdentity;

    fn fleet() -> Model {
        Model::new([ClusterIdentity {
            name: "a".into(),
            labels: [("Site".to_owned(), "ams".to_owned())].into(),
            ..ClusterIdentity::default()
        }])
    }

    #[test]
    fn a_query_is_read_leniently_and_what_it_cannot_do_is_said() {
        let model = fleet();
        let view = View::read(
            Some("group=site&sort=-in_state&filter=failed+site%3Dams"),
            None,
            &model,
        );
        assert_eq!(view.group.as_deref(), Some("Site"));
        assert_eq!(view.sort.column, Some(Column::InState));
        assert!(view.sort.reverse);
        assert_eq!(view.filter, "failed site=ams");
        assert!(view.notes.is_empty(), "{:?}", view.notes);

        let view = View::read(Some("sort=helth&group=sit&x=1"), Some("site"), &model);
        assert_eq!(view.sort, SortOrder::default());
        assert_eq!(view.group, None);
        let notes = view.notes.join("\n");
        assert!(notes.contains("did you mean health?"), "{notes}");
        assert!(notes.contains("did you mean Site?"), "{notes}");
        assert!(notes.contains("not \"x\""), "{notes}");

        assert_eq!(
            View::read(None, Some("site"), &model).group.as_deref(),
            Some("Site")
        );
        assert_eq!(
            View::read(Some("group=none"), Some("site"), &model).group,
            None
        );
        let long = format!("filter={}", "a".repeat(10_000));
        let view = View::read(Some(&long), None, &model);
        assert_eq!(view.filter.len(), MAX_VALUE);
        assert_eq!(view.notes.len(), 1);
        // Bytes that are not UTF-8 are read, not refused.
        assert_eq!(
            View::read(Some("filter=%FF%FE"), None, &model).filter,
            "\u{fffd}\u{fffd}"
        );
    }
}
