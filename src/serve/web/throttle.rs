//! Failed logins, throttled and summed up per client.
//!
//! A client may get the `[serve]` login wrong a few times; after that each failure makes
//! it wait longer (1 s, 2 s, 4 s … up to a minute) before a login from it is checked
//! again, and a login tried while it waits is refused unchecked (429 and `Retry-After`),
//! so guessing runs at about one password a minute however many connections carry it.
//! A right login ends the wait's growth. The log gets one line per client and interval
//! ("refused 412 logins from 127.0.0.1 in the last minute"), never one per guess. The
//! table is bounded: clients quiet for a while are forgotten, and when it is full the
//! one quiet longest makes room.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, Weak};
use std::time::Duration;

use tokio::time::Instant;

use super::peers::client_of;

/// Failures allowed before a client has to wait.
const FREE_FAILURES: u32 = 5;
/// The first wait; each further failure doubles it, up to [`LONGEST_WAIT`].
const FIRST_WAIT: Duration = Duration::from_secs(1);
/// The longest a client is made to wait.
const LONGEST_WAIT: Duration = Duration::from_secs(60);
/// A client with no failure for this long starts afresh.
const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);
/// The most clients remembered at once.
const MAX_CLIENTS: usize = 4096;
/// How often the refused logins are summed up in the log.
pub(crate) const REPORT_EVERY: Duration = Duration::from_secs(60);

/// What a login from a client meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Check it.
    Check,
    /// Refuse it unchecked: the client must wait this long more.
    Wait(Duration),
}

/// The failed logins of each client, and what the next log summary says.
#[derive(Debug)]
pub(crate) struct LoginThrottle {
    table: Mutex<Table>,
}

#[derive(Debug)]
struct Table {
    clients: HashMap<Option<IpAddr>, Client>,
    /// Refused logins of clients forgotten to make room, since the last summary.
    refused_elsewhere: u64,
    last_report: Instant,
}

#[derive(Debug, Clone, Copy)]
struct Client {
    failures: u32,
    last_failure: Instant,
    wait_until: Option<Instant>,
    /// Logins refused since the last summary (failed, or refused while waiting).
    refused: u64,
}

impl LoginThrottle {
    /// An empty table.
    pub(crate) fn new() -> Self {
        Self {
            table: Mutex::new(Table {
                clients: HashMap::new(),
                refused_elsewhere: 0,
                last_report: Instant::now(),
            }),
        }
    }

