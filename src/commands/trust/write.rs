//! Writing pinned fingerprints into the config file without disturbing it.
//!
//! The file is edited with `toml_edit`, so comments, blank lines, key order and quoting
//! stay as the operator wrote them: the only change is one `fingerprint = "..."` line in
//! each pinned cluster's own table (replaced in place when it is already there), and an
//! `insecure = true` in that table turned to `false`, since a pin and "no verification"
//! contradict each other. The result is checked to load as a valid config before it
//! replaces the original, atomically (a temporary file beside it, then a rename), with
//! the original's permissions: the file may hold a password.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, TableLike, Value};

use crate::ontap::Fingerprint;

/// A fingerprint to pin for one cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pin {
    /// The cluster's `name` in the config.
    pub cluster: String,
    pub fingerprint: Fingerprint,
}

/// What [`write_pins`] changed, one line per change, for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Written {
    /// The file written (symbolic links followed).
    pub path: PathBuf,
    pub changes: Vec<String>,
}

/// Pins every fingerprint in `pins` into the config at `path`; see the module docs.
///
/// The error is a sentence for the operator; the file is then left as it was.
pub(crate) fn write_pins(path: &Path, pins: &[Pin]) -> Result<Written, String> {
    // Write where the link points, so that a symlinked config stays a symlink.
    let path = fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = fs::read_to_string(&path)
        .map_err(|e| format!("{}: cannot read it: {e}", path.display()))?;
    let (new_text, changes) =
        pin_in_text(&text, pins).map_err(|e| format!("{}: {e}", path.display()))?;
    replace_atomically(&path, new_text.as_bytes())?;
    Ok(Written { path, changes })
}

/// The edited text and a line per change; an error when a cluster has no table of its
/// own in the file (it may come from somewhere else) or the file is not TOML.
pub(crate) fn pin_in_text(text: &str, pins: &[Pin]) -> Result<(String, Vec<String>), String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("not valid TOML, nothing written: {e}"))?;
    let mut changes = Vec::new();
    for pin in pins {
        let table = cluster_table(&mut doc, &pin.cluster).ok_or_else(|| {
            format!(
                "no [[cluster]] with name = {:?} in the file, nothing written",
                pin.cluster
            )
        })?;
        let line = format!("fingerprint = \"{}\"", pin.fingerprint);
        set_keeping_decor(table, "fingerprint", &pin.fingerprint.to_string());
        changes.push(format!("{}: {line}", pin.cluster));
        if table.get("insecure").and_then(Item::as_bool) == Some(true) {
            if let Some(value) = table.get_mut("insecure").and_then(Item::as_value_mut) {
                let decor = value.decor().clone();
                *value = Value::from(false);
                *value.decor_mut() = decor;
            }
            changes.push(format!(
                "{}: insecure = false (the pin replaces it)",
                pin.cluster
            ));
        }
    }
    Ok((doc.to_string(), changes))
}

/// The `[[cluster]]` table (or inline table in `cluster = [...]`) named `name`.
fn cluster_table<'d>(doc: &'d mut DocumentMut, name: &str) -> Option<&'d mut dyn TableLike> {
    let named = |t: &dyn TableLike| t.get("name").and_then(Item::as_str) == Some(name);
    match doc.get_mut("cluster")? {
        Item::ArrayOfTables(tables) => tables
            .iter_mut()
            .find(|t| named(*t as &dyn TableLike))
            .map(|t| t as &mut dyn TableLike),
        Item::Value(Value::Array(items)) => items
            .iter_mut()
            .filter_map(Value::as_inline_table_mut)
            .find(|t| named(*t as &dyn TableLike))
            .map(|t| t as &mut dyn TableLike),
        _ => None,
    }
}

/// Sets `key` to the string `text`, keeping the spacing and trailing comment of a
/// value already there; a new key goes last in the table.
fn set_keeping_decor(table: &mut dyn TableLike, key: &str, text: &str) {
    if let Some(value) = table.get_mut(key).and_then(Item::as_value_mut) {
        let decor = value.decor().clone();
        *value = Value::from(text);
        *value.decor_mut() = decor;
        return;
    }
    table.insert(key, Item::Value(Value::from(text)));
}

/// Replaces `path` with `data`: a temporary file in the same directory with the same
/// permissions, flushed to disk, checked to load as a config, then renamed over it.
fn replace_atomically(path: &Path, data: &[u8]) -> Result<(), String> {
    let name = path
        .file_name()
        .map_or_else(|| "config".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.ontop-{}.tmp", std::process::id()));
    let permissions = fs::metadata(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .permissions();
    let result = (|| {
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            options.mode(permissions.mode() & 0o7777);
        }
        let mut file = options
            .open(&tmp)
            .map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
        // The mode given at creation is reduced by the umask: set it exactly.
        file.set_permissions(permissions.clone())
            .and_then(|()| file.write_all(data))
            .and_then(|()| file.sync_all())
            .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        crate::config::load_from(&tmp)
            .map_err(|e| format!("the edited config would not load, nothing written:\n{e}"))?;
        fs::rename(&tmp, path).map_err(|e| format!("cannot replace {}: {e}", path.display()))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str = "sha256:3A:9F:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD";

    fn pin(cluster: &str) -> Pin {
        Pin {
            cluster: cluster.into(),
            fingerprint: FP.parse().unwrap(),
        }
    }

    #[test]
    fn a_pin_is_one_added_line_in_the_clusters_own_table() {
        let text = "# fleet\n[defaults]\nusername = \"u\" # who\n\n[[cluster]]\nname = \"a\"\nurl = \"https://a\"\n\n# the lab\n[[cluster]]\nname = \"b\"   # lab box\nurl = \"https://b\"\n";
        let (new, changes) = pin_in_text(text, &[pin("a")]).unwrap();
        let expected = text.replace(
            "url = \"https://a\"\n",
            &format!("url = \"https://a\"\nfingerprint = \"{FP}\"\n"),
        );
        assert_eq!(new, expected);
        assert_eq!(changes, [format!("a: fingerprint = \"{FP}\"")]);
    }

    #[test]
    fn an_existing_pin_is_replaced_in_place_and_insecure_is_turned_off() {
        let text = "[[cluster]]\nname = \"a\"\nfingerprint = \"sha256:00\"  # old\ninsecure = true # lab\nurl = \"https://a\"\n";
        let (new, changes) = pin_in_text(text, &[pin("a")]).unwrap();
        assert_eq!(
            new,
            format!(
                "[[cluster]]\nname = \"a\"\nfingerprint = \"{FP}\"  # old\ninsecure = false # lab\nurl = \"https://a\"\n"
            )
        );
        assert_eq!(changes.len(), 2);
    }

    #[test]
    fn inline_cluster_tables_are_found_too_and_unknown_names_refused() {
        let text = "cluster = [{ name = \"a\", url = \"https://a\" }]\n";
        let (new, _) = pin_in_text(text, &[pin("a")]).unwrap();
        assert!(new.contains(&format!("fingerprint = \"{FP}\"")), "{new}");
        let err = pin_in_text(text, &[pin("zz")]).unwrap_err();
        assert!(err.contains("\"zz\""), "{err}");
    }
}
