//! `ontop packages`: the fleet's package repositories at a glance (one row per release:
//! who holds it, who runs it, who lacks it; or one row per cluster), as a table or JSON;
//! and `ontop packages delete`, which removes a package (see [`delete`]).

mod delete;

use serde_json::{Value, json};

use super::{CliError, Context, Exit};
use crate::cli::{PackagesAction, PackagesArgs};
use crate::config::Credentials;
use crate::fleet::inventory::{Inventory, VersionRow, by_version, inventory};
use crate::fleet::{self, Target};
use crate::text::table::{self, Column};

/// Lists the chosen clusters' repositories, or removes a package; 0 when every chosen
/// cluster answered.
pub async fn run(ctx: &Context, args: &PackagesArgs) -> Result<Exit, CliError> {
    if let Some(PackagesAction::Delete(delete)) = &args.action {
        return delete::run(ctx, delete).await;
    }
    let config = ctx.config()?;
    let chosen = args.select.select(config, true)?;
    super::selection::announce(config, &chosen, &args.select);
    let subset = config.subset(&chosen);
    let targets = read_only_targets(ctx, &subset);
    let found = inventory(&targets).await;
    if args.json {
        let text = serde_json::to_string_pretty(&to_json(&found)).unwrap_or_else(|_| "{}".into());
        crate::outln!("{text}");
    } else if args.by_cluster {
        crate::out!("{}", by_cluster_table(&found));
    } else {
        crate::out!("{}", by_release_table(&found));
    }
    let failing: Vec<&Inventory> = found.iter().filter(|i| i.packages.is_err()).collect();
    for cluster in &failing {
        if let Err(e) = &cluster.packages {
            crate::errln!(
                "ontop: {}: not read: {}: {}; what to do: {}",
                cluster.name,
                e.kind,
                e.message,
                e.hint()
            );
        }
    }
    Ok(Exit::from_ok(failing.is_empty()))
}

/// Clients that can only read, whatever the config says: listing changes nothing.
pub(super) fn read_only_targets(ctx: &Context, subset: &crate::config::Config) -> Vec<Target> {
    let credentials = Credentials::new(ctx.interactive);
    // Password commands and prompts block: keep them off the async workers.
    tokio::task::block_in_place(|| fleet::targets_from_config(subset, &credentials, true))
}

/// The rows per release, from what each cluster said.
fn releases(found: &[Inventory]) -> Vec<VersionRow> {
    by_version(found.iter().map(|i| {
        (
            i.running.as_deref(),
            i.packages.is_ok().then(|| i.versions()),
        )
    }))
}

const RELEASE_COLUMNS: [Column; 5] = [
    Column {
        heading: "RELEASE",
        cap: 20,
    },
    Column {
        heading: "HELD BY",
        cap: 8,
    },
    Column {
        heading: "RUNS ON",
        cap: 8,
    },
    Column {
        heading: "LACK IT",
        cap: 8,
    },
    Column {
        heading: "HELD BY (CLUSTERS)",
        cap: 72,
    },
];

/// One row per release: how many clusters hold it, run it, and have neither (of those
/// whose repository was read), and which hold it.
pub fn by_release_table(found: &[Inventory]) -> String {
    let read = found.iter().filter(|i| i.packages.is_ok()).count();
    let rows: Vec<Vec<String>> = releases(found)
        .iter()
        .map(|row| {
            let have = |i: &usize| row.holders.contains(i) || row.runners.contains(i);
            let lacking = (0..found.len())
                .filter(|i| found[*i].packages.is_ok() && !have(i))
                .count();
            vec![
                row.version.clone(),
                row.holders.len().to_string(),
                row.runners.len().to_string(),
                lacking.to_string(),
                names(found, &row.holders),
            ]
        })
        .collect();
    let mut out = table::render(&RELEASE_COLUMNS, &rows);
    if rows.is_empty() {
        out.push_str("no release known: no cluster answered\n");
    }
    out.push_str(&format!(
        "\n{read} of {} clusters read; `ontop packages --by-cluster` lists each one\n",
        found.len()
    ));
    out
}

const CLUSTER_COLUMNS: [Column; 3] = [
    Column {
        heading: "CLUSTER",
        cap: 40,
    },
    Column {
        heading: "RUNS",
        cap: 20,
    },
    Column {
        heading: "PACKAGES",
        cap: 80,
    },
];

/// One row per cluster: the release it runs and the packages it holds.
pub fn by_cluster_table(found: &[Inventory]) -> String {
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|i| {
            let packages = match &i.packages {
                Ok(_) if i.versions().is_empty() => "(none)".to_owned(),
                Ok(_) => i.versions().join(", "),
                Err(e) => format!("not read: {}", e.kind),
            };
            vec![
                i.name.clone(),
                i.running.clone().unwrap_or_else(|| "-".into()),
                packages,
            ]
        })
        .collect();
    table::render(&CLUSTER_COLUMNS, &rows)
}

/// The names at `indices`, joined.
fn names(found: &[Inventory], indices: &[usize]) -> String {
    let names: Vec<&str> = indices.iter().map(|&i| found[i].name.as_str()).collect();
    if names.is_empty() {
        "-".into()
    } else {
        names.join(", ")
    }
}

/// `--json`: every cluster (release, packages with their creation time, or the error)
/// and every release with the clusters that hold and run it.
pub fn to_json(found: &[Inventory]) -> Value {
    let clusters: Vec<Value> = found
        .iter()
        .map(|i| {
            let (packages, error) = match &i.packages {
                Ok(list) => (
                    Some(
                        list.iter()
                            .map(|p| json!({"version": p.version, "create_time": p.create_time}))
                            .collect::<Vec<_>>(),
                    ),
                    None,
                ),
                Err(e) => (
                    None,
                    Some(json!({"kind": e.kind.as_str(), "message": e.message, "hint": e.hint()})),
                ),
            };
            json!({"name": i.name, "running": i.running, "packages": packages, "error": error})
        })
        .collect();
    let releases: Vec<Value> = releases(found)
        .iter()
        .map(|row| {
            let list = |ix: &[usize]| ix.iter().map(|&i| found[i].name.clone()).collect::<Vec<_>>();
            json!({"version": row.version, "held_by": list(&row.holders), "running_on": list(&row.runners)})
        })
        .collect();
    json!({"clusters": clusters, "releases": releases})
}
