//! The one table of ONTAP codes ontop knows: what each means, in a few words, and the
//! next step to take. Every view and command that explains a code reads it here.

/// One source of truth for ONTAP codes: what they mean and what to do next.
///
/// Codes are those of `docs/ontap-api.md` (the vendor's tables for the download endpoints, the
/// common REST codes, and the job codes).
const CODE_HINTS: &[(i64, &str, &str)] = &[
    (0, "success", "nothing to do"),
    (
        2,
        "a required field is missing",
        "fix the request; this is a bug in the caller",
    ),
    (
        3,
        "API not found",
        "the cluster's ONTAP release does not offer this endpoint (software download needs 9.6+, its GET 9.7+)",
    ),
    (
        4,
        "entry doesn't exist",
        "the job or object is gone; jobs are deleted about 300 s after they end, so read the download status instead",
    ),
    (
        6,
        "not authorized for that command",
        "give the account a role that allows this REST endpoint (security login rest-role)",
    ),
    (
        262197,
        "value out of range",
        "return_timeout must be between 0 and 120 seconds",
    ),
    (
        10551315,
        "the package repository is empty",
        "nothing to remove: the cluster holds no package (ontop packages lists them)",
    ),
    (
        10551325,
        "no package of that version in the repository",
        "check the version with ontop packages: download it first to validate it, or it is removed already, or spelled differently",
    ),
    (
        10551354,
        "that package is being deleted",
        "wait for the removal to end; download the release again to validate it",
    ),
    (
        10551395,
        "the validation gave warnings",
        "read them (ontop validate VERSION), act on each or accept it, then validate again",
    ),
    (
        10551396,
        "the validation failed",
        "fix each error it names (ontop validate VERSION shows them with their action), then validate again",
    ),
    (
        10551656,
        "a validation is already running",
        "wait for it (a minute or two): its findings then show in the dashboard (READY) and in ontop status --json",
    ),
    (
        10551718,
        "the release was not validated",
        "validate it first: ontop validate VERSION",
    ),
    (
        10551719,
        "the validation results are too old",
        "validate again: ontop validate VERSION",
    ),
    (
        10551724,
        "the last validation was for another release",
        "validate this release: ontop validate VERSION",
    ),
    (
        10551346,
        "refused while a package validation runs",
        "wait for the validation (cluster image show-update-progress), then remove it again",
    ),
    (
        10551347,
        "refused while an update runs",
        "wait for the update to end (cluster image show-update-progress), then remove it again",
    ),
    (
        10551367,
        "a package synchronisation is in progress",
        "the repository is busy (another removal or a sync): try again in a few minutes",
    ),
    (
        10551388,
        "removing the package timed out",
        "the package may still be there: check with ontop packages, then remove it again",
    ),
    (
        10551327,
        "a package with the same name already exists",
        "the package is already on the cluster: use it, or delete it (cluster image package delete) to fetch it again",
    ),
    (
        10551357,
        "a previous update or download is in progress",
        "wait for the running download or update to finish, then follow it instead of starting another",
    ),
    (
        10551359,
        "internal error processing the package after download",
        "check the package is an ONTAP image for this platform, then retry; contact NetApp support if it repeats",
    ),
    (
        10551381,
        "package download failed",
        "check the package server is reachable from the cluster's management LIFs and the URL is right, then retry",
    ),
    (
        10551382,
        "package download is still running",
        "wait: the download is in progress",
    ),
    (
        10551383,
        "operation took longer than the 1 hour limit",
        "the link to the package server is too slow: use a closer server or a faster path, then retry",
    ),
    (
        10551384,
        "download has not started",
        "start a download first",
    ),
    (
        10551391,
        "internal error",
        "retry; if it repeats, collect an AutoSupport and contact NetApp support",
    ),
    (
        10551392,
        "internal error",
        "retry; if it repeats, collect an AutoSupport and contact NetApp support",
    ),
    (
        10551496,
        "firmware file already exists",
        "the firmware is already on the cluster: nothing to download",
    ),
    (
        10551797,
        "failed to check whether file upload is enabled",
        "retry; check the cluster's health (cluster show) first",
    ),
    (
        10551373,
        "the upload took longer than the 1 hour limit",
        "the path from this host to the cluster is too slow for the image: lift --limit-rate, upload from a host nearer the cluster, or give the cluster a URL to fetch",
    ),
    (
        10551798,
        "file upload is switched off on the cluster",
        "give the cluster a URL to fetch the image from (ontop download --url), or have its admin allow uploads",
    ),
    (
        10551799,
        "the file name is too long",
        "rename the image to its usual name (e.g. 9161P3_q_image.tgz), then upload again",
    ),
    (
        10551804,
        "not enough room on the cluster for the image",
        "remove old packages first (ontop packages delete VERSION), then upload again",
    ),
    (
        10551807,
        "more than one file in the upload",
        "send one image at a time; this is a bug in the caller",
    ),
    (
        10551808,
        "the upload is not multipart/form-data with one part named file",
        "fix the request; this is a bug in the caller",
    ),
    (
        10551859,
        "failed to set the nodes that store the image",
        "check that every node is healthy and has free root volume space, then retry",
    ),
    (
        10551885,
        "download failed: invalid or unreachable URL",
        "check the URL, that the file exists on the server, and that the cluster can reach that server",
    ),
    (
        10551892,
        "download failed: a node is unhealthy",
        "fix the unhealthy node (cluster show, system health alert show), then retry",
    ),
    (
        39387137,
        "invalid URL syntax",
        "fix the URL: it must be a full URL such as https://server/path/image.tgz",
    ),
    (
        39387138,
        "unsupported URL scheme",
        "use an http://, https://, ftp:// or file:// URL",
    ),
];

