//! An upload from this host, as the dashboard offers it: a file typed into the form's
//! package field (looked at by a task: its name and size), read once on `Enter` (its
//! SHA-256, checked against the one given; the form shows how far the reading got), then
//! confirmed like a download and handed to the engine. Stopping one on its way (`Esc`
//! in details) asks first, and says what stopping does.
//!
//! The screen opens no file: it asks for a look or a reading ([`AppCommand::LookAtFile`],
//! [`AppCommand::ReadImage`]) and shows the [`FileNews`] that comes back.

use std::sync::Arc;

use jiff::Timestamp;

use super::{App, AppCommand, Confirmation, Dialog, Field, Mode};
use crate::download::{Phase, image_version};
use crate::engine::local_file::{FileNews, FoundFile, looks_like_path, may_be_file};
use crate::engine::upload::UploadSource;
use crate::text::rate::format_bytes;

/// The file the form's package field names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    /// The text typed, as looked at.
    pub typed: String,
    pub state: FileState,
}

/// Where the form's file stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    /// A task looks at it.
    Looking,
    /// A regular file is there.
    Found(FoundFile),
    /// Nothing that could be sent is there, and why.
    Missing(String),
    /// Being read (its SHA-256): bytes read of its size.
    Reading {
        found: FoundFile,
        read: u64,
        total: u64,
    },
}

/// A confirmed upload: `source` to the targets of `plan`.
#[derive(Debug, Clone)]
pub struct UploadRequest {
    pub plan: crate::download::Plan,
    pub source: Arc<UploadSource>,
}

impl PartialEq for UploadRequest {
    fn eq(&self, other: &Self) -> bool {
        self.plan == other.plan && self.source.file == other.source.file
    }
}

impl Eq for UploadRequest {}

impl App {
    /// After an edit in the form: when the package field's text changed and may name a
    /// file, what to look at. A text that starts as a path is an upload at once (its file
    /// still being looked at); a bare name only once a file is found there.
    pub(super) fn package_edited(&mut self, before: Option<String>) -> Vec<AppCommand> {
        let Some(Dialog::Form(form)) = &mut self.dialog else {
            return Vec::new();
        };
        let text = form.package().trim().to_string();
        if before.as_deref().map(str::trim) == Some(text.as_str()) {
            return Vec::new();
        }
        if !may_be_file(&text) {
            form.local = None;
            form.keep_focus();
            return Vec::new();
        }
        form.local = looks_like_path(&text).then(|| LocalFile {
            typed: text.clone(),
            state: FileState::Looking,
        });
        vec![AppCommand::LookAtFile(text)]
    }

    /// The package field's text while the form is open (what [`App::package_edited`]
    /// compares).
    pub(super) fn package_text(&self) -> Option<String> {
        match &self.dialog {
            Some(Dialog::Form(form)) => Some(form.package().to_string()),
            _ => None,
        }
    }

    /// Whether the form waits for its image to be read (the event loop keeps the
    /// reading going only while it does).
    pub(crate) fn reading_image(&self) -> bool {
        matches!(
            &self.dialog,
            Some(Dialog::Form(form))
                if matches!(form.local(), Some(LocalFile { state: FileState::Reading { .. }, .. }))
        )
    }

    /// What a task found out about a file; whether the screen changed. News about text
    /// no longer in the form, or a reading no longer waited for, is dropped.
    pub fn file_news(&mut self, news: FileNews, now: Timestamp) -> bool {
        let Some(Dialog::Form(form)) = &mut self.dialog else {
            return false;
        };
        match news {
            FileNews::Looked { typed, found } => {
                if form.package().trim() != typed {
                    return false;
                }
                form.local = match found {
                    Ok(found) => Some(LocalFile {
                        typed,
                        state: FileState::Found(found),
                    }),
                    Err(why) if looks_like_path(&typed) => Some(LocalFile {
                        typed,
                        state: FileState::Missing(why),
                    }),
                    // A bare name that is no file here: a URL with a typo, said on Enter.
                    Err(_) => None,
                };
                // Only an Enter while it was looked at can have been refused since the
                // text changed ("still looking"): the file's line now says what is there.
                form.forget_refusal();
                form.keep_focus();
                true
            }
            FileNews::Reading { path, read, total } => match &mut form.local {
                Some(LocalFile {
                    state: FileState::Reading { found, read: r, .. },
                    ..
                }) if found.path == path => {
                    *r = read;
                    let _ = total;
                    true
                }
                _ => false,
            },
            FileNews::Read { path, source } => {
                let Some(LocalFile {
                    state: FileState::Reading { found, .. },
                    ..
                }) = &form.local
                else {
                    return false;
                };
                if found.path != path {
                    return false;
                }
                let found = found.clone();
                match source {
                    Ok(source) => {
                        let checked = !form.sha256().trim().is_empty();
                        self.confirm_upload(source, checked, now);
                    }
                    Err(why) => {
                        if let Some(local) = &mut form.local {
                            local.state = FileState::Found(found);
                        }
                        let focus = if why.contains("SHA-256") {
                            Field::Sha256
                        } else {
                            Field::Url
                        };
                        form.refuse(why, focus);
                    }
                }
                true
            }
        }
    }

