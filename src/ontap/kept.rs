//! A cluster's requests over the one connection the client keeps itself.
//!
//! Between two polls, a connection kept in the HTTP library's pool also keeps that
//! library's buffers and request queue: about 26 KiB a cluster, some 9 KiB more after
//! its 33rd request (the queue grows a second block), and no setting sizes any of it.
//! Kept here, an idle connection is its socket and its TLS state. A request takes it out
//! of [`Kept`]'s slot, goes over it with hyper's connection API (hyper writes and parses
//! every byte, as it does under reqwest), and the connection goes back once hyper says
//! it can take another request: the answer was read to its end and neither side asked
//! to close. Only an upload (a streamed body, a timeout of its own) goes through
//! reqwest's pool.
//!
//! A connection the cluster closed while it sat idle is seen before it is used (it reads
//! as ended), and not used. Should the cluster close it just then, a GET goes once more
//! on a new connection (it changes nothing), and so does any request hyper had not sent.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Waker};
use std::time::Duration;

use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use reqwest::header::{HOST, HeaderMap, HeaderValue};
use reqwest::{Body, Method};
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};
use tokio::time::Instant;
use tokio_rustls::TlsConnector;

use super::transport::Timeouts;

/// A connection, over TLS or (labs only) plain TCP.
trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}
type Stream = Box<dyn Io>;

/// How long TCP waits on an idle kept connection before it checks the other end is
/// there, and between checks (reqwest's settings): a firewall that forgets quiet
/// connections forgets none of these.
const TCP_KEEPALIVE: Duration = Duration::from_secs(15);

/// One cluster's kept connection, and how to open another.
pub(super) struct Kept {
    /// `None` for plain `http://`.
    tls: Option<TlsConnector>,
    host: String,
    port: u16,
    /// The name the TLS session is opened for (the URL's host).
    server_name: ServerName<'static>,
    /// The `Host` header: the URL's host, and its port when not the scheme's own.
    authority: HeaderValue,
    /// Every request's other headers: how ontop names itself, and what it reads.
    headers: &'static HeaderMap,
    /// The connection between two requests, when the last one left it reusable. A
    /// request holds the slot until its answer is read: a cluster's requests go one
    /// after the other, on one connection (another one waits for it, rather than open a
    /// second: ONTAP limits connections per client address).
    slot: Arc<Mutex<Option<Stream>>>,
}

/// Why a request got no answer.
pub(super) enum Failed {
    /// A limit ran out: the connect timeout (`connecting`), else the request's.
    TimedOut { connecting: bool },
    /// The HTTP exchange failed: the request may have gone out (hyper's own "not
    /// sent" aside, which [`Failed::Connecting`] joins).
    Transport(Box<dyn std::error::Error + Send + Sync>),
    /// Nothing was sent: the connection or its TLS handshake failed, or hyper never
    /// wrote the request.
    Connecting(Box<dyn std::error::Error + Send + Sync>),
}

/// A connection while its answer is read: [`InUse::give_back`] keeps it for the next
/// request when hyper says it can take one; dropped, it is closed (and the next request
/// connects anew).
pub(super) struct InUse {
    /// Held until the answer is read: dropping it tells hyper no request follows.
    sender: SendRequest<Body>,
    /// The connection, handed back by its driving task once hyper is done with it.
    parts: oneshot::Receiver<Option<Stream>>,
    /// The cluster's slot, held: the next request waits until this one is done.
    slot: OwnedMutexGuard<Option<Stream>>,
    /// When the request's time is up: its answer is read by then.
    deadline: Instant,
}

