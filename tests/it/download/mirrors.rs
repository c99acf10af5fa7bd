//! Site mirrors: a fleet in two sites downloads from each site's own package server, the
//! confirmation names the clusters under the URL each fetches, the audit log records
//! each cluster's URL, and `config check` says which mirror serves whom.

use crate::support::download::{Setup, WAIT, assert_exit, text};
use crate::support::fleet::start_fleet;

/// Gives the fleet's clusters sites (sim-1, sim-2 in ams; sim-3 in nyc) and an ams
/// mirror on the simulator's package server.
fn two_sites(setup: &Setup, fleet: &ontop_sim::SimFleet, mirror: &str) {
    let mut config = std::fs::read_to_string(&setup.config).unwrap();
    for (name, site) in [("sim-1", "ams"), ("sim-2", "ams"), ("sim-3", "nyc")] {
        let line = format!("name = \"{name}\"\n");
        config = config.replace(&line, &format!("{line}labels = {{ site = \"{site}\" }}\n"));
    }
    config = config.replacen(
        "[download]\n",
        &format!("[[download.mirror]]\nlabels = {{ site = \"ams\" }}\nbase = \"{mirror}\"\n\n[download]\n"),
        1,
    );
    std::fs::write(&setup.config, config).unwrap();
    let _ = fleet;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_site_downloads_from_its_own_mirror_and_the_audit_log_says_which() {
    let fleet = start_fleet(3, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let mirror = fleet.mirror_base("ams");
    two_sites(&setup, &fleet, &mirror);

    let check = setup.ontop(&["config", "check"]).await;
    assert_exit(&check, 0);
    let said = text(&check.stdout);
    assert!(said.contains("(site=ams): sim-1, sim-2"), "{said}");
    assert!(
        said.contains("no mirror serves 1 cluster (they fetch from [download] url): sim-3"),
        "{said}"
    );

    let dry = setup.ontop(&["download", "--all", "--dry-run"]).await;
    assert_exit(&dry, 0);

    let mut args = vec!["download", "--all", "--yes"];
    args.extend(WAIT);
    let out = setup.ontop(&args).await;
    assert_exit(&out, 0);
    let file = "ontap-9.16.1P3-image.tgz";
    for (cluster, expected) in [
        ("sim-1", format!("{mirror}{file}")),
        ("sim-2", format!("{mirror}{file}")),
        ("sim-3", fleet.default_package_url()),
    ] {
        let sources = fleet.download_sources(cluster);
        assert_eq!(
            sources,
            std::slice::from_ref(&expected),
            "{cluster} fetched from {sources:?}"
        );
        let started: Vec<serde_json::Value> = setup
            .audit()
            .into_iter()
            .filter(|l| l["cluster"] == cluster && l["event"] == "start")
            .collect();
        assert_eq!(started.len(), 1, "{started:?}");
        assert_eq!(
            started[0]["url"],
            expected.as_str(),
            "the audit log names it"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mirror_that_serves_nobody_is_named_and_a_bad_base_is_refused() {
    let fleet = start_fleet(2, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    two_sites(&setup, &fleet, "https://pkgs-fra.example.com/ontap/");
    let config = std::fs::read_to_string(&setup.config).unwrap();
    std::fs::write(
        &setup.config,
        config.replace("site = \"ams\" }\nbase", "site = \"fra\" }\nbase"),
    )
    .unwrap();
    let check = setup.ontop(&["config", "check"]).await;
    let said = text(&check.stdout);
    assert!(said.contains("(site=fra): serves no cluster"), "{said}");
    let config = std::fs::read_to_string(&setup.config).unwrap();
    std::fs::write(&setup.config, config.replace("/ontap/\"", "/ontap\"")).unwrap();
    let check = setup.ontop(&["config", "check"]).await;
    assert_exit(&check, 2);
    let said = text(&check.stderr);
    assert!(
        said.contains("[[download.mirror]] #1") && said.contains("must end with /"),
        "{said}"
    );
}
