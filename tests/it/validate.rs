//! `ontop validate` end to end against the simulator: the grouped verdicts and the exit
//! code over a mixed fleet, every skip with its reason and nothing sent to it, the audit
//! line before each PATCH, the journal's release, ONTAP's refusals with their code and
//! next step, the shapes of older releases, and `--json`.

use std::time::Duration;

use ontop_sim::{Fault, Scenario, SimFleet, SimOptions, SoftwareTiming};
use serde_json::Value;

use crate::support::download::{Setup, assert_exit, closing_line, json, requests, text};
use crate::support::sim::{fast_opts, start};

const TARGET: &str = "9.16.1P3";

/// Validations end in a second and their results show at once.
fn quick(clusters: usize) -> SimOptions {
    SimOptions {
        software: SoftwareTiming {
            validation: Duration::from_millis(500),
            results_delay: Duration::ZERO,
            ..SoftwareTiming::default()
        },
        ..fast_opts(clusters)
    }
}

/// A fleet whose clusters `holding` hold the default package (9.16.1P3).
async fn fleet(opts: SimOptions, holding: &[&str]) -> SimFleet {
    let fleet = start(opts).await;
    for name in holding {
        fleet
            .finish_download(name, &fleet.default_package_url())
            .unwrap();
    }
    fleet
}

fn patches(fleet: &SimFleet, cluster: &str) -> usize {
    requests(fleet, cluster, "PATCH")
}

/// `ontop validate TARGET --all --wait --yes --json`, which must exit 0: its document.
async fn validated_json(setup: &Setup) -> Value {
    let out = setup
        .ontop(&["validate", TARGET, "--all", "--wait", "--yes", "--json"])
        .await;
    assert_exit(&out, 0);
    json(&out)
}

