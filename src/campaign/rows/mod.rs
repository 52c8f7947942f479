//! Reading a bulk-dial CSV file, one row at a time (memory does not grow with the file).
//!
//! A header row names the columns: `to` (required), `from`, `id` (the row key), `arg.<KEY>`
//! (ArgumentsMap entries) and `sip.<NAME>` (SipHeaders). Empty cells are left out. Each data row
//! becomes a call checked with the model's rules, or an invalid row that names its line and
//! column; a bad row never stops the file.
//!
//! A quote that opens a cell and never closes would make the rest of the file that one cell.
//! The row it opens in is invalid, its message naming the quote's line and column and how far it
//! ran, and the lines after the quote's are read again as rows, as a person reading the file sees
//! them. Only a row that cannot be read to its end within [`MAX_ROW_BYTES`] stops the file: the
//! rest of it cannot be told apart.
//!
//! Line numbers are the file's, whatever its line breaks (`\n`, `\r\n`, `\r`), blank lines and
//! multi-line quoted cells; a line break inside a quoted cell reads as `\n`.

use std::collections::BTreeMap;
use std::io::{Read, SeekFrom};

mod header;
mod limit;
#[cfg(test)]
mod properties;

use crate::call::callout::{CallOut, Message};
use crate::call::{with_plus, DialRequest};
use crate::exit::Failure;
use chimecall_model::rules;
use header::Header;
use limit::{is_too_long, size, start_line, OpenQuote, RowLimit, MAX_ROW_BYTES};

/// What every row gets unless its own cells say otherwise.
#[derive(Debug, Clone, Default)]
pub(crate) struct RowDefaults {
    pub(crate) sma_id: String,
    pub(crate) from: Option<String>,
    pub(crate) arguments: BTreeMap<String, String>,
    pub(crate) sip_headers: BTreeMap<String, String>,
    /// Each dial carries its id in the ArgumentsMap (`--request-id`): a row must leave room for
    /// that entry, or it is invalid.
    pub(crate) room_for_request_id: bool,
    /// `--say`/`--say-ssml` and `--ack`: a row's `say` or `say_ssml` cell replaces the message.
    pub(crate) callout: CallOut,
}

impl RowDefaults {
    /// Defaults that break a rule would make every row invalid, each blamed on a column: they
    /// stop the run before the file is read, by the flag that gave them.
    pub(crate) fn check(&self) -> Result<(), Failure> {
        if let Some(from) = &self.from {
            rules::check_phone_number("FromPhoneNumber", from)
                .map_err(|v| Failure::usage(format!("--from: {}", v.problem)))?;
        }
        rules::check_map_size("ArgumentsMap", &self.arguments)
            .map_err(|v| Failure::usage(format!("--arg: {v}")))?;
        rules::check_sip_headers(&self.sip_headers)
            .map_err(|v| Failure::usage(format!("--sip-header: {v}")))
    }
}

/// One data row.
#[derive(Debug, Clone)]
pub(crate) enum Row {
    Valid {
        line: u64,
        key: String,
        request: DialRequest,
        /// Its tier (the `tier` column; 1 when absent): escalation order.
        tier: u32,
    },
    Invalid {
        line: u64,
        key: String,
        to: Option<String>,
        problem: String,
    },
}

#[cfg(test)]
impl Row {
    pub(crate) fn line(&self) -> u64 {
        match self {
            Row::Valid { line, .. } | Row::Invalid { line, .. } => *line,
        }
    }
}

/// A read error, named by the line of the row it cut short (and the quote left open in it).
fn read_failure(
    error: &csv::Error,
    line: u64,
    what: &str,
    open: Option<&OpenQuote>,
    max_row: u64,
) -> Failure {
    if is_too_long(error) {
        let quote = open.map_or(String::new(), |open| {
            format!(
                ": column {} opens a quote on line {} that has not closed",
                open.column, open.line
            )
        });
        Failure::usage(format!(
            "line {line}{what}: the row is longer than {} (an unterminated quote makes the rest \
             of the file one cell{quote}); the file cannot be read from there on",
            size(max_row)
        ))
    } else {
        Failure::usage(format!(
            "line {line}{what}: the file cannot be read: {error}"
        ))
    }
}

/// What a row whose quote never closes says: where the quote opens and how far it runs.
fn never_closes(open: &OpenQuote, line: u64) -> String {
    let on = if open.line == line {
        String::new()
    } else {
        format!(" on line {}", open.line)
    };
    let taking = match open.last_line - open.line {
        0 => String::new(),
        1 => ", taking in 1 more line".to_string(),
        more => format!(", taking in {more} more lines"),
    };
    format!(
        "column {}{on} opens a quote that never closes: it runs to the end of the file (line {}){taking}",
        open.column, open.last_line
    )
}

