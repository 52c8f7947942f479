//! Reading a bulk-dial CSV file, one row at a time (memory does not grow with the file).
//!
//! A header row names the columns: `to` (required), `from`, `id` (the row key), `arg.<KEY>`
//! (ArgumentsMap entries) and `sip.<NAME>` (SipHeaders). Empty cells are left out. Each data row
//! becomes a call checked with the model's rules, or an invalid row that names its line and
//! column; a bad row never stops the file. Only a row that cannot be read to its end within
//! [`MAX_ROW_BYTES`] (an unterminated quote) does: the rest of the file cannot be told apart.
//!
//! Line numbers are the file's, whatever its line breaks (`\n`, `\r\n`, `\r`), blank lines and
//! multi-line quoted cells; a line break inside a quoted cell reads as `\n`.

use std::collections::BTreeMap;
use std::io::Read;

use crate::call::CallRequest;
use crate::exit::Failure;
use chimecall_model::rules;

/// Where each column goes.
#[derive(Debug, Clone)]
pub struct Header {
    to: usize,
    from: Option<usize>,
    id: Option<usize>,
    arguments: Vec<(String, usize)>,
    sip_headers: Vec<(String, usize)>,
    width: usize,
}

impl Header {
    /// Reads the header row; its problems stop the run before anything is dialed.
    pub fn parse(fields: &csv::ByteRecord, line: u64) -> Result<Header, Failure> {
        let bad = |problem: String| Failure::usage(format!("line {line} (header): {problem}"));
        let mut to = None;
        let mut from = None;
        let mut id = None;
        let mut arguments = Vec::new();
        let mut sip_headers = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        // SIP header names ignore case: sip.X-Ticket and sip.x-ticket name one header.
        let mut sip_seen = std::collections::BTreeSet::new();
        for (index, raw) in fields.iter().enumerate() {
            let name = std::str::from_utf8(raw)
                .map_err(|_| bad(format!("column {} is not UTF-8", index + 1)))?
                .trim()
                .trim_start_matches('\u{feff}');
            if !seen.insert(name.to_string()) {
                return Err(bad(format!("column {} appears twice", rules::quoted(name))));
            }
            match name {
                "to" => to = Some(index),
                "from" => from = Some(index),
                "id" => id = Some(index),
                _ => {
                    if let Some(key) = name.strip_prefix("arg.").filter(|k| !k.is_empty()) {
                        arguments.push((key.to_string(), index));
                    } else if let Some(header) = name.strip_prefix("sip.").filter(|k| !k.is_empty())
                    {
                        rules::check_sip_header(header, "").map_err(|v| {
                            bad(format!("column {}: {}", rules::quoted(name), v.problem))
                        })?;
                        if !sip_seen.insert(header.to_ascii_lowercase()) {
                            return Err(bad(format!(
                                "column {} names a SIP header of an earlier column (SIP header names ignore case)",
                                rules::quoted(name)
                            )));
                        }
                        sip_headers.push((header.to_string(), index));
                    } else {
                        return Err(bad(format!(
                            "unknown column {}: expected to, from, id, arg.KEY or sip.NAME",
                            rules::quoted(name)
                        )));
                    }
                }
            }
        }
        let to = to.ok_or_else(|| bad("there is no `to` column".to_string()))?;
        if arguments.len() > rules::MAX_MAP_ENTRIES {
            return Err(bad(format!(
                "{} arg. columns: at most {} ArgumentsMap entries are allowed",
                arguments.len(),
                rules::MAX_MAP_ENTRIES
            )));
        }
        Ok(Header {
            to,
            from,
            id,
            arguments,
            sip_headers,
            width: fields.len(),
        })
    }
}

/// What every row gets unless its own cells say otherwise.
#[derive(Debug, Clone, Default)]
pub struct RowDefaults {
    pub sma_id: String,
    pub from: Option<String>,
    pub arguments: BTreeMap<String, String>,
    pub sip_headers: BTreeMap<String, String>,
}

