//! `max_running`: never more downloads at once than it allows.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_max_running_2_over_6_clusters_never_more_than_2_download_at_once() {
    use crate::support::download::SLOW;
    let fleet = start_fleet(6, |_| {}).await;
    let setup = Setup::new(&fleet).await;
    // About a second each: long enough to overlap, short enough for a test.
    let url = fleet.package_url_with("ontap-9.16.1P3-image.tgz", 2 * SLOW, 2 * SLOW);
    let args = [
        "download",
        "--all",
        "--url",
        &url,
        "--wait",
        "--yes",
        "--max-running",
        "2",
    ];
    let run = setup.ontop(&args);
    tokio::pin!(run);
    let names: Vec<String> = fleet.clusters().into_iter().map(|c| c.name).collect();
    let mut most = 0;
    // The run is a child process: what the clusters run is read every 20 ms while it
    // goes (the engine's rule itself is paused in `timing.rs`).
    let mut every = tokio::time::interval(std::time::Duration::from_millis(20));
    let out = loop {
        tokio::select! {
            out = &mut run => break out,
            _ = every.tick() => {
                let running = names
                    .iter()
                    .filter(|n| fleet.download_status(n).is_some_and(|(state, _, _)| state == "running"))
                    .count();
                most = most.max(running);
            }
        }
    };
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    assert!(most <= 2, "{most} ran at once: {stdout}");
    assert_eq!(most, 2, "the limit was used: {stdout}");
    assert!(
        stdout.contains("queued 4: at most 2 run at once"),
        "{stdout}"
    );
    // Each waiting start has its place in the plan's order: 1 of 4 ... 4 of 4.
    for n in 1..=4 {
        assert!(
            stdout
                .lines()
                .any(|l| l.contains("queued") && l.contains(&format!("({n} of 4): not sent yet"))),
            "{n}: {stdout}"
        );
    }
    for name in &names {
        assert_eq!(posts(&fleet, name), 1, "{name}: {stdout}");
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(name.as_str()) && l.contains("success")),
            "{name}: {stdout}"
        );
    }
}

#[test]
fn max_running_in_the_config_is_a_whole_number() {
    use crate::support::config::{Fixture, assert_says};
    let fx = Fixture::new();
    let base = "[[cluster]]\nname = \"a\"\nurl = \"https://a.example\"\nusername = \"u\"\npassword = \"x\"\n";
    let config = fx.ok(&format!("{base}[download]\nmax_running = 20\n"));
    assert_eq!(config.download.max_running, Some(20));
    let config = fx.ok(&format!("[defaults]\npackages_interval = \"1h\"\n{base}"));
    assert_eq!(
        config.clusters[0].packages_interval,
        std::time::Duration::from_secs(3600)
    );
    let error = fx.error(&format!("[defaults]\npackages_interval = \"30s\"\n{base}"));
    assert_says(&error, &["[defaults]", "packages_interval"]);
    for bad in ["0", "-3", "\"many\"", "100000"] {
        let error = fx.error(&format!("{base}[download]\nmax_running = {bad}\n"));
        assert_says(
            &error,
            &["[download]", "max_running", "whole number from 1 to 10000"],
        );
    }
}
