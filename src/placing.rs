//! Placing one call with its journal records: the intent is on disk before the request leaves,
//! the outcome right after. Used by single dials and bulk runs alike.

use crate::aws::{self, ApiError};
use crate::call::DialRequest;
use crate::exit::{Exit, Failure};
use crate::journal::{
    self, Claim, ErrorNote, GuardTest, Intent, Journal, Outcome, OutcomeKind, Record,
};

/// Which row of which file a bulk dial came from.
#[derive(Debug, Clone)]
pub(crate) struct RowRef {
    /// The file's absolute path, or `-` for stdin.
    pub(crate) batch: String,
    pub(crate) row: String,
    pub(crate) line: u64,
    /// Which attempt at the row this dial is (1, then redials).
    pub(crate) attempt: u32,
    /// The row's tier (1 unless the file has a `tier` column) and the round of `--repeat`.
    pub(crate) tier: u32,
    pub(crate) round: u32,
}

/// What happened to one dial.
#[derive(Debug, Clone)]
pub(crate) enum DialResult {
    Placed {
        transaction_id: String,
    },
    /// No call was placed (refused, or never sent).
    Failed(ApiError),
    /// A call may have been placed.
    Unknown(ApiError),
}

impl DialResult {
    pub(crate) fn kind(&self) -> OutcomeKind {
        match self {
            DialResult::Placed { .. } => OutcomeKind::Placed,
            DialResult::Failed(_) => OutcomeKind::Failed,
            DialResult::Unknown(_) => OutcomeKind::Unknown,
        }
    }

    pub(crate) fn error(&self) -> Option<&ApiError> {
        match self {
            DialResult::Placed { .. } => None,
            DialResult::Failed(error) | DialResult::Unknown(error) => Some(error),
        }
    }
}

pub(crate) fn error_note(error: &ApiError) -> ErrorNote {
    ErrorNote {
        code: error.code.clone(),
        message: error.message.clone(),
        request_id: error.request_id.clone(),
        exit_code: error.dial_exit().code(),
    }
}

/// How to send: single dials retry throttles themselves; bulk runs re-queue the row instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ThrottlePolicy {
    Retry,
    ReturnAtOnce,
}

/// How one dial is sent.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SendOptions {
    pub(crate) throttles: ThrottlePolicy,
    /// Put the dial's id in the ArgumentsMap (`chimecall-request-id`).
    pub(crate) request_id: bool,
    /// A bulk run's `--max-active`, shared by the runners of a team journal: the intent takes
    /// one of this many live-call places, or waits (`PlaceError::Full`).
    pub(crate) cap: Option<u32>,
}

/// Whether a dial is a deliberate repeat: placed with `--allow-repeat` although the guard would
/// have held it. Its intent says so (`"repeat": true`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeat {
    No,
    Deliberate,
}

/// What is dialed: the request, the row it came from (bulk runs), and the per-number guard a
/// journal runners share checks once more as it writes the intent (`None`: not checked there).
pub(crate) struct Dial<'a> {
    pub(crate) request: &'a DialRequest,
    pub(crate) row: Option<&'a RowRef>,
    pub(crate) guard: Option<GuardTest<'a>>,
}