/// One data row.
#[derive(Debug, Clone)]
pub enum Row {
    Valid {
        line: u64,
        key: String,
        call: CallRequest,
    },
    Invalid {
        line: u64,
        key: String,
        to: Option<String>,
        problem: String,
    },
}

impl Row {
    pub fn line(&self) -> u64 {
        match self {
            Row::Valid { line, .. } | Row::Invalid { line, .. } => *line,
        }
    }
}

/// The longest row (header included) the reader takes, in bytes: far more than any request the
/// service accepts, and what keeps memory bounded when a row never ends (an unterminated quote
/// makes the rest of the file one cell).
pub const MAX_ROW_BYTES: u64 = 8 * 1024 * 1024;

/// What the CSV parser may read ahead of the row it is in (its buffer), on top of the limit.
const READ_AHEAD_BYTES: u64 = 64 * 1024;

/// The source as the CSV parser sees it: every line break made `\n`, and cut off once one row
/// has gone on for more than [`MAX_ROW_BYTES`].
///
/// The parser counts lines by `\n` alone, and counts the `\n` of a `\r\n` only when it reads the
/// next row: unchanged, a file with Windows line endings would report every row one line early,
/// and one with old Mac endings (`\r`) every row as line 1. So `\r\n` and `\r` become `\n`, inside
/// quoted cells too (where a spreadsheet writes a line break as `\n` anyway).
struct RowLimit<R> {
    inner: R,
    /// Bytes handed to the parser (after line breaks are made `\n`).
    consumed: u64,
    /// Reading past this offset is refused; moved on after every row.
    allowed_until: u64,
    /// The last byte read was a `\r`: a `\n` right after it belongs to the same line break.
    after_cr: bool,
    /// The last two bytes handed to the parser, and whether the source has ended.
    before_last_byte: Option<u8>,
    last_byte: Option<u8>,
    at_end: bool,
}

/// The error [`RowLimit`] gives when a row never ends in time.
#[derive(Debug)]
struct RowTooLong;

impl std::fmt::Display for RowTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a row is longer than {} MiB",
            MAX_ROW_BYTES / (1024 * 1024)
        )
    }
}

impl std::error::Error for RowTooLong {}

impl<R: Read> Read for RowLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let room = self.allowed_until.saturating_sub(self.consumed);
            if room == 0 {
                return Err(std::io::Error::other(RowTooLong));
            }
            let wanted = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
            let read = self.inner.read(&mut buf[..wanted])?;
            if read == 0 {
                self.at_end = true;
                return Ok(0);
            }
            let kept = if !self.after_cr && !buf[..read].contains(&b'\r') {
                read
            } else {
                self.unify_line_breaks(&mut buf[..read])
            };
            // All that was read was the `\n` of a `\r\n`: 0 would mean the end of the file.
            if kept == 0 {
                continue;
            }
            self.consumed += kept as u64;
            self.before_last_byte = match kept {
                1 => self.last_byte,
                _ => Some(buf[kept - 2]),
            };
            self.last_byte = Some(buf[kept - 1]);
            return Ok(kept);
        }
    }
}

impl<R> RowLimit<R> {
    /// Makes `\r\n` and `\r` into `\n` in place; returns the new length.
    fn unify_line_breaks(&mut self, bytes: &mut [u8]) -> usize {
        let mut kept = 0;
        for index in 0..bytes.len() {
            let byte = bytes[index];
            if self.after_cr && byte == b'\n' {
                self.after_cr = false;
                continue;
            }
            self.after_cr = byte == b'\r';
            bytes[kept] = if byte == b'\r' { b'\n' } else { byte };
            kept += 1;
        }
        kept
    }
}

