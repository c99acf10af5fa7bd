//! `ontop config check --login`: each cluster logged in to once, with a read-only GET; a
//! line each (its release, or why not), then what to do, once per group of clusters
//! that failed alike. A refused login names what was sent: the user and where its
//! password came from, which is what the admin checks next.

use std::collections::HashMap;

use crate::commands::Exit;
use crate::commands::status::unless_all_answered;
use crate::config::{ClusterConfig, Config, Credentials};
use crate::fleet::{self, ClusterReport};
use crate::ontap::ErrorKind;
use crate::text::table::{self, Column};

const COLUMNS: [Column; 3] = [
    Column {
        heading: "CLUSTER",
        cap: 40,
    },
    Column {
        heading: "LOGIN",
        cap: 16,
    },
    Column {
        heading: "DETAIL",
        cap: 160,
    },
];

/// One line per cluster: logged in (and its release), refused, or not answering, then
/// what to do; 0 when every cluster accepted the login.
pub(super) async fn check(config: &Config, credentials: &Credentials) -> Exit {
    // Read-only clients: a check sends nothing but GETs.
    let targets = tokio::task::block_in_place(|| {
        fleet::targets_from_config(config, credentials, fleet::Session::ReadOnly)
    });
    let reports = fleet::sweep(&targets, fleet::DEFAULT_MAX_IN_FLIGHT).await;
    let width = crate::output::stdout_width();
    crate::outln!();
    crate::out!("{}", report(config, &reports, width));
    unless_all_answered(&reports, "did not log in")
}

/// The table and the advice; on a terminal (`width` its columns) each line fits,
/// otherwise (a pipe, a file) the details are whole.
fn report(config: &Config, reports: &[ClusterReport], width: Option<usize>) -> String {
    let rows: Vec<Vec<String>> = reports.iter().map(row).collect();
    let mut out = table::render_for(&COLUMNS, &rows, width);
    // Clusters failing alike share one "what to do".
    let configured: HashMap<&str, &ClusterConfig> = (config.clusters.iter())
        .map(|c| (c.name.as_str(), c))
        .collect();
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for r in reports {
        let cluster = configured.get(r.name.as_str()).copied();
        let Some(advice) = advice(cluster, r) else {
            continue;
        };
        match groups.iter_mut().find(|(a, _)| *a == advice) {
            Some((_, names)) => names.push(&r.name),
            None => groups.push((advice, vec![&r.name])),
        }
    }
    for (advice, names) in groups {
        out.push('\n');
        let names = crate::text::names_line(&names);
        crate::text::push_wrapped(&mut out, &format!("{names}: {advice}"), "", width);
    }
    out
}

fn row(r: &ClusterReport) -> Vec<String> {
    let (word, detail) = match &r.error {
        None => (
            "ok",
            format!(
                "ONTAP {}",
                r.version().unwrap_or_else(|| "(release not said)".into())
            ),
        ),
        Some(e) if e.kind == ErrorKind::Auth => ("REFUSED", e.message.clone()),
        Some(e) => ("NO ANSWER", format!("{}: {}", e.kind, e.message)),
    };
    vec![r.name.clone(), word.to_string(), detail]
}

/// What to do about a cluster that did not log in. A refusal says what was sent,
/// since this command already shows where each password comes from; anything else
/// takes the hint of its error.
fn advice(cluster: Option<&ClusterConfig>, r: &ClusterReport) -> Option<String> {
    let e = r.error.as_ref()?;
    Some(match (e.kind, cluster) {
        (ErrorKind::Auth, Some(c)) => format!(
            "refused user {user:?} (password source: {}); what to do: check that password, \
             and on the cluster that the account is there, not locked, and has the http \
             application with a role allowing /api/cluster (security login show \
             -user-or-group-name {user:?})",
            c.credential.describe(),
            user = c.username,
        ),
        _ => format!("what to do: {}", e.hint()),
    })
}
