//! The local journal: a SQLite database (WAL mode, `synchronous=FULL`), written by one thread per
//! process, read through indexed queries. A commit is in the write-ahead log, fsynced, before any
//! of its records is reported; other processes wait for the write lock (`busy_timeout`) rather
//! than fail, so two bulk runs and a `hangup` can share one journal.

mod import;
mod schema;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{mpsc as std_mpsc, Arc, Mutex};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};
use tokio::sync::oneshot;

use super::fold::DialEntry;
use super::location::{self, Location};
use super::record::{Line, Record, RedialNote, FORMAT_VERSION};
use super::store::{Answer, BatchInfo, BatchRecords, ExportFilter, JournalStore, RecordPage};
use crate::exit::{Exit, Failure};

/// How long a write waits for another process's transaction before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

pub(crate) struct LocalJournal {
    database: PathBuf,
    reader: Arc<Mutex<Connection>>,
    sender: std_mpsc::Sender<writer::Pending>,
}

impl LocalJournal {
    /// Opens the journal `path` means (creating it and its directory if needed), importing a
    /// JSON-lines journal once if there is one to import.
    pub(crate) fn open(path: &Path) -> Result<LocalJournal, Failure> {
        let Location { database, import } = location::resolve(path)?;
        let cannot = |e: &dyn std::fmt::Display| {
            Failure::new(
                Exit::Config,
                format!("cannot open the call journal {}: {e}", database.display()),
            )
        };
        if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(|e| cannot(&e))?;
        }
        let mut writing = connect(&database).map_err(|e| cannot(&e))?;
        schema::ensure(&mut writing).map_err(|e| match e {
            schema::SchemaError::Newer(found) => Failure::new(
                Exit::Config,
                format!(
                    "the call journal {} has schema version {found}, newer than this chimecall's ({}): \
                     use a newer chimecall, or point CHIMECALL_JOURNAL at another file",
                    database.display(),
                    schema::VERSION
                ),
            ),
            schema::SchemaError::Sqlite(e) => cannot(&e),
        })?;
        if let Some(source) = &import {
            let imported = import::import_once(&mut writing, source).map_err(|e| {
                Failure::new(
                    Exit::Config,
                    format!(
                        "cannot import the call journal {} into {}: {e}",
                        source.display(),
                        database.display()
                    ),
                )
            })?;
            if let Some(imported) = imported {
                report_import(source, &database, &imported);
            }
        }
        let reader = connect(&database).map_err(|e| cannot(&e))?;
        let (sender, receiver) = std_mpsc::channel();
        std::thread::Builder::new()
            .name("chimecall-journal".into())
            .spawn(move || writer::write_loop(writing, receiver))
            .map_err(|e| cannot(&e))?;
        Ok(LocalJournal {
            database,
            reader: Arc::new(Mutex::new(reader)),
            sender,
        })
    }

    /// Runs a read on the reader connection, off the async threads.
    fn read<T: Send + 'static>(
        &self,
        query: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Answer<'_, T> {
        let reader = Arc::clone(&self.reader);
        Box::pin(async move {
            let failed = |e: &dyn std::fmt::Display| {
                Failure::new(
                    Exit::Config,
                    format!(
                        "cannot read the call journal {}: {e}",
                        self.database.display()
                    ),
                )
            };
            let answer = tokio::task::spawn_blocking(move || {
                let mut connection = reader.lock().unwrap_or_else(|e| e.into_inner());
                query(&mut connection)
            })
            .await
            .map_err(|e| failed(&e))?;
            answer.map_err(|e| failed(&e))
        })
    }
}

/// What an import did, on stderr: once, by the process that did it.
fn report_import(source: &Path, database: &Path, imported: &import::Imported) {
    // A line's text may be anything: neutralised like every note for people.
    let say = |text: String| crate::output::to_stderr(&crate::output::for_stderr(&text));
    for problem in &imported.problems {
        say(format!("warning: {problem}"));
    }
    if imported.more_problems > 0 {
        say(format!(
            "warning: {}: {} more lines cannot be read; they are ignored",
            source.display(),
            imported.more_problems
        ));
    }
    say(format!(
        "imported {} records of the call journal {} into {}, the journal from now on ({} is left as it was)",
        imported.records,
        source.display(),
        database.display(),
        source.display()
    ));
}

