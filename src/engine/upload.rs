//! Sending an image from this host (`POST /cluster/software/upload`), for clusters that
//! reach no package server: the file is read from disk as it is sent, never held in
//! memory; every upload shares one rate (`--limit-rate`, `[download] upload_rate`); the
//! bytes sent are told to the cluster's poller as they go (the JOB column's `up 42%`); an
//! upload that stops moving is cut off after [`STALL`], and one the operator stops
//! (quitting, Ctrl-C) ends as stopped. Nothing is sent again by itself.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use tokio::io::AsyncReadExt;
use tokio::time::Instant;

use crate::download::tracker::UploadFile;
use crate::ontap::{Client, DownloadStarted, ErrorKind, OntapError};
use crate::sync::Lock;

/// How much is read from the file and sent at a time.
const CHUNK: usize = 256 * 1024;
/// An upload whose bytes stop moving for this long is cut off (the cluster stopped
/// taking them, or the path to it is gone).
pub(crate) const STALL: Duration = Duration::from_secs(60);
/// The longest an upload may take: ONTAP's own limit is an hour (10551373).
const UPLOAD_LIMIT: Duration = Duration::from_secs(65 * 60);
/// How often the bytes sent are told to the poller while an upload runs.
pub(super) const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// An image ready to be sent: where it is on this host, and what was read of it.
#[derive(Debug, Clone)]
pub struct UploadSource {
    pub path: PathBuf,
    pub file: UploadFile,
}

impl UploadSource {
    /// Reads the image at `path` once, to know its size and SHA-256, before anything is
    /// sent; `expected` (NetApp's published checksum) must match when given. The error
    /// says what to do.
    pub(crate) async fn prepare(path: &Path, expected: Option<&str>) -> Result<Self, String> {
        Self::prepare_watched(path, expected, Arc::new(|_, _| true)).await
    }

    /// As [`UploadSource::prepare`], telling `progress` (bytes read, size) as the image
    /// is read; reading stops, with an error, when `progress` answers false.
    pub(crate) async fn prepare_watched(
        path: &Path,
        expected: Option<&str>,
        progress: Arc<dyn Fn(u64, u64) -> bool + Send + Sync>,
    ) -> Result<Self, String> {
        let path = path.to_path_buf();
        let reading = path.clone();
        let (size, sha256) = tokio::task::spawn_blocking(move || hash(&reading, &*progress))
            .await
            .map_err(|e| format!("reading the image failed: {e}"))??;
        if let Some(expected) = expected
            && !expected.trim().eq_ignore_ascii_case(&sha256)
        {
            return Err(format!(
                "{} has SHA-256 {sha256}, not the {} given: it is not the image you meant \
                 (or it is damaged); nothing was sent",
                path.display(),
                expected.trim()
            ));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty())
            .ok_or_else(|| format!("{} names no file", path.display()))?;
        Ok(Self {
            path,
            file: UploadFile { name, size, sha256 },
        })
    }
}

/// The size and SHA-256 of a regular file, read in chunks (never whole in memory);
/// `progress` is told each chunk, and stops the reading by answering false.
fn hash(path: &Path, progress: &dyn Fn(u64, u64) -> bool) -> Result<(u64, String), String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!(
            "{} is not a regular file (a directory, a device or a pipe): give the image's path",
            path.display()
        ));
    }
    if meta.len() == 0 {
        return Err(format!("{} is empty: it is no image", path.display()));
    }
    let mut file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buffer = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let read = file
            .read(&mut buffer)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if read == 0 {
            break;
        }
        size += read as u64;
        context.update(&buffer[..read]);
        if !progress(size, meta.len()) {
            return Err(format!("reading {} was stopped", path.display()));
        }
    }
    let digest = context.finish();
    let hex = lowercase_hex(&digest);
    Ok((size, hex))
}

/// The uploads on their way, one per cluster, each with what stops it alone (`Esc` in
/// the dashboard's details); quitting stops them all another way (the engine closing).
#[derive(Debug, Default, Clone)]
pub(crate) struct UploadStops(
    Arc<std::sync::Mutex<std::collections::HashMap<usize, Arc<tokio::sync::Notify>>>>,
);

impl UploadStops {
    /// An upload to `cluster` begins: what stops it.
    pub(crate) fn begin(&self, cluster: usize) -> Arc<tokio::sync::Notify> {
        let stop = Arc::new(tokio::sync::Notify::new());
        let mut stops = self.0.locked();
        stops.insert(cluster, stop.clone());
        stop
    }