/// What a record that spans lines says when it has the wrong number of fields (a stray quote
/// that pairs with a later one): the lines its quoted cells run over.
fn quoted_span(record: &csv::ByteRecord, line: u64) -> Option<String> {
    let mut at = line;
    let mut cells = 0;
    let mut span = None;
    for field in record {
        let breaks = field.iter().filter(|&&b| b == b'\n').count() as u64;
        if breaks > 0 {
            cells += 1;
            let from = span.map_or(at, |(from, _)| from);
            span = Some((from, at + breaks));
        }
        at += breaks;
    }
    let (from, to) = span?;
    Some(if cells == 1 {
        format!("a quoted cell runs from line {from} to line {to}")
    } else {
        format!("quoted cells run from line {from} to line {to}")
    })
}

/// Reads the next record into `record`: `None` at the end of the file, or the line it starts
/// on and the quote it leaves open (only a record the file's end stopped can leave one open).
fn read_record<R: Read>(
    reader: &mut csv::Reader<RowLimit<R>>,
    record: &mut csv::ByteRecord,
    what: &str,
) -> Result<Option<(u64, Option<OpenQuote>)>, Failure> {
    let before = reader.position().clone();
    match reader.read_byte_record(record) {
        Ok(false) => Ok(None),
        Ok(true) if reader.get_ref().all_read(reader.position().byte()) => {
            let scan = reader.get_ref().scan_record(before.byte(), before.line());
            Ok(Some((scan.starts_on, scan.open)))
        }
        Ok(true) => Ok(Some((start_line(reader, record), None))),
        Err(e) => {
            let source = reader.get_ref();
            let scan = source.scan_record(before.byte(), before.line());
            let line = e.position().map_or(scan.starts_on, |p| p.line());
            Err(read_failure(
                &e,
                line,
                what,
                scan.open.as_ref(),
                source.max_row(),
            ))
        }
    }
}

/// Reads rows from any CSV source.
pub(crate) struct RowReader<R: Read> {
    reader: csv::Reader<RowLimit<R>>,
    header: Header,
    defaults: RowDefaults,
    record: csv::ByteRecord,
    /// How far the source was read before lines were read again (progress does not go back).
    read_before_replay: u64,
}

impl<R: Read> RowReader<R> {
    pub(crate) fn new(source: R, defaults: RowDefaults) -> Result<RowReader<R>, Failure> {
        RowReader::with_row_limit(source, defaults, MAX_ROW_BYTES)
    }

    /// A reader taking rows of up to `max_row` bytes ([`MAX_ROW_BYTES`] but in tests).
    fn with_row_limit(
        source: R,
        defaults: RowDefaults,
        max_row: u64,
    ) -> Result<RowReader<R>, Failure> {
        defaults.check()?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(RowLimit::new(source, max_row));
        let mut record = csv::ByteRecord::new();
        let Some((line, open)) = read_record(&mut reader, &mut record, " (header)")? else {
            return Err(Failure::usage(
                "the file is empty: expected a header row with `to`",
            ));
        };
        if let Some(open) = open {
            return Err(Failure::usage(format!(
                "line {line} (header): {}",
                never_closes(&open, line)
            )));
        }
        let header = Header::parse(&record, line)?;
        let next = reader.position().byte();
        reader.get_mut().allow_row_from(next);
        Ok(RowReader {
            reader,
            header,
            defaults,
            record,
            read_before_replay: 0,
        })
    }

    /// How many bytes of the source have been read so far (progress against a file's size).
    pub(crate) fn bytes_read(&self) -> u64 {
        self.reader.position().byte().max(self.read_before_replay)
    }

