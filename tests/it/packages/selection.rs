//! Choosing clusters by label, and naming typos.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn label_selection_picks_the_clusters_and_names_typos() {
    let fleet = start_fleet(4, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    let config = std::fs::read_to_string(&setup.config).unwrap();
    let mut config = config;
    for (name, site, env) in [
        ("sim-1", "ams", "prod"),
        ("sim-2", "ams", "lab"),
        ("sim-3", "fra", "prod"),
        ("sim-4", "fra", "lab"),
    ] {
        config = config.replace(
            &format!("name = \"{name}\"\n"),
            &format!("name = \"{name}\"\nlabels = {{ site = \"{site}\", env = \"{env}\" }}\n"),
        );
    }
    std::fs::write(&setup.config, config).unwrap();

    let out = setup
        .ontop(&["status", "--json", "--label", "site=ams"])
        .await;
    assert_exit(&out, 0);
    let rows = json(&out);
    let shown: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(shown, ["sim-1", "sim-2"]);
    assert!(
        text(&out.stderr).contains("selected 2 clusters (--label site=ams): sim-1, sim-2"),
        "{}",
        text(&out.stderr)
    );

    let out = setup
        .ontop(&[
            "packages", "--json", "--label", "site=fra", "--label", "env=prod",
        ])
        .await;
    let doc = json(&out);
    assert_eq!(doc["clusters"].as_array().unwrap().len(), 1);
    assert_eq!(doc["clusters"][0]["name"], "sim-3");

    let url = fleet.default_package_url();
    let out = setup
        .ontop(&["download", "--label", "env=lab", "--url", &url, "--yes"])
        .await;
    assert_exit(&out, 0);
    assert_eq!((posts(&fleet, "sim-2"), posts(&fleet, "sim-4")), (1, 1));
    assert_eq!((posts(&fleet, "sim-1"), posts(&fleet, "sim-3")), (0, 0));

    let out = setup.ontop(&["status", "--label", "sit=ams"]).await;
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("no cluster has a label \"sit\"; did you mean site?"),
        "{}",
        text(&out.stderr)
    );
    let out = setup.ontop(&["status", "--label", "site=amz"]).await;
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("did you mean site=ams?"),
        "{}",
        text(&out.stderr)
    );
    let out = setup
        .ontop(&["download", "--label", "site", "--url", &url, "--yes"])
        .await;
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("KEY=VALUE"),
        "{}",
        text(&out.stderr)
    );

    // One cluster named beside --all is a mistake either way: refused, nothing sent.
    for args in [
        ["download", "--all", "--cluster", "sim-1"],
        ["download", "--cluster", "sim-1", "--all"],
    ] {
        let out = setup
            .ontop(&[&args[..], &["--url", &url, "--yes"]].concat())
            .await;
        assert_exit(&out, 2);
        assert!(
            text(&out.stderr).contains("cannot be used with"),
            "{}",
            text(&out.stderr)
        );
        // Not a matter of order: no tip about where options go.
        assert!(!text(&out.stderr).contains("tip:"), "{}", text(&out.stderr));
    }
    let sent: usize = (1..=4).map(|i| posts(&fleet, &format!("sim-{i}"))).sum();
    assert_eq!(sent, 2, "only the --label env=lab download above was sent");
}
