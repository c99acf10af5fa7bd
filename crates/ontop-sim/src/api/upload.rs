//! `POST /api/cluster/software/upload` (ONTAP 9.8 and later): the image itself in the
//! request body, `multipart/form-data` with one part named `file`, answered with a job
//! (`docs/ontap-api.md#upload`).
//!
//! The body is read as it arrives and never held: each chunk of the file is counted,
//! hashed and dropped (`cluster/upload.rs`), at most `upload_bandwidth` bytes a second.
//! A refusal is answered once the rest of the body has been read, so that a client still
//! sending gets the answer and not a reset. Older clusters have no such endpoint (404).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio::time::Instant;

use super::{job_answer, method_not_allowed, not_found, version_numbers};
use crate::cluster::{Cluster, Intake, Refusal};
use crate::codes;
use crate::fault::Fault;
use crate::server::ResetConnection;
use crate::wire::{self, Params};

/// The first release that takes uploads: (generation, major).
const FIRST_RELEASE: (u64, u64) = (9, 8);
/// The longest file name a cluster takes.
const NAME_MAX: usize = 255;
/// How far into the body the `upload-reset` fault drops the connection, at most.
const RESET_AFTER: u64 = 1024 * 1024;

/// Every method on the upload path: 404 before 9.8 (there is no such API), 405 for
/// anything but POST, else the upload.
pub(super) async fn handle(State(c): State<Arc<Cluster>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let (generation, major, _) = version_numbers(&c.version);
    if (generation, major) < FIRST_RELEASE {
        drain(body).await;
        return not_found().await;
    }
    if parts.method != Method::POST {
        drain(body).await;
        return method_not_allowed(parts.method).await;
    }
    let p = match Params::parse(parts.uri.query()) {
        Ok(p) => p,
        Err(bad) => {
            drain(body).await;
            return bad.into_response();
        }
    };
    let reset = parts.extensions.get::<ResetConnection>().cloned();
    match receive(&c, &parts.headers, body, reset).await {
        Ok(intake) => {
            let uuid = intake.finish();
            job_answer(&c, &uuid, p.return_timeout, StatusCode::CREATED).await
        }
        Err((code, message)) => {
            wire::error(StatusCode::BAD_REQUEST, &code.to_string(), &message, None)
        }
    }
}

/// Checks the request and takes its one file, or says why not (having read the body
/// to its end).
async fn receive(
    c: &Arc<Cluster>,
    headers: &HeaderMap,
    body: Body,
    reset: Option<ResetConnection>,
) -> Result<Intake, Refusal> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = match multer::parse_boundary(content_type) {
        Ok(boundary) => boundary,
        Err(_) => {
            drain(body).await;
            return Err(not_multipart());
        }
    };
    if c.fault() == Fault::UploadDisabled {
        drain(body).await;
        return Err(refusal(codes::UPLOAD_DISABLED, codes::UPLOAD_DISABLED_MSG));
    }
    let reset = reset
        .filter(|_| c.fault() == Fault::UploadReset)
        .map(|conn| {
            let length = headers
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
            let at = length.map_or(RESET_AFTER, |l| (l / 2).min(RESET_AFTER));
            (at, conn)
        });
    let mut form = multer::Multipart::new(body.into_data_stream(), boundary);
    let deadline = Instant::now() + c.env.time_limit;
    let taken = read_form(c, &mut form, deadline, reset).await;
    if taken.is_err() {
        // Each call skips what is left of the part before; a broken form ends it.
        while let Ok(Some(_part)) = form.next_field().await {}
    }
    taken
}

