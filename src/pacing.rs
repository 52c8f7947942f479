//! Starting requests at an exact rate (a bulk run's creates, many calls' updates): never more than N starts in any one-second window, and as
//! close to N per second as that allows. Throttling (429) slows the run down; the account's
//! active-calls quota (ResourceLimitExceededException) pauses it until a call has ended.
//!
//! Starts follow an ideal schedule (start k at t0 + k/rate, so timer overshoot does not add up);
//! a sliding window of the last N start times enforces the per-second cap whatever the schedule
//! or the catch-up after a stall would do.
//!
//! Over the quota, the account is probed, not hammered: every start waits out a pause (1 s,
//! doubling per refusal in a row, up to 16 s) and only one start goes per pause, until a call is
//! placed again. After `MAX_QUOTA_REFUSALS` refusals in a row (about a minute of pauses) the run
//! gives up: the account stays full, and only its owner can change that.

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
/// The pause after an over-quota refusal, doubling per refusal in a row, up to the maximum.
const QUOTA_PAUSE: Duration = Duration::from_secs(1);
/// Over-quota refusals in a row, with no call placed between them, after which the run gives up:
/// 1 + 2 + 4 + 8 + 16 + 16 + 16 s of pauses.
pub(crate) const MAX_QUOTA_REFUSALS: u32 = 8;

/// What a row does after its start was refused over the quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AfterRefusal {
    /// Wait for the next start slot and send it again.
    TryAgain,
    /// The account stayed full: the run gives up.
    GiveUp,
}

#[derive(Debug)]
pub(crate) struct Pacer {
    state: Mutex<PacerState>,
    /// Wakes every start waiting out a pause when the run gives up.
    gave_up_now: tokio::sync::Notify,
}

#[derive(Debug)]
struct PacerState {
    /// Calls per second; `None` is no limit.
    rate: Option<f64>,
    /// At most this many starts in any one-second window.
    window_limit: usize,
    /// Room left in the window test for jitter between our clock and the service's.
    margin: Duration,
    recent: VecDeque<Instant>,
    /// When the last requests actually left, their intents on disk (see `before_send`).
    sends: VecDeque<Instant>,
    next_slot: Option<Instant>,
    paused_until: Option<Instant>,
    /// Throttles since the last success: each doubles the pause and halves the rate.
    throttles_in_a_row: u32,
    /// 1.0 normally; lowered by throttles, recovered by successes.
    slowdown: f64,
    /// Over-quota refusals since the last call placed: while any, one start per pause.
    refusals_in_a_row: u32,
    quota_paused_until: Option<Instant>,
    /// When the latest refusal came: a refusal of a start claimed before it is the same news.
    refused_at: Option<Instant>,
    gave_up: bool,
}

impl Pacer {
    /// `rate` calls per second; 0 means no limit.
    pub(crate) fn new(rate: f64) -> Pacer {
        Pacer::with_margin(rate, WINDOW_MARGIN)
    }

    /// `rate` per second, leaving `margin` in each one-second window for jitter on the way.
    pub(crate) fn with_margin(rate: f64, margin: Duration) -> Pacer {
        let rate = (rate > 0.0).then_some(rate);
        Pacer {
            state: Mutex::new(PacerState {
                rate,
                window_limit: rate.map_or(usize::MAX, |r| (r.floor() as usize).max(1)),
                margin,
                recent: VecDeque::new(),
                sends: VecDeque::new(),
                next_slot: None,
                paused_until: None,
                throttles_in_a_row: 0,
                slowdown: 1.0,
                refusals_in_a_row: 0,
                quota_paused_until: None,
                refused_at: None,
                gave_up: false,
            }),
            gave_up_now: tokio::sync::Notify::new(),
        }
    }

    /// Waits for the next start slot and claims it; returns when the start was claimed. Once
    /// the run has given up, returns at once without claiming anything: check `gave_up`.
    pub(crate) async fn until_ready(&self) -> Instant {
        loop {
            let gave_up = self.gave_up_now.notified();
            tokio::pin!(gave_up);
            gave_up.as_mut().enable();
            let wait_until = {
                let mut state = self.state.lock().expect("pacer lock");
                let now = Instant::now();
                if state.gave_up {
                    return now;
                }
                match state.earliest_start(now) {
                    at if at <= now => {
                        state.claim(now);
                        return now;
                    }
                    at => at,
                }
            };
            tokio::select! {
                _ = tokio::time::sleep_until(wait_until) => {}
                _ = &mut gave_up => {}
            }
        }
    }

