//! The ONTAP REST client: the only code in ontop that speaks to a cluster.
//!
//! - [`client`]: one reusable [`Client`] per cluster (basic auth, TLS, timeouts);
//! - `login`: the credentials, and the logins the cluster refused (never sent twice);
//! - [`model`]: the wire types, forgiving in what they accept;
//! - [`error`]: one error type with a kind, and the table of ONTAP codes and hints;
//! - [`tls`]: the trust rules for cluster certificates, and [`verify`] the checks;
//! - [`certificate`]: fingerprints and what a certificate says (names, expiry).

mod answer;
pub mod certificate;
pub mod client;
pub mod codes;
pub mod error;
mod login;
pub mod model;
pub mod software;
pub mod tls;
mod transport;
pub mod verify;

pub use certificate::{
    CertificateDetails, CertificateFacts, EXPIRY_WARNING_DAYS, Fingerprint, FingerprintError,
};
pub use client::{Client, ClientSettings};
pub use codes::{hint_for_code, meaning_of_code};
pub use error::{ErrorKind, OntapError};
pub use login::PasswordChange;
pub use model::{
    ClusterInfo, DownloadRequest, DownloadStarted, DownloadState, DownloadStatus, Job, JobList,
    JobState, Package, PackageList,
};
pub use tls::TlsTrust;
pub use verify::CertificateChanged;

pub(crate) use transport::{not_signed_by_a_trusted_ca, pin_changed};
