//! How often a command may call FilterLogEvents: `--logs-rate N` requests per second, shared by
//! every reader of the process (the pollers, `resolve`, the quick looks, `calls`, `tail`: all go
//! through [`LogsBudget::process`] by way of [`super::LogReader`]). The account's quota (25 per second in us-east-1, 10 in most
//! regions) is shared with everything else the account runs, so chimecall takes a small, fixed
//! share of it and slows down further when the service says it is throttling.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::time::Instant;

/// The slowest a throttled budget gets: one request every this many seconds at the base rate.
const MAX_SLOWDOWN: f64 = 16.0;
/// Each request that is not throttled takes this much of the slowdown back.
const RECOVERY: f64 = 0.9;

/// A token bucket of one: requests are spaced at least `1 / rate` apart (times the slowdown).
#[derive(Clone, Debug)]
pub(crate) struct LogsBudget {
    state: Arc<Mutex<BudgetState>>,
}

#[derive(Debug)]
struct BudgetState {
    base_interval: Duration,
    slowdown: f64,
    next: Instant,
}

impl LogsBudget {
    /// `rate` requests per second (more than 0).
    pub(crate) fn new(rate: f64) -> LogsBudget {
        LogsBudget {
            state: Arc::new(Mutex::new(BudgetState {
                base_interval: Duration::from_secs_f64(1.0 / rate.max(0.01)),
                slowdown: 1.0,
                next: Instant::now(),
            })),
        }
    }

    /// The process's one budget. The first caller's `rate` sets it: every reader of a process is
    /// built from the same `--logs-rate`, so later callers pass the same rate.
    pub(crate) fn process(rate: f64) -> LogsBudget {
        static PROCESS: OnceLock<LogsBudget> = OnceLock::new();
        PROCESS.get_or_init(|| LogsBudget::new(rate)).clone()
    }

    /// Waits for this request's turn and takes it.
    pub(crate) async fn take(&self) {
        let turn = {
            let mut state = self.state.lock().expect("budget lock");
            let now = Instant::now();
            let turn = state.next.max(now);
            state.next = turn + state.base_interval.mul_f64(state.slowdown);
            turn
        };
        tokio::time::sleep_until(turn).await;
    }

    /// The service throttled a request: double the spacing (up to the maximum).
    pub(crate) fn throttled(&self) -> f64 {
        let mut state = self.state.lock().expect("budget lock");
        state.slowdown = (state.slowdown * 2.0).min(MAX_SLOWDOWN);
        let interval = state.base_interval.mul_f64(state.slowdown);
        state.next = Instant::now() + interval;
        1.0 / interval.as_secs_f64()
    }

    /// A request went through: recover some of the slowdown.
    pub(crate) fn succeeded(&self) {
        let mut state = self.state.lock().expect("budget lock");
        state.slowdown = (state.slowdown * RECOVERY).max(1.0);
    }

    /// The requests per second the budget allows now.
    pub(crate) fn current_rate(&self) -> f64 {
        let state = self.state.lock().expect("budget lock");
        1.0 / state.base_interval.mul_f64(state.slowdown).as_secs_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_are_spaced_by_the_rate_and_throttles_slow_it_down() {
        let budget = LogsBudget::new(2.0);
        let start = Instant::now();
        for _ in 0..5 {
            budget.take().await;
        }
        // The first goes at once, then one every 500 ms.
        assert_eq!(start.elapsed(), Duration::from_millis(2000));
        let rate = budget.throttled();
        assert!((rate - 1.0).abs() < 1e-9, "{rate}");
        let before = Instant::now();
        budget.take().await;
        assert!(
            before.elapsed() >= Duration::from_millis(999),
            "{:?}",
            before.elapsed()
        );
        for _ in 0..100 {
            budget.succeeded();
        }
        assert!((budget.current_rate() - 2.0).abs() < 1e-9);
    }

    #[test]
    fn the_process_has_one_budget_whatever_rate_is_asked_later() {
        let first = LogsBudget::process(3.0);
        let later = LogsBudget::process(50.0);
        assert!(Arc::ptr_eq(&first.state, &later.state));
        assert!((later.current_rate() - first.current_rate()).abs() < 1e-9);
    }

    #[tokio::test(start_paused = true)]
    async fn the_budget_is_shared_by_its_clones() {
        let budget = LogsBudget::new(4.0);
        let other = budget.clone();
        let start = Instant::now();
        let a = tokio::spawn(async move {
            for _ in 0..4 {
                other.take().await;
            }
        });
        for _ in 0..4 {
            budget.take().await;
        }
        a.await.unwrap();
        // Eight requests at 4 per second: the last at 1.75 s whoever asked.
        assert_eq!(start.elapsed(), Duration::from_millis(1750));
    }
}