    /// `Enter` in an upload form: the file is read (its SHA-256) by a task, the form
    /// showing how far; a checksum that is no SHA-256 is refused first.
    pub(super) fn submit_upload(&mut self) -> Vec<AppCommand> {
        let Some(Dialog::Form(form)) = &mut self.dialog else {
            return Vec::new();
        };
        let Some(local) = form.local.clone() else {
            return Vec::new();
        };
        let found = match local.state {
            FileState::Found(found) => found,
            FileState::Looking => {
                form.refuse(
                    "still looking at the file: Enter again once it is found".into(),
                    Field::Url,
                );
                return Vec::new();
            }
            FileState::Missing(_) => {
                // The file's own line says why, just above: not said twice.
                let what = "nothing to upload there: fix the path, or give a URL to fetch";
                form.refuse(what.into(), Field::Url);
                return Vec::new();
            }
            FileState::Reading { .. } => return Vec::new(),
        };
        let sha256 = form.sha256().trim().to_string();
        if !sha256.is_empty() && !is_sha256(&sha256) {
            let why = "the sha256 is 64 hexadecimal digits (NetApp publishes it beside the \
                       image), or nothing";
            form.refuse(why.into(), Field::Sha256);
            return Vec::new();
        }
        let path = found.path.clone();
        let total = found.size;
        form.local = Some(LocalFile {
            typed: local.typed,
            state: FileState::Reading {
                found,
                read: 0,
                total,
            },
        });
        vec![AppCommand::ReadImage {
            path,
            sha256: (!sha256.is_empty()).then_some(sha256),
        }]
    }

    /// The image was read: the confirmation of the upload, planned from the model now
    /// (clusters before 9.8, or running a download, skipped with their reason).
    fn confirm_upload(&mut self, source: Arc<UploadSource>, checked: bool, now: Timestamp) {
        let Some(Dialog::Form(form)) = &self.dialog else {
            return;
        };
        let chosen = form.chosen().to_vec();
        let version = image_version(&source.file.name);
        let plan = self
            .model
            .plan_upload(&chosen, version.as_deref(), self.access, now);
        let hidden = self.hidden_among(&chosen);
        self.dialog = Some(Dialog::Confirm(Confirmation::upload(
            source, checked, plan, hidden,
        )));
    }

    /// The cluster's upload while its bytes are on their way: (sent, total).
    /// (Its first byte not yet counted is on its way too: the request is.)
    pub(crate) fn upload_on_its_way(&self, cluster: usize) -> Option<(u64, u64)> {
        let followed = self.model.clusters.get(cluster)?.followed.as_ref()?;
        match followed.phase {
            Phase::Sending { sent, total } => Some((sent, total)),
            Phase::Starting if !followed.answered => {
                followed.operation.upload().map(|file| (0, file.size))
            }
            _ => None,
        }
    }

    /// The clusters whose download is followed here ([`crate::state::Model::downloading`]), in config
    /// order, without the uploads on their way (the quit question counts them apart).
    pub(crate) fn followed_downloads(&self) -> Vec<&str> {
        (self.model.downloading())
            .filter(|&i| self.upload_on_its_way(i).is_none())
            .map(|i| self.model.clusters[i].identity.name.as_str())
            .collect()
    }

    /// How far the cluster's upload on its way is at `now`, with its rate and time left
    /// once they can be told (the average since its first byte went).
    pub(crate) fn upload_progress(&self, cluster: usize, now: Timestamp) -> Option<UploadProgress> {
        let followed = self.model.clusters.get(cluster)?.followed.as_ref()?;
        UploadProgress::of(followed, now)
    }

