//! The panels of the screen, one file each, and the frame layout that places them.
//!
//! Views read the [`App`] and draw; the only state they touch is scrolling (how many
//! rows fit is known only while drawing). Time comes in as `now`, so a test can pin it.

pub mod columns;
pub mod details;
pub mod footer;
pub mod header;
pub mod help;
pub mod table;
pub mod too_small;

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

use super::app::{App, Mode};

/// Draws one whole frame of the dashboard at `now`.
pub fn draw(frame: &mut Frame, app: &mut App, now: Timestamp) {
    let area = frame.area();
    if too_small::is_too_small(area) {
        too_small::render(frame, area, app.theme());
        return;
    }
    app.sync(now);
    let [header_area, body, footer_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(2),
    ])
    .areas(area);
    header::render(frame, header_area, app, now);
    match app.mode() {
        Mode::Details(cluster) => details::render(frame, body, app, cluster, now),
        Mode::Table | Mode::Filter => table::render(frame, body, app, now),
    }
    footer::render(frame, footer_area, app, now);
    if app.help_open() {
        help::render(frame, body, app);
    }
}