/// The issue's own run: some ready, some with warnings, one with an error, one read-only,
/// one without the package. The verdicts come grouped by check and the exit is 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mixed_fleet_gets_grouped_verdicts_and_exit_1() {
    let mut opts = quick(7);
    opts.faults = vec![
        ("sim-3".into(), Fault::ValidationWarning),
        ("sim-4".into(), Fault::ValidationWarning),
        ("sim-5".into(), Fault::ValidationError),
    ];
    let holders = ["sim-1", "sim-2", "sim-3", "sim-4", "sim-5", "sim-6"];
    let fleet = fleet(opts, &holders).await;
    let setup = Setup::new(&fleet).await;
    setup.make_read_only("sim-6");
    let out = setup
        .ontop(&["validate", TARGET, "--all", "--wait", "--yes"])
        .await;
    assert_exit(&out, 1);
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    for (cluster, verdict) in [
        ("sim-1", "ready"),
        ("sim-2", "ready"),
        ("sim-3", "2 warnings"),
        ("sim-4", "2 warnings"),
        ("sim-5", "1 error"),
    ] {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(&format!("{cluster} ")))
            .unwrap_or_else(|| panic!("no line for {cluster}: {stdout}"));
        assert!(line.contains(verdict), "{line}");
    }
    assert!(stdout.contains("skip sim-6: read-only"), "{stdout}");
    assert!(
        stdout.contains("skip sim-7: does not hold 9.16.1P3: download it first"),
        "{stdout}"
    );
    // Grouped by check, errors first, each text once, names listed.
    let error = stdout.find("error   High Availability status — on 1 cluster: sim-5");
    let nfs = stdout.find("warning NFS mounts — on 2 clusters: sim-3, sim-4");
    let manual = stdout.find("note    Manual checks — on 5 clusters");
    assert!(
        error.is_some() && nfs.is_some() && manual.is_some(),
        "{stdout}"
    );
    assert!(error < nfs && nfs < manual, "{stdout}");
    assert_eq!(stdout.matches("Soft NFS mounts").count(), 1, "{stdout}");
    assert!(
        stdout.contains("5 validated 9.16.1P3: 2 ready, 2 with warnings, 1 with errors; 2 skipped"),
        "{stdout}"
    );
    assert!(stderr.contains("ontop: exit 1: "), "{stderr}");
    // Nothing went to the skipped ones; one PATCH to each other.
    assert_eq!((patches(&fleet, "sim-6"), patches(&fleet, "sim-7")), (0, 0));
    for name in &holders[..5] {
        assert_eq!(patches(&fleet, name), 1, "{name}");
    }
    // Audited before it was sent, answered, ended; the journal names the release.
    let audit = setup.audit();
    let events: Vec<&str> = audit
        .iter()
        .filter(|l| l["cluster"] == "sim-1")
        .map(|l| l["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["validate_attempt", "validate", "validate_end"]);
    assert!(audit.iter().all(|l| l["package"] == TARGET), "{audit:?}");
    let journal: Value =
        serde_json::from_str(&std::fs::read_to_string(setup.data_dir().join("jobs.json")).unwrap())
            .unwrap();
    let validated = journal["validated"].as_array().unwrap();
    assert_eq!(validated.len(), 5, "{journal}");
    assert!(validated.iter().all(|v| v["version"] == TARGET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_cluster_ready_exits_0_and_json_carries_verdicts_and_findings() {
    let fleet = fleet(quick(2), &["sim-1", "sim-2"]).await;
    let setup = Setup::new(&fleet).await;
    let doc = validated_json(&setup).await;
    assert_eq!(doc["version"], TARGET);
    assert_eq!(doc["validated"], 2);
    let first = &doc["clusters"][0];
    assert_eq!(first["result"], "ready", "{doc}");
    assert_eq!(
        (first["warnings"].clone(), first["notes"].clone()),
        (0.into(), 1.into())
    );
    assert_eq!(first["checks"][0]["check"], "Manual checks");
    assert_eq!(first["checks"][0]["weight"], "note");
    let finding = &doc["findings"][0];
    assert_eq!(finding["check"], "Manual checks");
    assert_eq!(finding["clusters"], 2);
    assert_eq!(finding["texts"][0]["clusters"].as_array().unwrap().len(), 2);
}

/// `[validate] ignore = []` counts every finding: "Manual checks" is a warning again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_ignore_list_counts_manual_checks() {
    let fleet = fleet(quick(1), &["sim-1"]).await;
    let setup = Setup::new(&fleet).await;
    let config = std::fs::read_to_string(&setup.config).unwrap();
    std::fs::write(
        &setup.config,
        format!("[validate]\nignore = []\n\n{config}"),
    )
    .unwrap();
    let out = setup
        .ontop(&["validate", TARGET, "--all", "--wait", "--yes"])
        .await;
    assert_exit(&out, 1);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("sim-1    1 warning"), "{stdout}");
    assert!(stdout.contains("warning Manual checks"), "{stdout}");
}

/// Skips before anything is sent: an update in progress, a cluster that does not answer;
/// with every chosen cluster skipped, nothing is validated: exit 1 when one of them did
/// not answer (as `download` says it), else 2.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updating_and_silent_clusters_are_skipped_and_nothing_validated_is_exit_1_or_2() {
    let mut opts = SimOptions {
        scenario: Scenario::Window,
        ..quick(2)
    };
    opts.faults = vec![("prod-ams-2".into(), Fault::Down)];
    let fleet = start(opts).await;
    let setup = Setup::new(&fleet).await;
    let out = setup
        .ontop(&["validate", TARGET, "--all", "--wait", "--yes"])
        .await;
    assert_exit(&out, 1);
    assert!(
        closing_line(&out).contains("1 cluster did not answer (prod-ams-2)"),
        "{}",
        text(&out.stderr)
    );
    let updating = setup
        .ontop(&["validate", TARGET, "--cluster", "prod-ams-1", "--yes"])
        .await;
    assert_exit(&updating, 2);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("skip prod-ams-1: an update to 9.16.1P3 runs there"),
        "{stdout}"
    );
    assert!(
        stdout.contains("skip prod-ams-2: not answering"),
        "{stdout}"
    );
    assert!(
        text(&out.stderr).contains("nothing was validated"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(patches(&fleet, "prod-ams-1"), 0);
}

/// A validation already running (started elsewhere) is ONTAP's refusal 10551656, said
/// with its next step; the other cluster is validated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_validation_running_elsewhere_is_refused_with_its_code_and_next_step() {
    let mut opts = quick(2);
    opts.software.validation = Duration::from_secs(3600);
    let fleet = fleet(opts, &["sim-1", "sim-2"]).await;
    let setup = Setup::new(&fleet).await;
    // Someone else's validation, still running on sim-2.
    let client = crate::support::sim::client(&fleet);
    let answer = client
        .patch(crate::support::sim::url(
            &fleet,
            "sim-2",
            "/api/cluster/software?validate_only=true",
        ))
        .basic_auth(fleet.username(), Some(fleet.password()))
        .json(&serde_json::json!({"version": TARGET}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 202);
    let out = setup
        .ontop(&["validate", TARGET, "--all", "--yes", "--json"])
        .await;
    assert_exit(&out, 1);
    let doc = json(&out);
    let sim2 = &doc["clusters"][1];
    assert_eq!(sim2["result"], "refused", "{doc}");
    assert_eq!(sim2["code"], 10551656);
    assert!(
        sim2["next_step"].as_str().unwrap().contains("wait for it"),
        "{doc}"
    );
    assert_eq!(doc["clusters"][0]["result"], "started", "{doc}");
    // Said in words, a refusal is counted as one: nothing was checked there, which is
    // not a check that found nothing.
    let out = setup
        .ontop(&["validate", TARGET, "--cluster", "sim-2", "--yes", "--wait"])
        .await;
    assert_exit(&out, 1);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("; 1 refused"), "{stdout}");
    assert!(!stdout.contains("without findings"), "{stdout}");
    // Piped, what to do is whole; the cluster's refusal is no usage error.
    assert!(!stdout.contains('…'), "{stdout}");
    assert!(
        closing_line(&out).contains("exit 1: 1 cluster refused (sim-2)"),
        "{}",
        text(&out.stderr)
    );
}

/// A 9.6 cluster words its findings as arrays of messages with codes: read the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_findings_of_a_9_6_cluster_read_like_any_other() {
    let mut opts = quick(1);
    opts.faults = vec![("sim-1".into(), Fault::Shape96)];
    let fleet = fleet(opts, &["sim-1"]).await;
    fleet.set_fault("sim-1", Fault::Shape96);
    let setup = Setup::new(&fleet).await;
    let doc = validated_json(&setup).await;
    let check = &doc["clusters"][0]["checks"][0];
    assert_eq!(check["check"], "Manual checks", "{doc}");
    assert!(
        check["issue"]
            .as_str()
            .is_some_and(|t| t.contains("Manual validation checks")),
        "{doc}"
    );
    assert!(check["action"].as_str().is_some(), "{doc}");
}

