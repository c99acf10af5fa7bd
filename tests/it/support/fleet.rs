//! Shared fixtures for tests that run the simulator on loopback.

use std::future::Future;
use std::time::Duration;

use ontop::testing::ontap::{Client, ClientSettings, TlsTrust};
use ontop_sim::{SimFleet, SimOptions};
use secrecy::SecretString;

/// Starts a simulated fleet with fast, small packages so downloads end in about a second.
pub(crate) async fn start_fleet(clusters: usize, tweak: impl FnOnce(&mut SimOptions)) -> SimFleet {
    let mut options = SimOptions {
        clusters,
        package_size: 256 * 1024,
        bandwidth: 1024 * 1024,
        ..SimOptions::default()
    };
    tweak(&mut options);
    SimFleet::start(options)
        .await
        .expect("the simulator starts")
}

/// The trust a well-configured client has in this fleet: exactly its CA.
pub(crate) fn fleet_trust(fleet: &SimFleet) -> TlsTrust {
    TlsTrust::CaPem(fleet.ca_pem().expect("an HTTPS fleet").as_bytes().to_vec())
}

/// A client for cluster `index` of the fleet.
pub(crate) fn client_with(
    fleet: &SimFleet,
    index: usize,
    trust: TlsTrust,
    password: &str,
    timeout: Duration,
) -> Client {
    let cluster = &fleet.clusters()[index];
    Client::new(ClientSettings {
        name: cluster.name.clone(),
        url: cluster.url.parse().unwrap(),
        username: fleet.username().to_string(),
        password: SecretString::from(password.to_string()),
        trust,
        tls_server_name: None,
        timeout,
        connect_timeout: timeout,
        read_only: false,
    })
    .expect("the client builds")
}

/// A correctly configured client for cluster `index`.
pub(crate) fn client(fleet: &SimFleet, index: usize) -> Client {
    client_with(
        fleet,
        index,
        fleet_trust(fleet),
        fleet.password(),
        Duration::from_secs(10),
    )
}

/// Polls `check` until it yields a value, for at most 30 s (a bound, not a timing claim).
pub(crate) async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