impl InUse {
    /// When the request's time is up.
    pub(super) fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Keeps the connection for the next request when hyper says it can take one (the
    /// answer was read to its end, and neither side asked to close), by the deadline;
    /// the next request may go either way.
    pub(super) async fn give_back(self) {
        let Self {
            mut sender,
            parts,
            mut slot,
            deadline,
        } = self;
        let ready = tokio::time::timeout_at(deadline, sender.ready()).await;
        if !matches!(ready, Ok(Ok(()))) {
            return;
        }
        drop(sender);
        if let Ok(Ok(Some(stream))) = tokio::time::timeout_at(deadline, parts).await {
            *slot = Some(stream);
        }
    }
}

/// A request's answer head, the handle to send on, and the connection to come back.
type Asked = (
    http::Response<hyper::body::Incoming>,
    SendRequest<Body>,
    oneshot::Receiver<Option<Stream>>,
);

/// The kept `stream`, unless the cluster has closed it (or sent an answer nobody asked
/// for) while it sat idle. Reading it without waiting also takes in what TLS sends
/// between answers (session tickets), which is no reason to drop it.
fn quiet(mut stream: Stream) -> Option<Stream> {
    let mut byte = [0u8; 1];
    let mut unread = ReadBuf::new(&mut byte);
    let mut context = Context::from_waker(Waker::noop());
    let pending = Pin::new(&mut stream)
        .poll_read(&mut context, &mut unread)
        .is_pending();
    pending.then_some(stream)
}

impl Kept {
    /// For `url` (`https://host[:port]` or `http://…`), with `tls` when it is HTTPS, and
    /// `headers` on every request; `None` when the URL names no host.
    pub(super) fn new(
        url: &reqwest::Url,
        tls: Option<TlsConnector>,
        headers: &'static HeaderMap,
    ) -> Option<Self> {
        let shown = url.host_str()?;
        // An IPv6 address is written in brackets in a URL, and connected to without.
        let host = shown
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = url.port_or_known_default()?;
        let server_name = ServerName::try_from(host.clone()).ok()?;
        let authority = match url.port() {
            Some(port) => format!("{shown}:{port}"),
            None => shown.to_string(),
        };
        Some(Self {
            tls,
            host,
            port,
            server_name,
            authority: HeaderValue::from_str(&authority).ok()?,
            headers,
            slot: Arc::new(Mutex::new(None)),
        })
    }

    /// Whether `request` goes over the kept connection: all but an upload (a streamed
    /// body, which cannot be sent twice, and a timeout of its own).
    pub(super) fn takes(request: &reqwest::Request) -> bool {
        request.timeout().is_none() && request.body().is_none_or(|b| b.as_bytes().is_some())
    }

    /// Sends `request` on the kept connection, else on a new one: its answer's head, the
    /// body still to read. It waits for the cluster's earlier requests first (each is
    /// bounded by its own timeout), and its own timeout starts once the connection is
    /// its own: a change queued behind a slow poll is not sent with its time all but
    /// spent, to be reported unanswered.
    pub(super) async fn send(
        &self,
        request: reqwest::Request,
        limits: Timeouts,
    ) -> Result<(reqwest::Response, InUse), Failed> {
        let mut slot = self.slot.clone().lock_owned().await;
        let deadline = Instant::now() + limits.request;
        let repeatable = request.method() == Method::GET;
        // Built before the idle connection is taken: a bad target does not cost it.
        let mut sent = self.http_request(&request)?;
        if let Some(stream) = slot.take().and_then(quiet) {
            match exchange(stream, sent, deadline).await {
                Err(Failed::Transport(error) | Failed::Connecting(error))
                    if unsent(error.as_ref(), repeatable) =>
                {
                    // Again on a new connection, built anew: hyper kept the first.
                    sent = self.http_request(&request)?;
                }
                Ok(asked) => return Ok(in_use(asked, slot, deadline)),
                Err(failed) => return Err(failed),
            }
        }
        let stream = self.connect(limits, deadline).await?;
        let asked = exchange(stream, sent, deadline).await?;
        Ok(in_use(asked, slot, deadline))
    }

    /// `request` as hyper's connection API takes it: the path and query only, and the
    /// headers reqwest would have added. Its body, if any, is bytes ([`Kept::takes`]),
    /// copied: a request that must go again is built again from `request`.
    fn http_request(&self, request: &reqwest::Request) -> Result<http::Request<Body>, Failed> {
        let target = match request.url().query() {
            Some(query) => format!("{}?{query}", request.url().path()),
            None => request.url().path().to_string(),
        };
        let body =
            (request.body().and_then(Body::as_bytes)).map(|bytes| Body::from(bytes.to_vec()));
        let mut sent = http::Request::new(body.unwrap_or_default());
        *sent.method_mut() = request.method().clone();
        *sent.uri_mut() = (target.parse()).map_err(|e| Failed::Connecting(Box::new(e)))?;
        let headers = sent.headers_mut();
        headers.reserve(self.headers.len() + request.headers().len() + 1);
        headers.insert(HOST, self.authority.clone());
        for (name, value) in self.headers {
            headers.insert(name, value.clone());
        }
        for name in request.headers().keys() {
            headers.remove(name);
        }
        for (name, value) in request.headers() {
            headers.append(name, value.clone());
        }
        Ok(sent)
    }

