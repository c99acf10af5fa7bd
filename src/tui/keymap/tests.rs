//! The key map's own consistency: no key twice in a context, typing stays typing.
use crossterm::event::{KeyCode, KeyModifiers};

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
fn typing_a_filter_or_a_form_field_does_not_trigger_table_keys() {
    for context in [Context::Filter, Context::Form, Context::Password] {
        for c in ['q', 'j', 's', 'r', '?', 'd', ' ', 'a', 'A', 'y', 'n'] {
            let ev = key(KeyCode::Char(c), KeyModifiers::NONE);
            assert_eq!(lookup(context, &ev), None, "{c} is bound in {context:?}");
        }
    }
}

#[test]
fn no_key_is_bound_twice_in_one_context() {
    for context in Context::ALL {
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

#[test]
fn q_closes_help_and_details_and_quits_only_from_the_table() {
    let q = key(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(lookup(Context::Help, &q), Some(Action::Back));
    assert_eq!(lookup(Context::Details, &q), Some(Action::Back));
    assert_eq!(lookup(Context::Table, &q), Some(Action::Quit));
    assert_eq!(lookup(Context::QuitConfirm, &q), Some(Action::ConfirmQuit));
}

#[test]
fn the_line_editing_keys_work_in_the_fields_and_the_filter() {
    for context in [Context::Form, Context::Password, Context::Filter] {
        let left = key(KeyCode::Left, KeyModifiers::NONE);
        assert_eq!(lookup(context, &left), Some(Action::Edit(Edit::Left)));
        let ctrl_w = key(KeyCode::Char('w'), KeyModifiers::CONTROL);
        assert_eq!(lookup(context, &ctrl_w), Some(Action::Edit(Edit::KillWord)));
        let delete = key(KeyCode::Delete, KeyModifiers::NONE);
        assert_eq!(lookup(context, &delete), Some(Action::Edit(Edit::Delete)));
        let ctrl_u = key(KeyCode::Char('u'), KeyModifiers::CONTROL);
        assert_eq!(
            lookup(context, &ctrl_u),
            Some(Action::Edit(Edit::KillToStart))
        );
    }
}

#[test]
fn key_names_for_screen_text_come_from_the_bindings() {
    assert_eq!(key_for(Context::Table, Action::EnterPassword), "p");
    assert_eq!(key_for(Context::Confirm, Action::ConfirmStart), "y");
    assert_eq!(keys_for(Context::Help, Action::Back), ["Esc", "q"]);
    assert_eq!(scroll_keys(Context::Help), "j/k");
}
