//! The one table of key bindings.
//!
//! [`BINDINGS`] drives both the key handling ([`lookup`]) and the `?` help overlay and the
//! footer hints, so what the screen says a key does is what it does. A binding belongs to
//! one or more [`Context`]s: the same key may mean different things in the table, the
//! details pane, the help overlay and while typing a filter.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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
}

impl Context {
    /// The section name the help overlay uses.
    pub fn title(self) -> &'static str {
        match self {
            Self::Table => "Cluster table",
            Self::Filter => "Typing a filter (after /)",
            Self::Details => "Details pane",
            Self::Help => "This help",
        }
    }
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
    /// `d` and `space`: the download keys of the next release.
    Download,
    Quit,
}

/// One key, as the handler matches it and as help prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    const fn plain(code: KeyCode) -> Self {
        Self { code, ctrl: false }
    }

    const fn ch(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            ctrl: true,
        }
    }

    /// How help and the footer spell the key.
    pub fn label(self) -> String {
        let name = match self.code {
            KeyCode::Char(' ') => "space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Backspace => "Backspace".to_string(),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{}", name.to_uppercase())
        } else {
            name
        }
    }

    fn matches(self, event: &KeyEvent) -> bool {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl != self.ctrl || event.modifiers.contains(KeyModifiers::ALT) {
            return false;
        }
        match (self.code, event.code) {
            // Terminals differ on whether Ctrl-C arrives as 'c' or 'C'.
            (KeyCode::Char(a), KeyCode::Char(b)) if self.ctrl => a.eq_ignore_ascii_case(&b),
            (a, b) => a == b,
        }
    }
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

use Context::{Details, Filter, Help, Table};

const MOVING: &[Context] = &[Table, Details, Help];
const NOT_TYPING: &[Context] = &[Table, Details, Help];
const EVERYWHERE: &[Context] = &[Table, Filter, Details, Help];

/// Every binding, in the order help lists them. The first match in a context wins.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[Key::ch('j'), Key::plain(KeyCode::Down)],
        action: Action::Down,
        contexts: MOVING,
        help: "next cluster (scroll down in details and help)",
        footer: Some(("j/k", "move")),
    },
    Binding {
        keys: &[Key::ch('k'), Key::plain(KeyCode::Up)],
        action: Action::Up,
        contexts: MOVING,
        help: "previous cluster (scroll up in details and help)",
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
        keys: &[Key::ch('d'), Key::ch(' ')],
        action: Action::Download,
        contexts: &[Table, Details],
        help: "start a download (next release)",
        footer: None,
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
        help: "quit, even while typing a filter",
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
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn shifted_letters_and_ctrl_c_resolve() {
        let big_g = key(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(Context::Table, &big_g), Some(Action::Bottom));
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(Context::Filter, &ctrl_c), Some(Action::Quit));
        let plain_c = key(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(lookup(Context::Table, &plain_c), None);
    }

    #[test]
    fn typing_a_filter_does_not_trigger_table_keys() {
        for c in ['q', 'j', 's', 'r', '?', 'd'] {
            let ev = key(KeyCode::Char(c), KeyModifiers::NONE);
            assert_eq!(
                lookup(Context::Filter, &ev),
                None,
                "{c} is bound while typing"
            );
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for context in [
            Context::Table,
            Context::Filter,
            Context::Details,
            Context::Help,
        ] {
            let keys: Vec<Key> = BINDINGS
                .iter()
                .filter(|b| b.contexts.contains(&context))
                .flat_map(|b| b.keys.iter().copied())
                .collect();
            for (i, k) in keys.iter().enumerate() {
                assert!(
                    !keys[i + 1..].contains(k),
                    "{k:?} bound twice in {context:?}"
                );
            }
        }
    }
}
