//! Asking the logs once how some calls are doing: every call is watched through the pollers
//! (one per log group), each is read until its past is caught up, and its tracker comes back.
//! `calls` uses it to learn which journal calls have ended; bulk runs, to pick up their calls.

use std::time::Duration;

use aws_config::SdkConfig;

use super::{log_group_of, CallWatch, LogSource, Pollers, Update};
use crate::aws::ApiError;
use crate::call::CallTracker;
use crate::exit::Failure;

/// One call to look up.
#[derive(Debug, Clone)]
pub(crate) struct CallToLookUp {
    pub(crate) sma_id: String,
    pub(crate) transaction_id: String,
    /// From when its events can be in the logs.
    pub(crate) since_ms: i64,
}

/// Why the logs told nothing.
#[derive(Debug)]
pub(crate) enum LookUpFailure {
    /// The log group could not be found (GetSipMediaApplication failed, or no Lambda endpoint).
    NoLogGroup(Failure),
    /// FilterLogEvents failed (no permission, the network).
    Unreadable(ApiError),
    /// The logs could not be read within the time allowed.
    TooSlow,
}

impl std::fmt::Display for LookUpFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LookUpFailure::NoLogGroup(failure) => write!(f, "{failure}"),
            LookUpFailure::Unreadable(error) => f.write_str(&error.describe()),
            LookUpFailure::TooSlow => f.write_str("the handler's logs could not be read in time"),
        }
    }
}

/// The trackers of `calls` after one full read of their logs (a call whose group does not exist
/// yet has an empty tracker), in the order given.
pub(crate) async fn look_up(
    calls: &[CallToLookUp],
    log_group: Option<&str>,
    pollers: &Pollers,
    config: &SdkConfig,
    within: Duration,
) -> Result<Vec<(String, CallTracker)>, LookUpFailure> {
    let mut watches: Vec<CallWatch> = Vec::with_capacity(calls.len());
    for call in calls {
        let source = LogSource {
            sma_id: Some(call.sma_id.clone()),
            log_group: log_group.map(str::to_string),
            start_ms: call.since_ms,
        };
        let group = log_group_of(&source, config)
            .await
            .map_err(LookUpFailure::NoLogGroup)?;
        watches.push(pollers.watch(&group, &call.transaction_id, call.since_ms));
    }
    let deadline = tokio::time::Instant::now() + within;
    let mut looked_up = Vec::with_capacity(watches.len());
    for mut watch in watches {
        match watch.catch_up(deadline).await {
            Ok(_) | Err(Update::GroupMissing) => {}
            Err(Update::Unreadable(error)) => return Err(LookUpFailure::Unreadable(error)),
            Err(_) => return Err(LookUpFailure::TooSlow),
        }
        looked_up.push((watch.transaction_id().to_string(), watch.tracker().clone()));
    }
    Ok(looked_up)
}
