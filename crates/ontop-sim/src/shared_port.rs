//! Many clusters on one port: how a simulated fleet of ten thousand fits a machine.
//!
//! With a port each, a fleet needs a listening socket per cluster besides each
//! connection, twice the descriptors (past a common hard limit of 20 000 at 10 000
//! clusters), and an accept loop per cluster. On the shared port one listener takes every
//! connection and hands it to its cluster, told apart by:
//! - the name the TLS ClientHello asks for (SNI), when it is a cluster's name;
//! - else the loopback address the client dialled: cluster `i` is reached at its own
//!   address in 127.0.0.0/8 ([`address`]), which needs no name resolution and nothing of
//!   the client, since all of 127.0.0.0/8 is loopback on Linux.
//!
//! The listener binds the wildcard address, restricted to the loopback device where the
//! system allows it, and resets any connection to an address no cluster has.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use rustls::server::Acceptor;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio_rustls::LazyConfigAcceptor;

use super::SimError;
use super::cluster::Env;
use super::server::{Accepted, Endpoint, HANDSHAKE_TIMEOUT, ResetOnDrop, accept_until_stopped};

/// Connections waiting to be accepted: a fleet's pollers connect all at once.
const BACKLOG: i32 = 4096;

/// Clusters per /24: the last octet runs 1..=250.
const PER_BLOCK: usize = 250;

/// The loopback address cluster `index` (from 0) answers on: 127.1.0.1 ... 127.1.0.250,
/// 127.1.1.1, ... (room for more than ten million clusters).
pub(crate) fn address(index: usize) -> Ipv4Addr {
    let block = index / PER_BLOCK;
    let second = u8::try_from(1 + block / 256).unwrap_or(u8::MAX);
    let third = (block % 256) as u8;
    let fourth = (index % PER_BLOCK) as u8 + 1;
    Ipv4Addr::new(127, second, third, fourth)
}

/// The most clusters [`address`] has room for.
pub(crate) const MAX_CLUSTERS: usize = 254 * 256 * PER_BLOCK;

/// The fleet's one listener, and the signal that stops its accept loop.
pub(crate) struct SharedPort {
    listener: Arc<TcpListener>,
    stop: Arc<Notify>,
    port: u16,
}

/// Which cluster a connection is for.
struct Table {
    by_address: HashMap<Ipv4Addr, Arc<Endpoint>>,
    by_name: HashMap<String, Arc<Endpoint>>,
    tls: bool,
}

impl SharedPort {
    /// Binds `port` (0 = any free port) on every loopback address.
    pub(crate) fn bind(port: u16) -> Result<SharedPort, SimError> {
        let bind = |source| SimError::Bind { port, source };
        let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
            .map_err(bind)?;
        socket.set_reuse_address(true).map_err(bind)?;
        if let Err(e) = socket.bind_device(Some(b"lo")) {
            // Older kernels want CAP_NET_RAW for it: the address check below still
            // turns away anything not meant for a cluster.
            tracing::debug!("sim: shared port not bound to the loopback device: {e}");
        }
        let any = SocketAddr::from((Ipv4Addr::UNSPECIFIED, port));
        socket.bind(&any.into()).map_err(bind)?;
        socket.listen(BACKLOG).map_err(bind)?;
        socket.set_nonblocking(true).map_err(bind)?;
        let listener = TcpListener::from_std(socket.into()).map_err(bind)?;
        let port = listener.local_addr().map_err(bind)?.port();
        Ok(SharedPort {
            listener: Arc::new(listener),
            stop: Arc::new(Notify::new()),
            port,
        })
    }

    /// The port every cluster answers on.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// Starts handing connections to `endpoints` (all HTTPS or all plain HTTP), each on a
    /// task of the run.
    pub(crate) fn serve(&self, endpoints: &[Arc<Endpoint>], env: &Arc<Env>) {
        let table = Table {
            by_address: endpoints.iter().map(|e| (e.ip, Arc::clone(e))).collect(),
            by_name: endpoints
                .iter()
                .map(|e| (e.cluster.name.clone(), Arc::clone(e)))
                .collect(),
            tls: endpoints.first().is_some_and(|e| e.is_tls()),
        };
        let (listener, stop) = (Arc::clone(&self.listener), Arc::clone(&self.stop));
        let accept = accept_loop(listener, stop, Arc::new(table), Arc::clone(env));
        env.tasks.spawn(accept);
    }

    /// Closes the port now: later connections are refused.
    pub(crate) fn close(&self) {
        let _ = socket2::SockRef::from(&*self.listener).shutdown(std::net::Shutdown::Both);
        self.stop.notify_one();
    }
}

async fn accept_loop(
    listener: Arc<TcpListener>,
    stop: Arc<Notify>,
    table: Arc<Table>,
    env: Arc<Env>,
) {
    accept_until_stopped(&listener, &stop, "shared port", |stream| {
        env.tasks.spawn(hand_over(Arc::clone(&table), stream));
    })
    .await;
}

/// Finds the connection's cluster (by SNI, else by the address dialled) and lets it serve
/// the connection; resets a connection no cluster claims.
async fn hand_over(table: Arc<Table>, stream: TcpStream) {
    let dialled = match stream.local_addr().map(|a| a.ip()) {
        Ok(IpAddr::V4(ip)) => table.by_address.get(&ip).cloned(),
        _ => None,
    };
    let (io, abort) = ResetOnDrop::new(stream);
    if !table.tls {
        match dialled {
            Some(endpoint) => endpoint.serve(Accepted::Fresh(io), abort).await,
            None => abort.store(true, std::sync::atomic::Ordering::SeqCst),
        }
        return;
    }
    let hello = LazyConfigAcceptor::new(Acceptor::default(), io);
    let Ok(Ok(hello)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, hello).await else {
        return;
    };
    let named = hello
        .client_hello()
        .server_name()
        .and_then(|name| table.by_name.get(name))
        .cloned();
    match named.or(dialled) {
        Some(endpoint) => {
            endpoint
                .serve(Accepted::Hello(Box::new(hello)), abort)
                .await
        }
        None => abort.store(true, std::sync::atomic::Ordering::SeqCst),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cluster_has_its_own_loopback_address() {
        assert_eq!(address(0), Ipv4Addr::new(127, 1, 0, 1));
        assert_eq!(address(249), Ipv4Addr::new(127, 1, 0, 250));
        assert_eq!(address(250), Ipv4Addr::new(127, 1, 1, 1));
        assert_eq!(address(9_999), Ipv4Addr::new(127, 1, 39, 250));
        assert_eq!(address(256 * 250), Ipv4Addr::new(127, 2, 0, 1));
        assert_eq!(address(MAX_CLUSTERS - 1), Ipv4Addr::new(127, 254, 255, 250));
        let mut seen: Vec<_> = (0..20_000).map(address).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 20_000);
    }
}
