//! [`SimFleet`]: starting, steering and stopping a simulated fleet.
//!
//! Start-up order: CA, package server, then one listener per cluster (each up
//! before [`SimFleet::start`] returns), then the scenario's downloads and the
//! faults. Tests steer a running fleet with the helpers here instead of waiting
//! for real time to pass. The helpers for validations and updates, and the set-up of a
//! cluster in a maintenance window, are in `fleet/software.rs`.

mod software;

mod listen;
mod transfers;

use std::path::Path;
use std::sync::Arc;

use base64::Engine;

#[cfg(any(test, feature = "testing"))]
use super::LoggedRequest;
use super::cluster::Env;
use super::scenario::{self, Scenario, Setup};
use super::server::Endpoint;
use super::shared_port::SharedPort;
use super::tasks::Tasks;
use super::tls::{CertStyle, SimCerts};
use super::{
    DEFAULT_PACKAGE, Fault, SimClusterInfo, SimError, SimOptions, fetch, packages, write_config,
};

/// A running simulated fleet. Dropping it closes its ports and stops its tasks,
/// like [`SimFleet::shutdown`] (which also lets the runtime reap them first).
pub struct SimFleet {
    endpoints: Vec<Arc<Endpoint>>,
    env: Arc<Env>,
    /// The certificate maker; `None` with plain HTTP.
    certs: Option<SimCerts>,
    http: bool,
    package_port: u16,
    scenario: Scenario,
    /// The one port every cluster answers on, in shared-port mode.
    shared: Option<SharedPort>,
    runtime: tokio::runtime::Handle,
}

impl SimFleet {
    /// Starts the fleet; every cluster is listening when this returns.
    pub async fn start(opts: SimOptions) -> Result<SimFleet, SimError> {
        let per_cluster = if opts.shared_port { 1 } else { 2 };
        if let Some(warning) = super::limits::raise_for(opts.clusters, per_cluster) {
            tracing::warn!("sim: {warning}");
        }
        let password = opts.password.clone().unwrap_or_else(random_password);
        let certs = if opts.http {
            None
        } else {
            Some(SimCerts::generate(opts.cert_style)?)
        };
        let ca_pem = certs.as_ref().and_then(|c| c.ca_pem()).map(str::to_string);
        let env = Arc::new(Env {
            username: "admin".to_string(),
            password,
            latency: opts.latency,
            job_expiry: opts.job_expiry,
            time_limit: opts.time_limit,
            delete_duration: opts.delete_duration,
            upload_bandwidth: opts.upload_bandwidth,
            upload_processing: opts.upload_processing,
            fetcher: fetch::client(ca_pem.as_deref())?,
            software: opts.software.clone(),
            tasks: Tasks::default(),
        });
        let package_port = packages::start(opts.package_size, opts.bandwidth, &env.tasks).await?;

        let planned = scenario::plan(opts.scenario, opts.clusters);
        let named = opts.faults.iter().map(|(name, _)| name);
        if let Some(name) = named
            .chain(opts.versions.iter().map(|(name, _)| name))
            .find(|name| planned.iter().all(|p| &p.name != *name))
        {
            return Err(SimError::UnknownCluster(name.clone()));
        }
        if let Some(first) = opts.port
            && !opts.shared_port
            && usize::from(first) + opts.clusters > 65536
        {
            return Err(SimError::PortRange {
                first,
                clusters: opts.clusters,
            });
        }

        let mut fleet = SimFleet {
            endpoints: Vec::with_capacity(planned.len()),
            env: Arc::clone(&env),
            certs,
            http: opts.http,
            package_port,
            scenario: opts.scenario,
            shared: None,
            runtime: tokio::runtime::Handle::current(),
        };
        if let Err(e) = fleet.listen(&planned, &opts).await {
            fleet.shutdown().await;
            return Err(e);
        }
        for plan in &planned {
            fleet.set_up(&plan.name, plan.setup, &plan.fault)?;
            if plan.fault != Fault::None {
                fleet.apply_fault(&plan.name, plan.fault.clone())?;
            }
            if let Some((after, fault)) = plan.later.clone() {
                let cluster = Arc::clone(&fleet.endpoint(&plan.name)?.cluster);
                env.tasks.spawn(async move {
                    tokio::time::sleep(after).await;
                    cluster.replace_fault(fault);
                });
            }
        }
        for (name, fault) in &opts.faults {
            fleet.apply_fault(name, fault.clone())?;
        }
        Ok(fleet)
    }

