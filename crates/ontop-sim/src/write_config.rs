//! Writing a dashboard config that points at a running simulated fleet.
//!
//! `ontop sim --write-config PATH` hands the dashboard (or a script) everything
//! it needs: credentials, the CA file, the default package URL and one
//! `[[cluster]]` per simulated cluster. The CA goes beside the config as
//! `<stem>-ca.pem`; with self-signed certificates there is no CA, and each
//! cluster's own certificate goes beside it as `<stem>-<cluster>.pem`, that
//! cluster's `ca_file`. Every file is written to `NAME.tmp` first and renamed, so
//! a reader polling for the file never sees half of it; the config is mode 0600
//! because it holds the (lab-only) password.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::SimFleet;

#[derive(Serialize)]
struct File {
    defaults: Defaults,
    download: Download,
    cluster: Vec<Cluster>,
}

#[derive(Serialize)]
struct Defaults {
    username: String,
    password: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    ca_file: Option<String>,
}

#[derive(Serialize)]
struct Download {
    url: String,
}

#[derive(Serialize)]
struct Cluster {
    name: String,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    ca_file: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: BTreeMap<String, String>,
}

/// The path the CA is written to for a config at `config`: `<stem>-ca.pem` beside it.
pub(crate) fn ca_path(config: &Path) -> PathBuf {
    let stem = config
        .file_stem()
        .map_or_else(|| "ontop-sim".into(), |s| s.to_string_lossy().into_owned());
    config.with_file_name(format!("{stem}-ca.pem"))
}

/// The path a self-signed cluster's certificate is written to: `<stem>-<cluster>.pem`.
pub(crate) fn cluster_cert_path(config: &Path, cluster: &str) -> PathBuf {
    let stem = config
        .file_stem()
        .map_or_else(|| "ontop-sim".into(), |s| s.to_string_lossy().into_owned());
    let cluster: String = cluster
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    config.with_file_name(format!("{stem}-{cluster}.pem"))
}

/// Writes the config (and the CA or each cluster's certificate, with HTTPS) for
/// `fleet` at `path`.
pub(crate) async fn write(fleet: &SimFleet, path: &Path) -> io::Result<()> {
    let path = std::path::absolute(path)?;
    let ca_file = match fleet.ca_pem() {
        Some(pem) => {
            let ca = ca_path(&path);
            write_atomically(&ca, pem.as_bytes(), 0o644).await?;
            Some(ca.to_string_lossy().into_owned())
        }
        None => None,
    };
    let mut clusters = Vec::new();
    for c in fleet.clusters() {
        // No CA: each cluster's own certificate is what it is trusted by.
        let own = match (fleet.ca_pem(), fleet.cert_pem_of(&c.name)) {
            (None, Some(pem)) => {
                let file = cluster_cert_path(&path, &c.name);
                write_atomically(&file, pem.as_bytes(), 0o644).await?;
                Some(file.to_string_lossy().into_owned())
            }
            _ => None,
        };
        clusters.push(Cluster {
            name: c.name,
            url: c.url,
            ca_file: own,
            labels: c.labels.into_iter().collect(),
        });
    }
    let file = File {
        defaults: Defaults {
            username: fleet.username().to_string(),
            password: fleet.password().to_string(),
            ca_file,
        },
        download: Download {
            url: fleet.default_package_url(),
        },
        cluster: clusters,
    };
    let text = toml::to_string(&file).map_err(io::Error::other)?;
    let text = format!(
        "# Written by `ontop sim` for a simulated fleet; the password is a lab fixture.\n{text}"
    );
    write_atomically(&path, text.as_bytes(), 0o600).await
}

/// Writes `PATH.tmp` with `mode`, flushes it, then renames it over `PATH`.
async fn write_atomically(path: &Path, data: &[u8], mode: u32) -> io::Result<()> {
    use tokio::io::AsyncWriteExt;

    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(&tmp).await?;
    // `mode` only applies when the file is created: a stale .tmp keeps its own.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(mode))
            .await?;
    }
    file.write_all(data).await?;
    file.sync_all().await?;
    drop(file);
    tokio::fs::rename(&tmp, path).await
}
