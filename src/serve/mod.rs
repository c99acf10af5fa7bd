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

pub mod labels;
pub mod metrics;
pub mod page;
mod routes;
pub mod web;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use tokio::net::TcpListener;

use crate::config::{Config, Credentials};
use crate::download::audit::AuditLog;
use crate::download::journal::Journal;
use crate::fleet::{self, Command, Fleet, POLLERS_MAX_IN_FLIGHT};
use crate::state::Model;
use labels::Label;
use metrics::PollStats;
use web::BasicAuth;

/// How often each cluster's package repository is read again (it changes only when a
/// download or a delete ends, and those are rare).
pub const PACKAGES_EVERY: Duration = Duration::from_secs(600);

/// How often the clusters paused after a refused login have their password source
/// read again: a fixed `password_file` resumes them without a restart, and a password
/// refused before is never sent again (the client remembers it).
pub const LOGIN_RETRY_EVERY: Duration = Duration::from_secs(60);

/// What the routes read: the model the pollers feed, and what the metrics count.
#[derive(Debug)]
pub struct Served {
    /// The fleet, as the engine last said; written by one task, read by each request.
    pub model: RwLock<Model>,
    /// Each cluster's metric labels, in config order (the config does not change).
    pub labels: Vec<Vec<Label>>,
    /// Poll errors and durations, counted as events arrive.
    pub stats: PollStats,
    /// The config file, shown as the page's title.
    pub title: String,
}

/// How `ontop serve` was asked to run.
pub struct ServeOptions {
    /// Where to listen (`--listen`, else `[serve] listen`, else loopback).
    pub listen: SocketAddr,
    /// How often packages are read again ([`PACKAGES_EVERY`]).
    pub packages_every: Duration,
    /// How often a paused login's source is read again ([`LOGIN_RETRY_EVERY`]).
    pub login_retry_every: Duration,
}

/// A running server: its address, and the way to stop it.
pub struct Running {
    /// Where it listens (the real port when 0 was asked).
    pub addr: SocketAddr,
    /// The served state, for tests and the shutdown log.
    pub served: Arc<Served>,
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    _fleet: Arc<Fleet>,
}

impl Running {
    /// Stops accepting, lets requests in flight finish, stops the pollers.
    pub async fn stop(self) -> std::io::Result<()> {
        let _ = self.stop.send(true);
        self.task.await.unwrap_or(Ok(()))
    }
}

/// Binds, starts the pollers and the server; returns once it listens. Errors name what
/// to fix (the address in use, the certificate, the password source).
pub async fn start(
    config: &Config,
    credentials: &Arc<Credentials>,
    data_dir: Option<&Path>,
    options: ServeOptions,
) -> Result<Running, String> {
    let auth = match &config.serve.basic_auth {
        Some((user, source)) => {
            let password = credentials
                .password_from(source, "[serve]")
                .map_err(|e| e.to_string())?;
            Some(BasicAuth::new(user, &password))
        }
        None => None,
    };
    let tls = match &config.serve.tls {
        Some((cert, key)) => Some(web::tls_acceptor(cert, key)?),
        None => None,
    };
    let listener = TcpListener::bind(options.listen).await.map_err(|e| {
        format!(
            "cannot listen on {}: {e} (another ontop serve, or an exporter, may hold the port: choose one with --listen)",
            options.listen
        )
    })?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    if !addr.ip().is_loopback() {
        let warning = format!(
            "listening on {addr}, not only on loopback: anyone who can reach it sees cluster names, versions and download states{}",
            if auth.is_none() {
                " (set username and password_file in [serve] to ask for a login)"
            } else {
                ""
            }
        );
        crate::errln!("ontop: warning: {warning}");
        tracing::warn!("{warning}");
    }
    let (fleet, served) = start_engine(config, credentials, data_dir, &options);
    let router = routes::router(served.clone(), auth);
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let until_stopped = async move {
        let _ = stopped.wait_for(|s| *s).await;
    };
    let task = match tls {
        Some(acceptor) => tokio::spawn(web::serve_tls(listener, acceptor, router, until_stopped)),
        None => tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(until_stopped)
                .await
        }),
    };
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
        _fleet: fleet,
    })
}

/// The pollers, read-only whatever the config says, and the task that feeds their
/// events into the model.
fn start_engine(
    config: &Config,
    credentials: &Arc<Credentials>,
    data_dir: Option<&Path>,
    options: &ServeOptions,
) -> (Arc<Fleet>, Arc<Served>) {
    let mut targets = fleet::targets_from_config(config, credentials, true);
    fleet::targets::with_reauth(&mut targets, config, credentials);
    credentials.set_interactive(false);
    let count = targets.len();
    let (fleet, mut events) = Fleet::spawn(
        targets
            .into_iter()
            .zip(crate::launch::schedules(config))
            .collect(),
        POLLERS_MAX_IN_FLIGHT,
        (AuditLog::new(data_dir), Journal::open(data_dir)),
    );
    let model = Model::new(crate::launch::identities(config));
    crate::launch::resume_journal(&fleet, &model);
    let served = Arc::new(Served {
        labels: model
            .clusters
            .iter()
            .map(|c| labels::for_cluster(&c.identity.name, &c.identity.labels))
            .collect(),
        model: RwLock::new(model),
        stats: PollStats::new(),
        title: config.path.display().to_string(),
    });
    let feeding = served.clone();
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            if let Some(labels) = event.cluster().and_then(|i| feeding.labels.get(i)) {
                feeding.stats.observe(&event, labels);
            }
            let mut model = feeding.model.write().unwrap_or_else(|p| p.into_inner());
            model.apply(event);
        }
    });
    let fleet = Arc::new(fleet);
    tokio::spawn(read_packages(
        Arc::downgrade(&fleet),
        count,
        options.packages_every,
    ));
    tokio::spawn(retry_paused_logins(
        Arc::downgrade(&fleet),
        Arc::downgrade(&served),
        options.login_retry_every,
    ));
    (fleet, served)
}

/// Asks every cluster for its packages now and every `every`, until the server stops.
async fn read_packages(pollers: Weak<Fleet>, count: usize, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        let Some(fleet) = pollers.upgrade() else {
            return; // the server stopped
        };
        for cluster in 0..count {
            fleet.send(cluster, Command::FetchPackages);
        }
    }
}

/// Every `every`, has the clusters paused after a refused login read their password
/// source again (their pollers send it only when it changed).
async fn retry_paused_logins(pollers: Weak<Fleet>, served: Weak<Served>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.tick().await; // the first tick is now: nothing has paused yet
    loop {
        ticks.tick().await;
        let (Some(fleet), Some(served)) = (pollers.upgrade(), served.upgrade()) else {
            return;
        };
        let waiting: Vec<usize> = {
            let model = served.model.read().unwrap_or_else(|p| p.into_inner());
            let clusters = model.clusters.iter().enumerate();
            clusters
                .filter(|(_, c)| c.login_paused.is_some())
                .map(|(i, _)| i)
                .collect()
        };
        for cluster in waiting {
            fleet.send(cluster, Command::Refresh);
        }
    }
}
