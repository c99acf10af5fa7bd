//! When a poller asks next: its schedule (interval, inventory), its place in the
//! interval, and a backoff while it fails.
//!
//! A fleet's polls are spread evenly over the interval, so ten thousand clusters cost
//! the same every second instead of all at once: each poller keeps its own phase (a
//! low-discrepancy sequence over the pollers' indices, even for any number of clusters)
//! and polls on that grid without drifting. At start a poller asks at its phase, or
//! sooner when its turn in a ramp of [`RAMP_STEP`] per cluster comes first, so the first
//! rows fill quickly without a thundering herd. Phases fall on slots of [`SLOT`]: the
//! pollers of one slot wake together, so a fleet of thousands wakes the runtime tens of
//! times a second, not hundreds, and no poll moves by more than a slot. A failing
//! cluster backs off with jitter, so clusters that failed together (a network blip) do
//! not come back together.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use tokio::time::Instant;

use super::MAX_BACKOFF;

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

/// The first polls of a fleet start at most one per this step, in cluster order (besides
/// those whose phase comes first): 200 new connections a second.
pub(super) const RAMP_STEP: Duration = Duration::from_millis(5);

/// The width of the slots the pollers' phases fall on. A wake-up of the runtime (a
/// timer, then the answers) cost more than the poll it served when each of a thousand
/// pollers woke on its own; twenty slots a second still spread a fleet evenly.
const SLOT: Duration = Duration::from_millis(50);

/// The fractional part of the golden ratio: the phases `i × φ mod 1` of any number of
/// pollers fill the interval evenly, each new one in the largest gap left.
const PHI: f64 = 0.618_033_988_749_894_9;

/// One poller's place in its interval: the grid of instants it polls on.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cadence {
    interval: Duration,
    /// When the engine started: the ramp counts from here.
    start: Instant,
    /// The first point of the grid: the start plus the poller's phase.
    anchor: Instant,
}

impl Cadence {
    /// The cadence of the poller at `index` (in cluster order) of an engine started at
    /// `start`.
    pub(super) fn new(interval: Duration, index: usize, start: Instant) -> Self {
        let phase = (index as f64 * PHI).fract();
        Self {
            interval,
            start,
            anchor: start + on_a_slot(interval.mul_f64(phase), interval),
        }
    }

    /// When the poller at `index` asks first: at its phase, or at its turn in the ramp
    /// when that comes first.
    pub(super) fn first(&self, index: usize) -> Instant {
        let turn = RAMP_STEP.saturating_mul(u32::try_from(index).unwrap_or(u32::MAX));
        self.anchor.min(self.start + turn)
    }

    /// The next instant of the grid at least half an interval after `now`: after a poll
    /// on time that is the next grid point; after a refresh, a late answer or a recovery,
    /// the poller is back on its grid without asking twice in a row.
    pub(super) fn after(&self, now: Instant) -> Instant {
        let earliest = now + self.interval / 2;
        if earliest <= self.anchor || self.interval.is_zero() {
            return self.anchor.max(earliest);
        }
        let behind = (earliest - self.anchor).as_nanos();
        let step = self.interval.as_nanos();
        let steps = behind.div_ceil(step);
        let offset = u64::try_from(steps.saturating_mul(step)).unwrap_or(u64::MAX);
        self.anchor + Duration::from_nanos(offset)
    }
}

/// `offset` moved to the nearest slot of [`SLOT`] (past the last one, to the start of the
/// interval); as it is for intervals too short to hold twenty slots.
fn on_a_slot(offset: Duration, interval: Duration) -> Duration {
    if interval.as_nanos() / SLOT.as_nanos() < 20 {
        return offset;
    }
    // Every slot that starts inside the interval, the last one perhaps shorter: rounded
    // past it, a phase is at most half a slot before the interval's end.
    let slots = interval.as_nanos().div_ceil(SLOT.as_nanos());
    let slot = (offset.as_nanos() + SLOT.as_nanos() / 2) / SLOT.as_nanos();
    let slot = u32::try_from(slot % slots).unwrap_or(0);
    SLOT * slot
}

/// Doubling from the interval with each failure, capped at [`MAX_BACKOFF`].
pub(crate) fn backoff(interval: Duration, failures: u32) -> Duration {
    let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(16));
    interval
        .saturating_mul(factor)
        .min(MAX_BACKOFF)
        .max(interval.min(MAX_BACKOFF))
}