/// The line the record just read starts on. The parser's own record position is taken before
/// it skips blank lines, so it is counted back from where the record ended: the line breaks
/// consumed so far, less those inside its quoted cells and its own.
fn start_line<R: Read>(reader: &csv::Reader<RowLimit<R>>, record: &csv::ByteRecord) -> u64 {
    let after = reader.position();
    let inside = record.as_slice().iter().filter(|&&b| b == b'\n').count() as u64;
    after
        .line()
        .saturating_sub(inside + u64::from(ends_with_a_line_break(reader, record)))
        .max(1)
}

/// Whether the record just read ended with a line break of its own. Only the file's last record
/// can end without one; when it ends with `\n`, that is its own line break unless it is the
/// last byte of a quoted cell the file's end left open (`"x\n`, not `"x\n"\n`).
fn ends_with_a_line_break<R: Read>(
    reader: &csv::Reader<RowLimit<R>>,
    record: &csv::ByteRecord,
) -> bool {
    let source = reader.get_ref();
    if !(source.at_end && reader.position().byte() == source.consumed) {
        return true;
    }
    if source.last_byte != Some(b'\n') {
        return false;
    }
    let last_cell_ends_with_one = record
        .get(record.len().saturating_sub(1))
        .is_some_and(|cell| cell.ends_with(b"\n"));
    !last_cell_ends_with_one || source.before_last_byte == Some(b'"')
}

/// A read error, named by the line of the row it cut short.
fn read_failure(error: &csv::Error, line: u64, what: &str) -> Failure {
    let too_long = match error.kind() {
        csv::ErrorKind::Io(io) => io
            .get_ref()
            .is_some_and(|inner| inner.downcast_ref::<RowTooLong>().is_some()),
        _ => false,
    };
    if too_long {
        Failure::usage(format!(
            "line {line}{what}: the row is longer than {} MiB (an unterminated quote makes the rest \
             of the file one cell); the file cannot be read from there on",
            MAX_ROW_BYTES / (1024 * 1024)
        ))
    } else {
        Failure::usage(format!(
            "line {line}{what}: the file cannot be read: {error}"
        ))
    }
}

/// Reads rows from any CSV source.
pub struct RowReader<R: Read> {
    reader: csv::Reader<RowLimit<R>>,
    header: Header,
    defaults: RowDefaults,
    record: csv::ByteRecord,
}

impl<R: Read> RowReader<R> {
    pub fn new(source: R, defaults: RowDefaults) -> Result<RowReader<R>, Failure> {
        // Defaults that break a rule would make every row invalid, each blamed on a column: they
        // stop the run before the file is read, by the flag that gave them.
        if let Some(from) = &defaults.from {
            rules::check_phone_number("FromPhoneNumber", from)
                .map_err(|v| Failure::usage(format!("--from: {}", v.problem)))?;
        }
        rules::check_map_size("ArgumentsMap", &defaults.arguments)
            .map_err(|v| Failure::usage(format!("--arg: {v}")))?;
        rules::check_sip_headers(&defaults.sip_headers)
            .map_err(|v| Failure::usage(format!("--sip-header: {v}")))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(RowLimit {
                inner: source,
                consumed: 0,
                allowed_until: MAX_ROW_BYTES + READ_AHEAD_BYTES,
                after_cr: false,
                before_last_byte: None,
                last_byte: None,
                at_end: false,
            });
        let mut record = csv::ByteRecord::new();
        let found = reader
            .read_byte_record(&mut record)
            .map_err(|e| read_failure(&e, 1, " (header)"))?;
        if !found {
            return Err(Failure::usage(
                "the file is empty: expected a header row with `to`",
            ));
        }
        let line = start_line(&reader, &record);
        let header = Header::parse(&record, line)?;
        let next = reader.position().byte();
        reader.get_mut().allowed_until = next + MAX_ROW_BYTES + READ_AHEAD_BYTES;
        Ok(RowReader {
            reader,
            header,
            defaults,
            record,
        })
    }

