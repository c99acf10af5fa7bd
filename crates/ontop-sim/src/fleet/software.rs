//! [`SimFleet`] and `/api/cluster/software`: putting a cluster in a maintenance window
//! (for the scenarios), and steering validations and updates (for tests).

use std::time::Duration;

use super::{SimFleet, refused};
#[cfg(any(test, feature = "testing"))]
use crate::cluster::UpdateAt;
use crate::cluster::{Outcome, version_from_file};
use crate::scenario::Setup;
use crate::validation;
use crate::{DEFAULT_PACKAGE, SimError};

/// How long ago a window cluster's validation ended: well inside the validation's
/// default maximum age.
const VALIDATED_AGO: Duration = Duration::from_secs(10 * 60);

impl SimFleet {
    /// A cluster in a maintenance window: two HA pairs, [`DEFAULT_PACKAGE`] downloaded
    /// and validated (with `outcome`: the usual warning only, unless the cluster's fault
    /// says otherwise) and, for `Setup::Updating`, its update.
    pub(super) fn set_up_window(
        &self,
        cluster: &str,
        setup: Setup,
        outcome: validation::Outcome,
    ) -> Result<(), SimError> {
        let c = &self.endpoint(cluster)?.cluster;
        c.set_nodes(4);
        c.settle_download(&self.package_url(DEFAULT_PACKAGE), Outcome::Success)
            .map_err(refused)?;
        let version = version_from_file(DEFAULT_PACKAGE);
        c.put_validation(&version, outcome, VALIDATED_AGO);
        if let Setup::Updating(at) = setup {
            c.put_update(&version, at);
        }
        Ok(())
    }
}

/// Steering helpers for tests: they reach into a cluster's books instead of waiting for
/// time to pass. Nothing here is needed to run a scenario.
#[cfg(any(test, feature = "testing"))]
impl SimFleet {
    /// Starts a validation of `version`, exactly as `PATCH ?validate_only=true` would
    /// (same refusals); returns the job uuid. Its outcome follows the cluster's fault.
    pub fn start_validation(&self, cluster: &str, version: &str) -> Result<String, SimError> {
        let endpoint = self.endpoint(cluster)?;
        let _runtime = self.runtime.enter();
        endpoint.cluster.start_validation(version).map_err(refused)
    }

    /// Ends the cluster's running validation now and shows its results at once (also
    /// those of a validation whose results were still held back).
    pub fn finish_validations(&self, cluster: &str) {
        if let Ok(endpoint) = self.endpoint(cluster) {
            endpoint.cluster.finish_validations();
        }
    }

    /// Makes the cluster's last validation older by `by`: past the maximum age, an update
    /// start is refused with 10551719.
    pub fn age_validation(&self, cluster: &str, by: Duration) {
        if let Ok(endpoint) = self.endpoint(cluster) {
            endpoint.cluster.age_validation(by);
        }
    }

    /// Puts an update to `version` on the cluster at `at`, without any check (no package
    /// or validation needed): a cluster mid-window at once.
    pub fn put_update(&self, cluster: &str, version: &str, at: UpdateAt) -> Result<(), SimError> {
        self.endpoint(cluster)?.cluster.put_update(version, at);
        Ok(())
    }

    /// Moves the cluster's update on by `by` of simulated time (an update's clock runs
    /// `SoftwareTiming::update_pace` times faster than the real one; a halt stops it).
    pub fn advance_update(&self, cluster: &str, by: Duration) {
        if let Ok(endpoint) = self.endpoint(cluster) {
            endpoint.cluster.advance_update(by);
        }
    }

    /// Gives the cluster `count` nodes (two by default, four in a window), named
    /// `NAME-01` .. `NAME-nn`.
    pub fn set_node_count(&self, cluster: &str, count: usize) -> Result<(), SimError> {
        self.endpoint(cluster)?.cluster.set_nodes(count);
        Ok(())
    }
}
