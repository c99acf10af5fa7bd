//! Every key binding, in the order help lists them.

use crossterm::event::KeyCode;

use super::{Action, Binding, Context, Key};
use crate::state::Column;
use crate::tui::line::Edit;

mod readiness;

use Context::{
    Confirm, Details, Filter, Form, Help, Packages, Password, QuitConfirm, Remove, Sort,
    StopUpload, Table, ValidateConfirm, Validation, Version,
};

const MOVING: &[Context] = &[
    Table,
    Details,
    Packages,
    Validation,
    Help,
    Confirm,
    ValidateConfirm,
];
/// Where j and k scroll a text (in details they move between clusters).
const SCROLLING: &[Context] = &[Help, Confirm, ValidateConfirm];
const NOT_TYPING: &[Context] = &[Table, Details, Packages, Validation, Help];
const EVERYWHERE: &[Context] = &Context::ALL;
/// Where a dialog's line of text is edited (Esc cancels the dialog).
const EDITING: &[Context] = &[Form, Password, Version];
/// Where the line-editing keys work: the dialogs' fields and the filter.
const LINE: &[Context] = &[Filter, Form, Password, Version];

/// A line-editing key of the fields and the filter.
macro_rules! edit_key {
    ([$($key:expr),+], $edit:expr, $help:literal) => {
        Binding {
            keys: &[$($key),+],
            action: Action::Edit($edit),
            contexts: LINE,
            help: $help,
            footer: None,
        }
    };
}

/// A key of the sort menu: sorts by a column (`None`: config order).
macro_rules! sort_key {
    ($c:literal, $column:expr, $help:literal) => {
        Binding {
            keys: &[Key::ch($c)],
            action: Action::SortBy($column),
            contexts: &[Sort],
            help: $help,
            footer: None,
        }
    };
}

