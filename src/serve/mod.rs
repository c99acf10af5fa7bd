//! `ontop serve`: the dashboard's engine without a screen, for Prometheus and browsers.
//!
//! The same pollers feed the same [`Model`]; the HTTP side only reads it. Every client
//! is built read-only, so whatever the config says nothing here can send a POST, and a
//! scrape or page view never waits on a cluster: it encodes what the model holds.
//!
//! - `/metrics`: [`metrics`], OpenMetrics for Prometheus, the classic text format for
//!   anyone who does not ask for OpenMetrics (`curl`, `promtool check metrics`);
//! - `/`: [`page`], the status page; `/api/status`: the JSON of `ontop status --json`;
//! - `/healthz`: 200 while the server runs.

mod error;
pub(crate) mod format;
pub(crate) mod labels;
pub(crate) mod metrics;
pub(crate) mod page;
mod routes;
pub(crate) mod web;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::config::{Config, Credentials};
use crate::engine::{Engine, EngineOptions, JournalUse, Update};
use crate::state::Model;
use crate::sync::ReadWrite;
pub use error::StartError;
use error::Why;
use labels::Label;
use metrics::PollStats;
use web::BasicAuth;

/// How often the clusters paused after a refused login have their password source
/// read again: a fixed `password_file` resumes them without a restart, and a password
/// refused before is never sent again (the client remembers it).
pub(crate) const LOGIN_RETRY_EVERY: Duration = Duration::from_secs(60);

/// How often the journal is read again for downloads other ontop processes started.
pub(crate) const JOURNAL_EVERY: Duration = crate::engine::JOURNAL_EVERY;

/// What the routes read: the model the pollers feed, and what the metrics count.
#[derive(Debug)]
pub struct Served {
    /// The fleet, as the engine last said; written by one task, read by each request.
    pub model: RwLock<Model>,
    /// Each cluster's metric labels, in config order (the config does not change).
    pub labels: Vec<Vec<Label>>,
    /// Poll errors and durations, counted as events arrive.
    pub stats: PollStats,
    /// The page's title: this host and the config's file name (not its whole path, which
    /// says more than a reader of the page needs).
    pub title: String,
    /// The label the page groups its rows by unless asked otherwise (`[serve] group`).
    pub group: Option<String>,
    /// The release of the config's package (`[download] url`), for the page's Package
    /// column, when its file name says.
    pub release: Option<String>,
}

/// How `ontop serve` was asked to run.
pub struct ServeOptions {
    /// Where to listen (`--listen`, else `[serve] listen`, else loopback).
    pub listen: SocketAddr,
    /// How often a paused login's source is read again ([`LOGIN_RETRY_EVERY`]).
    pub login_retry_every: Duration,
    /// How often the journal is read again for downloads started elsewhere
    /// ([`JOURNAL_EVERY`]).
    pub journal_every: Duration,
}

/// A running server: its address, and the way to stop it.
pub struct Running {
    /// Where it listens (the real port when 0 was asked).
    pub addr: SocketAddr,
    /// The served state, for tests and the shutdown log.
    pub served: Arc<Served>,
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    engine: Engine,
}

impl Running {
    /// Stops accepting, lets requests in flight finish (for a while), stops the pollers.
    pub async fn stop(self) -> std::io::Result<()> {
        let _ = self.stop.send(true);
        // The server's stop and the engine's last records share one grace: stopping
        // never takes longer than web::STOP_GRACE, whatever the clients do.
        let (served, _) = tokio::join!(self.task, self.engine.finish(web::STOP_GRACE));
        self.engine.shutdown();
        match served {
            Ok(outcome) => outcome,
            Err(e) => Err(std::io::Error::other(format!(
                "the server task failed: {e}"
            ))),
        }
    }
}

/// Binds, starts the pollers and the server; returns once it listens. Errors name what
/// to fix (the address in use, the certificate, the password source).
pub async fn start(
    config: &Config,
    credentials: &Arc<Credentials>,
    data_dir: Option<&Path>,
    options: ServeOptions,
) -> Result<Running, StartError> {
    let auth = match &config.serve.basic_auth {
        Some(login) => {
            let password = credentials.password_from(&login.password, "[serve]")?;
            Some(BasicAuth::new(&login.user, &password))
        }
        None => None,
    };
    let tls = match &config.serve.tls {
        Some((cert, key)) => Some(web::tls_acceptor(cert, key)?),
        None => None,
    };
    let listener = TcpListener::bind(options.listen)
        .await
        .map_err(|source| Why::Listen {
            addr: options.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(Why::Address)?;
    if let Some(warning) = web::exposure_warning(addr, auth.is_some(), tls.is_some()) {
        crate::output::warn(&warning);
    }
    let (engine, served) = start_engine(config, credentials, data_dir, &options);
    let router = routes::router(served.clone(), auth);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(web::serve(listener, tls, router, stopped));
    let scheme = if config.serve.tls.is_some() {
        "https"
    } else {
        "http"
    };
    tracing::info!(
        clusters = config.clusters.len(),
        "ontop serve listening on {scheme}://{addr}/ (metrics at /metrics)"
    );
    Ok(Running {
        addr,
        served,
        stop,
        task,
        engine,
    })
}

/// The engine, read-only whatever the config says, and the task that feeds its updates
/// into the model.
fn start_engine(
    config: &Config,
    credentials: &Arc<Credentials>,
    data_dir: Option<&Path>,
    options: &ServeOptions,
) -> (Engine, Arc<Served>) {
    let (engine, updates, model) = Engine::from_config(
        config,
        credentials,
        data_dir,
        crate::fleet::Session::ReadOnly,
        EngineOptions {
            journal: JournalUse::Watch(options.journal_every),
            login_retry: Some(options.login_retry_every),
            // The server's own connections stay out of the pollers' budget, so the
            // listener can always accept.
            reserved_files: web::MAX_CONNECTIONS as u64,
            ..EngineOptions::default()
        },
    );
    let served = Arc::new(Served {
        labels: model
            .clusters
            .iter()
            .map(|c| labels::for_cluster(&c.identity.name, &c.identity.labels))
            .collect(),
        model: RwLock::new(model),
        stats: PollStats::new(),
        title: title(config),
        group: config.serve.group.clone(),
        release: config
            .download
            .url
            .as_ref()
            .and_then(|url| crate::download::image_version(url.as_str())),
    });
    tokio::spawn(feed(updates, served.clone()));
    (engine, served)
}

/// Applies the engine's updates to the model, counting what the metrics count.
async fn feed(mut updates: mpsc::Receiver<Update>, served: Arc<Served>) {
    while let Some(update) = updates.recv().await {
        if let Some(labels) = update.cluster().and_then(|i| served.labels.get(i)) {
            served.stats.observe(&update, labels);
        }
        served.model.writing().apply(update);
    }
}

/// "jump-1: fleet.toml": which `ontop serve` this is, among several.
fn title(config: &Config) -> String {
    let file = config
        .path
        .file_name()
        .map_or_else(|| "config".into(), |f| f.to_string_lossy().into_owned());
    match whoami::hostname() {
        Ok(host) => format!("{}: {file}", crate::text::clean(&host)),
        Err(_) => file,
    }
}
