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
mod tasks;
mod tls;
mod validation;
mod wire;
mod write_config;

use std::time::Duration;

pub use cluster::{SoftwareTiming, UpdateAt};
pub use fault::{DEFAULT_REDIRECT, FAULT_KINDS, Fault, LONG_TEXT, parse_fault_arg};
pub use fleet::SimFleet;
pub use foreground::run_foreground;
pub use limits::raise_open_files;
pub use scenario::Scenario;
pub use tls::{CERT_STYLES, CertStyle, client_config};

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

/// One request that reached a cluster's API (after TLS), for tests to inspect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// Path with query string, e.g. `/api/cluster/jobs/UUID?fields=message,state`.
    pub path: String,
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
