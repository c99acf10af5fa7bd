//! The package repository's routes: the collection, one package, and its DELETE.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::{entry_missing, job_answer};
use crate::cluster::Cluster;
use crate::codes;
use crate::wire::{self, Params, hal};

/// What every package record shows: its key and its link.
const KEY: [&str; 2] = ["version", "_links"];

/// `GET /api/cluster/software/packages`: each record's key and link, or the fields asked.
pub(super) async fn list(State(c): State<Arc<Cluster>>, uri: Uri) -> Response {
    let p = params!(uri);
    let records = c
        .packages()
        .iter()
        .map(|pkg| p.select_listed(wire::package(pkg), &KEY))
        .collect();
    hal(
        StatusCode::OK,
        wire::collection(records, "/api/cluster/software/packages"),
    )
}

/// `GET /api/cluster/software/packages/{version}`: every field unless `fields` says.
pub(super) async fn one(
    State(c): State<Arc<Cluster>>,
    Path(version): Path<String>,
    uri: Uri,
) -> Response {
    let p = params!(uri);
    match c.packages().iter().find(|pkg| pkg.version == version) {
        Some(pkg) => hal(StatusCode::OK, p.select(wire::package(pkg), &KEY)),
        None => entry_missing("version"),
    }
}

/// `DELETE /api/cluster/software/packages/{version}`: 202 with the delete job, or 200
/// when a non-zero `return_timeout` saw it end. A missing package is a 404, the other
/// refusals are 400s.
pub(super) async fn delete(
    State(c): State<Arc<Cluster>>,
    Path(version): Path<String>,
    uri: Uri,
) -> Response {
    let p = params!(uri);
    match c.start_delete(&version) {
        Ok(uuid) => job_answer(&c, &uuid, p.return_timeout, StatusCode::OK).await,
        Err((code, message)) => {
            let (status, target) = match code {
                codes::NO_PACKAGE | codes::STORE_EMPTY => (StatusCode::NOT_FOUND, Some("version")),
                codes::PACKAGE_IN_USE => (StatusCode::BAD_REQUEST, Some("version")),
                _ => (StatusCode::BAD_REQUEST, None),
            };
            wire::error(status, &code.to_string(), &message, target)
        }
    }
}
