//! The question before an upload on its way is stopped (`Esc` in its cluster's
//! details): how far it got, and what stopping does (the connection is cut: the cluster
//! keeps none of the image and files nothing; sending again starts over). The words of
//! what stopping does are shared with the question before quitting.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::dialog_width;
use crate::tui::app::upload::{UploadProgress, bytes};
use crate::tui::app::{App, Dialog};
use crate::tui::keymap::Context;

/// What stopping an upload on its way does, as the engine and ONTAP do it.
pub(crate) const STOPPING_DOES: &str = "the cluster keeps none of the image and starts no job to \
    file it; sending it again starts over";

/// Draws the question centred over `area`.
pub(crate) fn render(frame: &mut Frame, area: Rect, app: &App, now: Timestamp) {
    let Some(Dialog::StopUpload(cluster)) = app.dialog() else {
        return;
    };
    let theme = app.theme();
    let dialog = dialog_width(area).min(64);
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
    let title = "Stop the upload?";
    super::question(
        frame,
        area,
        dialog,
        title,
        Context::StopUpload,
        &text,
        theme,
    );
}

impl UploadProgress {
    /// "1.20 GiB of 4.00 GiB sent (30%), 10.0 MiB/s, about 4m left".
    pub(crate) fn words(&self) -> String {
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
