//! The confirmation after the form: which clusters the download goes to, which running
//! downloads are followed as they are, which are skipped and why, the URL (credentials
//! masked) and the server user. Nothing is sent until `y`; with nothing to do, `y` is
//! not offered at all.

use crate::download::{DownloadSpec, Plan};

/// The dialog's content: the validated request and the plan made from the model.
#[derive(Debug)]
pub struct Confirmation {
    spec: DownloadSpec,
    plan: Plan,
    /// Marked clusters the filter hides, counted in the plan too, so the dialog says so.
    hidden: usize,
}

impl Confirmation {
    /// A confirmation of `spec` over `plan`, of which `hidden` clusters are not shown
    /// by the filter.
    pub fn new(spec: DownloadSpec, plan: Plan, hidden: usize) -> Self {
        Self { spec, plan, hidden }
    }

    /// What will be downloaded (show only its masked URL).
    pub fn spec(&self) -> &DownloadSpec {
        &self.spec
    }

    /// The targets, the attaches and the skipped clusters, with their reasons.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Chosen clusters the filter hides.
    pub fn hidden(&self) -> usize {
        self.hidden
    }

    /// True when no chosen cluster takes the download and none is newly followed: the
    /// dialog offers only to cancel.
    pub fn nothing_to_start(&self) -> bool {
        self.plan.is_empty()
    }

    /// Whether some chosen cluster is skipped because it runs or holds the release
    /// already (`f` then offers to download there anyway).
    pub fn skips_holders(&self) -> bool {
        self.plan
            .skipped
            .iter()
            .any(|(_, _, r)| matches!(r, crate::download::SkipReason::AlreadyThere(_)))
    }

    /// Every chosen cluster, whatever the plan made of it (config order).
    pub fn chosen(&self) -> Vec<usize> {
        let plan = &self.plan;
        let mut chosen: Vec<usize> = plan.targets.iter().map(|(i, _)| *i).collect();
        chosen.extend(plan.attach.iter().map(|(i, _)| *i));
        chosen.extend(plan.skipped.iter().map(|(i, _, _)| *i));
        chosen.sort_unstable();
        chosen
    }

    /// The same request with a new plan (after `f`).
    pub fn replanned(self, plan: Plan) -> Self {
        Self { plan, ..self }
    }

    /// What `y` hands to the event loop; `None` when there is nothing to do.
    pub fn into_request(self) -> Option<StartRequest> {
        (!self.nothing_to_start()).then_some(StartRequest {
            plan: self.plan,
            spec: self.spec,
        })
    }
}

/// A confirmed download: `spec` as `plan` says (indices in config order).
#[derive(Debug, Clone)]
pub struct StartRequest {
    pub plan: Plan,
    pub spec: DownloadSpec,
}

/// Requests compare by plan, masked URL and server user. The password is left out so
/// that comparing (in tests) never needs to read it.
impl PartialEq for StartRequest {
    fn eq(&self, other: &Self) -> bool {
        self.plan == other.plan
            && self.spec.masked_url() == other.spec.masked_url()
            && self.spec.username == other.spec.username
    }
}

impl Eq for StartRequest {}
