//! How the simulator writes ONTAP's wire format: records as JSON, `fields=`
//! selection, the `return_timeout` check and the error envelope.
//!
//! The JSON is built here by hand (serde_json values), never from the client's
//! types in `src/ontap/`, so a mistake in those types is not mirrored here.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::cluster::{Download, Job, Package};
use super::codes;
use super::fault::poison;

/// The query parameters ONTAP treats specially, parsed once per request.
#[derive(Debug, Default)]
pub(crate) struct Params {
    /// Requested fields; empty means the default set.
    pub(crate) fields: Vec<String>,
    /// `return_timeout` in seconds, when given.
    pub(crate) return_timeout: Option<u64>,
}

impl Params {
    /// Parses a raw query string: repeated and comma-separated `fields`, and the
    /// `return_timeout` range check (0..=120, else 400 with code "262197").
    pub(crate) fn parse(query: Option<&str>) -> Result<Params, BadTimeout> {
        let pairs: Vec<(String, String)> = query
            .and_then(|q| serde_urlencoded_pairs(q).ok())
            .unwrap_or_default();
        let mut params = Params::default();
        for (key, value) in pairs {
            match key.as_str() {
                "fields" => params.fields.extend(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|f| !f.is_empty())
                        .map(String::from),
                ),
                "return_timeout" => match value.trim().parse::<u64>() {
                    Ok(n) if n <= 120 => params.return_timeout = Some(n),
                    _ => return Err(BadTimeout(value)),
                },
                _ => {}
            }
        }
        Ok(params)
    }

    fn wants_all(&self) -> bool {
        self.fields.is_empty() || self.fields.iter().any(|f| f == "*" || f == "**")
    }

    /// Keeps what a collection lists of a record: without `fields`, only `keep` (its
    /// key and `_links`), as ONTAP lists records; with them, as [`Params::select`].
    pub(crate) fn select_listed(&self, record: Value, keep: &[&str]) -> Value {
        if !self.fields.is_empty() {
            return self.select(record, keep);
        }
        match record {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .filter(|(key, _)| keep.contains(&key.as_str()))
                    .collect(),
            ),
            other => other,
        }
    }

    /// Keeps the requested fields of a record (plus `keep`, e.g. its key and `_links`);
    /// `nodes.version` keeps `version` in each element of the array `nodes`.
    pub(crate) fn select(&self, record: Value, keep: &[&str]) -> Value {
        let map = match record {
            Value::Object(map) => map,
            Value::Array(items) => {
                return Value::Array(items.into_iter().map(|v| self.select(v, keep)).collect());
            }
            other => return other,
        };
        if self.wants_all() {
            return Value::Object(map);
        }
        let mut out = Map::new();
        for (key, value) in map {
            let nested: Vec<&str> = self
                .fields
                .iter()
                .filter_map(|f| f.strip_prefix(key.as_str())?.strip_prefix('.'))
                .collect();
            if keep.contains(&key.as_str()) || self.fields.contains(&key) {
                out.insert(key, value);
            } else if !nested.is_empty() {
                let sub = Params {
                    fields: nested.into_iter().map(String::from).collect(),
                    return_timeout: None,
                };
                out.insert(key, sub.select(value, &[]));
            }
        }
        Value::Object(out)
    }
}

/// A `return_timeout` that is not an integer in 0..=120.
#[derive(Debug)]
pub(crate) struct BadTimeout(String);

impl IntoResponse for BadTimeout {
    /// 400 with code "262197" and target `return_timeout`, as ONTAP answers.
    fn into_response(self) -> Response {
        let value = self.0;
        error(
            StatusCode::BAD_REQUEST,
            codes::BAD_VALUE,
            &format!(
                "The value \"{value}\" is invalid for field \"return_timeout\" (<integer 0..120>)."
            ),
            Some("return_timeout"),
        )
    }
}

fn serde_urlencoded_pairs(q: &str) -> Result<Vec<(String, String)>, ()> {
    let uri: axum::http::Uri = format!("/?{q}").parse().map_err(|_| ())?;
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map(|axum::extract::Query(v)| v)
        .map_err(|_| ())
}

/// `{"self": {"href": ...}}`
pub(crate) fn links(href: &str) -> Value {
    json!({ "self": { "href": href } })
}

/// The download singleton, with escape sequences in `message` when `poisoned`.
pub(crate) fn download(d: &Download, poisoned: bool) -> Value {
    json!({
        "state": d.state.as_str(),
        "message": maybe_poison(&d.message, poisoned),
        "code": d.code,
        "_links": links("/api/cluster/software/download"),
    })
}

