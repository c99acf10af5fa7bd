//! `ontop status` end to end: the real binary against a simulated fleet; `--json` one
//! document, `--jsonl` one object per line, both with labels and packages; the piped
//! table with every error whole.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use crate::support::download::assert_exit;
use crate::support::fleet::start_fleet;
use ontop_sim::Fault;
use serde_json::Value;

async fn ontop(args: &[&str], config: &Path) -> Output {
    crate::support::bin::run_ontop(args, config).await
}

/// The fleet's config in `dir`, every request limited to `timeout`.
async fn config_with_timeout(
    fleet: &ontop_sim::SimFleet,
    dir: &Path,
    timeout: &str,
) -> std::path::PathBuf {
    let config = dir.join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let text = std::fs::read_to_string(&config).unwrap();
    let limited = text.replace(
        "[defaults]",
        &format!("[defaults]\ntimeout = \"{timeout}\""),
    );
    std::fs::write(&config, limited).unwrap();
    config
}

fn json_of(out: &Output) -> Vec<Value> {
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    doc.as_array().expect("an array").clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_fleet_answers_and_exits_0() {
    let fleet = start_fleet(3, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();

    let out = ontop(&["status", "--json"], &config).await;
    assert_exit(&out, 0);
    let rows = json_of(&out);
    assert_eq!(rows.len(), 3);
    for (row, cluster) in rows.iter().zip(fleet.clusters()) {
        assert_eq!(row["name"], cluster.name.as_str());
        assert_eq!(
            row["url"].as_str().unwrap().trim_end_matches('/'),
            cluster.url
        );
        assert!(row["version"].as_str().unwrap().starts_with('9'));
        assert_eq!(row["download"]["state"], "not_started");
        assert!(row["download"]["code"].is_i64() || row["download"]["code"].is_null());
        assert!(row["error"].is_null());
        assert!(row["polled_at"].as_str().unwrap().ends_with('Z'));
        assert_eq!(
            row["version_read_at"], row["polled_at"],
            "a sweep reads both at once"
        );
    }

    let table = ontop(&["status"], &config).await;
    assert_eq!(table.status.code(), Some(0));
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.starts_with("CLUSTER"), "{text}");
    for cluster in fleet.clusters() {
        assert!(text.contains(&cluster.name), "{text}");
    }
}

/// A cluster whose password source gives nothing was never asked: its error is a
/// `password` one with the source's own fix, and the closing line names it apart from
/// the clusters that did not answer. `config check --login` finds them before it logs
/// in anywhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_without_a_password_was_never_asked_and_says_so() {
    let fleet = start_fleet(4, |_| {}).await;
    let names: Vec<String> = fleet.clusters().into_iter().map(|c| c.name).collect();
    fleet.set_fault(&names[3], Fault::Down);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    // The shared password moves to the clusters that keep one; the second gets none
    // (and no terminal to be asked on), the third a command that fails.
    let text = std::fs::read_to_string(&config).unwrap();
    let password = text
        .lines()
        .find(|l| l.starts_with("password = "))
        .unwrap()
        .to_string();
    let mut edited = text.replacen(&format!("{password}\n"), "", 1);
    for (i, name) in names.iter().enumerate() {
        let own = match i {
            1 => String::new(),
            2 => "password_command = [\"/bin/sh\", \"-c\", \"exit 3\"]\n".to_string(),
            _ => format!("{password}\n"),
        };
        edited = edited.replace(
            &format!("name = \"{name}\"\n"),
            &format!("name = \"{name}\"\n{own}"),
        );
    }
    std::fs::write(&config, edited).unwrap();

    let out = ontop(&["status", "--json"], &config).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = json_of(&out);
    assert!(rows[0]["error"].is_null(), "{:?}", rows[0]);
    for (row, says) in [
        (&rows[1], "no terminal to ask on"),
        (&rows[2], "password_command"),
    ] {
        assert_eq!(row["error"]["kind"], "password", "{row:?}");
        let message = row["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
        assert!(!message.contains("no password source, and"), "{message}");
        let hint = row["error"]["hint"].as_str().unwrap();
        assert!(hint.contains("password source"), "{hint}");
        assert!(!hint.contains("http application"), "{hint}");
    }
    assert_eq!(rows[3]["error"]["kind"], "connect");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let (a, b, d) = (&names[1], &names[2], &names[3]);
    assert!(
        stderr.contains(&format!("1 of 4 clusters did not answer ({d})")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "2 of 4 clusters had no password to send ({a}, {b})"
        )),
        "{stderr}"
    );

    let out = ontop(&["config", "check", "--login"], &config).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("2 without a usable password"), "{stdout}");
    assert!(!stdout.contains("REFUSED"), "{stdout}");
}

