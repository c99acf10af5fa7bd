//! The question before an upload on its way is stopped (`Esc` in its cluster's
//! details): how far it got, and what stopping does (the connection is cut: the cluster
//! keeps none of the image and files nothing; sending again starts over). The words of
//! what stopping does are shared with the question before quitting.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{centered, dialog_keys, dialog_width};
use crate::text::wrap;
use crate::tui::app::upload::{UploadProgress, bytes};
use crate::tui::app::{App, Dialog};
use crate::tui::keymap::Context;

/// What stopping an upload on its way does, as the engine and ONTAP do it.
pub const STOPPING_DOES: &str = "the cluster keeps none of the image and starts no job to \
    file it; sending it again starts over";

/// Draws the question centred over `area`.
pub fn render(frame: &mut Frame, area: Rect, app: &App, now: Timestamp) {
    let Some(Dialog::StopUpload(cluster)) = app.dialog() else {
        return;
    };
    let theme = app.theme();
    let dialog = dialog_width(area).min(64);
    let room = (dialog as usize).saturating_sub(4);
    let name = app
        .model()
        .clusters
        .get(*cluster)
        .map_or("?", |c| c.identity.name.as_str());
    let how_far = match app.upload_progress(*cluster, now) {
        Some(progress) => format!("The upload to {name} is on its way: {}.", progress.words()),
        None => format!("The upload to {name} is no longer on its way."),
    };
    let text = [
        how_far,
        format!("Stopping it cuts the connection: {STOPPING_DOES}."),
        "Letting it go on takes you back to the table, where its JOB column counts on.".into(),
    ];
    let mut lines = Vec::new();
    for (i, paragraph) in text.iter().enumerate() {
        if i > 0 {
            lines.push(Line::default());
        }
        for part in wrap(paragraph, room) {
            lines.push(Line::from(format!(" {part}")));
        }
    }
    let popup = centered(area, dialog, lines.len() as u16 + 2);
    let block = Block::bordered()
        .title(Span::styled(" Stop the upload? ", theme.heading()))
        .title_bottom(dialog_keys(Context::StopUpload, None, dialog, theme))
        .border_style(theme.border());
    super::clear_under(frame, popup, area);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

impl UploadProgress {
    /// "1.20 GiB of 4.00 GiB sent (30%), 10.0 MiB/s, about 4m left".
    pub fn words(&self) -> String {
        let mut text = format!(
            "{} of {} sent ({}%)",
            bytes(self.sent),
            bytes(self.total),
            self.percent()
        );
        if let Some(rate) = self.rate {
            text.push_str(&format!(", {}", crate::text::rate::format_rate(rate)));
        }
        if let Some(left) = self.left {
            text.push_str(&format!(", about {} left", crate::state::format_age(left)));
        }
        text
    }
}
