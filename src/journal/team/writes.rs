//! Writing the team journal: each record in one transaction with everything it changes, so a
//! record is never half written. An intent writes its dial, the dial's pointers and (a bulk
//! run's) the claim on its row attempt; a later record rewrites its dial under the dial's
//! version, so two processes learning of one call at once both land, one after the other.

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, Delete, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};

use super::faults;
use super::items::{self, n, s, Item};
use super::keys::{self, Key, EXPIRES_AT};
use super::TeamJournal;
use crate::exit::{Exit, Failure};
use crate::journal::fold::DialEntry;
use crate::journal::record::{Line, Record};

/// Version conflicts in a row on one dial before a write gives up (each is another process's
/// record landing first: they are rare, and short).
const MAX_CONFLICTS: u32 = 20;

/// A record on its way: its line, its JSON text, and its id in the `J` list.
pub(super) struct Written {
    pub(super) line: Line,
    pub(super) text: String,
    pub(super) time_ms: i64,
    /// Unique per record: a new id, or (`journal copy`) the digest of the line.
    pub(super) id: String,
}

/// One try of a transaction: through, in the way of another (sent again), or cancelled.
enum Try {
    /// Another transaction on the same items was in the way (or this one, under its token,
    /// is still in progress): sent again by `transact`.
    Busy {
        in_progress: bool,
    },
    Cancelled(Cancelled),
}

/// Why a transaction did not go through.
pub(super) enum Cancelled {
    /// The item at this index failed its condition; the item there, when the table said.
    Condition(usize, Option<Item>),
    Failure(Failure),
}

impl TeamJournal {
    pub(super) fn put(&self, item: Item) -> Put {
        Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .build()
            .expect("a put has its table and item")
    }

    /// A put that does not overwrite: the record or pointer is new.
    pub(super) fn put_new(&self, item: Item) -> Put {
        Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .expect("a put has its table and item")
    }

    fn delete(&self, key: Key) -> Delete {
        Delete::builder()
            .table_name(&self.table)
            .set_key(Some(items::key_of(key)))
            .build()
            .expect("a delete has its table and key")
    }

    pub(super) fn record_item(&self, written: &Written, batch: Option<&str>) -> Item {
        let mut item = items::item(
            keys::record(written.time_ms, &written.id),
            [
                ("line", s(&written.text)),
                ("type", s(record_type(&written.line.record))),
            ],
        );
        if let Some(batch) = batch {
            item.insert("batch".into(), s(batch));
        }
        item
    }

    /// A dial's item; `counted_by`: the runner whose live-call place it holds (`--max-active`).
    pub(super) fn dial_item(
        &self,
        entry: &DialEntry,
        version: i64,
        counted_by: Option<&str>,
    ) -> Result<Item, Failure> {
        let mut item = items::item(
            keys::dial(&entry.dial_id),
            [
                ("entry", s(encode(entry)?)),
                ("ver", n(version)),
                ("time_ms", n(entry.time_ms().unwrap_or(0))),
            ],
        );
        if let Some(runner) = counted_by {
            item.insert("counted_by".into(), s(runner));
        }
        Ok(item)
    }

    pub(super) fn pointer(&self, key: Key, dial_id: &str) -> TransactWriteItem {
        let item = items::item(key, [("dial", s(dial_id))]);
        TransactWriteItem::builder().put(self.put(item)).build()
    }

