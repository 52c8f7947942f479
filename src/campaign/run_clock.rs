//! A run's clock: the core's time (epoch ms that never go back) and the driver's timers.

use std::time::Duration;

use tokio::time::Instant;

/// The run's clock: epoch milliseconds that never go back (the core's time), and the instant
/// each stands for (the driver's timers).
pub(crate) struct RunClock {
    pub(crate) started: Instant,
    pub(crate) started_ms: i64,
}

impl RunClock {
    pub(crate) fn now_ms(&self) -> i64 {
        self.started_ms + self.started.elapsed().as_millis() as i64
    }

    pub(crate) fn instant_of(&self, at_ms: i64) -> Instant {
        self.started + Duration::from_millis((at_ms - self.started_ms).max(0) as u64)
    }
}
