//! Putting a starting fleet on the network: a port per cluster on 127.0.0.1, or every
//! cluster on one shared port at an address of its own (`shared_port.rs`).

use std::sync::Arc;

use rustls::pki_types::ServerName;

use super::SimFleet;
use crate::cluster::Cluster;
use crate::scenario::Planned;
use crate::server::Endpoint;
use crate::shared_port::{self, SharedPort};
use crate::tls::DEFAULT_NAMES;
use crate::{SimError, SimOptions};

impl SimFleet {
    /// Builds each planned cluster and puts it where clients reach it; every cluster
    /// answers when this returns.
    pub(super) async fn listen(
        &mut self,
        planned: &[Planned],
        opts: &SimOptions,
    ) -> Result<(), SimError> {
        let shared = match opts.shared_port {
            true if planned.len() > shared_port::MAX_CLUSTERS => {
                return Err(SimError::TooMany(planned.len()));
            }
            true => Some(SharedPort::bind(opts.port.unwrap_or(0))?),
            false => None,
        };
        for (i, plan) in planned.iter().enumerate() {
            let version = opts
                .versions
                .iter()
                .find(|(name, _)| *name == plan.name)
                .map_or(plan.version, |(_, version)| version.as_str());
            let cluster = Arc::new(
                Cluster::new(&plan.name, version, Arc::clone(&self.env))
                    .with_labels(plan.labels.clone()),
            );
            let endpoint = match &shared {
                Some(port) => {
                    let ip = shared_port::address(i);
                    let names = shared_names(&ip.to_string(), &plan.name);
                    let tls = self.leaf(&plan.name, &names)?;
                    Endpoint::on_shared_port(cluster, ip, port.port(), tls)
                }
                None => {
                    // Fits in u16: checked against 65536 by the caller.
                    let port = opts.port.map_or(0, |first| first + i as u16);
                    let tls = self.leaf(&plan.name, DEFAULT_NAMES)?;
                    Endpoint::bind(cluster, port, tls).await?
                }
            };
            self.endpoints.push(endpoint);
        }
        if let Some(port) = shared {
            port.serve(&self.endpoints, &self.env);
            self.shared = Some(port);
        }
        Ok(())
    }

    /// The names a cluster's certificate holds by default: 127.0.0.1 and localhost with a
    /// port of its own; its address and its name (when it is a DNS name, for SNI) on the
    /// shared port.
    #[cfg(any(test, feature = "testing"))]
    pub(super) fn default_names(&self, endpoint: &Endpoint) -> Vec<String> {
        match self.shared {
            Some(_) => shared_names(&endpoint.ip.to_string(), &endpoint.cluster.name),
            None => DEFAULT_NAMES.iter().map(|n| (*n).to_string()).collect(),
        }
    }

    fn leaf(
        &self,
        cluster: &str,
        names: &[impl AsRef<str>],
    ) -> Result<Option<crate::tls::Leaf>, SimError> {
        let names: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
        self.certs
            .as_ref()
            .map(|certs| certs.leaf_for(cluster, &names))
            .transpose()
    }
}

fn shared_names(ip: &str, cluster: &str) -> Vec<String> {
    let mut names = vec![ip.to_string()];
    if matches!(ServerName::try_from(cluster), Ok(ServerName::DnsName(_))) {
        names.push(cluster.to_string());
    }
    names
}