    fn table(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether a login from `ip` (`None`: unknown) is checked now; a refusal counts.
    pub(crate) fn verdict(&self, ip: Option<IpAddr>, now: Instant) -> Verdict {
        let mut table = self.table();
        let Some(client) = table.clients.get_mut(&ip.map(client_of)) else {
            return Verdict::Check;
        };
        match client.wait_until {
            Some(until) if until > now => {
                client.refused += 1;
                Verdict::Wait(until - now)
            }
            _ => Verdict::Check,
        }
    }

    /// A login from `ip` was wrong: counted, and past the free ones, a longer wait.
    pub(crate) fn failed(&self, ip: Option<IpAddr>, now: Instant) {
        let mut table = self.table();
        let key = ip.map(client_of);
        if !table.clients.contains_key(&key) {
            table.make_room(now);
        }
        let client = table.clients.entry(key).or_insert(Client {
            failures: 0,
            last_failure: now,
            wait_until: None,
            refused: 0,
        });
        if now.duration_since(client.last_failure) >= FORGET_AFTER {
            client.failures = 0;
        }
        client.failures += 1;
        client.refused += 1;
        client.last_failure = now;
        if client.failures >= FREE_FAILURES {
            client.wait_until = Some(now + wait_after(client.failures));
        }
    }

    /// A login from `ip` was right: its failures are forgiven (its refusals are still
    /// summed up).
    pub(crate) fn succeeded(&self, ip: Option<IpAddr>) {
        let mut table = self.table();
        let key = ip.map(client_of);
        if let Some(client) = table.clients.get_mut(&key) {
            if client.refused == 0 {
                table.clients.remove(&key);
            } else {
                client.failures = 0;
                client.wait_until = None;
            }
        }
    }

    /// The summary lines since the last call (one per client that was refused), and
    /// the clients that have nothing left to remember forgotten.
    pub(crate) fn report(&self, now: Instant) -> Vec<String> {
        let mut table = self.table();
        let period = words(now.duration_since(table.last_report));
        table.last_report = now;
        let mut lines = Vec::new();
        for (client, counted) in &mut table.clients {
            if counted.refused > 0 {
                let n = logins(std::mem::take(&mut counted.refused));
                lines.push(format!("refused {n} from {} in {period}", shown(*client)));
            }
        }
        if table.refused_elsewhere > 0 {
            let n = logins(std::mem::take(&mut table.refused_elsewhere));
            lines.push(format!("refused {n} from other addresses in {period}"));
        }
        table.clients.retain(|_, c| !c.forgettable(now));
        lines.sort();
        lines
    }
}

impl Table {
    /// Makes room for one more client when the table is full: first by forgetting the
    /// clients with nothing to remember, then the one whose last failure is oldest.
    fn make_room(&mut self, now: Instant) {
        if self.clients.len() < MAX_CLIENTS {
            return;
        }
        let mut refused = 0;
        self.clients.retain(|_, c| {
            let forget = c.forgettable(now);
            if forget {
                refused += c.refused;
            }
            !forget
        });
        if self.clients.len() >= MAX_CLIENTS
            && let Some(oldest) = self
                .clients
                .iter()
                .min_by_key(|(_, c)| c.last_failure)
                .map(|(ip, _)| *ip)
        {
            refused += self.clients.remove(&oldest).map_or(0, |c| c.refused);
        }
        self.refused_elsewhere += refused;
    }
}

impl Client {
    /// Quiet for long enough, and no longer made to wait.
    fn forgettable(&self, now: Instant) -> bool {
        now.duration_since(self.last_failure) >= FORGET_AFTER
            && self.wait_until.is_none_or(|until| until <= now)
    }
}

/// The wait after the `failures`th failure in a row (from the [`FREE_FAILURES`]th on).
fn wait_after(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(FREE_FAILURES).min(16);
    FIRST_WAIT.saturating_mul(1 << doublings).min(LONGEST_WAIT)
}

/// A client as the log names it: an address, or an IPv6 network.
fn shown(client: Option<IpAddr>) -> String {
    match client {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => format!("{v6}/64"),
        None => "an unknown address".into(),
    }
}

fn logins(n: u64) -> String {
    if n == 1 {
        "1 login".into()
    } else {
        format!("{n} logins")
    }
}

/// "the last minute", "the last 12 s".
fn words(period: Duration) -> String {
    let secs = period.as_secs_f64().round() as u64;
    if secs == 60 {
        "the last minute".into()
    } else {
        format!("the last {secs} s")
    }
}

/// Every [`REPORT_EVERY`], logs the summary lines; ends (after a last summary) once the
/// throttle is gone.
pub(crate) async fn report_every(throttle: Weak<LoginThrottle>, every: Duration) {
    let mut ticks = tokio::time::interval_at(Instant::now() + every, every);
    loop {
        ticks.tick().await;
        let Some(throttle) = throttle.upgrade() else {
            return;
        };
        for line in throttle.report(Instant::now()) {
            tracing::warn!("{line}");
        }
    }
}

impl Drop for LoginThrottle {
    /// What was refused since the last summary still reaches the log.
    fn drop(&mut self) {
        for line in self.report(Instant::now()) {
            tracing::warn!("{line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_waits_longer_after_each_failure_past_a_few() {
        let throttle = LoginThrottle::new();
        let guesser = ip("192.0.2.1");
        for _ in 0..FREE_FAILURES - 1 {
            assert_eq!(throttle.verdict(guesser, Instant::now()), Verdict::Check);
            throttle.failed(guesser, Instant::now());
        }
        let mut waits = Vec::new();
        for _ in 0..9 {
            assert_eq!(throttle.verdict(guesser, Instant::now()), Verdict::Check);
            throttle.failed(guesser, Instant::now());
            let Verdict::Wait(wait) = throttle.verdict(guesser, Instant::now()) else {
                panic!("a wait after {FREE_FAILURES} failures");
            };
            waits.push(wait.as_secs());
            tokio::time::advance(wait).await;
        }
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        // Another client is not held up by this one.
        assert_eq!(
            throttle.verdict(ip("192.0.2.2"), Instant::now()),
            Verdict::Check
        );
        // A right login stops the growth: the next failures are free again.
        throttle.succeeded(guesser);
        throttle.failed(guesser, Instant::now());
        assert_eq!(throttle.verdict(guesser, Instant::now()), Verdict::Check);
    }

    #[tokio::test(start_paused = true)]
    async fn refusals_are_summed_up_once_per_interval_per_client() {
        let throttle = LoginThrottle::new();
        let now = Instant::now();
        for _ in 0..412 {
            if throttle.verdict(ip("127.0.0.1"), now) == Verdict::Check {
                throttle.failed(ip("127.0.0.1"), now);
            }
        }
        throttle.failed(ip("::1"), now);
        tokio::time::advance(REPORT_EVERY).await;
        assert_eq!(
            throttle.report(Instant::now()),
            [
                "refused 1 login from ::/64 in the last minute",
                "refused 412 logins from 127.0.0.1 in the last minute",
            ]
        );
        tokio::time::advance(Duration::from_secs(12)).await;
        assert!(throttle.report(Instant::now()).is_empty());
        throttle.failed(ip("127.0.0.1"), Instant::now());
        tokio::time::advance(Duration::from_secs(3)).await;
        assert_eq!(
            throttle.report(Instant::now()),
            ["refused 1 login from 127.0.0.1 in the last 3 s"]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_table_stays_bounded_and_forgets_quiet_clients() {
        let throttle = LoginThrottle::new();
        for n in 0..(MAX_CLIENTS as u32 + 100) {
            let client = Some(IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + n)));
            throttle.failed(client, Instant::now());
            tokio::time::advance(Duration::from_millis(1)).await;
        }
        assert_eq!(throttle.table().clients.len(), MAX_CLIENTS);
        let lines = throttle.report(Instant::now());
        assert_eq!(
            lines.len(),
            MAX_CLIENTS + 1,
            "one line each, and the rest together"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("refused 100 logins from other"))
        );
        tokio::time::advance(FORGET_AFTER).await;
        assert!(throttle.report(Instant::now()).is_empty());
        assert!(throttle.table().clients.is_empty());
    }
}
