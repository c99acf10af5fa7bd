//! What a confirmation offers to send, in its words: the package URL (masked) and the
//! server user, or the image read on this host (file, size, SHA-256); and the targets,
//! grouped by the URL each fetches when site mirrors make them differ.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::text::{pad, wrap};
use crate::tui::app::Offer;
use crate::tui::app::upload::bytes;
use crate::tui::keymap::{Action, Context, key_for};
use crate::tui::theme::Theme;

/// Cells of the labels at the top ("server password  ").
const LABEL: usize = 17;

/// The dialog's title.
pub(crate) fn title(offer: &Offer) -> &'static str {
    match offer {
        Offer::Download { .. } => " Start this download? ",
        Offer::Upload { .. } => " Upload this image? ",
    }
}

/// The lines that say what is sent, `cells` wide after the margin.
pub(crate) fn head(offer: &Offer, theme: Theme, cells: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let mut field = |label: &str, value: &str, style: Style| {
        let room = cells.saturating_sub(LABEL + 1).max(10);
        for (i, part) in wrap(value, room).into_iter().enumerate() {
            let label = if i == 0 { label } else { "" };
            out.push(Line::from(vec![
                Span::styled(format!(" {}", pad(label, LABEL)), theme.dim()),
                Span::styled(part, style),
            ]));
        }
    };
    match offer {
        Offer::Download { spec, .. } => {
            field("package", &spec.masked_url(), Style::new());
            let user = spec.username.as_deref().unwrap_or("none");
            field("server user", user, Style::new());
            let password = if spec.has_password() {
                "given (not shown)"
            } else {
                "none"
            };
            field("server password", password, Style::new());
        }
        Offer::Upload { source, checked } => {
            field("file", &source.path.display().to_string(), Style::new());
            let size = format!("{} ({} bytes)", bytes(source.file.size), source.file.size);
            field("size", &size, Style::new());
            field("sha256", &source.file.sha256, Style::new());
            let (check, style) = if *checked {
                ("matches the sha256 given", Style::new())
            } else {
                ("not checked: no sha256 was given", theme.dim())
            };
            field("checksum", check, style);
        }
    }
    out
}

/// What `f` does, under the skipped clusters that have the release.
pub(crate) fn force_hint(offer: &Offer) -> String {
    let f = key_for(Context::Confirm, Action::ForceHolders);
    match offer {
        Offer::Download { .. } => format!(" {f} downloads to those that have the release too."),
        Offer::Upload { .. } => format!(" {f} uploads to those that have the release too."),
    }
}

/// The heading of the targets: "Start on 3 clusters:", "Upload to 3 clusters:".
pub(crate) fn targets_heading(offer: &Offer, count: &str) -> String {
    match offer {
        Offer::Download { .. } => format!(" Start on {count}:"),
        Offer::Upload { .. } => format!(" Upload to {count}:"),
    }
}

/// The targets under the URL each fetches, when site mirrors make them differ: "from
/// <url> (2):" then the names; `None` when they all fetch the URL as given.
pub(crate) fn groups(offer: &Offer, theme: Theme, cells: usize) -> Option<Vec<Line<'static>>> {
    let Offer::Download { spec, groups } = offer else {
        return None;
    };
    if groups.is_empty() {
        return None;
    }
    let given = spec.masked_url();
    let mut out = Vec::new();
    for (url, names) in groups {
        // A mirror's clusters log in to it with its own user, not the one above.
        let whose = if *url == given { "" } else { ", site mirror" };
        let lead = format!("from {url} ({}{whose}):", names.len());
        for (i, part) in wrap(&lead, cells.saturating_sub(5).max(10))
            .into_iter()
            .enumerate()
        {
            let indent = if i == 0 { "   " } else { "     " };
            out.push(Line::styled(format!("{indent}{part}"), theme.dim()));
        }
        for name in names {
            out.push(Line::from(format!("     {name}")));
        }
    }
    Some(out)
}
