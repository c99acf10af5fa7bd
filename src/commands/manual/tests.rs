use std::collections::BTreeSet;

use super::config::{CLUSTER_DOC, DOWNLOAD_DOC, MIRROR_DOC, SERVE_DOC, VALIDATE_DOC};
use super::sections::{EXIT_FALLBACK, exit_codes};
use super::*;
use crate::config::{CLUSTER_KEYS, DEFAULTS_KEYS, DOWNLOAD_KEYS, SERVE_KEYS, TOP_KEYS};
use crate::tui::keymap::BINDINGS;

/// The page's text with roff's escapes of `-`, `'` and `\` undone.
fn page_text() -> String {
    String::from_utf8(page().unwrap())
        .unwrap()
        .replace("\\*(Aq", "'")
        .replace("\\-", "-")
        .replace("\\\\", "\\")
}

fn keys_of(doc: &[(&str, &str)]) -> BTreeSet<String> {
    doc.iter().map(|(k, _)| k.to_string()).collect()
}

fn set(keys: &[&[&str]]) -> BTreeSet<String> {
    keys.iter()
        .flat_map(|k| k.iter())
        .map(|k| k.to_string())
        .collect()
}

#[test]
fn the_page_has_the_sections_a_reader_looks_for() {
    let page = page_text();
    for section in [
        ".TH ontop 1",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH KEYS",
        ".SH CONFIGURATION",
        ".SH FILES",
        ".SH ENVIRONMENT",
        ".SH \"EXIT STATUS\"",
        ".SH EXAMPLES",
    ] {
        assert!(page.contains(section), "no {section}");
    }
}

#[test]
fn the_keys_section_lists_every_binding_of_the_key_map() {
    let page = page_text();
    let keys = &page[page.find(".SH KEYS").unwrap()..page.find(".SH CONFIGURATION").unwrap()];
    for binding in BINDINGS {
        assert!(keys.contains(binding.help), "KEYS lacks {:?}", binding.help);
    }
    assert!(keys.contains("j, Down"), "{keys}");
    assert!(keys.contains(".SS \"Cluster table\""), "{keys}");
}

#[test]
fn every_config_key_the_reader_accepts_is_documented_and_no_other() {
    assert_eq!(
        set(&[TOP_KEYS]),
        set(&[&["defaults", "download", "serve", "validate", "cluster"]]),
        "a new table needs its section in the man page"
    );
    assert_eq!(keys_of(CLUSTER_DOC), set(&[CLUSTER_KEYS, DEFAULTS_KEYS]));
    assert_eq!(keys_of(DOWNLOAD_DOC), set(&[DOWNLOAD_KEYS]));
    assert_eq!(keys_of(SERVE_DOC), set(&[SERVE_KEYS]));
    assert_eq!(keys_of(MIRROR_DOC), set(&[crate::config::MIRROR_KEYS]));
    assert_eq!(keys_of(VALIDATE_DOC), set(&[crate::config::VALIDATE_KEYS]));
    let page = page_text();
    for key in set(&[CLUSTER_KEYS, DOWNLOAD_KEYS, SERVE_KEYS]) {
        assert!(page.contains(&format!("\\fB{key}\\fR")), "{key} missing");
    }
}

#[test]
fn every_command_has_its_exit_codes_and_the_fallbacks_are_still_needed() {
    let command = Cli::command();
    let codes = exit_codes(&command);
    let named: Vec<&str> = codes.iter().map(|(name, _)| name.as_str()).collect();
    for expected in [
        "ontop",
        "ontop demo",
        "ontop status",
        "ontop serve",
        "ontop packages",
        "ontop packages delete",
        "ontop download",
        "ontop trust",
        "ontop sim",
        "ontop config check",
        "ontop config init",
        "ontop config import",
        "ontop completions",
        "ontop man",
    ] {
        assert!(
            named.contains(&expected),
            "{expected} has no exit codes: {named:?}"
        );
    }
    for (name, text) in &codes {
        assert!(text.starts_with('0'), "{name}: {text}");
    }
    // A fallback for a command whose help states its own codes would hide them.
    for (name, _) in EXIT_FALLBACK {
        let (_, text) = codes.iter().find(|(n, _)| n == name).unwrap();
        let own = EXIT_FALLBACK.iter().any(|(n, t)| n == name && t == text);
        assert!(
            own,
            "{name}: its help states exit codes now; drop the fallback"
        );
    }
}
