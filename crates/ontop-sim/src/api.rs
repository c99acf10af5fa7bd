//! The REST API of one simulated cluster: routes, authentication, request
//! faults and the handlers that turn the cluster's books into ONTAP JSON.
//!
//! Every request first passes [`gate`]: it is logged, delayed by the run's
//! latency, subjected to the cluster's current request-level fault, and checked
//! for basic-auth credentials. Only then does it reach a handler.
//! The package repository's routes, DELETE included, live in `api/packages.rs`;
//! `/api/cluster/software` (validation and update progress) in `api/software.rs`; the
//! upload in `api/upload.rs`.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use base64::Engine;
use serde_json::{Value, json};

use super::cluster::{Cluster, DownloadRequest, parse_url};
use super::codes;
use super::fault::Fault;
use super::hostile;
use super::wire::{self, Params, hal};

/// The API router of one cluster, with [`gate`] in front of every route. The routes are
/// built once and shared: a cluster only adds its state (a fleet of ten thousand does not
/// hold ten thousand route tables). The gate finds the cluster in each request's
/// extensions, put there by the connection (`server.rs`).
pub(crate) fn router(cluster: Arc<Cluster>) -> Router {
    static ROUTES: OnceLock<Router<Arc<Cluster>>> = OnceLock::new();
    ROUTES.get_or_init(routes).clone().with_state(cluster)
}

fn routes() -> Router<Arc<Cluster>> {
    Router::new()
        .route("/api/cluster", get(cluster_get))
        .route(
            "/api/cluster/software",
            get(software::get).patch(software::patch),
        )
        .route(
            "/api/cluster/software/download",
            get(download_get).post(download_post),
        )
        .route("/api/cluster/software/upload", any(upload::handle))
        .route("/api/cluster/software/packages", get(packages::list))
        .route(
            "/api/cluster/software/packages/{version}",
            get(packages::one).delete(packages::delete),
        )
        .route("/api/cluster/jobs", get(jobs_get))
        .route("/api/cluster/jobs/{uuid}", get(job_get))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(middleware::from_fn(gate))
}

/// Logging, latency, request-level faults and authentication, in that order.
async fn gate(Extension(c): Extension<Arc<Cluster>>, req: Request, next: Next) -> Response {
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_string(), |p| p.as_str().to_string());
    c.log_request(req.method().as_str(), &path, req.headers());
    if let Some(answer) = hostile_answer(&c, &path) {
        return answer;
    }
    if !c.env.latency.is_zero() {
        tokio::time::sleep(c.env.latency).await;
    }
    match c.fault() {
        // The busy states act on a package DELETE only (`cluster/deletes.rs`).
        Fault::None | Fault::Escape | Fault::LongText => {}
        Fault::Validating | Fault::Updating | Fault::Syncing | Fault::DeleteTimeout => {}
        // Act on a download request and a job's GET only (`download_post`, `job_get`).
        Fault::EchoBody | Fault::OtherJob => {}
        // These choose what `/api/cluster/software` says (`api/software.rs`).
        Fault::ValidationWarning | Fault::ValidationError | Fault::Shape96 | Fault::Shape97 => {}
        // The upload faults act on an upload only (`api/upload.rs`).
        Fault::UploadDisabled | Fault::NoSpace | Fault::UploadReset => {}
        Fault::Latency(extra) => tokio::time::sleep(extra).await,
        // On an already open connection: never answer (a long hour, then give up).
        Fault::Hang
        | Fault::Reset
        | Fault::Down
        | Fault::Garbage
        | Fault::Truncated
        | Fault::BadChunk
        | Fault::EmptyJson
        | Fault::Status999 => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return StatusCode::GATEWAY_TIMEOUT.into_response();
        }
        Fault::Http500 => {
            return wire::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                codes::INTERNAL,
                "Internal error. Wait a few minutes, then try the command again.",
                None,
            );
        }
        Fault::Http502 => return html(StatusCode::BAD_GATEWAY, "Proxy Error"),
        Fault::Http503 => {
            let mut resp = html(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable");
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            return resp;
        }
        Fault::Malformed => {
            return (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/hal+json")],
                "{\"state\": \"running\", \"message\": \"Package download in pro",
            )
                .into_response();
        }
        Fault::Unauthorized => {
            c.login_failed();
            return wire::unauthorized();
        }
        Fault::Echo => return echo(req.headers()),
        // Answered before the latency, in `hostile_answer`.
        Fault::Redirect { .. } | Fault::Huge | Fault::Endless | Fault::Drip | Fault::BigHeaders => {
        }
    }
    if !authorized(req.headers(), &c.env.username, &c.env.password) {
        c.login_failed();
        return wire::unauthorized();
    }
    next.run(req).await
}

