//! The details of an upload from this host: the file; while its bytes are on their way
//! how many went of how many, at what rate, and the time left; its SHA-256 and when it
//! was asked for; after the transfer, the job that files it (the common lines).

use ratatui::style::Style;

use super::Details;
use crate::download::{Followed, Phase};
use crate::tui::app::upload::{UploadProgress, bytes};

impl Details {
    /// The lines of an upload, before its state.
    pub(super) fn upload(&mut self, f: &Followed) {
        let Some(file) = f.operation.upload() else {
            return;
        };
        self.heading("Upload from this host");
        let file_line = format!("{} ({})", file.name, bytes(file.size));
        self.field("file", &file_line, Style::new());
        match (&f.phase, UploadProgress::of(f, self.now)) {
            (_, Some(progress)) => {
                let sent = format!(
                    "{} of {} ({}%)",
                    bytes(progress.sent),
                    bytes(progress.total),
                    progress.percent()
                );
                self.field("sent", &sent, self.theme.phase(Some(&f.phase)).1);
                let rate = progress
                    .rate
                    .map_or("not known yet".into(), crate::text::rate::format_rate);
                self.field("rate", &rate, Style::new());
                let left = progress.left.map_or("not known yet".into(), |left| {
                    format!("about {}", crate::state::format_age(left))
                });
                self.field("time left", &left, Style::new());
            }
            (Phase::Queued { .. }, _) => {
                self.field("sent", "nothing yet: queued in ontop", self.theme.dim());
            }
            (Phase::Ended(ending), _) if !ending.is_success() && f.job.is_none() => {}
            (Phase::Ended(_), _) => {
                self.field("sent", &format!("all {}", bytes(file.size)), Style::new());
            }
            _ => {
                let all = format!("all {}: the cluster files it now", bytes(file.size));
                self.field("sent", &all, Style::new());
            }
        }
        self.field("sha256", &file.sha256, Style::new());
        self.field("requested", &self.moment(f.since_request), Style::new());
    }
}
