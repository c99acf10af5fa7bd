//! The ONTAP codes and texts the simulator answers with, in one place.
//!
//! Numbers and wording follow the vendor's tables for `/cluster/software/download`
//! and `/cluster/software/packages/{version}` (`docs/ontap-api.md`, POST error codes
//! and package delete). A few codes the vendor does not document for these endpoints
//! are marked as the sim's choice.

/// The codes of validating a release and starting an update.
pub(crate) mod software;

/// Download state `not_started`: "Package download has not started."
pub(crate) const NOT_STARTED: u64 = 10551384;
/// Download state `running`: "Package download is still running."
pub(crate) const STILL_RUNNING: u64 = 10551382;
/// POST refused: a file with the same name is already in the package repository.
pub(crate) const SAME_NAME: u64 = 10551327;
/// POST refused: a download is already running on this cluster.
pub(crate) const IN_PROGRESS: u64 = 10551357;
/// The download ran longer than the time limit.
pub(crate) const TIME_LIMIT: u64 = 10551383;
/// POST refused: that firmware file is already on the cluster.
pub(crate) const FIRMWARE_PRESENT: u64 = 10551496;
/// DELETE refused: the repository holds no package at all.
pub(crate) const STORE_EMPTY: u64 = 10551315;
/// DELETE refused: the repository holds no package of that version.
pub(crate) const NO_PACKAGE: u64 = 10551325;
/// DELETE refused: a validation is in progress (the `validating` fault).
pub(crate) const VALIDATING: u64 = 10551346;
/// DELETE refused: an update is in progress (the `updating` fault).
pub(crate) const UPDATING: u64 = 10551347;
/// DELETE refused: a package synchronisation is in progress (the `syncing` fault), or
/// another delete still runs (the sim's choice).
pub(crate) const SYNCING: u64 = 10551367;
/// A delete job failed: the delete ran out of time (the `deletetimeout` fault).
pub(crate) const DELETE_TIMEOUT: u64 = 10551388;
/// DELETE refused: the package is the version the cluster runs. ONTAP documents the
/// refusal but no code for it; the sim answers with its generic request-error code.
pub(crate) const PACKAGE_IN_USE: u64 = 2;
/// The package could not be fetched from its URL.
pub(crate) const INVALID_URL: u64 = 10551885;
/// POST refused: the URL does not parse.
pub(crate) const URL_SYNTAX: u64 = 39387137;
/// POST refused: the URL scheme is not one ONTAP fetches from.
pub(crate) const URL_SCHEME: u64 = 39387138;

/// Envelope code for a query parameter with a bad value (e.g. `return_timeout=121`).
pub(crate) const BAD_VALUE: &str = "262197";
/// Envelope code for an argument the endpoint does not take.
pub(crate) const UNEXPECTED_ARGUMENT: &str = "262179";
/// Envelope code for a missing required field (the sim's choice).
pub(crate) const MISSING_FIELD: &str = "262186";
/// Envelope code for "entry doesn't exist" (404).
pub(crate) const NOT_FOUND: &str = "4";
/// Envelope code for other request errors: unreadable body, wrong method (the sim's choice).
pub(crate) const GENERIC: &str = "2";
/// Envelope code for the `http500` fault (the sim's choice).
pub(crate) const INTERNAL: &str = "1";

/// Message of a download that has not started.
pub(crate) const NOT_STARTED_MSG: &str = "Package download has not started.";
/// Message of a running download (the vendor example's wording).
pub(crate) const RUNNING_MSG: &str = "Package download in progress";
/// Message of a download that completed.
pub(crate) const SUCCESS_MSG: &str = "Package download completed.";
/// Message of a download that ran out of time.
pub(crate) const TIME_LIMIT_MSG: &str = "Operation took longer than the maximum 1 hour time limit.";
/// Message of a POST while a download runs. Ansible matches the first sentence.
pub(crate) const IN_PROGRESS_MSG: &str = "Software get operation already in progress. \
     Cannot perform an update when a previous update is still in progress.";
/// Message of a POST for a file name that is already present. Ansible matches this text.
pub(crate) const SAME_NAME_MSG: &str = "Package image with the same name already exists.";
/// Message of a POST for a firmware file that is already present.
pub(crate) const FIRMWARE_PRESENT_MSG: &str =
    "The firmware file is already present on the cluster.";
