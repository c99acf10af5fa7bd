//! The network side of one simulated cluster: its loopback listener, TLS,
//! HTTP/1.1, and the connection-level faults.
//!
//! Each cluster owns a port on 127.0.0.1. `down` closes that port (connections
//! are refused) and clearing it re-opens the same port; `reset` answers each
//! new connection with a TCP RST; `hang` accepts and never speaks. Setting
//! `down` or `reset` also drops the connections already open, so a client with
//! pooled keep-alive connections meets the fault on its next request.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio_rustls::TlsAcceptor;

use super::SimError;
use super::api;
use super::cluster::Cluster;
use super::fault::Fault;
use super::tasks::lock;
use super::tls::Leaf;

/// The open listening socket and the signal that stops its accept loop.
struct Open {
    listener: Arc<TcpListener>,
    stop: Arc<Notify>,
}

/// One cluster's listener and the connections it serves.
pub(crate) struct Endpoint {
    pub(crate) cluster: Arc<Cluster>,
    pub(crate) port: u16,
    /// The certificate served and its PEM; `None` for plain HTTP. Swapped by
    /// [`Endpoint::set_leaf`] to play a certificate renewal.
    tls: Mutex<Option<(TlsAcceptor, String)>>,
    router: Router,
    open: Mutex<Option<Open>>,
    /// Bumped to drop every open connection (with an RST).
    kill: watch::Sender<u64>,
    /// Connections accepted so far: lets tests prove that clients keep connections alive.
    pub(crate) accepted: std::sync::atomic::AtomicU64,
}