    /// How many bytes of the source have been read so far (progress against a file's size).
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }

    /// The next row, or an error that makes the rest of the file unreadable.
    pub fn next_row(&mut self) -> Option<Result<Row, Failure>> {
        let starts_at = self.reader.position().line();
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let next = self.reader.position().byte();
                self.reader.get_mut().allowed_until = next + MAX_ROW_BYTES + READ_AHEAD_BYTES;
                let line = start_line(&self.reader, &self.record);
                Some(Ok(self.row(line)))
            }
            Err(e) => {
                let line = e.position().map_or(starts_at, |p| p.line());
                Some(Err(read_failure(&e, line, "")))
            }
        }
    }

    /// The record just read, starting on `line`, as a call or an invalid row.
    fn row(&self, line: u64) -> Row {
        let cell = |index: usize| -> Result<Option<String>, String> {
            match self.record.get(index) {
                None => Ok(None),
                Some(raw) => std::str::from_utf8(raw)
                    .map(|text| Some(text.trim().to_string()).filter(|t| !t.is_empty()))
                    .map_err(|_| "is not valid UTF-8".to_string()),
            }
        };
        let to = cell(self.header.to).ok().flatten();
        let key_of = |id: Option<String>| -> String {
            id.unwrap_or_else(|| format!("{line}:{}", to.as_deref().unwrap_or("")))
        };
        // The row key is printed and journaled: one that cannot be read, or that holds control
        // characters, makes the row invalid rather than silently becoming another key.
        let id_cell = self.header.id.map(cell);
        let id = id_cell
            .clone()
            .and_then(|cell| cell.ok().flatten())
            .filter(|id| !id.chars().any(rules::is_unprintable));
        // What an invalid row shows is read on a terminal: printable, and short.
        let invalid = |problem: String| Row::Invalid {
            line,
            key: shown(&key_of(id.clone())),
            to: to.as_deref().map(shown),
            problem: format!("line {line}: {problem}"),
        };
        if self.record.len() != self.header.width {
            return invalid(format!(
                "has {} fields; the header has {}",
                self.record.len(),
                self.header.width
            ));
        }
        let named = |column: &str, index: usize| -> Result<Option<String>, String> {
            cell(index).map_err(|problem| format!("column {} {problem}", rules::printable(column)))
        };
        let built = (|| -> Result<CallRequest, String> {
            match &id_cell {
                Some(Err(problem)) => return Err(format!("column id {problem}")),
                Some(Ok(Some(id))) if id.chars().any(rules::is_unprintable) => {
                    return Err(format!(
                        "column id: {} holds a control or bidirectional formatting character",
                        rules::quoted(id)
                    ))
                }
                _ => {}
            }
            let to = named("to", self.header.to)?.ok_or("column to is empty")?;
            let from = match self.header.from {
                Some(index) => named("from", index)?,
                None => None,
            }
            .or_else(|| self.defaults.from.clone())
            .ok_or("column from is empty and no --from or CHIMECALL_FROM is set")?;
            let mut arguments = self.defaults.arguments.clone();
            for (key, index) in &self.header.arguments {
                if let Some(value) = named(&format!("arg.{key}"), *index)? {
                    arguments.insert(key.clone(), value);
                }
            }
            let mut sip_headers = self.defaults.sip_headers.clone();
            for (name, index) in &self.header.sip_headers {
                if let Some(value) = named(&format!("sip.{name}"), *index)? {
                    // The row's own cell replaces a default of the same header, whatever its case.
                    sip_headers.retain(|default, _| !default.eq_ignore_ascii_case(name));
                    sip_headers.insert(name.clone(), value);
                }
            }
            let call = CallRequest {
                sma_id: self.defaults.sma_id.clone(),
                from,
                to,
                arguments,
                sip_headers,
            };
            rules::check_create_call(&call.from, &call.to, &call.arguments, &call.sip_headers)
                .map_err(|v| format!("{}: {}", column_of(&v.field), v.problem))?;
            Ok(call)
        })();
        match built {
            Ok(call) => Row::Valid {
                line,
                key: key_of(id.clone()),
                call,
            },
            Err(problem) => invalid(problem),
        }
    }
}

