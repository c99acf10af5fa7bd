//! A site's mirror: the package server's same files under a second base, the URL each
//! cluster's download asked for, and the demo's site with a mirror and its cluster too
//! old to take an upload.

use crate::support::sim::*;
use ontop_sim::{DEFAULT_PACKAGE, Scenario, SimOptions};

#[tokio::test]
async fn a_mirror_serves_the_same_files_and_each_download_says_where_it_fetched() {
    let fleet = start(fast_opts(2)).await;
    let base = fleet.mirror_base("ams");
    assert!(base.ends_with("/mirror/ams/"), "{base}");
    let mirrored = format!("{base}{DEFAULT_PACKAGE}");
    let job = start_download(&fleet, "sim-1", &mirrored).await;
    assert_eq!(wait_job(&fleet, "sim-1", &job).await["state"], "success");
    let job = start_download(&fleet, "sim-2", &fleet.default_package_url()).await;
    assert_eq!(wait_job(&fleet, "sim-2", &job).await["state"], "success");

    assert_eq!(
        fleet.download_sources("sim-1"),
        std::slice::from_ref(&mirrored)
    );
    assert_eq!(
        fleet.download_sources("sim-2"),
        [fleet.default_package_url()]
    );
    let (_, packages) = get(&fleet, "sim-1", "/api/cluster/software/packages").await;
    assert_eq!(packages["records"][0]["version"], "9.16.1P3");
    // The credentials a URL carries are not kept.
    let secret = format!("http://fetch:Secret-77@{}", &mirrored["http://".len()..]);
    start_download(&fleet, "sim-2", &secret.replace("9.16.1P3", "9.17.1")).await;
    let sources = fleet.download_sources("sim-2");
    assert!(
        sources.iter().all(|s| !s.contains("Secret-77")),
        "{sources:?}"
    );
    // The idle fleet names no mirror for a config.
    assert!(fleet.mirrors().is_empty());
    fleet.shutdown().await;
}

#[tokio::test]
async fn the_demo_has_a_mirrored_site_and_a_cluster_too_old_to_take_uploads() {
    let fleet = start(SimOptions {
        scenario: Scenario::Demo,
        ..fast_opts(12)
    })
    .await;
    let mirrors = fleet.mirrors();
    assert_eq!(mirrors.len(), 1);
    assert_eq!(mirrors[0].labels, [("site".to_string(), "ams".to_string())]);
    assert_eq!(mirrors[0].base, fleet.mirror_base("ams"));
    // The ams cluster downloading at start fetches from its site's mirror.
    let sources = fleet.download_sources("prod-ams-2");
    assert!(sources[0].starts_with(&mirrors[0].base), "{sources:?}");
    let sources = fleet.download_sources("prod-nyc-1");
    assert!(sources[0].contains("/images/"), "{sources:?}");

    let (_, old) = get(&fleet, "lab-par-1", "/api/cluster?fields=version").await;
    assert_eq!(old["version"]["major"], 7, "{old}");
    let resp = client(&fleet)
        .post(url(&fleet, "lab-par-1", "/api/cluster/software/upload"))
        .basic_auth(fleet.username(), Some(fleet.password()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    fleet.shutdown().await;
}