    /// The next row, or an error that makes the rest of the file unreadable.
    ///
    /// A row whose quote never closes is invalid, and the lines after the quote's are read again
    /// from the bytes kept of it (at most the row limit; nothing is read from the source twice).
    /// They hold no quote that never closes, so nothing is read a third time and the work stays
    /// linear: past the opening quote the file held only `""` pairs (a lone `"` would have closed
    /// it), and in such bytes any quoted cell the parser opens closes with the pair it starts with
    /// at the latest.
    pub(crate) fn next_row(&mut self) -> Option<Result<Row, Failure>> {
        let (line, open) = match read_record(&mut self.reader, &mut self.record, "") {
            Ok(None) => return None,
            Ok(Some(read)) => read,
            Err(failure) => return Some(Err(failure)),
        };
        let end = self.reader.position().byte();
        let Some(open) = open else {
            self.reader.get_mut().allow_row_from(end);
            return Some(Ok(self.row(line, None)));
        };
        // The cells before the quote's are the row's own; the rest are the lines after it.
        self.record.truncate(open.column - 1);
        let row = self.row(line, Some(never_closes(&open, line)));
        let Some(at) = open.next_line_at else {
            self.reader.get_mut().allow_row_from(end);
            return Some(Ok(row));
        };
        self.read_before_replay = self.read_before_replay.max(end);
        let mut position = csv::Position::new();
        position
            .set_byte(at)
            .set_line(open.line + 1)
            .set_record(self.reader.position().record());
        if let Err(e) = self.reader.seek_raw(SeekFrom::Start(at), position) {
            let max_row = self.reader.get_ref().max_row();
            return Some(Err(read_failure(&e, open.line + 1, "", None, max_row)));
        }
        self.reader.get_mut().allow_row_from(at);
        Some(Ok(row))
    }

    /// The record just read, starting on `line`, as a call or an invalid row (invalid with
    /// `problem` when one is given).
    fn row(&self, line: u64, problem: Option<String>) -> Row {
        match self.row_as_written(line, problem) {
            Row::Valid {
                line,
                key,
                request,
                tier,
            } if self.defaults.room_for_request_id => match request.check_room_for_request_id() {
                Ok(()) => Row::Valid {
                    line,
                    key,
                    request,
                    tier,
                },
                Err(problem) => Row::Invalid {
                    line,
                    key,
                    to: Some(request.to),
                    problem: format!("line {line}: arg. columns: {problem}"),
                },
            },
            row => row,
        }
    }

    /// The row as its cells say, before the run's own needs (the request id's room).
    fn row_as_written(&self, line: u64, problem: Option<String>) -> Row {
        let to = self.cell(self.header.to).ok().flatten().map(with_plus);
        let key_of = |id: Option<String>| -> String {
            id.unwrap_or_else(|| format!("{line}:{}", to.as_deref().unwrap_or("")))
        };
        // The row key is printed and journaled: one that cannot be read, or that holds control
        // characters, makes the row invalid rather than silently becoming another key.
        let id_cell = self.header.id.map(|index| self.cell(index));
        let id = id_cell
            .clone()
            .and_then(|cell| cell.ok().flatten())
            .filter(|id| !id.chars().any(rules::is_unprintable));
        // An invalid row's cells are kept exact (JSON output carries them); its text report
        // neutralises them.
        let invalid = |problem: String| Row::Invalid {
            line,
            key: key_of(id.clone()),
            to: to.clone(),
            problem: format!("line {line}: {problem}"),
        };
        if let Some(problem) = problem {
            return invalid(problem);
        }
        if self.record.len() != self.header.width {
            let span =
                quoted_span(&self.record, line).map_or(String::new(), |span| format!(" ({span})"));
            return invalid(format!(
                "has {}; the header has {}{span}",
                crate::text::count(self.record.len(), "field", "fields"),
                self.header.width
            ));
        }
        let checked_id = match &id_cell {
            Some(Err(problem)) => Err(format!("column id {problem}")),
            Some(Ok(Some(id))) if id.chars().any(rules::is_unprintable) => Err(format!(
                "column id: {} holds a control or bidirectional formatting character",
                rules::quoted(id)
            )),
            _ => Ok(()),
        };
        let built = checked_id
            .and_then(|()| self.request())
            .and_then(|request| Ok((request, self.tier()?)));
        match built {
            Ok((request, tier)) => Row::Valid {
                line,
                key: key_of(id.clone()),
                request,
                tier,
            },
            Err(problem) => invalid(problem),
        }
    }

    /// The row's tier: a whole number from 1 (1 when the column is absent or the cell empty).
    fn tier(&self) -> Result<u32, String> {
        let Some(index) = self.header.tier else {
            return Ok(1);
        };
        match self.named("tier", index)? {
            None => Ok(1),
            Some(text) => match text.parse::<u32>() {
                Ok(tier) if tier >= 1 => Ok(tier),
                _ => Err(format!(
                    "column tier: {} is not a tier (a whole number from 1)",
                    rules::quoted(&text)
                )),
            },
        }
    }

