//! From configured clusters to ready clients.
//!
//! A cluster whose client cannot be built (an unreadable `ca_file`, a password command
//! that fails) still becomes a [`Target`], carrying its error, so that it shows up as a
//! failing row rather than stopping the whole fleet.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use crate::config::{ClusterConfig, Config, ConfigError, CredentialSource, Credentials};
use crate::ontap::{Client, ClientSettings, ErrorKind, OntapError, TlsTrust};

/// How long to wait for TCP + TLS before calling a cluster unreachable. Short on
/// purpose: the whole request timeout is for slow answers, not dead addresses.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// One cluster as the fleet sees it: who it is, and a client or the reason for none.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub url: String,
    /// The cluster's labels from the config (which site mirror it fetches from).
    pub labels: std::collections::BTreeMap<String, String>,
    pub client: Result<Arc<Client>, OntapError>,
    /// How to read the password again after a 401 (it may have been rotated), for the
    /// sources that can change while ontop runs: a file, a command.
    pub reauth: Option<Reauth>,
}

/// Re-reads a cluster's password from its source, bypassing the cache. Blocking (a
/// password command may run): pollers call it on a blocking thread.
#[derive(Clone)]
pub struct Reauth {
    read: Arc<dyn Fn() -> Result<SecretString, String> + Send + Sync>,
    source: String,
}

impl Reauth {
    /// Re-reading `cluster`'s source through the shared credential cache; `None` for
    /// a source that cannot change while ontop runs (a password in the config, an
    /// environment variable, the prompt at start).
    pub(crate) fn new(credentials: Arc<Credentials>, cluster: ClusterConfig) -> Option<Self> {
        if !matches!(
            cluster.credential,
            CredentialSource::File(_) | CredentialSource::Command(_)
        ) {
            return None;
        }
        let source = cluster.credential.describe();
        Some(Self {
            read: Arc::new(move || {
                credentials.forget(&cluster);
                credentials
                    .password_for(&cluster)
                    .map_err(|e| e.to_string())
            }),
            source,
        })
    }

    /// The password as the source gives it now.
    pub(crate) fn password(&self) -> Result<SecretString, String> {
        (self.read)()
    }

    /// The source, as the config names it: `password_file "/etc/ontop/pw"`.
    pub(crate) fn source(&self) -> &str {
        &self.source
    }
}

impl std::fmt::Debug for Reauth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reauth")
    }
}

/// Gives every target a way to re-read its password after a 401, for long-lived
/// pollers (a one-shot sweep does not need it).
pub fn with_reauth(targets: &mut [Target], config: &Config, credentials: &Arc<Credentials>) {
    for (target, cluster) in targets.iter_mut().zip(&config.clusters) {
        target.reauth = Reauth::new(credentials.clone(), cluster.clone());
    }
}

/// Whether this run of ontop may send changes at all, above what each cluster's own
/// `read_only` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Session {
    /// `--read-only`, or a command that only reads: every client refuses to send a change.
    ReadOnly,
    /// Each cluster's own `read_only` decides.
    AsConfigured,
}

impl Session {
    /// From the `--read-only` flag.
    pub fn from_flag(read_only: bool) -> Self {
        if read_only {
            Self::ReadOnly
        } else {
            Self::AsConfigured
        }
    }

    /// Whether a cluster configured with `read_only` takes no change in this session:
    /// the one rule every plan, client and skip says "read-only" by.
    pub(crate) fn keeps_read_only(self, configured: bool) -> bool {
        self == Self::ReadOnly || configured
    }
}

/// Builds a target per configured cluster, resolving each credential source once (all
/// of them at the same time). In a [`Session::ReadOnly`] every client refuses to send a
/// change.
pub fn targets_from_config(
    config: &Config,
    credentials: &Credentials,
    session: Session,
) -> Vec<Target> {
    credentials.resolve_all(&config.clusters);
    config
        .clusters
        .iter()
        .map(|cluster| Target {
            name: cluster.name.clone(),
            url: cluster.url.to_string(),
            labels: cluster.labels.clone(),
            client: client_for(cluster, credentials, session).map(Arc::new),
            reauth: None,
        })
        .collect()
}

fn client_for(
    cluster: &ClusterConfig,
    credentials: &Credentials,
    session: Session,
) -> Result<Client, OntapError> {
    let password = credentials.password_for(cluster).map_err(|e| {
        // The error names the cluster already; the OntapError names it once, in front.
        let message = match e {
            ConfigError::Credential {
                source_desc,
                message,
                fix,
                ..
            } => format!("{source_desc}: {message} — {fix}"),
            other => other.to_string(),
        };
        OntapError::new(&cluster.name, ErrorKind::Password, message)
    })?;
    Client::new(ClientSettings {
        name: cluster.name.clone(),
        url: cluster.url.clone(),
        username: cluster.username.clone(),
        password,
        trust: trust_for(cluster),
        tls_server_name: cluster.tls_server_name.clone(),
        timeout: cluster.timeout,
        connect_timeout: CONNECT_TIMEOUT.min(cluster.timeout),
        read_only: session.keeps_read_only(cluster.read_only),
    })
}

/// How a configured cluster's certificate is trusted. A pin decides alone (a `ca_file`
/// inherited from `[defaults]` must not veto a cluster's own pinned certificate);
/// `insecure = true` never meets a pin or a `ca_file` here (the config resolved that).
pub fn trust_for(cluster: &ClusterConfig) -> TlsTrust {
    if cluster.insecure {
        TlsTrust::Insecure
    } else if let Some(fingerprint) = cluster.fingerprint {
        TlsTrust::Pinned(fingerprint)
    } else if let Some(ca) = &cluster.ca_file {
        TlsTrust::CaFile(ca.clone())
    } else {
        TlsTrust::System
    }
}