/// [`backoff`] between 80 % and 120 % of itself (never past [`MAX_BACKOFF`]), so that
/// clusters that failed together come back at different times.
pub(crate) fn jittered_backoff(interval: Duration, failures: u32) -> Duration {
    let wait = backoff(interval, failures).mul_f64(0.8 + 0.4 * random_unit());
    wait.min(MAX_BACKOFF)
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
    fn the_backoff_is_jittered_within_a_fifth_and_never_past_the_cap() {
        let i = Duration::from_secs(10);
        let waits: Vec<Duration> = (0..1000).map(|_| jittered_backoff(i, 2)).collect();
        for wait in &waits {
            let ms = wait.as_millis();
            assert!((16_000..=24_000).contains(&ms), "{wait:?}");
        }
        let spread =
            waits.iter().max().unwrap().as_millis() - waits.iter().min().unwrap().as_millis();
        assert!(
            spread > 4_000,
            "clusters failing together come back apart: {spread} ms"
        );
        assert!((0..1000).all(|_| jittered_backoff(i, 30) <= MAX_BACKOFF));
    }

    #[test]
    fn a_fleet_polls_evenly_over_the_interval() {
        let start = Instant::now();
        let interval = Duration::from_secs(30);
        for clusters in [10, 1000, 10_000] {
            // The grid points of every poller in one interval, in tenths of it.
            let mut tenths = [0usize; 10];
            for index in 0..clusters {
                let cadence = Cadence::new(interval, index, start);
                let at = cadence.after(start + interval * 3);
                let phase = (at - start).as_secs_f64() % 30.0;
                tenths[(phase / 3.0) as usize] += 1;
            }
            let even = clusters / 10;
            for (tenth, count) in tenths.iter().enumerate() {
                assert!(
                    count.abs_diff(even) <= even / 10 + 1,
                    "{clusters} clusters: {count} polls in tenth {tenth}, {even} even"
                );
            }
        }
    }

    /// Poller `index`'s offset in `interval`, checked to lie inside it and within half a
    /// slot of its exact phase (around the interval's end, as the grid wraps).
    fn slotted_offset(interval: Duration, index: usize, start: Instant) -> Duration {
        let offset = Cadence::new(interval, index, start).anchor - start;
        let exact = interval.mul_f64((index as f64 * PHI).fract());
        let apart = offset
            .abs_diff(exact)
            .min(interval - offset.abs_diff(exact));
        assert!(
            apart <= SLOT / 2,
            "{interval:?}, poller {index}: {offset:?} for {exact:?}"
        );
        assert!(offset < interval);
        offset
    }

    #[test]
    fn a_fleets_pollers_wake_together_on_slots_near_their_phases() {
        let start = Instant::now();
        let interval = Duration::from_secs(5);
        let mut offsets = std::collections::BTreeSet::new();
        for index in 0..1000 {
            let offset = slotted_offset(interval, index, start);
            assert!(offset.as_nanos().is_multiple_of(SLOT.as_nanos()));
            offsets.insert(offset);
        }
        // A hundred slots in 5 s, every one of them used: 200 polls a second wake the
        // runtime 20 times.
        assert_eq!(offsets.len(), 100);
        // An interval that is not a whole number of slots keeps its last, shorter one:
        // no phase moves by more than half a slot there either.
        for interval in [1049, 1040, 2049, 5030].map(Duration::from_millis) {
            for index in 0..500 {
                slotted_offset(interval, index, start);
            }
        }
        // An interval too short for twenty slots keeps the exact phases.
        let short = Duration::from_millis(500);
        let offset = Cadence::new(short, 1, start).anchor - start;
        assert_eq!(offset, short.mul_f64(PHI));
    }

    #[test]
    fn the_grid_keeps_its_phase_and_never_asks_twice_in_a_row() {
        let start = Instant::now();
        let interval = Duration::from_secs(10);
        let cadence = Cadence::new(interval, 7, start);
        let first = cadence.first(7);
        assert_eq!(
            first,
            start + RAMP_STEP * 7,
            "the ramp comes before the phase"
        );
        let mut at = first;
        let mut previous = first;
        for poll in 0..50 {
            // Answers take 0 to 2.5 s; the next poll is on the grid, not drifting.
            let answered = at + Duration::from_millis(poll * 50);
            at = cadence.after(answered);
            assert!(at >= answered + interval / 2, "{poll}");
            let phase = (at - cadence.anchor).as_nanos() % interval.as_nanos();
            assert_eq!(phase, 0, "on the grid at poll {poll}");
            assert!(at - previous <= interval * 3 / 2 + Duration::from_secs(3));
            previous = at;
        }
        // A refresh just before a grid point moves the next poll to the one after it.
        let refreshed = cadence.after(cadence.anchor + interval * 5 - Duration::from_secs(1));
        assert_eq!(refreshed, cadence.anchor + interval * 6);
    }

    #[test]
    fn the_first_polls_ramp_in_and_the_first_cluster_asks_at_once() {
        let start = Instant::now();
        let interval = Duration::from_secs(3600);
        assert_eq!(Cadence::new(interval, 0, start).first(0), start);
        let last = Cadence::new(interval, 5, start).first(5);
        assert!(last - start <= RAMP_STEP * 5, "{:?}", last - start);
        // A large fleet starts over several seconds, not at once.
        let started_in_first_second = (0..10_000)
            .filter(|&i| {
                let cadence = Cadence::new(Duration::from_secs(30), i, start);
                cadence.first(i) < start + Duration::from_secs(1)
            })
            .count();
        assert!(
            (300..=600).contains(&started_in_first_second),
            "{started_in_first_second} of 10000 in the first second"
        );
    }
}
