//! `/` and `/api/status`: the same rows as `ontop status`, escaped, and the same JSON.

use super::{Serving, sample};
use crate::support::fleet::eventually;

/// A cluster name an attacker with write access to a config (or a careless colleague)
/// could choose; it must show as text.
pub const SCRIPT_NAME: &str = "<script>document.title='pwned'</script>";

/// Renames `sim-2` to [`SCRIPT_NAME`] and gives every cluster labels.
pub fn hostile_names(text: String) -> String {
    text.replace("name = \"sim-2\"", &format!("name = \"{SCRIPT_NAME}\""))
        .replacen(
            "[defaults]\n",
            "[defaults]\nlabels = { datacenter = \"ams\", \"rack-no\" = \"r\\\"2\", job = \"x\" }\n",
            1,
        )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_every_row_escaped_and_the_json_matches_ontop_status() {
    let serving = Serving::start(3, |_| {}, hostile_names).await;
    let html = eventually("three answered rows", || async {
        let (status, html) = serving.get("/").await;
        assert_eq!(status, 200);
        (html
            .matches("<td data-label=\"Health\" class=\"health\">ok</td>")
            .count()
            == 3)
            .then_some(html)
    })
    .await;
    assert!(
        html.contains("<td data-label=\"Cluster\" class=\"cluster\">sim-1</td>"),
        "{html}"
    );
    assert!(
        html.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script"), "no markup from a name: {html}");
    assert!(html.contains("id=\"summary\">3 clusters"), "{html}");
    assert!(html.contains("http-equiv=\"refresh\""), "{html}");
    assert!(
        !html.contains(serving.fleet.password()),
        "no secret on the page"
    );

    let (status, body) = serving.get("/api/status").await;
    assert_eq!(status, 200);
    let rows: serde_json::Value = serde_json::from_str(&body).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1]["name"], SCRIPT_NAME);
    let version = rows[0]["version"].as_str().expect("a version");
    assert!(
        html.contains(&format!("class=\"version\">{version}</td>")),
        "{html}"
    );
    for row in rows {
        assert_eq!(row["download"]["state"], "not_started", "{row}");
        assert!(row["error"].is_null(), "{row}");
        assert!(row["tls"]["expires"].is_string(), "{row}");
    }
    assert!(!body.contains(serving.fleet.password()));

    // The labels join Harvest's: datacenter as is, others as valid names, never
    // replacing Prometheus's own `job`; quotes escaped.
    let page = serving.metrics().await;
    let up = sample(
        &page,
        "ontop_cluster_up",
        &[("cluster", "sim-1"), ("datacenter", "ams")],
    );
    assert_eq!(up, Some(1.0), "{page}");
    assert!(page.contains("rack_no=\"r\\\"2\""), "{page}");
    assert!(page.contains("label_job=\"x\""), "{page}");
    assert!(
        page.contains("cluster=\"<script>document.title='pwned'</script>\""),
        "{page}"
    );
}
