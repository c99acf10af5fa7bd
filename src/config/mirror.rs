//! `[[download.mirror]]`: a site's own package server, holding the same files as the
//! default one. A start fetches each cluster's package from the first mirror whose
//! labels the cluster has (else from the URL as given), with the mirror's own
//! credentials when it has any.
//!
//! ```toml
//! [[download.mirror]]
//! labels = { site = "ams" }
//! base = "https://pkgs-ams.example.com/ontap/"
//! ```

use std::collections::BTreeMap;

use config::{Map, Value, ValueKind};
use reqwest::Url;

use super::schema::{Layer, Reader, Scope};
use super::validate::check_on_disk;
use super::{ClusterConfig, CredentialSource};

/// One site's package server.
#[derive(Clone, Debug)]
pub struct Mirror {
    /// The labels a cluster must have (all of them) to fetch from here.
    pub labels: BTreeMap<String, String>,
    /// The directory the package files are in: a URL ending with `/`.
    pub base: Url,
    /// The mirror server's own user, when it needs one.
    pub username: Option<String>,
    /// Where that user's password comes from.
    pub credential: Option<CredentialSource>,
}

impl PartialEq for Mirror {
    fn eq(&self, other: &Self) -> bool {
        self.labels == other.labels && self.base == other.base && self.username == other.username
    }
}

impl Eq for Mirror {}

impl Mirror {
    /// Whether `labels` (a cluster's) hold every label of this mirror.
    pub(crate) fn serves(&self, labels: &BTreeMap<String, String>) -> bool {
        self.labels.iter().all(|(k, v)| labels.get(k) == Some(v))
    }

    /// The labels as written: `site=ams env=prod`.
    pub(crate) fn selector(&self) -> String {
        let pairs: Vec<String> = self
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        pairs.join(" ")
    }
}

/// The index of the first mirror that serves a cluster with `labels`, if any.
pub(crate) fn mirror_for(mirrors: &[Mirror], labels: &BTreeMap<String, String>) -> Option<usize> {
    mirrors.iter().position(|m| m.serves(labels))
}

/// The mirrors that serve no configured cluster, and the clusters no mirror serves (both
/// empty when there are no mirrors): what `config check` names.
pub(crate) fn coverage<'a>(
    mirrors: &'a [Mirror],
    clusters: &'a [ClusterConfig],
) -> (Vec<&'a Mirror>, Vec<&'a str>) {
    if mirrors.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let idle = mirrors
        .iter()
        .filter(|m| !clusters.iter().any(|c| m.serves(&c.labels)))
        .collect();
    let unserved = clusters
        .iter()
        .filter(|c| mirror_for(mirrors, &c.labels).is_none())
        .map(|c| c.name.as_str())
        .collect();
    (idle, unserved)
}

/// Reads `[[download.mirror]]` (`value` is the `mirror` key of `[download]`).
pub(super) fn read(reader: &mut Reader, _: &Scope, value: &Value, layer: &mut Layer) {
    layer.mirrors = mirrors(reader, value);
}

fn mirrors(reader: &mut Reader, value: &Value) -> Vec<Mirror> {
    let ValueKind::Array(items) = &value.kind else {
        let message = "expected a list of [[download.mirror]] tables".to_owned();
        reader.problem(
            &Scope::Download,
            "mirror",
            message,
            "write each one as [[download.mirror]], with two brackets",
        );
        return Vec::new();
    };
    let mut mirrors = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let scope = Scope::Mirror(index + 1);
        let ValueKind::Table(t) = &item.kind else {
            let fix = "write each mirror as a [[download.mirror]] section";
            reader.problem(&scope, "mirror", "not a table".to_owned(), fix);
            continue;
        };
        if let Some(mirror) = one(reader, &scope, t) {
            mirrors.push(mirror);
        }
    }
    mirrors
}

fn one(reader: &mut Reader, scope: &Scope, t: &Map<String, Value>) -> Option<Mirror> {
    // Username and password sources are read as a cluster's are.
    let layer = reader.layer(scope, t);
    check_on_disk(reader, scope, &layer);
    if layer.labels.is_empty() {
        let message = "a mirror needs the labels of the clusters it serves".to_owned();
        let fix = "add labels = { site = \"ams\" } (a cluster with all of them fetches here)";
        reader.problem(scope, "labels", message, fix);
    }
    if !layer.written.contains("base") {
        let message = "a mirror needs the directory its packages are in".to_owned();
        let fix = "add base = \"https://pkgs-ams.example.com/ontap/\"";
        reader.problem(scope, "base", message, fix);
    }
    if layer.credential.is_some() && layer.username.is_none() {
        let message = "a password for the mirror needs its username".to_owned();
        reader.problem(scope, "username", message, "add username = \"fetch\"");
    }
    Some(Mirror {
        labels: (!layer.labels.is_empty()).then_some(layer.labels)?,
        base: layer.base?,
        username: layer.username,
        credential: layer.credential,
    })
}

/// A mirror's `base`, read into its layer.
pub(super) fn base(reader: &mut Reader, scope: &Scope, value: &Value, layer: &mut Layer) {
    layer.base = base_url(reader, scope, value);
}

/// A directory URL: a scheme ONTAP fetches from, a server, a path that ends with `/`,
/// no credentials in it (they go in username and a password source).
fn base_url(reader: &mut Reader, scope: &Scope, value: &Value) -> Option<Url> {
    let text = reader.text(scope, "base", value)?;
    let fix =
        "write the directory's URL, ending with /, e.g. \"https://pkgs-ams.example.com/ontap/\"";
    let url = match Url::parse(text.trim()) {
        Ok(url) => url,
        Err(e) => {
            reader.problem(scope, "base", format!("not a valid URL ({e})"), fix);
            return None;
        }
    };
    let problem = if !crate::download::spec::SCHEMES.contains(&url.scheme()) {
        Some(format!("unsupported scheme {:?}", url.scheme()))
    } else if url.host_str().is_none() && url.scheme() != "file" {
        Some("the URL names no server".to_owned())
    } else if !url.path().ends_with('/') {
        Some("the URL is not a directory (it must end with /)".to_owned())
    } else if url.password().is_some() || !url.username().is_empty() {
        Some("the URL holds credentials: put them in username and password_file".to_owned())
    } else if url.query().is_some() {
        Some("the URL holds a query; a mirror's base is a plain directory".to_owned())
    } else {
        None
    };
    match problem {
        Some(message) => {
            reader.problem(scope, "base", message, fix);
            None
        }
        None => Some(url),
    }
}
