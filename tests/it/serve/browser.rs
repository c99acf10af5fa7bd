//! A real browser (Debian's headless Chromium) loads the status page: the rows are in
//! the rendered DOM, a cluster name holding `<script>` is text, and no script ran; at
//! phone width (400 px) the problems are on the first screenful and the healthy rows
//! folded away, measured in the rendered page over the DevTools protocol.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};

use super::page::{hostile_names, mixed_fleet};
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

/// What the browser measured of the page at phone size: the viewport, how wide the
/// page is, and where each row is drawn.
#[derive(Debug, serde::Deserialize)]
struct Measured {
    width: f64,
    height: f64,
    #[serde(rename = "scrollWidth")]
    scroll_width: f64,
    rows: Vec<MeasuredRow>,
}

#[derive(Debug, serde::Deserialize)]
struct MeasuredRow {
    name: String,
    class: String,
    top: f64,
    bottom: f64,
    /// Drawn at all (a row in a closed `<details>` is laid out but not drawn).
    visible: bool,
}

/// The page's layout measured in the DOM: every row's box and the page's width. The
/// page itself runs no script (its CSP forbids any); DevTools evaluates from outside.
const MEASURE: &str = "document.readyState === 'complete' && document.getElementById('summary') ? \
    JSON.stringify({width: innerWidth, height: innerHeight, \
    scrollWidth: document.documentElement.scrollWidth, \
    rows: [...document.querySelectorAll('tbody tr')].map(tr => { \
      const r = tr.getBoundingClientRect(); \
      return {name: tr.querySelector('td.cluster').textContent, class: tr.className, \
              top: r.top, bottom: r.bottom, visible: tr.checkVisibility()}; })}) : ''";

/// Headless Chromium driven over the DevTools protocol on a pipe
/// (`--remote-debugging-pipe`: commands in on fd 3, answers out on fd 4, each JSON
/// message ended by a NUL), here two FIFOs the shell opens for it.
struct DevTools {
    to: std::fs::File,
    from: std::io::BufReader<std::fs::File>,
    next: u64,
}

impl DevTools {
    /// Sends `method` (to `session` when given) and returns its answer's `result`.
    fn call(&mut self, method: &str, params: Value, session: Option<&str>) -> Value {
        use std::io::{BufRead, Write};
        self.next += 1;
        let mut message = json!({"id": self.next, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let mut bytes = serde_json::to_vec(&message).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).unwrap();
        loop {
            let mut raw = Vec::new();
            let read = self.from.read_until(0, &mut raw).unwrap();
            assert!(read > 0, "chromium closed the pipe during {method}");
            raw.pop();
            let answer: Value = serde_json::from_slice(&raw).unwrap();
            if answer["id"] == json!(self.next) {
                assert!(answer["error"].is_null(), "{method}: {answer}");
                return answer["result"].clone();
            }
        }
    }
}

/// Opens `url` in a 400 x 844 phone-sized viewport and measures it (blocking: run it
/// off the async workers). The FIFOs are opened in the order the shell opens them.
fn measure_at_400(fifo_in: &Path, fifo_out: &Path, url: &str) -> Measured {
    let to = std::fs::OpenOptions::new()
        .write(true)
        .open(fifo_in)
        .unwrap();
    let from = std::io::BufReader::new(std::fs::File::open(fifo_out).unwrap());
    let mut tools = DevTools { to, from, next: 0 };
    let target = tools.call("Target.createTarget", json!({"url": "about:blank"}), None);
    let attached = tools.call(
        "Target.attachToTarget",
        json!({"targetId": target["targetId"], "flatten": true}),
        None,
    );
    let session = attached["sessionId"].as_str().unwrap().to_owned();
    let session = Some(session.as_str());
    let phone = json!({"width": 400, "height": 844, "deviceScaleFactor": 1, "mobile": true});
    tools.call("Emulation.setDeviceMetricsOverride", phone, session);
    tools.call("Page.navigate", json!({"url": url}), session);
    for _ in 0..300 {
        let done = tools.call(
            "Runtime.evaluate",
            json!({"expression": MEASURE, "returnByValue": true}),
            session,
        );
        if let Some(text) = done["result"]["value"].as_str().filter(|t| !t.is_empty()) {
            let _ = tools.call("Browser.close", json!({}), None);
            return serde_json::from_str(text).unwrap();
        }
        // The real Chromium lays the page out in its own time.
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the page did not load in 30 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_400_px_the_failures_are_in_the_first_screenful_and_healthy_rows_are_folded() {
    let test = "a headless browser measures the status page at 400 px";
    let Some(chromium) = require("chromium", test, "chromium") else {
        return;
    };
    // 20 clusters, the two problems the last rows of the config.
    let (serving, names) = mixed_fleet(20).await;
    let dir = serving.dir.path();
    let (fifo_in, fifo_out) = (dir.join("devtools-in"), dir.join("devtools-out"));
    for fifo in [&fifo_in, &fifo_out] {
        let made = std::process::Command::new("mkfifo")
            .arg(fifo)
            .status()
            .unwrap();
        assert!(made.success(), "mkfifo {}", fifo.display());
    }
    let _browser = tokio::process::Command::new("sh")
        .arg("-c")
        .arg("exec \"$0\" \"$@\" 3<\"$DEVTOOLS_IN\" 4>\"$DEVTOOLS_OUT\"")
        .arg(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--remote-debugging-pipe",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.join("chromium").display()
        ))
        .env("DEVTOOLS_IN", &fifo_in)
        .env("DEVTOOLS_OUT", &fifo_out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let url = format!("{}/", serving.base);
    let measuring = tokio::task::spawn_blocking(move || measure_at_400(&fifo_in, &fifo_out, &url));
    // On a timeout `_browser` is dropped and killed, which ends the blocked reads.
    let page = tokio::time::timeout(Duration::from_secs(90), measuring)
        .await
        .expect("chromium measures the page within 90 s")
        .unwrap();

    assert_eq!(page.width, 400.0, "{page:?}");
    assert!(
        page.scroll_width <= page.width,
        "no sideways scrolling: {page:?}"
    );
    assert_eq!(page.rows.len(), names.len(), "{page:?}");
    for row in &page.rows {
        let problem = row.name == names[18] || row.name == names[19];
        if problem {
            assert!(row.class.contains("problem"), "{row:?}");
            assert!(row.visible, "{row:?}");
            assert!(
                row.top >= 0.0 && row.bottom <= page.height,
                "a problem on the first screenful: {row:?} of {page:?}"
            );
        } else {
            assert!(row.class.contains("ok"), "{row:?}");
            assert!(!row.visible, "a healthy row is folded away: {row:?}");
        }
    }
}
