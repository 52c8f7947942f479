//! Reading a bulk-dial CSV file, one row at a time (memory does not grow with the file).
//!
//! A header row names the columns: `to` (required), `from`, `id` (the row key), `arg.<KEY>`
//! (ArgumentsMap entries) and `sip.<NAME>` (SipHeaders). Empty cells are left out. Each data row
//! becomes a call checked with the model's rules, or an invalid row that names its line and
//! column; a bad row never stops the file.

use std::collections::BTreeMap;
use std::io::Read;

use crate::call::CallRequest;
use crate::exit::Failure;
use crate::rules;

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
        for (index, raw) in fields.iter().enumerate() {
            let name = std::str::from_utf8(raw)
                .map_err(|_| bad(format!("column {} is not UTF-8", index + 1)))?
                .trim()
                .trim_start_matches('\u{feff}');
            if !seen.insert(name.to_string()) {
                return Err(bad(format!("column {name:?} appears twice")));
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
                        rules::check_sip_header(header, "")
                            .map_err(|v| bad(format!("column {name:?}: {}", v.problem)))?;
                        sip_headers.push((header.to_string(), index));
                    } else {
                        return Err(bad(format!(
                            "unknown column {name:?}: expected to, from, id, arg.KEY or sip.NAME"
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

/// Reads rows from any CSV source.
pub struct RowReader<R: Read> {
    reader: csv::Reader<R>,
    header: Header,
    defaults: RowDefaults,
    record: csv::ByteRecord,
}

impl<R: Read> RowReader<R> {
    pub fn new(source: R, defaults: RowDefaults) -> Result<RowReader<R>, Failure> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(source);
        let mut record = csv::ByteRecord::new();
        let found = reader
            .read_byte_record(&mut record)
            .map_err(|e| Failure::usage(format!("line 1 (header): {e}")))?;
        if !found {
            return Err(Failure::usage(
                "the file is empty: expected a header row with `to`",
            ));
        }
        let line = record.position().map(|p| p.line()).unwrap_or(1);
        let header = Header::parse(&record, line)?;
        Ok(RowReader {
            reader,
            header,
            defaults,
            record,
        })
    }

    /// The next row, or an error that makes the rest of the file unreadable.
    pub fn next_row(&mut self) -> Option<Result<Row, Failure>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => Some(Ok(self.row())),
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                Some(Err(Failure::usage(format!(
                    "line {line}: the file cannot be read: {e}"
                ))))
            }
        }
    }

    fn row(&self) -> Row {
        let line = self.record.position().map(|p| p.line()).unwrap_or(0);
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
        let id = self.header.id.and_then(|i| cell(i).ok().flatten());
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
            cell(index).map_err(|problem| format!("column {column} {problem}"))
        };
        let built = (|| -> Result<CallRequest, String> {
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
}
