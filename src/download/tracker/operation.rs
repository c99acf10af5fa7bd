//! What a followed operation does to its cluster ([`Operation`]), and its kind: one
//! operation of each kind is followed per cluster at a time.

/// What a followed operation does to its cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// Fetches a package from a server. The URL (masked) and the server's user are what
    /// ontop asked for; `None` for a download it only attached to (someone else's).
    Download {
        url: Option<String>,
        server_username: Option<String>,
    },
    /// Removes a release's package from the cluster's repository.
    Removal { version: String },
    /// Sends an image from this host (`POST /cluster/software/upload`).
    Upload(UploadFile),
    /// Checks whether an update to a release the cluster holds would go through
    /// (`PATCH /cluster/software?validate_only=true`); its results are read after its job.
    Validation { version: String },
}

/// The image an upload sends: what the confirmation, the audit log and every progress
/// line name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadFile {
    /// The file name the cluster is sent (its release is read from it).
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, lowercase hex, computed before anything was sent.
    pub sha256: String,
}

/// The kinds of operation, one followed per kind and cluster at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OperationKind {
    Download,
    Removal,
    Validation,
}

impl OperationKind {
    /// Every kind, in the order views list them.
    pub const ALL: [Self; 3] = [Self::Download, Self::Removal, Self::Validation];
}

impl Operation {
    /// A download ontop asks for.
    pub fn download(url: String, server_username: Option<String>) -> Self {
        Self::Download {
            url: Some(url),
            server_username,
        }
    }

    /// Which kind it is: an upload takes the place of a download (one package at a time
    /// gets onto a cluster, and the JOB column shows it).
    pub(crate) fn kind(&self) -> OperationKind {
        match self {
            Self::Download { .. } | Self::Upload(_) => OperationKind::Download,
            Self::Removal { .. } => OperationKind::Removal,
            Self::Validation { .. } => OperationKind::Validation,
        }
    }

    /// The image an upload sends.
    pub(crate) fn upload(&self) -> Option<&UploadFile> {
        match self {
            Self::Upload(file) => Some(file),
            _ => None,
        }
    }

    /// The URL (masked) for the audit log, `-` when there is none.
    pub(crate) fn url(&self) -> &str {
        match self {
            Self::Download { url: Some(url), .. } => url,
            _ => "-",
        }
    }

    /// The package server's user, when ontop gave one.
    pub(crate) fn server_username(&self) -> Option<&str> {
        match self {
            Self::Download {
                server_username, ..
            } => server_username.as_deref(),
            Self::Removal { .. } | Self::Upload(_) | Self::Validation { .. } => None,
        }
    }

    /// The release a removal or a validation is about.
    pub(crate) fn version(&self) -> Option<&str> {
        match self {
            Self::Removal { version } | Self::Validation { version } => Some(version),
            Self::Download { .. } | Self::Upload(_) => None,
        }
    }
}