    /// Holds a request whose start was claimed until it may leave: never more than N sent in
    /// any window of one second (plus the margin). The journal's fsync between the claim and the
    /// send takes a varying time, so starts claimed on time could still arrive bunched; this
    /// holds one for at most that difference.
    pub(crate) async fn before_send(&self) {
        loop {
            let wait_until = {
                let mut state = self.state.lock().expect("pacer lock");
                let now = Instant::now();
                if state.rate.is_none() || state.gave_up {
                    return;
                }
                let limit = state.window_limit;
                while state.sends.len() > limit {
                    state.sends.pop_front();
                }
                match state.sends.front() {
                    Some(&oldest) if state.sends.len() == limit => {
                        let free_at = oldest + WINDOW + state.margin;
                        if free_at > now {
                            free_at
                        } else {
                            state.sends.pop_front();
                            state.sends.push_back(now);
                            return;
                        }
                    }
                    _ => {
                        state.sends.push_back(now);
                        return;
                    }
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

    /// A start claimed at `started` was neither throttled nor over the quota: recover toward the
    /// full rate; a call placed after the latest refusal ends the refusals.
    pub(crate) fn succeeded(&self, started: Instant) {
        let mut state = self.state.lock().expect("pacer lock");
        state.throttles_in_a_row = 0;
        state.slowdown = (state.slowdown * 1.1).min(1.0);
        if state.refused_at.is_none_or(|refused| started > refused) {
            state.refusals_in_a_row = 0;
            state.quota_paused_until = None;
            state.refused_at = None;
        }
    }

    /// The start claimed at `started` was refused over the account's quota: pause every start.
    /// Starts that were in flight together meet the same refusal: one refusal in a row.
    pub(crate) fn over_quota(&self, started: Instant) -> AfterRefusal {
        let mut state = self.state.lock().expect("pacer lock");
        if state.gave_up {
            return AfterRefusal::GiveUp;
        }
        if state.refused_at.is_some_and(|refused| started <= refused) {
            return AfterRefusal::TryAgain;
        }
        let now = Instant::now();
        state.refusals_in_a_row += 1;
        if state.refusals_in_a_row >= MAX_QUOTA_REFUSALS {
            state.gave_up = true;
            self.gave_up_now.notify_waiters();
            return AfterRefusal::GiveUp;
        }
        state.refused_at = Some(now);
        state.quota_paused_until = Some(now + state.quota_pause());
        state.next_slot = None;
        AfterRefusal::TryAgain
    }

    /// The run gave up over the quota: nothing more is sent.
    pub(crate) fn gave_up(&self) -> bool {
        self.state.lock().expect("pacer lock").gave_up
    }
}

impl PacerState {
    fn spacing(&self) -> Option<Duration> {
        self.rate.map(|rate| {
            Duration::try_from_secs_f64(1.0 / (rate * self.slowdown))
                .unwrap_or(Duration::from_secs(86_400 * 16))
        })
    }

    fn quota_pause(&self) -> Duration {
        QUOTA_PAUSE
            .saturating_mul(1 << self.refusals_in_a_row.saturating_sub(1).min(6))
            .min(MAX_THROTTLE_PAUSE)
    }

    fn earliest_start(&self, now: Instant) -> Instant {
        let mut at = now;
        for paused in [self.paused_until, self.quota_paused_until]
            .into_iter()
            .flatten()
        {
            at = at.max(paused);
        }
        if let Some(slot) = self.next_slot {
            at = at.max(slot);
        }
        if self.recent.len() >= self.window_limit {
            if let Some(oldest) = self.recent.front() {
                at = at.max(*oldest + WINDOW + self.margin);
            }
        }
        at
    }

    fn claim(&mut self, now: Instant) {
        if self.refusals_in_a_row > 0 {
            // Over the quota: this start probes the account; the next waits another pause.
            self.quota_paused_until = Some(now + self.quota_pause());
        }
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
    async fn requests_held_up_by_the_journal_still_leave_ten_a_second() {
        // Starts claimed on time, then sent after an fsync: the first one 90 ms late, the rest
        // on time, would put 11 at the service within one second.
        let pacer = Pacer::new(10.0);
        let origin = Instant::now();
        let mut sent = Vec::new();
        for i in 0..40u64 {
            let claimed = pacer.until_ready().await;
            let fsync = if i == 0 { 90 } else { 0 };
            tokio::time::sleep_until(claimed + Duration::from_millis(fsync)).await;
            pacer.before_send().await;
            sent.push(origin.elapsed());
        }
        assert!(max_in_any_window(&sent) <= 10, "{sent:?}");
        let total = sent.last().unwrap().as_secs_f64();
        assert!(total < 4.3, "40 sends took {total} s");
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
    async fn over_the_quota_the_account_is_probed_once_per_pause_then_given_up() {
        let pacer = Pacer::new(0.0);
        let t0 = Instant::now();
        // Sixteen rows in flight at once, all refused: one refusal in a row.
        let wave: Vec<Instant> = start_times(&pacer, 16)
            .await
            .iter()
            .map(|d| t0 + *d)
            .collect();
        for started in &wave {
            assert_eq!(pacer.over_quota(*started), AfterRefusal::TryAgain);
        }
        let mut pauses = Vec::new();
        let mut verdict = AfterRefusal::TryAgain;
        while verdict == AfterRefusal::TryAgain {
            let before = Instant::now();
            let started = pacer.until_ready().await;
            pauses.push((started - before).as_secs());
            // Only one start per pause: another row waits the next one.
            let second =
                tokio::time::timeout(Duration::from_millis(900), pacer.until_ready()).await;
            assert!(second.is_err(), "a second probe in the same pause");
            verdict = pacer.over_quota(started);
        }
        assert_eq!(pauses, [1, 2, 4, 8, 16, 16, 16], "then it gives up");
        assert!(pacer.gave_up());
        assert_eq!(pacer.over_quota(Instant::now()), AfterRefusal::GiveUp);
        let before = Instant::now();
        pacer.until_ready().await;
        assert_eq!(Instant::now(), before, "nothing waits once the run gave up");
    }

    #[tokio::test(start_paused = true)]
    async fn giving_up_wakes_the_starts_waiting_out_a_pause() {
        let pacer = std::sync::Arc::new(Pacer::new(0.0));
        let mut started = pacer.until_ready().await;
        for _ in 1..MAX_QUOTA_REFUSALS {
            assert_eq!(pacer.over_quota(started), AfterRefusal::TryAgain);
            started = pacer.until_ready().await;
        }
        // A row waits out the pause the last probe re-armed (16 s)...
        let waiting = tokio::spawn({
            let pacer = std::sync::Arc::clone(&pacer);
            async move {
                let before = Instant::now();
                pacer.until_ready().await;
                Instant::now() - before
            }
        });
        tokio::time::sleep(Duration::from_secs(1)).await;
        // ...and the probe's refusal ends the run: the row stops waiting at once.
        assert_eq!(pacer.over_quota(started), AfterRefusal::GiveUp);
        assert_eq!(waiting.await.unwrap(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_call_placed_ends_the_refusals() {
        let pacer = Pacer::new(0.0);
        let started = pacer.until_ready().await;
        assert_eq!(pacer.over_quota(started), AfterRefusal::TryAgain);
        let late = pacer.until_ready().await;
        assert_eq!(pacer.over_quota(late), AfterRefusal::TryAgain);
        // A success of a start older than the latest refusal is old news.
        pacer.succeeded(started);
        let before = Instant::now();
        let probe = pacer.until_ready().await;
        assert!(probe - before >= Duration::from_secs(2), "still paused");
        pacer.succeeded(probe);
        let times = start_times(&pacer, 10).await;
        assert_eq!(
            *times.last().unwrap(),
            Duration::ZERO,
            "no pause once a call is placed"
        );
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
