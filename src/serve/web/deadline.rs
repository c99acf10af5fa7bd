//! Deadlines on what a connection sends: a client that stops reading is dropped.
//!
//! hyper's HTTP/1 server bounds the wait for a request's head, and nothing after it: a
//! client that asks and never reads holds its connection, and its answer's memory, for
//! as long as it stays connected, and a stop waits on that write too. [`Deadlines`]
//! wraps the socket (under TLS, when there is TLS) and fails a write that has made no
//! progress for [`Limits::stall`], and any output not all handed to the kernel within
//! [`Limits::send`] of its first byte, so a client that reads a trickle is dropped too.
//! A connection dropped so is reset, not closed: the kernel throws away what the client
//! did not take instead of holding it for a peer that does not read.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// How long a connection's output may wait on its client.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// A write that moves no byte for this long fails: the client stopped reading.
    pub stall: Duration,
    /// Output must all be taken (flushed) within this of its first byte.
    pub send: Duration,
}

/// A stream that can be cut off: its unsent bytes thrown away when it is dropped.
pub(crate) trait Abort {
    /// Makes dropping the stream reset the connection.
    fn abort(&self);
}

impl Abort for tokio::net::TcpStream {
    fn abort(&self) {
        let _ = self.set_zero_linger();
    }
}

/// An IO stream whose writes fail once they miss a deadline of [`Limits`].
pub(crate) struct Deadlines<I> {
    io: I,
    limits: Limits,
    /// When output began piling up: the first write since the last complete flush.
    sending_since: Option<Instant>,
    /// When the write now waiting was first refused by the socket.
    stalled_since: Option<Instant>,
    /// Wakes the connection at the nearer deadline; made on the first stall.
    timer: Option<Pin<Box<Sleep>>>,
}

impl<I: Abort> Deadlines<I> {
    /// `io` with the deadlines of `limits` on its writes.
    pub(crate) fn new(io: I, limits: Limits) -> Self {
        Self {
            io,
            limits,
            sending_since: None,
            stalled_since: None,
            timer: None,
        }
    }

    /// Runs one write `op` under the deadlines: its answer when it has one in time, a
    /// `TimedOut` error once a deadline has passed.
    fn guard<T>(
        &mut self,
        cx: &mut Context<'_>,
        op: impl FnOnce(&mut I, &mut Context<'_>) -> Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        let now = Instant::now();
        let since = *self.sending_since.get_or_insert(now);
        let send_by = since + self.limits.send;
        if now >= send_by {
            self.io.abort();
            return Poll::Ready(Err(late("its answer was not taken in time")));
        }
        if let Poll::Ready(done) = op(&mut self.io, cx) {
            self.stalled_since = None;
            return Poll::Ready(done);
        }
        let stalled = *self.stalled_since.get_or_insert(now);
        let deadline = send_by.min(stalled + self.limits.stall);
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if timer.deadline() != deadline {
            timer.as_mut().reset(deadline);
        }
        if now >= deadline || timer.as_mut().poll(cx).is_ready() {
            self.io.abort();
            return Poll::Ready(Err(late("the client stopped reading")));
        }
        Poll::Pending
    }
}

/// The error a missed deadline ends the connection with.
fn late(why: &str) -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, why)
}

impl<I: AsyncRead + Unpin> AsyncRead for Deadlines<I> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Abort + Unpin> AsyncWrite for Deadlines<I> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut()
            .guard(cx, |io, cx| Pin::new(io).poll_write(cx, buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_mut()
            .guard(cx, |io, cx| Pin::new(io).poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    /// A complete flush means everything written so far was taken: the next write
    /// starts a new [`Limits::send`].
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let flushed = this.guard(cx, |io, cx| Pin::new(io).poll_flush(cx));
        if let Poll::Ready(Ok(())) = flushed {
            this.sending_since = None;
        }
        flushed
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut()
            .guard(cx, |io, cx| Pin::new(io).poll_shutdown(cx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    impl Abort for tokio::io::DuplexStream {
        fn abort(&self) {}
    }

    const LIMITS: Limits = Limits {
        stall: Duration::from_secs(5),
        send: Duration::from_secs(30),
    };

    #[tokio::test(start_paused = true)]
    async fn a_write_nobody_reads_fails_after_the_stall_limit() {
        let (near, _far) = tokio::io::duplex(1024);
        let mut io = Deadlines::new(near, LIMITS);
        let started = Instant::now();
        let error = io.write_all(&[0; 4096]).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), LIMITS.stall);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_reader_keeps_the_connection_until_the_send_limit() {
        let (near, mut far) = tokio::io::duplex(1024);
        let reader = tokio::spawn(async move {
            let mut chunk = [0; 256];
            loop {
                tokio::time::sleep(Duration::from_secs(4)).await;
                if far.read(&mut chunk).await.unwrap_or(0) == 0 {
                    return;
                }
            }
        });
        let mut io = Deadlines::new(near, LIMITS);
        let started = Instant::now();
        let error = io.write_all(&vec![0; 64 * 1024]).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), LIMITS.send);
        drop(io);
        reader.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn each_flushed_answer_gets_a_send_limit_of_its_own() {
        let (near, mut far) = tokio::io::duplex(64 * 1024);
        let mut io = Deadlines::new(near, LIMITS);
        let mut sink = vec![0; 1024];
        for _ in 0..10 {
            io.write_all(&[1; 1024]).await.unwrap();
            io.flush().await.unwrap();
            far.read_exact(&mut sink).await.unwrap();
            tokio::time::sleep(Duration::from_secs(20)).await;
        }
    }
}