/// Walks the parts: exactly one file, in the part named `file`; other fields are skipped.
async fn read_form(
    c: &Arc<Cluster>,
    form: &mut multer::Multipart<'_>,
    deadline: Instant,
    reset: Option<(u64, ResetConnection)>,
) -> Result<Intake, Refusal> {
    let mut files = 0;
    let mut taken = None;
    while let Some(mut part) = form.next_field().await.map_err(|_| not_multipart())? {
        if part.file_name().is_none() && part.name() != Some("file") {
            continue;
        }
        files += 1;
        if files > 1 {
            return Err(refusal(codes::MANY_FILES, codes::MANY_FILES_MSG));
        }
        let name = part
            .file_name()
            .filter(|_| part.name() == Some("file"))
            .map(last_segment)
            .unwrap_or_default();
        if name.is_empty() {
            continue;
        }
        if name.chars().count() > NAME_MAX {
            return Err(refusal(codes::NAME_TOO_LONG, codes::NAME_TOO_LONG_MSG));
        }
        if c.fault() == Fault::NoSpace {
            return Err(refusal(codes::NO_SPACE, codes::NO_SPACE_MSG));
        }
        let mut intake = c.begin_upload(&name)?;
        take_file(c, &mut part, &mut intake, deadline, reset.as_ref()).await?;
        intake.seal();
        taken = Some(intake);
    }
    taken.ok_or_else(not_multipart)
}

/// Streams the file part into `intake` at the cluster's upload rate, within the time
/// limit (10551373); with the `upload-reset` fault, resets the connection on the way.
/// A chunk is taken in pieces of a twentieth of a second's worth, each counted only once
/// its time at that rate has come: the count a client reads never runs ahead of the
/// rate, however large the chunks the socket hands over.
async fn take_file(
    c: &Cluster,
    part: &mut multer::Field<'_>,
    intake: &mut Intake,
    deadline: Instant,
    reset: Option<&(u64, ResetConnection)>,
) -> Result<(), Refusal> {
    let start = Instant::now();
    let rate = c.env.upload_bandwidth;
    let over_time = || refusal(codes::UPLOAD_TIME_LIMIT, codes::TIME_LIMIT_MSG);
    loop {
        let chunk = tokio::time::timeout_at(deadline, part.chunk())
            .await
            .map_err(|_| over_time())?
            .map_err(|_| not_multipart())?;
        let Some(chunk) = chunk else {
            return Ok(());
        };
        for piece in chunk.chunks(piece_len(rate, chunk.len())) {
            if rate > 0 {
                let taken = intake.bytes() + piece.len() as u64;
                let due = start + Duration::from_secs_f64(taken as f64 / rate as f64);
                if due > deadline {
                    tokio::time::sleep_until(deadline).await;
                    return Err(over_time());
                }
                tokio::time::sleep_until(due).await;
            }
            intake.take(piece);
            if let Some((at, connection)) = reset
                && intake.bytes() >= *at
            {
                connection.now();
                // The connection task drops this future with the connection.
                std::future::pending::<()>().await;
            }
        }
    }
}

/// How much of a chunk is taken at once: 50 ms worth at `rate`, or all of it when
/// uploads are not paced (rate 0).
fn piece_len(rate: u64, chunk_len: usize) -> usize {
    let len = if rate == 0 {
        chunk_len as u64
    } else {
        rate / 20
    };
    usize::try_from(len).unwrap_or(usize::MAX).max(1)
}

/// Reads a body to its end, keeping nothing.
async fn drain(body: Body) {
    let mut stream = body.into_data_stream();
    while let Some(Ok(_)) = stream.next().await {}
}

/// The file name without the directories some clients send with it
/// (`/tmp/ontap-9.16.1P3-image.tgz`, `C:\images\97_q_image.tgz`).
fn last_segment(name: &str) -> String {
    name.rsplit(['/', '\\']).next().unwrap_or(name).to_string()
}

fn not_multipart() -> Refusal {
    refusal(codes::NOT_MULTIPART, codes::NOT_MULTIPART_MSG)
}

fn refusal(code: u64, message: &str) -> Refusal {
    (code, message.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_path_segment_names_the_file() {
        assert_eq!(
            last_segment("/tmp/x/ontap-9.17.1-image.tgz"),
            "ontap-9.17.1-image.tgz"
        );
        assert_eq!(last_segment("C:\\images\\97_q_image.tgz"), "97_q_image.tgz");
        assert_eq!(last_segment("all.zip"), "all.zip");
        assert_eq!(last_segment("dir/"), "");
    }
}
