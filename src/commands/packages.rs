//! `ontop packages`: the fleet's package repositories at a glance, answering the question
//! it exists for: per release, who holds it, who runs it, and who lacks it (by name; the
//! read-only clusters and those that run a newer release, for which it would be a
//! downgrade, apart); or one row per cluster; as a table or JSON. `ontop packages delete`
//! removes a package (see [`delete`]).
//!
//! One look through the engine: state, version and repository in one pass per cluster,
//! so a hung cluster costs one timeout.

mod delete;

use std::io::IsTerminal;

use serde_json::{Value, json};

use super::selection::WhenUnnamed;
use super::watch::Look;
use super::{CliError, Context, Exit};
use crate::cli::{PackagesAction, PackagesArgs};
use crate::config::Config;
use crate::engine::EngineOptions;
use crate::fleet::Session;
use crate::fleet::inventory::{Inventory, VersionRow, by_version, runs_newer};
use crate::ontap::{ErrorKind, OntapError};
use crate::state::Model;
use crate::text::table::{self, Column};

/// Lists the chosen clusters' repositories, or removes a package; 0 when every chosen
/// cluster answered.
pub(crate) async fn run(ctx: &Context, args: &PackagesArgs) -> Result<Exit, CliError> {
    if let Some(PackagesAction::Delete(delete)) = &args.action {
        return delete::run(ctx, delete).await;
    }
    let config = ctx.config()?;
    let chosen = args.select.select(config, WhenUnnamed::Everyone)?;
    super::selection::announce(config, &chosen, &args.select);
    let subset = config.subset(&chosen);
    let found = match look(ctx, &subset).await {
        Ok(found) => found,
        Err(exit) => return Ok(exit),
    };
    let full = !std::io::stdout().is_terminal();
    if args.json {
        let text = serde_json::to_string_pretty(&to_json(&found)).unwrap_or_else(|_| "{}".into());
        crate::outln!("{text}");
    } else if args.by_cluster {
        crate::out!("{}", by_cluster_table(&found));
    } else {
        crate::out!("{}", by_release_table(&found, full));
    }
    let failing: Vec<&Found> = found
        .iter()
        .filter(|f| f.inventory.packages.is_err())
        .collect();
    for cluster in &failing {
        if let Err(e) = &cluster.inventory.packages {
            crate::errln!(
                "ontop: {}: not read: {}: {}; what to do: {}",
                cluster.inventory.name,
                e.kind,
                e.message,
                e.hint()
            );
        }
    }
    let reasons: Vec<String> = (!failing.is_empty())
        .then(|| {
            let names: Vec<&str> = failing.iter().map(|f| f.inventory.name.as_str()).collect();
            format!(
                "{} of {} not read ({}): the table lacks them",
                names.len(),
                crate::text::count_clusters(found.len()),
                names.join(", ")
            )
        })
        .into_iter()
        .collect();
    Ok(Exit::unless(&reasons))
}

/// One cluster as the look found it, and whether ontop may change it.
pub(crate) struct Found {
    pub(crate) inventory: Inventory,
    pub(crate) read_only: bool,
}

/// One look at every cluster of `subset` through the engine (read-only: listing changes
/// nothing); the exit at Ctrl-C.
async fn look(ctx: &Context, subset: &Config) -> Result<Vec<Found>, Exit> {
    let (engine, watch) = crate::commands::prologue::look_first_as(
        ctx,
        subset,
        Session::ReadOnly,
        EngineOptions::for_packages(),
        Look::WithPackages,
    )
    .await?;
    engine.shutdown();
    Ok(found(&watch.model, |i| {
        ctx.session().keeps_read_only(subset.clusters[i].read_only)
    }))
}

/// What the model knows of each cluster's repository.
fn found(model: &Model, read_only: impl Fn(usize) -> bool) -> Vec<Found> {
    model
        .clusters
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let packages = match (&c.packages, c.repository_error()) {
                (Some((_, list)), _) => Ok(list.clone()),
                (None, Some(e)) => Err(e.clone()),
                (None, None) => Err(OntapError::new(
                    &c.identity.name,
                    ErrorKind::Connect,
                    "no answer",
                )),
            };
            Found {
                inventory: Inventory {
                    name: c.identity.name.clone(),
                    running: c.version.clone(),
                    packages,
                },
                read_only: read_only(i),
            }
        })
        .collect()
}

/// The rows per release, from what each cluster said.
fn releases(found: &[Found]) -> Vec<VersionRow> {
    by_version(found.iter().map(|f| {
        let i = &f.inventory;
        (
            i.running.as_deref(),
            i.packages.is_ok().then(|| i.versions()),
        )
    }))
}

