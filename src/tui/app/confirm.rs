//! The confirmation after the form: which clusters the download goes to, which are
//! skipped and why, the URL (credentials masked) and the server user. Nothing is sent
//! until `y`; with no target left, `y` is not offered at all.

use crate::download::{DownloadSpec, Plan, SkipReason};

/// The dialog's content: the validated request and the plan made from the model.
#[derive(Debug)]
pub struct Confirmation {
    spec: DownloadSpec,
    plan: Plan,
}

impl Confirmation {
    /// A confirmation of `spec` over `plan`.
    pub fn new(spec: DownloadSpec, plan: Plan) -> Self {
        Self { spec, plan }
    }

    /// What will be downloaded (show only its masked URL).
    pub fn spec(&self) -> &DownloadSpec {
        &self.spec
    }

    /// The targets and the skipped clusters, with their reasons.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// True when no chosen cluster takes the download and none is already downloading
    /// (which `y` would follow): the dialog offers only to cancel.
    pub fn nothing_to_start(&self) -> bool {
        self.plan.targets.is_empty() && self.attached().next().is_none()
    }

    /// Chosen clusters that already download: `y` follows them without a request.
    fn attached(&self) -> impl Iterator<Item = usize> + '_ {
        self.plan
            .skipped
            .iter()
            .filter(|(_, _, reason)| *reason == SkipReason::AlreadyDownloading)
            .map(|(i, _, _)| *i)
    }

    /// What `y` hands to the event loop; `None` when there is nothing to start.
    pub fn into_request(self) -> Option<StartRequest> {
        if self.nothing_to_start() {
            return None;
        }
        let attach = self.attached().collect();
        Some(StartRequest {
            targets: self.plan.targets.into_iter().map(|(i, _)| i).collect(),
            attach,
            spec: self.spec,
        })
    }
}

/// A confirmed download: start `spec` on `targets` (indices in config order).
#[derive(Debug, Clone)]
pub struct StartRequest {
    pub targets: Vec<usize>,
    /// Already downloading: followed to their end, no request sent.
    pub attach: Vec<usize>,
    pub spec: DownloadSpec,
}

/// Requests compare by targets, masked URL and server user. The password is left out so
/// that comparing (in tests) never needs to read it.
impl PartialEq for StartRequest {
    fn eq(&self, other: &Self) -> bool {
        self.targets == other.targets
            && self.attach == other.attach
            && self.spec.masked_url() == other.spec.masked_url()
            && self.spec.username == other.spec.username
    }
}

impl Eq for StartRequest {}
