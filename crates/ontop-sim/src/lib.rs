//! The ONTAP simulator: a fleet of fake clusters on loopback that speak the
//! REST subset of `docs/ontap-api.md`, for tests, `ontop demo` and `ontop sim`.
//!
//! A crate of its own so that the product ships none of it unless asked (the `sim`
//! feature of `ontop`), and so that it owns its copy of the JSON shapes: a mistake in
//! the client's wire types is never mirrored here.
//!
//! It is faithful where a dashboard can tell the difference: HTTPS with a
//! generated CA (or self-signed or soon-expiring certificates, see
//! [`CertStyle`]), basic auth with an HTML 401, `fields=` and `return_timeout`,
//! ONTAP's error envelope and codes, real package downloads from a throttled
//! package server, jobs that expire, and injectable faults per cluster.
//! The JSON is written here by hand, never with the client's types.
//!
//! Map: [`SimFleet`] (`fleet.rs`) starts everything; `server.rs` owns sockets,
//! TLS and connection faults; `api.rs` the routes and `wire.rs` the JSON;
//! `cluster.rs` the state machines over `records.rs`; `fetch.rs` the real
//! download; `packages.rs` the package server; `scenario.rs` the starting
//! fleets; `write_config.rs` the dashboard config; `foreground.rs` `ontop sim`, whose
//! command line is [`cli::SimArgs`] (feature `cli`).
//!
//! What tests steer and inspect (faults, job expiry, request logs, ...) exists only with
//! the `testing` feature, which only ontop's dev-dependency turns on: `ontop demo` and
//! `ontop sim` link a simulator nobody can steer from outside its command line.

mod api;
#[cfg(feature = "cli")]
pub mod cli;
mod cluster;
mod codes;
mod fault;
mod fetch;
mod fleet;
mod foreground;
mod hostile;
mod limits;
mod packages;
mod records;
mod release;
mod scenario;
mod server;
mod shared_port;
mod tasks;
mod tls;
mod validation;
mod wire;
mod write_config;

use std::time::Duration;

pub use cluster::{SoftwareTiming, UpdateAt};
#[cfg(any(test, feature = "testing"))]
pub use fault::{DEFAULT_REDIRECT, LONG_TEXT};
pub use fault::{FAULT_KINDS, Fault, parse_fault_arg};
pub use fleet::SimFleet;
pub use foreground::run_foreground;
pub use limits::raise_open_files;
pub use scenario::Scenario;
#[cfg(any(test, feature = "testing"))]
pub use tls::client_config;
pub use tls::{CERT_STYLES, CertStyle};

/// The package file the kick-off form offers by default.
pub const DEFAULT_PACKAGE: &str = "ontap-9.16.1P3-image.tgz";

/// How to start a simulated fleet.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Number of clusters.
    pub clusters: usize,
    /// The starting fleet: names and conditions.
    pub scenario: Scenario,
    /// Serve plain HTTP instead of HTTPS (no CA is generated).
    pub http: bool,
    /// The clusters' certificates with HTTPS: CA-signed, self-signed or expiring.
    pub cert_style: CertStyle,
    /// Added to every API response, to feel like a far-away fleet.
    pub latency: Duration,
    /// Faults to start with, per cluster name (applied after the scenario's own).
    pub faults: Vec<(String, Fault)>,
    /// The `admin` password; a random one (22 characters) when `None`.
    pub password: Option<String>,
    /// First cluster port: `Some(p)` puts clusters on p, p+1, ...; `None` picks free ports.
    pub port: Option<u16>,
    /// How long a job is kept after it ends (ONTAP: about 300 s).
    pub job_expiry: Duration,
    /// A download running longer than this fails with 10551383 (ONTAP: 1 hour).
    pub time_limit: Duration,
    /// How long a package delete job runs before it ends.
    pub delete_duration: Duration,
    /// Bytes served per package by the package server.
    pub package_size: u64,
    /// Bytes per second per package transfer (0 = unlimited).
    pub bandwidth: u64,
    /// How long validations take and how fast updates move (`/api/cluster/software`).
    pub software: SoftwareTiming,
    /// Bytes per second each cluster takes an upload at (0 = unlimited): slow enough by
    /// default that an upload's progress can be watched.
    pub upload_bandwidth: u64,
    /// How long an upload's job processes the image once it has arrived.
    pub upload_processing: Duration,
    /// Releases to run instead of the scenario's, per cluster name (e.g. `9.7.0`, which
    /// takes no uploads).
    pub versions: Vec<(String, String)>,
    /// Every cluster on one port (`port`, else a free one), each at a loopback address of
    /// its own (127.1.0.1, 127.1.0.2, ...) and also known by its name in TLS SNI: one
    /// listener and a descriptor per connection, so ten thousand clusters fit.
    pub shared_port: bool,
}