/// One job record; `error` only on failure, `end_time` only once it ended.
pub(crate) fn job(j: &Job, poisoned: bool) -> Value {
    let href = format!("/api/cluster/jobs/{}", j.uuid);
    let mut v = json!({
        "uuid": j.uuid,
        "description": j.description,
        "state": j.state.as_str(),
        "message": maybe_poison(&j.message, poisoned),
        "code": j.code,
        "start_time": j.start_time,
        "_links": links(&href),
    });
    if let Some(end) = &j.end_time {
        v["end_time"] = json!(end);
    }
    if j.state == super::cluster::JobState::Failure {
        v["error"] = json!({
            "code": j.code.to_string(),
            "message": maybe_poison(&j.message, poisoned),
        });
    }
    v
}

/// One package record.
pub(crate) fn package(p: &Package) -> Value {
    json!({
        "version": p.version,
        "create_time": p.create_time,
        "_links": links(&format!("/api/cluster/software/packages/{}", p.version)),
    })
}

/// A collection: `records`, `num_records` and the collection's own link.
pub(crate) fn collection(records: Vec<Value>, href: &str) -> Value {
    json!({ "records": records, "num_records": records.len(), "_links": links(href) })
}

fn maybe_poison(message: &str, poisoned: bool) -> String {
    if poisoned {
        poison(message)
    } else {
        message.to_string()
    }
}

/// A JSON response with ONTAP's `application/hal+json` content type.
pub(crate) fn hal(status: StatusCode, body: Value) -> Response {
    let mut resp = (status, Json(body)).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/hal+json"),
    );
    resp
}

/// The ONTAP error envelope; `code` is always a string.
pub(crate) fn error(
    status: StatusCode,
    code: &str,
    message: &str,
    target: Option<&str>,
) -> Response {
    let mut err = json!({ "message": message, "code": code });
    if let Some(target) = target {
        err["target"] = json!(target);
    }
    hal(status, json!({ "error": err }))
}

/// The 401 a cluster gives for bad or missing credentials: an HTML page, as
/// real clusters' web servers do, with the challenge header.
pub(crate) fn unauthorized() -> Response {
    let body = "<!DOCTYPE html>\n<html><head><title>401 Unauthorized</title></head>\
                <body><h1>Unauthorized</h1><p>This server could not verify that you are \
                authorized to access the document requested.</p></body></html>\n";
    (
        StatusCode::UNAUTHORIZED,
        [
            (header::WWW_AUTHENTICATE, "Basic realm=\"ONTAP\""),
            (header::CONTENT_TYPE, "text/html; charset=iso-8859-1"),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_select_top_level_and_nested_keys() {
        let p = Params::parse(Some("fields=message&fields=version.full,state")).unwrap();
        let v = json!({"state": "x", "message": "m", "code": 1, "_links": {},
                       "version": {"full": "f", "major": 16}});
        let got = p.select(v, &["_links"]);
        assert_eq!(
            got,
            json!({"state": "x", "message": "m", "_links": {}, "version": {"full": "f"}})
        );
    }

    #[test]
    fn nested_fields_reach_into_arrays() {
        let p = Params::parse(Some("fields=nodes.version")).unwrap();
        let v = json!({"version": "9", "nodes": [{"name": "a", "version": "9"}], "_links": {}});
        let got = p.select(v, &["_links"]);
        assert_eq!(got, json!({"nodes": [{"version": "9"}], "_links": {}}));
    }

    #[test]
    fn collections_list_only_keys_without_fields() {
        let record = json!({"version": "9", "create_time": "t", "_links": {}});
        let keys = ["version", "_links"];
        let bare = Params::parse(None).unwrap();
        assert_eq!(
            bare.select_listed(record.clone(), &keys),
            json!({"version": "9", "_links": {}})
        );
        let all = Params::parse(Some("fields=*")).unwrap();
        assert_eq!(all.select_listed(record.clone(), &keys), record);
        let asked = Params::parse(Some("fields=create_time")).unwrap();
        assert_eq!(asked.select_listed(record.clone(), &keys), record);
    }

    #[test]
    fn return_timeout_outside_range_is_refused() {
        assert!(Params::parse(Some("return_timeout=121")).is_err());
        assert!(Params::parse(Some("return_timeout=abc")).is_err());
        assert_eq!(
            Params::parse(Some("return_timeout=120"))
                .unwrap()
                .return_timeout,
            Some(120)
        );
    }
}
