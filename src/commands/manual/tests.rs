use super::config::{describe, title};
use super::sections::{EXIT_FALLBACK, exit_codes};
use super::*;
use crate::config::keys::{self, KEYS, Section};
use crate::tui::keymap::BINDINGS;

/// The page's text with roff's escapes of `-`, `'` and `\` undone.
fn page_text() -> String {
    String::from_utf8(page().unwrap())
        .unwrap()
        .replace("\\*(Aq", "'")
        .replace("\\-", "-")
        .replace("\\\\", "\\")
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

/// The text of the subsection titled `title`, to the next one.
fn subsection<'p>(page: &'p str, title: &str) -> &'p str {
    let start = [format!(".SS \"{title}\"\n"), format!(".SS {title}\n")]
        .iter()
        .find_map(|heading| page.find(heading.as_str()))
        .unwrap_or_else(|| panic!("no subsection {title:?}"));
    let rest = &page[start + 4..];
    let end = [rest.find(".SS"), rest.find(".SH")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn every_config_key_is_documented_under_its_table() {
    let page = page_text();
    let config = &page[page.find(".SH CONFIGURATION").unwrap()..page.find(".SH FILES").unwrap()];
    let tables = config
        .lines()
        .find(|l| l.contains("holds these tables"))
        .unwrap();
    for key in keys::of(Section::Top) {
        assert!(
            tables.contains(key.name),
            "{} is not among {tables}",
            key.name
        );
    }
    let defaults = subsection(config, "[defaults]");
    for key in keys::of(Section::Defaults) {
        assert!(defaults.contains(key.name), "[defaults] lacks {}", key.name);
    }
    for section in [
        Section::Cluster,
        Section::Download,
        Section::Mirror,
        Section::Serve,
        Section::Validate,
    ] {
        let text = subsection(config, &title(section));
        for key in keys::of(section) {
            let item = format!("\\fB{}\\fR\n{}", key.name, describe(key));
            assert!(
                text.contains(&item),
                "{}: no {item:?} in\n{text}",
                section.header()
            );
        }
    }
    // A key the page describes under no table would be a key nobody can find.
    for key in KEYS {
        assert!(!key.doc.is_empty(), "{} has no doc line", key.name);
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
