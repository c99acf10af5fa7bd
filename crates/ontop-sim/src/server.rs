//! The network side of one simulated cluster: its loopback listener, TLS,
//! HTTP/1.1, and the connection-level faults.
//!
//! Each cluster owns a port on 127.0.0.1, or shares one port with the whole fleet
//! (`shared_port.rs`, which hands each connection to its cluster). `down` closes a
//! cluster's own port (connections are refused) and clearing it re-opens the same port;
//! on the shared port it resets each new connection instead. `reset` answers each new
//! connection with a TCP RST; `hang` accepts and never speaks. Setting `down` or `reset`
//! also drops the connections already open, so a client with pooled keep-alive
//! connections meets the fault on its next request.

mod conn;

use std::io;
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use rustls::ServerConfig;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio_rustls::{StartHandshake, TlsAcceptor};

use super::SimError;
use super::api;
use super::cluster::Cluster;
use super::fault::Fault;
use super::tasks::lock;
use super::tls::Leaf;
pub(crate) use conn::ResetOnDrop;
use conn::answer_raw;

/// How long a client has to finish its TLS handshake.
pub(crate) const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

/// The open listening socket and the signal that stops its accept loop.
struct Open {
    listener: Arc<TcpListener>,
    stop: Arc<Notify>,
}

/// One cluster's address and the connections it serves.
pub(crate) struct Endpoint {
    pub(crate) cluster: Arc<Cluster>,
    /// The address clients dial: 127.0.0.1 on a port of its own, or the cluster's own
    /// loopback address on the shared port.
    pub(crate) ip: Ipv4Addr,
    pub(crate) port: u16,
    /// The certificate served and its PEM; `None` for plain HTTP. Swapped by
    /// [`Endpoint::set_leaf`] to play a certificate renewal.
    tls: Mutex<Option<(Arc<ServerConfig>, String)>>,
    /// The cluster's own listener; always `None` on the shared port.
    open: Mutex<Option<Open>>,
    /// True on the shared port: `down` cannot close it, and resets instead.
    shared: bool,
    /// Bumped to drop every open connection (with an RST).
    kill: watch::Sender<u64>,
    /// Connections accepted so far: lets tests prove that clients keep connections alive.
    pub(crate) accepted: AtomicU64,
}

