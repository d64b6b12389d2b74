//! Exponential backoff with jitter for reconnecting and resending.
//!
//! Jitter matters when a support server comes back after an outage: without
//! it, every Warmline that lost the connection at the same moment would knock
//! again at the same moments, and keep the server down. "Equal jitter" keeps
//! half of each wait fixed, so a user is never retried in a tight loop, and
//! spreads the other half at random.

use std::time::Duration;

/// The growing, randomly spread wait between attempts.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    initial: Duration,
    max: Duration,
    /// The ceiling of the next wait, before jitter.
    current: Duration,
    rng: XorShift64,
}

impl Backoff {
    /// Starts at `initial`, doubles up to `max`; `seed` fixes the jitter for
    /// tests, `None` takes it from the clock.
    pub(crate) fn new(initial: Duration, max: Duration, seed: Option<u64>) -> Self {
        let max = max.max(initial);
        Self {
            initial,
            max,
            current: initial,
            rng: XorShift64::new(seed.unwrap_or_else(clock_seed)),
        }
    }

    /// The wait before the next attempt: a random duration in
    /// `[ceiling / 2, ceiling]`, after which the ceiling doubles (up to the
    /// maximum).
    pub(crate) fn next_wait(&mut self) -> Duration {
        let ceiling = self.current;
        self.current = (self.current * 2).min(self.max);
        let half = ceiling / 2;
        let spread = u64::try_from((ceiling - half).as_nanos()).unwrap_or(u64::MAX);
        let extra = if spread == 0 {
            0
        } else {
            self.rng.next() % (spread + 1)
        };
        half + Duration::from_nanos(extra)
    }

    /// Back to the first wait: the last attempt succeeded.
    pub(crate) fn reset(&mut self) {
        self.current = self.initial;
    }
}

/// A seed that differs between runs and between processes started at once.
fn clock_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    nanos ^ u64::from(std::process::id()).rotate_left(32)
}

/// Marsaglia's xorshift64: more than random enough to spread retries, and
/// not worth a dependency.
#[derive(Debug, Clone)]
struct XorShift64(u64);

impl XorShift64 {
    fn new(seed: u64) -> Self {
        // Zero is the one state xorshift never leaves.
        Self(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn each_wait_lies_between_half_and_all_of_a_doubling_ceiling_capped_at_the_maximum() {
        let mut backoff = Backoff::new(500 * MS, 30_000 * MS, Some(7));
        let mut ceiling = 500 * MS;
        for _ in 0..20 {
            let wait = backoff.next_wait();
            assert!(
                wait >= ceiling / 2 && wait <= ceiling,
                "{wait:?} outside [{:?}, {ceiling:?}]",
                ceiling / 2
            );
            ceiling = (ceiling * 2).min(30_000 * MS);
        }
        backoff.reset();
        assert!(backoff.next_wait() <= 500 * MS);
    }

    #[test]
    fn the_same_seed_gives_the_same_waits_and_other_seeds_spread_them() {
        let waits = |seed| {
            let mut backoff = Backoff::new(500 * MS, 30_000 * MS, Some(seed));
            (0..10).map(|_| backoff.next_wait()).collect::<Vec<_>>()
        };
        assert_eq!(waits(42), waits(42));
        assert_ne!(waits(42), waits(43));
        // Jitter, not a constant: the first waits of many clients differ.
        let firsts: std::collections::HashSet<_> = (1..50).map(|seed| waits(seed)[0]).collect();
        assert!(firsts.len() > 40, "only {} distinct waits", firsts.len());
    }

    #[test]
    fn a_zero_wait_stays_zero_and_a_zero_seed_still_jitters() {
        let mut zero = Backoff::new(Duration::ZERO, Duration::ZERO, Some(1));
        assert_eq!(zero.next_wait(), Duration::ZERO);
        let mut rng = XorShift64::new(0);
        assert_ne!(rng.next(), rng.next());
    }
}
