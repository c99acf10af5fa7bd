//! The key map's own consistency: no key twice in a context, typing stays typing.
use crossterm::event::KeyModifiers;

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
    for context in [Context::Filter, Context::Form] {
        for c in ['q', 'j', 's', 'r', '?', 'd', ' ', 'a', 'A', 'y', 'n'] {
            let ev = key(KeyCode::Char(c), KeyModifiers::NONE);
            assert_eq!(lookup(context, &ev), None, "{c} is bound in {context:?}");
        }
    }
}

#[test]
fn no_key_is_bound_twice_in_one_context() {
    for context in [
        Context::Table,
        Context::Filter,
        Context::Details,
        Context::Help,
        Context::Form,
        Context::Confirm,
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