fn connect(database: &Path) -> rusqlite::Result<Connection> {
    let connection = Connection::open(database)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    connection.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    connection.execute_batch("PRAGMA synchronous = FULL")?;
    Ok(connection)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

fn entries(
    connection: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> rusqlite::Result<Vec<DialEntry>> {
    let mut statement = connection.prepare_cached(sql)?;
    let rows = statement.query_map(params, |row| writer::decode(&row.get::<_, String>(0)?))?;
    rows.collect()
}

impl JournalStore for LocalJournal {
    fn name(&self) -> String {
        self.database.display().to_string()
    }

    fn local_file(&self) -> Option<&Path> {
        Some(&self.database)
    }

    fn append(&self, record: Record) -> Answer<'_, ()> {
        Box::pin(async move {
            let line = Line {
                v: FORMAT_VERSION,
                time: chimecall_model::clock::now_rfc3339_ms(),
                record,
            };
            let text = serde_json::to_string(&line).map_err(|e| {
                Failure::new(
                    Exit::Failure,
                    format!("cannot encode a journal record: {e}"),
                )
            })?;
            let failed = |e: &str| {
                Failure::new(
                    Exit::Config,
                    format!(
                        "cannot write the call journal {}: {e}",
                        self.database.display()
                    ),
                )
            };
            let (done, written) = oneshot::channel();
            self.sender
                .send(writer::Pending { line, text, done })
                .map_err(|_| failed("its writer stopped"))?;
            match written.await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(failed(&e)),
                Err(_) => Err(failed("its writer stopped")),
            }
        })
    }

    fn batch<'a>(&'a self, batch: &'a str) -> Answer<'a, BatchRecords> {
        let batch = batch.to_string();
        self.read(move |connection| {
            let transaction = connection.transaction()?;
            let dials = entries(
                &transaction,
                "SELECT entry FROM dials WHERE batch = ?1 ORDER BY seq",
                [&batch],
            )?;
            let redials = {
                let mut statement = transaction
                    .prepare_cached("SELECT note FROM redials WHERE batch = ?1 ORDER BY seq")?;
                let notes = statement.query_map([&batch], |row| {
                    writer::decode::<RedialNote>(&row.get::<_, String>(0)?)
                })?;
                notes.collect::<rusqlite::Result<Vec<_>>>()?
            };
            let settled = {
                let mut statement = transaction.prepare_cached(
                    "SELECT line FROM records WHERE batch = ?1 AND type = 'settled' ORDER BY seq",
                )?;
                let lines = statement.query_map([&batch], |row| {
                    writer::decode::<Line>(&row.get::<_, String>(0)?)
                })?;
                lines
                    .filter_map(|line| match line {
                        Ok(Line {
                            record: Record::Settled(note),
                            ..
                        }) => Some(Ok(note)),
                        Ok(_) => None,
                        Err(error) => Some(Err(error)),
                    })
                    .collect::<rusqlite::Result<Vec<_>>>()?
            };
            transaction.finish()?;
            Ok(BatchRecords {
                dials,
                redials,
                settled,
            })
        })
    }

    fn batches(&self) -> Answer<'_, Vec<BatchInfo>> {
        self.read(|connection| {
            let mut statement = connection
                .prepare_cached("SELECT name, first_time, last_time FROM batches ORDER BY name")?;
            let rows = statement.query_map([], |row| {
                let last: String = row.get(2)?;
                Ok(BatchInfo {
                    name: row.get(0)?,
                    first: row.get(1)?,
                    last_ms: chimecall_model::clock::parse_rfc3339_ms(&last),
                    last,
                })
            })?;
            rows.collect()
        })
    }

    fn open_dials(&self, since_ms: Option<i64>) -> Answer<'_, Vec<DialEntry>> {
        self.read(move |connection| {
            entries(
                connection,
                "SELECT entry FROM dials WHERE open = 1
                 AND (?1 IS NULL OR time_ms IS NULL OR time_ms >= ?1) ORDER BY seq",
                [since_ms],
            )
        })
    }

    fn dials_since(&self, since_ms: Option<i64>) -> Answer<'_, Vec<DialEntry>> {
        self.read(move |connection| match since_ms {
            None => entries(connection, "SELECT entry FROM dials ORDER BY seq", []),
            Some(since) => entries(
                connection,
                "SELECT entry FROM dials WHERE time_ms >= ?1 OR time_ms IS NULL ORDER BY seq",
                [since],
            ),
        })
    }

    fn dial_by_transaction<'a>(&'a self, transaction_id: &'a str) -> Answer<'a, Option<DialEntry>> {
        let transaction_id = transaction_id.to_string();
        self.read(move |connection| {
            connection
                .prepare_cached(
                    "SELECT d.entry FROM transactions t JOIN dials d ON d.seq = t.dial_seq
                     WHERE t.transaction_id = ?1",
                )?
                .query_row([&transaction_id], |row| {
                    writer::decode(&row.get::<_, String>(0)?)
                })
                .optional()
        })
    }

    fn dials_to<'a>(&'a self, to: &'a str, since_ms: i64) -> Answer<'a, Vec<DialEntry>> {
        let to = to.to_string();
        self.read(move |connection| {
            entries(
                connection,
                "SELECT entry FROM dials WHERE to_number = ?1
                 AND (time_ms >= ?2 OR time_ms IS NULL) ORDER BY seq",
                params![to, since_ms],
            )
        })
    }

    fn records<'a>(
        &'a self,
        filter: &'a ExportFilter,
        from: Option<&'a str>,
        limit: usize,
    ) -> Answer<'a, RecordPage> {
        let filter = filter.clone();
        // A cursor of this journal is a sequence number; anything else starts at the beginning.
        let from: Option<i64> = from.and_then(|text| text.parse().ok());
        self.read(move |connection| {
            let mut sql = String::from("SELECT seq, line FROM records WHERE seq >= ?1");
            if filter.batch.is_some() {
                sql.push_str(" AND batch = ?2");
            } else {
                sql.push_str(" AND ?2 IS NULL");
            }
            if filter.since_ms.is_some() {
                sql.push_str(" AND (time_ms >= ?3 OR time_ms IS NULL)");
            } else {
                sql.push_str(" AND ?3 IS NULL");
            }
            sql.push_str(" ORDER BY seq LIMIT ?4");
            let mut statement = connection.prepare_cached(&sql)?;
            let mut rows = statement.query(params![
                from.unwrap_or(0),
                filter.batch,
                filter.since_ms,
                limit as i64 + 1
            ])?;
            let mut page = RecordPage::default();
            while let Some(row) = rows.next()? {
                let seq: i64 = row.get(0)?;
                if page.lines.len() == limit {
                    page.next = Some(seq.to_string());
                    break;
                }
                page.lines.push(row.get(1)?);
            }
            Ok(page)
        })
    }
}
