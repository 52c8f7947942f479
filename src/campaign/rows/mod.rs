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
pub(super) mod tests {
    use super::*;

    pub(super) fn defaults() -> RowDefaults {
        RowDefaults {
            sma_id: "sma".into(),
            from: Some("+12065550100".into()),
            ..RowDefaults::default()
        }
    }

    #[test]
    fn a_row_must_leave_room_for_the_request_id_when_dials_carry_it() {
        let header: Vec<String> = (0..20).map(|n| format!("arg.k{n}")).collect();
        let cells: Vec<String> = (0..20).map(|n| format!("v{n}")).collect();
        let text = format!(
            "to,{}\n+12065550123,{}\n",
            header.join(","),
            cells.join(",")
        );
        let read = |room_for_request_id| {
            let defaults = RowDefaults {
                room_for_request_id,
                ..defaults()
            };
            let mut reader = RowReader::new(text.as_bytes(), defaults).unwrap();
            reader.next_row().unwrap().unwrap()
        };
        assert!(matches!(read(false), Row::Valid { .. }));
        match read(true) {
            Row::Invalid { line, problem, .. } => {
                assert_eq!(line, 2);
                assert!(problem.starts_with("line 2: arg. columns: "), "{problem}");
            }
            other => panic!("{other:?}"),
        }
    }

    fn rows(text: &[u8]) -> Result<Vec<Row>, Failure> {
        let mut reader = RowReader::new(text, defaults())?;
        let mut rows = Vec::new();
        while let Some(row) = reader.next_row() {
            rows.push(row?);
        }
        Ok(rows)
    }

    /// A source that gives one byte a read (stdin can be that slow).
    pub(super) struct Trickle<'a>(pub(super) &'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let Some((&first, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            if buf.is_empty() {
                return Ok(0);
            }
            buf[0] = first;
            self.0 = rest;
            Ok(1)
        }
    }

    fn problem(row: &Row) -> &str {
        match row {
            Row::Invalid { problem, .. } => problem,
            Row::Valid { .. } => panic!("row is valid: {row:?}"),
        }
    }

    #[test]
    fn columns_map_to_the_call() {
        let rows = rows(b"to,id,arg.ticket,sip.X-Ticket,from\n+12065550123,r1,INC-1,INC-1,\n+12065550124,,,,+12065550101\n").unwrap();
        let Row::Valid {
            line, key, request, ..
        } = &rows[0]
        else {
            panic!("{rows:?}")
        };
        assert_eq!((*line, key.as_str()), (2, "r1"));
        assert_eq!(request.to, "+12065550123");
        assert_eq!(request.from, "+12065550100", "empty cell: the default");
        assert_eq!(request.arguments["ticket"], "INC-1");
        assert_eq!(request.sip_headers["X-Ticket"], "INC-1");
        let Row::Valid { key, request, .. } = &rows[1] else {
            panic!("{rows:?}")
        };
        assert_eq!(key, "3:+12065550124", "default key: line and to");
        assert!(request.arguments.is_empty(), "empty cells are omitted");
        assert_eq!(request.from, "+12065550101");
    }

    #[test]
    fn bad_rows_name_their_line_and_column() {
        let text = b"to,arg.a,sip.x-h\n+0123,v,v\n+12065550123,v\n+12065550124,v,a\xffb\n+12065550125,v,v\n,v,v\n";
        let rows = rows(text).unwrap();
        assert_eq!(rows.len(), 5);
        assert!(
            problem(&rows[0]).starts_with("line 2: column to:"),
            "{}",
            problem(&rows[0])
        );
        assert!(problem(&rows[1]).contains("line 3: has 2 fields; the header has 3"));
        assert!(problem(&rows[2]).contains("line 4: column sip.x-h is not valid UTF-8"));
        assert!(matches!(rows[3], Row::Valid { .. }));
        assert!(problem(&rows[4]).contains("line 6: column to is empty"));
    }

