//! A real browser (Debian's headless Chromium) loads the status page: the rows are in
//! the rendered DOM, a cluster name holding `<script>` is text, and no script ran.

use std::process::Stdio;
use std::time::Duration;

use super::page::hostile_names;
use super::{Serving, require};
use crate::support::fleet::eventually;

/// Chromium's rendered DOM of `url`, headless, with a fresh profile and no background
/// networking (this machine has no network but loopback).
async fn dump_dom(chromium: &std::path::Path, url: &str, profile: &std::path::Path) -> String {
    let run = tokio::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=390,844",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", url])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .expect("chromium renders the page within a minute")
        .unwrap();
    assert!(out.status.success(), "chromium failed: {:?}", out.status);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_headless_browser_shows_every_row_and_runs_no_script() {
    let test = "a headless browser loads the status page";
    let Some(chromium) = require("chromium", test, "chromium") else {
        return;
    };
    let serving = Serving::start(3, |_| {}, hostile_names).await;
    // Render once every cluster has answered, so the rows are complete.
    eventually("three answered rows", || async {
        let (_, html) = serving.get("/").await;
        (html.matches("class=\"health\">ok<").count() == 3).then_some(())
    })
    .await;
    let profile = serving.dir.path().join("chromium");
    let dom = dump_dom(&chromium, &format!("{}/", serving.base), &profile).await;
    for name in ["sim-1", "sim-3"] {
        assert!(
            dom.contains(&format!("class=\"cluster\">{name}</td>")),
            "{name}: {dom}"
        );
    }
    // The browser parsed the name as text: it serializes it escaped, made no element.
    assert!(
        dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"),
        "{dom}"
    );
    assert!(!dom.contains("<script"), "no script element: {dom}");
    assert!(
        dom.contains("<title>ontop: "),
        "the title is ours, not the name's: {dom}"
    );
    assert!(!dom.contains("<title>pwned"), "{dom}");
    assert_eq!(dom.matches("<tr class=\"ok\">").count(), 3, "{dom}");
    assert!(dom.contains("3 clusters"), "{dom}");
}
