//! Property tests of the row reader: whatever the bytes, no panic, and every row it gives holds
//! what a row must; a quote that never closes takes only its own row; and the quote scan reads
//! bytes the way the csv parser does.

use super::tests::defaults;
use super::*;
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
            Row::Valid { key, request, .. } => {
                prop_assert!(
                    rules::check_create_call(
                        &request.from,
                        &request.to,
                        &request.arguments,
                        &request.sip_headers
                    )
                    .is_ok(),
                    "a valid row breaks the model's rules: {:?}",
                    request
                );
                prop_assert!(!key.is_empty());
                prop_assert!(!key.chars().any(rules::is_unprintable), "{:?}", key);
            }
            Row::Invalid {
                key, to, problem, ..
            } => {
                let line_prefix = format!("line {}: ", row.line());
                prop_assert!(problem.starts_with(&line_prefix), "{}", problem);
                // Kept exact; what the text report shows of them is printable and short.
                for shown in [
                    crate::text::cell(key),
                    crate::text::cell(to.as_deref().unwrap_or("")),
                ] {
                    prop_assert!(!shown.chars().any(rules::is_unprintable), "{:?}", shown);
                    prop_assert!(shown.chars().count() <= 4 * 64 + 3, "{:?}", shown);
                }
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
    (header, line_end(), prop::collection::vec(row, 0..8)).prop_map(|(header, header_end, rows)| {
        let mut text = header.join(&b","[..]);
        text.extend_from_slice(header_end);
        for (cells, end) in rows {
            text.extend_from_slice(&cells.join(&b","[..]));
            text.extend_from_slice(end);
        }
        text
    })
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
        room_for_request_id: false,
        callout: Default::default(),
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
    let sip_headers = prop::collection::btree_map("[xX]-[A-Za-z0-9]{1,8}", text_cell(40), 0..=20)
        .prop_map(|headers| {
            // Names that differ only in case are one header: keep the first.
            let mut seen = std::collections::BTreeSet::new();
            headers
                .into_iter()
                .filter(|(name, _)| seen.insert(name.to_ascii_lowercase()))
                .collect::<BTreeMap<_, _>>()
        });
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
            let Row::Valid { line, key, request, .. } = row else {
                return Err(TestCaseError::fail(format!("{row:?} from {wanted:?}")));
            };
            let wanted_line = index as u64 + 2;
            prop_assert_eq!(*line, wanted_line);
            let wanted_key = wanted.id.clone().unwrap_or_else(|| format!("{wanted_line}:{}", wanted.to));
            prop_assert_eq!(key, &wanted_key);
            prop_assert_eq!(&request.to, &wanted.to);
            prop_assert_eq!(&request.from, wanted.from.as_deref().unwrap_or("+12065550100"));
            prop_assert_eq!(&request.sma_id, "sma");
            prop_assert_eq!(&request.arguments, &wanted.arguments);
            prop_assert_eq!(&request.sip_headers, sip_headers);
        }
    }

    /// A file of valid rows (any line endings, blank lines) where one row's cell gets a quote
    /// that never closes: that row alone is invalid, named by its line and column, and every
    /// other row is read with its own line.
    #[test]
    fn an_unterminated_quote_takes_only_its_own_row(
        rows in prop::collection::vec(
            (e164(), "[A-Za-z0-9 ._+-]{0,10}", 0..3usize),
            1..8,
        ),
        end in prop::sample::select(vec!["\n", "\r\n", "\r"]),
        target in any::<prop::sample::Index>(),
        column in 0..3usize,
        final_break in any::<bool>(),
        trickle in any::<bool>(),
    ) {
        let target = target.index(rows.len());
        let mut text = format!("to,id,arg.note{end}");
        let mut line = 1;
        let mut lines = Vec::new();
        for (index, (to, note, blank)) in rows.iter().enumerate() {
            for _ in 0..*blank {
                text.push_str(end);
                line += 1;
            }
            line += 1;
            lines.push(line);
            let mut cells = [to.clone(), format!("r{index}"), note.clone()];
            if index == target {
                cells[column].insert(0, '"');
            }
            text.push_str(&cells.join(","));
            if final_break || index + 1 < rows.len() {
                text.push_str(end);
            }
        }
        let read = if trickle {
            let mut reader = RowReader::new(super::tests::Trickle(text.as_bytes()), defaults())
                .map_err(|f| TestCaseError::fail(f.message))?;
            let mut read = Vec::new();
            while let Some(row) = reader.next_row() {
                read.push(row.map_err(|f| TestCaseError::fail(f.message))?);
            }
            read
        } else {
            read_all(text.as_bytes(), defaults()).map_err(|f| TestCaseError::fail(f.message))?
        };
        check_rows(&read)?;
        prop_assert_eq!(read.len(), rows.len(), "{:?}: {:?}", text, read);
        let last_line = *lines.last().unwrap();
        for (index, row) in read.iter().enumerate() {
            prop_assert_eq!(row.line(), lines[index], "{:?}", text);
            match row {
                Row::Valid { key, request, .. } => {
                    prop_assert!(index != target, "{:?}: {:?}", text, row);
                    prop_assert_eq!(key, &format!("r{index}"));
                    prop_assert_eq!(&request.to, &rows[index].0);
                }
                Row::Invalid { problem, .. } => {
                    prop_assert_eq!(index, target, "{:?}: {:?}", text, row);
                    let wanted = format!(
                        "line {}: column {} opens a quote that never closes: it runs to the end \
                         of the file (line {last_line})",
                        lines[index],
                        column + 1
                    );
                    prop_assert!(problem.starts_with(&wanted), "{} / {}", problem, wanted);
                }
            }
        }
    }

    /// The quote scan agrees with the csv parser on whether bytes end inside a quoted cell, and
    /// where it opened: the parser is asked by adding a line after them and seeing whether it
    /// joins the last cell.
    #[test]
    fn the_quote_scan_reads_bytes_as_the_csv_parser_does(text in csv_ish(), leading in 0..3usize) {
        let mut bytes = vec![b'\n'; leading];
        // Line breaks as the parser is given them.
        let mut after_cr = false;
        for byte in text {
            if !(after_cr && byte == b'\n') {
                bytes.push(if byte == b'\r' { b'\n' } else { byte });
            }
            after_cr = byte == b'\r';
        }
        let scan = limit::scan(bytes.iter().copied(), 0, 1, bytes.len() as u64);
        let mut asked = bytes.clone();
        asked.extend_from_slice(b"\n\0S");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&asked[..]);
        let mut last = None;
        for record in reader.byte_records() {
            last = Some(record.unwrap());
        }
        let last = last.unwrap();
        let last_cell = last.get(last.len() - 1).unwrap();
        let open = last_cell.ends_with(b"\n\0S");
        prop_assert_eq!(scan.open.is_some(), open, "{:?}", String::from_utf8_lossy(&bytes));
        let breaks = |bytes: &[u8]| bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        if let Some(quote) = scan.open {
            prop_assert_eq!(quote.column, last.len());
            let quote_line = 1 + breaks(&asked) - breaks(last_cell);
            prop_assert_eq!(quote.line, quote_line);
            let next_line_at = bytes
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .nth(usize::try_from(quote_line - 1).unwrap())
                .map(|(at, _)| at as u64 + 1)
                .filter(|&at| at < bytes.len() as u64);
            prop_assert_eq!(quote.next_line_at, next_line_at);
            let last_line = 1 + breaks(&bytes) - u64::from(bytes.last() == Some(&b'\n'));
            prop_assert_eq!(quote.last_line, last_line);
        }
        let blank = bytes.iter().take_while(|&&b| b == b'\n').count() as u64;
        prop_assert_eq!(scan.starts_on, 1 + blank);
    }
}
