//! Writing the local journal: one thread per process commits whatever records are waiting in one
//! transaction (one fsync of the write-ahead log for many records, so bulk runs keep their
//! speed), and each record updates the tables the queries read as it is stored.

use std::sync::mpsc as std_mpsc;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use tokio::sync::oneshot;

use crate::journal::fold::DialEntry;
use crate::journal::record::{Line, Record};

/// At most this many records in one transaction.
const GROUP_LIMIT: usize = 4096;

/// A record on its way to the disk, and who waits for it.
pub(super) struct Pending {
    pub(super) line: Line,
    /// The record as its JSON line (what `journal export` gives back).
    pub(super) text: String,
    pub(super) done: oneshot::Sender<Result<(), String>>,
}

/// The writer thread: takes everything waiting, commits it in one transaction, then
/// acknowledges each record (all of them, or none: a failed transaction stores nothing).
pub(super) fn write_loop(mut connection: Connection, receiver: std_mpsc::Receiver<Pending>) {
    while let Ok(first) = receiver.recv() {
        let mut group = vec![first];
        while group.len() < GROUP_LIMIT {
            match receiver.try_recv() {
                Ok(more) => group.push(more),
                Err(_) => break,
            }
        }
        let result = commit(&mut connection, &group).map_err(|e| e.to_string());
        for pending in group {
            let _ = pending.done.send(result.clone());
        }
    }
}

fn commit(connection: &mut Connection, group: &[Pending]) -> rusqlite::Result<()> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for pending in group {
        store(&transaction, &pending.line, &pending.text)?;
    }
    transaction.commit()
}

/// Stores one record (inside the caller's transaction) and folds it into the dial it is about,
/// exactly as `fold::dials` would.
pub(super) fn store(connection: &Connection, line: &Line, text: &str) -> rusqlite::Result<()> {
    let time_ms = chimecall_model::clock::parse_rfc3339_ms(&line.time);
    match &line.record {
        Record::Intent(intent) => {
            let seq = store_record(connection, time_ms, "intent", intent.batch.as_deref(), text)?;
            let entry = DialEntry::of_intent(intent, &line.time);
            connection
                .prepare_cached(
                    "INSERT INTO dials (seq, dial_id, batch, to_number, time_ms, open, entry)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![
                    seq,
                    entry.dial_id,
                    entry.batch,
                    entry.to,
                    entry.time_ms(),
                    entry.may_be_live(),
                    encode(&entry)?
                ])?;
            if let (Some(batch), Some(_)) = (&entry.batch, &entry.row) {
                connection
                    .prepare_cached(
                        "INSERT INTO batches (name, first_time, last_time) VALUES (?1, ?2, ?2)
                         ON CONFLICT (name) DO UPDATE SET
                             first_time = min(first_time, excluded.first_time),
                             last_time = max(last_time, excluded.last_time)",
                    )?
                    .execute(params![batch, entry.time])?;
            }
        }
        Record::Outcome(outcome) => {
            let dial = connection
                .prepare_cached(
                    "SELECT seq, entry FROM dials WHERE dial_id = ?1 ORDER BY seq DESC LIMIT 1",
                )?
                .query_row([&outcome.dial_id], |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        decode::<DialEntry>(&row.get::<_, String>(1)?)?,
                    ))
                })
                .optional()?;
            let batch = dial
                .as_ref()
                .and_then(|(_, entry)| entry.batch.clone())
                .or_else(|| outcome.batch.clone());
            store_record(connection, time_ms, "outcome", batch.as_deref(), text)?;
            if let Some((seq, mut entry)) = dial {
                entry.apply_outcome(outcome);
                update_dial(connection, seq, &entry)?;
                if let Some(transaction_id) = &outcome.transaction_id {
                    connection
                        .prepare_cached(
                            "INSERT INTO transactions (transaction_id, dial_seq) VALUES (?1, ?2)
                             ON CONFLICT (transaction_id) DO UPDATE SET dial_seq = excluded.dial_seq",
                        )?
                        .execute(params![transaction_id, seq])?;
                }
            }
        }
        Record::State(note) => {
            let dial = connection
                .prepare_cached(
                    "SELECT d.seq, d.entry FROM transactions t JOIN dials d ON d.seq = t.dial_seq
                     WHERE t.transaction_id = ?1",
                )?
                .query_row([&note.transaction_id], |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        decode::<DialEntry>(&row.get::<_, String>(1)?)?,
                    ))
                })
                .optional()?;
            let batch = dial.as_ref().and_then(|(_, entry)| entry.batch.clone());
            store_record(connection, time_ms, "state", batch.as_deref(), text)?;
            if let Some((seq, mut entry)) = dial {
                entry.apply_state(note, &line.time);
                update_dial(connection, seq, &entry)?;
            }
        }
        // A row settled without a call: the record, found by its batch, is all there is.
        Record::Settled(note) => {
            store_record(connection, time_ms, "settled", Some(&note.batch), text)?;
        }
        Record::Redial(note) => {
            let seq = store_record(connection, time_ms, "redial", Some(&note.batch), text)?;
            connection
                .prepare_cached("INSERT INTO redials (seq, batch, note) VALUES (?1, ?2, ?3)")?
                .execute(params![seq, note.batch, encode(note)?])?;
        }
    }
    Ok(())
}

fn store_record(
    connection: &Connection,
    time_ms: Option<i64>,
    kind: &str,
    batch: Option<&str>,
    text: &str,
) -> rusqlite::Result<i64> {
    connection
        .prepare_cached("INSERT INTO records (time_ms, type, batch, line) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![time_ms, kind, batch, text])?;
    Ok(connection.last_insert_rowid())
}

fn update_dial(connection: &Connection, seq: i64, entry: &DialEntry) -> rusqlite::Result<()> {
    connection
        .prepare_cached("UPDATE dials SET open = ?2, entry = ?3 WHERE seq = ?1")?
        .execute(params![seq, entry.may_be_live(), encode(entry)?])?;
    Ok(())
}

pub(super) fn encode(value: &impl serde::Serialize) -> rusqlite::Result<String> {
    serde_json::to_string(value).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

pub(super) fn decode<T: serde::de::DeserializeOwned>(text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}
