//! The man page's CONFIGURATION section: the file, its tables, and every key the config
//! reader accepts with what it means, all read from the config's key list
//! ([`crate::config::keys::KEYS`]).

use roff::{Roff, roman};

use super::sections::{heading, item, para};
use crate::config::keys::{self, KeySpec, Section};

/// A subsection's title: the table as written, and what it is for.
pub(super) fn title(section: Section) -> String {
    let header = section.header();
    let about = match section {
        Section::Mirror => "a site's package server",
        _ => {
            let name = header.trim_matches(['[', ']']);
            keys::find(Section::Top, name).map_or("", |k| k.doc)
        }
    };
    format!("{header}, {about}")
}

/// What the page says of one key: its line, how it is written, its default.
pub(super) fn describe(key: &KeySpec) -> String {
    let mut text = format!("{} Value: {}", key.doc, key.written_as());
    if let Some(default) = key.default {
        let shown = default
            .strip_prefix('"')
            .and_then(|d| d.strip_suffix('"'))
            .unwrap_or(default);
        text.push_str(&format!("; default {shown}"));
    }
    text.push('.');
    text
}

fn table_keys(roff: &mut Roff, section: Section) {
    roff.control("SS", [title(section).as_str()]);
    for key in keys::of(section) {
        item(roff, key.name, &describe(key));
    }
}

pub(super) fn configuration(roff: &mut Roff) {
    heading(roff, "CONFIGURATION");
    para(
        roff,
        "ontop reads --config PATH, else $ONTOP_CONFIG, else ~/.config/ontop/config.toml \
         ($XDG_CONFIG_HOME/ontop/config.toml); the service reads /etc/ontop/config.toml. \
         ontop config init writes a commented starter, ontop config check validates a file \
         and resolves every password, and config.example.toml (in /usr/share/doc/ontop) \
         shows every key. Every problem is reported at once, naming the file, the table, \
         the key and the fix. Durations are written 5s, 10m, 1h. Paths in the file are \
         relative to the file's directory; ~/ is the home directory.",
    );
    let tables: Vec<String> = keys::of(Section::Top)
        .map(|t| match t.name {
            "cluster" => "[[cluster]] (one per cluster)".to_string(),
            other => format!("[{other}]"),
        })
        .collect();
    para(
        roff,
        &format!("The file holds these tables: {}.", tables.join(", ")),
    );
    para(
        roff,
        "A table holds one password source at most. A cluster with none anywhere is asked \
         for its password at start (the dashboard, no echo); ontop serve never asks.",
    );
    table_keys(roff, Section::Cluster);
    roff.control("SS", [Section::Defaults.header()]);
    roman_line(
        roff,
        &format!(
            "Inherited by every cluster that does not set its own: {}.",
            keys::names(Section::Defaults).join(", ")
        ),
    );
    for section in [
        Section::Download,
        Section::Mirror,
        Section::Serve,
        Section::Validate,
    ] {
        table_keys(roff, section);
    }
}

fn roman_line(roff: &mut Roff, text: &str) {
    roff.text([roman(text)]);
}