/// The answer of a hostile cluster, when its fault is one of those (before any check:
/// a man in the middle does not care about the credentials, it wants them).
fn hostile_answer(c: &Cluster, path: &str) -> Option<Response> {
    Some(match c.fault() {
        Fault::Redirect { status, location } => hostile::redirect(status, &location, path),
        Fault::Huge => hostile::huge(),
        Fault::Endless => hostile::endless(),
        Fault::Drip => hostile::drip(),
        Fault::BigHeaders => hostile::big_headers(),
        Fault::LongText => hostile::long_text(path, &c.name),
        _ => return None,
    })
}

fn authorized(headers: &HeaderMap, username: &str, password: &str) -> bool {
    let Some(encoded) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let expected = format!("{username}:{password}");
    decoded == expected.as_bytes()
}

/// The `echo` fault's 500: its message quotes the request's `Authorization` header and
/// what it decodes to, as a debugging proxy or a broken server might.
fn echo(headers: &HeaderMap) -> Response {
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let decoded = (sent.strip_prefix("Basic "))
        .and_then(|token| base64::engine::general_purpose::STANDARD.decode(token).ok())
        .map(|pair| String::from_utf8_lossy(&pair).into_owned())
        .unwrap_or_default();
    let message = format!("cannot serve the request with authorization: {sent} ({decoded})");
    wire::error(
        StatusCode::INTERNAL_SERVER_ERROR,
        codes::INTERNAL,
        &message,
        None,
    )
}

/// The `echobody` fault's message: the request as sent, its URL without the scheme, and
/// the URL percent-encoded.
fn echoed(body: &[u8]) -> String {
    let sent = String::from_utf8_lossy(body);
    let url = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("url")?.as_str().map(String::from))
        .unwrap_or_default();
    let bare = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
    let encoded: String = form_urlencoded::byte_serialize(url.as_bytes()).collect();
    format!("cannot fetch {bare} (as sent: {sent}; encoded: {encoded})")
}

/// A proxy-style HTML error page, as an HTTP front end would send.
fn html(status: StatusCode, title: &str) -> Response {
    let code = status.as_u16();
    let body = format!(
        "<html><head><title>{code} {title}</title></head><body><h1>{title}</h1>\
         <p>The server is temporarily unable to service your request.</p></body></html>\n"
    );
    (status, [(header::CONTENT_TYPE, "text/html")], body).into_response()
}

/// Parses the query, or answers with the 400 it earned.
macro_rules! params {
    ($uri:expr) => {
        match Params::parse($uri.query()) {
            Ok(p) => p,
            Err(bad) => return bad.into_response(),
        }
    };
}

// After `params!`, which they use.
mod packages;
mod software;
mod upload;

async fn cluster_get(State(c): State<Arc<Cluster>>, uri: Uri) -> Response {
    let p = params!(uri);
    // The lowest of the nodes' versions: the old one until an update has completed.
    let version = c.running_version();
    let (generation, major, minor) = version_numbers(&version);
    let body = json!({
        "name": c.name,
        "uuid": c.uuid,
        "version": {
            "full": format!("NetApp Release {version}: Mon Jan 06 12:00:00 UTC 2025"),
            "generation": generation,
            "major": major,
            "minor": minor,
        },
        "_links": wire::links("/api/cluster"),
    });
    hal(StatusCode::OK, p.select(body, &["_links"]))
}

async fn download_get(State(c): State<Arc<Cluster>>, uri: Uri) -> Response {
    let p = params!(uri);
    let body = wire::download(&c.download(), c.fault() == Fault::Escape);
    hal(StatusCode::OK, p.select(body, &["_links"]))
}

/// The fields a download POST body may carry (state, message and code are
/// read-only: documented in the body, accepted and ignored).
const POST_FIELDS: [&str; 6] = ["url", "username", "password", "state", "message", "code"];

