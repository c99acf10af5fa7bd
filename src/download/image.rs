//! Which ONTAP release a package URL holds, read from its file name the way NetApp names
//! images, and whether a cluster already has it: the one rule behind "skip the clusters
//! that hold the package" in the plan, the dashboard's column and `ontop packages`.
//!
//! Two namings are read:
//! - dotted: `ontap-9.16.1P3-image.tgz`, `9.16.1P3_q_image.tgz`: the version as written;
//! - compact: `97_q_image.tgz` (9.7), `9161P3_q_image.tgz` (9.16.1P3),
//!   `9101P15_q_image.tgz` (9.10.1P15), `98P16_q_nodar_image.tgz` (9.8P16): a major
//!   digit, then the minor (two digits when three follow the major), then the micro.
//!
//! Anything else (firmware, an unusual name) gives no version, and a URL whose version
//! cannot be read is never skipped on a guess.

use crate::ontap::Package;

/// Why a cluster needs no download of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holding {
    /// The cluster already runs this release.
    Runs(String),
    /// The release is in the cluster's package repository.
    Holds(String),
}

impl Holding {}

/// The ONTAP release a package URL (or file name) holds, when its name says.
pub(crate) fn image_version(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let file = path.rsplit('/').next().unwrap_or(path);
    let lower = file.to_ascii_lowercase();
    let stem = lower
        .strip_suffix(".tgz")
        .or_else(|| lower.strip_suffix(".tar.gz"))?;
    if !stem.contains("image") {
        return None;
    }
    dotted(stem).or_else(|| compact(stem))
}

/// `9.16.1P3` anywhere in the name, delimited by non-alphanumerics.
fn dotted(stem: &str) -> Option<String> {
    stem.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .find(|part| {
            let numeric = part.split('.').next().unwrap_or("");
            part.contains('.') && !numeric.is_empty() && numeric.chars().all(|c| c.is_ascii_digit())
        })
        .map(|v| release_case(v.trim_end_matches('.')))
}

/// `9161P3_q_image`: digits, an optional `P<n>`, then `_`.
fn compact(stem: &str) -> Option<String> {
    let head = stem.split('_').next()?;
    let digits: String = head.chars().take_while(char::is_ascii_digit).collect();
    let suffix = &head[digits.len()..];
    let patch_ok = suffix.is_empty()
        || (suffix.starts_with(['p', 'r', 'd'])
            && suffix[1..].chars().all(|c| c.is_ascii_alphanumeric()));
    if !patch_ok || !(2..=4).contains(&digits.len()) {
        return None;
    }
    let (major, rest) = digits.split_at(1);
    let numbers = match rest.len() {
        1 => format!("{major}.{rest}"),
        2 => format!("{major}.{}.{}", &rest[..1], &rest[1..]),
        _ => format!("{major}.{}.{}", &rest[..2], &rest[2..]),
    };
    Some(release_case(&format!("{numbers}{suffix}")))
}

/// Letters of a release upper case, as ONTAP writes them (`9.16.1P3`, `9.17.1RC1`).
fn release_case(version: &str) -> String {
    version.to_ascii_uppercase()
}

/// Whether a cluster running `running` with `packages` (when known) already has
/// `version`. Unknown package lists say nothing, so only the running release counts.
pub(crate) fn holding(
    version: &str,
    running: Option<&str>,
    packages: Option<&[Package]>,
) -> Option<Holding> {
    let same = |other: &str| other.eq_ignore_ascii_case(version);
    if running.is_some_and(same) {
        return Some(Holding::Runs(version.to_owned()));
    }
    let held = packages?
        .iter()
        .filter_map(|p| p.version.as_deref())
        .any(same);
    held.then(|| Holding::Holds(version.to_owned()))
}

/// Whether `text` can be a package version: ONTAP's are letters, digits and dots
/// (`9.16.1P3`), and never a `.` or `..` that a URL would read as a path step.
pub(crate) fn is_version(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text.chars().any(|c| c.is_ascii_alphanumeric())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_both_namings() {
        let cases = [
            ("http://repo/ontap/97_q_image.tgz", Some("9.7")),
            ("https://repo/9161P3_q_image.tgz?token=x", Some("9.16.1P3")),
            ("ftp://repo/9101P15_q_image.tgz", Some("9.10.1P15")),
            ("98P16_q_nodar_image.tgz", Some("9.8P16")),
            ("991_q_image.tgz", Some("9.9.1")),
            ("http://repo/ontap-9.16.1P3-image.tgz", Some("9.16.1P3")),
            ("9.17.1rc1_q_image.tgz", Some("9.17.1RC1")),
            ("http://repo/disk_fw/X123_firmware.zip", None),
            ("http://repo/shelf_fw.tgz", None),
            ("http://repo/image.tgz", None),
            ("http://repo/97_q_image.zip", None),
        ];
        for (url, want) in cases {
            assert_eq!(image_version(url).as_deref(), want, "{url}");
        }
    }

    #[test]
    fn a_cluster_has_a_release_it_runs_or_holds() {
        let packages = vec![Package {
            version: Some("9.16.1P3".into()),
            create_time: None,
        }];
        assert_eq!(
            holding("9.16.1p3", Some("9.15.1P7"), Some(&packages)),
            Some(Holding::Holds("9.16.1p3".into()))
        );
        assert_eq!(
            holding("9.15.1P7", Some("9.15.1P7"), None),
            Some(Holding::Runs("9.15.1P7".into()))
        );
        assert_eq!(holding("9.17.1", Some("9.15.1P7"), Some(&packages)), None);
        assert_eq!(
            holding("9.17.1", None, None),
            None,
            "nothing known, no guess"
        );
    }
}
