//! The ONTAP REST client: the only code in ontop that speaks to a cluster.
//!
//! - [`client`]: one reusable [`Client`] per cluster (basic auth, TLS, timeouts);
//! - `login`: the credentials, and the logins the cluster refused (never sent twice);
//! - [`model`]: the wire types, forgiving in what they accept;
//! - [`error`]: one error type with a kind, and the table of ONTAP codes and hints;
//! - [`tls`]: the trust rules for cluster certificates, and [`verify`] the checks;
//! - [`certificate`]: fingerprints and what a certificate says (names, expiry).

mod answer;
pub(crate) mod certificate;
pub(crate) mod client;
pub(crate) mod codes;
pub(crate) mod error;
mod kept;
mod login;
pub(crate) mod model;
pub(crate) mod presented;
pub(crate) mod software;
pub(crate) mod tls;
mod transport;
pub(crate) mod verify;

pub use certificate::CertificateFacts;
pub use certificate::Fingerprint;
pub(crate) use certificate::{CertificateDetails, EXPIRY_WARNING_DAYS};
pub use client::{Client, ClientSettings};
pub use codes::hint_for_code;
pub(crate) use codes::meaning_of_code;
pub use error::{ErrorKind, OntapError};
pub(crate) use login::PasswordChange;
pub use model::ClusterInfo;
pub use model::DownloadRequest;
pub use model::DownloadStarted;
pub use model::DownloadState;
pub use model::DownloadStatus;
pub use model::Job;
pub use model::JobState;
pub use model::Package;
pub use model::PackageList;
pub use tls::TlsTrust;
pub(crate) use transport::certificate_words;

pub(crate) use transport::{not_signed_by_a_trusted_ca, pin_changed};
