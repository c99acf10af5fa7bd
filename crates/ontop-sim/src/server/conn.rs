//! One accepted connection's stream: reset (TCP RST) rather than closed when the
//! simulator drops it on purpose, and the raw answers of the faults that act on the
//! socket (`garbage`, `truncated`, `badchunk`, `emptyjson`, `status999`).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// A TCP stream that is reset (not closed) on drop once its `abort` flag is set.
pub(crate) struct ResetOnDrop {
    tcp: TcpStream,
    abort: Arc<AtomicBool>,
}

impl ResetOnDrop {
    /// Wraps `tcp`; setting the returned flag makes dropping the stream send an RST.
    pub(crate) fn new(tcp: TcpStream) -> (ResetOnDrop, Arc<AtomicBool>) {
        let abort = Arc::new(AtomicBool::new(false));
        let io = ResetOnDrop {
            tcp,
            abort: Arc::clone(&abort),
        };
        (io, abort)
    }
}

impl Drop for ResetOnDrop {
    fn drop(&mut self) {
        if self.abort.load(Ordering::SeqCst) {
            let _ = socket2::SockRef::from(&self.tcp).set_linger(Some(Duration::ZERO));
        }
    }
}

impl AsyncRead for ResetOnDrop {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResetOnDrop {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }
}

/// Reads a request head (at most 64 KiB), answers it with `answer` as it is (bytes that
/// are not HTTP, or HTTP cut short: see `hostile::raw_answer`), and closes the connection.
pub(crate) async fn answer_raw(mut io: impl AsyncRead + AsyncWrite + Unpin, answer: &[u8]) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while head.len() < 64 * 1024 && !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match io.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let _ = io.write_all(answer).await;
    let _ = io.shutdown().await;
}
