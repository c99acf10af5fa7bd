//! The codes and texts of `PATCH /api/cluster/software`: validating a release and
//! starting an update.
//!
//! Numbers from the vendor's tables (`docs/ontap-api.md#validation-and-update`); the
//! wording is the simulator's own. Which request gets which code, and in what order the
//! checks run, is partly the simulator's choice, as that section says.

/// Refused: an update is in progress (the same number as a download POST's conflict).
pub(crate) const UPDATE_RUNNING: u64 = super::IN_PROGRESS;
/// Refused: a validation is already running.
pub(crate) const VALIDATION_RUNNING: u64 = 10551656;
/// Update refused: the last validation gave warnings (and `skip_warnings` was not set).
pub(crate) const VALIDATION_WARNINGS: u64 = 10551395;
/// Update refused: the last validation failed (it reported an error).
pub(crate) const VALIDATION_FAILED: u64 = 10551396;
/// Update refused: the cluster has not been validated.
pub(crate) const VALIDATE_FIRST: u64 = 10551718;
/// Update refused: the last validation is too old.
pub(crate) const VALIDATION_STALE: u64 = 10551719;
/// Update refused: the last validation was for another version.
pub(crate) const VALIDATED_OTHER: u64 = 10551724;
/// Refused: the package of that version is being deleted.
pub(crate) const PACKAGE_DELETING: u64 = 10551354;

/// A status detail's issue when a node's takeover failed during an update (the code of
/// the vendor's status-detail example; which failure it names is the sim's choice).
pub(crate) const TAKEOVER_FAILED: u64 = 10551399;

/// Message of a PATCH while an update runs.
pub(crate) const UPDATE_RUNNING_MSG: &str =
    "Cannot perform an update while a previous update is in progress.";
/// Message of a PATCH while a validation runs.
pub(crate) const VALIDATION_RUNNING_MSG: &str =
    "A validation is already in progress. Wait for it to complete, then retry.";
/// Message of an update refused for warnings.
pub(crate) const VALIDATION_WARNINGS_MSG: &str = "Validation of the cluster reported warnings. \
     Review them in the validation results; to update anyway, retry with skip_warnings set.";
/// Message of an update refused for errors.
pub(crate) const VALIDATION_FAILED_MSG: &str = "Validation of the cluster failed. Correct the \
     errors in the validation results, then validate again.";
/// Message of an update without any validation.
pub(crate) const VALIDATE_FIRST_MSG: &str =
    "The cluster has not been validated for this update. Validate it first (validate_only).";
/// Message of an update after a validation that is too old.
pub(crate) const VALIDATION_STALE_MSG: &str =
    "The validation results are too old. Validate the cluster again, then retry.";
/// Message of a PATCH for a package that is being deleted.
pub(crate) const PACKAGE_DELETING_MSG: &str = "The package is being deleted from the repository.";
/// Message of a running validation job.
pub(crate) const VALIDATING_JOB_MSG: &str = "Validation in progress";
/// Message of a running update job (it ends as soon as the update has started).
pub(crate) const UPDATE_JOB_MSG: &str = "Update in progress";

/// Message of an update after a validation of another version.
pub(crate) fn validated_other_msg(validated: &str, asked: &str) -> String {
    format!(
        "The last validation was for version \"{validated}\", not \"{asked}\". Validate \
         \"{asked}\", then retry."
    )
}
