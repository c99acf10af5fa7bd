//! Every injectable fault, seen from a raw HTTP client.

use std::time::Duration;

use crate::support::sim::*;
use ontop_sim::{Fault, SimOptions, parse_fault_arg};

#[tokio::test]
async fn hang_accepts_and_never_answers() {
    let fleet = start(fast_opts(1)).await;
    fleet.set_fault("sim-1", Fault::Hang);
    let short = reqwest::Client::builder()
        .tls_backend_preconfigured(ontop_sim::client_config(fleet.ca_pem()).unwrap())
        .no_proxy()
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let err = short
        .get(url(&fleet, "sim-1", "/api/cluster"))
        .send()
        .await
        .expect_err("a hung cluster never answers");
    assert!(err.is_timeout(), "{err:?}");
    fleet.set_fault("sim-1", Fault::None);
    let (status, _) = get(&fleet, "sim-1", "/api/cluster").await;
    assert_eq!(status, 200);
    fleet.shutdown().await;
}

#[tokio::test]
async fn hang_also_stalls_requests_on_an_open_connection() {
    let fleet = start(fast_opts(1)).await;
    let c = client(&fleet);
    let target = url(&fleet, "sim-1", "/api/cluster");
    let ok = c.get(&target).basic_auth("admin", Some(fleet.password()));
    assert_eq!(ok.send().await.unwrap().status().as_u16(), 200);
    fleet.set_fault("sim-1", Fault::Hang);
    let req = c.get(&target).basic_auth("admin", Some(fleet.password()));
    let waited = tokio::time::timeout(Duration::from_millis(500), req.send()).await;
    assert!(
        waited.is_err(),
        "the request on the pooled connection hangs"
    );
    fleet.shutdown().await;
}

#[tokio::test]
async fn reset_closes_connections_with_an_error() {
    let fleet = start(fast_opts(1)).await;
    let c = client(&fleet);
    let target = url(&fleet, "sim-1", "/api/cluster");
    // A pooled keep-alive connection meets the fault too.
    let ok = c.get(&target).basic_auth("admin", Some(fleet.password()));
    assert_eq!(ok.send().await.unwrap().status().as_u16(), 200);
    fleet.set_fault("sim-1", Fault::Reset);
    for _ in 0..3 {
        let err = c.get(&target).send().await.expect_err("reset");
        assert!(err.is_connect() || err.is_request(), "{err:?}");
    }
    assert!(
        fleet.request_log("sim-1").len() == 1,
        "no reset request reached the API"
    );
    fleet.shutdown().await;
}

#[tokio::test]
async fn down_refuses_connections_and_comes_back_on_the_same_port() {
    let fleet = start(fast_opts(1)).await;
    let before = fleet.clusters()[0].url.clone();
    let addr = before.trim_start_matches("https://").to_string();
    fleet.set_fault("sim-1", Fault::Down);
    let refused = tokio::net::TcpStream::connect(&addr)
        .await
        .expect_err("port closed");
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    let err = client(&fleet)
        .get(url(&fleet, "sim-1", "/api/cluster"))
        .send()
        .await
        .expect_err("down");
    assert!(err.is_connect(), "{err:?}");

    fleet.set_fault("sim-1", Fault::None);
    assert_eq!(fleet.clusters()[0].url, before);
    crate::support::fleet::eventually("the port to re-open", || async {
        tokio::net::TcpStream::connect(&addr).await.ok().map(drop)
    })
    .await;
    let (status, _) = get(&fleet, "sim-1", "/api/cluster").await;
    assert_eq!(status, 200);
    fleet.shutdown().await;
}

#[tokio::test]
async fn http_5xx_faults_answer_with_their_status() {
    let fleet = start(fast_opts(1)).await;
    for (fault, status) in [
        (Fault::Http500, 500),
        (Fault::Http502, 502),
        (Fault::Http503, 503),
    ] {
        fleet.set_fault("sim-1", fault.clone());
        let (got, body) = get(&fleet, "sim-1", "/api/cluster/software/download").await;
        assert_eq!(got, status, "{fault}");
        if status == 500 {
            assert!(body["error"]["code"].is_string(), "{body}");
        }
    }
    fleet.shutdown().await;
}

