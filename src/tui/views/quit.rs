//! The question before quitting while downloads are followed: what quitting does to them
//! (nothing: they go on in the clusters) and what it does not lose (the journal keeps
//! them, and the next ontop follows them again); uploads on their way are stopped, and
//! it says what that does. It reads the model at each frame: what ended while it was
//! open is no longer counted, and once nothing is open it says that quitting loses
//! nothing.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::dialog_width;
use super::stop_upload::STOPPING_DOES;
use crate::tui::app::upload::bytes;
use crate::tui::app::{App, Dialog};
use crate::tui::format::names_line;
use crate::tui::keymap::Context;

/// The clusters named after the count, as every one-line message lists names
/// ([`names_line`]): ": a, b and c", ": a, b, c and 2 more"; nothing when none is known.
fn which(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        names => format!(": {}", names_line(names)),
    }
}

/// Draws the question centred over `area`.
pub(crate) fn render(frame: &mut Frame, area: Rect, app: &App) {
    let Some(Dialog::Quit { .. }) = app.dialog() else {
        return;
    };
    let open = app.model().open_operations();
    // Uploads on their way are counted among the downloads; quitting stops them.
    let (sending, sent, total) = app.uploads_on_their_way();
    let followed = &open.downloads.saturating_sub(sending);
    let (queued, removing, validating) = (&open.queued, &open.removals, &open.validations);
    let theme = app.theme();
    let dialog = dialog_width(area).min(64);
    let one = *followed == 1;
    let head = if one {
        "1 download is still followed here".to_string()
    } else {
        format!("{followed} downloads are still followed here")
    };
    let head = format!("{head}{}.", which(&app.followed_downloads()));
    let goes_on = if one {
        "Quitting does not stop it: it goes on in its cluster."
    } else {
        "Quitting does not stop them: they go on in their clusters."
    };
    let after = match (app.journaled(), one) {
        (true, true) => "The journal keeps it, and the next ontop follows it again.",
        (true, false) => "The journal keeps them, and the next ontop follows them again.",
        // The demo (or a session without a data dir) keeps no journal.
        (false, true) => "This session keeps no journal, so no ontop follows it again.",
        (false, false) => "This session keeps no journal, so no ontop follows them again.",
    };
    let mut text = vec![];
    if *followed > 0 {
        text.push(head);
        text.push(format!("{goes_on} {after}"));
    }
    match sending {
        0 => {}
        1 => text.push(format!(
            "1 upload is on its way ({} of {} sent): quitting cuts its connection: {}.",
            bytes(sent),
            bytes(total),
            STOPPING_DOES
        )),
        n => text.push(format!(
            "{n} uploads are on their way ({} of {} sent): quitting cuts their connections: {}.",
            bytes(sent),
            bytes(total),
            STOPPING_DOES.replace("the cluster keeps", "each cluster keeps")
        )),
    }
    match *removing {
        0 => {}
        1 => text.push(
            "1 package removal is still running: quitting stops following it; the cluster finishes it, and the audit log may lack how it ended.".to_string(),
        ),
        n => text.push(format!(
            "{n} package removals are still running: quitting stops following them; the clusters finish them, and the audit log may lack how they ended."
        )),
    }
    match *validating {
        0 => {}
        1 => text.push(
            "1 validation is still running: quitting stops following it; the cluster finishes it, and its result is not shown here.".to_string(),
        ),
        n => text.push(format!(
            "{n} validations are still running: quitting stops following them; the clusters finish them, and their results are not shown here."
        )),
    }
    match *queued {
        0 => {}
        1 => text.push(
            "1 start is still queued in ontop (max_running): it was never sent, and quitting means it never will be.".to_string(),
        ),
        n => text.push(format!(
            "{n} starts are still queued in ontop (max_running): they were never sent, and quitting means they never will be."
        )),
    }
    if text.is_empty() {
        text.push("Everything followed here has ended: quitting loses nothing.".to_string());
    }
    super::question(
        frame,
        area,
        dialog,
        "Quit ontop?",
        Context::QuitConfirm,
        &text,
        theme,
    );
}

#[cfg(test)]
mod tests {
    use super::which;

    #[test]
    fn the_question_names_up_to_three_clusters_and_counts_the_rest() {
        assert_eq!(which(&[]), "");
        assert_eq!(which(&["a"]), ": a");
        assert_eq!(which(&["a", "b", "c"]), ": a, b and c");
        assert_eq!(which(&["a", "b", "c", "d", "e"]), ": a, b, c and 2 more");
    }
}
