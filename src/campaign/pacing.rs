//! Starting calls at an exact rate: never more than N starts in any one-second window, and as
//! close to N per second as that allows. Throttling (429) slows the run down.
//!
//! Starts follow an ideal schedule (start k at t0 + k/rate, so timer overshoot does not add up);
//! a sliding window of the last N start times enforces the per-second cap whatever the schedule
//! or the catch-up after a stall would do.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Room left in the window test for jitter between our clock and the service's: a start is never
/// within 1 s + this of the N-th start before it. It costs 1% of the rate at 10 calls/s.
const WINDOW_MARGIN: Duration = Duration::from_millis(10);
const WINDOW: Duration = Duration::from_secs(1);
/// The pause after a throttle, doubling per throttle in a row, up to the maximum.
const THROTTLE_PAUSE: Duration = Duration::from_millis(500);
const MAX_THROTTLE_PAUSE: Duration = Duration::from_secs(16);

#[derive(Debug)]
pub(crate) struct Pacer {
    state: Mutex<PacerState>,
}

#[derive(Debug)]
struct PacerState {
    /// Calls per second; `None` is no limit.
    rate: Option<f64>,
    /// At most this many starts in any one-second window.
    window_limit: usize,
    recent: VecDeque<Instant>,
    next_slot: Option<Instant>,
    paused_until: Option<Instant>,
    /// Throttles since the last success: each doubles the pause and halves the rate.
    throttles_in_a_row: u32,
    /// 1.0 normally; lowered by throttles, recovered by successes.
    slowdown: f64,
}

impl Pacer {
    /// `rate` calls per second; 0 means no limit.
    pub(crate) fn new(rate: f64) -> Pacer {
        let rate = (rate > 0.0).then_some(rate);
        Pacer {
            state: Mutex::new(PacerState {
                rate,
                window_limit: rate.map_or(usize::MAX, |r| (r.floor() as usize).max(1)),
                recent: VecDeque::new(),
                next_slot: None,
                paused_until: None,
                throttles_in_a_row: 0,
                slowdown: 1.0,
            }),
        }
    }

    /// Waits for the next start slot and claims it.
    pub(crate) async fn until_ready(&self) {
        loop {
            let wait_until = {
                let mut state = self.state.lock().expect("pacer lock");
                let now = Instant::now();
                match state.earliest_start(now) {
                    at if at <= now => {
                        state.claim(now);
                        return;
                    }
                    at => at,
                }
            };
            tokio::time::sleep_until(wait_until).await;
        }
    }

    /// The service said 429: pause all starts, then go on slower.
    pub(crate) fn throttled(&self) {
        let mut state = self.state.lock().expect("pacer lock");
        let now = Instant::now();
        // Every request in flight meets the same throttle: one episode, one step down.
        if state.paused_until.is_some_and(|until| until > now) {
            return;
        }
        if state.rate.is_none() {
            // No limit was set: adopt half of what the service just refused to take.
            let observed = state.recent.len().max(2) as f64;
            state.rate = Some(observed / 2.0);
            state.window_limit = ((observed / 2.0).floor() as usize).max(1);
        }
        state.throttles_in_a_row += 1;
        let pause = THROTTLE_PAUSE
            .saturating_mul(1 << state.throttles_in_a_row.min(6))
            .min(MAX_THROTTLE_PAUSE);
        state.paused_until = Some(now + pause);
        state.slowdown = (state.slowdown / 2.0).max(1.0 / 16.0);
        // After a pause, no catching up on the slots it cost.
        state.next_slot = None;
    }

    /// A start that was not throttled: recover toward the full rate.
    pub(crate) fn succeeded(&self) {
        let mut state = self.state.lock().expect("pacer lock");
        state.throttles_in_a_row = 0;
        state.slowdown = (state.slowdown * 1.1).min(1.0);
    }
}

