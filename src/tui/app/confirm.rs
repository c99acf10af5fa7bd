//! The confirmation after the form: which clusters the download goes to, which running
//! downloads are followed as they are, which are skipped and why, the URL (credentials
//! masked) and the server user; with site mirrors, the targets grouped by the URL each
//! fetches. For an upload: the file, its size and SHA-256. Nothing is sent until `y`;
//! with nothing to do, `y` is not offered at all.

use std::sync::Arc;

use super::AppCommand;
use super::upload::UploadRequest;
use crate::download::{DownloadSpec, Plan};
use crate::engine::upload::UploadSource;

/// The dialog's content: the validated request and the plan made from the model.
#[derive(Debug)]
pub struct Confirmation {
    offer: Offer,
    plan: Plan,
    /// Marked clusters the filter hides, counted in the plan too, so the dialog says so.
    hidden: usize,
    /// Lines scrolled down (a long list of targets and skips).
    pub(super) scroll: usize,
}

/// What a confirmation offers to send.
#[derive(Debug)]
pub(crate) enum Offer {
    /// A URL for the clusters to fetch; `groups` are the targets by the (masked) URL
    /// each fetches (its site's mirror, else the URL as given), when they differ from
    /// the URL as given.
    Download {
        spec: DownloadSpec,
        groups: Vec<(String, Vec<String>)>,
    },
    /// An image read on this host; `checked`: its SHA-256 matched the one given.
    Upload {
        source: Arc<UploadSource>,
        checked: bool,
    },
}

impl Confirmation {
    /// A confirmation of `spec` over `plan`, of which `hidden` clusters are not shown
    /// by the filter.
    pub(crate) fn new(spec: DownloadSpec, plan: Plan, hidden: usize) -> Self {
        let groups = Vec::new();
        Self {
            offer: Offer::Download { spec, groups },
            plan,
            hidden,
            scroll: 0,
        }
    }

    /// A confirmation of sending `source` (read on this host) over `plan`.
    pub(crate) fn upload(
        source: Arc<UploadSource>,
        checked: bool,
        plan: Plan,
        hidden: usize,
    ) -> Self {
        Self {
            offer: Offer::Upload { source, checked },
            plan,
            hidden,
            scroll: 0,
        }
    }

    /// The same confirmation, its targets grouped by the URL each fetches (when site
    /// mirrors make them differ).
    pub(crate) fn with_groups(mut self, by_source: Vec<(String, Vec<String>)>) -> Self {
        if let Offer::Download { spec, groups } = &mut self.offer
            && by_source.iter().any(|(url, _)| *url != spec.masked_url())
        {
            *groups = by_source;
        }
        self
    }

    /// What is offered: a URL to fetch, or an image to send.
    pub(crate) fn offer(&self) -> &Offer {
        &self.offer
    }

    /// What will be downloaded (show only its masked URL); `None` for an upload.
    pub(crate) fn spec(&self) -> Option<&DownloadSpec> {
        match &self.offer {
            Offer::Download { spec, .. } => Some(spec),
            Offer::Upload { .. } => None,
        }
    }

    /// The targets, the attaches and the skipped clusters, with their reasons.
    pub(crate) fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Chosen clusters the filter hides.
    pub(crate) fn hidden(&self) -> usize {
        self.hidden
    }

    /// True when no chosen cluster takes the download and none is newly followed: the
    /// dialog offers only to cancel.
    pub(crate) fn nothing_to_start(&self) -> bool {
        self.plan.is_empty()
    }

    /// Whether some chosen cluster is skipped because it runs or holds the release
    /// already (`f` then offers to download there anyway).
    pub(crate) fn skips_holders(&self) -> bool {
        (self.plan.skipped.iter())
            .any(|s| matches!(s.reason, crate::download::SkipReason::AlreadyThere(_)))
    }

    /// Every chosen cluster, whatever the plan made of it (config order).
    pub(crate) fn chosen(&self) -> Vec<usize> {
        let plan = &self.plan;
        let mut chosen: Vec<usize> = plan.targets.iter().map(|t| t.cluster).collect();
        chosen.extend(plan.attach.iter().map(|t| t.cluster));
        chosen.extend(plan.skipped.iter().map(|s| s.cluster));
        chosen.sort_unstable();
        chosen
    }

    /// The same request with a new plan (after `f`).
    pub(crate) fn replanned(self, plan: Plan) -> Self {
        Self { plan, ..self }
    }

    /// What `y` hands to the event loop; `None` when there is nothing to do.
    pub(crate) fn into_command(self) -> Option<AppCommand> {
        if self.nothing_to_start() {
            return None;
        }
        let plan = self.plan;
        Some(match self.offer {
            Offer::Download { spec, .. } => AppCommand::StartDownloads(StartRequest { plan, spec }),
            Offer::Upload { source, .. } => {
                AppCommand::StartUploads(UploadRequest { plan, source })
            }
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
