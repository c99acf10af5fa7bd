//! The fleet's package repositories, asked of many clusters at once: what `ontop
//! packages` prints, and which clusters a download can skip because they already have
//! the release.

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::sweep::{ClusterReport, DEFAULT_MAX_IN_FLIGHT};
use super::targets::Target;
use crate::download::{Holding, holding};
use crate::ontap::{ErrorKind, OntapError, Package};

/// One cluster's repository and running release, as one look found them.
#[derive(Debug, Clone)]
pub struct Inventory {
    pub name: String,
    /// The release the cluster runs, when it answered.
    pub running: Option<String>,
    /// The packages in its repository, or why they could not be read.
    pub packages: Result<Vec<Package>, OntapError>,
}

impl Inventory {
    /// The versions in the repository (none when it could not be read).
    pub fn versions(&self) -> Vec<&str> {
        match &self.packages {
            Ok(list) => list.iter().filter_map(|p| p.version.as_deref()).collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// Reads every target's package list (and its release, from `GET /cluster`), a bounded
/// number at a time, in the targets' order.
pub async fn inventory(targets: &[Target]) -> Vec<Inventory> {
    let everyone = vec![true; targets.len()];
    let results = for_each(targets, &everyone, |client| async move {
        let running = client
            .cluster()
            .await
            .ok()
            .and_then(|info| info.version.and_then(|v| v.short()));
        let packages = client.packages().await.map(|list| list.records);
        (running, packages)
    })
    .await;
    targets
        .iter()
        .zip(results)
        .map(|(target, result)| {
            let (running, packages) = match (result, &target.client) {
                (Some(pair), _) => pair,
                (None, Err(error)) => (None, Err(error.clone())),
                (None, Ok(_)) => {
                    let lost = "the question was lost (an internal error; see the log)";
                    let error = OntapError::new(&target.name, ErrorKind::Connect, lost);
                    (None, Err(error))
                }
            };
            Inventory {
                name: target.name.clone(),
                running,
                packages,
            }
        })
        .collect()
}

/// Which targets already run or hold `version`, for the plan: the running release from
/// the sweep, the repository asked only of clusters that answered it. A list that cannot
/// be read says nothing (the cluster is not skipped on a guess).
pub async fn holders(
    targets: &[Target],
    sweep: &[ClusterReport],
    version: &str,
) -> Vec<Option<Holding>> {
    // Only the clusters that answered, and do not run the release already, are asked.
    let ask: Vec<bool> = sweep
        .iter()
        .map(|r| r.answered() && holding(version, r.version().as_deref(), None).is_none())
        .collect();
    let lists = for_each(targets, &ask, |client| async move {
        client.packages().await.ok()
    })
    .await;
    sweep
        .iter()
        .zip(lists)
        .map(|(report, list)| {
            let packages = list.flatten().map(|l| l.records);
            holding(version, report.version().as_deref(), packages.as_deref())
        })
        .collect()
}

/// Runs `ask` on every target that has a client and whose `wanted` is true, at most
/// [`DEFAULT_MAX_IN_FLIGHT`] at a time; `None` for the others.
async fn for_each<T, F, Fut>(targets: &[Target], wanted: &[bool], ask: F) -> Vec<Option<T>>
where
    T: Send + 'static,
    F: Fn(Arc<crate::ontap::Client>) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(DEFAULT_MAX_IN_FLIGHT));
    let mut tasks = JoinSet::new();
    for (index, target) in targets.iter().enumerate() {
        let Ok(client) = target.client.clone() else {
            continue;
        };
        if !wanted.get(index).copied().unwrap_or(false) {
            continue;
        }
        let permits = permits.clone();
        let question = ask(client);
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            (index, question.await)
        });
    }
    let mut results: Vec<Option<T>> = (0..targets.len()).map(|_| None).collect();
    while let Some(done) = tasks.join_next().await {
        if let Ok((index, value)) = done {
            results[index] = Some(value);
        }
    }
    results
}

/// One release across the fleet: which clusters hold it in their repository, which run
/// it (indices into the clusters given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRow {
    pub version: String,
    pub holders: Vec<usize>,
    pub runners: Vec<usize>,
}

/// The fleet's releases, newest first: from each cluster's running release and its
/// repository's versions (`None` when not known), in cluster order.
pub fn by_version<'a>(
    clusters: impl IntoIterator<Item = (Option<&'a str>, Option<Vec<&'a str>>)>,
) -> Vec<VersionRow> {
    let mut rows: Vec<VersionRow> = Vec::new();
    // Rows by lowercased version: a fleet's worth of lists costs one pass.
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut row_of = |version: &str, rows: &mut Vec<VersionRow>| -> usize {
        *seen.entry(version.to_ascii_lowercase()).or_insert_with(|| {
            rows.push(VersionRow {
                version: version.to_owned(),
                holders: Vec::new(),
                runners: Vec::new(),
            });
            rows.len() - 1
        })
    };
    for (index, (running, held)) in clusters.into_iter().enumerate() {
        if let Some(running) = running {
            let row = row_of(running, &mut rows);
            rows[row].runners.push(index);
        }
        for version in held.unwrap_or_default() {
            let row = row_of(version, &mut rows);
            // Holders are pushed in cluster order: a repeat is the last one pushed.
            if rows[row].holders.last() != Some(&index) {
                rows[row].holders.push(index);
            }
        }
    }
    rows.sort_by(|a, b| release_order(&b.version, &a.version));
    rows
}

/// Releases in numeric order: 9.9.1 < 9.10.1 < 9.16.1 < 9.16.1P3 < 9.16.1P10.
pub fn release_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn parts(v: &str) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        let mut number = String::new();
        let mut letters = String::new();
        for c in v.chars() {
            if c.is_ascii_digit() {
                if !letters.is_empty() && number.is_empty() {
                    out.push((0, std::mem::take(&mut letters)));
                }
                number.push(c);
            } else {
                if !number.is_empty() {
                    out.push((
                        number.parse().unwrap_or(u64::MAX),
                        std::mem::take(&mut letters),
                    ));
                    number.clear();
                }
                if c != '.' {
                    letters.push(c.to_ascii_uppercase());
                }
            }
        }
        if !number.is_empty() || !letters.is_empty() {
            out.push((number.parse().unwrap_or(0), letters));
        }
        out
    }
    parts(a).cmp(&parts(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_are_counted_across_the_fleet_newest_first() {
        let rows = by_version([
            (Some("9.15.1P7"), Some(vec!["9.16.1P3", "9.15.1P7"])),
            (Some("9.15.1P7"), Some(vec![])),
            (Some("9.9.1"), None),
            (None, Some(vec!["9.16.1p3", "9.10.1"])),
        ]);
        let versions: Vec<&str> = rows.iter().map(|r| r.version.as_str()).collect();
        assert_eq!(versions, ["9.16.1P3", "9.15.1P7", "9.10.1", "9.9.1"]);
        assert_eq!(rows[0].holders, [0, 3]);
        assert!(rows[0].runners.is_empty());
        assert_eq!(rows[1].runners, [0, 1]);
        assert_eq!(rows[1].holders, [0]);
        assert_eq!(
            release_order("9.16.1P3", "9.16.1P10"),
            std::cmp::Ordering::Less
        );
        assert_eq!(
            release_order("9.16.1", "9.16.1P3"),
            std::cmp::Ordering::Less
        );
    }
}
