//! What a simulated validation finds: the checks real clusters report, in their words.
//!
//! ONTAP names its update checks in words ("Manual checks", "NFS mounts", "High
//! Availability status", ...) and raises the "Manual checks" warning on nearly every
//! cluster. A cluster passes with that one warning, unless its fault chooses another
//! outcome (`validation-warning`, `validation-error`); the texts are the simulator's own
//! wording of the kind of thing ONTAP says (`docs/ontap-api.md#validation-and-update`).

use super::fault::Fault;

/// How a validation ends, chosen by the cluster's fault when the validation starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Only the usual "Manual checks" warning.
    Pass,
    /// More warnings: "NFS mounts" and "Cluster/management switch support".
    Warnings,
    /// An error: "High Availability status" (with the usual warning).
    Errors,
}

impl Outcome {
    /// The outcome the fault asks for; every other fault passes.
    pub(crate) fn for_fault(fault: &Fault) -> Outcome {
        match fault {
            Fault::ValidationWarning => Outcome::Warnings,
            Fault::ValidationError => Outcome::Errors,
            _ => Outcome::Pass,
        }
    }
}

/// Whether a check warns or fails, as `validation_results[].status` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Warning,
    Error,
}

impl Status {
    /// The wire spelling.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Warning => "warning",
            Status::Error => "error",
        }
    }
}

/// A text with the numeric code older releases print beside it (9.6, 9.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text {
    pub(crate) code: u64,
    pub(crate) message: String,
}

/// One entry of `validation_results`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Check {
    /// The check's name, e.g. "NFS mounts".
    pub(crate) update_check: &'static str,
    pub(crate) status: Status,
    /// What is wrong.
    pub(crate) issue: Text,
    /// What to do about it.
    pub(crate) action: Text,
}

/// The results of a validation of a cluster whose nodes are `nodes`.
pub(crate) fn results(outcome: Outcome, nodes: &[String]) -> Vec<Check> {
    let mut checks = vec![manual_checks()];
    match outcome {
        Outcome::Pass => {}
        Outcome::Warnings => {
            checks.push(nfs_mounts());
            checks.push(switch_support());
        }
        Outcome::Errors => checks.push(ha_status(nodes)),
    }
    checks
}

/// The counts `(warnings, errors)` of a set of results.
pub(crate) fn counts(checks: &[Check]) -> (usize, usize) {
    let errors = checks.iter().filter(|c| c.status == Status::Error).count();
    (checks.len() - errors, errors)
}

impl Text {
    /// A text and its code.
    pub(crate) fn new(code: u64, message: impl Into<String>) -> Text {
        Text {
            code,
            message: message.into(),
        }
    }
}

fn manual_checks() -> Check {
    Check {
        update_check: "Manual checks",
        status: Status::Warning,
        issue: Text::new(
            170,
            "Manual validation checks need to be performed before the update. See the \
             Upgrade Advisor plan, or the checks to make before an upgrade in the \"Upgrade \
             ONTAP\" documentation. Skipping them can cause an update failure or an I/O \
             disruption.",
        ),
        action: Text::new(
            170,
            "Make the manual checks listed in the Upgrade Advisor plan or in the \"Upgrade \
             ONTAP\" documentation before you update.",
        ),
    }
}

fn nfs_mounts() -> Check {
    Check {
        update_check: "NFS mounts",
        status: Status::Warning,
        issue: Text::new(
            166,
            "Soft NFS mounts were found: their clients can see I/O errors while a node is \
             taken over.",
        ),
        action: Text::new(166, "Use NFS hard mounts where possible."),
    }
}

fn switch_support() -> Check {
    Check {
        update_check: "Cluster/management switch support",
        status: Status::Warning,
        issue: Text::new(
            181,
            "The model or firmware of a cluster or management switch could not be confirmed \
             as supported with the target release.",
        ),
        action: Text::new(
            181,
            "Check the switch models and firmware against the Hardware Universe before you \
             update.",
        ),
    }
}

fn ha_status(nodes: &[String]) -> Check {
    let names: Vec<String> = nodes.iter().map(|n| format!("\"{n}\"")).collect();
    Check {
        update_check: "High Availability status",
        status: Status::Error,
        issue: Text::new(
            158,
            format!(
                "Storage failover is not enabled on node {}.",
                names.join(", ")
            ),
        ),
        action: Text::new(
            158,
            "Enable storage failover, check it with \"storage failover show\", then validate \
             again.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_carries_the_manual_checks_warning() {
        let nodes = ["a-01".to_string(), "a-02".to_string()];
        for outcome in [Outcome::Pass, Outcome::Warnings, Outcome::Errors] {
            let checks = results(outcome, &nodes);
            assert_eq!(checks[0].update_check, "Manual checks");
            assert_eq!(checks[0].status, Status::Warning);
        }
        assert_eq!(counts(&results(Outcome::Pass, &nodes)), (1, 0));
        assert_eq!(counts(&results(Outcome::Warnings, &nodes)), (3, 0));
        let errors = results(Outcome::Errors, &nodes);
        assert_eq!(counts(&errors), (1, 1));
        assert!(errors[1].issue.message.contains("\"a-01\", \"a-02\""));
    }
}
