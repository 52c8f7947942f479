//! Importing a JSON-lines journal (the format before SQLite) once, on first use; the file is left
//! as it was. It is read a chunk of lines at a time, each chunk in one transaction that also
//! notes how far the import has come, so a crash mid-import resumes where it stopped and two
//! processes starting at once import each line once. Lines that cannot be read (a torn last
//! line, a line that is not a record, one longer than the limit) are reported by file and line,
//! and skipped.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::writer;
use crate::journal::record::Line;

/// Lines imported per transaction.
const CHUNK: usize = 20_000;
/// A line longer than this is not a record chimecall wrote: skipped.
pub(crate) const MAX_LINE: usize = 1 << 20;
/// Problems reported one by one; beyond this, counted.
const PROBLEMS_SHOWN: usize = 20;

/// What this process imported.
#[derive(Debug, Default)]
pub(crate) struct Imported {
    pub(crate) records: u64,
    pub(crate) problems: Vec<String>,
    /// Problems beyond those listed.
    pub(crate) more_problems: u64,
}

/// Imports `source` into the database unless that was done (or is being done) before; `None`
/// when this process had nothing left to import.
pub(crate) fn import_once(
    connection: &mut Connection,
    source: &Path,
) -> Result<Option<Imported>, String> {
    let key = format!(
        "import:{}",
        std::fs::canonicalize(source)
            .unwrap_or_else(|_| source.to_path_buf())
            .display()
    );
    let progress = |connection: &Connection| {
        connection
            .query_row("SELECT value FROM meta WHERE key = ?1", [&key], |row| {
                row.get::<_, String>(0)
            })
            .optional()
            .map_err(|e| e.to_string())
    };
    // Done before: known without taking the write lock.
    if progress(connection)?.as_deref() == Some("done") {
        return Ok(None);
    }
    let mut file = crate::regular_file::open(source).map_err(|e| e.to_string())?;
    let mut imported: Option<Imported> = None;
    loop {
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| e.to_string())?;
        let (offset, line_number) = match progress(&transaction)?.as_deref() {
            Some("done") => return Ok(imported),
            Some(text) => parse_progress(text),
            None => (0, 0),
        };
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| e.to_string())?;
        let found = imported.get_or_insert_with(Imported::default);
        let chunk = read_chunk(&mut file, offset, line_number, source, found)?;
        for (line, text) in &chunk.lines {
            writer::store(&transaction, line, text).map_err(|e| e.to_string())?;
        }
        found.records += chunk.lines.len() as u64;
        let progress = if chunk.at_end {
            "done".to_string()
        } else {
            format!("{} {}", chunk.offset, chunk.line_number)
        };
        transaction
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, progress],
            )
            .map_err(|e| e.to_string())?;
        transaction.commit().map_err(|e| e.to_string())?;
        if chunk.at_end {
            return Ok(imported);
        }
    }
}

fn parse_progress(text: &str) -> (u64, u64) {
    let mut parts = text.split(' ').map(|part| part.parse::<u64>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

struct Chunk {
    lines: Vec<(Line, String)>,
    /// Where the next chunk starts: its byte offset, and the number of the line before it.
    offset: u64,
    line_number: u64,
    at_end: bool,
}

fn read_chunk(
    file: &mut File,
    mut offset: u64,
    mut line_number: u64,
    source: &Path,
    imported: &mut Imported,
) -> Result<Chunk, String> {
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut lines = Vec::new();
    let mut buffer = Vec::new();
    let mut problem = |text: String| {
        if imported.problems.len() < PROBLEMS_SHOWN {
            imported.problems.push(text);
        } else {
            imported.more_problems += 1;
        }
    };
    while lines.len() < CHUNK {
        buffer.clear();
        let read = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buffer)
            .map_err(|e| e.to_string())?;
        if read == 0 {
            return Ok(Chunk {
                lines,
                offset,
                line_number,
                at_end: true,
            });
        }
        offset += read as u64;
        line_number += 1;
        let complete = buffer.last() == Some(&b'\n');
        if !complete && buffer.len() > MAX_LINE {
            offset += skip_line(&mut reader)?;
            problem(format!(
                "{}: line {line_number} is longer than {} MiB (not a journal record); it is ignored",
                source.display(),
                MAX_LINE >> 20
            ));
            continue;
        }
        let text = String::from_utf8_lossy(&buffer);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        match serde_json::from_str::<Line>(text) {
            Ok(line) => lines.push((line, text.to_string())),
            Err(_) if !complete => problem(format!(
                "{}: line {line_number} is incomplete (a write was cut short); it is ignored",
                source.display()
            )),
            Err(e) => problem(format!(
                "{}: line {line_number} is not a journal record ({e}); it is ignored",
                source.display()
            )),
        }
    }
    Ok(Chunk {
        lines,
        offset,
        line_number,
        at_end: false,
    })
}

/// Reads past the rest of a line; returns how many bytes that was.
fn skip_line(reader: &mut impl BufRead) -> Result<u64, String> {
    let mut skipped = 0u64;
    loop {
        let available = reader.fill_buf().map_err(|e| e.to_string())?;
        if available.is_empty() {
            return Ok(skipped);
        }
        match available.iter().position(|b| *b == b'\n') {
            Some(at) => {
                reader.consume(at + 1);
                return Ok(skipped + at as u64 + 1);
            }
            None => {
                let length = available.len();
                reader.consume(length);
                skipped += length as u64;
            }
        }
    }
}
