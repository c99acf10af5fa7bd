//! The package server the simulated clusters download from.
//!
//! A plain HTTP server on 127.0.0.1 that plays the admin's web server holding
//! ONTAP images. `GET /images/{file}` streams deterministic bytes at a capped
//! rate, so a download takes seconds and can be watched; `/mirror/{site}/{file}` is
//! the same file from a site's own server (a mirror); anything else is 404.
//! Any credentials are accepted. Query parameters `size` (bytes) and `rate`
//! (bytes/s, 0 = unlimited) override the run's defaults for one URL, which is
//! how scenarios and tests get a long-running or an instant download.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use tokio::time::Instant;

use super::SimError;
use super::tasks::Tasks;

/// The run's defaults for every package the server streams.
#[derive(Debug, Clone, Copy)]
struct Defaults {
    size: u64,
    rate: u64,
}

/// Per-URL overrides of [`Defaults`].
#[derive(Debug, serde::Deserialize)]
struct Overrides {
    size: Option<u64>,
    rate: Option<u64>,
}

/// Starts the package server on an ephemeral loopback port; returns the port.
pub(crate) async fn start(size: u64, rate: u64, tasks: &Tasks) -> Result<u16, SimError> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|source| SimError::Bind { port: 0, source })?;
    let port = listener
        .local_addr()
        .map_err(|source| SimError::Bind { port: 0, source })?
        .port();
    let app = Router::new()
        .route("/images/{file}", get(image))
        .route("/mirror/{site}/{file}", get(mirrored))
        .fallback(|| async { (StatusCode::NOT_FOUND, "404 Not Found\n") })
        .with_state(Arc::new(Defaults { size, rate }));
    tasks.spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!("sim package server stopped: {e}");
        }
    });
    Ok(port)
}

/// The same images under a site's mirror base, `/mirror/{site}/`: any site.
async fn mirrored(
    defaults: State<Arc<Defaults>>,
    Path((_site, file)): Path<(String, String)>,
    over: Query<Overrides>,
) -> Response {
    image(defaults, Path(file), over).await
}

async fn image(
    State(defaults): State<Arc<Defaults>>,
    Path(file): Path<String>,
    Query(over): Query<Overrides>,
) -> Response {
    let size = over.size.unwrap_or(defaults.size);
    let rate = over.rate.unwrap_or(defaults.rate);
    let stream = futures_util::stream::unfold((0u64, Instant::now()), move |(sent, start)| {
        throttled_chunk(sent, start, size, rate)
    });
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (header::CONTENT_LENGTH, size.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// The next chunk of the package, sent no earlier than the rate allows.
async fn throttled_chunk(
    sent: u64,
    start: Instant,
    size: u64,
    rate: u64,
) -> Option<(Result<Bytes, Infallible>, (u64, Instant))> {
    if sent >= size {
        return None;
    }
    // About 20 chunks a second, between 1 KiB and 256 KiB each.
    let chunk = if rate == 0 {
        256 * 1024
    } else {
        (rate / 20).clamp(1024, 256 * 1024)
    };
    let n = chunk.min(size - sent);
    if rate > 0 {
        let due = start + Duration::from_secs_f64(sent as f64 / rate as f64);
        tokio::time::sleep_until(due).await;
    }
    let bytes: Vec<u8> = (sent..sent + n).map(|i| (i % 251) as u8).collect();
    Some((Ok(Bytes::from(bytes)), (sent + n, start)))
}
