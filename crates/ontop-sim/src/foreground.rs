//! `ontop sim`: run a simulated fleet in the foreground until interrupted.
//!
//! Prints what a person (or a script reading stdout) needs to connect: one
//! line per cluster, the credentials, the CA file, the package URL. The CA is
//! written beside the config with `--write-config`, else to a temporary file
//! that is removed on exit.

use std::path::PathBuf;

use super::{SimError, SimFleet, SimOptions, write_config};

/// `println!` that ignores a closed stdout (`ontop sim | head -3` must not panic).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, $($arg)*).and_then(|()| out.flush());
    }};
}

/// Starts the fleet, prints how to reach it, optionally writes a dashboard
/// config, and runs until SIGINT or SIGTERM; then shuts down cleanly.
pub async fn run_foreground(
    opts: SimOptions,
    write_config: Option<PathBuf>,
) -> Result<(), SimError> {
    let fleet = SimFleet::start(opts).await?;
    let result = announce_and_wait(&fleet, write_config).await;
    fleet.shutdown().await;
    result
}

async fn announce_and_wait(fleet: &SimFleet, config: Option<PathBuf>) -> Result<(), SimError> {
    let mut temp_ca = None;
    let ca_path = match (&config, fleet.ca_pem()) {
        (Some(path), _) => {
            fleet.write_config(path).await?;
            let absolute = std::path::absolute(path)?;
            fleet.ca_pem().map(|_| write_config::ca_path(&absolute))
        }
        (None, Some(pem)) => {
            let path =
                std::env::temp_dir().join(format!("ontop-sim-{}-ca.pem", std::process::id()));
            tokio::fs::write(&path, pem).await?;
            temp_ca = Some(path.clone());
            Some(path)
        }
        (None, None) => None,
    };

    let clusters = fleet.clusters();
    let width = clusters.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for c in &clusters {
        say!("{:width$}  {}", c.name, c.url);
    }
    match &config {
        // The password is in the (0600) config: no need to put it on the screen.
        Some(path) => say!(
            "credentials: username {}, password in {}",
            fleet.username(),
            path.display()
        ),
        None => say!(
            "credentials: username {} password {}",
            fleet.username(),
            fleet.password()
        ),
    }
    match (&ca_path, fleet.cert_style()) {
        (Some(path), _) => say!("ca file: {}", path.display()),
        (None, None) => say!("ca file: none (plain HTTP)"),
        (None, Some(_)) => say!(
            "ca file: none (each cluster presents its own self-signed certificate{})",
            if config.is_some() {
                "; the config names each one as that cluster's ca_file"
            } else {
                "; pin them with `ontop trust --all --write`"
            }
        ),
    }
    say!("package url: {}", fleet.default_package_url());
    for mirror in fleet.mirrors() {
        let labels: Vec<String> = mirror
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        say!("mirror for {}: {}", labels.join(","), mirror.base);
    }
    if let Some(path) = &config {
        say!("config: {}", path.display());
    }
    say!("running; press Ctrl-C to stop");

    let waited = wait_for_signal().await;
    if let Some(path) = temp_ca {
        let _ = tokio::fs::remove_file(path).await;
    }
    waited
}

async fn wait_for_signal() -> Result<(), SimError> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await?;
    Ok(())
}
