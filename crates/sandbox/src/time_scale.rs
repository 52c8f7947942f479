//! `--time-scale F`: the simulated world runs F times faster than the wall clock. Every duration
//! of a call's own timeline (ringing, answering, presses, hang-ups, prompts, pauses, digit
//! timeouts, the ring timeout, the maximum call duration) passes through here on its way to a
//! timer; what is not simulated (the handler's time to answer and its timeout, API answers) does
//! not. Event timestamps stay wall-clock.

use std::time::Duration;

/// How much faster than the wall clock simulated time runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TimeScale(f64);

impl TimeScale {
    #[cfg(test)]
    pub(crate) const ONE: TimeScale = TimeScale(1.0);

    /// `factor` has been validated: finite and more than 0.
    pub(crate) fn new(factor: f64) -> TimeScale {
        TimeScale(factor)
    }

    /// The wall-clock time a simulated `duration` takes.
    pub(crate) fn wall(self, duration: Duration) -> Duration {
        if self.0 == 1.0 {
            return duration;
        }
        Duration::from_secs_f64(duration.as_secs_f64() / self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulated_durations_are_divided_by_the_factor() {
        let ten = TimeScale::new(10.0);
        assert_eq!(ten.wall(Duration::from_secs(10)), Duration::from_secs(1));
        assert_eq!(
            ten.wall(Duration::from_millis(100)),
            Duration::from_millis(10)
        );
        let slow = TimeScale::new(0.5);
        assert_eq!(slow.wall(Duration::from_secs(1)), Duration::from_secs(2));
        let one = TimeScale::new(1.0);
        assert_eq!(
            one.wall(Duration::from_nanos(123_456_789)),
            Duration::from_nanos(123_456_789)
        );
    }
}
