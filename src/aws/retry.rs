//! Retrying what the service cannot have acted on: a throttle or a quota refusal it answered, a
//! connection never made.

use std::time::Duration;

use tokio::time::Instant;

use super::ApiError;

/// How often such a request is tried in all, and the first pause between tries.
const THROTTLE_ATTEMPTS: u32 = 4;
const THROTTLE_BASE_DELAY: Duration = Duration::from_millis(500);

/// Runs `attempt` until it succeeds, fails in a way the service may have acted on, or the
/// attempts run out. Retried are only failures the service cannot have acted on: a throttle
/// (429) or a quota refusal (ResourceLimitExceededException: a call slot may free up meanwhile)
/// it answered, and a connection that was never made. No pause reaches past `budget` from the
/// start (the operation timeout, `--operation-timeout`).
pub(crate) async fn retry_throttled<T, F, Fut>(
    budget: Option<Duration>,
    mut attempt: F,
) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let deadline = budget.map(|budget| Instant::now() + budget);
    let mut tries = 1;
    loop {
        match attempt().await {
            Err(error) if error.not_acted_on() && tries < THROTTLE_ATTEMPTS => {
                let delay = throttle_delay(tries);
                if deadline.is_some_and(|deadline| Instant::now() + delay > deadline) {
                    return Err(error);
                }
                let why = if error.is_throttle() {
                    "throttled"
                } else if error.is_over_quota() {
                    "over a quota (ResourceLimitExceededException)"
                } else {
                    "no connection"
                };
                tracing::info!(
                    operation = error.operation,
                    attempt = tries,
                    delay_ms = delay.as_millis() as u64,
                    "{why}: the service did not act on it; retrying"
                );
                tokio::time::sleep(delay).await;
                tries += 1;
            }
            other => return other,
        }
    }
}

/// Exponential backoff with jitter: half the step fixed, half random.
fn throttle_delay(tries_so_far: u32) -> Duration {
    use rand::Rng;
    let step = THROTTLE_BASE_DELAY * 2u32.pow(tries_so_far - 1);
    let jitter = rand::rng().random_range(0.0..=1.0);
    step / 2 + step.mul_f64(jitter / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::error::tests::answered;
    use crate::exit::Exit;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test(start_paused = true)]
    async fn only_throttles_are_retried() {
        let calls = AtomicU32::new(0);
        let result: Result<(), ApiError> = retry_throttled(None, || {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err(answered("ThrottledClientException", 429)) }
        })
        .await;
        assert_eq!(result.unwrap_err().exit(), Exit::Throttled);
        assert_eq!(calls.load(Ordering::SeqCst), THROTTLE_ATTEMPTS);

        calls.store(0, Ordering::SeqCst);
        let result: Result<(), ApiError> = retry_throttled(None, || {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err(answered("ServiceFailureException", 500)) }
        })
        .await;
        assert!(result.is_err());
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "a 500 is never retried here"
        );

        calls.store(0, Ordering::SeqCst);
        let result: Result<(), ApiError> = retry_throttled(None, || {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err(answered("ResourceLimitExceededException", 400)) }
        })
        .await;
        assert_eq!(result.unwrap_err().exit(), Exit::Throttled);
        assert_eq!(
            calls.load(Ordering::SeqCst),
            THROTTLE_ATTEMPTS,
            "a quota refusal was not acted on: it is retried"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn no_retry_waits_past_the_budget() {
        let calls = AtomicU32::new(0);
        let started = Instant::now();
        let result: Result<(), ApiError> =
            retry_throttled(Some(Duration::from_millis(600)), || {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Err(answered("ResourceLimitExceededException", 400)) }
            })
            .await;
        assert!(result.is_err());
        assert!(started.elapsed() <= Duration::from_millis(600));
        assert!((1..THROTTLE_ATTEMPTS).contains(&calls.load(Ordering::SeqCst)));
    }
}