/// `ontop status --json` carries where each update stands (state, phase, node, the paused
/// node's issue and action) and the last validation's verdict, with the release ontop
/// validated (from the journal: the cluster's findings name none).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_json_carries_the_update_and_the_last_validation() {
    let opts = SimOptions {
        scenario: Scenario::Window,
        ..quick(6)
    };
    let fleet = start(opts).await;
    let setup = Setup::new(&fleet).await;
    let out = setup
        .ontop(&[
            "validate",
            TARGET,
            "--cluster",
            "dr-fra-2",
            "--wait",
            "--yes",
        ])
        .await;
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    let out = setup.ontop(&["status", "--json"]).await;
    assert_exit(&out, 0);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let cluster = |name: &str| {
        doc.as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {doc:#}"))
            .clone()
    };
    let paused = cluster("prod-nyc-1");
    assert_eq!(paused["update"]["state"], "paused_on_error", "{paused:#}");
    assert!(paused["update"]["phase"].is_string(), "{paused:#}");
    let status = paused["update"]["status"].as_array().unwrap();
    assert!(
        status
            .iter()
            .any(|d| d["state"] == "failed" || d["action"].is_string()),
        "the paused node's issue and action: {paused:#}"
    );
    let validated = cluster("dr-fra-2");
    assert_eq!(validated["update"], Value::Null, "{validated:#}");
    assert_eq!(validated["validation"]["version"], TARGET, "{validated:#}");
    assert!(
        validated["validation"]["verdict"].is_string(),
        "{validated:#}"
    );
    assert!(
        validated["validation"]["validated_at"].is_string(),
        "{validated:#}"
    );
}