async fn download_post(State(c): State<Arc<Cluster>>, uri: Uri, body: Bytes) -> Response {
    let p = params!(uri);
    let bad = |code: &str, msg: &str, target: Option<&str>| {
        wire::error(StatusCode::BAD_REQUEST, code, msg, target)
    };
    if c.fault() == Fault::EchoBody {
        return bad(codes::GENERIC, &echoed(&body), Some("url"));
    }
    let map = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(map)) => map,
        Ok(_) => {
            return bad(
                codes::GENERIC,
                "The request body must be a JSON object.",
                None,
            );
        }
        Err(e) => return bad(codes::GENERIC, &format!("Invalid JSON input: {e}."), None),
    };
    if let Some(key) = map.keys().find(|k| !POST_FIELDS.contains(&k.as_str())) {
        let msg = format!("Unexpected argument \"{key}\".");
        return bad(codes::UNEXPECTED_ARGUMENT, &msg, Some(key));
    }
    let text = |key: &str| map.get(key).and_then(Value::as_str).map(String::from);
    let Some(raw_url) = text("url") else {
        let msg = "Missing value for required field \"url\".";
        return bad(codes::MISSING_FIELD, msg, Some("url"));
    };
    let url = match parse_url(&raw_url) {
        Ok(url) => url,
        Err((code, msg)) => return bad(&code.to_string(), &msg, Some("url")),
    };
    let req = DownloadRequest {
        url,
        username: text("username"),
        password: text("password"),
    };
    let uuid = match c.start_download(req) {
        Ok(uuid) => uuid,
        Err((code, msg)) => return bad(&code.to_string(), &msg, None),
    };
    job_answer(&c, &uuid, p.return_timeout, StatusCode::CREATED).await
}

/// The answer to a request that started a job: 202 with the job and its `Location`, or
/// `done` when a non-zero `return_timeout` saw the job end.
async fn job_answer(
    c: &Cluster,
    uuid: &str,
    return_timeout: Option<u64>,
    done: StatusCode,
) -> Response {
    let href = format!("/api/cluster/jobs/{uuid}");
    let mut status = StatusCode::ACCEPTED;
    if let Some(secs) = return_timeout.filter(|s| *s > 0)
        && c.wait_job_end(uuid, Duration::from_secs(secs)).await
    {
        status = done;
    }
    let mut resp = hal(
        status,
        json!({ "job": { "uuid": uuid, "_links": wire::links(&href) } }),
    );
    if let Ok(location) = HeaderValue::from_str(&href) {
        resp.headers_mut().insert(header::LOCATION, location);
    }
    resp
}

async fn jobs_get(State(c): State<Arc<Cluster>>, uri: Uri) -> Response {
    let p = params!(uri);
    let poisoned = c.fault() == Fault::Escape;
    let records = c
        .jobs()
        .iter()
        .map(|j| p.select_listed(wire::job(j, poisoned), &["uuid", "_links"]))
        .collect();
    hal(
        StatusCode::OK,
        wire::collection(records, "/api/cluster/jobs"),
    )
}

async fn job_get(State(c): State<Arc<Cluster>>, Path(uuid): Path<String>, uri: Uri) -> Response {
    let p = params!(uri);
    match c.job(&uuid) {
        Some(j) => {
            let mut body = wire::job(&j, c.fault() == Fault::Escape);
            if c.fault() == Fault::OtherJob {
                body["uuid"] = "00000000-0000-0000-0000-0000000000ff".into();
            }
            hal(StatusCode::OK, p.select(body, &["uuid", "_links"]))
        }
        None => entry_missing("uuid"),
    }
}

fn entry_missing(target: &str) -> Response {
    wire::error(
        StatusCode::NOT_FOUND,
        codes::NOT_FOUND,
        "entry doesn't exist",
        Some(target),
    )
}

async fn not_found() -> Response {
    wire::error(
        StatusCode::NOT_FOUND,
        codes::NOT_FOUND,
        "API not found",
        None,
    )
}

async fn method_not_allowed(method: Method) -> Response {
    let msg = format!("The method \"{method}\" is not allowed for this API.");
    wire::error(StatusCode::METHOD_NOT_ALLOWED, codes::GENERIC, &msg, None)
}

/// `9.16.1P3` -> (9, 16, 1): the numeric parts ONTAP reports beside `full`.
fn version_numbers(version: &str) -> (u64, u64, u64) {
    let mut parts = version.split('.').map(|p| {
        p.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(0)
    });
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}
