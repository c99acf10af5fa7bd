//! Why `ontop serve` could not start: each error names the `[serve]` key, the file or the
//! address, and what to do about it.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::config::ConfigError;
use crate::files::ReadError;

/// Why `ontop serve` did not start (the reasons are [`Why`]'s, inside the crate).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct StartError(#[from] Why);

impl From<ConfigError> for StartError {
    fn from(e: ConfigError) -> Self {
        Self(Why::Password(e))
    }
}

/// The reasons `ontop serve` did not start.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Why {
    /// The login's password source gave no password.
    #[error(transparent)]
    Password(ConfigError),
    /// A certificate or key file could not be read.
    #[error("[serve] cannot read {}: {source}", path.display())]
    Unreadable { path: PathBuf, source: ReadError },
    /// `tls_cert_file` holds something that is not PEM.
    #[error("[serve] tls_cert_file {}: not PEM certificates ({reason})", path.display())]
    NotPem { path: PathBuf, reason: String },
    /// `tls_cert_file` holds no certificate.
    #[error(
        "[serve] tls_cert_file {}: no certificate in it (expected -----BEGIN CERTIFICATE-----)",
        path.display()
    )]
    NoCertificate { path: PathBuf },
    /// `tls_key_file` holds no private key.
    #[error("[serve] tls_key_file {}: no private key in it ({reason})", path.display())]
    NoKey { path: PathBuf, reason: String },
    /// rustls refused its own defaults (not expected).
    #[error("[serve] TLS: {0}")]
    Tls(rustls::Error),
    /// The key is not the certificate's.
    #[error("[serve] the certificate and key do not go together: {0}")]
    Mismatch(rustls::Error),
    /// The address could not be bound.
    #[error(
        "cannot listen on {addr}: {source} (another ontop serve, or an exporter, may hold the \
         port: choose one with --listen)"
    )]
    Listen { addr: SocketAddr, source: io::Error },
    /// The bound socket has no address (not expected).
    #[error("{0}")]
    Address(io::Error),
}
