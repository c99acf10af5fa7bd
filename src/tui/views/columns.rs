//! Which columns the table shows at a width, and how wide each is.
//!
//! Columns that have nothing to say are left out: CODE when no row shows a code (an idle
//! cluster's 10551384 is not shown), JOB when ontop follows no download, LABELS when no
//! cluster has labels. The rest share the width by priority: MESSAGE gets the room left
//! once the others have theirs; when the frame is too narrow, columns leave in
//! [`DROP_ORDER`]; the name and the download state never leave, the name shrinks last.

use super::table::shown_code;
use crate::state::table::labels_text;
use crate::state::{ClusterState, Column, Model};
use crate::text::width;

/// The message column is dropped rather than shown narrower than this.
const MIN_MESSAGE: usize = 20;
/// On a wide frame the message keeps at least this share of it (1/5): columns that
/// matter less leave first.
const MESSAGE_SHARE: usize = 5;
/// Labels cells never grow past this.
const MAX_LABELS: usize = 24;
/// Name cells never grow past this; longer names are truncated with "…".
const MAX_NAME: usize = 28;
/// Version cells never grow past this.
const MAX_VERSION: usize = 14;
/// Columns leave the table in this order when the frame is too narrow.
const DROP_ORDER: [Column; 9] = [
    // HEALTH shows the age of old values ("STALE 5m"): POLLED is the least missed.
    Column::LastPoll,
    // A failure's code moves into its message (see `table.rs`).
    Column::Code,
    Column::Labels,
    // The packages view (P) says the same, and the confirmation skips the holders.
    Column::Package,
    Column::Version,
    Column::Job,
    Column::InState,
    Column::Message,
    Column::Health,
];
/// Space between columns.
pub const GAP: usize = 1;

/// The badges after a cluster's name, in display order: (text, is a warning).
pub fn badges(c: &ClusterState) -> Vec<(&'static str, bool)> {
    let mut out = Vec::new();
    if c.identity.insecure {
        out.push(("!tls", true));
    }
    if c.plain_http() {
        out.push(("plain-http", true));
    }
    if c.certificate.as_ref().is_some_and(|f| f.expires_soon()) {
        out.push(("!cert", true));
    }
    if c.identity.read_only {
        out.push(("ro", false));
    }
    out
}

/// Cells a name with its badges takes: "prod-ams-1 !tls ro".
pub fn name_width(c: &ClusterState) -> usize {
    width(&c.identity.name) + badges(c).iter().map(|(b, _)| 1 + b.len()).sum::<usize>()
}

/// The columns to draw at `total` cells, left to right, with their widths; the `sorted`
/// column gets a cell more for the arrow after its title.
pub fn fit(
    model: &Model,
    total: usize,
    sorted: Option<Column>,
    release: Option<&str>,
) -> Vec<(Column, usize)> {
    let mut shown: Vec<(Column, usize)> = Column::ALL
        .iter()
        .filter(|&&c| c != Column::Package || release.is_some())
        .filter(|&&c| has_content(model, c))
        .map(|&c| {
            let arrow = usize::from(sorted == Some(c));
            (c, natural_width(model, c).max(width(c.title()) + arrow))
        })
        .collect();
    let mut drops = DROP_ORDER.iter();
    loop {
        let gaps = GAP * shown.len().saturating_sub(1);
        let fixed: usize = shown
            .iter()
            .filter(|(c, _)| *c != Column::Message)
            .map(|(_, w)| w)
            .sum::<usize>()
            + gaps;
        let has_message = shown.iter().any(|(c, _)| *c == Column::Message);
        if has_message && total >= fixed + MIN_MESSAGE.max(total / MESSAGE_SHARE) {
            set_width(&mut shown, Column::Message, total - fixed);
            return shown;
        }
        if !has_message && total >= fixed {
            return shown;
        }
        match drops.next() {
            Some(drop) => shown.retain(|(c, _)| c != drop),
            None => {
                // Only the name can give more: shrink it to what is left.
                let name = shown
                    .iter()
                    .find(|(c, _)| *c == Column::Name)
                    .map_or(0, |x| x.1);
                let others = fixed - name;
                set_width(
                    &mut shown,
                    Column::Name,
                    total.saturating_sub(others).max(4),
                );
                return shown;
            }
        }
    }
}