impl PacerState {
    fn spacing(&self) -> Option<Duration> {
        self.rate.map(|rate| {
            Duration::try_from_secs_f64(1.0 / (rate * self.slowdown))
                .unwrap_or(Duration::from_secs(86_400 * 16))
        })
    }

    fn earliest_start(&self, now: Instant) -> Instant {
        let mut at = now;
        if let Some(paused) = self.paused_until {
            at = at.max(paused);
        }
        if let Some(slot) = self.next_slot {
            at = at.max(slot);
        }
        if self.recent.len() >= self.window_limit {
            if let Some(oldest) = self.recent.front() {
                at = at.max(*oldest + WINDOW + WINDOW_MARGIN);
            }
        }
        at
    }

    fn claim(&mut self, now: Instant) {
        self.recent.push_back(now);
        if self.rate.is_none() {
            // Unlimited: remember the last second's starts, in case a throttle asks for a rate.
            while self
                .recent
                .front()
                .is_some_and(|t| now.duration_since(*t) >= WINDOW)
            {
                self.recent.pop_front();
            }
            return;
        }
        while self.recent.len() > self.window_limit {
            self.recent.pop_front();
        }
        let spacing = self.spacing().unwrap_or_default();
        // The ideal schedule; after a long stall (a full semaphore), restart it from now rather
        // than bursting to catch up.
        let ideal = self.next_slot.map_or(now, |slot| slot.max(now - spacing));
        self.next_slot = Some(ideal + spacing);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn start_times(pacer: &Pacer, count: usize) -> Vec<Duration> {
        let t0 = Instant::now();
        let mut times = Vec::new();
        for _ in 0..count {
            pacer.until_ready().await;
            times.push(Instant::now() - t0);
        }
        times
    }

    fn max_in_any_window(times: &[Duration]) -> usize {
        times
            .iter()
            .map(|start| {
                times
                    .iter()
                    .filter(|t| **t >= *start && **t < *start + WINDOW)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[tokio::test(start_paused = true)]
    async fn ten_per_second_exactly() {
        let pacer = Pacer::new(10.0);
        let times = start_times(&pacer, 300).await;
        assert!(max_in_any_window(&times) <= 10);
        let total = times.last().unwrap().as_secs_f64();
        assert!((29.8..=30.4).contains(&total), "300 starts took {total} s");
    }

    #[tokio::test(start_paused = true)]
    async fn fractional_rates() {
        let times = start_times(&Pacer::new(0.5), 4).await;
        assert_eq!(times[3], Duration::from_secs(6));
        let times = start_times(&Pacer::new(2.5), 26).await;
        assert!(
            max_in_any_window(&times) <= 2,
            "at most floor(2.5) in any second"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_throttle_gives_an_unlimited_run_a_rate_and_counts_once_per_episode() {
        let pacer = Pacer::new(0.0);
        start_times(&pacer, 40).await;
        for _ in 0..32 {
            pacer.throttled(); // every request in flight meets the same throttle
        }
        let times = start_times(&pacer, 41).await;
        assert!(
            max_in_any_window(&times) <= 20,
            "half of the 40 a second it had"
        );
        let pause = times[0];
        assert!(
            pause >= THROTTLE_PAUSE && pause < THROTTLE_PAUSE * 4,
            "one step: {pause:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn no_limit_never_waits() {
        let times = start_times(&Pacer::new(0.0), 1000).await;
        assert_eq!(*times.last().unwrap(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn throttles_pause_and_slow_down() {
        let pacer = Pacer::new(10.0);
        pacer.until_ready().await;
        let t0 = Instant::now();
        pacer.throttled();
        pacer.until_ready().await;
        assert!(
            Instant::now() - t0 >= THROTTLE_PAUSE,
            "a throttle pauses the run"
        );
        let times = start_times(&pacer, 11).await;
        assert!(
            *times.last().unwrap() > Duration::from_secs(1),
            "then it goes on slower"
        );
    }
}
