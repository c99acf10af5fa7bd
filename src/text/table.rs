//! Plain aligned tables for the commands' output (`ontop status`, `ontop download`):
//! every cell cut by display width to its column's cap, every column padded by width, so
//! a 70 000-character name or a CJK message can neither break the alignment nor ask the
//! formatter for an impossible width.

use super::width::{pad, truncate, width};

/// One column: its heading (may be empty) and the most cells a value may take.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub heading: &'static str,
    pub cap: usize,
}

/// The fewest cells [`render_within`] cuts a column to: below that a value says
/// nothing, and a line that wraps is better than one that hides.
const NARROWEST: usize = 12;

/// The table as text, one line per row (the heading line first when any column has a
/// heading), columns two spaces apart, no trailing spaces.
pub fn render(columns: &[Column], rows: &[Vec<String>]) -> String {
    let cut = cut_to_caps(columns, rows);
    let widths = widths(columns, &cut);
    let mut out = String::new();
    if columns.iter().any(|c| !c.heading.is_empty()) {
        let headings: Vec<String> = columns.iter().map(|c| c.heading.to_string()).collect();
        line(&mut out, &headings, &widths);
    }
    for row in &cut {
        line(&mut out, row, &widths);
    }
    out
}

/// The table as a command prints it: on a terminal (`width` its columns) each line
/// fits ([`render_within`]); piped (`None`), the last column is whole, since it pads no
/// other and a log must not lose the end of a reason.
pub(crate) fn render_for(columns: &[Column], rows: &[Vec<String>], width: Option<usize>) -> String {
    match width {
        Some(width) => render_within(columns, rows, width),
        None => {
            let mut whole = columns.to_vec();
            if let Some(last) = whole.last_mut() {
                last.cap = usize::MAX;
            }
            render(&whole, rows)
        }
    }
}

/// [`render`] with lines of at most `total` cells (a terminal's width): while a line is
/// longer, the widest column is cut further, down to the next widest at a time (so the
/// cuts are shared), none below [`NARROWEST`] cells nor its heading. The cuts are
/// worked out on the column widths alone (a column cut to a cap is at most that wide),
/// so the cells are cut twice in all, whatever the fleet's size.
pub fn render_within(columns: &[Column], rows: &[Vec<String>], total: usize) -> String {
    let mut widths = widths(columns, &cut_to_caps(columns, rows));
    let spaces = 2 * widths.len().saturating_sub(1);
    let floor = |i: usize| NARROWEST.max(width(columns[i].heading));
    loop {
        let needed = widths.iter().sum::<usize>() + spaces;
        let Some(excess) = needed.checked_sub(total).filter(|&e| e > 0) else {
            break;
        };
        let widest = (widths.iter().enumerate())
            .filter(|&(i, &w)| w > floor(i))
            .max_by_key(|&(_, &w)| w);
        let Some((i, &w)) = widest else {
            break;
        };
        let next = (widths.iter().enumerate())
            .filter(|&(j, _)| j != i)
            .map(|(_, &w)| w)
            .max()
            .unwrap_or(0);
        let cut = w.saturating_sub(excess).max(next).max(floor(i));
        widths[i] = if cut < w { cut } else { w - 1 };
    }
    let columns: Vec<Column> = (columns.iter().zip(&widths))
        .map(|(c, &w)| Column {
            cap: c.cap.min(w),
            ..*c
        })
        .collect();
    render(&columns, rows)
}

/// Every cell cut to its column's cap.
fn cut_to_caps(columns: &[Column], rows: &[Vec<String>]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|row| {
            columns
                .iter()
                .zip(row)
                .map(|(column, cell)| truncate(cell, column.cap))
                .collect()
        })
        .collect()
}

/// Each column's width: its widest cell or its heading.
fn widths(columns: &[Column], cut: &[Vec<String>]) -> Vec<usize> {
    columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            cut.iter()
                .filter_map(|row| row.get(i))
                .map(|cell| width(cell))
                .chain([width(column.heading)])
                .max()
                .unwrap_or(0)
        })
        .collect()
}

fn line(out: &mut String, cells: &[String], widths: &[usize]) {
    let padded: Vec<String> = cells
        .iter()
        .zip(widths)
        .map(|(cell, &w)| pad(cell, w))
        .collect();
    out.push_str(padded.join("  ").trim_end());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_cut_to_their_cap_and_aligned_by_width() {
        let columns = [
            Column {
                heading: "NAME",
                cap: 8,
            },
            Column {
                heading: "STATE",
                cap: 20,
            },
        ];
        let rows = vec![
            vec!["x".repeat(70_000), "running".into()],
            vec!["日本".into(), "ok".into()],
        ];
        let text = render(&columns, &rows);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "NAME      STATE");
        assert_eq!(lines[1], "xxxxxxx…  running");
        assert_eq!(lines[2], "日本      ok");
    }

    #[test]
    fn a_table_within_a_width_cuts_its_widest_columns_first() {
        let columns = [
            Column {
                heading: "NAME",
                cap: 20,
            },
            Column {
                heading: "MESSAGE",
                cap: 60,
            },
            Column {
                heading: "ERROR",
                cap: 60,
            },
        ];
        let rows = vec![vec![
            "sim-1".into(),
            "m".repeat(50),
            "timeout: no connection within the 10s connect timeout".into(),
        ]];
        for total in [80, 60, 40] {
            let text = render_within(&columns, &rows, total);
            for line in text.lines() {
                assert!(width(line) <= total, "{total}: {line:?}");
            }
            assert!(text.contains("sim-1"), "{text}");
        }
        // Too narrow for even the narrowest cut: lines wrap, but every column stays.
        let text = render_within(&columns, &rows, 10);
        assert_eq!(
            text.lines().nth(1).unwrap().matches('…').count(),
            2,
            "{text}"
        );
    }
}