/// Whether a column would say anything for this fleet.
fn has_content(model: &Model, column: Column) -> bool {
    match column {
        Column::Code => model.clusters.iter().any(|c| shown_code(c).is_some()),
        Column::Job => model.clusters.iter().any(|c| c.followed.is_some()),
        Column::Labels => model.clusters.iter().any(|c| !c.identity.labels.is_empty()),
        _ => true,
    }
}

fn set_width(shown: &mut [(Column, usize)], column: Column, w: usize) {
    if let Some(entry) = shown.iter_mut().find(|(c, _)| *c == column) {
        entry.1 = w;
    }
}

/// The width a column wants, at least its title.
fn natural_width(model: &Model, column: Column) -> usize {
    let title = width(column.title());
    let content = match column {
        Column::Name => model
            .clusters
            .iter()
            .map(name_width)
            .max()
            .unwrap_or(0)
            .min(MAX_NAME),
        Column::Version => model
            .clusters
            .iter()
            .filter_map(|c| c.version.as_deref().map(width))
            .max()
            .unwrap_or(0)
            .min(MAX_VERSION),
        Column::Labels => model
            .clusters
            .iter()
            .map(|c| width(&labels_text(c)))
            .max()
            .unwrap_or(0)
            .min(MAX_LABELS),
        // "~· not_started": the longest state word ONTAP sends, marked old.
        Column::Download => 14,
        Column::Message => MIN_MESSAGE,
        // ONTAP codes run to eight digits (10551885).
        Column::Code => 8,
        // "has", "runs", "no", "?".
        Column::Package => 4,
        // "starting", "running", "success", "failure".
        Column::Job => 8,
        // "FAILING", "STALE 59m" (past 99 days an age is cut: "STALE 100…").
        Column::Health => 9,
        Column::InState | Column::LastPoll => 4,
    };
    title.max(content)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::ClusterIdentity;

    fn model(names: &[&str]) -> Model {
        Model::new(names.iter().map(|n| ClusterIdentity {
            name: n.to_string(),
            url: format!("https://{n}"),
            ..ClusterIdentity::default()
        }))
    }

    fn columns(fit: &[(Column, usize)]) -> Vec<Column> {
        fit.iter().map(|(c, _)| *c).collect()
    }

    #[test]
    fn a_wide_frame_shows_every_column_with_content_and_fills_the_width() {
        let fit = fit(&model(&["prod-ams-1"]), 120, None, None);
        let silent = [Column::Package, Column::Labels, Column::Code, Column::Job];
        let expected: Vec<Column> = Column::ALL
            .into_iter()
            .filter(|c| !silent.contains(c))
            .collect();
        assert_eq!(columns(&fit), expected, "no labels, codes or jobs to show");
        let used: usize = fit.iter().map(|(_, w)| w).sum::<usize>() + GAP * (fit.len() - 1);
        assert_eq!(used, 120);
    }

    #[test]
    fn at_80_columns_polled_gives_way_first_and_the_message_keeps_its_room() {
        let fit = fit(&model(&["prod-ams-1 long"]), 80, None, None);
        let shown = columns(&fit);
        assert!(!shown.contains(&Column::LastPoll));
        assert!(shown.contains(&Column::InState));
        assert!(shown.contains(&Column::Health));
        let message = fit.iter().find(|(c, _)| *c == Column::Message).unwrap().1;
        assert!(message >= MIN_MESSAGE, "{message}");
        let used: usize = fit.iter().map(|(_, w)| w).sum::<usize>() + GAP * (fit.len() - 1);
        assert!(used <= 80);
    }

    #[test]
    fn a_very_long_name_is_capped_and_never_overflows() {
        let long = "x".repeat(60);
        let fit = fit(&model(&[&long]), 80, None, None);
        let used: usize = fit.iter().map(|(_, w)| w).sum::<usize>() + GAP * (fit.len() - 1);
        assert!(used <= 80);
        assert_eq!(fit[0], (Column::Name, MAX_NAME));
    }
}