    /// Adds `by` to the count of capped live calls; with `cap`, only while it is below it.
    pub(super) fn count_active(&self, by: i64, cap: Option<u32>) -> TransactWriteItem {
        let mut update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(items::key_of(keys::active())))
            .update_expression("ADD live :by")
            .expression_attribute_values(":by", n(by));
        if let Some(cap) = cap {
            update = update
                .condition_expression("attribute_not_exists(live) OR live < :cap")
                .expression_attribute_values(":cap", n(cap));
        }
        let update = update
            .build()
            .expect("an update has its table, key and expression");
        TransactWriteItem::builder().update(update).build()
    }

    /// Writes a record about a dial (an outcome, a state) and folds it into the dial: `dial_id`
    /// names it, or `transaction_id` does through its `T` item. A record about a dial the
    /// journal does not hold is written alone, as the local journal does.
    pub(super) async fn write_about_dial(
        &self,
        written: &Written,
        dial: DialRef<'_>,
        copying: bool,
    ) -> Result<(), Failure> {
        let dial_id = match dial {
            DialRef::Id(id) => Some(id.to_string()),
            DialRef::Transaction(transaction_id) => self.dial_of(transaction_id).await?,
        };
        for _ in 0..MAX_CONFLICTS {
            let found = match &dial_id {
                Some(id) => self.get(keys::dial(id), "read a dial").await?,
                None => None,
            };
            let Some(found) = found else {
                let batch = record_batch(&written.line.record);
                return self.write_alone(written, batch.as_deref(), copying).await;
            };
            let entry: DialEntry = decode(items::text(&found, "entry").unwrap_or("{}"))?;
            let version = items::number(&found, "ver").unwrap_or(0);
            let counted_by = items::text(&found, "counted_by").map(str::to_string);
            let mut after = entry.clone();
            match &written.line.record {
                Record::Outcome(outcome) => after.apply_outcome(outcome),
                Record::State(note) => after.apply_state(note, &written.line.time),
                _ => {}
            }
            let ended = entry.may_be_live() && !after.may_be_live();
            let record = self.record_item(written, entry.batch.as_deref());
            let record = if copying {
                self.put_new(record)
            } else {
                self.put(record)
            };
            let mut writes = vec![
                TransactWriteItem::builder().put(record).build(),
                TransactWriteItem::builder()
                    .put(self.dial_put_versioned(
                        &after,
                        version,
                        counted_by.as_deref().filter(|_| !ended),
                    )?)
                    .build(),
            ];
            if let Record::Outcome(outcome) = &written.line.record {
                if let Some(transaction_id) = &outcome.transaction_id {
                    let item = items::item(
                        keys::transaction(transaction_id),
                        [("dial", s(&after.dial_id))],
                    );
                    writes.push(TransactWriteItem::builder().put(self.put(item)).build());
                }
            }
            if ended {
                let time_ms = entry.time_ms().unwrap_or(0);
                let live = keys::pointer(keys::LIVE_DIALS, time_ms, &entry.dial_id);
                writes.push(
                    TransactWriteItem::builder()
                        .delete(self.delete(live))
                        .build(),
                );
                if counted_by.is_some() {
                    writes.push(self.count_active(-1, None));
                }
            }
            match self.transact(writes, "write a record").await {
                Ok(()) => return Ok(()),
                // Copied before: the record is there, and so is what it did.
                Err(Cancelled::Condition(0, _)) if copying => return Ok(()),
                // Another process's record about this dial landed first: read it again.
                Err(Cancelled::Condition(1, _)) => continue,
                Err(Cancelled::Condition(at, _)) => return Err(self.unexpected_condition(at)),
                Err(Cancelled::Failure(failure)) => return Err(failure),
            }
        }
        Err(Failure::new(
            Exit::Failure,
            format!(
                "cannot write a record in the team journal dynamodb:{}: its dial changed {MAX_CONFLICTS} times in a row while it was written",
                self.table
            ),
        ))
    }

    pub(super) fn dial_put_versioned(
        &self,
        entry: &DialEntry,
        version: i64,
        counted_by: Option<&str>,
    ) -> Result<Put, Failure> {
        let item = self.dial_item(entry, version + 1, counted_by)?;
        Ok(Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("ver = :v")
            .expression_attribute_values(":v", n(version))
            .build()
            .expect("a put has its table and item"))
    }

    /// A record that changes no dial (a redial decision, a settled row, a record about a dial
    /// not in the journal): the record, and for a batch's, its note in the batch.
    pub(super) async fn write_alone(
        &self,
        written: &Written,
        batch: Option<&str>,
        copying: bool,
    ) -> Result<(), Failure> {
        let record = self.record_item(written, batch);
        let record = if copying {
            self.put_new(record)
        } else {
            self.put(record)
        };
        let mut writes = vec![TransactWriteItem::builder().put(record).build()];
        let note = matches!(written.line.record, Record::Redial(_) | Record::Settled(_));
        if let (true, Some(batch)) = (note, batch) {
            keys::check_sizes(batch, None).map_err(|problem| Failure::new(Exit::Usage, problem))?;
            let item = items::item(
                keys::batch_note(batch, written.time_ms, &written.id),
                [("line", s(&written.text))],
            );
            writes.push(TransactWriteItem::builder().put(self.put(item)).build());
        }
        match self.transact(writes, "write a record").await {
            Ok(()) => Ok(()),
            Err(Cancelled::Condition(0, _)) if copying => Ok(()),
            Err(Cancelled::Condition(at, _)) => Err(self.unexpected_condition(at)),
            Err(Cancelled::Failure(failure)) => Err(failure),
        }
    }

    /// The dial a TransactionId names, if the journal has it.
    pub(super) async fn dial_of(&self, transaction_id: &str) -> Result<Option<String>, Failure> {
        let found = self
            .get(keys::transaction(transaction_id), "find a call's dial")
            .await?;
        Ok(found.and_then(|item| items::text(&item, "dial").map(str::to_string)))
    }

    /// Sends one transaction; a cancellation says which item's condition failed.
    /// A transaction another one touching the same item cancelled (TransactionConflict: the
    /// `ACTIVE` count, a number's count and a batch's listing are shared by every runner), or
    /// one still in progress under the same token, is sent again after a short pause; the
    /// first is sent under a token of its own, kept while it is in progress, so it is applied
    /// once.
    pub(super) async fn transact(
        &self,
        writes: Vec<TransactWriteItem>,
        what: &str,
    ) -> Result<(), Cancelled> {
        let mut token = uuid::Uuid::new_v4().to_string();
        let mut pause = std::time::Duration::from_millis(10);
        for _ in 0..MAX_CONFLICTS {
            match self.transact_once(writes.clone(), &token, what).await {
                Err(Try::Busy { in_progress }) => {
                    if !in_progress {
                        // Cancelled, nothing applied: a new token for a new attempt.
                        token = uuid::Uuid::new_v4().to_string();
                    }
                    let jitter = rand_ms(pause.as_millis() as u64);
                    tokio::time::sleep(pause + std::time::Duration::from_millis(jitter)).await;
                    pause = (pause * 2).min(std::time::Duration::from_millis(500));
                }
                Err(Try::Cancelled(cancelled)) => return Err(cancelled),
                Ok(()) => return Ok(()),
            }
        }
        Err(Cancelled::Failure(faults::failure_of(
            &self.table,
            what,
            faults::Fault::Throttled,
            &format!("{MAX_CONFLICTS} transactions in a row cancelled by others on the same items"),
        )))
    }

    async fn transact_once(
        &self,
        writes: Vec<TransactWriteItem>,
        token: &str,
        what: &str,
    ) -> Result<(), Try> {
        let sent = self
            .client
            .transact_write_items()
            .set_transact_items(Some(writes))
            .client_request_token(token)
            .send()
            .await;
        match sent {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(service)) => {
                if let TransactWriteItemsError::TransactionCanceledException(cancelled) =
                    service.err()
                {
                    let failed = cancelled
                        .cancellation_reasons()
                        .iter()
                        .enumerate()
                        .find(|(_, reason)| reason.code() == Some("ConditionalCheckFailed"));
                    if let Some((at, reason)) = failed {
                        return Err(Try::Cancelled(Cancelled::Condition(
                            at,
                            reason.item().cloned(),
                        )));
                    }
                    let conflict = cancelled
                        .cancellation_reasons()
                        .iter()
                        .any(|reason| reason.code() == Some("TransactionConflict"));
                    if conflict {
                        return Err(Try::Busy { in_progress: false });
                    }
                    let codes: Vec<&str> = cancelled
                        .cancellation_reasons()
                        .iter()
                        .filter_map(|reason| reason.code())
                        .filter(|code| *code != "None")
                        .collect();
                    let fault = codes
                        .iter()
                        .map(|code| faults::Fault::of_code(Some(code)))
                        .find(|fault| *fault != faults::Fault::Other)
                        .unwrap_or(faults::Fault::Other);
                    let detail = format!("transaction cancelled: {}", codes.join(", "));
                    return Err(Try::Cancelled(Cancelled::Failure(faults::failure_of(
                        &self.table,
                        what,
                        fault,
                        &detail,
                    ))));
                }
                if service.err().is_transaction_in_progress_exception() {
                    return Err(Try::Busy { in_progress: true });
                }
                Err(Try::Cancelled(Cancelled::Failure(faults::failure(
                    &self.table,
                    what,
                    &SdkError::<_, aws_smithy_runtime_api::http::Response>::ServiceError(service),
                ))))
            }
            Err(other) => Err(Try::Cancelled(Cancelled::Failure(faults::failure(
                &self.table,
                what,
                &other,
            )))),
        }
    }

    pub(super) fn unexpected_condition(&self, at: usize) -> Failure {
        Failure::new(
            Exit::Failure,
            format!(
                "cannot write to the team journal dynamodb:{}: a conditional write failed where \
                 none should (item {at} of the transaction); nothing of it was written",
                self.table
            ),
        )
    }

    /// An item by key, read strongly consistent.
    pub(super) async fn get(&self, key: Key, what: &str) -> Result<Option<Item>, Failure> {
        let answer = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(items::key_of(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| faults::failure(&self.table, what, &e))?;
        Ok(answer.item)
    }

    /// A lease or slot item: gone by itself (TTL) a while after `until_ms`.
    pub(super) fn expiring(
        key: Key,
        until_ms: i64,
        more: Vec<(&'static str, AttributeValue)>,
    ) -> Item {
        let mut item = items::item(key, more);
        item.insert(EXPIRES_AT.into(), n(until_ms / 1000 + 3600));
        item.insert("until_ms".into(), n(until_ms));
        item
    }
}

/// Which dial a record is about.
pub(super) enum DialRef<'a> {
    Id(&'a str),
    Transaction(&'a str),
}

/// Up to `below` milliseconds of jitter, so runners that met do not meet again.
fn rand_ms(below: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    u64::from(nanos) % below.max(1)
}

pub(super) fn record_type(record: &Record) -> &'static str {
    match record {
        Record::Intent(_) => "intent",
        Record::Outcome(_) => "outcome",
        Record::State(_) => "state",
        Record::Redial(_) => "redial",
        Record::Settled(_) => "settled",
    }
}

fn record_batch(record: &Record) -> Option<String> {
    match record {
        Record::Intent(intent) => intent.batch.clone(),
        Record::Outcome(outcome) => outcome.batch.clone(),
        Record::State(_) => None,
        Record::Redial(note) => Some(note.batch.clone()),
        Record::Settled(note) => Some(note.batch.clone()),
    }
}

fn encode(entry: &DialEntry) -> Result<String, Failure> {
    serde_json::to_string(entry)
        .map_err(|e| Failure::new(Exit::Failure, format!("cannot encode a dial: {e}")))
}

pub(super) fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Failure> {
    serde_json::from_str(text).map_err(|e| {
        Failure::new(
            Exit::Failure,
            format!("a team journal item cannot be read: {e}"),
        )
    })
}
