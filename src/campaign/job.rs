//! One row to dial, as one attempt: what the run core hands the dialer, and follows to its end.

use super::plan::Tries;
use crate::aws::ApiError;
use crate::call::DialRequest;

/// One row to dial, as one attempt.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub(crate) key: String,
    pub(crate) line: u64,
    pub(crate) request: DialRequest,
    pub(crate) attempt: u32,
    pub(crate) tries: Tries,
    /// Sends of this attempt the service throttled (not acted on), and the latest throttle.
    pub(crate) throttled: u32,
    pub(crate) last_throttle: Option<ApiError>,
    /// The row's tier (1 unless the file has a `tier` column), and the round of `--repeat`
    /// this attempt belongs to (0: the first).
    pub(crate) tier: u32,
    pub(crate) round: u32,
}

impl Job {
    /// The first dial of a row's attempt.
    pub(crate) fn new(
        key: &str,
        line: u64,
        request: DialRequest,
        attempt: u32,
        tries: Tries,
    ) -> Job {
        Job {
            key: key.to_string(),
            line,
            request,
            attempt,
            tries,
            throttled: 0,
            last_throttle: None,
            tier: 1,
            round: 0,
        }
    }

    /// The row's next attempt.
    pub(crate) fn next_attempt(self) -> Job {
        Job {
            attempt: self.attempt + 1,
            throttled: 0,
            last_throttle: None,
            ..self
        }
    }
}
