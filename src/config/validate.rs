//! From the raw tree to a [`Config`]: tables read, `[defaults]` applied, and the checks
//! that need more than one key or a look at the disk (missing files, loose permissions,
//! unset variables, duplicate names).
//!
//! The file-system checks run once per table, so fifty clusters inheriting one
//! `password_file` from `[defaults]` give one message, not fifty.

use std::collections::HashMap;
use std::path::Path;

use config::{Map, Value, ValueKind};
use reqwest::Url;

use super::error::ConfigError;
use super::paths::loose_mode;
use super::schema::{Layer, Reader, Scope};
use super::source::RawConfig;
use super::values;
use super::{
    ClusterConfig, Config, CredentialSource, DEFAULT_POLL_INTERVAL, DEFAULT_TIMEOUT,
    DownloadDefaults, Environment,
};

/// Validates everything in `raw`, read from `path`; either a whole config or every problem.
pub(super) fn build(path: &Path, raw: RawConfig, env: &Environment) -> Result<Config, ConfigError> {
    let mut reader = Reader::new(path, &raw.env, env);
    reader.problems.extend(raw.problems);
    let tree = &raw.tree;
    reader.unknown_keys(&Scope::Top, tree);

    let defaults = section(&mut reader, &Scope::Defaults, tree.get("defaults"));
    check_on_disk(&mut reader, &Scope::Defaults, &defaults);
    let download = download(section(&mut reader, &Scope::Download, tree.get("download")));
    let serve = super::serve::settings(&mut reader, tree.get("serve"));
    let validate =
        super::readiness::settings(section(&mut reader, &Scope::Validate, tree.get("validate")));

    let mut clusters = Vec::new();
    // By what the eye reads ([`crate::text::suggest::name_key`]): two names that differ
    // only in case, width or accent encoding look the same on every screen.
    let mut seen: HashMap<String, (usize, String)> = HashMap::new();
    for (index, t) in cluster_tables(&mut reader, tree.get("cluster"))
        .into_iter()
        .enumerate()
    {
        let name = match t.get("name").map(|v| &v.kind) {
            Some(ValueKind::String(name)) => Some(name.clone()),
            _ => None,
        };
        let scope = Scope::Cluster(index + 1, name);
        let layer = reader.layer(&scope, t);
        check_on_disk(&mut reader, &scope, &layer);
        if let Some(name) = &layer.name {
            let key = crate::text::suggest::name_key(name);
            if let Some((first, first_name)) = seen.get(&key) {
                let message = if first_name == name {
                    format!("{name:?} is also the name of [[cluster]] #{first}")
                } else {
                    format!(
                        "{name:?} reads the same as {first_name:?}, the name of [[cluster]] \
                         #{first}: they differ only in letter case, character width or how \
                         an accent is encoded"
                    )
                };
                reader.problem(&scope, "name", message, "give every cluster a unique name");
            } else {
                seen.insert(key, (index + 1, name.clone()));
            }
        }
        if let Some(cluster) = inherit(&mut reader, &scope, layer, &defaults) {
            clusters.push(cluster);
        }
    }

    same_address_different_read_only(&mut reader, &clusters);
    plain_http_warning(&mut reader, &clusters);
    reader
        .warnings
        .extend(super::serve::group_warning(path, &serve, &clusters));
    reader
        .warnings
        .extend(super::serve::label_clash_warning(path, &clusters));
    if let (Some(mode), false) = (raw.loose_mode, reader.plain_in_file.is_empty()) {
        reader.warnings.push(format!(
            "{file}: plain password in {tables}, and the file is readable by group or others \
             (mode {mode:o}) — run: chmod 600 {file}, or use password_command, password_env \
             or password_file",
            file = path.display(),
            tables = reader.plain_in_file.join(", "),
        ));
    }
    if !reader.problems.is_empty() {
        return Err(ConfigError::Invalid {
            path: path.to_owned(),
            problems: super::error::alike_once(reader.problems),
        });
    }
    Ok(Config {
        path: path.to_owned(),
        clusters,
        download,
        serve,
        validate,
        warnings: reader.warnings,
    })
}

