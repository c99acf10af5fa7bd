//! An image on this host, as the dashboard's form names it: whether the text typed into
//! the package field is a file (its name and size), and the image read once, SHA-256
//! and all, before an upload is offered. Both run on tasks of their own, never on the
//! screen's: the screen opens no file, it only shows what these tell it ([`FileNews`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::mpsc;

use super::upload::UploadSource;

/// How often, at most, the reading of an image tells how far it got: every this many
/// bytes.
const TELL_EVERY: u64 = 64 << 20;

/// What the tasks of this module tell the screen.
#[derive(Debug, Clone)]
pub enum FileNews {
    /// What is at the path typed (exactly as typed, so that a later edit can tell it is
    /// about older text).
    Looked {
        typed: String,
        found: Result<FoundFile, String>,
    },
    /// The image at `path` is being read: `read` bytes of `total`.
    Reading {
        path: PathBuf,
        read: u64,
        total: u64,
    },
    /// The image at `path` was read (ready to send), or why it cannot be sent.
    Read {
        path: PathBuf,
        source: Result<Arc<UploadSource>, String>,
    },
}

/// A regular file found where the form's text points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundFile {
    /// The path, `~/` resolved.
    pub path: PathBuf,
    /// The file name the cluster would be sent.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
}

/// Whether text in the package field means a file on this host before anything is
/// looked at: it starts as a path does (`/`, `./`, `../`, `~/`).
pub(crate) fn looks_like_path(text: &str) -> bool {
    ["/", "./", "../", "~/"].iter().any(|p| text.starts_with(p))
}

/// Whether text in the package field is a URL for the clusters to fetch (it has a
/// scheme), and so never a file.
pub(crate) fn is_url(text: &str) -> bool {
    text.contains("://")
}

/// Whether text in the package field may name a file worth looking at: a path, or a
/// bare file name (it has a dot, and no colon: "https:" on its way to a URL is none).
pub(crate) fn may_be_file(text: &str) -> bool {
    looks_like_path(text) || (!is_url(text) && !text.contains(':') && text.contains('.'))
}

/// The path `typed` names: `~/` is the home directory, anything else as typed
/// (relative to where ontop was started).
pub(crate) fn resolve(typed: &str) -> PathBuf {
    if let Some(rest) = typed.strip_prefix("~/")
        && let Some(dirs) = directories::BaseDirs::new()
    {
        return dirs.home_dir().join(rest);
    }
    PathBuf::from(typed)
}

/// Looks at what `typed` names, on a task, and tells `news` ([`FileNews::Looked`]).
pub(crate) fn look(typed: String, news: mpsc::UnboundedSender<FileNews>) {
    tokio::spawn(async move {
        let found = found_file(&resolve(&typed)).await;
        let _ = news.send(FileNews::Looked { typed, found });
    });
}

/// What is at `path`, when it is an image one could send.
async fn found_file(path: &Path) -> Result<FoundFile, String> {
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "no such file on this host".to_string(),
            _ => format!("cannot be read: {e}"),
        })?;
    if !meta.is_file() {
        return Err("not a regular file (a directory, a device or a pipe)".into());
    }
    let name = path
        .file_name()
        .map(|n| crate::text::clean(&n.to_string_lossy()))
        .filter(|n| !n.is_empty())
        .ok_or("names no file")?;
    Ok(FoundFile {
        path: path.to_path_buf(),
        name,
        size: meta.len(),
    })
}

/// The reading of an image under way: dropping it (or [`Reading::stop`]) stops it.
#[derive(Debug)]
pub(crate) struct Reading {
    stopped: Arc<AtomicBool>,
}

impl Reading {
    /// Stops reading: no more news comes of it but that it stopped.
    pub(crate) fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
    }
}

impl Drop for Reading {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Reads the image at `path` once on a blocking task (its size and SHA-256, checked
/// against `expected` when given), telling `news` how far it got and how it ended.
pub(crate) fn read(
    path: PathBuf,
    expected: Option<String>,
    news: mpsc::UnboundedSender<FileNews>,
) -> Reading {
    let stopped = Arc::new(AtomicBool::new(false));
    let reading = Reading {
        stopped: stopped.clone(),
    };
    tokio::spawn(async move {
        let told = std::sync::atomic::AtomicU64::new(0);
        let progress = {
            let (news, path, stopped) = (news.clone(), path.clone(), stopped.clone());
            Arc::new(move |read: u64, total: u64| {
                if read >= told.load(Ordering::Relaxed) + TELL_EVERY || read == total {
                    told.store(read, Ordering::Relaxed);
                    let path = path.clone();
                    let _ = news.send(FileNews::Reading { path, read, total });
                }
                !stopped.load(Ordering::Relaxed)
            })
        };
        let source = UploadSource::prepare_watched(&path, expected.as_deref(), progress)
            .await
            .map(Arc::new);
        let _ = news.send(FileNews::Read { path, source });
    });
    reading
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_told_from_a_url_by_its_start() {
        for path in ["/srv/a.tgz", "./a.tgz", "../a.tgz", "~/a.tgz"] {
            assert!(looks_like_path(path) && !is_url(path), "{path}");
        }
        assert!(is_url("https://repo/a.tgz") && !looks_like_path("https://repo/a.tgz"));
        assert!(!looks_like_path("a.tgz"), "a bare name is looked at first");
        assert!(may_be_file("a.tgz") && may_be_file("./a"));
        for typing in ["h", "https", "https:", "https://repo.example.com/a.tgz"] {
            assert!(!may_be_file(typing), "{typing}");
        }
    }

    #[tokio::test]
    async fn a_file_is_looked_at_and_read_on_tasks_with_news_of_each_step() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("9161P3_q_image.tgz");
        std::fs::write(&path, b"an image").unwrap();
        let (tx, mut rx) = mpsc::unbounded_channel();
        look(path.display().to_string(), tx.clone());
        let Some(FileNews::Looked {
            found: Ok(found), ..
        }) = rx.recv().await
        else {
            panic!("no file found");
        };
        assert_eq!((found.name.as_str(), found.size), ("9161P3_q_image.tgz", 8));
        look(dir.path().display().to_string(), tx.clone());
        let Some(FileNews::Looked {
            found: Err(why), ..
        }) = rx.recv().await
        else {
            panic!("a directory is no image");
        };
        assert!(why.contains("not a regular file"), "{why}");

        let _reading = read(path.clone(), Some("00".into()), tx.clone());
        let mut last = None;
        while let Some(news) = rx.recv().await {
            if let FileNews::Read { source, .. } = news {
                last = Some(source);
                break;
            }
        }
        let refused = last.unwrap().unwrap_err();
        assert!(refused.contains("nothing was sent"), "{refused}");
        let _reading = read(path, None, tx);
        loop {
            match rx.recv().await.unwrap() {
                FileNews::Reading { read, total, .. } => assert_eq!((read, total), (8, 8)),
                FileNews::Read { source, .. } => {
                    assert_eq!(source.unwrap().file.size, 8);
                    break;
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
