//! Shared helpers for the simulator tests: a raw reqwest client that trusts
//! the run's CA, JSON GET/POST helpers, and bounded polling.
//! (Deliberately not the ontop client: these tests pin the simulator itself.)

use std::time::Duration;

use ontop_sim::{SimFleet, SimOptions};
use serde_json::Value;

/// Options for a fast fleet: small packages, quick transfers.
pub(crate) fn fast_opts(clusters: usize) -> SimOptions {
    SimOptions {
        clusters,
        package_size: 64 * 1024,
        bandwidth: 256 * 1024,
        password: Some("s3cret-test-password".to_string()),
        // A delete job ends as soon as it is scheduled; tests that watch one running
        // set a long duration and end it with `finish_deletes`.
        delete_duration: Duration::ZERO,
        // Uploads arrive as fast as they are sent, and their jobs end at once.
        upload_bandwidth: 0,
        upload_processing: Duration::ZERO,
        ..SimOptions::default()
    }
}

pub(crate) async fn start(opts: SimOptions) -> SimFleet {
    SimFleet::start(opts).await.expect("simulator starts")
}

/// A client trusting only the fleet's CA (or plain, for HTTP fleets).
pub(crate) fn client(fleet: &SimFleet) -> reqwest::Client {
    client_with_ca(fleet.ca_pem())
}

pub(crate) fn client_with_ca(ca: Option<&str>) -> reqwest::Client {
    let tls = ontop_sim::client_config(ca).expect("tls config");
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

pub(crate) fn url(fleet: &SimFleet, cluster: &str, path: &str) -> String {
    let base = fleet
        .clusters()
        .into_iter()
        .find(|c| c.name == cluster)
        .expect("cluster exists")
        .url;
    format!("{base}{path}")
}

/// GET with the fleet's credentials: status and body parsed as JSON (Null if not JSON).
pub(crate) async fn get(fleet: &SimFleet, cluster: &str, path: &str) -> (u16, Value) {
    let resp = client(fleet)
        .get(url(fleet, cluster, path))
        .basic_auth(fleet.username(), Some(fleet.password()))
        .send()
        .await
        .expect("GET answers");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// POST a JSON body with the fleet's credentials.
pub(crate) async fn post(fleet: &SimFleet, cluster: &str, path: &str, body: Value) -> (u16, Value) {
    let resp = client(fleet)
        .post(url(fleet, cluster, path))
        .basic_auth(fleet.username(), Some(fleet.password()))
        .json(&body)
        .send()
        .await
        .expect("POST answers");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// DELETE with the fleet's credentials: status, `Location` header and body.
pub(crate) async fn delete(
    fleet: &SimFleet,
    cluster: &str,
    path: &str,
) -> (u16, Option<String>, Value) {
    let resp = client(fleet)
        .delete(url(fleet, cluster, path))
        .basic_auth(fleet.username(), Some(fleet.password()))
        .send()
        .await
        .expect("DELETE answers");
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let text = resp.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, location, body)
}

/// Starts a download by POST and returns the job uuid (asserting 202).
pub(crate) async fn start_download(fleet: &SimFleet, cluster: &str, package_url: &str) -> String {
    let (status, body) = post(
        fleet,
        cluster,
        "/api/cluster/software/download?return_timeout=0",
        serde_json::json!({ "url": package_url }),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    body["job"]["uuid"].as_str().expect("job uuid").to_string()
}

/// Polls a GET until `done(body)` holds; panics after a generous 30 s.
pub(crate) async fn poll_until(
    fleet: &SimFleet,
    cluster: &str,
    path: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..300 {
        let (status, body) = get(fleet, cluster, path).await;
        if status == 200 && done(&body) {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} on {cluster} never reached the expected state");
}

/// Polls the job until it is terminal; returns its body.
pub(crate) async fn wait_job(fleet: &SimFleet, cluster: &str, uuid: &str) -> Value {
    poll_until(fleet, cluster, &format!("/api/cluster/jobs/{uuid}"), |b| {
        matches!(b["state"].as_str(), Some("success" | "failure"))
    })
    .await
}
