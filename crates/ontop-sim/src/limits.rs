//! The open-file limit: a simulated fleet of ten thousand clusters serves ten thousand
//! connections, and with a port per cluster listens on ten thousand sockets besides, far
//! past the usual soft limit.

/// Raises the soft open-file limit for `clusters` clusters with a port each (two
/// descriptors a cluster, plus room). Returns a warning when it cannot be raised enough,
/// for the caller to print: a fleet that large will then refuse connections.
pub fn raise_open_files(clusters: usize) -> Option<String> {
    raise_for(clusters, 2)
}

/// Raises the soft open-file limit, as far as the hard limit allows, when `clusters`
/// clusters taking `per_cluster` descriptors each (a listener and a connection with a port
/// each, a connection on the shared port) need more than it gives.
pub(crate) fn raise_for(clusters: usize, per_cluster: u64) -> Option<String> {
    let wanted = (clusters as u64)
        .saturating_mul(per_cluster)
        .saturating_add(256);
    let Ok((soft, hard)) = rlimit::getrlimit(rlimit::Resource::NOFILE) else {
        return Some("cannot read the open-file limit (getrlimit)".into());
    };
    if soft >= wanted {
        return None;
    }
    // As high as allowed: room for clients that open more than one connection each.
    let now = rlimit::increase_nofile_limit(hard).unwrap_or(soft);
    (now < wanted).then(|| {
        let shared = if per_cluster > 1 {
            ", run them on one port (--shared-port)"
        } else {
            ""
        };
        format!(
            "{clusters} clusters need about {wanted} open files and the limit is {now} (hard \
             limit {hard}): raise it (ulimit -n, or LimitNOFILE= for a service){shared} or \
             simulate fewer"
        )
    })
}