/// Who lacks a release, in three kinds: those a download could go to, the read-only
/// ones, and those that run a newer release (for which it would be a downgrade).
#[derive(Debug, Default, PartialEq, Eq)]
struct Lacking {
    can_take: Vec<usize>,
    read_only: Vec<usize>,
    newer: Vec<usize>,
}

/// Who lacks `row`'s release, among the clusters whose repository was read.
fn lacking(found: &[Found], row: &VersionRow) -> Lacking {
    let mut lacking = Lacking::default();
    for (i, f) in found.iter().enumerate() {
        let has = row.holders.contains(&i) || row.runners.contains(&i);
        if has || f.inventory.packages.is_err() {
            continue;
        }
        let newer = runs_newer(f.inventory.running.as_deref(), &row.version);
        if f.read_only {
            lacking.read_only.push(i);
        } else if newer {
            lacking.newer.push(i);
        } else {
            lacking.can_take.push(i);
        }
    }
    lacking
}

/// The columns of the per-release table; the names' column holds every name when
/// `full` (piped), else what a screen line holds.
fn release_columns(full: bool) -> [Column; 5] {
    [
        Column {
            heading: "RELEASE",
            cap: 20,
        },
        Column {
            heading: "HELD",
            cap: 8,
        },
        Column {
            heading: "RUNS",
            cap: 8,
        },
        Column {
            heading: "LACK",
            cap: 8,
        },
        Column {
            heading: "LACKING (A DOWNLOAD CAN GO THERE)",
            cap: if full { usize::MAX } else { 72 },
        },
    ]
}

/// One row per release: how many clusters hold it, run it, and lack it (of those whose
/// repository was read and that could take it), and which lack it; then, per release,
/// the lacking clusters that do not count (read-only, or running a newer release).
pub(crate) fn by_release_table(found: &[Found], full: bool) -> String {
    let read = found
        .iter()
        .filter(|f| f.inventory.packages.is_ok())
        .count();
    let rows = releases(found);
    let mut notes = Vec::new();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let lack = lacking(found, row);
            let mut apart = Vec::new();
            if !lack.read_only.is_empty() {
                apart.push(format!("read-only: {}", names(found, &lack.read_only)));
            }
            if !lack.newer.is_empty() {
                apart.push(format!(
                    "run a newer release (a downgrade): {}",
                    names(found, &lack.newer)
                ));
            }
            if !apart.is_empty() {
                notes.push(format!(
                    "{} also lacking, not counted: {}",
                    row.version,
                    apart.join("; ")
                ));
            }
            vec![
                row.version.clone(),
                row.holders.len().to_string(),
                row.runners.len().to_string(),
                lack.can_take.len().to_string(),
                names(found, &lack.can_take),
            ]
        })
        .collect();
    let mut out = table::render(&release_columns(full), &cells);
    if cells.is_empty() {
        out.push_str("no release known: no cluster answered\n");
    }
    for note in notes {
        out.push_str(&note);
        out.push('\n');
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
pub(crate) fn by_cluster_table(found: &[Found]) -> String {
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|f| {
            let i = &f.inventory;
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
fn names(found: &[Found], indices: &[usize]) -> String {
    let names: Vec<&str> = indices
        .iter()
        .map(|&i| found[i].inventory.name.as_str())
        .collect();
    if names.is_empty() {
        "-".into()
    } else {
        names.join(", ")
    }
}

/// `--json`: every cluster (release, packages with their creation time, or the error)
/// and every release with the clusters that hold it, run it, and lack it (by kind).
pub(crate) fn to_json(found: &[Found]) -> Value {
    let clusters: Vec<Value> = found
        .iter()
        .map(|f| {
            let i = &f.inventory;
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
            json!({"name": i.name, "running": i.running, "read_only": f.read_only, "packages": packages, "error": error})
        })
        .collect();
    let releases: Vec<Value> = releases(found)
        .iter()
        .map(|row| {
            let list = |ix: &[usize]| {
                ix.iter()
                    .map(|&i| found[i].inventory.name.clone())
                    .collect::<Vec<_>>()
            };
            let lack = lacking(found, row);
            json!({
                "version": row.version,
                "held_by": list(&row.holders),
                "running_on": list(&row.runners),
                "lacking": list(&lack.can_take),
                "lacking_read_only": list(&lack.read_only),
                "lacking_running_newer": list(&lack.newer),
            })
        })
        .collect();
    json!({"clusters": clusters, "releases": releases})
}
