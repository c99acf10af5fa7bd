//! The simulator's API surface: TLS, authentication, endpoint shapes, `fields`,
//! `return_timeout`, error envelopes and the request log.

use crate::support::sim::*;
use serde_json::json;

#[tokio::test]
async fn https_works_with_the_run_ca_and_is_refused_without_it() {
    let fleet = start(fast_opts(1)).await;
    let (status, body) = get(&fleet, "sim-1", "/api/cluster").await;
    assert_eq!(status, 200);
    assert_eq!(body["name"], "sim-1");
    assert!(fleet.clusters()[0].url.starts_with("https://127.0.0.1:"));

    let untrusting = client_with_ca(None);
    let err = untrusting
        .get(url(&fleet, "sim-1", "/api/cluster"))
        .basic_auth("admin", Some(fleet.password()))
        .send()
        .await
        .expect_err("a client without the CA must refuse the certificate");
    assert!(err.is_connect() || err.is_request(), "{err:?}");
    fleet.shutdown().await;
}

#[tokio::test]
async fn wrong_or_missing_credentials_get_an_html_401_with_a_challenge() {
    let fleet = start(fast_opts(1)).await;
    for password in [Some("wrong"), None] {
        let mut req = client(&fleet).get(url(&fleet, "sim-1", "/api/cluster"));
        if let Some(p) = password {
            req = req.basic_auth("admin", Some(p));
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 401);
        let challenge = resp.headers()["www-authenticate"].to_str().unwrap();
        assert!(challenge.starts_with("Basic"), "{challenge}");
        assert!(resp.text().await.unwrap().contains("<html>"));
    }
    fleet.shutdown().await;
}

#[tokio::test]
async fn every_endpoint_has_the_ontap_shape() {
    let fleet = start(fast_opts(1)).await;
    let (_, cluster) = get(&fleet, "sim-1", "/api/cluster").await;
    assert!(cluster["uuid"].is_string());
    assert!(
        cluster["version"]["full"]
            .as_str()
            .unwrap()
            .starts_with("NetApp Release 9.15.1P7")
    );
    assert_eq!(cluster["version"]["generation"], 9);
    assert_eq!(cluster["version"]["major"], 15);
    assert_eq!(cluster["version"]["minor"], 1);
    assert_eq!(cluster["_links"]["self"]["href"], "/api/cluster");

    let (_, download) = get(&fleet, "sim-1", "/api/cluster/software/download").await;
    assert_eq!(download["state"], "not_started");
    assert!(download["code"].is_u64(), "code is an integer: {download}");
    assert!(download.get("records").is_none());

    let (_, software) = get(&fleet, "sim-1", "/api/cluster/software").await;
    assert_eq!(software["version"], "9.15.1P7");
    assert_eq!(software["state"], "completed");
    assert_eq!(software["nodes"][0]["version"], "9.15.1P7");

    let (_, packages) = get(&fleet, "sim-1", "/api/cluster/software/packages").await;
    assert_eq!(packages["num_records"], 0);
    assert_eq!(packages["records"], json!([]));

    let (_, jobs) = get(&fleet, "sim-1", "/api/cluster/jobs").await;
    assert_eq!(jobs["num_records"], 0);
    fleet.shutdown().await;
}

#[tokio::test]
async fn fields_select_what_is_returned() {
    let fleet = start(fast_opts(1)).await;
    let (_, body) = get(
        &fleet,
        "sim-1",
        "/api/cluster?fields=name&fields=version.full",
    )
    .await;
    assert_eq!(body["name"], "sim-1");
    assert!(body["version"]["full"].is_string());
    assert!(body["version"].get("major").is_none());
    assert!(body.get("uuid").is_none());

    let (_, body) = get(
        &fleet,
        "sim-1",
        "/api/cluster/software/download?fields=state",
    )
    .await;
    assert_eq!(body["state"], "not_started");
    assert!(body.get("message").is_none());
    assert!(body["_links"].is_object());

    let (_, all) = get(&fleet, "sim-1", "/api/cluster/software/download?fields=*").await;
    assert!(all.get("message").is_some() && all.get("code").is_some());
    fleet.shutdown().await;
}

#[tokio::test]
async fn return_timeout_outside_0_to_120_is_a_400_with_code_262197() {
    let fleet = start(fast_opts(1)).await;
    for query in [
        "return_timeout=121",
        "return_timeout=-1",
        "return_timeout=soon",
    ] {
        let path = format!("/api/cluster/software/download?{query}");
        let (status, body) = get(&fleet, "sim-1", &path).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["error"]["code"], "262197");
        assert_eq!(body["error"]["target"], "return_timeout");

        let url = fleet.default_package_url();
        let (status, body) = post(&fleet, "sim-1", &path, json!({ "url": url })).await;
        assert_eq!(status, 400, "POST {query}");
        assert_eq!(body["error"]["code"], "262197");
    }
    let (status, _) = get(
        &fleet,
        "sim-1",
        "/api/cluster/software/download?return_timeout=120",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(fleet.download_status("sim-1").unwrap().0, "not_started");
    fleet.shutdown().await;
}