    #[test]
    fn header_problems_stop_the_run() {
        for (text, expected) in [
            (&b""[..], "empty"),
            (b"from,id\n", "no `to` column"),
            (b"to,to\n", "appears twice"),
            (b"to,phone\n", "unknown column"),
            (b"to,sip.Foo\n", "sip.Foo"),
            (b"to,sip.X-AMZN-Id\n", "reserved"),
        ] {
            let error = rows(text).unwrap_err();
            assert!(
                error.message.contains(expected),
                "{expected}: {}",
                error.message
            );
        }
    }

    #[test]
    fn too_many_arguments_in_a_row() {
        let mut header = String::from("to");
        let mut row = String::from("+12065550123");
        for i in 0..20 {
            header.push_str(&format!(",arg.k{i}"));
            row.push_str(",v");
        }
        let mut defaults = defaults();
        defaults.arguments.insert("extra".into(), "v".into());
        let text = format!("{header}\n{row}\n");
        let mut reader = RowReader::new(text.as_bytes(), defaults).unwrap();
        let row = reader.next_row().unwrap().unwrap();
        assert!(problem(&row).contains("21 entries"), "{}", problem(&row));
    }

    #[test]
    fn line_numbers_count_every_kind_of_line_break() {
        for end in ["\n", "\r\n", "\r"] {
            let text = format!(
                "to,id,arg.note{end}+12065550123,,{end}{end}+0123,,{end}+12065550124,,\"two{end}lines\"{end}+12065550125,,{end}"
            );
            let rows = rows(text.as_bytes()).unwrap();
            let lines: Vec<u64> = rows.iter().map(Row::line).collect();
            assert_eq!(lines, [2, 4, 5, 7], "{end:?}");
            assert!(
                problem(&rows[1]).starts_with("line 4: column to"),
                "{end:?}"
            );
            let Row::Valid { key, request, .. } = &rows[2] else {
                panic!("{rows:?}")
            };
            assert_eq!(key, "5:+12065550124", "{end:?}");
            assert_eq!(request.arguments["note"], "two\nlines", "{end:?}");
        }
        // The file's last row: with or without its line break, or an open quote to the end.
        for (text, lines) in [
            (&b"to\n+12065550123\n+12065550124"[..], &[2, 3][..]),
            (
                b"to,arg.a\n+12065550123,\"x\n\"\n+12065550124,\"y\n\"",
                &[2, 4],
            ),
            (
                b"to,arg.a\n+12065550123,\"x\n\"\n\n+12065550124,\"y\n",
                &[2, 5],
            ),
            // The quote never closes: its row is invalid and the line after it is read again.
            (
                b"to,arg.a\n+12065550123,a\n\"+12065550124,b\n+12065550125,c\n",
                &[2, 3, 4],
            ),
        ] {
            let lines_read: Vec<u64> = rows(text).unwrap().iter().map(Row::line).collect();
            assert_eq!(lines_read, lines, "{:?}", String::from_utf8_lossy(text));
        }
        // A \r\n split across two reads is one line break.
        let text = b"to\r\n+12065550123\r\n\r\n+12065550124\r\n";
        let mut reader = RowReader::new(Trickle(text), defaults()).unwrap();
        let mut lines = Vec::new();
        while let Some(row) = reader.next_row() {
            lines.push(row.unwrap().line());
        }
        assert_eq!(lines, [2, 4]);
    }

    #[test]
    fn bad_defaults_stop_the_run_by_their_flag() {
        let text = b"to\n+12065550123\n";
        let mut bad_header = defaults();
        bad_header.sip_headers.insert("Foo".into(), "1".into());
        let mut twice = defaults();
        twice.sip_headers.insert("X-A".into(), "1".into());
        twice.sip_headers.insert("x-a".into(), "2".into());
        let mut many = defaults();
        many.arguments = (0..21).map(|i| (format!("k{i}"), "v".into())).collect();
        let mut from = defaults();
        from.from = Some("+0123".into());
        for (defaults, flag) in [
            (bad_header, "--sip-header"),
            (twice, "--sip-header"),
            (many, "--arg"),
            (from, "--from"),
        ] {
            let error = RowReader::new(&text[..], defaults).err().unwrap();
            assert!(error.message.starts_with(flag), "{}", error.message);
        }
    }

