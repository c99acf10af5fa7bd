//! The one list of config keys ([`KEYS`], in [`defs`]): each key once per meaning, with
//! the tables it may be written in, how its value is read, its default and its line of
//! documentation.
//!
//! Everything that names config keys reads them from here: the reader (which keys a
//! table allows, and what each fills), the did-you-mean suggestions, the man page's
//! CONFIGURATION section, and the tests that hold the starter and the example config to
//! the same list. Adding a key is one entry in [`defs`] and the field it fills in
//! [`Layer`](super::schema::Layer).

mod defs;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use config::Value;
use reqwest::Url;

use super::schema::{Layer, Reader, Scope};
use crate::ontap::Fingerprint;
pub(crate) use defs::KEYS;

/// A table of the config file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Section {
    /// The file itself: its keys are the other tables.
    Top,
    Defaults,
    Cluster,
    Download,
    Mirror,
    Serve,
    Validate,
}

impl Section {
    /// The table as written in the file: `[[cluster]]`, `[serve]`.
    pub(crate) fn header(self) -> &'static str {
        match self {
            Self::Top => "(top level)",
            Self::Defaults => "[defaults]",
            Self::Cluster => "[[cluster]]",
            Self::Download => "[download]",
            Self::Mirror => "[[download.mirror]]",
            Self::Serve => "[serve]",
            Self::Validate => "[validate]",
        }
    }
}

/// One key: where it may be written, how it is read, and what it means.
pub(crate) struct KeySpec {
    pub(crate) name: &'static str,
    /// The tables it may be written in (with this meaning).
    pub(crate) sections: &'static [Section],
    /// How its value is read, and the [`Layer`] field it fills.
    pub(super) read: Read,
    /// What leaving it out means, as the TOML value that means the same (`"5s"`), when
    /// that can be written.
    pub(crate) default: Option<&'static str>,
    /// One line for the man page: what the key does.
    pub(crate) doc: &'static str,
    /// Names people reach for that mean this key (`host` for `url`).
    pub(crate) aliases: &'static [&'static str],
}

/// Where in a [`Layer`] a value goes.
type Field<T> = fn(&mut Layer) -> &mut Option<T>;

/// How a key's value is read and where it goes. The readers are in `values.rs` and
/// `addresses.rs`, and a [`Read::Custom`] one beside its section; each records a
/// problem that says how to write the value when it cannot be read.
#[derive(Clone, Copy)]
pub(super) enum Read {
    /// A table of its own, read by its section (a top-level key).
    Table,
    /// Printable text.
    Text(Field<String>),
    /// A cluster name: short printable text.
    Name(Field<String>),
    /// A cluster's address: an http(s) URL, cut to its origin.
    Address(Field<Url>),
    /// A package URL, as `ontop download` takes it.
    PackageUrl(Field<Url>),
    /// A path, relative to the config file's directory.
    Path(Field<PathBuf>),
    /// `true` or `false`.
    Flag(Field<bool>),
    /// A duration between the two bounds.
    Duration((Duration, Duration), Field<Duration>),
    /// A whole number from 1 to the bound.
    Count(usize, Field<usize>),
    /// A byte rate (`"50MiB/s"`).
    Rate(Field<u64>),
    /// A table of string labels.
    Labels(fn(&mut Layer) -> &mut BTreeMap<String, String>),
    /// A pinned certificate fingerprint.
    Fingerprint(Field<Fingerprint>),
    /// A DNS name or an IP address to check a certificate against.
    ServerName(Field<String>),
    /// One of the table's password sources (at most one per table).
    Password(PasswordKey),
    /// A value with a reader of its own (a list of tables, a directory URL...), and how
    /// it is written.
    Custom(&'static str, fn(&mut Reader, &Scope, &Value, &mut Layer)),
}

/// The four ways a table may say where a password comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PasswordKey {
    /// `password`: written in the file.
    Plain,
    /// `password_env`: an environment variable.
    Env,
    /// `password_command`: what a command prints.
    Command,
    /// `password_file`: a private file's first line.
    File,
}

impl KeySpec {
    /// How the value is written, for the man page.
    pub(crate) fn written_as(&self) -> &'static str {
        match self.read {
            Read::Table => "a table",
            Read::Text(_) | Read::Name(_) | Read::ServerName(_) => "a string",
            Read::Address(_) | Read::PackageUrl(_) => "a URL",
            Read::Path(_) => "a path",
            Read::Flag(_) => "true or false",
            Read::Duration(..) => "a duration",
            Read::Count(..) => "a whole number",
            Read::Rate(_) => "a rate",
            Read::Labels(_) => "a table of strings",
            Read::Fingerprint(_) => "a fingerprint",
            Read::Password(PasswordKey::Command) => "a list of strings",
            Read::Password(PasswordKey::File) => "a path",
            Read::Password(_) => "a string",
            Read::Custom(written, _) => written,
        }
    }
}

/// Every key of `section`, in table order.
pub(crate) fn of(section: Section) -> impl Iterator<Item = &'static KeySpec> {
    KEYS.iter().filter(move |k| k.sections.contains(&section))
}

/// The names of the keys of `section`, in table order.
pub(crate) fn names(section: Section) -> Vec<&'static str> {
    of(section).map(|k| k.name).collect()
}

/// The key `name` of `section`, if that table has it.
pub(crate) fn find(section: Section, name: &str) -> Option<&'static KeySpec> {
    of(section).find(|k| k.name == name)
}

/// The key of `section` that a mistyped `written` most likely means: an alias, else the
/// nearest name.
pub(crate) fn suggest(section: Section, written: &str) -> Option<&'static str> {
    let lower = written.to_lowercase();
    if let Some(spec) = of(section).find(|k| k.aliases.contains(&lower.as_str())) {
        return Some(spec.name);
    }
    crate::text::suggest::best_match(&lower, &names(section))
}

#[cfg(test)]
mod tests;