/// Two clusters at one address, one read-only and one not: a download refused under one
/// name could be started under the other, so the config must say which it is.
///
/// Each cluster is held against the first earlier one at its address with the other
/// `read_only`, found in a map: comparing every pair cost 8 ms of a 1,000-cluster
/// `ontop status` (a third of its start-up) and grows with the square of the fleet.
fn same_address_different_read_only(reader: &mut Reader, clusters: &[ClusterConfig]) {
    // For each address, the first cluster there that is writable and the first that is
    // read-only.
    // An address with its TLS name: one proxy address routing by SNI is many clusters.
    let mut first: HashMap<(&Url, Option<&str>), [Option<usize>; 2]> = HashMap::new();
    // Clusters at the address of an earlier one with the same read_only: (earlier, it).
    let mut twice: Vec<(&str, &str)> = Vec::new();
    for (i, a) in clusters.iter().enumerate() {
        let seen = first
            .entry((&a.url, a.tls_server_name.as_deref()))
            .or_default();
        let clash = seen[usize::from(!a.read_only)].map(|j| &clusters[j]);
        match seen[usize::from(a.read_only)] {
            Some(j) => twice.push((&clusters[j].name, &a.name)),
            None => seen[usize::from(a.read_only)] = Some(i),
        }
        if let Some(b) = clash {
            let (ro, rw) = if a.read_only { (a, b) } else { (b, a) };
            let message = format!(
                "{:?} and {:?} are the same cluster ({}), but only {:?} is read_only",
                b.name,
                a.name,
                a.url.origin().ascii_serialization(),
                ro.name
            );
            let fix = format!(
                "set read_only = true on {:?} too, or remove one of the two",
                rw.name
            );
            let scope = Scope::Cluster(i + 1, Some(a.name.clone()));
            reader.problem(&scope, "read_only", message, fix);
        }
    }
    if !twice.is_empty() {
        let pairs: Vec<String> = (twice.iter().take(3))
            .map(|(a, b)| format!("{a:?} and {b:?}"))
            .collect();
        let more = match twice.len() {
            n if n > 3 => format!(" and {} more", n - 3),
            _ => String::new(),
        };
        reader.warnings.push(format!(
            "{}: the same address twice: {}{more}: one cluster, polled and counted twice; \
             remove one of each pair",
            reader.file.display(),
            pairs.join(", ")
        ));
    }
}

/// One warning for every cluster reached over plain `http://`: its password crosses the
/// network in clear with every request.
fn plain_http_warning(reader: &mut Reader, clusters: &[ClusterConfig]) {
    let plain: Vec<&str> = clusters
        .iter()
        .filter(|c| c.url.scheme() == "http")
        .map(|c| c.name.as_str())
        .collect();
    if plain.is_empty() {
        return;
    }
    let shown = if plain.len() > 5 {
        format!("{} and {} more", plain[..5].join(", "), plain.len() - 5)
    } else {
        plain.join(", ")
    };
    reader.warnings.push(format!(
        "{}: plain HTTP for {} ({shown}): the cluster password is sent unencrypted with every \
         request; use https:// (ONTAP serves HTTPS on the management address)",
        reader.file.display(),
        if plain.len() == 1 {
            "1 cluster".to_string()
        } else {
            format!("{} clusters", plain.len())
        },
    ));
}

/// `value` as a table, or a problem when it is something else.
pub(super) fn table<'v>(
    reader: &mut Reader,
    scope: &Scope,
    value: Option<&'v Value>,
) -> Option<&'v Map<String, Value>> {
    match &value?.kind {
        ValueKind::Table(t) => Some(t),
        _ => {
            let name = scope.to_string();
            let message = format!("expected a table, found {}", values::kind(value?));
            reader.problem(
                &Scope::Top,
                name.trim_matches(['[', ']']),
                message,
                format!("write it as a {name} section"),
            );
            None
        }
    }
}

/// The table at `value`, read as `scope`'s section; an empty [`Layer`] when the file
/// has none (or a problem when it is not a table).
pub(super) fn section(reader: &mut Reader, scope: &Scope, value: Option<&Value>) -> Layer {
    match table(reader, scope, value) {
        Some(t) => reader.layer(scope, t),
        None => Layer::default(),
    }
}

/// `[download]`, read.
fn download(layer: Layer) -> DownloadDefaults {
    DownloadDefaults {
        url: layer.url,
        username: layer.username,
        max_running: layer.max_running,
        mirrors: layer.mirrors,
        upload_rate: layer.upload_rate,
    }
}

/// The `[[cluster]]` tables, in file order; a problem when there are none.
fn cluster_tables<'v>(
    reader: &mut Reader,
    value: Option<&'v Value>,
) -> Vec<&'v Map<String, Value>> {
    let no_clusters = |reader: &mut Reader| {
        let fix = "add a [[cluster]] with name and url (ontop config init --path new.toml writes a starter to copy from), or try: ontop demo";
        reader.problem(
            &Scope::Top,
            "cluster",
            "no clusters configured".to_owned(),
            fix,
        );
    };
    let items = match value.map(|v| &v.kind) {
        None => {
            no_clusters(reader);
            return Vec::new();
        }
        Some(ValueKind::Array(items)) => items,
        Some(_) => {
            let message = "expected a list of [[cluster]] tables".to_owned();
            reader.problem(
                &Scope::Top,
                "cluster",
                message,
                "write each one as [[cluster]], with two brackets",
            );
            return Vec::new();
        }
    };
    if items.is_empty() {
        no_clusters(reader);
    }
    let mut tables = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match &item.kind {
            ValueKind::Table(t) => tables.push(t),
            _ => {
                let message = format!(
                    "entry #{} is {}, not a table",
                    index + 1,
                    values::kind(item)
                );
                reader.problem(
                    &Scope::Top,
                    "cluster",
                    message,
                    "write each cluster as a [[cluster]] section",
                );
            }
        }
    }
    tables
}