    #[test]
    fn an_unreadable_or_unprintable_id_makes_the_row_invalid() {
        let rows =
            rows(b"to,id\n+12065550123,a\xffb\n+12065550124,\"a\nb\"\n+12065550125,\"x\x1b[2J\"\n")
                .unwrap();
        assert!(
            problem(&rows[0]).contains("line 2: column id is not valid UTF-8"),
            "{}",
            problem(&rows[0])
        );
        assert!(problem(&rows[1]).contains("line 3: column id:"));
        assert!(problem(&rows[2]).contains("line 5: column id:"));
        for row in &rows {
            let Row::Invalid { key, .. } = row else {
                panic!("{row:?}")
            };
            // An unprintable id is not taken for the key: the key is the line and `to`.
            assert!(key.starts_with(&format!("{}:", row.line())), "{key:?}");
        }
    }

    #[test]
    fn an_invalid_rows_cells_are_kept_exact_and_its_problem_short() {
        let text = format!("to,id\n\"+1\n2\t{}\",\n", "9".repeat(10_000));
        let rows = rows(text.as_bytes()).unwrap();
        let Row::Invalid { to, problem, .. } = &rows[0] else {
            panic!("{rows:?}")
        };
        let to = to.as_deref().unwrap();
        assert_eq!(to, format!("+1\n2\t{}", "9".repeat(10_000)));
        assert!(problem.len() < 300, "{problem}");
        assert!(problem.contains("(10005 characters)"), "{problem}");
    }

    #[test]
    fn sip_header_columns_ignore_case() {
        let error = rows(b"to,sip.X-Ticket,sip.x-ticket\n").unwrap_err();
        assert!(error.message.contains("ignore case"), "{}", error.message);
        // A row's cell replaces the default of the same header, whatever the case.
        let mut defaults = defaults();
        defaults
            .sip_headers
            .insert("X-Ticket".into(), "default".into());
        let text = b"to,sip.x-ticket\n+12065550123,own\n+12065550124,\n";
        let mut reader = RowReader::new(&text[..], defaults).unwrap();
        let Row::Valid { request, .. } = reader.next_row().unwrap().unwrap() else {
            panic!("invalid")
        };
        assert_eq!(request.sip_headers.len(), 1, "{:?}", request.sip_headers);
        assert_eq!(request.sip_headers["x-ticket"], "own");
        let Row::Valid { request, .. } = reader.next_row().unwrap().unwrap() else {
            panic!("invalid")
        };
        assert_eq!(request.sip_headers["X-Ticket"], "default");
    }

