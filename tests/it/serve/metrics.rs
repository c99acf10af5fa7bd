//! `/metrics` against the simulator: every cluster with its state, a download moving
//! the state series, a hung cluster down without delaying the scrape, no POST ever.

use std::time::Duration;

use ontop_sim::Fault;

use super::{Serving, get, require, sample};
use crate::support::download::{SLOW, assert_exit, posts};
use crate::support::fleet::eventually;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scrape_lists_every_cluster_with_its_state_and_promtool_accepts_it() {
    let serving = Serving::start(3, |_| {}, |text| text).await;
    let names = serving.names();
    let page = eventually("every cluster answered", || async {
        let page = serving.metrics().await;
        let all = names.iter().all(|n| {
            sample(&page, "ontop_cluster_up", &[("cluster", n)]) == Some(1.0)
                && sample(&page, "ontap_cluster_info", &[("cluster", n)]).is_some()
        });
        all.then_some(page)
    })
    .await;
    for name in &names {
        let state = |s| {
            sample(
                &page,
                "ontap_software_download_state",
                &[("cluster", name), ("state", s)],
            )
        };
        assert_eq!(state("not_started"), Some(1.0), "{page}");
        for other in ["running", "success", "failure", "other"] {
            assert_eq!(state(other), Some(0.0), "{other}: {page}");
        }
        assert_eq!(
            sample(&page, "ontap_software_download_code", &[("cluster", name)]),
            Some(10551384.0)
        );
        let expiry = sample(
            &page,
            "ontop_certificate_expiry_timestamp_seconds",
            &[("cluster", name)],
        );
        assert!(expiry.is_some_and(|t| t > 1.7e9), "{page}");
    }
    for family in [
        "ontop_cluster_up",
        "ontap_software_download_state",
        "ontop_poll_duration_seconds",
    ] {
        assert!(
            page.contains(&format!("# HELP {family} ")),
            "{family}: {page}"
        );
        assert!(
            page.contains(&format!("# TYPE {family} ")),
            "{family}: {page}"
        );
    }
    assert!(
        !page.contains("# EOF"),
        "the classic format has no EOF marker"
    );

    // Prometheus asks for OpenMetrics and gets it.
    let answer = serving
        .http
        .get(format!("{}/metrics", serving.base))
        .header(
            "Accept",
            "application/openmetrics-text;version=1.0.0,text/plain;q=0.5",
        )
        .send()
        .await
        .unwrap();
    let kind = answer.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    assert!(answer.text().await.unwrap().ends_with("# EOF\n"));

    promtool_accepts(&page);
    for name in &names {
        assert_eq!(
            posts(&serving.fleet, name),
            0,
            "ontop serve never sends a POST"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_started_with_ontop_download_moves_the_state_series() {
    let serving = Serving::start(2, |_| {}, |text| text).await;
    let state = |page: &str, s: &str| {
        sample(
            page,
            "ontap_software_download_state",
            &[("cluster", "sim-1"), ("state", s)],
        )
    };
    eventually("not_started", || async {
        (state(&serving.metrics().await, "not_started") == Some(1.0)).then_some(())
    })
    .await;
    let url = serving
        .fleet
        .package_url_with("ontap-9.16.1P3-image.tgz", 4 * SLOW, 2 * SLOW);
    let out = crate::support::bin::run_with(
        &["download", "--cluster", "sim-1", "--url", &url, "--yes"],
        &serving.config,
        &serving.data_home(),
        &[],
    )
    .await;
    assert_exit(&out, 0);
    eventually("running", || async {
        (state(&serving.metrics().await, "running") == Some(1.0)).then_some(())
    })
    .await;
    let page = eventually("success", || async {
        let page = serving.metrics().await;
        (state(&page, "success") == Some(1.0)).then_some(page)
    })
    .await;
    assert_eq!(state(&page, "running"), Some(0.0));
    assert_eq!(
        sample(
            &page,
            "ontap_software_download_state",
            &[("cluster", "sim-2"), ("state", "not_started")]
        ),
        Some(1.0),
        "the other cluster did not move"
    );
    assert_eq!(
        posts(&serving.fleet, "sim-1"),
        1,
        "the one POST was ontop download's"
    );
    // /api/status says what serve follows there (from the journal), and how it ended.
    let operation = eventually("the followed download's end in /api/status", || async {
        let (_, body) = serving.get("/api/status").await;
        let doc: serde_json::Value = serde_json::from_str(&body).ok()?;
        let op = doc.as_array()?.iter().find(|c| c["name"] == "sim-1")?["operation"].clone();
        (op["ending"]["result"] == "success").then_some(op)
    })
    .await;
    assert_eq!(operation["kind"], "download");
    assert!(
        operation["url"]
            .as_str()
            .unwrap()
            .contains("ontap-9.16.1P3-image.tgz")
    );
    // What is read less often than the download state says when it was read.
    let (_, body) = serving.get("/api/status").await;
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    for cluster in doc.as_array().unwrap() {
        for key in ["version_read_at", "software_read_at", "polled_at"] {
            assert!(
                cluster[key].as_str().is_some_and(|t| t.ends_with('Z')),
                "{key}: {cluster}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_cluster_is_down_and_does_not_delay_the_scrape() {
    let serving = Serving::start(3, |_| {}, |text| text).await;
    serving.fleet.set_fault("sim-2", Fault::Hang);
    // The hung cluster's polls wait for the 30 s request timeout; a scrape reads the
    // model, so it answers meanwhile (the bound is far below that timeout).
    let page = eventually("sim-1 up, sim-2 down", || async {
        let page = tokio::time::timeout(Duration::from_secs(5), serving.metrics())
            .await
            .expect("a scrape never waits on a cluster");
        let up = |n| sample(&page, "ontop_cluster_up", &[("cluster", n)]);
        let settled = up("sim-1") == Some(1.0) && up("sim-3") == Some(1.0);
        (settled && up("sim-2") == Some(0.0)).then_some(page)
    })
    .await;
    assert!(
        page.contains("ontop_cluster_up{cluster=\"sim-2\"} 0"),
        "{page}"
    );
    // /healthz answers too: the server is up whatever the clusters do.
    assert_eq!(
        get(&serving.http, &format!("{}/healthz", serving.base))
            .await
            .0,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_polls_are_counted_by_kind() {
    let serving = Serving::start(2, |_| {}, |text| text).await;
    serving.fleet.set_fault("sim-1", Fault::Http503);
    let page = eventually("an http error counted", || async {
        let page = serving.metrics().await;
        let errors = sample(
            &page,
            "ontop_poll_errors_total",
            &[("cluster", "sim-1"), ("kind", "http")],
        );
        errors.is_some_and(|n| n >= 1.0).then_some(page)
    })
    .await;
    assert_eq!(
        sample(&page, "ontop_cluster_up", &[("cluster", "sim-1")]),
        Some(0.0)
    );
    assert!(
        page.contains("# TYPE ontop_poll_errors_total counter"),
        "{page}"
    );
    assert_eq!(
        sample(&page, "ontop_poll_errors_total", &[("cluster", "sim-2")]),
        None,
        "a healthy cluster has no error series"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_login_pauses_until_its_password_file_is_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cluster-password");
    std::fs::write(&file, "not-the-password\n").unwrap();
    crate::support::config::chmod(&file, 0o600);
    let source = format!("password_file = \"{}\"", file.display());
    let serving = Serving::start(1, |_| {}, |text| password_line(&text, &source)).await;
    let paused = |page: &str| sample(page, "ontop_cluster_login_paused", &[("cluster", "sim-1")]);
    eventually("paused after the 401", || async {
        (paused(&serving.metrics().await) == Some(1.0)).then_some(())
    })
    .await;
    let refused = serving.fleet.failed_logins("sim-1");
    assert_eq!(refused, 1, "one refused login, then no more");
    // Unchanged, the source read again on its timer sends nothing (the rule, over an
    // hour of retries, is paused in `timing.rs`); fixed, it resumes the polls.
    std::fs::write(&file, format!("{}\n", serving.fleet.password())).unwrap();
    let page = eventually("polling again with the new password", || async {
        let page = serving.metrics().await;
        let up = sample(&page, "ontop_cluster_up", &[("cluster", "sim-1")]);
        (up == Some(1.0)).then_some(page)
    })
    .await;
    assert_eq!(paused(&page), Some(0.0));
    assert_eq!(serving.fleet.failed_logins("sim-1"), refused);
}

/// The fleet's config `text` with its password line replaced by `line`.
fn password_line(text: &str, line: &str) -> String {
    let old = text
        .lines()
        .find(|l| l.starts_with("password = "))
        .expect("the fleet's config has a password line");
    text.replace(old, line)
}

/// A password written in the config cannot change while serve runs: the page's next
/// step says to fix it there and restart, not that it is read again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_password_in_the_config_asks_for_a_restart() {
    let wrong = "password = \"not-the-password\"";
    let serving = Serving::start(1, |_| {}, |text| password_line(&text, wrong)).await;
    let paused = |page: &str| sample(page, "ontop_cluster_login_paused", &[("cluster", "sim-1")]);
    eventually("paused after the 401", || async {
        (paused(&serving.metrics().await) == Some(1.0)).then_some(())
    })
    .await;
    let (status, page) = serving.get("/").await;
    assert_eq!(status, 200);
    assert!(page.contains("then restart ontop serve"), "{page}");
    assert!(!page.contains("reads it again every minute"), "{page}");
}

/// `promtool check metrics` accepts `page` (said loudly and skipped outside CI when
/// promtool is missing).
fn promtool_accepts(page: &str) {
    let Some(promtool) = require("promtool", "promtool check metrics", "prometheus") else {
        return;
    };
    let mut check = std::process::Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    check
        .stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    let out = check.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool check metrics: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A fleet mid-window: each cluster's update state (one series per state, the current
/// one at 1), its phases per node, elapsed and estimated time, and the last validation's
/// findings per status, all in one scrape that promtool accepts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_mid_window_exports_update_phases_and_validation_findings() {
    let serving =
        Serving::start(6, |o| o.scenario = ontop_sim::Scenario::Window, |text| text).await;
    // Every cluster's first answer: five updates, and dr-fra-2's validation (the pollers
    // start over a few milliseconds each, so a loaded machine may bring it last).
    let page = eventually("every cluster's update state and validation", || async {
        let page = serving.metrics().await;
        let states = page
            .lines()
            .filter(|l| l.starts_with("ontap_software_update_state{") && l.ends_with(" 1.0"))
            .count();
        let validated = page.lines().any(|l| {
            l.starts_with("ontap_software_validation_checks{") && l.contains("\"dr-fra-2\"")
        });
        (states >= 5 && validated).then_some(page)
    })
    .await;
    let state = |cluster: &str, state: &str| {
        sample(
            &page,
            "ontap_software_update_state",
            &[("cluster", cluster), ("state", state)],
        )
    };
    assert_eq!(state("prod-nyc-1", "paused_on_error"), Some(1.0), "{page}");
    assert_eq!(state("prod-nyc-1", "in_progress"), Some(0.0), "{page}");
    assert_eq!(state("dr-fra-1", "completed"), Some(1.0), "{page}");
    let paused = page
        .lines()
        .find(|l| {
            l.starts_with("ontap_software_update_phase_info{")
                && l.contains("cluster=\"prod-nyc-1\"")
                && l.contains("state=\"paused_on_error\"")
        })
        .unwrap_or_else(|| panic!("a phase paused on error, with its node: {page}"));
    assert!(paused.contains("node=\""), "{paused}");
    assert!(
        sample(
            &page,
            "ontap_software_update_elapsed_seconds",
            &[("cluster", "prod-ams-2")]
        )
        .is_some_and(|s| s > 0.0),
        "{page}"
    );
    assert!(
        sample(
            &page,
            "ontap_software_update_estimated_seconds",
            &[("cluster", "prod-ams-2")]
        )
        .is_some(),
        "{page}"
    );
    // dr-fra-2 waits for its window, validated: its findings, per status.
    for status in ["warning", "error", "note"] {
        assert!(
            sample(
                &page,
                "ontap_software_validation_checks",
                &[("cluster", "dr-fra-2"), ("status", status)]
            )
            .is_some(),
            "{status}: {page}"
        );
    }
    promtool_accepts(&page);
}
