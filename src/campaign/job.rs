//! One row to dial, as one attempt: what the scheduler hands to the dialer and to the follower.

use super::plan::Tries;
use crate::call::DialRequest;

/// One row to dial, as one attempt.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub(crate) key: String,
    pub(crate) line: u64,
    pub(crate) request: DialRequest,
    pub(crate) attempt: u32,
    pub(crate) tries: Tries,
    /// Refused over the quota in a row.
    pub(crate) refusals: u32,
}