/// Places a call: intent record (a claim, a cap and the guard checked with it on a team
/// journal), `before_send` (a bulk run's pacing), request, outcome record; returns the dial's id
/// and result. The intent is marked a deliberate repeat when `repeat` says so. An error means
/// nothing was sent (the journal failed, or a claim, cap or guard said no) or, after the
/// request, that the journal lacks its outcome.
pub(crate) async fn place(
    journal: &Journal,
    client: &aws_sdk_chimesdkvoice::Client,
    dial: Dial<'_>,
    options: SendOptions,
    repeat: Repeat,
    before_send: impl std::future::Future<Output = Result<(), Failure>>,
) -> Result<(String, DialResult), PlaceError> {
    let Dial {
        request,
        row,
        guard,
    } = dial;
    // A request that cannot be built is never journaled: its intent would wait for an outcome
    // that never comes. Every caller has checked the id already; this keeps it so.
    crate::ids::check_sma_id(&request.sma_id, "dial").map_err(PlaceError::BeforeSending)?;
    let dial_id = uuid::Uuid::new_v4().to_string();
    let sent = if options.request_id {
        request.with_request_id(&dial_id)
    } else {
        request.clone()
    };
    let request = &sent;
    let intent = Intent {
        dial_id: dial_id.clone(),
        sma_id: request.sma_id.clone(),
        from: request.from.clone(),
        to: request.to.clone(),
        arguments: journal::mask_values(&request.arguments),
        sip_headers: journal::mask_values(&request.sip_headers),
        request_id: options.request_id.then(|| dial_id.clone()),
        batch: row.map(|r| r.batch.clone()),
        row: row.map(|r| r.row.clone()),
        line: row.map(|r| r.line),
        attempt: row.map(|r| r.attempt),
        tier: row.map(|r| r.tier).filter(|&tier| tier > 1),
        round: row.map(|r| r.round).filter(|&round| round > 0),
        repeat: repeat == Repeat::Deliberate,
    };
    match journal.append_intent(intent, options.cap, guard).await {
        Ok(Claim::Won) => {}
        Ok(Claim::TakenBy(runner)) => return Err(PlaceError::Claimed(runner)),
        Ok(Claim::Full) => return Err(PlaceError::Full),
        Ok(Claim::Held { until_ms, limit }) => return Err(PlaceError::Held { until_ms, limit }),
        Err(failure) => return Err(PlaceError::BeforeSending(failure)),
    }
    if let Err(failure) = before_send.await {
        // Nothing was sent: the intent's outcome says so, if the journal can still take it.
        let not_sent = Outcome {
            dial_id: dial_id.clone(),
            outcome: OutcomeKind::Failed,
            transaction_id: None,
            error: Some(ErrorNote {
                code: None,
                message: format!("not sent: {}", failure.message),
                request_id: None,
                exit_code: failure.exit.code(),
            }),
            batch: row.map(|r| r.batch.clone()),
            row: row.map(|r| r.row.clone()),
            resolved_by: None,
            attempt: row.map(|r| r.attempt),
        };
        let _ = journal.append(Record::Outcome(not_sent)).await;
        return Err(PlaceError::BeforeSending(failure));
    }
    let sent = match options.throttles {
        ThrottlePolicy::Retry => aws::create_call(client, request).await,
        ThrottlePolicy::ReturnAtOnce => aws::create_call_once(client, request).await,
    };
    let result = match sent {
        Ok(transaction_id) => DialResult::Placed { transaction_id },
        Err(error) if error.dial_exit() == Exit::OutcomeUnknown => DialResult::Unknown(error),
        Err(error) => DialResult::Failed(error),
    };
    let outcome = Outcome {
        dial_id: dial_id.clone(),
        outcome: result.kind(),
        transaction_id: match &result {
            DialResult::Placed { transaction_id } => Some(transaction_id.clone()),
            _ => None,
        },
        error: result.error().map(error_note),
        batch: row.map(|r| r.batch.clone()),
        row: row.map(|r| r.row.clone()),
        resolved_by: None,
        attempt: row.map(|r| r.attempt),
    };
    match journal.append(Record::Outcome(outcome)).await {
        Ok(()) => Ok((dial_id, result)),
        Err(failure) => Err(PlaceError::AfterSending(result, failure)),
    }
}

/// The journal could not be written.
#[derive(Debug)]
pub(crate) enum PlaceError {
    /// Before the request: nothing was sent.
    BeforeSending(Failure),
    /// After the request: the result stands, but the journal lacks it.
    AfterSending(DialResult, Failure),
    /// Another runner sharing the team journal claimed this row attempt (named): nothing was
    /// written or sent.
    Claimed(String),
    /// The runners' live calls are at the shared `--max-active`: nothing was written or sent.
    Full,
    /// The per-number guard holds the call, counting another runner's calls the shared journal
    /// holds now: nothing was written or sent; the number is free at `until_ms`, by `limit`.
    Held { until_ms: i64, limit: String },
}
