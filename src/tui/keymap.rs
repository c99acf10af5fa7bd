//! The one table of key bindings.
//!
//! [`BINDINGS`] drives both the key handling ([`lookup`]) and the `?` help overlay and the
//! footer hints, so what the screen says a key does is what it does. A binding belongs to
//! one or more [`Context`]s: the same key may mean different things in the table, the
//! details pane, the help overlay, while typing a filter, in the download form and in
//! its confirmation, in the password dialog and in the question before quitting.

mod bindings;
mod key;

use crossterm::event::KeyEvent;

pub(crate) use bindings::BINDINGS;
pub(crate) use key::Key;

use super::line::Edit;
use crate::state::Column;

/// Where the keyboard focus is; decides which bindings apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// The cluster table.
    Table,
    /// Typing a filter after `/`: plain characters edit the filter.
    Filter,
    /// The details pane of one cluster.
    Details,
    /// The packages view: the fleet's releases, who holds, runs and lacks each.
    Packages,
    /// The help overlay.
    Help,
    /// The download form (after `d`): plain characters edit the focused field.
    Form,
    /// The confirmation that names every target before anything is started.
    Confirm,
    /// The question before a package is removed (after `x` in the packages view).
    Remove,
    /// The password dialog (after `p`): plain characters type the password.
    Password,
    /// The question before quitting while downloads started here are followed.
    QuitConfirm,
    /// The sort menu (after `s`): one key per column.
    Sort,
    /// The question before an upload on its way is stopped (`Esc` in its details).
    StopUpload,
    /// The release to validate (after `v`): plain characters type it.
    Version,
    /// The plan of a validation, before anything is sent.
    ValidateConfirm,
    /// The validation view (after `V`): the fleet's findings by check.
    Validation,
}

impl Context {
    /// Every context, for the bindings that apply everywhere and for checks.
    pub(crate) const ALL: [Context; 15] = [
        Context::Table,
        Context::Filter,
        Context::Details,
        Context::Packages,
        Context::Help,
        Context::Form,
        Context::Confirm,
        Context::Remove,
        Context::Password,
        Context::QuitConfirm,
        Context::Sort,
        Context::StopUpload,
        Context::Version,
        Context::ValidateConfirm,
        Context::Validation,
    ];
}

/// What a key asks for. [`crate::tui::App`] gives each its meaning in each context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
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
    /// Opens the sort menu.
    OpenSort,
    /// In the sort menu: sorts by this column (`None`: config order); the column already
    /// sorted by turns round.
    SortBy(Option<Column>),
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
    /// Edits the focused field at its cursor.
    Edit(Edit),
    /// Validates the download form and shows the confirmation.
    SubmitForm,
    /// In the password dialog: logs in with the typed password.
    SendPassword,
    /// In the release form: plans the validation and shows its confirmation.
    PlanValidation,
    /// Starts the confirmed download (or upload).
    ConfirmStart,
    /// Removes the package from the clusters the removal dialog names.
    ConfirmRemoval,
    /// Sends the confirmed validation.
    ConfirmValidation,
    /// Stops the upload on its way (the question after `Esc` in its details).
    ConfirmStopUpload,
    /// Closes the dialog: nothing is started or changed.
    Cancel,
    /// Asks for the password of the selected cluster's user (after a refused login).
    EnterPassword,
    /// In the password dialog: the password goes to the other paused clusters too.
    ToggleOthers,
    /// Opens the packages view (the fleet's releases).
    OpenPackages,
    /// In the packages view: lists the clusters that hold, run and lack the release.
    ToggleHolders,
    /// In the packages view: marks every cluster that lacks the release.
    MarkLacking,
    /// In the confirmation: download to the clusters that have the release too.
    ForceHolders,
    /// In the packages view: asks to remove the selected release from its holders.
    RemovePackage,
    /// Asks which release to validate on the marked (or selected) clusters.
    Validate,
    /// Opens the validation view (the fleet's findings by check).
    OpenValidation,
    /// In the release form: the next release the chosen clusters hold.
    NextRelease,
    /// Quits (asking first while downloads started here are followed).
    Quit,
    /// Quits after the question.
    ConfirmQuit,
}

/// One row of the key map.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub contexts: &'static [Context],
    /// The help overlay's words.
    pub help: &'static str,
    /// The footer's hint, as (keys, word), when the binding earns a place there.
    pub footer: Option<(&'static str, &'static str)>,
}

/// The action `event` asks for in `context`, if any binding has it.
pub(crate) fn lookup(context: Context, event: &KeyEvent) -> Option<Action> {
    BINDINGS
        .iter()
        .filter(|b| b.contexts.contains(&context))
        .find(|b| b.keys.iter().any(|k| k.matches(event)))
        .map(|b| b.action)
}

/// The bindings with a footer hint in `context`, in key map order.
pub(crate) fn footer_hints(context: Context) -> impl Iterator<Item = &'static Binding> {
    BINDINGS
        .iter()
        .filter(move |b| b.contexts.contains(&context) && b.footer.is_some())
}

/// The key that does `action` in `context`, as help spells it ("p", "Esc", "Tab"): the
/// first key of the first binding that has it there. Screen text names keys through
/// this, so the words can never drift from the handling. "?" when no binding has it:
/// a debug build (every test) stops there instead, so a screen never names a key that
/// does nothing.
pub(crate) fn key_for(context: Context, action: Action) -> String {
    let key = keys_for(context, action).into_iter().next();
    debug_assert!(key.is_some(), "no key does {action:?} in {context:?}");
    key.unwrap_or_else(|| "?".to_string())
}

/// Every key that does `action` in `context`, as help spells them.
pub(crate) fn keys_for(context: Context, action: Action) -> Vec<String> {
    BINDINGS
        .iter()
        .find(|b| b.action == action && b.contexts.contains(&context))
        .map(|b| b.keys.iter().map(|k| k.label()).collect())
        .unwrap_or_default()
}

/// "j/k": the keys that move down and up in `context`, for a hint that says they scroll.
pub(crate) fn scroll_keys(context: Context) -> String {
    format!(
        "{}/{}",
        key_for(context, Action::Down),
        key_for(context, Action::Up)
    )
}

/// The keys of a binding as help prints them: "j ↓".
pub(crate) fn keys_label(binding: &Binding) -> String {
    binding
        .keys
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
