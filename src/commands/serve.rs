//! `ontop serve`: start the headless engine and its HTTP side, run until SIGTERM or
//! Ctrl-C, then stop cleanly (requests in flight answered, pollers stopped).

use std::net::SocketAddr;
use std::sync::Arc;

use super::{CliError, Context, Exit};
use crate::config::{Credentials, DEFAULT_LISTEN, Prompting};
use crate::serve::{self, JOURNAL_EVERY, LOGIN_RETRY_EVERY, ServeOptions};

/// Serves until told to stop; 0 after a clean stop, 2 when it cannot start.
pub(crate) async fn run(ctx: &Context, listen: Option<SocketAddr>) -> Result<Exit, CliError> {
    let config = ctx.config()?;
    // Listening for SIGTERM from the start: a service manager may send it at any time,
    // and its default action would end the process without a clean stop.
    let mut stop = crate::signals::Stop::new();
    // A service has no terminal: a cluster without a password source is an error on its
    // row, never a prompt.
    let credentials = Arc::new(Credentials::new(Prompting::Never));
    let listen = listen
        .or(config.serve.listen)
        .unwrap_or_else(|| DEFAULT_LISTEN.parse().expect("a valid default address"));
    let options = ServeOptions {
        listen,
        login_retry_every: LOGIN_RETRY_EVERY,
        journal_every: JOURNAL_EVERY,
    };
    // Password commands block: keep them off the async workers.
    let running = tokio::task::block_in_place(|| {
        let handle = tokio::runtime::Handle::current();
        handle.block_on(serve::start(
            config,
            &credentials,
            ctx.data_dir.as_deref(),
            options,
        ))
    })
    .map_err(|e| CliError::Setup(e.to_string()))?;
    let scheme = if config.serve.tls.is_some() {
        "https"
    } else {
        "http"
    };
    crate::errln!(
        "ontop serve: {}, listening on {scheme}://{}/ (metrics at /metrics); stop with SIGTERM or Ctrl-C",
        crate::text::count_clusters(config.clusters.len()),
        running.addr
    );
    stop.requested().await;
    tracing::info!("stopping");
    running
        .stop()
        .await
        .map_err(|e| CliError::Setup(format!("the server stopped with an error: {e}")))?;
    Ok(Exit::Ok)
}