    /// Whether the file gives rows their own message (a `say` or `say_ssml` column).
    pub(crate) fn has_callout_columns(&self) -> bool {
        self.header.say.is_some() || self.header.say_ssml.is_some()
    }

    /// Whether the file orders its rows in tiers (it has a `tier` column).
    pub(crate) fn has_tiers(&self) -> bool {
        self.header.tier.is_some()
    }

    /// The row's call-out: its own message (a `say` or `say_ssml` cell) or the run's, checked
    /// with the limits of the action that speaks it.
    fn callout(&self) -> Result<CallOut, String> {
        let cell = |column: &str, index: Option<usize>| match index {
            Some(index) => self.named(column, index),
            None => Ok(None),
        };
        let say = cell("say", self.header.say)?;
        let ssml = cell("say_ssml", self.header.say_ssml)?;
        let (message, column) = match (say, ssml) {
            (Some(_), Some(_)) => {
                return Err("columns say and say_ssml are both set: give one".to_string())
            }
            (Some(text), None) => (Some(Message::Text(text)), "say"),
            (None, Some(ssml)) => (Some(Message::Ssml(ssml)), "say_ssml"),
            (None, None) => (self.defaults.callout.message.clone(), "say"),
        };
        let callout = CallOut {
            message,
            ack: self.defaults.callout.ack,
        };
        callout
            .check()
            .map_err(|problem| format!("column {column}: {problem}"))?;
        Ok(callout)
    }

    /// One cell of the record: trimmed, `None` when empty or absent.
    fn cell(&self, index: usize) -> Result<Option<String>, String> {
        match self.record.get(index) {
            None => Ok(None),
            Some(raw) => std::str::from_utf8(raw)
                .map(|text| Some(text.trim().to_string()).filter(|t| !t.is_empty()))
                .map_err(|_| "is not valid UTF-8".to_string()),
        }
    }

    /// A cell, its problem named by its column.
    fn named(&self, column: &str, index: usize) -> Result<Option<String>, String> {
        self.cell(index)
            .map_err(|problem| format!("column {} {problem}", crate::text::printable(column)))
    }

    /// The record's call, with the defaults, checked with the model's rules.
    fn request(&self) -> Result<DialRequest, String> {
        let to = with_plus(
            self.named("to", self.header.to)?
                .ok_or("column to is empty")?,
        );
        let from = match self.header.from {
            Some(index) => self.named("from", index)?.map(with_plus),
            None => None,
        }
        .or_else(|| self.defaults.from.clone())
        .ok_or("column from is empty and no --from or CHIMECALL_FROM is set")?;
        let mut arguments = self.defaults.arguments.clone();
        for (key, index) in &self.header.arguments {
            if let Some(value) = self.named(&format!("arg.{key}"), *index)? {
                arguments.insert(key.clone(), value);
            }
        }
        for (key, value) in self.callout()?.arguments() {
            // An `arg.chimecall-say` column (or --arg) and the call-out's own say the same
            // thing twice: which one the handler would get must not be a guess.
            if arguments.contains_key(&key) {
                return Err(format!(
                    "column arg.{key}: set by the call-out (say, say_ssml, --say, --ack): give it once"
                ));
            }
            arguments.insert(key, value);
        }
        let mut sip_headers = self.defaults.sip_headers.clone();
        for (name, index) in &self.header.sip_headers {
            if let Some(value) = self.named(&format!("sip.{name}"), *index)? {
                // The row's own cell replaces a default of the same header, whatever its case.
                sip_headers.retain(|default, _| !default.eq_ignore_ascii_case(name));
                sip_headers.insert(name.clone(), value);
            }
        }
        let request = DialRequest {
            sma_id: self.defaults.sma_id.clone(),
            from,
            to,
            arguments,
            sip_headers,
        };
        rules::check_create_call(
            &request.from,
            &request.to,
            &request.arguments,
            &request.sip_headers,
        )
        .map_err(|v| format!("{}: {}", column_of(&v.field), v.problem))?;
        Ok(request)
    }
}

/// The CSV column a model field came from.
fn column_of(field: &str) -> String {
    match field {
        "FromPhoneNumber" => "column from".into(),
        "ToPhoneNumber" => "column to".into(),
        "ArgumentsMap" => "arg. columns".into(),
        "SipHeaders" => "sip. columns".into(),
        other => match other.strip_prefix("SipHeaders[") {
            Some(rest) => format!(
                "column sip.{}",
                rest.trim_end_matches(']').trim_matches('"')
            ),
            None => other.to_string(),
        },
    }
}

#[cfg(test)]
pub(super) mod tests;
