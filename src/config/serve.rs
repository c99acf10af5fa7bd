//! The `[serve]` table: where `ontop serve` listens, the login a scraper or browser must
//! give, the certificate it is served with, and the label its status page groups by. Plain keys in the ontop config (rather
//! than an exporter-toolkit web config) so that one file, one validation and one
//! `config check` cover all of ontop, and the password comes from the same sources a
//! cluster's does.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use config::Value;

use super::CredentialSource;
use super::paths::loose_mode;
use super::schema::{Layer, Reader, Scope};
use super::validate::{check_on_disk, section};

/// Loopback only: what `ontop serve` binds unless the config or `--listen` says otherwise
/// (nobody else on the network sees cluster names and states by accident).
pub(crate) const DEFAULT_LISTEN: &str = "127.0.0.1:9464";

/// How `ontop serve` is reached. Everything is optional: with nothing set it listens on
/// loopback, plain HTTP, without a login.
#[derive(Clone, Debug, Default)]
pub struct ServeSettings {
    /// `listen = "ip:port"`; `--listen` wins over it.
    pub listen: Option<SocketAddr>,
    /// `username` and a password source: every request must log in with them (basic
    /// auth), `/healthz` included.
    pub basic_auth: Option<ServeLogin>,
    /// `tls_cert_file` and `tls_key_file` (PEM): served over HTTPS with them.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// `group = "site"`: the label the status page groups its rows by, unless the page
    /// is asked for another (`?group=`).
    pub group: Option<String>,
}

/// The one login `ontop serve` takes (basic auth).
#[derive(Clone, Debug)]
pub struct ServeLogin {
    /// `username`: who scrapers log in as.
    pub user: String,
    /// Where its password comes from (`password_file`, `password_env`, ...).
    pub password: CredentialSource,
}

/// Reads `[serve]`; problems go to `reader`.
pub(super) fn settings(reader: &mut Reader, value: Option<&Value>) -> ServeSettings {
    let scope = Scope::Serve;
    // Username and password sources are read as a cluster's are (one source at most,
    // files and variables checked on disk).
    let layer = section(reader, &scope, value);
    check_on_disk(reader, &scope, &layer);
    let tls = tls(reader, &scope, &layer);
    let basic_auth = match (layer.username, layer.credential) {
        (Some(user), Some(_)) if user.contains(':') => {
            let message = "a basic-auth username cannot hold ':'".to_owned();
            reader.problem(&scope, "username", message, "choose a name without ':'");
            None
        }
        (Some(user), Some(password)) => Some(ServeLogin { user, password }),
        (None, None) => None,
        (Some(_), None) => {
            let message = "a login for ontop serve needs a password source".to_owned();
            let fix = "add password_file (or password_env, password_command) to [serve]";
            reader.problem(&scope, "username", message, fix);
            None
        }
        (None, Some(_)) => {
            let message = "a password for ontop serve needs a username".to_owned();
            let fix = "add username = \"prometheus\" (the user scrapers log in as)";
            reader.problem(&scope, "username", message, fix);
            None
        }
    };
    ServeSettings {
        listen: layer.listen,
        basic_auth,
        tls,
        group: layer.group,
    }
}

/// `tls_cert_file` and `tls_key_file`: both readable files, or neither.
fn tls(reader: &mut Reader, scope: &Scope, layer: &Layer) -> Option<(PathBuf, PathBuf)> {
    let files = [
        ("tls_cert_file", &layer.tls_cert_file),
        ("tls_key_file", &layer.tls_key_file),
    ];
    for (key, path) in files {
        if let Some(path) = path.as_deref().filter(|p| !p.is_file()) {
            let message = format!("{} is not a readable file", path.display());
            let fix =
                "give the path of a PEM file (relative paths start at the config's directory)";
            reader.problem(scope, key, message, fix);
        }
    }
    if let Some(key) = &layer.tls_key_file
        && let Some(mode) = std::fs::metadata(key).ok().and_then(|m| loose_mode(&m))
    {
        let shown = key.display();
        reader.warnings.push(format!(
            "{}: [serve] tls_key_file {shown} is readable by group or others (mode {mode:o}) — run: chmod 600 {shown}",
            reader.file.display(),
        ));
    }
    match (&layer.tls_cert_file, &layer.tls_key_file) {
        (Some(cert), Some(key)) => Some((cert.clone(), key.clone())),
        _ => {
            for (have, missing) in [
                ("tls_cert_file", "tls_key_file"),
                ("tls_key_file", "tls_cert_file"),
            ] {
                if layer.written.contains(have) && !layer.written.contains(missing) {
                    let message = "HTTPS needs both a certificate and its key".to_owned();
                    let fix = format!("add {missing} = \"path/to/file.pem\", or remove {have}");
                    reader.problem(scope, missing, message, fix);
                }
            }
            None
        }
    }
}

