//! `/` and `/api/status`: the rows escaped, problems first and grouped, in the screen's
//! words; the query's sort, filter and group; the same JSON as `ontop status --json`.

use ontop_sim::Fault;

use super::{Serving, sample};
use crate::support::config::{Fixture, assert_says};
use crate::support::fleet::{eventually, start_fleet};

/// A cluster name an attacker with write access to a config (or a careless colleague)
/// could choose; it must show as text.
pub(crate) const SCRIPT_NAME: &str = "<script>document.title='pwned'</script>";

/// Renames `sim-2` to [`SCRIPT_NAME`] and gives every cluster labels.
pub(crate) fn hostile_names(text: String) -> String {
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

/// Gives `sim-1`..`sim-N` a `site` label: the first half `ams`, the rest `fra`.
pub(crate) fn with_sites(text: String, clusters: usize) -> String {
    (1..=clusters).fold(text, |text, i| {
        let site = if i <= clusters / 2 { "ams" } else { "fra" };
        text.replace(
            &format!("name = \"sim-{i}\"\n"),
            &format!("name = \"sim-{i}\"\nlabels = {{ site = \"{site}\" }}\n"),
        )
    })
}

/// A fleet of `clusters` labelled by site, `[serve] group = "site"`, whose last two rows
/// are its problems: the one before last failed its download (10551885), the last is
/// down. The first holds the config's package. Served once every row says so.
pub(crate) async fn mixed_fleet(clusters: usize) -> (Serving, Vec<String>) {
    let names: Vec<String> = (1..=clusters).map(|i| format!("sim-{i}")).collect();
    let down = names[clusters - 1].clone();
    let fleet = start_fleet(clusters, |o| o.faults.push((down, Fault::Down))).await;
    let url = fleet.default_package_url();
    fleet.finish_download(&names[0], &url).unwrap();
    let failed = &names[clusters - 2];
    fleet
        .fail_download(
            failed,
            &url,
            10551885,
            "invalid URL: the server answered HTTP 404",
        )
        .unwrap();
    let serving = Serving::over(fleet, |text| {
        format!(
            "{}\n[serve]\ngroup = \"site\"\n",
            with_sites(text, clusters)
        )
    })
    .await;
    eventually(
        "every row answered or failing, the package known",
        || async {
            let (_, html) = serving.get("/").await;
            let ok = html.matches("class=\"health\">ok</td>").count();
            let ready = ok == clusters - 1
                && html.contains(">FAILING <small")
                && html.contains("class=\"package\">has</td>");
            ready.then_some(())
        },
    )
    .await;
    (serving, names)
}

/// Where `needle` is in `html`, which must hold it.
fn at(html: &str, needle: &str) -> usize {
    html.find(needle)
        .unwrap_or_else(|| panic!("no {needle:?} in {html}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn problems_come_first_grouped_by_site_with_code_next_step_and_package() {
    let (serving, _) = mixed_fleet(6).await;
    let (_, html) = serving.get("/").await;
    // The summary names the two problems, the failed download first.
    let attention = &html[at(&html, "id=\"attention\"")..at(&html, "<form")];
    let failed = at(attention, ">sim-5</a> <span class=\"word\">failed</span>");
    let failing = at(attention, ">sim-6</a> <span class=\"word\">FAILING</span>");
    assert!(failed < failing, "{attention}");
    assert!(!attention.contains("sim-1"), "{attention}");
    assert!(
        html.contains(
            "id=\"summary\">6 clusters · 0 downloading · 1 succeeded · 1 failed · 1 failing"
        ),
        "{html}"
    );
    // fra has the problems: it comes first, its problems before its folded rest.
    let fra = at(&html, "<h2>site=fra");
    let ams = at(&html, "<h2>site=ams");
    assert!(fra < ams, "{html}");
    let fra_section = &html[fra..ams];
    let folded = at(fra_section, "<details>");
    assert!(at(fra_section, "class=\"cluster\">sim-5</td>") < folded);
    assert!(at(fra_section, "class=\"cluster\">sim-6</td>") < folded);
    assert!(at(fra_section, "class=\"cluster\">sim-4</td>") > folded);
    assert!(
        fra_section.contains(
            "<summary>1 cluster, nothing to do: 1 ok · <a href=\"?group=site&amp;show=all\">keep open</a></summary>"
        ),
        "{fra_section}"
    );
    // Healthy ams is one folded line.
    let ams_section = &html[ams..];
    assert!(at(ams_section, "<details>") < at(ams_section, "class=\"cluster\">sim-1</td>"));
    // The failed download: its code and the code table's next step; the down cluster
    // in the screen's word with what it means.
    let hint = ontop::testing::serve::page::escape(
        ontop::testing::ontap::hint_for_code(10551885).unwrap(),
    );
    assert!(html.contains("class=\"code\">10551885</td>"), "{html}");
    assert!(
        html.contains(&format!("class=\"next-step\">{hint}</td>")),
        "{html}"
    );
    assert!(
        html.contains("class=\"health\">FAILING <small class=\"why\">not answering: the last poll failed</small></td>"),
        "{html}"
    );
    assert!(
        !html.contains(">not answering<"),
        "the screen's word, FAILING: {html}"
    );
    // The Package column says whether each holds the config's release.
    assert!(html.contains("<th>Package 9.16.1P3</th>"), "{html}");
    assert!(
        html.contains("data-label=\"Package 9.16.1P3\" class=\"package\">has</td>"),
        "{html}"
    );
    assert!(html.contains("class=\"labels\">site=ams</td>"), "{html}");

    // The JSON carries labels, the screen's health word and the repository.
    let (_, body) = serving.get("/api/status").await;
    let rows: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(rows[0]["labels"]["site"], "ams", "{body}");
    assert_eq!(rows[0]["health"], "ok");
    assert_eq!(rows[0]["packages"][0]["version"], "9.16.1P3", "{body}");
    assert_eq!(rows[5]["health"], "failing");
    assert!(rows[5]["packages"].is_null(), "never read: {body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_query_sorts_filters_and_groups_with_the_dashboards_words() {
    let (serving, _) = mixed_fleet(6).await;
    let rows_in = |html: &str| -> Vec<String> {
        html.split("class=\"cluster\">")
            .skip(1)
            .map(|rest| rest.split('<').next().unwrap().to_owned())
            .collect()
    };

    // Not grouped, by name the other way round: still problems first, then the rest.
    let (_, html) = serving.get("/?group=none&sort=-cluster").await;
    assert!(!html.contains("<h2>"), "{html}");
    assert_eq!(
        rows_in(&html),
        ["sim-6", "sim-5", "sim-4", "sim-3", "sim-2", "sim-1"]
    );
    assert!(
        html.contains("<option value=\"-cluster\" selected>"),
        "{html}"
    );
    // The heading links keep the group and the filter.
    assert!(
        html.contains("href=\"?group=none&amp;sort=cluster\">Cluster ▼</a>"),
        "{html}"
    );

    // A word the dashboard's filter knows; the rest of the fleet is not shown.
    let (_, html) = serving.get("/?filter=failing").await;
    assert_eq!(rows_in(&html), ["sim-6"]);
    assert!(html.contains("showing 1 of 6 clusters"), "{html}");
    let (_, html) = serving
        .get("/?filter=site%3Dams+!succeeded&group=none")
        .await;
    assert_eq!(rows_in(&html), ["sim-2", "sim-3"]);
    assert!(
        html.contains("<details open>"),
        "what a filter chose is shown: {html}"
    );
    // Unfolded on request, and kept so by every link (the refresh reloads the same URL).
    let (_, html) = serving.get("/?show=all&sort=health").await;
    assert_eq!(html.matches("<details open>").count(), 2, "{html}");
    assert!(!html.contains("keep open"), "{html}");
    assert!(
        html.contains("href=\"?group=site&amp;sort=-health&amp;show=all\">Health ▲"),
        "{html}"
    );
    assert!(
        html.contains("name=\"show\" value=\"all\" checked>"),
        "{html}"
    );

    // What the page cannot do, it says, with the nearest word.
    let (status, html) = serving.get("/?filter=sit%3Dams&sort=helth&group=env").await;
    assert_eq!(status, 200);
    for note in [
        "no cluster matches the filter &quot;sit=ams&quot;",
        "sit=ams: no cluster has a label sit; did you mean site?",
        "sort &quot;helth&quot;: not a column; did you mean health?",
        "group &quot;env&quot;: no cluster has a label &quot;env&quot;",
    ] {
        assert!(html.contains(note), "{note}: {html}");
    }
    assert!(rows_in(&html).is_empty(), "{html}");

    // The query is text on the page, never markup.
    let (_, html) = serving
        .get("/?filter=%3Cscript%3Ealert(1)%3C%2Fscript%3E&x=%22%3E")
        .await;
    assert!(!html.contains("<script"), "{html}");
    assert!(
        html.contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\""),
        "{html}"
    );
    assert!(html.contains("not &quot;x&quot;"), "{html}");
}

#[test]
fn the_serve_group_key_is_checked_and_shown() {
    let fx = Fixture::new();
    let base = "[[cluster]]\nname = \"a\"\nurl = \"https://a.example\"\nusername = \"u\"\npassword = \"x\"\nlabels = { site = \"ams\" }\n";
    let error = fx.error(&format!("{base}[serve]\ngroup = 5\n"));
    assert_says(&error, &["[serve]", "group", "expected a string"]);
    let config = fx.ok(&format!("{base}[serve]\ngroup = \"sit\"\n"));
    let warnings = config.warnings.join("\n");
    assert_says(
        &warnings,
        &[
            "[serve] group = \"sit\"",
            "no cluster has a label",
            "did you mean site?",
        ],
    );
    let config = fx.ok(&format!("{base}[serve]\ngroup = \"site\"\n"));
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
    assert_eq!(config.serve.group.as_deref(), Some("site"));
    assert_says(&config.render_redacted(), &["[serve]", "group = \"site\""]);
}