    /// The uploads on their way, fleet-wide: (how many, bytes sent, bytes in all).
    pub(crate) fn uploads_on_their_way(&self) -> (usize, u64, u64) {
        (0..self.model.clusters.len())
            .filter_map(|c| self.upload_on_its_way(c))
            .fold((0, 0, 0), |(n, s, t), (sent, total)| {
                (n + 1, s + sent, t + total)
            })
    }

    /// `Esc` (or `q`) in details: back to the table, but while this cluster's upload is
    /// on its way, it first asks whether to stop it.
    pub(super) fn leave_details(&mut self) {
        match self.mode {
            Mode::Details { cluster, .. } if self.upload_on_its_way(cluster).is_some() => {
                self.dialog = Some(Dialog::StopUpload(cluster));
            }
            _ => self.mode = Mode::Table,
        }
    }

    /// `y` to the question: the engine stops the upload (the row then says how far it
    /// got); back to the table.
    pub(super) fn stop_upload(&mut self, now: Timestamp) -> Vec<AppCommand> {
        let Some(Dialog::StopUpload(cluster)) = self.dialog.take() else {
            return Vec::new();
        };
        self.mode = Mode::Table;
        let name = self.model.clusters[cluster].identity.name.clone();
        if self.upload_on_its_way(cluster).is_none() {
            self.say(format!("{name}: the upload was no longer on its way"), now);
            return Vec::new();
        }
        self.say(format!("{name}: stopping the upload"), now);
        vec![AppCommand::StopUpload(cluster)]
    }

    /// The question whether to stop `cluster`'s upload has nothing left to ask once the
    /// upload is no longer on its way: it closes, and the status line says so (unless
    /// the upload's ending was just announced). True when it closed.
    pub(super) fn close_stop_question(
        &mut self,
        cluster: usize,
        at: Timestamp,
        announced: bool,
    ) -> bool {
        let asked = matches!(self.dialog, Some(Dialog::StopUpload(c)) if c == cluster);
        if !asked || self.upload_on_its_way(cluster).is_some() {
            return false;
        }
        self.dialog = None;
        if !announced {
            let name = &self.model.clusters[cluster].identity.name;
            let text = format!("{name}: the upload is no longer on its way: nothing to stop");
            self.say(text, at);
        }
        true
    }

    /// `n` or `Esc` to the question: the upload goes on; back to the table.
    pub(super) fn keep_upload(&mut self, now: Timestamp) {
        if let Some(Dialog::StopUpload(cluster)) = self.dialog.take() {
            self.mode = Mode::Table;
            let name = &self.model.clusters[cluster].identity.name;
            self.say(format!("{name}: the upload goes on"), now);
        }
    }
}

/// How far an upload on its way is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct UploadProgress {
    pub sent: u64,
    pub total: u64,
    /// Bytes a second, on average since the sending began (once a second has passed).
    pub rate: Option<f64>,
    /// Time left at that rate.
    pub left: Option<std::time::Duration>,
}

impl UploadProgress {
    /// Where `followed` stands at `now`, while its bytes are on their way.
    pub(crate) fn of(followed: &crate::download::Followed, now: Timestamp) -> Option<Self> {
        let (sent, total) = match followed.phase {
            Phase::Sending { sent, total } => (sent, total),
            // Asked for, its first byte not counted yet.
            Phase::Starting if !followed.answered => (0, followed.operation.upload()?.size),
            _ => return None,
        };
        let took = crate::state::age(followed.since.at(), now).as_secs_f64();
        let rate = (took >= 1.0 && sent > 0).then(|| sent as f64 / took);
        let left =
            rate.map(|r| std::time::Duration::from_secs_f64(total.saturating_sub(sent) as f64 / r));
        Some(Self {
            sent,
            total,
            rate,
            left,
        })
    }

    /// Whole percent sent, as the JOB column says it.
    pub(crate) fn percent(&self) -> u64 {
        (self.sent as f64 * 100.0 / self.total.max(1) as f64)
            .floor()
            .min(100.0) as u64
    }
}

/// "4.00 GiB".
pub(crate) fn bytes(n: u64) -> String {
    format_bytes(n as f64)
}

/// Whether `text` is a SHA-256 in hex (either case).
fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit())
}
