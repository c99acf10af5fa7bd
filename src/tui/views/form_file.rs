//! The form's lines about a file on this host typed into its package field: what is
//! there (name and size), that it is being looked at, or why it cannot be sent; and,
//! after `Enter`, how far its reading (the SHA-256) got.

use ratatui::style::Modifier;
use ratatui::text::Line;

use crate::text::wrap;
use crate::tui::app::DownloadForm;
use crate::tui::app::upload::{FileState, LocalFile, bytes};
use crate::tui::keymap::{Action, Context, key_for};
use crate::tui::theme::Theme;

/// The note at the bottom of an upload form.
pub(crate) const NOTE: &str = "Read once for its SHA-256 before anything is sent; a sha256 \
    given must match. Clusters on 9.8 and later take uploads.";

/// The form's title: a download, or an upload once the package field names a file.
pub(crate) fn title(form: &DownloadForm) -> &'static str {
    match form.local() {
        Some(_) => " Upload a package from this host ",
        None => " Download a package ",
    }
}

/// The lines about the file, `inner_width` cells wide.
pub(crate) fn lines(local: &LocalFile, inner_width: usize, theme: Theme) -> Vec<Line<'static>> {
    let room = inner_width.saturating_sub(4);
    let (lead, text, style) = match &local.state {
        FileState::Looking => (" … ", "looking at the file…".to_string(), theme.dim()),
        FileState::Found(found) => (
            " ↑ ",
            format!("{}, {}, from this host", found.name, bytes(found.size)),
            ratatui::style::Style::new(),
        ),
        FileState::Missing(why) => (
            " ✗ ",
            format!("{}: {why}", local.typed),
            theme.failure_text().add_modifier(Modifier::BOLD),
        ),
        FileState::Reading { found, read, total } => {
            let percent = (*read as f64 * 100.0 / (*total).max(1) as f64).floor() as u64;
            (
                " … ",
                format!(
                    "reading {} for its SHA-256: {}% ({} of {}); {} stops",
                    found.name,
                    percent.min(100),
                    bytes(*read),
                    bytes(*total),
                    key_for(Context::Form, Action::Cancel)
                ),
                theme.heading(),
            )
        }
    };
    wrap(&text, room)
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let lead = if i == 0 { lead } else { "   " };
            Line::styled(format!("{lead}{part}"), style)
        })
        .collect()
}
