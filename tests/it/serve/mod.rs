//! `ontop serve` against a simulated fleet: the engine headless, the metrics, the page,
//! and the real things that read them (Prometheus, promtool, a headless browser).

mod attack;
mod binary;
mod browser;
mod leaks;
mod logins;
mod metrics;
pub(crate) mod page;
mod prometheus;
mod scale;
mod web;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ontop::testing::config::{Credentials, Prompting};
use ontop::testing::serve::{self, Running, ServeOptions};
use ontop_sim::{SimFleet, SimOptions};

use crate::support::fleet::start_fleet;

/// A fleet, its config (polled every second), and `ontop serve` on a loopback port.
pub(crate) struct Serving {
    pub fleet: SimFleet,
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub running: Running,
    pub base: String,
    pub http: reqwest::Client,
}

impl Serving {
    /// `clusters` simulated clusters; `tweak` may change the fleet's options, `edit` the
    /// config text before ontop reads it.
    pub(crate) async fn start(
        clusters: usize,
        tweak: impl FnOnce(&mut SimOptions),
        edit: impl FnOnce(String) -> String,
    ) -> Self {
        Self::over(start_fleet(clusters, tweak).await, edit).await
    }

    /// `ontop serve` over a fleet already running (and perhaps already changed).
    pub(crate) async fn over(fleet: SimFleet, edit: impl FnOnce(String) -> String) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("fleet.toml");
        fleet.write_config(&config).await.unwrap();
        let text = std::fs::read_to_string(&config).unwrap();
        let text = text.replacen("[defaults]\n", "[defaults]\npoll_interval = \"1s\"\n", 1);
        std::fs::write(&config, edit(text)).unwrap();
        let running = serve_config(&config, dir.path())
            .await
            .unwrap_or_else(|e| panic!("ontop serve starts: {e}"));
        let scheme = if std::fs::read_to_string(&config)
            .unwrap()
            .contains("tls_cert_file")
        {
            "https"
        } else {
            "http"
        };
        Self {
            base: format!("{scheme}://{}", running.addr),
            http: plain_client(),
            fleet,
            dir,
            config,
            running,
        }
    }

    /// `GET path`: the status and the body.
    pub(crate) async fn get(&self, path: &str) -> (u16, String) {
        get(&self.http, &format!("{}{path}", self.base)).await
    }

    /// The names of the fleet's clusters, in config order.
    pub(crate) fn names(&self) -> Vec<String> {
        self.fleet.clusters().into_iter().map(|c| c.name).collect()
    }

    /// The metrics page in the classic text format.
    pub(crate) async fn metrics(&self) -> String {
        let (status, body) = self.get("/metrics").await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// The data dir the engine records in (`XDG_DATA_HOME` of the binary's runs).
    pub(crate) fn data_home(&self) -> PathBuf {
        self.dir.path().join("data")
    }
}

/// Starts `ontop serve` in-process on a free loopback port over `config`.
pub(crate) async fn serve_config(config: &Path, dir: &Path) -> Result<Running, String> {
    let config = ontop::testing::config::load_from(config).map_err(|e| e.to_string())?;
    let credentials = Arc::new(Credentials::new(Prompting::Never));
    let data_dir = dir.join("data").join("ontop");
    serve::start(
        &config,
        &credentials,
        Some(&data_dir),
        ServeOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            login_retry_every: Duration::from_secs(1),
            journal_every: Duration::from_secs(1),
        },
    )
    .await
    .map_err(|e| e.to_string())
}

/// A client for the server's own HTTP (no proxy, a bound on every request), whichever
/// test of the binary builds the first client (rustls needs its provider first).
pub(crate) fn plain_client() -> reqwest::Client {
    ontop::testing::ontap::tls::crypto_provider();
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

pub(crate) async fn get(http: &reqwest::Client, url: &str) -> (u16, String) {
    let answer = http
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = answer.status().as_u16();
    (status, answer.text().await.unwrap())
}

/// The value of the sample `name{labels...}` on a metrics page, when there is one.
pub(crate) fn sample(page: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    page.lines().find_map(|line| {
        let (series, value) = line.rsplit_once(' ')?;
        let (metric, rest) = series.split_once('{').unwrap_or((series, "}"));
        if metric != name {
            return None;
        }
        // Each label whole: `cluster="x"` must not match `label_cluster="x"`.
        let all = labels.iter().all(|(k, v)| {
            let pair = format!("{k}=\"{v}\"");
            rest.starts_with(&pair) || rest.contains(&format!(",{pair}"))
        });
        all.then(|| value.parse().ok()).flatten()
    })
}

/// A program the test needs: its path, or `None` after saying loudly that the test
/// skips; under `CI` a missing program fails the test (`.ci/run` installs it).
pub(crate) fn require(program: &str, test: &str, package: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let why = format!("{program} not found (apt-get install {package})");
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: {why}; CI must have it"
        );
        crate::support::skip(test, &why);
    }
    found
}