impl Endpoint {
    /// Binds 127.0.0.1:`port` (0 = any free port) and starts accepting.
    pub(crate) async fn bind(
        cluster: Arc<Cluster>,
        port: u16,
        tls: Option<Leaf>,
    ) -> Result<Arc<Endpoint>, SimError> {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|source| SimError::Bind { port, source })?;
        let port = listener
            .local_addr()
            .map_err(|source| SimError::Bind { port, source })?
            .port();
        let endpoint = Arc::new(Endpoint {
            router: api::router(Arc::clone(&cluster)),
            cluster,
            port,
            tls: Mutex::new(tls.map(|leaf| (leaf.acceptor, leaf.pem))),
            open: Mutex::new(None),
            kill: watch::Sender::new(0),
            accepted: std::sync::atomic::AtomicU64::new(0),
        });
        endpoint.open(listener);
        Ok(endpoint)
    }

    /// The PEM of the certificate the cluster presents now; `None` for plain HTTP.
    pub(crate) fn certificate_pem(&self) -> Option<String> {
        lock(&self.tls).as_ref().map(|(_, pem)| pem.clone())
    }

    #[cfg(any(test, feature = "testing"))]
    /// Presents `leaf` from now on, and drops open connections so that clients meet it
    /// on their next request (as when a real cluster's web service restarts with it).
    pub(crate) fn set_leaf(&self, leaf: Leaf) {
        *lock(&self.tls) = Some((leaf.acceptor, leaf.pem));
        self.kill.send_modify(|epoch| *epoch += 1);
    }

    /// Sets the cluster's fault and adjusts the socket side to match.
    /// Must run inside the tokio runtime (it may re-open the port).
    pub(crate) fn set_fault(self: &Arc<Self>, fault: Fault) {
        let was_down = self.cluster.replace_fault(fault.clone()) == Fault::Down;
        if matches!(fault, Fault::Down | Fault::Reset | Fault::Garbage) {
            self.kill.send_modify(|epoch| *epoch += 1);
        }
        match (was_down, fault == Fault::Down) {
            (false, true) => self.close(),
            (true, false) => self.reopen(),
            _ => {}
        }
    }

    /// Closes the port now: later connection attempts are refused at once.
    pub(crate) fn close(&self) {
        if let Some(open) = lock(&self.open).take() {
            // Shutting down a listening socket takes it out of LISTEN right away,
            // even while the accept loop still holds it.
            let _ = socket2::SockRef::from(&*open.listener).shutdown(std::net::Shutdown::Both);
            open.stop.notify_one();
        }
    }

    /// Re-opens the same port, retrying for a while if the old socket lingers.
    fn reopen(self: &Arc<Self>) {
        if self.try_reopen().is_ok() {
            return;
        }
        let endpoint = Arc::clone(self);
        self.cluster.env.tasks.spawn(async move {
            for _ in 0..100 {
                tokio::time::sleep(Duration::from_millis(50)).await;
                if endpoint.cluster.fault() == Fault::Down || lock(&endpoint.open).is_some() {
                    return;
                }
                match endpoint.try_reopen() {
                    Ok(()) => return,
                    Err(e) => tracing::debug!("sim: re-opening port {}: {e}", endpoint.port),
                }
            }
            tracing::warn!("sim: could not re-open port {}", endpoint.port);
        });
    }

    fn try_reopen(self: &Arc<Self>) -> io::Result<()> {
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", self.port))?;
        std_listener.set_nonblocking(true)?;
        self.open(TcpListener::from_std(std_listener)?);
        Ok(())
    }

    fn open(self: &Arc<Self>, listener: TcpListener) {
        let listener = Arc::new(listener);
        let stop = Arc::new(Notify::new());
        *lock(&self.open) = Some(Open {
            listener: Arc::clone(&listener),
            stop: Arc::clone(&stop),
        });
        let endpoint = Arc::clone(self);
        self.cluster
            .env
            .tasks
            .spawn(endpoint.accept_loop(listener, stop));
    }

    async fn accept_loop(self: Arc<Self>, listener: Arc<TcpListener>, stop: Arc<Notify>) {
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                () = stop.notified() => return,
            };
            match accepted {
                Ok((stream, _peer)) => {
                    self.accepted
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let endpoint = Arc::clone(&self);
                    self.cluster.env.tasks.spawn(endpoint.serve(stream));
                }
                Err(e) => {
                    // Out of file descriptors and the like: breathe, then go on.
                    tracing::debug!("sim {}: accept failed: {e}", self.cluster.name);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    /// Serves one connection until the client leaves or a fault drops it.
    async fn serve(self: Arc<Self>, stream: TcpStream) {
        let mut kill = self.kill.subscribe();
        match self.cluster.fault() {
            Fault::Reset | Fault::Down => return reset(stream),
            Fault::Hang => {
                // Hold the connection open, silent, until told to drop it.
                let _ = kill.changed().await;
                return reset(stream);
            }
            _ => {}
        }
        let abort = Arc::new(AtomicBool::new(false));
        let io = ResetOnDrop {
            tcp: stream,
            abort: Arc::clone(&abort),
        };
        let reset_me = Arc::new(Notify::new());
        let service = fresh_connections_only(
            self.router.clone(),
            self.kill.subscribe(),
            ResetConnection(Arc::clone(&reset_me)),
        );
        let http = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .clone();
        let tls = lock(&self.tls)
            .as_ref()
            .map(|(acceptor, _)| acceptor.clone());
        let garbage = self.cluster.fault() == Fault::Garbage;
        let run = async {
            match &tls {
                None if garbage => answer_garbage(io).await,
                None => {
                    let _ = http.serve_connection(TokioIo::new(io), service).await;
                }
                Some(acceptor) => {
                    let handshake =
                        tokio::time::timeout(Duration::from_secs(30), acceptor.accept(io));
                    match handshake.await {
                        Ok(Ok(tls)) if garbage => answer_garbage(tls).await,
                        Ok(Ok(tls)) => {
                            let _ = http.serve_connection(TokioIo::new(tls), service).await;
                        }
                        _ => {}
                    }
                }
            }
        };
        tokio::select! {
            () = run => {}
            _ = kill.changed() => abort.store(true, Ordering::SeqCst),
            () = reset_me.notified() => abort.store(true, Ordering::SeqCst),
        }
    }
}

/// Resets the connection of the request that carries it (TCP RST, no answer): how a
/// handler plays a connection dropped halfway through an upload.
#[derive(Clone)]
pub(crate) struct ResetConnection(Arc<Notify>);

impl ResetConnection {
    /// Drops the connection with a reset; the handler's future is dropped with it.
    pub(crate) fn now(&self) {
        self.0.notify_one();
    }
}

/// The router, refusing to serve a request on a connection opened before the last
/// "drop every connection" (a rotated certificate, a reset fault). Dropping the open
/// connections happens on their own tasks, a moment later; this makes it exact: once
/// `set_leaf` has returned, no request is answered over the old certificate. Each
/// request carries its connection's [`ResetConnection`].
fn fresh_connections_only(
    router: Router,
    kill: watch::Receiver<u64>,
    reset: ResetConnection,
) -> impl hyper::service::Service<
    hyper::Request<hyper::body::Incoming>,
    Response = axum::response::Response,
    Error = io::Error,
    Future = impl Future<Output = io::Result<axum::response::Response>> + Send,
> + Clone {
    let opened_in = *kill.borrow();
    let inner = TowerToHyperService::new(router);
    hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(reset.clone());
        let stale = *kill.borrow() != opened_in;
        let answer = (!stale).then(|| hyper::service::Service::call(&inner, request));
        async move {
            match answer {
                // Infallible: the router always answers.
                Some(answer) => Ok(answer.await.unwrap_or_else(|never| match never {})),
                None => Err(io::Error::other("connection dropped by the simulator")),
            }
        }
    })
}

/// Reads a request head (at most 64 KiB), answers it with bytes that are not HTTP, and
/// closes the connection.
async fn answer_garbage(mut io: impl AsyncRead + AsyncWrite + Unpin) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while head.len() < 64 * 1024 && !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match io.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let _ = io.write_all(super::hostile::GARBAGE).await;
    let _ = io.shutdown().await;
}

/// Closes a connection with a TCP reset rather than an orderly FIN.
fn reset(stream: TcpStream) {
    let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
    drop(stream);
}

/// A TCP stream that is reset (not closed) on drop when `abort` is set.
struct ResetOnDrop {
    tcp: TcpStream,
    abort: Arc<AtomicBool>,
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