/// Refusals that are not failures: the request changed nothing, and what to do next is
/// the engine's to decide (follow the running download, count the package as there,
/// send again after a while).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conflict {
    /// Another download or update runs (10551357): follow it instead.
    InProgress,
    /// The package (10551327) or firmware file (10551496) is already on the cluster.
    AlreadyPresent,
    /// The cluster is "temporarily locked" while it records a configuration baseline:
    /// nothing was started; the same request may be sent again shortly.
    Locked,
}

/// Codes that mean a [`Conflict`].
const CONFLICT_CODES: &[(i64, Conflict)] = &[
    (10551357, Conflict::InProgress),
    (10551327, Conflict::AlreadyPresent),
    (10551496, Conflict::AlreadyPresent),
];

/// The conflict an ONTAP refusal means, from its code; releases that send another code
/// (or none) are read by the words NetApp's own automation matches on. The one place
/// that reads an error's message to classify it.
pub(crate) fn conflict(code: Option<i64>, message: &str) -> Option<Conflict> {
    if let Some(found) = code.and_then(|c| CONFLICT_CODES.iter().find(|(k, _)| *k == c)) {
        return Some(found.1);
    }
    let message = message.to_ascii_lowercase();
    if message.contains("temporarily locked") {
        Some(Conflict::Locked)
    } else if message.contains("already in progress") {
        Some(Conflict::InProgress)
    } else if message.contains("same name already exists") {
        Some(Conflict::AlreadyPresent)
    } else {
        None
    }
}

/// What a code means, in a few words, when the table knows it.
pub(crate) fn meaning_of_code(code: i64) -> Option<&'static str> {
    CODE_HINTS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, meaning, _)| *meaning)
}

/// The next step for a code, when the table knows it.
pub fn hint_for_code(code: i64) -> Option<&'static str> {
    CODE_HINTS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, _, hint)| *hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_of_the_contract_has_a_hint() {
        for code in [
            4, 6, 262197, 10551327, 10551357, 10551359, 10551381, 10551382, 10551383, 10551384,
            10551391, 10551392, 10551496, 10551797, 10551859, 10551885, 10551892, 39387137,
            39387138, 10551315, 10551325, 10551346, 10551347, 10551367, 10551388, 10551373,
            10551798, 10551799, 10551804, 10551807, 10551808, 10551354, 10551395, 10551396,
            10551656, 10551718, 10551719, 10551724,
        ] {
            assert!(hint_for_code(code).is_some(), "no hint for {code}");
            assert!(meaning_of_code(code).is_some(), "no meaning for {code}");
        }
    }

    #[test]
    fn conflicts_come_from_the_code_and_else_from_the_words() {
        assert_eq!(conflict(Some(10551357), ""), Some(Conflict::InProgress));
        assert_eq!(conflict(Some(10551496), ""), Some(Conflict::AlreadyPresent));
        assert_eq!(
            conflict(Some(1), "The cluster is Temporarily Locked"),
            Some(Conflict::Locked)
        );
        assert_eq!(
            conflict(None, "a download is already in progress"),
            Some(Conflict::InProgress)
        );
        assert_eq!(conflict(Some(10551885), "invalid URL"), None);
    }
}
