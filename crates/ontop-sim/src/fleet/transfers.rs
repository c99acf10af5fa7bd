//! Packages on the move: downloads started (or, for tests, settled at once), the mirrors
//! the product may point clusters at, and (tests only) what each cluster fetched and
//! received.

use super::{SimFleet, refused};
#[cfg(any(test, feature = "testing"))]
use crate::cluster::Outcome;
use crate::cluster::{DownloadRequest, parse_url};
use crate::{SimError, SimMirror, scenario};

impl SimFleet {
    /// Starts a real download, exactly as a POST would; returns the job uuid.
    #[cfg(any(test, feature = "testing"))]
    pub fn start_download(&self, cluster: &str, url: &str) -> Result<String, SimError> {
        self.begin_download(cluster, url)
    }

    pub(super) fn begin_download(&self, cluster: &str, url: &str) -> Result<String, SimError> {
        let endpoint = self.endpoint(cluster)?;
        let url = parse_url(url).map_err(refused)?;
        let _runtime = self.runtime.enter();
        endpoint
            .cluster
            .start_download(DownloadRequest {
                url,
                username: None,
                password: None,
            })
            .map_err(refused)
    }

    /// Puts a successful download of `url` on the books at once (job, status
    /// `success`, package listed) without fetching; returns the job uuid.
    #[cfg(any(test, feature = "testing"))]
    pub fn finish_download(&self, cluster: &str, url: &str) -> Result<String, SimError> {
        let endpoint = self.endpoint(cluster)?;
        endpoint
            .cluster
            .settle_download(url, Outcome::Success)
            .map_err(refused)
    }

    /// Puts a failed download of `url` on the books at once, with an ONTAP code
    /// and message (e.g. 10551885); returns the job uuid.
    #[cfg(any(test, feature = "testing"))]
    pub fn fail_download(
        &self,
        cluster: &str,
        url: &str,
        code: u64,
        message: &str,
    ) -> Result<String, SimError> {
        let endpoint = self.endpoint(cluster)?;
        let outcome = Outcome::Failure {
            code,
            message: message.to_string(),
        };
        endpoint
            .cluster
            .settle_download(url, outcome)
            .map_err(refused)
    }

    /// The download status `(state, message, code)`, as the API would report it.
    #[cfg(any(test, feature = "testing"))]
    pub fn download_status(&self, cluster: &str) -> Option<(String, String, u64)> {
        let d = self.endpoint(cluster).ok()?.cluster.download();
        Some((d.state.as_str().to_string(), d.message, d.code))
    }

    /// The base URL of `site`'s mirror on the package server: the same files as
    /// [`SimFleet::package_url`], e.g. `http://127.0.0.1:P/mirror/ams/`. Any site has one.
    pub fn mirror_base(&self, site: &str) -> String {
        format!("http://127.0.0.1:{}/mirror/{site}/", self.package_port)
    }

    /// The mirrors the scenario gives its sites (the demo: `site=ams`), for a config's
    /// `[[download.mirror]]`; none in the idle fleet.
    pub fn mirrors(&self) -> Vec<SimMirror> {
        scenario::mirrored_sites(self.scenario)
            .iter()
            .map(|site| SimMirror {
                labels: vec![("site".to_string(), (*site).to_string())],
                base: self.mirror_base(site),
            })
            .collect()
    }

    /// Where `cluster`'s downloads fetch from: its site's mirror in the scenario, else the
    /// package server's `/images/`.
    pub(crate) fn source_base(&self, cluster: &str) -> String {
        let mirrored = scenario::mirrored_sites(self.scenario);
        let site = self.endpoint(cluster).ok().and_then(|e| {
            e.cluster
                .labels
                .iter()
                .find(|(key, value)| key == "site" && mirrored.contains(&value.as_str()))
                .map(|(_, site)| site.clone())
        });
        match site {
            Some(site) => self.mirror_base(&site),
            None => format!("http://127.0.0.1:{}/images/", self.package_port),
        }
    }

    /// The URL each of `cluster`'s downloads asked for, oldest first (without
    /// credentials): which server, default or mirror, it fetched from.
    #[cfg(any(test, feature = "testing"))]
    pub fn download_sources(&self, cluster: &str) -> Vec<String> {
        self.endpoint(cluster)
            .map(|e| e.cluster.download_sources())
            .unwrap_or_default()
    }

    /// The uploads `cluster` received, oldest first (the last 64): file name, bytes and,
    /// once the file has arrived whole, its SHA-256. Nothing else of an image is kept.
    #[cfg(any(test, feature = "testing"))]
    pub fn uploads(&self, cluster: &str) -> Vec<crate::SimUpload> {
        let Ok(endpoint) = self.endpoint(cluster) else {
            return Vec::new();
        };
        endpoint
            .cluster
            .uploads()
            .into_iter()
            .map(|r| crate::SimUpload {
                file_name: r.file_name,
                bytes: r.bytes,
                sha256: r.sha256,
            })
            .collect()
    }
}