    fn set_up(&self, cluster: &str, setup: Setup, fault: &Fault) -> Result<(), SimError> {
        let url = match setup {
            Setup::Idle => return Ok(()),
            Setup::Validated | Setup::Updating(_) => {
                let outcome = crate::validation::Outcome::for_fault(fault);
                return self.set_up_window(cluster, setup, outcome);
            }
            // About ten minutes at 1 MiB/s: long enough to watch.
            Setup::Downloading => {
                let base = self.source_base(cluster);
                format!(
                    "{base}ontap-9.17.1-image.tgz?size={}&rate={}",
                    600 << 20,
                    1 << 20
                )
            }
            Setup::Succeeded => {
                let base = self.source_base(cluster);
                format!("{base}{DEFAULT_PACKAGE}?size={}&rate=0", 3 << 20)
            }
            Setup::Failed => self.missing_url(DEFAULT_PACKAGE),
        };
        self.begin_download(cluster, &url).map(|_| ())
    }

    /// Name, base URL and labels of every cluster, in fleet order.
    pub fn clusters(&self) -> Vec<SimClusterInfo> {
        let scheme = if self.http { "http" } else { "https" };
        self.endpoints
            .iter()
            .map(|e| SimClusterInfo {
                name: e.cluster.name.clone(),
                url: format!("{scheme}://{}:{}", e.ip, e.port),
                labels: e.cluster.labels.clone(),
            })
            .collect()
    }

    /// The API user name: always `admin`.
    pub fn username(&self) -> &str {
        &self.env.username
    }

    /// The API password (given in [`SimOptions::password`] or generated).
    pub fn password(&self) -> &str {
        &self.env.password
    }

    /// The CA that signed every cluster's certificate, in PEM; `None` with plain HTTP
    /// or with self-signed certificates.
    pub fn ca_pem(&self) -> Option<&str> {
        self.certs.as_ref()?.ca_pem()
    }

    /// The style of the clusters' certificates; `None` with plain HTTP.
    pub fn cert_style(&self) -> Option<CertStyle> {
        self.certs.as_ref().map(SimCerts::style)
    }

    /// The certificate `cluster` presents now, in PEM (its own, not the CA); `None` with
    /// plain HTTP or for an unknown cluster.
    #[cfg(any(test, feature = "testing"))]
    pub fn cluster_cert_pem(&self, cluster: &str) -> Option<String> {
        self.cert_pem_of(cluster)
    }

    /// [`SimFleet::cluster_cert_pem`], for the written config.
    pub(crate) fn cert_pem_of(&self, cluster: &str) -> Option<String> {
        self.endpoint(cluster).ok()?.certificate_pem()
    }

    /// Gives `cluster` a new key and certificate in the fleet's style (a renewal, or an
    /// impostor, as a pinned client sees it). Open connections are dropped, so clients
    /// meet the new certificate on their next request.
    #[cfg(any(test, feature = "testing"))]
    pub fn rotate_certificate(&self, cluster: &str) -> Result<(), SimError> {
        let names = self.default_names(self.endpoint(cluster)?);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        self.reissue_certificate_for(cluster, &names)
    }

    /// Like [`SimFleet::rotate_certificate`], with a certificate naming only `names`
    /// (DNS names or IP addresses), to try name checks and `tls_server_name`.
    #[cfg(any(test, feature = "testing"))]
    pub fn reissue_certificate_for(&self, cluster: &str, names: &[&str]) -> Result<(), SimError> {
        let endpoint = self.endpoint(cluster)?;
        let certs = self
            .certs
            .as_ref()
            .ok_or_else(|| SimError::Tls("a plain HTTP fleet has no certificates".into()))?;
        endpoint.set_leaf(certs.leaf_for(cluster, names)?);
        Ok(())
    }

    /// A package URL on the run's package server, e.g. `http://127.0.0.1:P/images/FILE`.
    pub fn package_url(&self, file_name: &str) -> String {
        format!("http://127.0.0.1:{}/images/{file_name}", self.package_port)
    }

    /// The URL of [`DEFAULT_PACKAGE`] on the package server.
    pub fn default_package_url(&self) -> String {
        self.package_url(DEFAULT_PACKAGE)
    }

    /// A package URL with its own size (bytes) and rate (bytes/s, 0 = unlimited),
    /// for a download that must be instant or must still be running later.
    #[cfg(any(test, feature = "testing"))]
    pub fn package_url_with(&self, file_name: &str, size: u64, bandwidth: u64) -> String {
        format!(
            "{}?size={size}&rate={bandwidth}",
            self.package_url(file_name)
        )
    }

    /// A URL on the package server that answers 404: the download fails with 10551885.
    #[cfg(any(test, feature = "testing"))]
    pub fn missing_package_url(&self, file_name: &str) -> String {
        self.missing_url(file_name)
    }

