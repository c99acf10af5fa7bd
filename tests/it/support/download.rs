//! Running `ontop download` for the tests: the real binary, against a simulated fleet's
//! config, with its own data dir (`XDG_DATA_HOME`) and no terminal; and reading back what
//! it left: the audit log, the journal, the fleet's request log.

use std::path::{Path, PathBuf};
use std::process::Output;

use ontop_sim::SimFleet;
use serde_json::Value;

/// A package server rate (bytes/s) for a download still running a few seconds later.
pub(crate) const SLOW: u64 = 64 * 1024;

/// A fleet's config and a data dir for one test.
pub(crate) struct Setup {
    _dir: tempfile::TempDir,
    pub config: PathBuf,
    pub data_home: PathBuf,
}

impl Setup {
    pub(crate) async fn new(fleet: &SimFleet) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("fleet.toml");
        fleet.write_config(&config).await.unwrap();
        fast_polls(&config);
        let data_home = dir.path().join("data");
        Self {
            _dir: dir,
            config,
            data_home,
        }
    }

    pub(crate) async fn ontop(&self, args: &[&str]) -> Output {
        self.ontop_env(args, &[]).await
    }

    /// Runs `ontop args --wait`, which must exit 0; its stdout.
    pub(crate) async fn waited(&self, args: &[&str]) -> String {
        let out = self.ontop(&[args, &WAIT[..]].concat()).await;
        assert_exit(&out, 0);
        text(&out.stdout)
    }

    pub(crate) async fn ontop_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        super::bin::run_with(args, &self.config, &self.data_home, env).await
    }

    pub(crate) fn data_dir(&self) -> PathBuf {
        self.data_home.join("ontop")
    }

    pub(crate) fn audit(&self) -> Vec<Value> {
        std::fs::read_to_string(self.data_dir().join("audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("an audit line is JSON"))
            .collect()
    }

    pub(crate) fn journal(&self) -> Vec<Value> {
        let Ok(text) = std::fs::read_to_string(self.data_dir().join("jobs.json")) else {
            return Vec::new();
        };
        let doc: Value = serde_json::from_str(&text).expect("the journal is JSON");
        doc["jobs"].as_array().cloned().unwrap_or_default()
    }

    /// Marks a cluster `read_only = true` in the config.
    pub(crate) fn make_read_only(&self, name: &str) {
        let text = std::fs::read_to_string(&self.config).unwrap();
        let line = format!("name = \"{name}\"\n");
        assert!(text.contains(&line), "{text}");
        let text = text.replace(&line, &format!("{line}read_only = true\n"));
        std::fs::write(&self.config, text).unwrap();
    }
}

pub(crate) fn names(fleet: &SimFleet) -> Vec<String> {
    fleet.clusters().into_iter().map(|c| c.name).collect()
}

/// The POSTs `cluster` received (download starts, uploads).
pub(crate) fn posts(fleet: &SimFleet, cluster: &str) -> usize {
    requests(fleet, cluster, "POST")
}

/// The DELETEs `cluster` received (package removals).
pub(crate) fn deletes(fleet: &SimFleet, cluster: &str) -> usize {
    requests(fleet, cluster, "DELETE")
}

/// The requests with `method` that `cluster` received.
pub(crate) fn requests(fleet: &SimFleet, cluster: &str, method: &str) -> usize {
    let log = fleet.request_log(cluster);
    log.iter().filter(|r| r.method == method).count()
}

/// The run's stdout as one JSON document.
pub(crate) fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stdout)))
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub(crate) fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Each cluster's summary line (cluster name first) from stdout.
pub(crate) fn line_of<'a>(stdout: &'a str, cluster: &str) -> Vec<&'a str> {
    stdout
        .lines()
        .filter(|l| l.split_whitespace().next() == Some(cluster))
        .collect()
}

/// `--wait` (the config polls every second: [`fast_polls`]).
pub(crate) const WAIT: [&str; 1] = ["--wait"];

/// The config polls every second, the shortest interval a config may say, so tests end
/// soon after the downloads do.
pub(crate) fn fast_polls(config: &Path) {
    let text = std::fs::read_to_string(config).unwrap();
    let text = text.replacen("[defaults]\n", "[defaults]\npoll_interval = \"1s\"\n", 1);
    std::fs::write(config, text).unwrap();
}

/// Every file under `dir`, however deep.
pub(crate) fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// The last line a run wrote on stderr: why it exited as it did.
pub(crate) fn closing_line(out: &std::process::Output) -> String {
    text(&out.stderr)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned()
}
