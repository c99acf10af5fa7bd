//! Files ontop reads from the outside and files it writes, both with care.
//!
//! Reading: a secret or a CA bundle is read only from a regular file, and never past a
//! cap, so `/dev/zero`, a FIFO or a huge sparse file named in a config cannot hang ontop
//! or fill its memory. Writing: the data dir is private (0700), every file in it is 0600
//! whatever the umask, appends never follow a symlink, and a file replaced atomically
//! goes through a fresh temporary file (`O_EXCL`, a unique name) in the same directory.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Why a file could not be read as asked.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    /// Not a regular file: a device, a FIFO, a socket or a directory.
    #[error("it is not a regular file (a device, a pipe or a directory)")]
    NotRegular,
    /// Larger than the cap.
    #[error("it is larger than {cap} bytes, more than such a file ever holds")]
    TooLarge { cap: u64 },
    /// What the operating system said.
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// The whole content of `path`, a regular file of at most `cap` bytes.
pub(crate) fn read_regular(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > cap {
        return Err(ReadError::TooLarge { cap });
    }
    let file = open_nofollow_read(path)?;
    // The size may have changed since the check: read one byte past the cap to know.
    let mut bytes = Vec::new();
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge { cap });
    }
    Ok(bytes)
}

/// Opens for reading without blocking on a FIFO swapped in after the check.
fn open_nofollow_read(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    options.open(path)
}

/// Creates `dir` (and its parents) if needed, and makes it private to its owner.
pub(crate) fn private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::symlink_metadata(dir)?;
        if meta.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

/// Opens `path` to append (creating it 0600), refusing a symlink or anything but a
/// regular file in its place, and makes it 0600 if it was created looser by something
/// else.
pub(crate) fn append_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    open_regular_to_write(&mut options, path)
}

/// Opens (creating it 0600) a file that is only ever locked, never written.
pub(crate) fn lock_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    open_regular_to_write(&mut options, path)
}

/// Opens with `options` without blocking (a FIFO put in a file's place would wait for
/// a reader forever) and keeps the file only when it is a regular one, made 0600.
fn open_regular_to_write(options: &mut OpenOptions, path: &Path) -> io::Result<File> {
    private_options(options);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(options, libc::O_NOFOLLOW | libc::O_NONBLOCK);
    // Callers name the file; the error says what is wrong with it.
    let not_regular = || {
        io::Error::other("it is not a regular file (a pipe, a device or a directory): remove it")
    };
    let file = options.open(path).map_err(|e| {
        // A FIFO with no reader refuses a non-blocking writer with ENXIO.
        if e.raw_os_error() == Some(libc::ENXIO) {
            not_regular()
        } else {
            e
        }
    })?;
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    make_private(&file)?;
    Ok(file)
}

/// Takes `file`'s exclusive lock, waiting at most `wait`. Another ontop holds such a
/// lock only for the moment of one write, so one held longer is stuck or not ontop's;
/// waiting for it without end would hang the command without a word.
pub(crate) fn lock_within(file: &File, wait: std::time::Duration) -> io::Result<()> {
    let deadline = std::time::Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(io::Error::other(format!(
                    "another process has held its lock for more than {}s: if no other \
                     ontop is running, remove the .lock file beside it",
                    wait.as_secs()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
    }
}

/// Writes `bytes` to a new file at `path` (mode 0600), creating missing parent
/// directories (0700; existing ones are left as they are). Never writes over anything:
/// an existing file, or a symlink, is `AlreadyExists`.
pub(crate) fn create_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(parent)?;
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    private_options(&mut options);
    let mut file = options.open(path)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    written
}

/// Replaces `path` with `bytes` at once: written and synced to a new temporary file
/// beside it, then renamed over it. A crash leaves the old file or the new one.
pub(crate) fn replace_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (tmp, mut file) = fresh_temporary(path)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// A new file `<name>.<pid>.<n>.tmp` beside `path`, created with `O_EXCL` (so never
/// through a symlink or over another file) and mode 0600.
fn fresh_temporary(path: &Path) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    for _ in 0..16 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let tmp = path.with_file_name(format!(".{name}.{}.{n}.{nanos:x}.tmp", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        private_options(&mut options);
        match options.open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("no free temporary file name"))
}

fn private_options(options: &mut OpenOptions) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
}

fn make_private(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if file.metadata()?.permissions().mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn special_and_huge_files_are_refused() {
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 1024),
            Err(ReadError::NotRegular)
        ));
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("sparse");
        File::create(&big).unwrap().set_len(1 << 40).unwrap();
        assert!(matches!(
            read_regular(&big, 1 << 20),
            Err(ReadError::TooLarge { .. })
        ));
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid, NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            read_regular(&fifo, 1024),
            Err(ReadError::NotRegular)
        ));
        // Nor does one in place of a log, the audit log or the journal's lock: no
        // reader would ever come, and the open would wait for one.
        for opened in [append_private(&fifo), lock_file(&fifo)] {
            let said = opened.unwrap_err().to_string();
            assert!(said.contains("is not a regular file"), "{said}");
            assert!(said.contains("remove it"), "{said}");
        }
        let directory = dir.path().join("a-directory");
        std::fs::create_dir(&directory).unwrap();
        assert!(append_private(&directory).is_err());
    }

    #[test]
    fn a_lock_held_too_long_is_an_error_not_a_wait_without_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jobs.json.lock");
        let holder = lock_file(&path).unwrap();
        holder.lock().unwrap();
        let waiter = lock_file(&path).unwrap();
        let said = lock_within(&waiter, std::time::Duration::from_millis(100))
            .unwrap_err()
            .to_string();
        assert!(said.contains("remove the .lock file"), "{said}");
        holder.unlock().unwrap();
        lock_within(&waiter, std::time::Duration::from_millis(100)).unwrap();
    }

    #[test]
    fn written_files_are_private_and_symlinks_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data/ontop");
        private_dir(&data).unwrap();
        assert_eq!(mode(&data), 0o700);
        let log = data.join("audit.jsonl");
        append_private(&log).unwrap().write_all(b"x\n").unwrap();
        assert_eq!(mode(&log), 0o600);
        let target = dir.path().join("elsewhere");
        std::os::unix::fs::symlink(&target, data.join("ontop.log")).unwrap();
        assert!(append_private(&data.join("ontop.log")).is_err());
        assert!(!target.exists());
        let journal = data.join("jobs.json");
        replace_private(&journal, b"{}").unwrap();
        assert_eq!(mode(&journal), 0o600);
        let leftovers: Vec<_> = std::fs::read_dir(&data)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }
}
