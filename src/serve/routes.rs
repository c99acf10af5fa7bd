//! The routes of `ontop serve`, each a read of the model: none waits on a cluster.

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use prometheus_client::registry::Registry;
use tokio::sync::Semaphore;

use super::Served;
use super::format::{self, Format};
use super::metrics;
use super::page;
use super::web::{BasicAuth, require_login};

#[derive(Clone)]
struct AppState {
    served: Arc<Served>,
    registry: Arc<Registry>,
    /// Scrapes encoded at once: each builds a page of megabytes at a thousand clusters,
    /// so a crowd of scrapers waits here instead of filling memory.
    encoding: Arc<Semaphore>,
}

/// Scrapes encoded at the same time.
const ENCODING_AT_ONCE: usize = 2;

/// Every route, behind the login when there is one.
pub fn router(served: Arc<Served>, auth: Option<BasicAuth>) -> Router {
    let state = AppState {
        registry: Arc::new(metrics::registry(served.clone())),
        served,
        encoding: Arc::new(Semaphore::new(ENCODING_AT_ONCE)),
    };
    let router = Router::new()
        .route("/", get(status_page))
        .route("/metrics", get(scrape))
        .route("/api/status", get(status_json))
        .route("/healthz", get(|| async { "ok\n" }))
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "not found: try /, /metrics, /api/status or /healthz\n",
            )
        })
        .with_state(state);
    let router = match auth {
        Some(auth) => router.layer(axum::middleware::from_fn_with_state(auth, require_login)),
        None => router,
    };
    // Outermost, so that a refused login's answer carries them too.
    router.layer(axum::middleware::map_response(safe_headers))
}

/// Headers every answer carries: nothing is cached (the fleet changes), nothing sniffed,
/// no script may run and nothing is framed or referred.
async fn safe_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let fixed = [
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// `/metrics`, in the format the scraper asks for; encoded off the async workers, since
/// a thousand clusters make a page of a few megabytes.
async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let format = Format::negotiate(headers.get(header::ACCEPT));
    let Ok(_slot) = state.encoding.clone().acquire_owned().await else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let registry = state.registry.clone();
    let encoded = tokio::task::spawn_blocking(move || format::encode(&registry, format)).await;
    match encoded {
        Ok(Ok(body)) => ([(header::CONTENT_TYPE, format.content_type())], body).into_response(),
        _ => {
            tracing::error!("encoding the metrics failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "encoding the metrics failed\n",
            )
                .into_response()
        }
    }
}

/// `/`, `/?group=site&sort=-health&filter=failed`: a query it cannot use is said on the
/// page, never refused.
async fn status_page(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let served = &state.served;
    let html = {
        let model = served.model.read().unwrap_or_else(|p| p.into_inner());
        let view = page::View::read(query.as_deref(), served.group.as_deref(), &model);
        let setup = page::Page {
            title: &served.title,
            release: served.release.as_deref(),
            view: &view,
        };
        page::render(&model, &setup, Timestamp::now())
    };
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

async fn status_json(State(state): State<AppState>) -> Response {
    let doc = {
        let model = state.served.model.read().unwrap_or_else(|p| p.into_inner());
        crate::state::report::document(&model, Timestamp::now())
    };
    axum::Json(doc).into_response()
}