    /// A new connection: TCP, then TLS, within the connect timeout.
    async fn connect(&self, limits: Timeouts, deadline: Instant) -> Result<Stream, Failed> {
        let until = deadline.min(Instant::now() + limits.connect);
        let connecting = async {
            let tcp = tcp_to(&self.host, self.port, limits.connect).await?;
            tcp.set_nodelay(true)?;
            let keepalive = socket2::TcpKeepalive::new()
                .with_time(TCP_KEEPALIVE)
                .with_interval(TCP_KEEPALIVE)
                .with_retries(3);
            socket2::SockRef::from(&tcp).set_tcp_keepalive(&keepalive)?;
            Ok::<Stream, std::io::Error>(match &self.tls {
                Some(tls) => Box::new(tls.connect(self.server_name.clone(), tcp).await?),
                None => Box::new(tcp),
            })
        };
        match tokio::time::timeout_at(until, connecting).await {
            Ok(Ok(stream)) => Ok(stream),
            Ok(Err(error)) => Err(Failed::Connecting(Box::new(error))),
            Err(_) => Err(Failed::TimedOut { connecting: true }),
        }
    }
}

/// A TCP connection to `host`: each of its addresses in turn, each but the last given an
/// equal share of `connect` (as reqwest's connector does), so that one address that
/// drops packets (an unreachable IPv6 one, a dead LIF of a round-robin name) leaves time
/// for the next. The caller's connect timeout bounds the last.
async fn tcp_to(host: &str, port: u16, connect: Duration) -> std::io::Result<TcpStream> {
    let mut addresses: Vec<_> = tokio::net::lookup_host((host, port)).await?.collect();
    let share = connect / u32::try_from(addresses.len().max(1)).unwrap_or(u32::MAX);
    let Some(last_address) = addresses.pop() else {
        let message = format!("{host} has no address");
        return Err(std::io::Error::new(std::io::ErrorKind::NotFound, message));
    };
    for address in addresses {
        // A refusal, or no answer within its share: the next address.
        if let Ok(Ok(tcp)) = tokio::time::timeout(share, TcpStream::connect(address)).await {
            return Ok(tcp);
        }
    }
    TcpStream::connect(last_address).await
}

/// An answer as the client reads it, and its connection holding the cluster's `slot`.
fn in_use(
    (response, sender, parts): Asked,
    slot: OwnedMutexGuard<Option<Stream>>,
    deadline: Instant,
) -> (reqwest::Response, InUse) {
    let response = reqwest::Response::from(response.map(Body::wrap));
    let connection = InUse {
        sender,
        parts,
        slot,
        deadline,
    };
    (response, connection)
}

/// One request on `stream`: the answer's head, by `deadline`. A task drives the
/// connection (hyper's way) and hands it back when hyper is done with it.
async fn exchange(
    stream: Stream,
    request: http::Request<Body>,
    deadline: Instant,
) -> Result<Asked, Failed> {
    let asked = async {
        let (mut sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
        let (back, parts) = oneshot::channel();
        tokio::spawn(async move {
            let parts = connection.without_shutdown().await.ok();
            let stream = (parts.filter(|parts| parts.read_buf.is_empty()))
                .map(|parts| parts.io.into_inner());
            let _ = back.send(stream);
        });
        let response = sender.send_request(request).await?;
        Ok::<_, hyper::Error>((response, sender, parts))
    };
    match tokio::time::timeout_at(deadline, asked).await {
        Ok(Ok(asked)) => Ok(asked),
        Ok(Err(error)) if error.is_canceled() => Err(Failed::Connecting(Box::new(error))),
        Ok(Err(error)) => Err(Failed::Transport(Box::new(error))),
        Err(_) => Err(Failed::TimedOut { connecting: false }),
    }
}

/// The failure of a request that can go again on a new connection: one hyper never
/// sent, or a GET (`repeatable`) on a connection the cluster closed before answering.
fn unsent(error: &(dyn std::error::Error + 'static), repeatable: bool) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof};
    let Some(http) = error.downcast_ref::<hyper::Error>() else {
        return false;
    };
    let io = std::error::Error::source(http).and_then(|e| e.downcast_ref::<std::io::Error>());
    let closed = http.is_incomplete_message()
        || io.is_some_and(|io| {
            matches!(
                io.kind(),
                BrokenPipe | ConnectionAborted | ConnectionReset | UnexpectedEof
            )
        });
    http.is_canceled() || (repeatable && closed)
}
