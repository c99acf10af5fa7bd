//! What a package URL and its file name say: a URL ONTAP takes, an ONTAP image or
//! firmware, and which version.
//!
//! A real cluster reads the version from inside the image; the sim has only the name
//! (`docs/ontap-api.md#package-names`). It reads an explicit dotted version
//! (`ontap-9.16.1P3-image.tgz`), then NetApp's compact names (`9161P3_q_image.tgz`),
//! and otherwise lists the stem.

use super::{Refusal, codes};

/// The endings of an ONTAP image; any other file is firmware (disk, shelf, SP).
const IMAGE_ENDINGS: [&str; 2] = [".tgz", ".tar.gz"];

/// True when `file` is an ONTAP image, which joins the package repository; firmware
/// files (`all.zip`, `*.LOD`, ...) never do.
pub(crate) fn is_image(file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    IMAGE_ENDINGS.iter().any(|end| lower.ends_with(end))
}

/// The version an image holds, as `/cluster/software/packages` lists it:
/// `ontap-9.16.1P3-image.tgz` -> `9.16.1P3`, `97_q_image.tgz` -> `9.7`; a name with
/// neither form gives its stem.
pub(crate) fn version_from_file(file: &str) -> String {
    let stem = strip_ending(file);
    if let Some(dotted) = stem
        .split(['-', '_'])
        .find(|part| part.starts_with(|c: char| c.is_ascii_digit()) && part.contains('.'))
    {
        return dotted.to_string();
    }
    compact_version(stem).unwrap_or_else(|| stem.to_string())
}

fn strip_ending(file: &str) -> &str {
    for ext in [".tar.gz", ".tgz", ".zip", ".tar", ".gz", ".bin"] {
        if file.len() > ext.len() && file.to_ascii_lowercase().ends_with(ext) {
            return &file[..file.len() - ext.len()];
        }
    }
    file
}

/// NetApp's download names: `<compact>_q_image`, `<compact>_q_nodar_image`, where the
/// compact version drops the dots: `97` 9.7, `991` 9.9.1, `9161P3` 9.16.1P3, `824`
/// 8.2.4. Two digits are generation and major, three add a one-digit minor, four have
/// a two-digit major (releases 9.10 and later).
fn compact_version(stem: &str) -> Option<String> {
    let mut parts = stem.split('_');
    let compact = parts.next()?;
    if parts.next() != Some("q") || parts.next_back() != Some("image") {
        return None;
    }
    let (digits, patch) = match compact.split_once(['P', 'p']) {
        Some((digits, patch)) => (digits, Some(patch)),
        None => (compact, None),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit())
        || patch.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let d = digits;
    let dotted = match d.len() {
        2 => format!("{}.{}", &d[..1], &d[1..]),
        3 => format!("{}.{}.{}", &d[..1], &d[1..2], &d[2..]),
        4 => format!("{}.{}.{}", &d[..1], &d[1..3], &d[3..]),
        _ => return None,
    };
    Some(match patch {
        Some(p) => format!("{dotted}P{p}"),
        None => dotted,
    })
}

/// Parses a package URL the way the POST does: 39387137 for bad syntax, 39387138
/// for a scheme other than http, https, ftp or file.
pub(crate) fn parse_url(raw: &str) -> Result<reqwest::Url, Refusal> {
    let syntax = || (codes::URL_SYNTAX, codes::URL_SYNTAX_MSG.to_string());
    let url = reqwest::Url::parse(raw.trim()).map_err(|_| syntax())?;
    if !matches!(url.scheme(), "http" | "https" | "ftp" | "file") {
        return Err((codes::URL_SCHEME, codes::URL_SCHEME_MSG.to_string()));
    }
    if url.scheme() != "file" && url.host_str().is_none_or(str::is_empty) {
        return Err(syntax());
    }
    if file_name(&url).is_none() {
        return Err(syntax());
    }
    Ok(url)
}

/// The package file name: the last path segment of the URL.
pub(super) fn file_name(url: &reqwest::Url) -> Option<String> {
    let last = url.path_segments()?.next_back()?;
    (!last.is_empty()).then(|| last.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_like_ontap() {
        assert_eq!(parse_url("not a url").unwrap_err().0, codes::URL_SYNTAX);
        assert_eq!(
            parse_url("gopher://x/y.tgz").unwrap_err().0,
            codes::URL_SCHEME
        );
        assert_eq!(parse_url("http://x/").unwrap_err().0, codes::URL_SYNTAX);
        assert!(parse_url("ftp://x/y.tgz").is_ok());
        assert!(parse_url("file:///tmp/y.tgz").is_ok());
    }

    #[test]
    fn dotted_versions_are_read_as_written() {
        assert_eq!(version_from_file("ontap-9.16.1P3-image.tgz"), "9.16.1P3");
        assert_eq!(version_from_file("9.17.1_image.tar.gz"), "9.17.1");
        let oem = "lnvgy_fw_storage_ontap.nonencrypted-9.8P3_anyos_noarch.tgz";
        assert_eq!(version_from_file(oem), "9.8P3");
    }

    #[test]
    fn compact_names_become_dotted_versions() {
        assert_eq!(version_from_file("97_q_image.tgz"), "9.7");
        assert_eq!(version_from_file("96P3_q_image.tgz"), "9.6P3");
        assert_eq!(version_from_file("991_q_image.tgz"), "9.9.1");
        assert_eq!(version_from_file("9101P15_q_image.tgz"), "9.10.1P15");
        assert_eq!(version_from_file("9161P3_q_image.tgz"), "9.16.1P3");
        assert_eq!(version_from_file("9171_q_image.tgz"), "9.17.1");
        assert_eq!(version_from_file("824_q_image.tgz"), "8.2.4");
        assert_eq!(version_from_file("98P16_q_nodar_image.tgz"), "9.8P16");
    }

    #[test]
    fn other_names_give_their_stem() {
        assert_eq!(version_from_file("image.tgz"), "image");
        assert_eq!(version_from_file("97_image.tgz"), "97_image");
        assert_eq!(version_from_file("91111_q_image.tgz"), "91111_q_image");
        assert_eq!(version_from_file("97P_q_image.tgz"), "97P_q_image");
    }

    #[test]
    fn only_tgz_files_are_images() {
        assert!(is_image("ontap-9.16.1P3-image.tgz"));
        assert!(is_image("97_q_image.TGZ"));
        assert!(is_image("9.17.1_image.tar.gz"));
        assert!(!is_image("all.zip"));
        assert!(!is_image("X447_S163A1T9ATE.NA51.LOD"));
        assert!(!is_image("qual_devices.zip"));
    }
}
