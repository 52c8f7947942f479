//! The CSV reader's rules, row by row.
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
