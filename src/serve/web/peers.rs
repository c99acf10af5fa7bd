//! Connections per client: no one address may hold more than its share of the server.
//!
//! The server's connection slots are few (the pollers need descriptors too), so a single
//! client opening connections that never finish could otherwise hold every one of them
//! and keep Prometheus out. A client is its IPv4 address, or its IPv6 /64 (one host's
//! share of a network; an address of each per connection would be free to take).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// Who a client is, for counting: its IPv4 address (IPv4-mapped IPv6 included), or the
/// /64 network of its IPv6 address.
pub(crate) fn client_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(prefix.into())
            }
        },
    }
}

/// The open connections of each client; an entry lives as long as its connections.
#[derive(Debug)]
pub(crate) struct Peers {
    per_client: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One connection's place among its client's; given back when dropped.
#[derive(Debug)]
pub(crate) struct PeerSlot {
    peers: Arc<Peers>,
    client: IpAddr,
}

impl Peers {
    /// At most `per_client` connections open at once for each client.
    pub(crate) fn new(per_client: usize) -> Arc<Self> {
        Arc::new(Self {
            per_client,
            open: Mutex::new(HashMap::new()),
        })
    }

    /// A place for one more connection from `ip`, or `None` when its client has all of
    /// its connections open already.
    pub(crate) fn take(self: &Arc<Self>, ip: IpAddr) -> Option<PeerSlot> {
        let client = client_of(ip);
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(client).or_insert(0);
        if *count >= self.per_client {
            return None;
        }
        *count += 1;
        Some(PeerSlot {
            peers: self.clone(),
            client,
        })
    }
}

impl Drop for PeerSlot {
    fn drop(&mut self) {
        let mut open = self.peers.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_client_has_its_own_share_and_gets_it_back() {
        let peers = Peers::new(2);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let first = peers.take(a).unwrap();
        let _second = peers.take(a).unwrap();
        assert!(peers.take(a).is_none());
        assert!(peers.take(b).is_some());
        drop(first);
        assert!(peers.take(a).is_some());
        assert!(peers.open.lock().unwrap().len() <= 2);
    }

    #[test]
    fn an_ipv6_host_is_counted_by_its_network_and_mapped_ipv4_as_ipv4() {
        let one: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let other: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        assert_eq!(client_of(one), client_of(other));
        assert_ne!(
            client_of(one),
            client_of("2001:db8:1:3::1".parse().unwrap())
        );
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(client_of(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
    }
}
