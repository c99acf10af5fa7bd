//! A cluster that quotes the package URL back (its password and token included) has it
//! shown masked on every front end: the page, `/api/status`, `/metrics`, `ontop status
//! --json`, and nothing ontop stores.

use std::path::Path;

use super::Serving;
use crate::support::bin::run_ontop;
use crate::support::fleet::eventually;

const PASSWORD: &str = "Leak-PW-4411";
const TOKEN: &str = "Leak-Tok-5522";

/// Every file under `dir` whose bytes hold `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_holding(&path, needle));
        } else if let Ok(bytes) = std::fs::read(&path)
            && String::from_utf8_lossy(&bytes).contains(needle)
        {
            found.push(path.display().to_string());
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_a_cluster_echoes_is_shown_nowhere_with_its_password_or_token() {
    let serving = Serving::start(2, |_| {}, |text| text).await;
    let cluster = serving.fleet.clusters()[0].name.clone();
    let url = format!("https://fetch:{PASSWORD}@host/x?token={TOKEN}");
    let message = format!("Failed to download the package from {url}: host unreachable.");
    serving
        .fleet
        .fail_download(&cluster, &url, 10551885, &message)
        .unwrap();
    let masked = "https://fetch:***@host/x?***";
    eventually("the failure is polled", || async {
        let (_, body) = serving.get("/api/status").await;
        body.contains(masked).then_some(())
    })
    .await;
    for path in ["/", "/api/status", "/metrics"] {
        let (status, body) = serving.get(path).await;
        assert_eq!(status, 200, "{path}");
        for secret in [PASSWORD, TOKEN] {
            assert!(!body.contains(secret), "{path} shows {secret}: {body}");
        }
    }
    let (_, page) = serving.get("/").await;
    assert!(page.contains(masked), "the page shows the message, masked");

    let out = run_ontop(&["status", "--json"], &serving.config).await;
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(json.contains(masked), "{json}");
    for secret in [PASSWORD, TOKEN] {
        assert!(!json.contains(secret), "ontop status --json shows {secret}");
        let stored = files_holding(serving.dir.path(), secret);
        assert!(stored.is_empty(), "{secret} stored in {stored:?}");
    }
}
