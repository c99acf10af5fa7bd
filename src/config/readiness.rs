//! The `[validate]` table: how validation results become a verdict. `ignore` lowers the
//! checks a team has reviewed to notes (shown, not counted); `max_age` is how long a
//! validation stays current before it reads `stale`.

use std::time::Duration;

use config::Value;
use config::ValueKind;

use super::schema::{Layer, Reader, Scope};

/// The check ONTAP raises on nearly every cluster (it points to the Upgrade Advisor plan
/// and the upgrade documentation's manual checks): a note unless the config says else.
pub(crate) const MANUAL_CHECKS: &str = "Manual checks";
/// How long a validation stays current unless `max_age` says.
pub(super) const DEFAULT_MAX_AGE: Duration = Duration::from_secs(24 * 3600);
/// `max_age` may be from a minute to thirty days.
pub(super) const MAX_AGE_RANGE: (Duration, Duration) =
    (Duration::from_secs(60), Duration::from_secs(30 * 24 * 3600));
/// The most checks `ignore` may name: ONTAP has a few dozen.
const MAX_IGNORED: usize = 64;

/// How results are judged; see the module docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidateSettings {
    /// Check names (`update_check`) that are notes, compared without regard to case.
    pub ignore: Vec<String>,
    pub max_age: Duration,
}

impl Default for ValidateSettings {
    fn default() -> Self {
        Self {
            ignore: vec![MANUAL_CHECKS.to_string()],
            max_age: DEFAULT_MAX_AGE,
        }
    }
}

impl ValidateSettings {
    /// Whether the check called `name` is a note, not a warning or an error.
    pub(crate) fn ignores(&self, name: &str) -> bool {
        self.ignore
            .iter()
            .any(|i| i.eq_ignore_ascii_case(name.trim()))
    }
}

/// `[validate]`, read (problems went to the reader).
pub(super) fn settings(layer: Layer) -> ValidateSettings {
    let defaults = ValidateSettings::default();
    ValidateSettings {
        ignore: layer.ignore.unwrap_or(defaults.ignore),
        max_age: layer.max_age.unwrap_or(defaults.max_age),
    }
}

/// `ignore = ["Manual checks", "NFS mounts"]`: a list of check names (`[]` counts every
/// finding).
pub(super) fn ignore(reader: &mut Reader, scope: &Scope, value: &Value, layer: &mut Layer) {
    // A list that cannot be read ignores nothing (a problem says why).
    layer.ignore = Some(ignore_list(reader, scope, value).unwrap_or_default());
}

fn ignore_list(reader: &mut Reader, scope: &Scope, value: &Value) -> Option<Vec<String>> {
    let fix = "write it as a list of check names, e.g. ignore = [\"Manual checks\"] ([] counts every finding)";
    let ValueKind::Array(items) = &value.kind else {
        let message = format!(
            "expected a list of check names, found {}",
            super::values::kind(value)
        );
        reader.problem(scope, "ignore", message, fix);
        return None;
    };
    if items.len() > MAX_IGNORED {
        let message = format!("{} names (at most {MAX_IGNORED})", items.len());
        reader.problem(scope, "ignore", message, fix);
        return None;
    }
    let mut names = Vec::with_capacity(items.len());
    for item in items {
        names.push(reader.text(scope, "ignore", item)?.trim().to_string());
    }
    Some(names)
}