    /// The upload to `cluster` is over (whichever way).
    pub(crate) fn end(&self, cluster: usize, stop: &Arc<tokio::sync::Notify>) {
        let mut stops = self.0.locked();
        if stops.get(&cluster).is_some_and(|s| Arc::ptr_eq(s, stop)) {
            stops.remove(&cluster);
        }
    }

    /// Stops the upload to `cluster`, when one is on its way; whether there was one.
    pub(crate) fn stop(&self, cluster: usize) -> bool {
        let stops = self.0.locked();
        stops.get(&cluster).map(|s| s.notify_one()).is_some()
    }
}

/// The rate every upload from this host shares: a bucket of bytes that fills at the
/// rate, taken from in turn (the lock is fair), so each upload gets its share.
#[derive(Debug)]
pub(crate) struct RateLimit {
    bytes_per_second: f64,
    bucket: tokio::sync::Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimit {
    /// A limit of `bytes_per_second` across every upload.
    pub(crate) fn new(bytes_per_second: u64) -> Self {
        Self {
            bytes_per_second: bytes_per_second.max(1) as f64,
            bucket: tokio::sync::Mutex::new(Bucket {
                tokens: 0.0,
                at: Instant::now(),
            }),
        }
    }

    /// Waits until `bytes` may be sent.
    pub(crate) async fn take(&self, bytes: usize) {
        let mut bucket = self.bucket.lock().await;
        let now = Instant::now();
        // At most a quarter second's worth may gather while nobody sends.
        let burst = self.bytes_per_second / 4.0;
        let filled =
            bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * self.bytes_per_second;
        bucket.tokens = filled.min(burst.max(bytes as f64));
        bucket.at = now;
        bucket.tokens -= bytes as f64;
        if bucket.tokens < 0.0 {
            let wait = Duration::from_secs_f64(-bucket.tokens / self.bytes_per_second);
            let due = now + wait;
            // Held while waiting: the next upload's turn comes after this one's bytes.
            tokio::time::sleep_until(due).await;
            // Counted from when the bytes were due, not from the wake-up: timers wake a
            // millisecond late or more, and at 200 MiB/s a chunk is due every 1.25 ms,
            // so counting from the wake-up would lose half the rate.
            bucket.tokens = 0.0;
            bucket.at = due;
        }
    }
}

/// The bytes of an image as they go, against what was hashed before anything was sent
/// (and audited): a file that changes on its way (still being copied, overwritten)
/// is not sent as the image that was checked.
struct Sent {
    context: ring::digest::Context,
    read: u64,
    size: u64,
    sha256: String,
}

impl Sent {
    fn new(file: &UploadFile) -> Self {
        Self {
            context: ring::digest::Context::new(&ring::digest::SHA256),
            read: 0,
            size: file.size,
            sha256: file.sha256.clone(),
        }
    }

    /// The next bytes read; an error once there are more than the image had.
    fn take(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.read += bytes.len() as u64;
        self.context.update(bytes);
        if self.read > self.size {
            return Err(changed(format!("it grew past its {} bytes", self.size)));
        }
        Ok(())
    }

