//! The answers of a cluster that means harm (or is badly broken): redirects, bodies that
//! are enormous, endless or dripping, text far longer than any real field, headers too
//! large to parse. Each is what a client must survive without following, without
//! unbounded memory, and without a panic.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use serde_json::json;

use super::fault::{Fault, LONG_TEXT};
use super::wire::hal;

/// What an `huge` answer claims and sends: 800 MiB.
const HUGE: u64 = 800 << 20;
/// One chunk of a streamed hostile body.
const CHUNK: usize = 64 * 1024;

/// A redirect to `location` + the request's own path and query.
pub(crate) fn redirect(status: u16, location: &str, path_and_query: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::TEMPORARY_REDIRECT);
    let target = format!("{}{path_and_query}", location.trim_end_matches('/'));
    let mut resp = status.into_response();
    if let Ok(value) = HeaderValue::from_str(&target) {
        resp.headers_mut().insert(header::LOCATION, value);
    }
    resp
}

/// 200 with an 800 MiB JSON body, its length declared up front.
pub(crate) fn huge() -> Response {
    let head = Bytes::from_static(b"{\"state\": \"running\", \"message\": \"");
    let filler = Bytes::from(vec![b'x'; CHUNK]);
    let chunks = (HUGE as usize - head.len()) / CHUNK;
    let tail = HUGE as usize - head.len() - chunks * CHUNK;
    let body = stream::iter(
        std::iter::once(head)
            .chain(std::iter::repeat_n(filler, chunks))
            .chain(std::iter::once(Bytes::from(vec![b'x'; tail])))
            .map(Ok::<_, Infallible>),
    );
    let mut resp = (StatusCode::OK, Body::from_stream(body)).into_response();
    let headers = resp.headers_mut();
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(HUGE));
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/hal+json"),
    );
    resp
}

/// 200 with a body that never ends, as fast as the client takes it.
pub(crate) fn endless() -> Response {
    let head = Bytes::from_static(b"{\"state\": \"running\", \"message\": \"");
    let filler = Bytes::from(vec![b'x'; CHUNK]);
    let body = stream::iter(
        std::iter::once(head)
            .chain(std::iter::repeat(filler))
            .map(Ok::<_, Infallible>),
    );
    (StatusCode::OK, Body::from_stream(body)).into_response()
}

/// 200, the start of a body, then one byte a second for as long as the client waits.
pub(crate) fn drip() -> Response {
    let head = Bytes::from_static(b"{\"state\": \"running\", \"message\": \"");
    let body = stream::unfold(Some(head), |next| async move {
        match next {
            Some(head) => Some((Ok::<_, Infallible>(head), None)),
            None => {
                tokio::time::sleep(Duration::from_secs(1)).await;
                Some((Ok(Bytes::from_static(b"x")), None))
            }
        }
    });
    (StatusCode::OK, Body::from_stream(body)).into_response()
}

/// A valid answer whose every text field is [`LONG_TEXT`] characters: the name, version
/// and state of the cluster and its download, and the job's message.
pub(crate) fn long_text(path: &str, cluster: &str) -> Response {
    let long = |c: char| c.to_string().repeat(LONG_TEXT);
    let body = if path.starts_with("/api/cluster/software/download") {
        json!({ "state": long('s'), "message": long('m'), "code": 10551382 })
    } else if let Some(uuid) = path.strip_prefix("/api/cluster/jobs/") {
        let uuid = uuid.split('?').next().unwrap_or("");
        json!({ "uuid": uuid, "state": long('j'), "message": long('m'), "code": 0 })
    } else if path.starts_with("/api/cluster/software/packages") {
        json!({ "records": [{ "version": long('v'), "create_time": long('t') }], "num_records": 1 })
    } else {
        json!({
            "name": format!("{cluster}{}", long('n')),
            "uuid": long('u'),
            "version": { "full": format!("NetApp Release {}: Mon Jan 06 2025", long('9')) },
        })
    };
    hal(StatusCode::OK, body)
}

/// 200 with one header of 1 MiB: more than any HTTP client buffers for a head.
pub(crate) fn big_headers() -> Response {
    let mut resp = hal(StatusCode::OK, json!({ "state": "running" }));
    if let Ok(value) = HeaderValue::from_str(&"x".repeat(1 << 20)) {
        resp.headers_mut().insert("x-padding", value);
    }
    resp
}

/// What a `garbage` cluster writes on a connection once a request has come: a status
/// line no HTTP client can parse.
pub(crate) const GARBAGE: &[u8] = b"HTTP/1.1 2OO K\r\nthis is not\r\n\r\n\x00\x01\x02 not HTTP\r\n";

/// What a `truncated` cluster writes: a head that promises 1,000 bytes of body, and
/// the first 35 of them (the connection then closes).
pub(crate) const TRUNCATED: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/hal+json\r\n\
    content-length: 1000\r\n\r\n{\"state\": \"running\", \"message\": \"Pa";

/// What a `badchunk` cluster writes: a chunked body whose first chunk size is not hex.
pub(crate) const BAD_CHUNK: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/hal+json\r\n\
    transfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";

/// What an `emptyjson` cluster writes: 200 and `{}`.
pub(crate) const EMPTY_JSON: &[u8] =
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";

/// What a `status999` cluster writes: a status past any HTTP defines, and `{}`.
pub(crate) const STATUS_999: &[u8] =
    b"HTTP/1.1 999 Weird\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";

/// The bytes a cluster whose fault acts on the socket writes once a request has come,
/// whatever it asked: `None` for every other fault.
pub(crate) fn raw_answer(fault: &Fault) -> Option<&'static [u8]> {
    match fault {
        Fault::Garbage => Some(GARBAGE),
        Fault::Truncated => Some(TRUNCATED),
        Fault::BadChunk => Some(BAD_CHUNK),
        Fault::EmptyJson => Some(EMPTY_JSON),
        Fault::Status999 => Some(STATUS_999),
        _ => None,
    }
}
