//! The team journal: the call journal in a DynamoDB table that every runner of a team shares
//! (`--journal dynamodb:TABLE`). The same records as the local journal, written before they are
//! reported, plus what runners on several machines need to agree on, each a conditional write:
//! a bulk run's row attempt is claimed with its intent (two runners never dial the same
//! attempt), capped runs' live calls are counted under `--max-active`, and starts take slots of
//! one shared pace (`coordination`). `keys` draws the table; `writes` and `reads` talk to it;
//! `faults` says what its errors mean; `admin` creates a table and copies a local journal in.

mod admin;
mod coordination;
mod faults;
mod intents;
mod items;
mod keys;
mod places;
mod reads;
mod reservations;
mod writes;

use std::collections::HashSet;
use std::sync::atomic::AtomicI64;
use std::sync::Mutex;

use aws_sdk_dynamodb::Client;

use super::fold::DialEntry;
use super::record::{Intent, Line, Record, RedialNote, FORMAT_VERSION};
use super::store::{
    Answer, BatchInfo, BatchRecords, Claim, Coordination, ExportFilter, GuardTest, JournalStore,
    RecordPage,
};
use crate::exit::{Exit, Failure};
use intents::IntentMode;
use reads::Range;
use writes::{DialRef, Written};

pub(crate) use admin::{copy_records, create_table, CopyCount, Created};

pub(crate) struct TeamJournal {
    client: Client,
    table: String,
    /// This process, in claims and leases.
    runner: String,
    /// How long before a start slot's time its put is sent (`coordination`), learned.
    slot_lead_ms: AtomicI64,
    /// The start slot grid (its period, µs) and the last slot this process took or found
    /// taken; held while a dial of this process looks for its slot.
    slot_cursor: tokio::sync::Mutex<(i64, i64)>,
    /// The dials whose live-call places this process took (`places`).
    counted_here: Mutex<HashSet<String>>,
    /// The batches this process listed in `BATCHES` (once each).
    listed_here: Mutex<HashSet<String>>,
}

impl TeamJournal {
    /// The journal in `table`, checked: the table exists, and is a chimecall journal.
    pub(crate) async fn open(client: Client, table: &str) -> Result<TeamJournal, Failure> {
        let journal = TeamJournal::unchecked(client, table);
        let meta = journal.meta("open the journal").await?;
        match meta.as_ref().and_then(|item| items::number(item, "schema")) {
            Some(schema) if schema <= i64::from(keys::SCHEMA) => Ok(journal),
            Some(schema) => Err(Failure::new(
                Exit::Config,
                format!(
                    "the team journal dynamodb:{table} has schema version {schema}, newer than \
                     this chimecall's ({}): use a newer chimecall",
                    keys::SCHEMA
                ),
            )),
            None => Err(not_a_journal(table, "it has no META item")),
        }
    }

    /// The journal in `table`, not looked at yet (`journal create`).
    pub(crate) fn unchecked(client: Client, table: &str) -> TeamJournal {
        let id = uuid::Uuid::new_v4().simple().to_string();
        TeamJournal {
            client,
            table: table.to_string(),
            runner: format!("{}-{}", hostname(), &id[..8]),
            slot_lead_ms: AtomicI64::new(0),
            slot_cursor: tokio::sync::Mutex::new((0, 0)),
            counted_here: Mutex::new(HashSet::new()),
            listed_here: Mutex::new(HashSet::new()),
        }
    }

    fn written(
        &self,
        record: Record,
        time: Option<String>,
        id: Option<String>,
    ) -> Result<Written, Failure> {
        let time = time.unwrap_or_else(chimecall_model::clock::now_rfc3339_ms);
        let time_ms = chimecall_model::clock::parse_rfc3339_ms(&time).unwrap_or(0);
        let line = Line {
            v: FORMAT_VERSION,
            time,
            record,
        };
        let text = serde_json::to_string(&line).map_err(|e| {
            Failure::new(
                Exit::Failure,
                format!("cannot encode a journal record: {e}"),
            )
        })?;
        let id = id.unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
        Ok(Written {
            line,
            text,
            time_ms,
            id,
        })
    }

    /// Writes one record: how depends on what it is about.
    async fn write(&self, written: Written, copying: bool) -> Result<Claim, Failure> {
        match &written.line.record {
            Record::Intent(intent) => {
                let mode = if copying {
                    IntentMode::Copy
                } else {
                    IntentMode::Dial {
                        cap: None,
                        guard: None,
                    }
                };
                self.write_intent(&intent.clone(), &written, mode).await
            }
            Record::Outcome(outcome) => {
                let id = outcome.dial_id.clone();
                self.write_about_dial(&written, DialRef::Id(&id), copying)
                    .await?;
                Ok(Claim::Won)
            }
            Record::State(note) => {
                let transaction_id = note.transaction_id.clone();
                self.write_about_dial(&written, DialRef::Transaction(&transaction_id), copying)
                    .await?;
                Ok(Claim::Won)
            }
            Record::Redial(RedialNote { batch, .. }) => {
                let batch = batch.clone();
                self.write_alone(&written, Some(&batch), copying).await?;
                Ok(Claim::Won)
            }
            Record::Settled(note) => {
                let batch = note.batch.clone();
                self.write_alone(&written, Some(&batch), copying).await?;
                Ok(Claim::Won)
            }
        }
    }
}

impl TeamJournal {
    /// The `META` item, if the table has one; a table keyed otherwise than `pk` and `sk`
    /// (which answers the read with a ValidationException) is not a chimecall journal.
    async fn meta(&self, what: &str) -> Result<Option<items::Item>, Failure> {
        self.get(keys::meta(), what).await.map_err(|failure| {
            if failure.message.contains("ValidationException") {
                not_a_journal(&self.table, "its key is not pk and sk")
            } else {
                failure
            }
        })
    }
}