#[tokio::test]
async fn unknown_paths_and_methods_get_envelopes() {
    let fleet = start(fast_opts(1)).await;
    let (status, body) = get(&fleet, "sim-1", "/api/storage/volumes").await;
    assert_eq!(status, 404);
    assert!(body["error"]["code"].is_string());

    let resp = client(&fleet)
        .delete(url(&fleet, "sim-1", "/api/cluster/software/download"))
        .basic_auth("admin", Some(fleet.password()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(body["error"]["message"].is_string());
    fleet.shutdown().await;
}

#[tokio::test]
async fn post_checks_the_url_and_the_body() {
    let fleet = start(fast_opts(1)).await;
    let path = "/api/cluster/software/download";
    let cases = [
        (json!({ "url": "not a url" }), "39387137"),
        (json!({ "url": "http://" }), "39387137"),
        (json!({ "url": "gopher://server/image.tgz" }), "39387138"),
        (json!({ "url": "scp://server/image.tgz" }), "39387138"),
        (json!({ "username": "admin" }), "262186"),
        (json!({ "url": "http://x/y.tgz", "node": "n1" }), "262179"),
    ];
    for (body, code) in cases {
        let (status, answer) = post(&fleet, "sim-1", path, body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["error"]["code"], code, "{body}: {answer}");
        assert!(answer["error"]["message"].is_string());
    }
    // Read-only fields from the documented body are tolerated and ignored.
    let body = json!({ "url": fleet.default_package_url(), "state": "success",
                       "message": "x", "code": 1, "username": "u", "password": "p" });
    let (status, answer) = post(&fleet, "sim-1", path, body).await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(fleet.download_status("sim-1").unwrap().0, "running");
    fleet.shutdown().await;
}

#[tokio::test]
async fn the_request_log_records_every_request_in_order() {
    let fleet = start(fast_opts(2)).await;
    get(&fleet, "sim-1", "/api/cluster?fields=name").await;
    get(&fleet, "sim-1", "/api/cluster/software/download").await;
    let _ = client(&fleet)
        .get(url(&fleet, "sim-1", "/api/cluster/jobs"))
        .send()
        .await; // unauthenticated, still logged
    let log = fleet.request_log("sim-1");
    let seen: Vec<_> = log
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("GET", "/api/cluster?fields=name"),
            ("GET", "/api/cluster/software/download"),
            ("GET", "/api/cluster/jobs"),
        ]
    );
    assert!(fleet.request_log("sim-2").is_empty());
    fleet.shutdown().await;
}

#[tokio::test]
async fn plain_http_fleets_have_no_ca() {
    let mut opts = fast_opts(1);
    opts.http = true;
    let fleet = start(opts).await;
    assert!(fleet.ca_pem().is_none());
    assert!(fleet.clusters()[0].url.starts_with("http://127.0.0.1:"));
    let (status, body) = get(&fleet, "sim-1", "/api/cluster").await;
    assert_eq!(status, 200);
    assert_eq!(body["name"], "sim-1");
    fleet.shutdown().await;
}

#[tokio::test]
async fn collections_list_only_keys_unless_fields_are_asked() {
    let fleet = start(fast_opts(1)).await;
    let uuid = fleet
        .finish_download("sim-1", &fleet.default_package_url())
        .unwrap();
    let keys = |record: &serde_json::Value| -> Vec<String> {
        let mut keys: Vec<_> = record.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };

    let (_, bare) = get(&fleet, "sim-1", "/api/cluster/software/packages").await;
    assert_eq!(keys(&bare["records"][0]), ["_links", "version"], "{bare}");
    assert_eq!(
        bare["records"][0]["_links"]["self"]["href"],
        "/api/cluster/software/packages/9.16.1P3"
    );
    for query in [
        "fields=version,create_time",
        "fields=create_time",
        "fields=*",
    ] {
        let path = format!("/api/cluster/software/packages?{query}");
        let (_, asked) = get(&fleet, "sim-1", &path).await;
        let record = &asked["records"][0];
        assert_eq!(record["version"], "9.16.1P3", "{query}");
        assert!(record["create_time"].is_string(), "{query}: {asked}");
    }
    // One record is all of it, as ONTAP answers a GET on an instance.
    let (_, one) = get(&fleet, "sim-1", "/api/cluster/software/packages/9.16.1P3").await;
    assert!(one["create_time"].is_string(), "{one}");

    let (_, jobs) = get(&fleet, "sim-1", "/api/cluster/jobs").await;
    assert_eq!(keys(&jobs["records"][0]), ["_links", "uuid"], "{jobs}");
    assert_eq!(jobs["records"][0]["uuid"], uuid.as_str());
    let (_, jobs) = get(
        &fleet,
        "sim-1",
        "/api/cluster/jobs?fields=state,description",
    )
    .await;
    assert_eq!(jobs["records"][0]["state"], "success");
    assert!(jobs["records"][0].get("message").is_none());
    fleet.shutdown().await;
}

#[tokio::test]
async fn software_gives_the_running_version_and_each_nodes_respecting_fields() {
    let fleet = start(fast_opts(1)).await;
    let (_, all) = get(&fleet, "sim-1", "/api/cluster/software").await;
    assert_eq!(all["version"], "9.15.1P7");
    assert_eq!(all["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(all["nodes"][1]["name"], "sim-1-02");

    let (_, version) = get(&fleet, "sim-1", "/api/cluster/software?fields=version").await;
    assert_eq!(version["version"], "9.15.1P7");
    assert!(version.get("nodes").is_none() && version.get("state").is_none());

    let path = "/api/cluster/software?fields=nodes.version";
    let (_, nodes) = get(&fleet, "sim-1", path).await;
    assert!(nodes.get("version").is_none(), "{nodes}");
    assert_eq!(nodes["nodes"][0], json!({ "version": "9.15.1P7" }));

    let (_, nodes) = get(&fleet, "sim-1", "/api/cluster/software?fields=nodes").await;
    assert_eq!(nodes["nodes"][0]["name"], "sim-1-01");
    assert_eq!(nodes["nodes"][0]["version"], "9.15.1P7");
    fleet.shutdown().await;
}
