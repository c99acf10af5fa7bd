//! The one table of key bindings.
//!
//! [`BINDINGS`] drives both the key handling ([`lookup`]) and the `?` help overlay and the
//! footer hints, so what the screen says a key does is what it does. A binding belongs to
//! one or more [`Context`]s: the same key may mean different things in the table, the
//! details pane, the help overlay, while typing a filter, in the download form and in
//! its confirmation.

mod key;

use crossterm::event::{KeyCode, KeyEvent};

pub use key::Key;

/// Where the keyboard focus is; decides which bindings apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// The cluster table.
    Table,
    /// Typing a filter after `/`: plain characters edit the filter.
    Filter,
    /// The details pane of one cluster.
    Details,
    /// The help overlay.
    Help,
    /// The download form (after `d`): plain characters edit the focused field.
    Form,
    /// The confirmation that names every target before anything is started.
    Confirm,
}

/// What a key asks for. [`crate::tui::App`] gives each its meaning in each context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    StartFilter,
    /// Leaves filter editing, keeping the text.
    KeepFilter,
    /// Empties the filter (and leaves filter editing).
    ClearFilter,
    /// Deletes the last character of the filter.
    FilterBackspace,
    CycleSort,
    ReverseSort,
    OpenDetails,
    /// Leaves the details pane or closes the help.
    Back,
    Refresh,
    RefreshAll,
    ToggleHelp,
    /// Marks or unmarks the selected cluster as a download target.
    ToggleMark,
    /// Marks every row that passes the filter.
    MarkAll,
    ClearMarks,
    /// Opens the download form for the marked clusters (or the selected one).
    Download,
    /// Moves to the next form field.
    NextField,
    PreviousField,
    /// Deletes the last character of the focused field.
    FieldBackspace,
    /// Empties the focused field.
    ClearField,
    /// Validates the form and shows the confirmation.
    SubmitForm,
    /// Starts the confirmed download.
    ConfirmStart,
    /// Closes the form or the confirmation: nothing is started.
    Cancel,
    Quit,
}

/// One row of the key map.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub contexts: &'static [Context],
    /// The help overlay's words.
    pub help: &'static str,
    /// The footer's hint, as (keys, word), when the binding earns a place there.
    pub footer: Option<(&'static str, &'static str)>,
}

use Context::{Confirm, Details, Filter, Form, Help, Table};

const MOVING: &[Context] = &[Table, Details, Help, Confirm];
const NOT_TYPING: &[Context] = &[Table, Details, Help];
const EVERYWHERE: &[Context] = &[Table, Filter, Details, Help, Form, Confirm];