/// Message of a DELETE on an empty repository.
pub(crate) const STORE_EMPTY_MSG: &str = "The repository does not contain any packages.";
/// Message of a DELETE for a version the repository does not hold.
pub(crate) const NO_PACKAGE_MSG: &str =
    "The required package could not be found in the repository.";
/// Message of a DELETE while a validation runs.
pub(crate) const VALIDATING_MSG: &str = "Package delete failed since a validation is in progress.";
/// Message of a DELETE while an update runs.
pub(crate) const UPDATING_MSG: &str = "Package delete failed since an update is in progress.";
/// Message of a DELETE while the repository is busy.
pub(crate) const SYNCING_MSG: &str =
    "A package synchronization is in progress. Retry the operation later.";
/// Message of a delete job that ran out of time.
pub(crate) const DELETE_TIMEOUT_MSG: &str = "Package delete operation timed out.";
/// Message of a delete job while it runs.
pub(crate) const DELETING_MSG: &str = "Package delete in progress";
/// Message of a POST with a URL that does not parse.
pub(crate) const URL_SYNTAX_MSG: &str = "Invalid URL syntax was provided. Retry with a valid URL.";
/// Message of a POST with a URL scheme ONTAP does not fetch from.
pub(crate) const URL_SCHEME_MSG: &str =
    "Unsupported URL scheme provided. Retry with one of FILE://, FTP://, or HTTPS://.";

/// The failure message for a package that could not be fetched, naming why.
pub(crate) fn invalid_url_msg(reason: &str) -> String {
    format!("Package download failed due to invalid url: {reason}")
}

/// The refusal of a DELETE for the package of the running version.
pub(crate) fn package_in_use_msg(version: &str) -> String {
    format!("Cannot delete package \"{version}\": it is the version the cluster runs.")
}

// Upload (`POST /api/cluster/software/upload`, 9.8 and later): the vendor's table, in the
// sim's own words.

/// An upload's job failed: the image could not be processed (the sim: an empty file).
pub(crate) const PROCESS_FAILED: u64 = 10551359;
/// An upload ran longer than the time limit.
pub(crate) const UPLOAD_TIME_LIMIT: u64 = 10551373;
/// Upload refused: file upload is switched off on the cluster (the `upload-disabled` fault).
pub(crate) const UPLOAD_DISABLED: u64 = 10551798;
/// Upload refused: the file name is longer than the cluster takes.
pub(crate) const NAME_TOO_LONG: u64 = 10551799;
/// Upload refused: no room in the upload directory (the `nospace` fault).
pub(crate) const NO_SPACE: u64 = 10551804;
/// Upload refused: the request carries more than one file.
pub(crate) const MANY_FILES: u64 = 10551807;
/// Upload refused: the request is not `multipart/form-data` with a part named `file`.
pub(crate) const NOT_MULTIPART: u64 = 10551808;

/// Message of an upload job whose image could not be processed.
pub(crate) const PROCESS_FAILED_MSG: &str = "Internal error. Failed to process the package after \
     download completed. Try uploading the file again or contact technical support for \
     assistance.";
/// Message of an upload job while the image is processed.
pub(crate) const PROCESSING_MSG: &str = "Package upload processing";
/// Message of an upload refused for switched-off uploads.
pub(crate) const UPLOAD_DISABLED_MSG: &str = "File upload is disabled. Enable file upload by \
     setting \"ApacheUploadEnabled 1\" in the web services configuration file or contact \
     technical support for assistance.";
/// Message of an upload refused for a long file name.
pub(crate) const NAME_TOO_LONG_MSG: &str =
    "The requested filename exceeds the maximum length of 255 characters.";
/// Message of an upload refused for want of room.
pub(crate) const NO_SPACE_MSG: &str =
    "Not enough space available in the upload directory to store the file.";
/// Message of an upload with more than one file.
pub(crate) const MANY_FILES_MSG: &str = "Only one file can be uploaded at a time.";
/// Message of an upload that is not multipart/form-data with a `file` part.
pub(crate) const NOT_MULTIPART_MSG: &str =
    "The request must be multipart/form-data with one file in a part named \"file\".";
