//! Which columns the table shows at a width, and how wide each is.
//!
//! The screen keeps its shape: which columns show depends on the width and on the
//! config alone (PKG when the form has a package, LABELS when clusters have labels),
//! never on what the cells hold. Columns earn their place in the fixed [`PRIORITY`]
//! order; a narrower frame drops them from its end. JOB and CODE keep their place while
//! they have nothing to say, so a download that starts or a failure that appears never
//! pushes VERSION or IN STATE off the screen. MESSAGE takes the room the others leave;
//! the sort arrow borrows its cell from MESSAGE, never from another column.

use crate::state::{ClusterState, Column, Model};
use crate::text::width;
use crate::tui::views::readiness;
use crate::tui::widths::CellWidths;

/// The message column is left out rather than shown narrower than this.
const MIN_MESSAGE: usize = 16;
/// On a wide frame the message keeps at least this share of it (1/5): columns that
/// matter less leave first.
const MESSAGE_SHARE: usize = 5;
/// Labels cells never grow past this.
const MAX_LABELS: usize = 24;
/// Name cells never grow past this; longer names are truncated with "…".
const MAX_NAME: usize = 28;
/// Version cells never grow past this.
const MAX_VERSION: usize = 14;
/// Columns in the order they earn their place, the most needed first. The name and the
/// download state always show (the name shrinks when even they do not fit); HEALTH says
/// whether to trust the row; PKG answers the form's question; JOB is where an operation
/// stands (an upload's `up 42%` at every size); READY (after PKG, which stays at every
/// size while the form has a package, and JOB) is the last validation's verdict;
/// UPDATE (only while an update runs or needs a look somewhere) where it stands, in the
/// room left down to its minimum; MESSAGE says why (the code goes into it while CODE
/// does not fit). While an update somewhere is paused on an error or failed, a frame
/// too narrow for UPDATE in its place gives it JOB's (see [`urgent`]): a stuck update is
/// what a narrow screen must not hide.
pub(crate) const PRIORITY: [Column; 13] = [
    Column::Name,
    Column::Download,
    Column::Health,
    Column::Package,
    Column::Job,
    Column::Ready,
    Column::Update,
    Column::Message,
    Column::Version,
    Column::InState,
    Column::Labels,
    Column::Code,
    // HEALTH shows the age of old values ("STALE 5m"): POLLED is the least missed.
    Column::LastPoll,
];
/// Space between columns.
pub(crate) const GAP: usize = 1;