/// `group = "site"`: a label name as `labels` allows them (whether a cluster has it is
/// checked once the clusters are read: [`group_warning`]).
pub(super) fn group(reader: &mut Reader, scope: &Scope, value: &Value, layer: &mut Layer) {
    let Some(text) = reader.text(scope, "group", value) else {
        return;
    };
    if text.chars().count() > super::MAX_NAME {
        let message = format!("a label name of {} characters", text.chars().count());
        let fix = "name the label the clusters carry, e.g. group = \"site\"";
        reader.problem(scope, "group", message, fix);
        return;
    }
    layer.group = Some(text);
}

/// A warning when no cluster carries the `[serve] group` label (a typo groups nothing).
pub(super) fn group_warning(
    file: &Path,
    serve: &ServeSettings,
    clusters: &[super::ClusterConfig],
) -> Option<String> {
    let group = serve.group.as_deref()?;
    let same = |key: &String| key.eq_ignore_ascii_case(group);
    if clusters.iter().any(|c| c.labels.keys().any(same)) {
        return None;
    }
    let mut keys: Vec<&str> = clusters
        .iter()
        .flat_map(|c| c.labels.keys().map(String::as_str))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    Some(format!(
        "{}: [serve] group = {group:?}: no cluster has a label {group:?}, so the status page shows one group{}",
        file.display(),
        crate::text::suggest::did_you_mean(group, &keys)
    ))
}

/// A warning for config label keys that one cluster holds and that become the same
/// metric label name ("a-b" and "a_b" are both `a_b`): `ontop serve` exports only the
/// first, so the other's value would be lost without a word.
pub(super) fn label_clash_warning(
    file: &Path,
    clusters: &[super::ClusterConfig],
) -> Option<String> {
    let mut clashes: Vec<String> = Vec::new();
    for cluster in clusters {
        let mut by_name: std::collections::BTreeMap<String, &str> = Default::default();
        for key in cluster.labels.keys() {
            let name = crate::serve::labels::label_name(key);
            match by_name.get(&name) {
                Some(first) => {
                    let clash = format!("{first:?} and {key:?} (both {name})");
                    if !clashes.contains(&clash) {
                        clashes.push(clash);
                    }
                }
                None => {
                    by_name.insert(name, key);
                }
            }
        }
    }
    let first = clashes.first()?;
    let more = match clashes.len() {
        1 => String::new(),
        n => format!(" and {} more such pairs", n - 1),
    };
    Some(format!(
        "{}: labels {first}{more} are one label in ontop serve's metrics, which keep only the first; rename one",
        file.display()
    ))
}

/// `"127.0.0.1:9464"` or `"[::1]:9464"`: an address and a port, no host name (binding
/// must not depend on a resolver).
pub(super) fn listen(reader: &mut Reader, scope: &Scope, value: &Value, layer: &mut Layer) {
    let Some(text) = reader.text(scope, "listen", value) else {
        return;
    };
    match text.parse::<SocketAddr>() {
        Ok(addr) => layer.listen = Some(addr),
        Err(_) => {
            let message = format!(
                "{:?} is not an IP address and port",
                crate::text::clean(&text)
            );
            let fix = format!(
                "write it like listen = \"{DEFAULT_LISTEN}\" (or \"0.0.0.0:9464\" for every interface)"
            );
            reader.problem(scope, "listen", message, fix);
        }
    }
}