/// Clusters failing alike share one piece of advice: each error is said, the advice once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clusters_failing_alike_share_one_what_to_do() {
    let fleet = start_fleet(3, |_| {}).await;
    let names: Vec<String> = fleet.clusters().into_iter().map(|c| c.name).collect();
    fleet.set_fault(&names[0], Fault::Down);
    fleet.set_fault(&names[2], Fault::Down);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let out = ontop(&["status"], &config).await;
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    for name in [&names[0], &names[2]] {
        assert!(text.contains(&format!("{name}: connect error: ")), "{text}");
    }
    assert_eq!(text.matches("what to do:").count(), 1, "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_clusters_are_reported_and_exit_1() {
    let fleet = start_fleet(4, |_| {}).await;
    let names: Vec<String> = fleet.clusters().into_iter().map(|c| c.name).collect();
    fleet.set_fault(&names[1], Fault::Down);
    fleet.set_fault(&names[2], Fault::Unauthorized);
    fleet.set_fault(&names[3], Fault::Http502);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();

    let out = ontop(&["status", "--json"], &config).await;
    assert_eq!(out.status.code(), Some(1));
    let rows = json_of(&out);
    assert!(rows[0]["error"].is_null());
    assert_eq!(rows[1]["error"]["kind"], "connect");
    assert_eq!(rows[2]["error"]["kind"], "auth");
    assert_eq!(rows[2]["error"]["http_status"], 401);
    assert_eq!(rows[3]["error"]["kind"], "http");
    assert_eq!(rows[3]["error"]["http_status"], 502);
    for row in &rows[1..] {
        assert!(row["download"].is_null());
        assert!(!row["error"]["hint"].as_str().unwrap().is_empty());
    }

    let table = ontop(&["status"], &config).await;
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("what to do:"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_cluster_costs_only_its_own_timeout() {
    let fleet = start_fleet(3, |_| {}).await;
    let hung = fleet.clusters()[0].name.clone();
    fleet.set_fault(&hung, Fault::Hang);
    let dir = tempfile::tempdir().unwrap();
    let config = config_with_timeout(&fleet, dir.path(), "2s").await;

    let out = tokio::time::timeout(
        Duration::from_secs(60),
        ontop(&["status", "--json"], &config),
    )
    .await
    .expect("status must not hang");
    assert_eq!(out.status.code(), Some(1));
    let rows = json_of(&out);
    assert_eq!(rows[0]["error"]["kind"], "timeout");
    assert!(rows[1]["error"].is_null() && rows[2]["error"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_errors_exit_2_and_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    std::fs::write(
        &config,
        "[[cluster]]\nname = \"c1\"\nurl = \"https://127.0.0.1:1\"\nusrname = \"x\"\npassword = \"p\"\n",
    )
    .unwrap();
    let out = ontop(&["status"], &config).await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("usrname") && err.contains("username"), "{err}");

    let missing = dir.path().join("absent.toml");
    let out = ontop(&["status"], &missing).await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("absent.toml") && err.contains("ontop demo"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sim_binary_writes_a_config_that_status_reads() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("f.toml");
    let mut sim = crate::support::bin::command(&dir.path().join("data"))
        .args(["sim", "--clusters", "2", "--write-config"])
        .arg(&config)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    crate::support::fleet::eventually("the sim to write its config", || async {
        config.exists().then_some(())
    })
    .await;
    let out = ontop(&["status", "--json"], &config).await;
    sim.kill().await.unwrap();
    assert_exit(&out, 0);
    assert_eq!(json_of(&out).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_in_the_journal_is_shown_with_its_cluster() {
    let fleet = start_fleet(2, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let name = fleet.clusters()[1].name.clone();
    let job = fleet
        .start_download(&name, &fleet.default_package_url())
        .unwrap();
    // What an earlier `ontop download` (or dashboard) left behind.
    let journal =
        ontop::testing::download::journal::Journal::open(Some(&dir.path().join("data/ontop")));
    journal
        .add(ontop::testing::download::journal::JournalEntry {
            cluster: name.clone(),
            job: job.clone(),
            url: fleet.default_package_url(),
            server_username: None,
            started_at: "2026-11-27T10:00:00Z".into(),
        })
        .unwrap();

    let out = ontop(&["status", "--json"], &config).await;
    assert_exit(&out, 0);
    let rows = json_of(&out);
    assert!(rows[0]["job"].is_null());
    assert_eq!(rows[1]["job"]["uuid"], job.as_str());
    assert!(rows[1]["job"]["state"].is_string());

    let table = String::from_utf8(ontop(&["status"], &config).await.stdout).unwrap();
    let short = job.split('-').next().unwrap();
    assert!(table.contains(&format!("({short})")), "{table}");
}

/// A fleet of three with `site` labels, the first holding the default package.
async fn labelled_fleet(dir: &Path) -> (ontop_sim::SimFleet, std::path::PathBuf) {
    let fleet = start_fleet(3, |_| {}).await;
    fleet
        .finish_download("sim-1", &fleet.default_package_url())
        .unwrap();
    let config = dir.join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, crate::serve::page::with_sites(text, 3)).unwrap();
    (fleet, config)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_carries_labels_health_and_the_package_inventory() {
    let dir = tempfile::tempdir().unwrap();
    let (_fleet, config) = labelled_fleet(dir.path()).await;
    let out = ontop(&["status", "--json"], &config).await;
    assert_exit(&out, 0);
    // One document (pretty-printed): it parses whole.
    let rows = json_of(&out);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["labels"], serde_json::json!({"site": "ams"}));
    assert_eq!(rows[2]["labels"]["site"], "fra");
    for row in &rows {
        assert_eq!(row["health"], "ok", "{row}");
        assert!(row["packages_error"].is_null(), "{row}");
        assert!(row["packages_read_at"].is_string(), "{row}");
    }
    assert_eq!(rows[0]["packages"][0]["version"], "9.16.1P3", "{}", rows[0]);
    assert_eq!(rows[1]["packages"], serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jsonl_is_one_compact_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let (fleet, config) = labelled_fleet(dir.path()).await;
    fleet.set_fault("sim-2", Fault::Down);
    let out = ontop(&["status", "--jsonl"], &config).await;
    assert_eq!(out.status.code(), Some(1), "sim-2 does not answer");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    let rows: Vec<Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert!(rows.iter().all(Value::is_object), "{text}");
    assert_eq!(rows[0]["name"], "sim-1");
    assert_eq!(rows[0]["packages"][0]["version"], "9.16.1P3");
    assert_eq!(rows[1]["health"], "failing");
    assert_eq!(rows[1]["error"]["kind"], "connect");
    // Not answering, it was not asked for its packages: null, not an empty list.
    assert!(rows[1]["packages"].is_null(), "{}", rows[1]);
    assert!(rows[1]["packages_error"].is_null(), "{}", rows[1]);

    let both = ontop(&["status", "--json", "--jsonl"], &config).await;
    assert_eq!(both.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&both.stderr).contains("cannot be used with"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_cluster_is_asked_once_even_with_packages() {
    let fleet = start_fleet(2, |_| {}).await;
    fleet.set_fault("sim-1", Fault::Hang);
    let dir = tempfile::tempdir().unwrap();
    let config = config_with_timeout(&fleet, dir.path(), "1s").await;
    let out = ontop(&["status", "--jsonl"], &config).await;
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let hung: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(hung["error"]["kind"], "timeout", "{hung}");
    // One question timed out, and no second one was sent after it.
    assert!(
        hung["packages"].is_null() && hung["packages_error"].is_null(),
        "{hung}"
    );
    let asked = fleet.request_log("sim-1").len();
    assert!(asked <= 1, "the hung cluster was asked {asked} times");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_piped_table_keeps_errors_whole() {
    let fleet = start_fleet(2, |_| {}).await;
    fleet.set_fault(
        "sim-2",
        Fault::Redirect {
            status: 307,
            location: ontop_sim::DEFAULT_REDIRECT.into(),
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let out = ontop(&["status"], &config).await;
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let row = text
        .lines()
        .find(|l| l.starts_with("sim-2 "))
        .unwrap_or_else(|| panic!("no row: {text}"));
    // The error's whole text, its advice at the end included, on the row itself.
    assert!(
        row.contains("ontop never follows redirects")
            && row
                .trim_end()
                .ends_with("set url to the cluster's real management address"),
        "{row}"
    );
    assert!(!row.contains('…'), "{row}");
}
