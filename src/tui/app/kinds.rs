//! The kinds the dashboard's state is made of: the [`Mode`] (with the state that lives
//! as long as it does), the [`Dialog`] over it, the [`AppCommand`]s keys hand to the
//! event loop. (Whether the session may send changes is [`crate::fleet::Session`].)

use super::validate::ValidationView;
use super::{
    Confirmation, DownloadForm, NewPassword, PasswordPrompt, Removal, StartRequest, UploadRequest,
    ValidateConfirm, VersionForm,
};

/// What the screen shows besides the (optional) help overlay, with the state that lives
/// as long as it does: leaving a mode forgets its selection and scroll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The cluster table.
    Table,
    /// The table, with the keyboard typing into the filter.
    Filter,
    /// The details pane of one cluster (its index in config order), `scroll` lines down.
    Details { cluster: usize, scroll: usize },
    /// The packages view: the fleet's releases, the selected one's `row`, and whether its
    /// clusters are listed (`open`).
    Packages { row: usize, open: bool },
    /// The validation view: the fleet's findings by check, and its selection.
    Validation(ValidationView),
}

impl Mode {
    /// The details of `cluster`, from their top.
    pub(crate) fn details(cluster: usize) -> Self {
        Self::Details { cluster, scroll: 0 }
    }

    /// The packages view, the newest release selected, its clusters not listed.
    pub fn packages() -> Self {
        Self::Packages {
            row: 0,
            open: false,
        }
    }
}

/// What a key asks the event loop to do outside the [`App`](super::App).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppCommand {
    /// Poll one cluster now, or every cluster for `None`.
    Refresh(Option<usize>),
    /// Ask a cluster for its packages (the details pane shows them).
    FetchPackages(usize),
    /// Start a confirmed download (the only command that changes a cluster).
    StartDownloads(StartRequest),
    /// Log in to these clusters with a typed password from now on.
    NewPassword(NewPassword),
    /// Remove a package from these clusters' repositories (confirmed): each cluster with
    /// the version as it lists it.
    RemovePackages(Vec<(usize, String)>),
    /// Validate `version` on the plan's targets (confirmed).
    Validate {
        plan: crate::download::Plan,
        version: String,
    },
    /// Send a cluster's refused login once more (`r` asked twice).
    RetryLogin(usize),
    /// Look at what the form's package field names on this host (a task does).
    LookAtFile(String),
    /// Read the image at `path` (its SHA-256, checked against `sha256`), on a task.
    ReadImage {
        path: std::path::PathBuf,
        sha256: Option<String>,
    },
    /// Send a confirmed upload.
    StartUploads(UploadRequest),
    /// Stop the upload on its way to this cluster (asked first).
    StopUpload(usize),
    /// Leave the dashboard.
    Quit,
}

/// A dialog over the table or the details: the download form, then its confirmation;
/// the password after a refused login; the question before quitting.
#[derive(Debug)]
pub enum Dialog {
    /// The download form (after `d`).
    Form(DownloadForm),
    /// The targets and skips of a download, before anything is sent.
    Confirm(Confirmation),
    /// The password after a refused login (after `p`).
    Password(PasswordPrompt),
    /// The clusters a package will be removed from, before anything is sent (`x` in the
    /// packages view).
    Remove(Removal),
    /// The sort menu (after `s`): one key per column.
    Sort,
    /// Whether to stop the upload on its way to this cluster (`Esc` in its details).
    StopUpload(usize),
    /// The release to validate (after `v`).
    Version(VersionForm),
    /// The targets and skips of a validation, before anything is sent.
    ValidateConfirm(ValidateConfirm),
    /// Quitting would stop following the open operations. The question reads them
    /// from the model at each frame (the same fact the JOB column shows, so the two
    /// never disagree); `under` is the dialog it was asked over (Ctrl-C in the form),
    /// back when the answer is no.
    Quit { under: Option<Box<Dialog>> },
}