/// A connection handed to [`Endpoint::serve`], and how far it got before its cluster was
/// known.
pub(crate) enum Accepted {
    /// Nothing read yet.
    Fresh(ResetOnDrop),
    /// TLS with the ClientHello read: the shared port reads it for the name it asks for.
    Hello(Box<StartHandshake<ResetOnDrop>>),
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
        let endpoint = Arc::new(Endpoint::new(cluster, Ipv4Addr::LOCALHOST, port, tls));
        endpoint.open(listener);
        Ok(endpoint)
    }

    /// A cluster on the shared port, reached at `ip`: the shared listener hands it its
    /// connections.
    pub(crate) fn on_shared_port(
        cluster: Arc<Cluster>,
        ip: Ipv4Addr,
        port: u16,
        tls: Option<Leaf>,
    ) -> Arc<Endpoint> {
        Arc::new(Endpoint {
            shared: true,
            ..Endpoint::new(cluster, ip, port, tls)
        })
    }

    fn new(cluster: Arc<Cluster>, ip: Ipv4Addr, port: u16, tls: Option<Leaf>) -> Endpoint {
        Endpoint {
            cluster,
            ip,
            port,
            tls: Mutex::new(tls.map(|leaf| (leaf.config, leaf.pem))),
            open: Mutex::new(None),
            shared: false,
            kill: watch::Sender::new(0),
            accepted: AtomicU64::new(0),
        }
    }

    /// True when the cluster presents a certificate (HTTPS).
    pub(crate) fn is_tls(&self) -> bool {
        lock(&self.tls).is_some()
    }

    /// The PEM of the certificate the cluster presents now; `None` for plain HTTP.
    pub(crate) fn certificate_pem(&self) -> Option<String> {
        lock(&self.tls).as_ref().map(|(_, pem)| pem.clone())
    }

    /// Presents `leaf` from now on, and drops open connections so that clients meet it
    /// on their next request (as when a real cluster's web service restarts with it).
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn set_leaf(&self, leaf: Leaf) {
        *lock(&self.tls) = Some((leaf.config, leaf.pem));
        self.kill.send_modify(|epoch| *epoch += 1);
    }

    /// Sets the cluster's fault and adjusts the socket side to match.
    /// Must run inside the tokio runtime (it may re-open the port).
    pub(crate) fn set_fault(self: &Arc<Self>, fault: Fault) {
        let was_down = self.cluster.replace_fault(fault.clone()) == Fault::Down;
        if matches!(fault, Fault::Down | Fault::Reset)
            || crate::hostile::raw_answer(&fault).is_some()
        {
            self.kill.send_modify(|epoch| *epoch += 1);
        }
        match (was_down, fault == Fault::Down) {
            _ if self.shared => {}
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
        accept_until_stopped(&listener, &stop, &self.cluster.name, |stream| {
            let endpoint = Arc::clone(&self);
            let (io, abort) = ResetOnDrop::new(stream);
            let serve = endpoint.serve(Accepted::Fresh(io), abort);
            self.cluster.env.tasks.spawn(serve);
        })
        .await;
    }

    /// Serves one connection until the client leaves or a fault drops it; `abort` makes
    /// dropping the connection a reset.
    pub(crate) async fn serve(self: Arc<Self>, accepted: Accepted, abort: Arc<AtomicBool>) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
        let mut kill = self.kill.subscribe();
        match self.cluster.fault() {
            Fault::Reset | Fault::Down => return abort.store(true, Ordering::SeqCst),
            Fault::Hang => {
                // Hold the connection open, silent, until told to drop it.
                let _ = kill.changed().await;
                return abort.store(true, Ordering::SeqCst);
            }
            _ => {}
        }
        let reset_me = Arc::new(Notify::new());
        let service = fresh_connections_only(
            // Per connection: an idle cluster holds no router.
            api::router(Arc::clone(&self.cluster)),
            Arc::clone(&self.cluster),
            self.kill.subscribe(),
            ResetConnection(Arc::clone(&reset_me)),
        );
        let http = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .clone();
        let tls = lock(&self.tls)
            .as_ref()
            .map(|(config, _)| Arc::clone(config));
        let raw = crate::hostile::raw_answer(&self.cluster.fault());
        let run = async {
            let handshake = match (accepted, tls) {
                (Accepted::Fresh(io), None) => {
                    match raw {
                        Some(answer) => answer_raw(io, answer).await,
                        None => {
                            let _ = http.serve_connection(TokioIo::new(io), service).await;
                        }
                    }
                    return;
                }
                (Accepted::Fresh(io), Some(config)) => {
                    let accept = TlsAcceptor::from(config).accept(io);
                    tokio::time::timeout(HANDSHAKE_TIMEOUT, accept).await
                }
                (Accepted::Hello(hello), Some(config)) => {
                    let accept = (*hello).into_stream(config);
                    tokio::time::timeout(HANDSHAKE_TIMEOUT, accept).await
                }
                // The shared port reads no ClientHello for a plain HTTP fleet.
                (Accepted::Hello(_), None) => return,
            };
            match (handshake, raw) {
                (Ok(Ok(tls)), Some(answer)) => answer_raw(tls, answer).await,
                (Ok(Ok(tls)), None) => {
                    let _ = http.serve_connection(TokioIo::new(tls), service).await;
                }
                _ => {}
            }
        };
        tokio::select! {
            () = run => {}
            _ = kill.changed() => abort.store(true, Ordering::SeqCst),
            () = reset_me.notified() => abort.store(true, Ordering::SeqCst),
        }
    }
}

/// Accepts connections on `listener` until `stop`, handing each to `accepted`. An accept
/// that fails (out of file descriptors and the like) is logged for `who`, and tried again
/// after a breath.
pub(crate) async fn accept_until_stopped(
    listener: &TcpListener,
    stop: &Notify,
    who: &str,
    mut accepted: impl FnMut(TcpStream),
) {
    loop {
        let next = tokio::select! {
            next = listener.accept() => next,
            () = stop.notified() => return,
        };
        match next {
            Ok((stream, _peer)) => accepted(stream),
            Err(e) => {
                tracing::debug!("sim {who}: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
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

/// The cluster's router, refusing to serve a request on a connection
/// opened before the last "drop every connection" (a rotated certificate, a reset fault).
/// Dropping the open connections happens on their own tasks, a moment later; this makes
/// it exact: once `set_leaf` has returned, no request is answered over the old
/// certificate. Each request carries its cluster and its connection's
/// [`ResetConnection`].
fn fresh_connections_only(
    router: Router,
    cluster: Arc<Cluster>,
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
        request.extensions_mut().insert(Arc::clone(&cluster));
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