/// Every binding, in the order help lists them. The first match in a context wins.
pub(crate) const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[Key::ch('j'), Key::plain(KeyCode::Down)],
        action: Action::Down,
        contexts: &[Table, Packages],
        help: "next cluster (next release in the packages view)",
        footer: Some(("j/k", "move")),
    },
    Binding {
        keys: &[Key::ch('k'), Key::plain(KeyCode::Up)],
        action: Action::Up,
        contexts: &[Table, Packages],
        help: "previous cluster (previous release)",
        footer: None,
    },
    Binding {
        keys: &[Key::ch('j'), Key::plain(KeyCode::Down)],
        action: Action::Down,
        contexts: &[Details],
        help: "the next cluster's details (in the table's order)",
        footer: Some(("j/k", "next/previous")),
    },
    Binding {
        keys: &[Key::ch('k'), Key::plain(KeyCode::Up)],
        action: Action::Up,
        contexts: &[Details],
        help: "the previous cluster's details",
        footer: None,
    },
    Binding {
        keys: &[Key::ch('j'), Key::plain(KeyCode::Down)],
        action: Action::Down,
        contexts: SCROLLING,
        help: "scroll down",
        footer: Some(("j/k", "scroll")),
    },
    Binding {
        keys: &[Key::ch('k'), Key::plain(KeyCode::Up)],
        action: Action::Up,
        contexts: SCROLLING,
        help: "scroll up",
        footer: None,
    },
    Binding {
        keys: &[Key::ch('g'), Key::plain(KeyCode::Home)],
        action: Action::Top,
        contexts: MOVING,
        help: "to the top (in the table, the first cluster)",
        footer: None,
    },
    Binding {
        keys: &[Key::ch('G'), Key::plain(KeyCode::End)],
        action: Action::Bottom,
        contexts: MOVING,
        help: "to the bottom (in the table, the last cluster)",
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
    readiness::NEXT_CHECK,
    readiness::PREVIOUS_CHECK,
    readiness::SHOW_TEXT,
    Binding {
        keys: &[Key::ch('/')],
        action: Action::StartFilter,
        contexts: &[Table],
        help: "filter: a name, stale, 9.16, site=ams, !term (AND)",
        footer: Some(("/", "filter")),
    },
    Binding {
        keys: &[Key::ch('s')],
        action: Action::OpenSort,
        contexts: &[Table],
        help: "sort: a menu with one key per column",
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
        keys: &[Key::plain(KeyCode::Esc), Key::ch('q')],
        action: Action::Back,
        contexts: &[Details, Packages, Validation, Help],
        help: "back (close details, packages, the validation view or help)",
        footer: Some(("Esc/q", "back")),
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
    readiness::VALIDATE,
    readiness::VALIDATE_FROM_VIEW,
    Binding {
        keys: &[Key::ch('x')],
        action: Action::RemovePackage,
        contexts: &[Packages],
        help: "remove the release's package from the clusters that hold it (asks first)",
        footer: Some(("x", "remove")),
    },
    Binding {
        keys: &[Key::ch('f')],
        action: Action::ForceHolders,
        contexts: &[Confirm],
        help: "download to the clusters that run or hold the release too",
        footer: None,
    },
    Binding {
        keys: &[Key::ch('P')],
        action: Action::OpenPackages,
        contexts: &[Table, Details],
        help: "packages view: who holds, runs and lacks each release",
        footer: None,
    },
    readiness::OPEN_VIEW,
    Binding {
        keys: &[Key::plain(KeyCode::Enter)],
        action: Action::ToggleHolders,
        contexts: &[Packages],
        help: "list the clusters that hold, run and lack the selected release",
        footer: Some(("Enter", "clusters")),
    },
    Binding {
        keys: &[Key::ch('m')],
        action: Action::MarkLacking,
        contexts: &[Packages],
        help: "mark every cluster that lacks the release (then d downloads there)",
        footer: Some(("m", "mark lacking")),
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
    readiness::NEXT_RELEASE,
    edit_key!([Key::plain(KeyCode::Left)], Edit::Left, "cursor left"),
    edit_key!([Key::plain(KeyCode::Right)], Edit::Right, "right"),
    edit_key!(
        [Key::plain(KeyCode::Home), Key::ctrl('a')],
        Edit::Home,
        "to the start"
    ),
    edit_key!(
        [Key::plain(KeyCode::End), Key::ctrl('e')],
        Edit::End,
        "to the end"
    ),
    edit_key!(
        [Key::plain(KeyCode::Backspace)],
        Edit::Backspace,
        "delete back"
    ),
    edit_key!([Key::plain(KeyCode::Delete)], Edit::Delete, "delete"),
    Binding {
        keys: &[Key::ctrl('u')],
        action: Action::Edit(Edit::KillToStart),
        contexts: EDITING,
        help: "delete to the start",
        footer: Some(("Ctrl-U", "clear")),
    },
    Binding {
        keys: &[Key::ctrl('u')],
        action: Action::Edit(Edit::KillToStart),
        contexts: &[Filter],
        help: "delete to the start",
        footer: None,
    },
    edit_key!([Key::ctrl('w')], Edit::KillWord, "delete a word"),
    Binding {
        keys: &[Key::plain(KeyCode::Enter)],
        action: Action::SubmitForm,
        contexts: &[Form],
        help: "check the URL, then confirm the targets",
        footer: Some(("Enter", "continue")),
    },
    Binding {
        keys: &[Key::plain(KeyCode::Tab)],
        action: Action::ToggleOthers,
        contexts: &[Password],
        help: "the password goes to the other clusters paused for the same user too",
        footer: Some(("Tab", "all paused")),
    },
    Binding {
        keys: &[Key::plain(KeyCode::Enter)],
        action: Action::SendPassword,
        contexts: &[Password],
        help: "log in with the password typed (polling resumes)",
        footer: Some(("Enter", "log in")),
    },
    readiness::PLAN,
    Binding {
        keys: &[Key::ch('y')],
        action: Action::ConfirmStart,
        contexts: &[Confirm],
        help: "start the download on the listed targets",
        footer: Some(("y", "start")),
    },
    Binding {
        keys: &[Key::ch('y')],
        action: Action::ConfirmRemoval,
        contexts: &[Remove],
        help: "remove the package from the clusters named",
        footer: Some(("y", "remove")),
    },
    readiness::CONFIRM,
    Binding {
        keys: &[Key::plain(KeyCode::Esc)],
        action: Action::Cancel,
        contexts: EDITING,
        help: "cancel: nothing is sent, a typed password is forgotten",
        footer: Some(("Esc", "cancel")),
    },
    Binding {
        keys: &[Key::ch('n'), Key::plain(KeyCode::Esc)],
        action: Action::Cancel,
        contexts: &[Confirm, Remove, ValidateConfirm],
        help: "cancel: nothing is started, removed or validated, the password is forgotten",
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
        keys: &[Key::ch('p')],
        action: Action::EnterPassword,
        contexts: &[Table, Details],
        help: "password for the cluster's user, after a refused login",
        footer: Some(("p", "password")),
    },
    Binding {
        keys: &[Key::ch('y'), Key::ch('q')],
        action: Action::ConfirmQuit,
        contexts: &[QuitConfirm],
        help: "quit: followed downloads go on in the clusters",
        footer: Some(("y", "quit")),
    },
    Binding {
        keys: &[Key::ch('n'), Key::plain(KeyCode::Esc)],
        action: Action::Cancel,
        contexts: &[QuitConfirm],
        help: "stay",
        footer: Some(("n/Esc", "stay")),
    },
    Binding {
        keys: &[Key::ch('y')],
        action: Action::ConfirmStopUpload,
        contexts: &[StopUpload],
        help: "stop the upload: the cluster keeps none of it and files nothing",
        footer: Some(("y", "stop it")),
    },
    Binding {
        keys: &[Key::ch('n'), Key::plain(KeyCode::Esc)],
        action: Action::Cancel,
        contexts: &[StopUpload],
        help: "let the upload go on (back to the table)",
        footer: Some(("n/Esc", "let it go on")),
    },
    Binding {
        keys: &[Key::ch('q')],
        action: Action::Quit,
        contexts: &[Table],
        help: "quit (asks first while downloads are followed)",
        footer: Some(("q", "quit")),
    },
    Binding {
        keys: &[Key::ctrl('c')],
        action: Action::Quit,
        contexts: EVERYWHERE,
        help: "quit, even while typing",
        footer: None,
    },
    sort_key!('c', Some(Column::Name), "CLUSTER"),
    sort_key!('v', Some(Column::Version), "VERSION"),
    sort_key!('l', Some(Column::Labels), "LABELS"),
    sort_key!(
        'd',
        Some(Column::Download),
        "DOWNLOAD (running, then failed, first)"
    ),
    sort_key!('m', Some(Column::Message), "MESSAGE"),
    sort_key!('#', Some(Column::Code), "CODE"),
    sort_key!('j', Some(Column::Job), "JOB"),
    sort_key!('i', Some(Column::InState), "IN STATE (longest first)"),
    sort_key!('p', Some(Column::LastPoll), "POLLED (latest first)"),
    sort_key!('h', Some(Column::Health), "HEALTH (failing first)"),
    sort_key!('r', Some(Column::Ready), "READY (errors first)"),
    sort_key!('u', Some(Column::Update), "UPDATE (failed first)"),
    sort_key!('o', None, "config order"),
    Binding {
        keys: &[Key::ch('S')],
        action: Action::ReverseSort,
        contexts: &[Sort],
        help: "the other way round (or the same key again)",
        footer: Some(("S", "reverse")),
    },
    Binding {
        keys: &[Key::plain(KeyCode::Esc), Key::ch('s'), Key::ch('q')],
        action: Action::Cancel,
        contexts: &[Sort],
        help: "close the menu, the order unchanged (the same key again reverses)",
        footer: Some(("Esc", "close")),
    },
];