/// The badges after a cluster's name, in display order: (text, is a warning).
pub(crate) fn badges(c: &ClusterState) -> Vec<(&'static str, bool)> {
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
pub(crate) fn name_width(c: &ClusterState) -> usize {
    width(&c.identity.name) + badges(c).iter().map(|(b, _)| 1 + b.len()).sum::<usize>()
}

/// The columns to draw at `total` cells, left to right, with their widths. The
/// `sorted` column gets a cell more for the arrow after its title, from MESSAGE's room.
/// `widths` are the fleet's cells as measured when they last changed.
pub(crate) fn fit(
    model: &Model,
    widths: &CellWidths,
    total: usize,
    sorted: Option<Column>,
    release: Option<&str>,
) -> Vec<(Column, usize)> {
    let order = candidates(model, widths, release);
    let mut shown = fit_in_order(model, widths, total, &order);
    let left_out = !shown.iter().any(|(c, _)| *c == Column::Update);
    if left_out && crate::state::readiness::any_update_needing_a_look(&model.clusters) {
        shown = fit_in_order(model, widths, total, &urgent(order));
    }
    if let Some(sorted) = sorted {
        make_room_for_the_arrow(&mut shown, sorted);
    }
    shown.sort_by_key(|(c, _)| Column::ALL.iter().position(|x| x == c));
    shown
}

/// The columns of `order` that fit in `total` cells, with their widths: each in turn
/// until one does not fit.
fn fit_in_order(
    model: &Model,
    widths: &CellWidths,
    total: usize,
    order: &[Column],
) -> Vec<(Column, usize)> {
    let message_room = MIN_MESSAGE.max(total / MESSAGE_SHARE);
    let mut shown: Vec<(Column, usize)> = Vec::new();
    // Cells taken so far, gaps included.
    let mut used = 0;
    for &column in order {
        let gap = if shown.is_empty() { 0 } else { GAP };
        let wanted = match column {
            Column::Message => message_room,
            Column::Update => update_room(model, total.saturating_sub(used + gap), message_room),
            other => natural_width(model, widths, other),
        };
        let always = matches!(column, Column::Name | Column::Download);
        if !always && used + gap + wanted > total {
            break;
        }
        used += gap + wanted;
        shown.push((column, wanted));
    }
    if used > total {
        // Only the name can give more: shrink it to what is left.
        let name = width_of(&shown, Column::Name);
        let others = used - name;
        set_width(
            &mut shown,
            Column::Name,
            total.saturating_sub(others).max(4),
        );
    } else if shown.iter().any(|(c, _)| *c == Column::Message) {
        set_width(&mut shown, Column::Message, message_room + total - used);
    }
    shown
}

/// The columns that may show, in the order they earn their place: [`PRIORITY`] without
/// the columns that have nothing to show.
fn candidates(model: &Model, widths: &CellWidths, release: Option<&str>) -> Vec<Column> {
    let labels = widths.labels() > 0;
    let updates = crate::state::readiness::any_update(&model.clusters);
    PRIORITY
        .into_iter()
        .filter(|c| match c {
            Column::Package => release.is_some(),
            Column::Labels => labels,
            Column::Update => updates,
            _ => true,
        })
        .collect()
}

/// `order` with UPDATE moved up before JOB: for a frame too narrow for it in its own
/// place while an update somewhere is stuck.
fn urgent(mut order: Vec<Column>) -> Vec<Column> {
    order.retain(|c| *c != Column::Update);
    let before = (order.iter().position(|c| *c == Column::Job)).unwrap_or(order.len());
    order.insert(before, Column::Update);
    order
}

/// UPDATE's width in `left` cells: what is left beside MESSAGE's least room; when that
/// is below UPDATE's minimum, MESSAGE does not fit anyway and UPDATE takes all it can.
fn update_room(model: &Model, left: usize, message_room: usize) -> usize {
    let beside = left.saturating_sub(message_room + GAP);
    let room = if beside >= readiness::MIN_UPDATE {
        beside
    } else {
        left.max(readiness::MIN_UPDATE)
    };
    readiness::update_width(&model.clusters, room)
}

/// The sorted column's title wants a cell more for its arrow: MESSAGE gives it when it
/// can (else the title is cut short to make room, see `table.rs`).
fn make_room_for_the_arrow(shown: &mut [(Column, usize)], sorted: Column) {
    let Some(&(_, w)) = shown.iter().find(|(c, _)| *c == sorted) else {
        return;
    };
    let message = width_of(shown, Column::Message);
    if w > width(sorted.title()) || sorted == Column::Message || message <= MIN_MESSAGE {
        return;
    }
    set_width(shown, Column::Message, message - 1);
    set_width(shown, sorted, w + 1);
}

fn width_of(shown: &[(Column, usize)], column: Column) -> usize {
    shown.iter().find(|(c, _)| *c == column).map_or(0, |x| x.1)
}

fn set_width(shown: &mut [(Column, usize)], column: Column, w: usize) {
    if let Some(entry) = shown.iter_mut().find(|(c, _)| *c == column) {
        entry.1 = w;
    }
}

/// The width a column wants, at least its title.
fn natural_width(model: &Model, widths: &CellWidths, column: Column) -> usize {
    let title = width(column.title());
    let content = match column {
        Column::Name => widths.name().min(MAX_NAME),
        Column::Version => widths.version().min(MAX_VERSION),
        Column::Labels => widths.labels().min(MAX_LABELS),
        // "~· not_started": the longest state word ONTAP sends, marked old.
        Column::Download => 14,
        Column::Message => MIN_MESSAGE,
        // ONTAP codes run to eight digits (10551885).
        Column::Code => 8,
        // "has", "runs", "no", "?".
        Column::Package => 4,
        // "starting", "running", "success", "no answer".
        Column::Job => 9,
        // "FAILING", "STALE 59m" (past 99 days an age is cut: "STALE 100…").
        Column::Health => 9,
        Column::InState | Column::LastPoll => 4,
        Column::Ready => readiness::READY_WIDTH,
        Column::Update => readiness::update_width(&model.clusters, readiness::MAX_UPDATE),
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

    /// `super::fit` with the widths measured afresh.
    fn fit(
        model: &Model,
        total: usize,
        sorted: Option<Column>,
        release: Option<&str>,
    ) -> Vec<(Column, usize)> {
        super::fit(model, &CellWidths::new(model), total, sorted, release)
    }

    fn columns(fit: &[(Column, usize)]) -> Vec<Column> {
        fit.iter().map(|(c, _)| *c).collect()
    }

    fn used(fit: &[(Column, usize)]) -> usize {
        fit.iter().map(|(_, w)| w).sum::<usize>() + GAP * (fit.len() - 1)
    }

    #[test]
    fn a_wide_frame_shows_every_column_and_fills_the_width() {
        let fit = fit(&model(&["prod-ams-1"]), 120, None, None);
        let expected: Vec<Column> = Column::ALL
            .into_iter()
            .filter(|c| ![Column::Package, Column::Labels, Column::Update].contains(c))
            .collect();
        assert_eq!(
            columns(&fit),
            expected,
            "no labels, no package in the form, no update"
        );
        assert_eq!(used(&fit), 120);
    }

    #[test]
    fn columns_leave_by_priority_and_the_message_keeps_its_room() {
        let fit80 = fit(&model(&["prod-ams-1 long"]), 80, None, None);
        let shown = columns(&fit80);
        assert_eq!(
            shown,
            [
                Column::Name,
                Column::Ready,
                Column::Download,
                Column::Message,
                Column::Job,
                Column::Health
            ]
        );
        let message = fit80.iter().find(|(c, _)| *c == Column::Message).unwrap().1;
        assert!(message >= MIN_MESSAGE, "{message}");
        assert_eq!(used(&fit80), 80);
        for total in 40..=200 {
            let fit = fit(&model(&["prod-ams-1 long"]), total, None, Some("9.16.1"));
            let shown = columns(&fit);
            // No labels and no update in this fleet: LABELS and UPDATE are no candidates.
            let candidates: Vec<Column> = PRIORITY
                .into_iter()
                .filter(|c| ![Column::Labels, Column::Update].contains(c))
                .collect();
            let ranks: Vec<usize> = shown
                .iter()
                .map(|c| candidates.iter().position(|p| p == c).unwrap())
                .collect();
            let last = ranks.iter().max().copied().unwrap_or(0);
            assert!(
                (0..=last).all(|r| ranks.contains(&r)),
                "at {total}: a column left before one of lower priority: {shown:?}"
            );
            assert!(used(&fit) <= total, "at {total}: {fit:?}");
        }
    }

    #[test]
    fn the_shape_depends_on_the_width_not_on_what_the_cells_hold_or_the_sort() {
        use crate::download::{Followed, Operation, Origin, Phase, Since};
        let idle = model(&["sim-1", "sim-22"]);
        let mut busy = idle.clone();
        let at = jiff::Timestamp::UNIX_EPOCH;
        busy.clusters[0].followed = Some(Box::new(Followed {
            operation: Operation::download("https://r/x.tgz".into(), None),
            origin: Origin::Started,
            since_request: at,
            job: None,
            phase: Phase::Starting,
            since: Since::Exactly(at),
            errors: 0,
            last_error: None,
            job_deleted: false,
            answered: false,
            unanswered: None,
        }));
        busy.clusters[1].download = Some(crate::ontap::DownloadStatus {
            state: Some(crate::ontap::DownloadState::Failure),
            message: Some("Package download failed".into()),
            code: Some(10551885),
        });
        for total in [60, 79, 80, 100, 120, 160] {
            for release in [None, Some("9.16.1P3")] {
                let plain = columns(&fit(&idle, total, None, release));
                assert_eq!(
                    plain,
                    columns(&fit(&busy, total, None, release)),
                    "at {total}"
                );
                for sorted in Column::SORTABLE {
                    let sorted_fit = fit(&idle, total, Some(sorted), release);
                    assert_eq!(
                        plain,
                        columns(&sorted_fit),
                        "at {total}, sorted by {sorted:?}"
                    );
                    assert!(used(&sorted_fit) <= total);
                }
            }
        }
    }

    #[test]
    fn pkg_stays_whenever_a_package_is_in_the_form() {
        let fleet = model(&["prod-ams-1", "lab-nyc-2 plain"]);
        for total in [59, 60, 79, 80, 120] {
            let fit = fit(&fleet, total, None, Some("9.16.1P3"));
            assert!(
                columns(&fit).contains(&Column::Package),
                "at {total}: {fit:?}"
            );
        }
    }

    /// Two clusters, the first updating in `state` (ONTAP's word).
    fn updating(state: &str) -> Model {
        let mut window = model(&["prod-ams-1", "prod-nyc-1"]);
        let software = crate::ontap::software::Software::from_value(&serde_json::json!({
            "state": state, "pending_version": "9.16.1P3",
            "update_details": [{"phase": "ONTAP updates", "state": state,
                "node": {"name": "prod-ams-1-03"}, "elapsed_duration": 300,
                "estimated_duration": 2400}],
        }));
        window.clusters[0].readiness.software = Some((jiff::Timestamp::UNIX_EPOCH, software));
        window
    }

    #[test]
    fn update_shows_only_while_an_update_runs_and_fits_what_is_left() {
        let idle = model(&["prod-ams-1", "prod-nyc-1"]);
        let window = updating("paused_on_error");
        for total in [60, 80, 120] {
            let plain = columns(&fit(&idle, total, None, None));
            assert!(!plain.contains(&Column::Update), "at {total}: {plain:?}");
            let during = fit(&window, total, None, None);
            assert!(used(&during) <= total, "at {total}: {during:?}");
            let shown = columns(&during);
            // Paused on an error: it shows at every size, before JOB and READY.
            assert!(shown.contains(&Column::Update), "at {total}: {shown:?}");
            if total >= 80 {
                assert!(shown.contains(&Column::Ready), "at {total}: {shown:?}");
            }
            for release in [None, Some("9.16.1P3")] {
                let shown = columns(&fit(&window, total, None, release));
                assert!(shown.contains(&Column::Update), "at {total}: {shown:?}");
            }
        }
    }

    #[test]
    fn a_running_update_keeps_its_place_after_job_and_ready() {
        let window = updating("in_progress");
        let shown = columns(&fit(&window, 60, None, Some("9.16.1P3")));
        assert!(shown.contains(&Column::Job), "{shown:?}");
        assert!(!shown.contains(&Column::Update), "{shown:?}");
        assert!(columns(&fit(&window, 80, None, None)).contains(&Column::Update));
    }

    #[test]
    fn a_very_long_name_is_capped_and_never_overflows() {
        let long = "x".repeat(60);
        let wide = fit(&model(&[&long]), 80, None, None);
        assert!(used(&wide) <= 80);
        assert_eq!(wide[0], (Column::Name, MAX_NAME));
        let narrow = fit(&model(&[&long]), 30, None, None);
        assert!(used(&narrow) <= 30, "{narrow:?}");
    }

    #[test]
    fn the_widest_cells_follow_a_cluster_that_grows_and_shrinks() {
        let mut m = model(&["a", "bbb"]);
        let mut widths = CellWidths::new(&m);
        assert_eq!((widths.name(), widths.version()), (3, 0));
        m.clusters[0].version = Some("9.16.1P3".into());
        widths.update(0, &m.clusters[0]);
        assert_eq!(widths.version(), 8);
        m.clusters[0].version = Some("9.7".into());
        widths.update(0, &m.clusters[0]);
        assert_eq!(widths.version(), 3, "the widest shrank: scanned again");
        m.clusters[1].identity.read_only = true;
        widths.update(1, &m.clusters[1]);
        assert_eq!(widths.name(), "bbb ro".len());
        assert_eq!(widths.labels(), 0);
        assert_eq!(widths.name(), CellWidths::new(&m).name());
    }
}