    fn missing_url(&self, file_name: &str) -> String {
        format!("http://127.0.0.1:{}/missing/{file_name}", self.package_port)
    }

    /// Sets a cluster's fault; it applies to the next connection or request.
    /// `Down` closes the port and drops open connections; leaving `Down`
    /// re-opens the same port. Unknown names are logged and ignored.
    #[cfg(any(test, feature = "testing"))]
    pub fn set_fault(&self, cluster: &str, fault: Fault) {
        if let Err(e) = self.apply_fault(cluster, fault) {
            tracing::warn!("sim: {e}");
        }
    }

    /// Like [`SimFleet::set_fault`], but says when the cluster does not exist.
    #[cfg(any(test, feature = "testing"))]
    pub fn try_set_fault(&self, cluster: &str, fault: Fault) -> Result<(), SimError> {
        self.apply_fault(cluster, fault)
    }

    /// Sets a cluster's fault: the scenario's, `--fault`'s and the tests'.
    pub(crate) fn apply_fault(&self, cluster: &str, fault: Fault) -> Result<(), SimError> {
        let endpoint = self.endpoint(cluster)?;
        let _runtime = self.runtime.enter();
        endpoint.set_fault(fault);
        Ok(())
    }

    /// The cluster's current fault.
    #[cfg(any(test, feature = "testing"))]
    pub fn fault(&self, cluster: &str) -> Option<Fault> {
        self.endpoint(cluster).ok().map(|e| e.cluster.fault())
    }

    /// TCP connections the cluster accepted so far (0 for an unknown cluster): a client
    /// that keeps its connection alive makes one per session, not one per request.
    #[cfg(any(test, feature = "testing"))]
    pub fn connections_accepted(&self, cluster: &str) -> u64 {
        self.endpoint(cluster)
            .map(|e| e.accepted.load(std::sync::atomic::Ordering::Relaxed))
            .unwrap_or(0)
    }

    /// Requests the cluster refused for their credentials (0 for an unknown cluster):
    /// the failed logins a real cluster would count towards locking the account.
    #[cfg(any(test, feature = "testing"))]
    pub fn failed_logins(&self, cluster: &str) -> u64 {
        self.endpoint(cluster)
            .map(|e| e.cluster.failed_logins())
            .unwrap_or(0)
    }

    /// Every request that reached the cluster's API, oldest first (the last 10 000).
    #[cfg(any(test, feature = "testing"))]
    pub fn request_log(&self, cluster: &str) -> Vec<LoggedRequest> {
        self.endpoint(cluster)
            .map(|e| e.cluster.request_log())
            .unwrap_or_default()
    }

    /// Ends the cluster's package delete jobs now, as if their duration had passed: each
    /// succeeds (the package leaves the repository) or fails as decided at its DELETE.
    #[cfg(any(test, feature = "testing"))]
    pub fn finish_deletes(&self, cluster: &str) {
        if let Ok(endpoint) = self.endpoint(cluster) {
            endpoint.cluster.finish_deletes();
        }
    }

    /// Deletes the cluster's ended jobs now, as if the job expiry had passed.
    #[cfg(any(test, feature = "testing"))]
    pub fn expire_jobs(&self, cluster: &str) {
        if let Ok(endpoint) = self.endpoint(cluster) {
            endpoint.cluster.expire_jobs();
        }
    }

    /// Writes a dashboard config for this fleet (and the CA beside it); see `write_config.rs`.
    pub async fn write_config(&self, path: &Path) -> std::io::Result<()> {
        write_config::write(self, path).await
    }

    /// Closes every port and stops every task of the run.
    pub async fn shutdown(self) {
        self.stop();
        // Let aborted tasks drop their sockets before the caller goes on.
        tokio::task::yield_now().await;
    }

    fn stop(&self) {
        for endpoint in &self.endpoints {
            endpoint.close();
        }
        if let Some(shared) = &self.shared {
            shared.close();
        }
        self.env.tasks.abort_all();
    }

    fn endpoint(&self, cluster: &str) -> Result<&Arc<Endpoint>, SimError> {
        self.endpoints
            .iter()
            .find(|e| e.cluster.name == cluster)
            .ok_or_else(|| SimError::UnknownCluster(cluster.to_string()))
    }
}

impl Drop for SimFleet {
    fn drop(&mut self) {
        self.stop();
    }
}

fn refused((code, message): (u64, String)) -> SimError {
    SimError::Refused { code, message }
}

/// A v4 uuid (122 random bits) as URL-safe base64: 22 characters, easy to paste.
fn random_password() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes())
}