#[tokio::test]
async fn malformed_answers_200_with_broken_json() {
    let fleet = start(fast_opts(1)).await;
    fleet.set_fault("sim-1", Fault::Malformed);
    let resp = client(&fleet)
        .get(url(&fleet, "sim-1", "/api/cluster/software/download"))
        .basic_auth("admin", Some(fleet.password()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let text = resp.text().await.unwrap();
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_err(),
        "{text}"
    );
    fleet.shutdown().await;
}

#[tokio::test]
async fn unauthorized_refuses_even_the_right_password() {
    let fleet = start(fast_opts(1)).await;
    fleet.set_fault("sim-1", Fault::Unauthorized);
    let (status, _) = get(&fleet, "sim-1", "/api/cluster").await;
    assert_eq!(status, 401);
    fleet.shutdown().await;
}

#[tokio::test]
async fn escape_puts_terminal_sequences_in_messages() {
    let fleet = start(fast_opts(1)).await;
    let uuid = fleet
        .fail_download("sim-1", &fleet.default_package_url(), 10551885, "boom")
        .unwrap();
    fleet.set_fault("sim-1", Fault::Escape);
    let (_, download) = get(&fleet, "sim-1", "/api/cluster/software/download").await;
    let message = download["message"].as_str().unwrap();
    assert!(
        message.contains('\x1b') && message.contains('\u{202e}'),
        "{message:?}"
    );
    let (_, job) = get(&fleet, "sim-1", &format!("/api/cluster/jobs/{uuid}")).await;
    assert!(job["message"].as_str().unwrap().contains("\x1b]0;"));
    assert!(job["error"]["message"].as_str().unwrap().contains('\x1b'));
    fleet.shutdown().await;
}

#[tokio::test]
async fn latency_delays_but_still_answers() {
    let fleet = start(SimOptions {
        latency: Duration::from_millis(50),
        faults: vec![("sim-1".into(), Fault::Latency(Duration::from_millis(100)))],
        ..fast_opts(1)
    })
    .await;
    assert_eq!(
        fleet.fault("sim-1"),
        Some(Fault::Latency(Duration::from_millis(100)))
    );
    let (status, _) = get(&fleet, "sim-1", "/api/cluster").await;
    assert_eq!(status, 200);
    fleet.shutdown().await;
}

#[tokio::test]
async fn faults_parse_from_the_command_line_form() {
    assert_eq!(
        parse_fault_arg("sim-2=hang").unwrap(),
        ("sim-2".into(), Fault::Hang)
    );
    assert_eq!(
        parse_fault_arg("a=latency:250").unwrap().1,
        Fault::Latency(Duration::from_millis(250))
    );
    for kind in [
        "none",
        "reset",
        "http500",
        "http502",
        "http503",
        "malformed",
        "unauthorized",
        "escape",
        "down",
        "validating",
        "updating",
        "syncing",
        "deletetimeout",
    ] {
        let fault: Fault = kind.parse().unwrap();
        assert_eq!(fault.to_string(), kind);
    }
    let err = parse_fault_arg("sim-1=explode").unwrap_err();
    assert!(err.contains("hang") && err.contains("latency:MS"), "{err}");
    assert!(parse_fault_arg("nokind").is_err());
    assert!(parse_fault_arg("=hang").is_err());
    assert!(parse_fault_arg("a=latency:soon").is_err());
}

#[tokio::test]
async fn faults_for_unknown_clusters_are_refused_at_start() {
    let opts = SimOptions {
        faults: vec![("nope".into(), Fault::Hang)],
        ..fast_opts(1)
    };
    let err = ontop_sim::SimFleet::start(opts).await.err().unwrap();
    assert!(err.to_string().contains("nope"), "{err}");
}
