//! What a journal must answer, in the words of the commands that ask: the interface the local
//! journal (SQLite) implements, and a shared one (the team journal on DynamoDB) can implement
//! too. Every question is a lookup by an indexed key (batch, TransactionId, destination, time,
//! "still active"), never a scan of the history, so a command's time and memory do not grow
//! with the journal.

use std::future::Future;
use std::pin::Pin;

use super::fold::DialEntry;
use super::record::{Intent, Record, RedialNote, SettledNote};
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
/// the following page starts (`None`: there is no more), a cursor only the same journal reads.
#[derive(Debug, Default)]
pub(crate) struct RecordPage {
    pub(crate) lines: Vec<String>,
    pub(crate) next: Option<String>,
}

/// What became of an intent written with a claim (a bulk run's row attempt on a team journal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Claim {
    /// The intent is written, the attempt is this runner's: the request may be sent.
    Won,
    /// Another runner (named) claimed this attempt of the row first: nothing was written, and
    /// the row is that runner's to dial.
    TakenBy(String),
    /// The runners' live calls together are at `--max-active`: nothing was written; try later.
    Full,
    /// The per-number guard holds the call, counting the calls the journal holds now (another
    /// runner's among them): nothing was written; the number is free at `until_ms`, by `limit`.
    Held { until_ms: i64, limit: String },
}

/// The per-number guard, asked by a journal runners share just before it writes an intent: of
/// the dials to the number started since `since_ms`, does the guard hold a call now? (`None`:
/// it may go; else when the number is free, and the limit that holds it.)
#[derive(Clone, Copy)]
pub(crate) struct GuardTest<'a> {
    pub(crate) since_ms: i64,
    #[allow(clippy::type_complexity)]
    pub(crate) holds: &'a (dyn Fn(&[DialEntry], i64) -> Option<(i64, String)> + Send + Sync),
}

/// A bulk run's row attempt: the batch, the row's key, the attempt.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowAttempt<'a> {
    pub(crate) batch: &'a str,
    pub(crate) row: &'a str,
    pub(crate) attempt: u32,
}

/// What a reservation found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reservation {
    /// Reserved for this runner.
    Mine,
    /// Claimed by another runner's intent: theirs to dial.
    Claimed(String),
    /// Reserved by another runner, not claimed yet: look again soon (it is claimed, or lapses
    /// at `until_ms`).
    ReservedBy { runner: String, until_ms: i64 },
}

/// What runners sharing a journal agree on through it (the team journal on DynamoDB): the pace
/// of their starts, and who is running a batch now. A journal on one machine has none.
pub(crate) trait Coordination: Send + Sync {
    /// Reserves a row attempt for this runner for `hold_ms`, before it takes a start slot for
    /// it: a slot is spent only on a row this runner will dial. The intent's claim makes the
    /// reservation a claim; one never claimed lapses (its runner was stopped or killed).
    fn reserve<'a>(&'a self, row: RowAttempt<'a>, hold_ms: i64) -> Answer<'a, Reservation>;

    /// Gives back a reservation this runner did not claim (its dial was not sent).
    fn release<'a>(&'a self, row: RowAttempt<'a>) -> Answer<'a, ()>;

    /// Takes the next start slot free for every runner at `period_us` spacing, none earlier
    /// than `not_before_ms`: the time (epoch ms) the request may leave.
    fn take_start(&self, period_us: u64, not_before_ms: i64) -> Answer<'_, i64>;

    /// Registers (or renews) this runner's lease on `batch`, good for `lease_ms`; the other
    /// runners whose leases are still good.
    fn enter<'a>(&'a self, batch: &'a str, lease_ms: i64) -> Answer<'a, Vec<String>>;

    /// Gives this runner's lease on `batch` up (its run is over), and the `--max-active`
    /// places of its calls still up (it no longer follows them).
    fn leave<'a>(&'a self, batch: &'a str) -> Answer<'a, ()>;

    /// Gives back the `--max-active` place of this runner's call `transaction_id`: the run
    /// stopped following it (it succeeded and goes on, or `--timeout` passed), so it no longer
    /// counts against the run's cap, as on one machine.
    fn give_back_call<'a>(&'a self, transaction_id: &'a str) -> Answer<'a, ()>;

    /// Every `--max-active` place is taken: gives back those held by runners whose lease has
    /// lapsed (killed, so nobody follows their calls); how many.
    fn give_back_lapsed(&self) -> Answer<'_, u32>;
}

/// A journal. A record appended is durable when `append` returns (an intent before its request
/// is sent); several processes may append at once.
pub(crate) trait JournalStore: Send + Sync {
    /// The journal as messages name it: a file's path, or `dynamodb:TABLE`.
    fn name(&self) -> String;

    /// The database file of a journal on this machine (lock files go beside it).
    fn local_file(&self) -> Option<&std::path::Path> {
        None
    }

    /// Appends one record: on disk (or in the table) when this returns.
    fn append(&self, record: Record) -> Answer<'_, ()>;

    /// Appends a dial's intent. Where runners share the journal, a bulk run's (batch, row and
    /// attempt set) is a claim on that attempt; with `cap` it also takes one of `cap` live calls
    /// shared by the runners; with `guard`, it is written only if the guard lets the call go,
    /// counting the dials to the number the journal holds at that moment (atomically: a dial to
    /// the number written meanwhile by anyone makes it look again). A journal on one machine
    /// writes it as any record (its runs and dials check the guard before).
    fn append_intent<'a>(
        &'a self,
        intent: Intent,
        cap: Option<u32>,
        guard: Option<GuardTest<'a>>,
    ) -> Answer<'a, Claim> {
        let _ = (cap, guard);
        Box::pin(async move {
            self.append(Record::Intent(intent)).await?;
            Ok(Claim::Won)
        })
    }

    /// How runners sharing this journal coordinate; `None` on one machine.
    fn coordination(&self) -> Option<&dyn Coordination> {
        None
    }

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
    fn dials_to<'a>(&'a self, to: &'a str, since_ms: i64) -> Answer<'a, Vec<DialEntry>>;

    /// Up to `limit` records from `from` on (a cursor from the previous page; `None` for the
    /// first), in the order they were written (`journal export`).
    fn records<'a>(
        &'a self,
        filter: &'a ExportFilter,
        from: Option<&'a str>,
        limit: usize,
    ) -> Answer<'a, RecordPage>;
}