    /// The end of the file: an error unless it was the image hashed, byte for byte.
    fn end(self) -> std::io::Result<()> {
        if self.read < self.size {
            let was = format!("it shrank to {} of its {} bytes", self.read, self.size);
            return Err(changed(was));
        }
        let digest = self.context.finish();
        let hex = lowercase_hex(&digest);
        if hex != self.sha256 {
            return Err(changed(format!(
                "its SHA-256 is now {hex}, not {}",
                self.sha256
            )));
        }
        Ok(())
    }
}

/// A SHA-256 as the audit log and `--sha256` write it.
fn lowercase_hex(digest: &ring::digest::Digest) -> String {
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// The error that cuts an upload whose file changed on its way.
fn changed(how: String) -> std::io::Error {
    std::io::Error::other(format!(
        "the image file changed while it was sent ({how}): nothing was kept; upload it \
         again once it is complete and unchanged"
    ))
}

/// Sends `source` to `client`'s cluster, counting the bytes that go into `sent`; the
/// cluster's answer (the job that files the image), or why it failed. Cut off when no
/// byte moves for [`STALL`].
pub(super) async fn send(
    client: &Client,
    source: &UploadSource,
    limit: Option<Arc<RateLimit>>,
    sent: Arc<AtomicU64>,
) -> Result<DownloadStarted, OntapError> {
    let file = tokio::fs::File::open(&source.path).await.map_err(|e| {
        OntapError::new(
            client.name(),
            ErrorKind::Connect,
            format!("the image {} cannot be read: {e}", source.path.display()),
        )
    })?;
    let counted = sent.clone();
    let check = Some(Sent::new(&source.file));
    let chunks = futures_util::stream::unfold((file, limit, check), move |state| {
        let counted = counted.clone();
        async move {
            let (mut file, limit, Some(mut check)) = state else {
                return None;
            };
            let mut buffer = vec![0u8; CHUNK];
            let read = match file.read(&mut buffer).await {
                // The end: the last byte goes only as part of the image that was hashed
                // (the stream's error cuts the request short, so no cluster keeps it).
                Ok(0) => return check.end().err().map(|e| (Err(e), (file, limit, None))),
                Ok(read) => read,
                Err(e) => return Some((Err(e), (file, limit, None))),
            };
            buffer.truncate(read);
            if let Err(e) = check.take(&buffer) {
                return Some((Err(e), (file, limit, None)));
            }
            if let Some(limit) = &limit {
                limit.take(read).await;
            }
            counted.fetch_add(read as u64, Ordering::Relaxed);
            let chunk = Ok::<Bytes, std::io::Error>(Bytes::from(buffer));
            Some((chunk, (file, limit, Some(check))))
        }
    });
    let body = reqwest::Body::wrap_stream(chunks);
    let upload = client.upload_image(&source.file.name, body, source.file.size, UPLOAD_LIMIT);
    tokio::pin!(upload);
    let mut last = (0u64, Instant::now());
    let mut ticks = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            answer = &mut upload => return answer,
            _ = ticks.tick() => {
                let now = sent.load(Ordering::Relaxed);
                if now != last.0 {
                    last = (now, Instant::now());
                } else if last.1.elapsed() >= STALL {
                    return Err(OntapError::new(
                        client.name(),
                        ErrorKind::Timeout,
                        format!(
                            "no byte moved for {}s: the cluster stopped taking the image, or the path to it is gone",
                            STALL.as_secs()
                        ),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A piece of an image, as sent at a time: the rules hold whatever CHUNK is.
    const PIECE: usize = 256 * 1024;

    #[tokio::test(start_paused = true)]
    async fn the_rate_is_kept_across_uploads() {
        let limit = Arc::new(RateLimit::new(1 << 20));
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..4 {
            let limit = limit.clone();
            tasks.spawn(async move {
                for _ in 0..8 {
                    limit.take(PIECE).await;
                }
            });
        }
        while tasks.join_next().await.is_some() {}
        // 4 × 8 × 256 KiB = 8 MiB at 1 MiB/s: eight seconds (less the first burst).
        let took = started.elapsed().as_secs_f64();
        assert!((7.5..=8.1).contains(&took), "{took}");
    }

    /// A fast limit, whose chunks are due more often than the timer's millisecond: the
    /// rate is kept all the same (it came out at half the limit when the time a timer
    /// woke late was lost).
    #[tokio::test(start_paused = true)]
    async fn a_rate_faster_than_the_timer_is_kept() {
        let limit = RateLimit::new(200 << 20);
        let started = Instant::now();
        for _ in 0..800 {
            limit.take(PIECE).await;
        }
        // 200 MiB at 200 MiB/s: one second, less the first quarter second's burst.
        let took = started.elapsed().as_secs_f64();
        assert!((0.95..=1.02).contains(&took), "{took}");
    }

    #[tokio::test]
    async fn an_image_is_hashed_once_and_a_wrong_checksum_sends_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("9161P3_q_image.tgz");
        std::fs::write(&path, b"an image").unwrap();
        let source = UploadSource::prepare(&path, None).await.unwrap();
        assert_eq!(source.file.size, 8);
        assert_eq!(source.file.name, "9161P3_q_image.tgz");
        let good = source.file.sha256.to_uppercase();
        assert!(UploadSource::prepare(&path, Some(&good)).await.is_ok());
        let bad = UploadSource::prepare(&path, Some("00ff"))
            .await
            .unwrap_err();
        assert!(bad.contains("nothing was sent"), "{bad}");
        let dir_error = UploadSource::prepare(dir.path(), None).await.unwrap_err();
        assert!(dir_error.contains("not a regular file"), "{dir_error}");
    }
}
