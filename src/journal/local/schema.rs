//! The local journal's tables, and its version (`PRAGMA user_version`).
//!
//! `records` keeps every record whole, as the JSON line it is (what `journal export` writes), in
//! the order written. The other tables are kept up to date as records arrive so that no command
//! folds the history: `dials` holds each dial as its records fold into a `DialEntry` (the same
//! fold as `fold::dials`; `open` when it may be live), `transactions` says which dial a TransactionId belongs to (a `state`
//! record names only that), `redials` the redial decisions, `batches` each batch's first and
//! last dial times, `meta` what was imported.

use rusqlite::{Connection, TransactionBehavior};

/// The schema this chimecall writes and reads. A newer one is refused, never guessed at.
pub(crate) const VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE records (
    seq INTEGER PRIMARY KEY,
    time_ms INTEGER,
    type TEXT NOT NULL,
    batch TEXT,
    line TEXT NOT NULL
);
CREATE INDEX records_by_batch ON records (batch, seq) WHERE batch IS NOT NULL;
CREATE INDEX records_by_time ON records (time_ms);

CREATE TABLE dials (
    seq INTEGER PRIMARY KEY,
    dial_id TEXT NOT NULL,
    batch TEXT,
    to_number TEXT NOT NULL,
    time_ms INTEGER,
    open INTEGER NOT NULL,
    entry TEXT NOT NULL
);
CREATE INDEX dials_by_dial_id ON dials (dial_id, seq);
CREATE INDEX dials_by_batch ON dials (batch, seq) WHERE batch IS NOT NULL;
CREATE INDEX dials_by_destination ON dials (to_number, time_ms);
CREATE INDEX dials_by_time ON dials (time_ms);
CREATE INDEX dials_open ON dials (seq) WHERE open = 1;

CREATE TABLE transactions (
    transaction_id TEXT PRIMARY KEY,
    dial_seq INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE redials (
    seq INTEGER PRIMARY KEY,
    batch TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX redials_by_batch ON redials (batch, seq);

CREATE TABLE batches (
    name TEXT PRIMARY KEY,
    first_time TEXT NOT NULL,
    last_time TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
";

/// Why the schema could not be used.
#[derive(Debug)]
pub(crate) enum SchemaError {
    Newer(i64),
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for SchemaError {
    fn from(error: rusqlite::Error) -> SchemaError {
        SchemaError::Sqlite(error)
    }
}

/// Creates the tables in a new database; checks the version of an existing one.
pub(crate) fn ensure(connection: &mut Connection) -> Result<(), SchemaError> {
    let version =
        |c: &Connection| c.query_row("PRAGMA user_version", [], |row| row.get::<_, i64>(0));
    let found = version(connection)?;
    if found == VERSION {
        return Ok(());
    }
    if found > VERSION {
        return Err(SchemaError::Newer(found));
    }
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another process may have made it while this one waited for the lock.
    let found = version(&transaction)?;
    if found == 0 {
        transaction.execute_batch(SCHEMA)?;
        transaction.execute_batch(&format!("PRAGMA user_version = {VERSION}"))?;
    } else if found > VERSION {
        return Err(SchemaError::Newer(found));
    }
    transaction.commit()?;
    Ok(())
}