fn not_a_journal(table: &str, why: &str) -> Failure {
    Failure::new(
        Exit::Config,
        format!(
            "the table dynamodb:{table} is not a chimecall journal ({why}): name another table, \
             or create a new one with `chimecall journal create dynamodb:NAME`"
        ),
    )
}

/// This machine's name, for claims and leases a person reads ("claimed by ci-7-3f2a…").
fn hostname() -> String {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default();
    let name: String = name
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
        .take(40)
        .collect();
    if name.is_empty() {
        "runner".to_string()
    } else {
        name
    }
}

impl JournalStore for TeamJournal {
    fn name(&self) -> String {
        format!("dynamodb:{}", self.table)
    }

    fn append(&self, record: Record) -> Answer<'_, ()> {
        Box::pin(async move {
            let written = self.written(record, None, None)?;
            match self.write(written, false).await? {
                Claim::Won => Ok(()),
                Claim::TakenBy(runner) => Err(Failure::new(
                    Exit::Failure,
                    format!("the dial was claimed by {runner} first"),
                )),
                Claim::Full => Err(Failure::new(Exit::Failure, "no live-call slot")),
                Claim::Held { .. } => Err(Failure::new(Exit::Failure, "held by the guard")),
            }
        })
    }

    fn append_intent<'a>(
        &'a self,
        intent: Intent,
        cap: Option<u32>,
        guard: Option<GuardTest<'a>>,
    ) -> Answer<'a, Claim> {
        Box::pin(async move {
            let written = self.written(Record::Intent(intent.clone()), None, None)?;
            self.write_intent(&intent, &written, IntentMode::Dial { cap, guard })
                .await
        })
    }

    fn coordination(&self) -> Option<&dyn Coordination> {
        Some(self)
    }

    fn batch<'a>(&'a self, batch: &'a str) -> Answer<'a, BatchRecords> {
        Box::pin(async move {
            let partition = keys::batch(batch);
            let pointers = self
                .query(&partition, Range::Prefix("D#"), None, None)
                .await?;
            let dials = self.dials_of(&pointers).await?;
            let mut records = BatchRecords {
                dials,
                ..BatchRecords::default()
            };
            for note in self
                .query(&partition, Range::Prefix("E#"), None, None)
                .await?
            {
                let line: Line = writes::decode(items::text(&note, "line").unwrap_or("{}"))?;
                match line.record {
                    Record::Redial(note) => records.redials.push(note),
                    Record::Settled(note) => records.settled.push(note),
                    _ => {}
                }
            }
            Ok(records)
        })
    }

    fn batches(&self) -> Answer<'_, Vec<BatchInfo>> {
        Box::pin(async move {
            let listed = self.query(keys::BATCHES, Range::All, None, None).await?;
            let mut batches = Vec::new();
            for item in &listed {
                let (Some(name), Some(first)) =
                    (items::text(item, keys::SK), items::text(item, "first_time"))
                else {
                    continue;
                };
                // The last dial's time, from the batch's last pointer.
                let last_ms = self.last_dial_ms(name).await?;
                let last = last_ms
                    .and_then(chimecall_model::clock::rfc3339_ms)
                    .unwrap_or_else(|| first.to_string());
                batches.push(BatchInfo {
                    name: name.to_string(),
                    first: first.to_string(),
                    last_ms: chimecall_model::clock::parse_rfc3339_ms(&last),
                    last,
                });
            }
            Ok(batches)
        })
    }

    fn open_dials(&self, since_ms: Option<i64>) -> Answer<'_, Vec<DialEntry>> {
        Box::pin(async move {
            let dials = self.list_since(keys::LIVE_DIALS, since_ms).await?;
            Ok(dials.into_iter().filter(DialEntry::may_be_live).collect())
        })
    }

    fn dials_since(&self, since_ms: Option<i64>) -> Answer<'_, Vec<DialEntry>> {
        Box::pin(self.list_since(keys::ALL_DIALS, since_ms))
    }

    fn dial_by_transaction<'a>(&'a self, transaction_id: &'a str) -> Answer<'a, Option<DialEntry>> {
        Box::pin(async move {
            let Some(pointer) = self
                .get(keys::transaction(transaction_id), "find a call's dial")
                .await?
            else {
                return Ok(None);
            };
            Ok(self.dials_of(&[pointer]).await?.pop())
        })
    }

    fn dials_to<'a>(&'a self, to: &'a str, since_ms: i64) -> Answer<'a, Vec<DialEntry>> {
        Box::pin(async move { self.list_since(&keys::number(to), Some(since_ms)).await })
    }

    fn records<'a>(
        &'a self,
        filter: &'a ExportFilter,
        from: Option<&'a str>,
        limit: usize,
    ) -> Answer<'a, RecordPage> {
        Box::pin(async move {
            let since = filter.since_ms.map(keys::time);
            let range = match (from, &since) {
                (Some(after), _) => Range::After(after),
                (None, Some(since)) => Range::From(since),
                (None, None) => Range::All,
            };
            let found = self
                .query("J", range, filter.batch.as_deref(), Some(limit.max(1)))
                .await?;
            let next = (found.len() >= limit.max(1))
                .then(|| found.last().and_then(|item| items::text(item, keys::SK)))
                .flatten()
                .map(str::to_string);
            Ok(RecordPage {
                lines: found
                    .iter()
                    .filter_map(|item| items::text(item, "line").map(str::to_string))
                    .collect(),
                next,
            })
        })
    }
}
