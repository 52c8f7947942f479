//! The pace of polling: fast while events come, slower while a call is quiet.

use std::time::Duration;

/// How long to sleep between polls: fast while events come, slower when the call is quiet, never
/// slower than `slowest` (so a new event shows within that).
#[derive(Debug, Clone)]
pub(crate) struct PollSchedule {
    fastest: Duration,
    slowest: Duration,
    current: Duration,
}

impl PollSchedule {
    /// The default: 250 ms after activity, backing off to 1 s.
    pub(crate) fn live() -> PollSchedule {
        PollSchedule::between(Duration::from_millis(250), Duration::from_secs(1))
    }

    /// `--interval`: always this.
    pub(crate) fn fixed(interval: Duration) -> PollSchedule {
        PollSchedule::between(interval, interval)
    }

    fn between(fastest: Duration, slowest: Duration) -> PollSchedule {
        PollSchedule {
            fastest,
            slowest,
            current: fastest,
        }
    }

    /// The pause before the next poll, given whether the last one found anything.
    pub(crate) fn next(&mut self, found_events: bool) -> Duration {
        self.current = if found_events {
            self.fastest
        } else {
            (self.current.mul_f64(1.5)).min(self.slowest)
        };
        self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_backs_off_to_the_slowest_and_resets() {
        let mut schedule = PollSchedule::live();
        let mut last = Duration::ZERO;
        for _ in 0..10 {
            last = schedule.next(false);
            assert!(last <= Duration::from_secs(1));
        }
        assert_eq!(last, Duration::from_secs(1));
        assert_eq!(schedule.next(true), Duration::from_millis(250));
    }
}
