//! `/`: the read-only status page. Server-rendered HTML with no script at all: the same
//! rows as `ontop status`, a summary line, a refresh every few seconds, and a layout that
//! stacks each row into a card at phone width. Every string from a config or a cluster
//! is escaped on its way in; nothing secret is in the model to show.

use std::fmt::Write;

use jiff::Timestamp;

use crate::ontap::DownloadState;
use crate::state::{ClusterState, Health, Model, age, format_age, short_uuid};

/// How often the page reloads itself (a `<meta http-equiv=refresh>`).
pub const REFRESH_SECONDS: u32 = 5;

/// The whole page for `model` at `now`.
pub fn render(model: &Model, title: &str, now: Timestamp) -> String {
    let mut html = String::with_capacity(512 + model.clusters.len() * 400);
    let counts = model.counts(now);
    let _ = write!(
        html,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"refresh\" content=\"{REFRESH_SECONDS}\">\
         <title>ontop: {title}</title><style>{STYLE}</style></head><body>\
         <header><h1>ontop <small>{title}</small></h1>\
         <p id=\"summary\">{clusters} clusters · {downloading} downloading · {succeeded} succeeded · \
         {failed} failed · {failing} not answering · {stale} stale · {paused} paused</p>\
         <p class=\"meta\">read-only view, as of {now} UTC, refreshed every {REFRESH_SECONDS} s · \
         <a href=\"/api/status\">JSON</a> · <a href=\"/metrics\">metrics</a></p></header>\
         <table><thead><tr><th>Cluster</th><th>Version</th><th>Download</th><th>Message</th>\
         <th>Job</th><th>Health</th><th>Last answer</th></tr></thead><tbody>\n",
        title = escape(title),
        clusters = counts.clusters,
        downloading = counts.downloading,
        succeeded = counts.succeeded,
        failed = counts.failed,
        failing = counts.failing,
        stale = counts.stale,
        paused = counts.paused,
        now = now.strftime("%Y-%m-%d %H:%M:%S"),
    );
    for cluster in &model.clusters {
        row(&mut html, cluster, now);
    }
    html.push_str("</tbody></table></body></html>\n");
    html
}

/// One `<tr>`, each cell labelled for the stacked phone layout.
fn row(html: &mut String, c: &ClusterState, now: Timestamp) {
    let health = c.health(now);
    let (health_word, class) = match (health, c.login_paused.is_some()) {
        (_, true) => ("login paused".to_owned(), "bad"),
        (Health::Ok, _) => ("ok".to_owned(), "ok"),
        (Health::Unknown, _) => ("no answer yet".to_owned(), "unknown"),
        (Health::Stale, _) => ("stale".to_owned(), "warn"),
        (Health::Failing, _) => ("not answering".to_owned(), "bad"),
    };
    let state = c.download_state().map_or("-", |s| s.as_str());
    let message = match (&c.last_error, health) {
        (Some(e), Health::Failing) => format!("{}: {}", e.kind, e.message),
        _ => c
            .download
            .as_ref()
            .and_then(|d| d.message.clone())
            .unwrap_or_else(|| "-".into()),
    };
    let job = c.job.as_ref().map_or("-".to_owned(), |j| {
        let state = j.state.as_ref().map_or("?", |s| s.as_str());
        format!("{state} ({})", short_uuid(&j.uuid))
    });
    let last = c.last_success.map_or("never".to_owned(), |at| {
        format!("{} ago", format_age(age(at, now)))
    });
    let cells = [
        ("Cluster", c.identity.name.as_str()),
        ("Version", c.version.as_deref().unwrap_or("-")),
        ("Download", state),
        ("Message", message.as_str()),
        ("Job", job.as_str()),
        ("Health", health_word.as_str()),
        ("Last answer", last.as_str()),
    ];
    // The download cell's class says its state, for its colour: one of ONTAP's words.
    let state_class = match c.download_state() {
        Some(DownloadState::Running) => " running",
        Some(DownloadState::Success) => " success",
        Some(DownloadState::Failure) => " failure",
        _ => "",
    };
    let _ = write!(html, "<tr class=\"{class}\">");
    for (label, text) in cells {
        let kind = label.to_lowercase().replace(' ', "-");
        let extra = if label == "Download" { state_class } else { "" };
        let _ = write!(
            html,
            "<td data-label=\"{label}\" class=\"{kind}{extra}\">{}</td>",
            escape(text)
        );
    }
    html.push_str("</tr>\n");
}

/// Text made safe for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1rem;color:#222}\
h1{font-size:1.3rem;margin:0}h1 small{font-weight:normal;color:#666}\
.meta{color:#666;font-size:.85rem}table{border-collapse:collapse;width:100%}\
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}\
td.message{max-width:28rem;overflow-wrap:anywhere}tr.bad td.health{color:#b00;font-weight:bold}\
tr.warn td.health{color:#a60}tr.ok td.health{color:#060}\
td.failure{color:#b00;font-weight:bold}td.running{color:#05a}td.success{color:#060}\
@media (max-width:640px){thead{display:none}table,tbody,tr,td{display:block;width:auto}\
tr{border:1px solid #ccc;border-radius:.4rem;margin:.5rem 0;padding:.3rem}\
td{border:none;padding:.15rem .3rem}td::before{content:attr(data-label) \": \";color:#666}}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_server_strings_is_text() {
        assert_eq!(
            escape("<script>alert(\"x\")</script> & 'y'"),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }
}
