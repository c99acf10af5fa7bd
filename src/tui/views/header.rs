//! The header: what this screen watches, and the fleet at a glance.
//!
//! Line one names the program and the config (or the demo) and carries the READ-ONLY
//! marker; line two counts clusters by download state and by health (and, when there
//! are any, the clusters paused after a refused login).

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::state::FleetCounts;
use crate::text::{truncate, width};
use crate::tui::app::App;
use crate::tui::theme::Theme;

/// Draws the two header lines into `area`.
pub(crate) fn render(frame: &mut Frame, area: Rect, app: &App, now: Timestamp) {
    let theme = app.theme();
    let total = area.width as usize;

    let marker = if app.read_only() { " READ-ONLY " } else { "" };
    let title = " ontop ";
    let room = total.saturating_sub(width(title) + width(marker) + 2);
    let label = truncate(app.config_label(), room);
    let fill = total.saturating_sub(width(title) + 1 + width(&label) + width(marker));
    let first = Line::from(vec![
        Span::styled(title, theme.heading()),
        Span::raw(" "),
        Span::raw(label),
        Span::raw(" ".repeat(fill)),
        Span::styled(marker, theme.read_only_marker()),
    ]);

    let counts = app.model().counts(now);
    // With long numbers the words give way to the symbols alone, so counts never clip.
    let second = [true, false]
        .into_iter()
        .map(|words| counts_line(counts, words, theme))
        .find(|line| line.width() <= total)
        .unwrap_or_else(|| counts_line(counts, false, theme));

    frame.render_widget(Paragraph::new(vec![first, second]), area);
}

fn counts_line(counts: FleetCounts, words: bool, theme: Theme) -> Line<'static> {
    // The download counts have symbols to fall back on; failing and stale keep their words.
    let count = |lead: &str, symbol: &str, n: usize, word: &str, color: Color| {
        let word = if words || symbol.is_empty() {
            format!(" {word}")
        } else {
            String::new()
        };
        [
            Span::raw(format!("{lead}{symbol}")),
            Span::styled(n.to_string(), theme.count(n, color)),
            Span::raw(word),
        ]
    };
    let noun = if counts.clusters == 1 {
        "cluster"
    } else {
        "clusters"
    };
    let mut spans = vec![
        Span::styled(format!(" {}", counts.clusters), theme.heading()),
        Span::raw(format!(" {noun}")),
    ];
    spans.extend(count(
        " │ ",
        "↓ ",
        counts.downloading,
        "downloading",
        Color::Cyan,
    ));
    spans.extend(count(
        "  ",
        "✓ ",
        counts.succeeded,
        "succeeded",
        Color::Green,
    ));
    spans.extend(count("  ", "✗ ", counts.failed, "failed", Color::Red));
    spans.extend(count("  │ ", "", counts.failing, "failing", Color::Red));
    spans.extend(count("  ", "", counts.stale, "stale", Color::Yellow));
    if counts.paused > 0 {
        // Only when it happens: a paused login needs the operator (p), nothing else does.
        spans.extend(count("  ", "", counts.paused, "paused", Color::Red));
    }
    Line::from(spans)
}