/// Checks what a table points at outside the file: variables, password files, CA files.
pub(super) fn check_on_disk(reader: &mut Reader, scope: &Scope, layer: &Layer) {
    match &layer.credential {
        Some(CredentialSource::Env(var)) => match reader.environment.var_os(var) {
            Some(value) if !value.is_empty() => {}
            found => {
                let state = if found.is_some() { "empty" } else { "not set" };
                let message = format!("environment variable {var} is {state}");
                let fix = format!(
                    "export {var}=... before starting ontop, or choose another password source"
                );
                reader.problem(scope, "password_env", message, fix);
            }
        },
        Some(CredentialSource::File(path)) => match std::fs::metadata(path) {
            Ok(meta) if !meta.is_file() => {
                let message = format!("{} is not a regular file", path.display());
                let fix = "point password_file at a plain file holding the password";
                reader.problem(scope, "password_file", message, fix);
            }
            Ok(meta) => {
                if let Some(mode) = loose_mode(&meta) {
                    let message = format!(
                        "{} is readable by group or others (mode {mode:o})",
                        path.display()
                    );
                    reader.problem(
                        scope,
                        "password_file",
                        message,
                        format!("run: chmod 600 {}", path.display()),
                    );
                }
            }
            Err(e) => {
                let message = format!("cannot read {}: {e}", path.display());
                reader.problem(
                    scope,
                    "password_file",
                    message,
                    "create the file (mode 600) or fix the path",
                );
            }
        },
        _ => {}
    }
    if let Some(path) = &layer.ca_file {
        let message = match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => None,
            Ok(_) => Some(format!("{} is not a regular file", path.display())),
            Err(e) => Some(format!("cannot read {}: {e}", path.display())),
        };
        if let Some(message) = message {
            let fix = "point it at the PEM file of the CA that signed the cluster certificates";
            reader.problem(scope, "ca_file", message, fix);
        }
    }
}

/// One cluster with `[defaults]` filled in, or problems for what is still missing.
/// A key that is present but wrong was reported already, so it is not also "missing".
fn inherit(
    reader: &mut Reader,
    scope: &Scope,
    own: Layer,
    defaults: &Layer,
) -> Option<ClusterConfig> {
    let written = |key: &str| own.written.contains(key) || defaults.written.contains(key);
    let mut missing = Vec::new();
    if !own.written.contains("name") {
        missing.push(("name", "add name = \"...\", a unique name for this cluster"));
    }
    if !own.written.contains("url") {
        missing.push(("url", "add url = \"https://<cluster management address>\""));
    }
    if !written("username") {
        missing.push(("username", "set username in [defaults] or in this cluster"));
    }
    for (key, fix) in missing {
        reader.problem(scope, key, format!("missing {key}"), fix);
    }
    // The more specific table wins: a cluster's insecure = true drops an inherited
    // ca_file or fingerprint, and a cluster's own ca_file or fingerprint turns off an
    // inherited insecure = true.
    let inherited_insecure = if own.ca_file.is_some() || own.fingerprint.is_some() {
        Some(false)
    } else {
        defaults.insecure
    };
    let insecure = own.insecure.or(inherited_insecure).unwrap_or(false);
    let (ca_file, fingerprint) = if insecure {
        (None, None)
    } else {
        (
            own.ca_file.or_else(|| defaults.ca_file.clone()),
            own.fingerprint.or(defaults.fingerprint),
        )
    };
    let mut labels = defaults.labels.clone();
    labels.extend(own.labels);
    let credential = own.credential.or_else(|| defaults.credential.clone());
    Some(ClusterConfig {
        name: own.name?,
        url: own.url?,
        username: own.username.or_else(|| defaults.username.clone())?,
        credential: credential.unwrap_or(CredentialSource::Prompt),
        ca_file,
        insecure,
        poll_interval: own
            .poll_interval
            .or(defaults.poll_interval)
            .unwrap_or(DEFAULT_POLL_INTERVAL),
        packages_interval: own
            .packages_interval
            .or(defaults.packages_interval)
            .unwrap_or(super::DEFAULT_PACKAGES_INTERVAL),
        timeout: own.timeout.or(defaults.timeout).unwrap_or(DEFAULT_TIMEOUT),
        labels,
        read_only: own.read_only.or(defaults.read_only).unwrap_or(false),
        fingerprint,
        tls_server_name: own.tls_server_name,
    })
}
