//! When a poller asks next: its schedule (interval, inventory), the interval with jitter,
//! or a backoff while it fails.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// How each poller behaves; one per target, in target order.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub interval: Duration,
    /// How often the cluster's package repository is read again, besides at its first
    /// answer, on a refresh and when its download state changes; `None`: only when
    /// asked ([`super::Command::FetchPackages`]).
    pub packages_every: Option<Duration>,
}

impl Schedule {
    /// Polls every `interval`; packages only when asked.
    pub fn every(interval: Duration) -> Self {
        Self {
            interval,
            packages_every: None,
        }
    }

    /// Reads the package repository too (the inventory), every `every`.
    pub fn with_inventory(mut self, every: Duration) -> Self {
        self.packages_every = Some(every);
        self
    }
}

use tokio::time::Instant;

use super::MAX_BACKOFF;

/// The interval, ±10 %, so that a fleet started at once does not poll in lockstep.
pub fn jittered(interval: Duration) -> Duration {
    let unit = random_unit(); // 0.0 ..= 1.0
    interval.mul_f64(0.9 + 0.2 * unit)
}

/// Doubling from the interval with each failure, capped at [`MAX_BACKOFF`].
pub fn backoff(interval: Duration, failures: u32) -> Duration {
    let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(16));
    interval
        .saturating_mul(factor)
        .min(MAX_BACKOFF)
        .max(interval.min(MAX_BACKOFF))
}

/// A random number in [0, 1] from the standard library's per-process random keys:
/// plenty for jitter, and no dependency for it.
fn random_unit() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(Instant::now().elapsed().as_nanos() as u64);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped_at_five_minutes() {
        let i = Duration::from_secs(5);
        assert_eq!(backoff(i, 1), Duration::from_secs(5));
        assert_eq!(backoff(i, 2), Duration::from_secs(10));
        assert_eq!(backoff(i, 4), Duration::from_secs(40));
        assert_eq!(backoff(i, 30), MAX_BACKOFF);
        assert_eq!(backoff(Duration::from_secs(600), 1), MAX_BACKOFF);
    }

    #[test]
    fn jitter_stays_within_ten_percent() {
        let i = Duration::from_secs(10);
        for _ in 0..1000 {
            let j = jittered(i);
            assert!(
                j >= Duration::from_secs(9) && j <= Duration::from_secs(11),
                "{j:?}"
            );
        }
    }
}
