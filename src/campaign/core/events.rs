//! What the run core hears (events) and what it asks for (effects). Both are plain data: the
//! driver turns the world (rows read, dials answered, calls ending, timers, signals) into events,
//! and carries effects out through the dialer, the follower, the printer and the journal.

use crate::aws::ApiError;
use crate::call::Disposition;
use crate::journal::{RedialNote, SettledNote};
use crate::placing::DialResult;
use crate::updates::Target;

use super::super::job::Job;
use super::super::report::Line;
use super::super::rows::Row;

/// Something that happened to the run.
#[derive(Debug)]
pub(crate) enum Event {
    /// The answer to [`Effect::ReadRow`].
    RowRead(RowRead),
    /// A dial task is done with its job.
    Dialed(Job, DialOutcome),
    /// News of a call the run follows.
    CallNews(CallNews),
    /// The handler's logs cannot be read for a call the run follows (no log group): `why`.
    FollowFailed { why: String },
    /// [`Effect::JournalRedial`] is on disk: the redial may be made.
    RedialJournaled(Job, i64),
    /// [`Effect::JournalRedial`] (or [`Effect::JournalSettled`]) could not be written: the run
    /// stops before any further call is placed.
    JournalFailed(JournalFailure),
    /// [`Effect::JournalCall`] could not be written (what a call did is not in the journal):
    /// the run stops before any further call is placed, as for any record.
    CallRecordFailed(JournalFailure),
    /// Time has passed (a due job may start).
    Tick,
    /// Ctrl-C or SIGTERM: the first, or a later one.
    Interrupted { signals: usize },
    /// stdout was closed (`| head`): nothing more to print, so nothing more to start.
    StdoutClosed,
    /// An [`Effect::HangUp`] has been carried out: every hangup answered.
    HangUpsDone,
}

/// The answer to [`Effect::ReadRow`].
#[derive(Debug)]
pub(crate) enum RowRead {
    Row(Row),
    /// The file ended.
    End,
    /// The rest of the file cannot be read: what was dialed stands, the run failed.
    Unreadable(String),
}

/// What became of one dial of a job.
#[derive(Debug)]
pub(crate) enum DialOutcome {
    /// Sent and answered (or lost), journaled. `dial_id` names its journal records.
    /// `journal_failed`: the outcome could not be journaled after the request (the run stops).
    Sent {
        dial_id: String,
        result: DialResult,
        journal_failed: Option<JournalFailure>,
    },
    /// Refused over the account's active-call quota: the service did not act on it. `give_up`:
    /// the account stayed full through refusal after refusal (the pacer's verdict).
    OverQuota { error: ApiError, give_up: bool },
    /// The intent could not be journaled: nothing was sent, and the run stops.
    JournalBroken(JournalFailure),
    /// Never sent: interrupted while it waited for its start, or the run gave up over the quota.
    NotSent,
    /// Another runner sharing the team journal claimed this row attempt first (that runner,
    /// named): nothing was sent, and the row is that runner's.
    Claimed { by: String },
    /// On a team journal, the per-number guard held it as its intent was to be written, counting
    /// another runner's calls to the number: nothing was sent; free at `until_ms`, by `limit`.
    Held { until_ms: i64, limit: String },
}

/// Why the journal could not take a record: the exit code of its kind (3 for a file or a table
/// that cannot be reached, 4 for a throttled table) and what it said.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JournalFailure {
    pub(crate) exit: crate::exit::Exit,
    pub(crate) message: String,
}

impl From<crate::exit::Failure> for JournalFailure {
    fn from(failure: crate::exit::Failure) -> JournalFailure {
        JournalFailure {
            exit: failure.exit,
            message: failure.message,
        }
    }
}

/// What a followed call did: answered, succeeded, ended, or was lost from view.
#[derive(Debug)]
pub(crate) struct CallNews {
    pub(crate) transaction_id: String,
    /// How it went so far (`live` when it has not ended, unless it succeeded).
    pub(crate) disposition: Disposition,
    pub(crate) news: News,
}

/// What a followed call's news is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum News {
    /// CALL_ANSWERED: journaled at once.
    Answered,
    /// What the run counts as success has been seen (the answer, the digits, the
    /// acknowledgement key): the row is done, whether or not the call is still up.
    Succeeded,
    /// The call ended.
    Ended,
    /// Following stopped before the call ended.
    Lost(Lost),
}

/// Why following a call stopped before it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lost {
    /// `--timeout` passed.
    TimedOut,
    /// The logs cannot tell when calls end: why.
    LogsCannotTell(String),
}

/// What the journal learns of a followed call: the state records `calls` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Progress {
    Answered,
    Acknowledged,
    Ended,
}

/// Something the run asks the driver to do.
#[derive(Debug)]
pub(crate) enum Effect {
    /// Read the file's next row and answer with [`Event::RowRead`].
    ReadRow,
    /// Dial this job (paced, journaled) and answer with [`Event::Dialed`].
    Dial(Job),
    /// Follow this call through the logs and answer with [`Event::CallNews`] (or
    /// [`Event::FollowFailed`]).
    Follow {
        transaction_id: String,
        sma_id: String,
        since_ms: i64,
    },
    /// Stop following this call (no news will be heard of it).
    StopFollowing(String),
    /// A line of stdout.
    Print(Line),
    /// A note on stderr.
    Note(String),
    /// An error on stderr.
    Error(String),
    /// Journal the decision to redial, then answer with [`Event::RedialJournaled`] (or
    /// [`Event::JournalFailed`]).
    JournalRedial {
        note: RedialNote,
        job: Job,
        not_before_ms: i64,
    },
    /// Journal what a call did (a failure is reported, not fatal: the call went on).
    JournalCall {
        transaction_id: String,
        progress: Progress,
        disposition: Disposition,
    },
    /// Hang these calls up (`--hangup-on-interrupt`, `--until first`), at the update quota's
    /// pace, and answer with [`Event::HangUpsDone`].
    HangUp(Vec<Target>),
    /// Journal a row settled without a call (cancelled, guarded), before it is reported;
    /// [`Event::JournalFailed`] if it cannot be written.
    JournalSettled(SettledNote),
}