/// A cell of an invalid row as its report shows it: control and bidirectional formatting
/// characters escaped (a newline or tab would break the one-line report), at most 64 characters.
fn shown(text: &str) -> String {
    let printable = rules::printable(text);
    let mut cut = printable.char_indices().skip(rules::MAX_QUOTED_CHARS);
    match cut.next() {
        None => printable.into_owned(),
        Some((end, _)) => format!("{}...", &printable[..end]),
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
mod tests {
    use super::*;

    fn defaults() -> RowDefaults {
        RowDefaults {
            sma_id: "sma".into(),
            from: Some("+12065550100".into()),
            ..RowDefaults::default()
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

    fn problem(row: &Row) -> &str {
        match row {
            Row::Invalid { problem, .. } => problem,
            Row::Valid { .. } => panic!("row is valid: {row:?}"),
        }
    }

    #[test]
    fn columns_map_to_the_call() {
        let rows = rows(b"to,id,arg.ticket,sip.X-Ticket,from\n+12065550123,r1,INC-1,INC-1,\n+12065550124,,,,+12065550101\n").unwrap();
        let Row::Valid { line, key, call } = &rows[0] else {
            panic!("{rows:?}")
        };
        assert_eq!((*line, key.as_str()), (2, "r1"));
        assert_eq!(call.to, "+12065550123");
        assert_eq!(call.from, "+12065550100", "empty cell: the default");
        assert_eq!(call.arguments["ticket"], "INC-1");
        assert_eq!(call.sip_headers["X-Ticket"], "INC-1");
        let Row::Valid { key, call, .. } = &rows[1] else {
            panic!("{rows:?}")
        };
        assert_eq!(key, "3:+12065550124", "default key: line and to");
        assert!(call.arguments.is_empty(), "empty cells are omitted");
        assert_eq!(call.from, "+12065550101");
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
            let Row::Valid { key, call, .. } = &rows[2] else {
                panic!("{rows:?}")
            };
            assert_eq!(key, "5:+12065550124", "{end:?}");
            assert_eq!(call.arguments["note"], "two\nlines", "{end:?}");
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
            (
                b"to,arg.a\n+12065550123,a\n\"+12065550124,b\n+12065550125,c\n",
                &[2, 3],
            ),
        ] {
            let lines_read: Vec<u64> = rows(text).unwrap().iter().map(Row::line).collect();
            assert_eq!(lines_read, lines, "{:?}", String::from_utf8_lossy(text));
        }
        // A \r\n split across two reads is one line break.
        struct Trickle<'a>(&'a [u8]);
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
            let Row::Invalid { key, to, .. } = row else {
                panic!("{row:?}")
            };
            assert!(!key.chars().any(rules::is_unprintable), "{key:?}");
            assert!(!to.iter().flat_map(|t| t.chars()).any(rules::is_unprintable));
        }
    }

    #[test]
    fn an_invalid_rows_cells_are_shown_printable_and_short() {
        let text = format!("to,id\n\"+1\n2\t{}\",\n", "9".repeat(10_000));
        let rows = rows(text.as_bytes()).unwrap();
        let Row::Invalid {
            key, to, problem, ..
        } = &rows[0]
        else {
            panic!("{rows:?}")
        };
        let to = to.as_deref().unwrap();
        assert!(to.starts_with("+1\\u{a}2\\u{9}999"), "{to}");
        assert!(to.len() < 100 && key.len() < 100, "{to} {key}");
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
        let Row::Valid { call, .. } = reader.next_row().unwrap().unwrap() else {
            panic!("invalid")
        };
        assert_eq!(call.sip_headers.len(), 1, "{:?}", call.sip_headers);
        assert_eq!(call.sip_headers["x-ticket"], "own");
        let Row::Valid { call, .. } = reader.next_row().unwrap().unwrap() else {
            panic!("invalid")
        };
        assert_eq!(call.sip_headers["X-Ticket"], "default");
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
        assert!(
            error
                .message
                .starts_with("line 3: the row is longer than 8 MiB"),
            "{}",
            error.message
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

    // --- properties ---------------------------------------------------------------------------

    use proptest::prelude::*;

    /// Reads every row of `text`; panics are what the properties look for.
    fn read_all(text: &[u8], defaults: RowDefaults) -> Result<Vec<Row>, Failure> {
        let mut reader = RowReader::new(text, defaults)?;
        let mut rows = Vec::new();
        while let Some(row) = reader.next_row() {
            match row {
                Ok(row) => rows.push(row),
                Err(failure) => return Err(failure),
            }
        }
        Ok(rows)
    }

    /// What every row the reader gives must satisfy, whatever the input.
    fn check_rows(rows: &[Row]) -> Result<(), TestCaseError> {
        let mut last_line = 0;
        for row in rows {
            prop_assert!(row.line() >= last_line, "lines go backwards: {:?}", rows);
            last_line = row.line();
            match row {
                Row::Valid { key, call, .. } => {
                    prop_assert!(
                        rules::check_create_call(
                            &call.from,
                            &call.to,
                            &call.arguments,
                            &call.sip_headers
                        )
                        .is_ok(),
                        "a valid row breaks the model's rules: {:?}",
                        call
                    );
                    prop_assert!(!key.is_empty());
                    prop_assert!(!key.chars().any(rules::is_unprintable), "{:?}", key);
                }
                Row::Invalid {
                    key, to, problem, ..
                } => {
                    let line_prefix = format!("line {}: ", row.line());
                    prop_assert!(problem.starts_with(&line_prefix), "{}", problem);
                    prop_assert!(!key.chars().any(rules::is_unprintable), "{:?}", key);
                    prop_assert!(
                        !to.iter().flat_map(|t| t.chars()).any(rules::is_unprintable),
                        "{:?}",
                        to
                    );
                    prop_assert!(
                        !problem
                            .chars()
                            .any(|c| rules::is_unprintable(c) && c != '\n' && c != '\t'),
                        "{:?}",
                        problem
                    );
                }
            }
        }
        Ok(())
    }

    fn column_name() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(b"to".to_vec()),
            Just(b"from".to_vec()),
            Just(b"id".to_vec()),
            Just(b"\xef\xbb\xbfto".to_vec()),
            "arg\\.[a-z]{1,3}".prop_map(String::into_bytes),
            "sip\\.[xX]-[a-zA-Z]{1,3}".prop_map(String::into_bytes),
            "sip\\.(User-to-User|Diversion|X-AMZN-[a-z]{1,2}|x y|x:y)".prop_map(String::into_bytes),
            prop::collection::vec(any::<u8>(), 0..8),
        ]
    }

    fn cell() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            "\\+?[0-9]{0,17}".prop_map(String::into_bytes),
            "\\+1206555[0-9]{4}".prop_map(String::into_bytes),
            "[ -~]{0,12}".prop_map(String::into_bytes),
            ".{0,8}".prop_map(String::into_bytes),
            prop::collection::vec(any::<u8>(), 0..16),
            Just(b"\"".to_vec()),
            Just(b"\"a,\"\"b\"\"\nc\"".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"\x1b[2J\xc2\x9b\x00\x7f\xe2\x80\xae".to_vec()),
            Just(b"".to_vec()),
        ]
    }

    fn line_end() -> impl Strategy<Value = &'static [u8]> {
        prop::sample::select(vec![&b"\n"[..], b"\r\n", b"\r", b""])
    }

    /// A CSV file the way a hand, a spreadsheet or a fuzzer writes one: a header of plausible
    /// and implausible column names, then rows of plausible and implausible cells.
    fn csv_ish() -> impl Strategy<Value = Vec<u8>> {
        let header = prop::collection::vec(column_name(), 0..8);
        let row = (prop::collection::vec(cell(), 0..9), line_end());
        (header, line_end(), prop::collection::vec(row, 0..8)).prop_map(
            |(header, header_end, rows)| {
                let mut text = header.join(&b","[..]);
                text.extend_from_slice(header_end);
                for (cells, end) in rows {
                    text.extend_from_slice(&cells.join(&b","[..]));
                    text.extend_from_slice(end);
                }
                text
            },
        )
    }

    /// Defaults as --from, --arg and --sip-header give them, some of them bad.
    fn any_defaults() -> impl Strategy<Value = RowDefaults> {
        // Mostly good (bad defaults stop the run before any row is read), sometimes not.
        let arguments = prop_oneof![
            9 => prop::collection::btree_map("[a-z]{1,3}", ".{0,6}", 0..=20),
            1 => prop::collection::btree_map("[a-z]{1,3}", ".{0,6}", 21..23),
        ];
        let sip_headers = prop::collection::btree_map(
            prop_oneof![9 => "[xX]-[a-zA-Z]{1,3}", 1 => Just("Foo".to_string())],
            "[ -~]{0,6}",
            0..3,
        );
        let from = prop::option::of(prop_oneof![
            4 => Just("+12065550100".to_string()),
            1 => "\\+?[0-9]{0,16}",
        ]);
        (from, arguments, sip_headers).prop_map(|(from, arguments, sip_headers)| RowDefaults {
            sma_id: "sma".into(),
            from,
            arguments,
            sip_headers,
        })
    }

    /// An E.164 number: + then 2 to 15 digits, the first not 0.
    fn e164() -> impl Strategy<Value = String> {
        "\\+[1-9][0-9]{1,14}"
    }

    /// A cell's text as the reader gives it back: no control characters, trimmed, not empty.
    fn text_cell(max: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(
            any::<char>().prop_filter("no controls", |c| !c.is_control()),
            1..max,
        )
        .prop_filter_map("blank", |chars| {
            let text: String = chars.into_iter().collect();
            let trimmed = text.trim().trim_start_matches('\u{feff}');
            (!trimmed.is_empty() && trimmed == text).then_some(text)
        })
    }

    /// One valid call, as the columns of a row give it.
    #[derive(Debug, Clone)]
    struct GeneratedRow {
        to: String,
        from: Option<String>,
        id: Option<String>,
        arguments: BTreeMap<String, String>,
        sip_headers: BTreeMap<String, String>,
    }

    fn generated_row() -> impl Strategy<Value = GeneratedRow> {
        let arguments =
            prop::collection::btree_map("[A-Za-z_][A-Za-z0-9_.-]{0,10}", text_cell(24), 0..=20);
        let sip_headers =
            prop::collection::btree_map("[xX]-[A-Za-z0-9]{1,8}", text_cell(40), 0..=20).prop_map(
                |headers| {
                    // Names that differ only in case are one header: keep the first.
                    let mut seen = std::collections::BTreeSet::new();
                    headers
                        .into_iter()
                        .filter(|(name, _)| seen.insert(name.to_ascii_lowercase()))
                        .collect::<BTreeMap<_, _>>()
                },
            );
        let id = prop::option::of(
            text_cell(20).prop_filter("printable", |id| !id.chars().any(rules::is_unprintable)),
        );
        (e164(), prop::option::of(e164()), id, arguments, sip_headers).prop_map(
            |(to, from, id, arguments, sip_headers)| GeneratedRow {
                to,
                from,
                id,
                arguments,
                sip_headers,
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// The fuzz-like property: any bytes at all, as a whole file.
        #[test]
        fn arbitrary_bytes_never_panic(text in prop::collection::vec(any::<u8>(), 0..512)) {
            if let Ok(rows) = read_all(&text, defaults()) {
                check_rows(&rows)?;
            }
        }

        /// A header of column names and rows of cells, plausible and not, with any defaults:
        /// no panic, and every row the reader calls valid keeps the model's rules.
        #[test]
        fn csv_ish_files_never_panic_and_valid_rows_keep_the_rules(
            text in csv_ish(), defaults in any_defaults()
        ) {
            match read_all(&text, defaults) {
                Ok(rows) => check_rows(&rows)?,
                Err(failure) => {
                    prop_assert!(
                        failure.message.starts_with("line ")
                            || failure.message.starts_with("--")
                            || failure.message.contains("empty"),
                        "{}",
                        failure.message
                    );
                }
            }
        }

        /// A valid row written by a CSV writer (quoting what needs quoting, either line ending)
        /// comes back as exactly the call it describes.
        #[test]
        fn valid_rows_round_trip_into_the_call(
            generated in prop::collection::vec(generated_row(), 1..4),
            crlf in any::<bool>(),
            bom in any::<bool>(),
        ) {
            // One header for all rows: the union of their columns.
            let arg_keys: std::collections::BTreeSet<&String> =
                generated.iter().flat_map(|row| row.arguments.keys()).collect();
            let mut sip_names: Vec<&String> = Vec::new();
            for name in generated.iter().flat_map(|row| row.sip_headers.keys()) {
                if !sip_names.iter().any(|seen| seen.eq_ignore_ascii_case(name)) {
                    sip_names.push(name);
                }
            }
            prop_assume!(arg_keys.len() <= rules::MAX_MAP_ENTRIES);
            let mut header = vec!["to".to_string(), "from".to_string(), "id".to_string()];
            header.extend(arg_keys.iter().map(|key| format!("arg.{key}")));
            header.extend(sip_names.iter().map(|name| format!("sip.{name}")));
            let mut writer = csv::WriterBuilder::new()
                .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
                .from_writer(if bom { "\u{feff}".as_bytes().to_vec() } else { Vec::new() });
            writer.write_record(&header).unwrap();
            let mut expected = Vec::new();
            for row in &generated {
                // A header name of another row's spelling still fills this row's header.
                let mut sip_headers = BTreeMap::new();
                let mut cells = vec![
                    row.to.clone(),
                    row.from.clone().unwrap_or_default(),
                    row.id.clone().unwrap_or_default(),
                ];
                cells.extend(arg_keys.iter().map(|key| row.arguments.get(*key).cloned().unwrap_or_default()));
                for name in &sip_names {
                    let value = row
                        .sip_headers
                        .iter()
                        .find(|(own, _)| own.eq_ignore_ascii_case(name))
                        .map(|(_, value)| value.clone());
                    if let Some(value) = &value {
                        sip_headers.insert((*name).clone(), value.clone());
                    }
                    cells.push(value.unwrap_or_default());
                }
                writer.write_record(&cells).unwrap();
                expected.push((row.clone(), sip_headers));
            }
            let text = writer.into_inner().unwrap();
            let rows = read_all(&text, defaults()).map_err(|f| TestCaseError::fail(f.message))?;
            prop_assert_eq!(rows.len(), generated.len());
            for (index, (row, (wanted, sip_headers))) in rows.iter().zip(&expected).enumerate() {
                let Row::Valid { line, key, call } = row else {
                    return Err(TestCaseError::fail(format!("{row:?} from {wanted:?}")));
                };
                let wanted_line = index as u64 + 2;
                prop_assert_eq!(*line, wanted_line);
                let wanted_key = wanted.id.clone().unwrap_or_else(|| format!("{wanted_line}:{}", wanted.to));
                prop_assert_eq!(key, &wanted_key);
                prop_assert_eq!(&call.to, &wanted.to);
                prop_assert_eq!(&call.from, wanted.from.as_deref().unwrap_or("+12065550100"));
                prop_assert_eq!(&call.sma_id, "sma");
                prop_assert_eq!(&call.arguments, &wanted.arguments);
                prop_assert_eq!(&call.sip_headers, sip_headers);
            }
        }
    }
}
