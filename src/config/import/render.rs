//! The imported config as TOML, made with `toml_edit`: the library quotes and escapes
//! every key and value, and the notes travel as comments (a key's decor) above the key
//! they are about, or at the top of the cluster's table.

use std::path::Path;

use jiff::Timestamp;
use secrecy::ExposeSecret;
use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, value};

use super::auth::Password;
use super::mapping::Cluster;
use crate::text::clean;

/// Comment lines are wrapped at this width (a word longer than that stays whole).
const COMMENT_WIDTH: usize = 88;

/// What the config says at the top, and its clusters.
pub(super) struct Document<'a> {
    /// The `harvest.yml` it was made from (absolute).
    pub source: &'a Path,
    /// When it was made.
    pub generated: Timestamp,
    /// What was not imported from the file as a whole (sections, Defaults, pollers).
    pub notes: &'a [String],
    /// One `[[cluster]]` each, in the order of the pollers.
    pub clusters: &'a [Cluster],
    /// Whether a password is written in plain text.
    pub plain_passwords: bool,
}

/// The whole config as TOML text.
pub(super) fn render(doc: &Document) -> String {
    let mut tables = ArrayOfTables::new();
    for (index, cluster) in doc.clusters.iter().enumerate() {
        let mut table = cluster_table(cluster);
        let prefix = if index == 0 {
            header(doc)
        } else {
            String::new()
        };
        table.decor_mut().set_prefix(format!("{prefix}\n"));
        tables.push(table);
    }
    let mut out = DocumentMut::new();
    out.insert("cluster", Item::ArrayOfTables(tables));
    out.to_string()
}

/// The comment block at the top: where it came from, when, how safe it is, what was left.
fn header(doc: &Document) -> String {
    let source = doc.source.display().to_string();
    let when = Timestamp::from_second(doc.generated.as_second()).unwrap_or(doc.generated);
    let mut text = comment(&format!(
        "ontop config made by `ontop config import` from {source} at {when}. Check it with: ontop config check --config THIS_FILE"
    ));
    text.push_str(&comment(if doc.plain_passwords {
        "It holds passwords copied from harvest.yml in plain text: keep it private (chmod 600 THIS_FILE), or better replace them with password_command or password_file."
    } else {
        "It holds no password in plain text; still, keep it private (chmod 600 THIS_FILE)."
    }));
    text.push_str(&comment(
        "Harvest's Defaults are applied to each cluster as Harvest applies them: a poller's own value wins, and its own labels replace those of Defaults.",
    ));
    if !doc.notes.is_empty() {
        text.push_str("#\n# Not imported:\n");
        for note in doc.notes {
            text.push_str(&comment(&format!("- {note}")));
        }
    }
    text
}

/// One `[[cluster]]`, its notes first.
fn cluster_table(c: &Cluster) -> Table {
    let mut t = Table::new();
    t.insert("name", value(&c.name));
    t.insert("url", value(&c.url));
    t.insert("username", value(&c.username));
    match &c.password {
        Password::Plain(secret) => {
            t.insert("password", value(secret.expose_secret()));
            note(
                &mut t,
                "password",
                &["Copied from harvest.yml as it is, in plain text. Better: password_command, password_file or password_env (ontop config init shows each).".to_owned()],
            );
        }
        Password::Env(var) => {
            t.insert("password_env", value(var));
            let line =
                format!("harvest.yml names the variable {var} for the password; so does this.");
            note(&mut t, "password_env", &[line]);
        }
        Password::Command { argv, notes } => {
            t.insert("password_command", value(argv.iter().collect::<Array>()));
            note(&mut t, "password_command", notes);
        }
        Password::None => {}
    }
    if let Some(ca_file) = &c.ca_file {
        t.insert("ca_file", value(ca_file));
    }
    if c.insecure {
        t.insert("insecure", value(true));
        let line = format!(
            "use_insecure_tls: true: the certificate is not verified. `ontop trust {} --write` pins it instead.",
            c.name
        );
        note(&mut t, "insecure", &[line]);
    }
    if let Some(timeout) = &c.timeout {
        t.insert("timeout", value(timeout));
    }
    if !c.labels.is_empty() {
        let mut labels = InlineTable::new();
        for (key, label) in &c.labels {
            labels.insert(key, label.into());
        }
        t.insert("labels", value(labels));
    }
    note(&mut t, "name", &c.notes);
    t
}

/// Puts `lines` as comments right above `key` of `table`.
fn note(table: &mut Table, key: &str, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    let text: String = lines.iter().map(|line| comment(line)).collect();
    if let Some(mut key) = table.key_mut(key) {
        key.leaf_decor_mut().set_prefix(text);
    }
}

/// `text` as `#` comment lines: cleaned (no control character can end a comment or
/// reach a terminal), wrapped at [`COMMENT_WIDTH`], continuation lines indented.
fn comment(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in clean(text).split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > COMMENT_WIDTH {
            out.push_str(&format!("# {line}\n"));
            line = "  ".to_owned();
        }
        if !line.trim().is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&format!("# {line}\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_wrapped_and_cannot_break_out_of_their_line() {
        let text = comment(&format!(
            "{}\nname = \"injected\" \u{1b}[31m",
            "word ".repeat(30)
        ));
        for line in text.lines() {
            assert!(line.starts_with("# "), "{text}");
            assert!(line.chars().count() <= COMMENT_WIDTH + 2, "{text}");
        }
        assert!(!text.contains('\u{1b}'));
    }
}
