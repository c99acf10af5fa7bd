//! The rules for an upload (an image sent from this host): its bytes on their way, a
//! transfer cut off, and the repository read once its job is gone.

use jiff::Timestamp;

use super::{Phase, Since, Tracker};
use crate::download::ending::Ending;
use crate::download::image::{holding, image_version};
use crate::ontap::{ErrorKind, OntapError, Package};

impl Tracker {
    /// An upload sent `sent` bytes so far (its image's size is the whole).
    pub fn sending(&mut self, sent: u64, at: Timestamp) {
        let Some(file) = self.followed.operation.upload() else {
            return;
        };
        if self.ending().is_some() {
            return;
        }
        let total = file.size;
        match &mut self.followed.phase {
            Phase::Sending { sent: was, .. } => *was = sent,
            _ => self.set_phase(Phase::Sending { sent, total }, Since::Exactly(at)),
        }
    }

    /// An upload refused: by the cluster (its code, after it read the image), or cut off
    /// on its way (a connection that dropped, a timeout: the bytes sent say how far).
    pub(super) fn upload_refused(&self, e: &OntapError) -> Ending {
        match self.followed.phase {
            // No (whole) HTTP answer: the connection dropped (or stalled) on the way, or
            // in the middle of the answer. What left this host may not all have arrived.
            Phase::Sending { sent, total }
                if e.http_status.is_none() || e.kind == ErrorKind::Connect =>
            {
                Ending::TransferFailed {
                    sent,
                    total,
                    reason: format!("{}: {}", e.kind, e.message),
                }
            }
            _ => Ending::Refused(e.clone()),
        }
    }

    /// An upload whose job is gone: uploaded when the repository lists the release its
    /// image's name says.
    pub(super) fn upload_checked(&mut self, packages: &[Package], at: Timestamp) -> Option<Ending> {
        let file = self
            .followed
            .operation
            .upload()
            .map_or("", |f| f.name.as_str());
        let ending = match image_version(file) {
            Some(version) if holding(&version, None, Some(packages)).is_some() => Ending::Uploaded,
            Some(version) => Ending::UploadFailed {
                code: None,
                message: format!("the upload's job is gone and {version} is not in the repository"),
            },
            None => Ending::Unknown {
                reason: "the upload's job is gone, and the image's name says no \
                         release to look for in the repository"
                    .into(),
            },
        };
        self.end(ending, Since::AtLeast(at))
    }
}
