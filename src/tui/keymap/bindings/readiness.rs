//! The bindings of the maintenance window: `v` (validate a release, after a form and a
//! confirmation) and the validation view `V`. Each is one entry of the key map's list.

use crossterm::event::KeyCode;

use super::{Action, Binding, Key};
use crate::tui::keymap::Context::{Details, Table, ValidateConfirm, Validation, Version};

/// `v`: validate a release on the marked (or selected) clusters.
pub(super) const VALIDATE: Binding = Binding {
    keys: &[Key::ch('v')],
    action: Action::Validate,
    contexts: &[Table, Details],
    help: "validate a release on the marked (or selected) clusters (asks first)",
    footer: None,
};

/// `v` in the validation view, where it earns a footer hint.
pub(super) const VALIDATE_FROM_VIEW: Binding = Binding {
    footer: Some(("v", "validate")),
    contexts: &[Validation],
    ..VALIDATE
};

/// `V`: the validation view.
pub(super) const OPEN_VIEW: Binding = Binding {
    keys: &[Key::ch('V')],
    action: Action::OpenValidation,
    contexts: &[Table, Details],
    help: "validation view: findings by check",
    footer: None,
};

/// `j` in the validation view.
pub(super) const NEXT_CHECK: Binding = Binding {
    keys: &[Key::ch('j'), Key::plain(KeyCode::Down)],
    action: Action::Down,
    contexts: &[Validation],
    help: "next check",
    footer: Some(("j/k", "move")),
};

/// `k` in the validation view.
pub(super) const PREVIOUS_CHECK: Binding = Binding {
    keys: &[Key::ch('k'), Key::plain(KeyCode::Up)],
    action: Action::Up,
    contexts: &[Validation],
    help: "previous check",
    footer: None,
};

/// `Enter` in the validation view.
pub(super) const SHOW_TEXT: Binding = Binding {
    keys: &[Key::plain(KeyCode::Enter)],
    action: Action::ToggleHolders,
    contexts: &[Validation],
    help: "show or hide the check's issue and action, with the clusters each is from",
    footer: Some(("Enter", "text")),
};

/// `Tab` in the release form.
pub(super) const NEXT_RELEASE: Binding = Binding {
    keys: &[Key::plain(KeyCode::Tab)],
    action: Action::NextRelease,
    contexts: &[Version],
    help: "the next release the chosen clusters hold (other keys type one)",
    footer: Some(("Tab", "next release")),
};

/// `Enter` in the release form.
pub(super) const PLAN: Binding = Binding {
    keys: &[Key::plain(KeyCode::Enter)],
    action: Action::PlanValidation,
    contexts: &[Version],
    help: "plan it: every cluster asked, every one skipped and why",
    footer: Some(("Enter", "continue")),
};

/// `y` in the validation's confirmation.
pub(super) const CONFIRM: Binding = Binding {
    keys: &[Key::ch('y')],
    action: Action::ConfirmValidation,
    contexts: &[ValidateConfirm],
    help: "validate on the listed clusters (checks only: no update is started)",
    footer: Some(("y", "validate")),
};
