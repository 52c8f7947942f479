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

mod header;
mod limit;
#[cfg(test)]
mod properties;

use crate::call::{with_plus, DialRequest};
use crate::exit::Failure;
use chimecall_model::rules;
use header::Header;
use limit::{is_too_long, start_line, RowLimit, MAX_ROW_BYTES};

/// What every row gets unless its own cells say otherwise.
#[derive(Debug, Clone, Default)]
pub(crate) struct RowDefaults {
    pub(crate) sma_id: String,
    pub(crate) from: Option<String>,
    pub(crate) arguments: BTreeMap<String, String>,
    pub(crate) sip_headers: BTreeMap<String, String>,
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

/// A read error, named by the line of the row it cut short.
fn read_failure(error: &csv::Error, line: u64, what: &str) -> Failure {
    if is_too_long(error) {
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
pub(crate) struct RowReader<R: Read> {
    reader: csv::Reader<RowLimit<R>>,
    header: Header,
    defaults: RowDefaults,
    record: csv::ByteRecord,
}

impl<R: Read> RowReader<R> {
    pub(crate) fn new(source: R, defaults: RowDefaults) -> Result<RowReader<R>, Failure> {
        defaults.check()?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(RowLimit::new(source));
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
        reader.get_mut().allow_row_from(next);
        Ok(RowReader {
            reader,
            header,
            defaults,
            record,
        })
    }

    /// How many bytes of the source have been read so far (progress against a file's size).
    pub(crate) fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }

    /// The next row, or an error that makes the rest of the file unreadable.
    pub(crate) fn next_row(&mut self) -> Option<Result<Row, Failure>> {
        let starts_at = self.reader.position().line();
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let next = self.reader.position().byte();
                self.reader.get_mut().allow_row_from(next);
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
        let to = cell(self.header.to).ok().flatten().map(with_plus);
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
        // An invalid row's cells are kept exact (JSON output carries them); its text report
        // neutralises them.
        let invalid = |problem: String| Row::Invalid {
            line,
            key: key_of(id.clone()),
            to: to.clone(),
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
            cell(index)
                .map_err(|problem| format!("column {} {problem}", crate::text::printable(column)))
        };
        let built = (|| -> Result<DialRequest, String> {
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
            let to = with_plus(named("to", self.header.to)?.ok_or("column to is empty")?);
            let from = match self.header.from {
                Some(index) => named("from", index)?.map(with_plus),
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
        })();
        match built {
            Ok(request) => Row::Valid {
                line,
                key: key_of(id.clone()),
                request,
            },
            Err(problem) => invalid(problem),
        }
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
        let Row::Valid { line, key, request } = &rows[0] else {
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
}
