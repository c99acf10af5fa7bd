//! The open-file limit: a simulated fleet of ten thousand clusters listens on ten
//! thousand sockets, and serves a connection each on top, far past the usual soft limit.

/// Raises the soft open-file limit to what `clusters` need (two descriptors each, plus
/// room), as far as the hard limit allows. Returns a warning when it cannot be raised
/// enough, for the caller to print: a fleet that large will then refuse connections.
pub fn raise_open_files(clusters: usize) -> Option<String> {
    let wanted = (clusters as u64).saturating_mul(2).saturating_add(256);
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes the struct it is given, nothing else.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Some("cannot read the open-file limit (getrlimit)".into());
    }
    if limit.rlim_cur >= wanted {
        return None;
    }
    let raised = libc::rlimit {
        rlim_cur: wanted.min(limit.rlim_max),
        rlim_max: limit.rlim_max,
    };
    // SAFETY: setrlimit reads the struct it is given, nothing else.
    let ok = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0;
    let now = if ok { raised.rlim_cur } else { limit.rlim_cur };
    (now < wanted).then(|| {
        format!(
            "{clusters} clusters need about {wanted} open files and the limit is {now} (hard \
             limit {}): raise it (ulimit -n, or LimitNOFILE= for a service) or simulate fewer",
            limit.rlim_max
        )
    })
}
