//! The routes of `ontop serve`, each a read of the model: none waits on a cluster.

mod shared;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use prometheus_client::registry::Registry;

use super::Served;
use super::format::{self, Format};
use super::metrics;
use super::page;
use super::web::{BasicAuth, require_login};
use crate::sync::ReadWrite;
use shared::Shared;

#[derive(Clone)]
struct AppState {
    served: Arc<Served>,
    registry: Arc<Registry>,
    /// Each page as last rendered, shared by the requests of the next moment: a crowd
    /// of clients costs one rendering, and one copy in memory, not one each.
    pages: Arc<Pages>,
}

/// The shared renderings: of each page, by what changes it.
#[derive(Debug, Default)]
struct Pages {
    metrics: Shared<Format>,
    status: Shared<Option<String>>,
    json: Shared<()>,
}

/// Every route, behind the login when there is one.
pub(super) fn router(served: Arc<Served>, auth: Option<BasicAuth>) -> Router {
    let state = AppState {
        registry: Arc::new(metrics::registry(served.clone())),
        served,
        pages: Arc::default(),
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
        Some(auth) => {
            auth.report_refusals();
            router.layer(axum::middleware::from_fn_with_state(auth, require_login))
        }
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
/// a thousand clusters make a page of a few megabytes, and at most once a moment.
async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let format = Format::negotiate(headers.get(header::ACCEPT));
    let registry = state.registry.clone();
    let encode = move || format::encode(&registry, format).ok().map(Bytes::from);
    let shared = state.pages.metrics.get(format, encode).await;
    if shared.is_none() {
        tracing::error!("encoding the metrics failed");
    }
    shared_answer(shared, format.content_type())
}

/// `/`, `/?group=site&sort=-health&filter=failed`: a query it cannot use is said on the
/// page, never refused. Each query's page is shared for a moment, like the others.
async fn status_page(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let served = state.served.clone();
    let asked = query.clone();
    let render = move || {
        let model = served.model.reading();
        let view = page::View::read(asked.as_deref(), served.group.as_deref(), &model);
        let setup = page::Page {
            title: &served.title,
            release: served.release.as_deref(),
            view: &view,
        };
        Some(Bytes::from(page::render(&model, &setup, Timestamp::now())))
    };
    let shared = state.pages.status.get(query, render).await;
    shared_answer(shared, "text/html; charset=utf-8")
}

/// `/api/status`: the JSON of `ontop status --json`.
async fn status_json(State(state): State<AppState>) -> Response {
    let served = state.served.clone();
    let render = move || {
        let doc = {
            let model = served.model.reading();
            crate::state::report::document(&model, Timestamp::now())
        };
        serde_json::to_vec(&doc).ok().map(Bytes::from)
    };
    let shared = state.pages.json.get((), render).await;
    shared_answer(shared, "application/json")
}

/// A shared page with its `Content-Type`, or 500 when it could not be made.
fn shared_answer(page: Option<Bytes>, content_type: &'static str) -> Response {
    match page {
        Some(body) => ([(header::CONTENT_TYPE, content_type)], body).into_response(),
        None => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "rendering the page failed\n",
        )
            .into_response(),
    }
}