/// Every binding, in the order help lists them. The first match in a context wins.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[Key::ch('j'), Key::plain(KeyCode::Down)],
        action: Action::Down,
        contexts: MOVING,
        help: "next cluster (scroll down in panes and dialogs)",
        footer: Some(("j/k", "move")),
    },
    Binding {
        keys: &[Key::ch('k'), Key::plain(KeyCode::Up)],
        action: Action::Up,
        contexts: MOVING,
        help: "previous cluster (scroll up in panes and dialogs)",
        footer: None,
    },
    Binding {
        keys: &[Key::ch('g'), Key::plain(KeyCode::Home)],
        action: Action::Top,
        contexts: MOVING,
        help: "first cluster (top)",
        footer: None,
    },
    Binding {
        keys: &[Key::ch('G'), Key::plain(KeyCode::End)],
        action: Action::Bottom,
        contexts: MOVING,
        help: "last cluster (bottom)",
        footer: None,
    },
    Binding {
        keys: &[Key::plain(KeyCode::PageDown)],
        action: Action::PageDown,
        contexts: MOVING,
        help: "one page down",
        footer: None,
    },
    Binding {
        keys: &[Key::plain(KeyCode::PageUp)],
        action: Action::PageUp,
        contexts: MOVING,
        help: "one page up",
        footer: None,
    },
    Binding {
        keys: &[Key::plain(KeyCode::Enter)],
        action: Action::OpenDetails,
        contexts: &[Table],
        help: "details of the selected cluster",
        footer: Some(("Enter", "details")),
    },
    Binding {
        keys: &[Key::ch('/')],
        action: Action::StartFilter,
        contexts: &[Table],
        help: "filter by name, state, health or label (site=ams)",
        footer: Some(("/", "filter")),
    },
    Binding {
        keys: &[Key::ch('s')],
        action: Action::CycleSort,
        contexts: &[Table],
        help: "sort by the next column (then back to config order)",
        footer: Some(("s/S", "sort")),
    },
    Binding {
        keys: &[Key::ch('S')],
        action: Action::ReverseSort,
        contexts: &[Table],
        help: "reverse the sort order",
        footer: None,
    },
    Binding {
        keys: &[Key::plain(KeyCode::Esc)],
        action: Action::ClearFilter,
        contexts: &[Table, Filter],
        help: "clear the filter",
        footer: Some(("Esc", "clear")),
    },
    Binding {
        keys: &[Key::plain(KeyCode::Enter)],
        action: Action::KeepFilter,
        contexts: &[Filter],
        help: "keep the filter and go back to the table",
        footer: Some(("Enter", "keep")),
    },
    Binding {
        keys: &[Key::plain(KeyCode::Backspace)],
        action: Action::FilterBackspace,
        contexts: &[Filter],
        help: "delete the last character (other keys type)",
        footer: Some(("Backspace", "delete")),
    },
    Binding {
        keys: &[Key::plain(KeyCode::Esc)],
        action: Action::Back,
        contexts: &[Details, Help],
        help: "back (close details or help)",
        footer: Some(("Esc", "back")),
    },
    Binding {
        keys: &[Key::ch('r')],
        action: Action::Refresh,
        contexts: &[Table, Details],
        help: "poll the selected cluster now",
        footer: Some(("r/R", "refresh")),
    },
    Binding {
        keys: &[Key::ch('R')],
        action: Action::RefreshAll,
        contexts: &[Table, Details],
        help: "poll every cluster now",
        footer: None,
    },
    Binding {
        keys: &[Key::ch(' ')],
        action: Action::ToggleMark,
        contexts: &[Table, Details],
        help: "mark or unmark the selected cluster for a download",
        footer: Some(("space", "mark")),
    },
    Binding {
        keys: &[Key::ch('a')],
        action: Action::MarkAll,
        contexts: &[Table],
        help: "mark every cluster the filter shows",
        footer: None,
    },
    Binding {
        keys: &[Key::ch('A')],
        action: Action::ClearMarks,
        contexts: &[Table, Details],
        help: "clear all marks",
        footer: None,
    },
    Binding {
        keys: &[Key::ch('d')],
        action: Action::Download,
        contexts: &[Table, Details],
        help: "download a package to the marked (or selected) clusters",
        footer: Some(("d", "download")),
    },
    Binding {
        keys: &[Key::plain(KeyCode::Tab)],
        action: Action::NextField,
        contexts: &[Form],
        help: "next field (other keys type into the field)",
        footer: Some(("Tab", "next field")),
    },
    Binding {
        keys: &[Key::plain(KeyCode::BackTab)],
        action: Action::PreviousField,
        contexts: &[Form],
        help: "previous field",
        footer: None,
    },
    Binding {
        keys: &[Key::plain(KeyCode::Backspace)],
        action: Action::FieldBackspace,
        contexts: &[Form],
        help: "delete the last character",
        footer: None,
    },
    Binding {
        keys: &[Key::ctrl('u')],
        action: Action::ClearField,
        contexts: &[Form],
        help: "empty the field",
        footer: Some(("Ctrl-U", "clear")),
    },
    Binding {
        keys: &[Key::plain(KeyCode::Enter)],
        action: Action::SubmitForm,
        contexts: &[Form],
        help: "check the URL, then confirm the targets",
        footer: Some(("Enter", "continue")),
    },
    Binding {
        keys: &[Key::ch('y')],
        action: Action::ConfirmStart,
        contexts: &[Confirm],
        help: "start the download on the listed targets",
        footer: Some(("y", "start")),
    },
    Binding {
        keys: &[Key::plain(KeyCode::Esc)],
        action: Action::Cancel,
        contexts: &[Form],
        help: "cancel: nothing is started, the password is forgotten",
        footer: Some(("Esc", "cancel")),
    },
    Binding {
        keys: &[Key::ch('n'), Key::plain(KeyCode::Esc)],
        action: Action::Cancel,
        contexts: &[Confirm],
        help: "cancel: nothing is started, the password is forgotten",
        footer: Some(("n/Esc", "cancel")),
    },
    Binding {
        keys: &[Key::ch('?')],
        action: Action::ToggleHelp,
        contexts: NOT_TYPING,
        help: "show or close this help",
        footer: Some(("?", "help")),
    },
    Binding {
        keys: &[Key::ch('q')],
        action: Action::Quit,
        contexts: NOT_TYPING,
        help: "quit",
        footer: Some(("q", "quit")),
    },
    Binding {
        keys: &[Key::ctrl('c')],
        action: Action::Quit,
        contexts: EVERYWHERE,
        help: "quit, even while typing",
        footer: None,
    },
];

/// The action `event` asks for in `context`, if any binding has it.
pub fn lookup(context: Context, event: &KeyEvent) -> Option<Action> {
    BINDINGS
        .iter()
        .filter(|b| b.contexts.contains(&context))
        .find(|b| b.keys.iter().any(|k| k.matches(event)))
        .map(|b| b.action)
}

/// The bindings with a footer hint in `context`, in key map order.
pub fn footer_hints(context: Context) -> impl Iterator<Item = &'static Binding> {
    BINDINGS
        .iter()
        .filter(move |b| b.contexts.contains(&context) && b.footer.is_some())
}

/// The keys of a binding as help prints them: "j ↓".
pub fn keys_label(binding: &Binding) -> String {
    binding
        .keys
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
