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

/// The table as text, one line per row (the heading line first when any column has a
/// heading), columns two spaces apart, no trailing spaces.
pub fn render(columns: &[Column], rows: &[Vec<String>]) -> String {
    let cut: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            columns
                .iter()
                .zip(row)
                .map(|(column, cell)| truncate(cell, column.cap))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = columns
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
        .collect();
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
}