impl Default for SimOptions {
    /// Three idle HTTPS clusters; a default download takes about three seconds.
    fn default() -> Self {
        SimOptions {
            clusters: 3,
            scenario: Scenario::Idle,
            http: false,
            cert_style: CertStyle::Ca,
            latency: Duration::ZERO,
            faults: Vec::new(),
            password: None,
            port: None,
            job_expiry: Duration::from_secs(300),
            time_limit: Duration::from_secs(3600),
            delete_duration: Duration::from_secs(2),
            package_size: 3 * 1024 * 1024,
            bandwidth: 1024 * 1024,
            software: SoftwareTiming::default(),
            upload_bandwidth: 16 * 1024 * 1024,
            upload_processing: Duration::from_secs(2),
            versions: Vec::new(),
            shared_port: false,
        }
    }
}

/// Where one simulated cluster listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimClusterInfo {
    /// Cluster name, as in the config and in `GET /api/cluster`.
    pub name: String,
    /// Base URL, e.g. `https://127.0.0.1:40123` (no trailing slash, no `/api`).
    pub url: String,
    /// Labels for a config (the demo's `env` and `site`; none in the idle fleet).
    pub labels: Vec<(String, String)>,
}

/// A site's own package server: the same files as the default one, under `base`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimMirror {
    /// The labels of the clusters it serves, e.g. `site=ams`.
    pub labels: Vec<(String, String)>,
    /// The base URL the file names go after, e.g. `http://127.0.0.1:P/mirror/ams/`.
    pub base: String,
}

/// One upload a simulated cluster received, for tests to inspect: all it keeps of it.
#[cfg(any(test, feature = "testing"))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimUpload {
    /// The file name the `file` part carried (its last path segment).
    pub file_name: String,
    /// Bytes of the file received (so far, while it arrives).
    pub bytes: u64,
    /// Hex SHA-256 of the whole file, once its part has ended.
    pub sha256: Option<String>,
}

/// One request that reached a cluster's API (after TLS), for tests to inspect.
#[cfg(any(test, feature = "testing"))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// Path with query string, e.g. `/api/cluster/jobs/UUID?fields=message,state`.
    pub path: String,
    /// How the client named itself: its `User-Agent` and `X-Dot-Client-App` headers
    /// (ONTAP applies its per-application session limits by the latter).
    pub client: (Option<String>, Option<String>),
}

/// Why the simulator could not start or do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A loopback port could not be bound (in use, or no permission).
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for (0 = any).
        port: u16,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// `--port` plus the cluster count runs past port 65535.
    #[error("{clusters} clusters starting at port {first} do not fit below port 65536")]
    PortRange {
        /// The first port asked for.
        first: u16,
        /// How many clusters were asked for.
        clusters: usize,
    },
    /// More clusters than the shared port has loopback addresses for.
    #[error("{0} clusters do not fit on one shared port")]
    TooMany(usize),
    /// Certificate generation or TLS setup failed.
    #[error("TLS setup failed: {0}")]
    Tls(String),
    /// A fault or helper named a cluster that is not in the fleet.
    #[error("no simulated cluster is named {0:?}")]
    UnknownCluster(String),
    /// The cluster refused a download, with its ONTAP code.
    #[error("download refused: {message} (code {code})")]
    Refused {
        /// ONTAP error code, e.g. 10551357.
        code: u64,
        /// ONTAP message.
        message: String,
    },
    /// Writing files or waiting for a signal failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}
