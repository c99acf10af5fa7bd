//! The fleet's package repositories, asked of many clusters at once: what `ontop
//! packages` prints, and which clusters a download can skip because they already have
//! the release.

use crate::ontap::{OntapError, Package};

/// One cluster's repository and running release, as one look found them.
#[derive(Debug, Clone)]
pub(crate) struct Inventory {
    pub name: String,
    /// The release the cluster runs, when it answered.
    pub running: Option<String>,
    /// The packages in its repository, or why they could not be read.
    pub packages: Result<Vec<Package>, OntapError>,
}

impl Inventory {
    /// The versions in the repository (none when it could not be read).
    pub(crate) fn versions(&self) -> Vec<&str> {
        match &self.packages {
            Ok(list) => list.iter().filter_map(|p| p.version.as_deref()).collect(),
            Err(_) => Vec::new(),
        }
    }
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
pub(crate) fn by_version<'a>(
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

/// Whether a cluster running `running` already runs a release newer than `version`:
/// a download of `version` there could only serve a downgrade, so no list of who lacks
/// it offers that cluster.
pub(crate) fn runs_newer(running: Option<&str>, version: &str) -> bool {
    running.is_some_and(|r| release_order(r, version).is_gt())
}

/// Releases in numeric order: 9.9.1 < 9.10.1 < 9.16.1 < 9.16.1P3 < 9.16.1P10.
pub(crate) fn release_order(a: &str, b: &str) -> std::cmp::Ordering {
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
