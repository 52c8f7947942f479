//! What a journal must answer, in the words of the commands that ask: the interface the local
//! journal (SQLite) implements, and a shared one (the team journal on DynamoDB) can implement
//! too. Every question is a lookup by an indexed key (batch, TransactionId, destination, time,
//! "still active"), never a scan of the history, so a command's time and memory do not grow
//! with the journal.

use std::future::Future;
use std::pin::Pin;

use super::fold::DialEntry;
use super::record::{Record, RedialNote, SettledNote};
use crate::exit::Failure;

/// A journal's answer, later: every method is async, for journals across a network.
pub(crate) type Answer<'a, T> = Pin<Box<dyn Future<Output = Result<T, Failure>> + Send + 'a>>;

/// One batch as the journal holds it: its dials in the order they were started, and the redial
/// decisions in the order they were taken (`campaign::Ledger` makes rows of them).
#[derive(Debug, Default, Clone)]
pub(crate) struct BatchRecords {
    pub(crate) dials: Vec<DialEntry>,
    pub(crate) redials: Vec<RedialNote>,
    /// Rows settled without a call (cancelled, guarded), in the order they were.
    pub(crate) settled: Vec<SettledNote>,
}

/// A batch in the list of batches: its name and the times of its first and last dials.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BatchInfo {
    pub(crate) name: String,
    pub(crate) first: String,
    pub(crate) last: String,
    /// The last dial's time in epoch milliseconds, when it parses.
    pub(crate) last_ms: Option<i64>,
}

/// Which records `journal export` writes.
#[derive(Debug, Default, Clone)]
pub(crate) struct ExportFilter {
    /// Only the records of one batch: its intents, outcomes, redials, and the states of its calls.
    pub(crate) batch: Option<String>,
    /// Only the records written at or after this time (epoch milliseconds).
    pub(crate) since_ms: Option<i64>,
}

/// Records in the order they were written, each as its JSON line (no line feed); `next` is where
/// the following page starts (`None`: there is no more).
#[derive(Debug, Default)]
pub(crate) struct RecordPage {
    pub(crate) lines: Vec<String>,
    pub(crate) next: Option<u64>,
}

/// A journal. A record appended is durable when `append` returns (an intent before its request
/// is sent); several processes may append at once.
pub(crate) trait JournalStore: Send + Sync {
    /// Where it is, for messages ("the call journal {location}") and for lock files beside it.
    fn location(&self) -> &std::path::Path;

    /// Appends one record: on disk (or in the table) when this returns.
    fn append(&self, record: Record) -> Answer<'_, ()>;

    /// The dials of one batch and its redial decisions (`--resume`, refusing a re-run,
    /// `report --batch`); empty when the journal has no such batch.
    fn batch<'a>(&'a self, batch: &'a str) -> Answer<'a, BatchRecords>;

    /// Every batch, in the order of their names (`report`).
    fn batches(&self) -> Answer<'_, Vec<BatchInfo>>;

    /// Dials that may be live, started at or after `since_ms` (all when `None`; a dial whose
    /// time does not parse is always included), in the order they were started: those placed
    /// and not known to have ended (`DialEntry::is_active`: `calls --active`, `hangup --all`),
    /// and those whose outcome is unknown (`hangup --all` warns of them).
    fn open_dials(&self, since_ms: Option<i64>) -> Answer<'_, Vec<DialEntry>>;

    /// Every dial started at or after `since_ms` (all when `None`; a dial whose time does not
    /// parse is always included), in the order they were started (`calls`, `resolve`).
    fn dials_since(&self, since_ms: Option<i64>) -> Answer<'_, Vec<DialEntry>>;

    /// The dial whose outcome named this TransactionId (the latest, if several did).
    fn dial_by_transaction<'a>(&'a self, transaction_id: &'a str) -> Answer<'a, Option<DialEntry>>;

    /// Dials to `to` (E.164, as journaled) started at or after `since_ms`, in the order they
    /// were started (the per-number guard).
    #[allow(dead_code)] // The per-number guard (issue 17) is its first caller.
    fn dials_to<'a>(&'a self, to: &'a str, since_ms: i64) -> Answer<'a, Vec<DialEntry>>;

    /// Up to `limit` records from `from` on (a cursor from the previous page; `None` for the
    /// first), in the order they were written (`journal export`).
    fn records<'a>(
        &'a self,
        filter: &'a ExportFilter,
        from: Option<u64>,
        limit: usize,
    ) -> Answer<'a, RecordPage>;
}
