//! `ontop demo`: the product on an embedded simulated fleet.
//!
//! It starts the simulator's demo scenario in-process on loopback (HTTPS, ephemeral
//! ports) and points the same engine at it that a real config would, so a new user sees
//! every state at once without a config file or a network.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use crate::fleet::Target;
use crate::ontap::{Client, ClientSettings, TlsTrust};
use crate::sim::{Scenario, SimError, SimFleet, SimOptions};

/// Per-request timeout in the demo: long enough for the "slow" cluster to answer, short
/// enough that the "hung" one does not hold a new user's first look for half a minute.
pub const DEMO_TIMEOUT: Duration = Duration::from_secs(6);

/// Starts the demo fleet with `clusters` clusters.
pub async fn start_fleet(clusters: usize) -> Result<SimFleet, SimError> {
    SimFleet::start(SimOptions {
        clusters,
        scenario: Scenario::Demo,
        ..SimOptions::default()
    })
    .await
}

/// One target per simulated cluster, trusting exactly the simulator's CA.
pub fn targets(fleet: &SimFleet, read_only: bool) -> Vec<Target> {
    let trust = match fleet.ca_pem() {
        Some(pem) => TlsTrust::CaPem(pem.as_bytes().to_vec()),
        None => TlsTrust::System,
    };
    fleet
        .clusters()
        .into_iter()
        .map(|cluster| {
            let client = reqwest::Url::parse(&cluster.url)
                .map_err(|e| e.to_string())
                .and_then(|url| {
                    Client::new(ClientSettings {
                        name: cluster.name.clone(),
                        url,
                        username: fleet.username().to_string(),
                        password: SecretString::from(fleet.password().to_string()),
                        trust: trust.clone(),
                        tls_server_name: None,
                        timeout: DEMO_TIMEOUT,
                        connect_timeout: DEMO_TIMEOUT,
                        read_only,
                    })
                    .map_err(|e| e.to_string())
                })
                .map(Arc::new)
                .map_err(|message| crate::ontap::OntapError {
                    cluster: cluster.name.clone(),
                    kind: crate::ontap::ErrorKind::Connect,
                    http_status: None,
                    code: None,
                    message,
                    target: None,
                });
            Target {
                name: cluster.name,
                url: cluster.url,
                client,
                reauth: None,
            }
        })
        .collect()
}