    #[test]
    fn a_row_that_never_ends_stops_the_file_in_bounded_memory() {
        // An unterminated quote makes the rest of the file one cell: the reader gives up after
        // MAX_ROW_BYTES instead of holding the whole file.
        let mut text = b"to,id\n+12065550123,first\n\"+12065550124,x\n".to_vec();
        let filler = b"+12065550125,y\n".repeat((MAX_ROW_BYTES as usize) / 15 + 10_000);
        text.extend_from_slice(&filler);
        let mut reader = RowReader::new(&text[..], defaults()).unwrap();
        assert!(matches!(
            reader.next_row(),
            Some(Ok(Row::Valid { line: 2, .. }))
        ));
        let error = reader.next_row().unwrap().unwrap_err();
        assert_eq!(
            error.message,
            "line 3: the row is longer than 8 MiB (an unterminated quote makes the rest of the \
             file one cell: column 1 opens a quote on line 3 that has not closed); the file \
             cannot be read from there on"
        );
        // A long row under the limit is read.
        let cell = "a".repeat(3 * 1024 * 1024);
        let text = format!("to,arg.big\n+12065550123,{cell}\n+12065550124,{cell}\n");
        let rows = rows(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|row| matches!(row, Row::Valid { .. })));
        // So is a header that never ends.
        let header = vec![b'a'; MAX_ROW_BYTES as usize + 200_000];
        let error = RowReader::new(&header[..], defaults()).err().unwrap();
        assert!(
            error
                .message
                .starts_with("line 1 (header): the row is longer"),
            "{}",
            error.message
        );
    }

    /// The issue's file: a quote opens in dave's second cell and never closes.
    const DAVE: &str = "to,id,arg.ticket\n+12065550123,alice,INC-40\n+12065550124,bob,INC-41\ndave,\"+12065550126,INC-43\n+12065550127,erin,INC-44\n";

    fn summary(rows: &[Row]) -> Vec<(u64, String, Option<&str>)> {
        rows.iter()
            .map(|row| match row {
                Row::Valid { line, key, .. } => (*line, key.clone(), None),
                Row::Invalid {
                    line, key, problem, ..
                } => (*line, key.clone(), Some(problem.as_str())),
            })
            .collect()
    }

    #[test]
    fn an_unterminated_quote_is_one_invalid_row_and_the_lines_after_it_are_read_again() {
        let never = "line 4: column 2 opens a quote that never closes: it runs to the end of the \
                     file (line 5), taking in 1 more line";
        let wanted = vec![
            (2, "alice".to_string(), None),
            (3, "bob".to_string(), None),
            (4, "4:dave".to_string(), Some(never)),
            (5, "erin".to_string(), None),
        ];
        for end in ["\n", "\r\n", "\r"] {
            let text = DAVE.replace('\n', end);
            assert_eq!(summary(&rows(text.as_bytes()).unwrap()), wanted, "{end:?}");
            // Read a byte at a time, as from a slow pipe: the same rows.
            let mut reader = RowReader::new(Trickle(text.as_bytes()), defaults()).unwrap();
            let mut read = Vec::new();
            while let Some(row) = reader.next_row() {
                read.push(row.unwrap());
            }
            assert_eq!(summary(&read), wanted, "{end:?}, trickled");
            assert!(
                reader.bytes_read() >= DAVE.len() as u64,
                "progress went back"
            );
            // Without the file's last line break.
            let text = text.strip_suffix(end).unwrap();
            assert_eq!(
                summary(&rows(text.as_bytes()).unwrap()),
                wanted,
                "{end:?}, no end"
            );
        }
        // Only the cells before the quote are the row's: `to` is, `id` is not.
        let rows = rows(DAVE.as_bytes()).unwrap();
        let Row::Invalid { to, .. } = &rows[2] else {
            panic!("{rows:?}")
        };
        assert_eq!(to.as_deref(), Some("dave"));
        let Row::Valid { request, .. } = &rows[3] else {
            panic!("{rows:?}")
        };
        assert_eq!(request.to, "+12065550127");
        assert_eq!(request.arguments["ticket"], "INC-44");
    }

    #[test]
    fn the_lines_a_quote_swallowed_are_valid_or_invalid_on_their_own_with_true_lines() {
        // Blank lines, a bad number, a short row, and `""` (an escaped quote in the unclosed
        // cell, an empty cell read again). No lone `"` can follow: it would close the quote.
        let text = "to,id,arg.note\n+12065550123,a,x\n+12065550124,\"b,\"\"y\"\" z\n\n+0125,c,x\n+12065550126,d\n\n+12065550127,\"\",x\n+12065550128,e,x\n+12065550129,f,x";
        let read = rows(text.as_bytes()).unwrap();
        let lines: Vec<(u64, bool)> = read
            .iter()
            .map(|row| (row.line(), matches!(row, Row::Valid { .. })))
            .collect();
        assert_eq!(
            lines,
            [
                (2, true),
                (3, false),
                (5, false),
                (6, false),
                (8, true),
                (9, true),
                (10, true)
            ]
        );
        assert_eq!(
            problem(&read[1]),
            "line 3: column 2 opens a quote that never closes: it runs to the end of the file \
             (line 10), taking in 7 more lines"
        );
        assert!(
            problem(&read[2]).starts_with("line 5: column to:"),
            "{}",
            problem(&read[2])
        );
        assert_eq!(problem(&read[3]), "line 6: has 2 fields; the header has 3");
        let Row::Valid { key, request, .. } = &read[4] else {
            panic!("{read:?}")
        };
        assert_eq!(key, "8:+12065550127");
        assert!(!request.arguments.contains_key("id"));
        // A quote that opens on the file's last line takes nothing in; `""` keeps it open.
        for text in [
            "to,id\n+12065550123,a\n+12065550124,\"b",
            "to,id\n+12065550123,a\n+12065550124,\"b\n",
            "to,id\n+12065550123,a\n+12065550124,\"b\n\"\"",
        ] {
            let rows = rows(text.as_bytes()).unwrap();
            let wanted_last = if text.ends_with('"') { 4 } else { 3 };
            // `""` is an empty cell of its own line, read again.
            assert_eq!(rows.len() as u64, wanted_last - 1, "{text:?}");
            let taking = if wanted_last == 4 {
                ", taking in 1 more line"
            } else {
                ""
            };
            assert_eq!(
                problem(&rows[1]),
                format!(
                    "line 3: column 2 opens a quote that never closes: it runs to the end of the \
                     file (line {wanted_last}){taking}"
                ),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_quote_in_the_last_column_or_after_a_multi_line_cell() {
        let text = "to,id,arg.ticket\n+12065550126,dave,\"INC-43\n+12065550127,erin,INC-44\n";
        let read = rows(text.as_bytes()).unwrap();
        let Row::Invalid {
            line,
            key,
            to,
            problem: said,
        } = &read[0]
        else {
            panic!("{read:?}")
        };
        assert_eq!(
            (*line, key.as_str(), to.as_deref()),
            (2, "dave", Some("+12065550126"))
        );
        assert_eq!(
            said,
            "line 2: column 3 opens a quote that never closes: it runs to the end of the file \
             (line 3), taking in 1 more line"
        );
        assert!(matches!(&read[1], Row::Valid { line: 3, key, .. } if key == "erin"));
        // A row whose first cell spans two lines, then a quote that never closes on its second:
        // the row is the one the first line starts, the lines after the second are read again.
        let text = "to,arg.a,arg.b\n+12065550123,\"one\ntwo\",\"open\n+12065550124,x,y\n";
        let rows = rows(text.as_bytes()).unwrap();
        assert_eq!(
            problem(&rows[0]),
            "line 2: column 3 on line 3 opens a quote that never closes: it runs to the end of \
             the file (line 4), taking in 1 more line"
        );
        assert!(matches!(&rows[1], Row::Valid { line: 4, .. }), "{rows:?}");
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn a_quote_that_opens_in_the_header_stops_the_run() {
        for end in ["\n", "\r\n", "\r"] {
            let text = "to,\"id,arg.ticket\n+12065550123,alice,INC-40\n+12065550124,bob,INC-41\n"
                .replace('\n', end);
            let error = rows(text.as_bytes()).unwrap_err();
            assert_eq!(
                error.message,
                "line 1 (header): column 2 opens a quote that never closes: it runs to the end \
                 of the file (line 3), taking in 2 more lines",
                "{end:?}"
            );
        }
        let error = rows(b"\n\nto,\"id").unwrap_err();
        assert_eq!(
            error.message,
            "line 3 (header): column 2 opens a quote that never closes: it runs to the end of \
             the file (line 3)"
        );
    }

    #[test]
    fn a_stray_quote_that_pairs_with_a_later_one_names_the_lines_it_spans() {
        let text = "to,id,arg.ticket\n+12065550123,alice,INC-40\n+12065550124,bob,INC-41\ndave,\"+12065550126,INC-43\n+12065550127,erin,INC-44\n+12065550128,fred,INC-45\n+12065550129,gina\",x,y,INC-46\n+12065550130,hal,INC-47\n";
        for end in ["\n", "\r\n", "\r"] {
            let rows = rows(text.replace('\n', end).as_bytes()).unwrap();
            let lines: Vec<u64> = rows.iter().map(Row::line).collect();
            assert_eq!(lines, [2, 3, 4, 8], "{end:?}");
            assert_eq!(
                problem(&rows[2]),
                "line 4: has 5 fields; the header has 3 (a quoted cell runs from line 4 to line 7)",
                "{end:?}"
            );
            assert!(matches!(&rows[3], Row::Valid { key, .. } if key == "hal"));
        }
        // A quote closed at the very end of the file is closed: the row is one, too short.
        let rows = rows(b"to,id,arg.a\n+12065550123,\"x\n+12065550124,y,z\"").unwrap();
        assert_eq!(
            problem(&rows[0]),
            "line 2: has 2 fields; the header has 3 (a quoted cell runs from line 2 to line 3)"
        );
        assert_eq!(rows.len(), 1);
    }

    #[test]
    fn an_open_quote_past_the_row_limit_stops_the_file_naming_the_quote() {
        let limit = 1024;
        let read = |text: &[u8]| -> (Vec<Row>, Option<Failure>) {
            let mut reader = RowReader::with_row_limit(text, defaults(), limit).unwrap();
            let mut rows = Vec::new();
            while let Some(row) = reader.next_row() {
                match row {
                    Ok(row) => rows.push(row),
                    Err(failure) => return (rows, Some(failure)),
                }
            }
            (rows, None)
        };
        let filler = b"+12065550125,y\n".repeat(10_000);
        // The quote opens on line 4, in the row that starts on line 3 with a two-line cell.
        let mut text = b"to,id\n+12065550123,first\n\"+12065550124\",\"x\ny\",\"z\n".to_vec();
        text.extend_from_slice(&filler);
        let (rows, failure) = read(&text);
        assert_eq!(summary(&rows), [(2, "first".to_string(), None)]);
        assert_eq!(
            failure.unwrap().message,
            "line 3: the row is longer than 1024 bytes (an unterminated quote makes the rest of \
             the file one cell: column 3 opens a quote on line 4 that has not closed); the file \
             cannot be read from there on"
        );
        // With no quote open, the row is just too long.
        let mut text = b"to,id\n+12065550123,first\n\n".to_vec();
        text.extend_from_slice(&[b'a'; 200_000]);
        let (_, failure) = read(&text);
        assert_eq!(
            failure.unwrap().message,
            "line 4: the row is longer than 1024 bytes (an unterminated quote makes the rest of \
             the file one cell); the file cannot be read from there on"
        );
        // An open quote in a header too long to read.
        let mut text = b"to,\"id\n".to_vec();
        text.extend_from_slice(&filler);
        let error = RowReader::with_row_limit(&text[..], defaults(), limit)
            .err()
            .unwrap();
        assert!(
            error.message.starts_with(
                "line 1 (header): the row is longer than 1024 bytes (an unterminated quote makes \
                 the rest of the file one cell: column 2 opens a quote on line 1 that has not \
                 closed)"
            ),
            "{}",
            error.message
        );
        // A quote that reaches the end of the file within the limit: the lines after it are
        // read again, each one a row within the limit.
        let mut text = b"to,id\n\"+12065550124,x\n".to_vec();
        text.extend_from_slice(&b"+12065550125,y\n".repeat(60));
        let (rows, failure) = read(&text);
        assert!(failure.is_none(), "{failure:?}");
        assert_eq!(rows.len(), 61);
        assert!(problem(&rows[0]).starts_with("line 2: column 1 opens a quote"));
        assert!(rows[1..].iter().all(|row| matches!(row, Row::Valid { .. })));
        assert_eq!(rows[60].line(), 62);
    }
}
