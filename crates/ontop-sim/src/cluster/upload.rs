//! Taking an uploaded image into a cluster's repository: one upload at a time, counted
//! and hashed as its bytes arrive (nothing else of the image is kept), then a job that
//! processes it for `upload_processing` and lists it like a downloaded package.
//!
//! The body itself is read in `api/upload.rs`; this file keeps the books. An [`Intake`]
//! dropped before [`Intake::finish`] (a reset, a refusal, a client gone) frees the
//! cluster for the next upload.

use std::collections::VecDeque;
use std::sync::Arc;

use ring::digest;

use super::{Cluster, JobState, Refusal, codes, end_job, lock, names, new_job, store};

/// The most uploads a cluster remembers (oldest forgotten first).
const KEPT: usize = 64;

/// What a cluster keeps of its uploads.
#[derive(Debug, Default)]
pub(super) struct Uploads {
    /// True while an upload's body is arriving.
    busy: bool,
    /// Every upload received so far, oldest first.
    received: VecDeque<Received>,
    /// The id the next upload gets.
    next: u64,
}

impl Uploads {
    /// True while an upload's body is arriving: a download must wait.
    pub(super) fn busy(&self) -> bool {
        self.busy
    }
}

/// One upload as the cluster received it: its file name, bytes and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Received {
    id: u64,
    /// The file name the part carried (its last path segment).
    pub(crate) file_name: String,
    /// Bytes of the file received so far.
    pub(crate) bytes: u64,
    /// Hex SHA-256 of the whole file, once its part has ended.
    pub(crate) sha256: Option<String>,
}

/// An upload whose file is arriving: each chunk is counted and hashed, then dropped.
pub(crate) struct Intake {
    cluster: Arc<Cluster>,
    id: u64,
    file: String,
    bytes: u64,
    hash: Option<digest::Context>,
    finished: bool,
}

impl Cluster {
    /// Starts taking `file`: refused while a download or another upload runs (10551357,
    /// the sim's choice) and for a firmware file already present (10551496).
    pub(crate) fn begin_upload(self: &Arc<Self>, file: &str) -> Result<Intake, Refusal> {
        let mut books = lock(&self.books);
        if books.uploads.busy || books.download.state == super::DownloadState::Running {
            return Err((codes::IN_PROGRESS, codes::IN_PROGRESS_MSG.to_string()));
        }
        if !names::is_image(file) && books.firmware.iter().any(|f| f == file) {
            let msg = codes::FIRMWARE_PRESENT_MSG.to_string();
            return Err((codes::FIRMWARE_PRESENT, msg));
        }
        let uploads = &mut books.uploads;
        uploads.busy = true;
        let id = uploads.next;
        uploads.next += 1;
        if uploads.received.len() >= KEPT {
            uploads.received.pop_front();
        }
        uploads.received.push_back(Received {
            id,
            file_name: file.to_string(),
            bytes: 0,
            sha256: None,
        });
        Ok(Intake {
            cluster: Arc::clone(self),
            id,
            file: file.to_string(),
            bytes: 0,
            hash: Some(digest::Context::new(&digest::SHA256)),
            finished: false,
        })
    }

    /// Every upload received, oldest first (the last 64).
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn uploads(&self) -> Vec<Received> {
        lock(&self.books).uploads.received.iter().cloned().collect()
    }
}

impl Intake {
    /// Counts and hashes one chunk of the file.
    pub(crate) fn take(&mut self, chunk: &[u8]) {
        if let Some(hash) = &mut self.hash {
            hash.update(chunk);
        }
        self.bytes += chunk.len() as u64;
        let bytes = self.bytes;
        self.record(|r| r.bytes = bytes);
    }

    /// Bytes of the file received so far.
    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The file's part has ended: its hash is final.
    pub(crate) fn seal(&mut self) {
        if let Some(hash) = self.hash.take() {
            let hex: String = hash
                .finish()
                .as_ref()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            self.record(|r| r.sha256 = Some(hex));
        }
    }

    /// The upload is accepted: a job processes the image for `upload_processing`, then
    /// lists it (an empty file fails with 10551359). Returns the job uuid.
    pub(crate) fn finish(mut self) -> String {
        self.seal();
        self.finished = true;
        let cluster = Arc::clone(&self.cluster);
        let uuid = {
            let mut books = lock(&cluster.books);
            books.uploads.busy = false;
            let mut job = new_job("POST /api/cluster/software/upload".to_string());
            job.state = JobState::Running;
            job.message = codes::PROCESSING_MSG.to_string();
            let uuid = job.uuid.clone();
            books.jobs.push(job);
            uuid
        };
        let (job, file, empty) = (uuid.clone(), self.file.clone(), self.bytes == 0);
        let processing = cluster.env.upload_processing;
        let owner = Arc::clone(&cluster);
        cluster.env.tasks.spawn(async move {
            tokio::time::sleep(processing).await;
            owner.end_upload(&job, &file, empty);
        });
        uuid
    }

    fn record(&self, update: impl FnOnce(&mut Received)) {
        let mut books = lock(&self.cluster.books);
        if let Some(r) = books
            .uploads
            .received
            .iter_mut()
            .rev()
            .find(|r| r.id == self.id)
        {
            update(r);
        }
    }
}

impl Drop for Intake {
    /// An upload that was not accepted frees the cluster for the next.
    fn drop(&mut self) {
        if !self.finished {
            lock(&self.cluster.books).uploads.busy = false;
        }
    }
}

impl Cluster {
    /// Ends an upload's job: the file joins the repository (or the firmware files), or
    /// the job fails with 10551359 for an empty file.
    fn end_upload(&self, uuid: &str, file: &str, empty: bool) {
        {
            let mut books = lock(&self.books);
            let (state, message, code) = if empty {
                let message = codes::PROCESS_FAILED_MSG.to_string();
                (JobState::Failure, message, codes::PROCESS_FAILED)
            } else {
                store(&mut books, file);
                (JobState::Success, "success".to_string(), 0)
            };
            end_job(&mut books, uuid, state, message, code);
        }
        self.job_ended.notify_waiters();
    }
}
