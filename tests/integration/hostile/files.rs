//! Hostile files: malformed CSV, byte order marks and line endings, a row that never ends, and
//! (ignored: `cargo test -- --ignored huge`) a file of hundreds of MB under --strict.

use super::*;

// ---------------------------------------------------------------------------------------------
// Malformed CSV
// ---------------------------------------------------------------------------------------------

/// Bytes that look like nothing: a deterministic stream with every byte value in it.
fn binary_bytes(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[test]
fn malformed_files_are_reported_by_line_and_column() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let mut wide_row = b"to,id\n+12065550123".to_vec();
    wide_row.extend_from_slice(&b",x".repeat(9_999));
    wide_row.push(b'\n');
    let mut wide_arg_header = b"to".to_vec();
    for i in 0..9_999 {
        wide_arg_header.extend_from_slice(format!(",arg.k{i}").as_bytes());
    }
    wide_arg_header.extend_from_slice(b"\n+12065550123\n");
    let mut wide_unknown_header = b"to".to_vec();
    for i in 0..9_999 {
        wide_unknown_header.extend_from_slice(format!(",c{i}").as_bytes());
    }
    wide_unknown_header.push(b'\n');
    let mut binary = binary_bytes(64 * 1024);
    binary[0] = 0; // not by chance a header

    // (name, file, exit under --strict, what stderr says)
    let cases: Vec<(&str, Vec<u8>, i32, Vec<&str>)> = vec![
        (
            "an unterminated quote",
            b"to,id\n+12065550123,a\n\"+12065550124,b\n+12065550125,c\n".to_vec(),
            2,
            // The quote's row is invalid; the line after it is read as a row of its own.
            vec![
                "line 3: column 1 opens a quote that never closes: it runs to the end of the \
                 file (line 4), taking in 1 more line",
                "1 of 3 rows is invalid",
            ],
        ),
        (
            "ragged rows",
            b"to,id\n+12065550123,a,extra\n+12065550124\n".to_vec(),
            2,
            vec![
                "line 2: has 3 fields; the header has 2",
                "line 3: has 1 field; the header has 2",
            ],
        ),
        ("an empty file", b"".to_vec(), 2, vec!["empty"]),
        ("only blank lines", b"\n\n\r\n".to_vec(), 2, vec!["empty"]),
        ("a binary file", binary, 2, vec!["line 1 (header)"]),
        (
            "a NUL in the header",
            b"to\0,id\n+12065550123,a\n".to_vec(),
            2,
            vec!["line 1 (header): unknown column \"to\\0\""],
        ),
        (
            "a non-UTF-8 header",
            b"to,i\xffd\n".to_vec(),
            2,
            vec!["line 1 (header): column 2 is not UTF-8"],
        ),
        (
            "a non-UTF-8 to",
            b"to,from,id,arg.a,sip.x-h\n+1206555\xff0123,+12065550100,i,a,h\n".to_vec(),
            2,
            vec!["line 2: column to is not valid UTF-8"],
        ),
        (
            "a non-UTF-8 from",
            b"to,from,id,arg.a,sip.x-h\n+12065550123,+1206555\xfe100,i,a,h\n".to_vec(),
            2,
            vec!["line 2: column from is not valid UTF-8"],
        ),
        (
            "a non-UTF-8 id",
            b"to,from,id,arg.a,sip.x-h\n+12065550123,+12065550100,\xc3(,a,h\n".to_vec(),
            2,
            vec!["line 2: column id is not valid UTF-8"],
        ),
        (
            "a non-UTF-8 argument",
            b"to,from,id,arg.a,sip.x-h\n+12065550123,+12065550100,i,\xed\xa0\x80,h\n".to_vec(),
            2,
            vec!["line 2: column arg.a is not valid UTF-8"],
        ),
        (
            "a non-UTF-8 SIP header",
            b"to,from,id,arg.a,sip.x-h\n+12065550123,+12065550100,i,a,\x9b2J\n".to_vec(),
            2,
            vec!["line 2: column sip.x-h is not valid UTF-8"],
        ),
        (
            "non-UTF-8 bytes in every column",
            b"to,from,id,arg.a,sip.x-h\n\xff,\xfe,\x80,\xc0\xaf,\xf5\n".to_vec(),
            2,
            vec!["line 2: column"],
        ),
        (
            "a 10,000-field row",
            wide_row,
            2,
            vec!["line 2: has 10000 fields; the header has 2"],
        ),
        (
            "9,999 arg. columns",
            wide_arg_header,
            2,
            vec!["line 1 (header): 9999 arg. columns"],
        ),
        (
            "10,000 unknown columns",
            wide_unknown_header,
            2,
            vec!["line 1 (header): unknown column \"c0\""],
        ),
        (
            "a header only",
            b"to,id,arg.a\n".to_vec(),
            0,
            vec!["all 0 rows are valid"],
        ),
    ];
    for (name, bytes, strict_exit, expected) in &cases {
        // Each case a file (and so a batch) of its own.
        let file_name = format!(
            "case-{}.csv",
            name.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        );
        let path = write_file(dir.path(), &file_name, bytes);
        let out = dial_file(&sandbox, &path, &["--strict"]);
        assert_sane(&out, name);
        assert_terminal_safe(&out, name);
        assert_eq!(out.code, *strict_exit, "{name}: {}", out.stderr);
        for text in expected {
            assert!(
                out.stderr.contains(text),
                "{name}: stderr should say {text:?}: {}",
                out.stderr
            );
        }
        assert!(
            out.stderr.len() < 20_000,
            "{name}: {} bytes",
            out.stderr.len()
        );
        // Without --strict: the same problems, each row reported, the exit 0, 1 or 2.
        let out = dial_file(&sandbox, &path, &["--again"]);
        assert_sane(&out, name);
        assert_terminal_safe(&out, name);
        assert!(
            [0, 1, 2].contains(&out.code),
            "{name}: exit {}: {}",
            out.code,
            out.stderr
        );
    }
    // The good rows on either side of the unterminated quote, dialed without --strict.
    assert_placed_exactly(&sandbox, &["+12065550123", "+12065550125"]);
}

#[test]
fn a_row_that_never_ends_stops_the_file_in_bounded_memory() {
    // An unterminated quote near the top of a 12 MB file makes the rest of it one cell: the
    // reader stops at 8 MiB with the line it started on instead of holding the whole file.
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("unterminated.csv");
    let mut file = BufWriter::new(std::fs::File::create(&path).unwrap());
    file.write_all(b"to,id\n+12065550123,first\n\"+12065550124,second\n")
        .unwrap();
    for i in 0..800_000 {
        writeln!(file, "+1206{:07},r{i}", 1_000_000 + i).unwrap();
    }
    file.flush().unwrap();
    drop(file);
    for extra in [&["--strict"][..], &[]] {
        let out = dial_file(&sandbox, &path, extra);
        assert_sane(&out, "a row that never ends");
        assert!(
            out.stderr
                .contains("line 3: the row is longer than 8 MiB (an unterminated quote"),
            "{extra:?}: {}",
            out.stderr
        );
        assert!(out.stderr.len() < 5_000, "{}", out.stderr.len());
        if !extra.is_empty() {
            assert_eq!(out.code, 2, "{}", out.stderr);
        }
    }
    // Without --strict, the row before it was dialed.
    assert_placed_exactly(&sandbox, &["+12065550123"]);
}

#[test]
fn a_file_that_cannot_be_read_to_its_end_is_not_a_success() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let mut text = b"to,id\n+12065550123,first\n\"+12065550124,second\n".to_vec();
    text.extend_from_slice(&b"+12065550125,third\n".repeat(600_000));
    let path = write_file(dir.path(), "unterminated.csv", &text);
    let out = dial_file(&sandbox, &path, &[]);
    assert!(
        out.stderr.contains("line 3: the row is longer"),
        "{}",
        out.stderr
    );
    assert_ne!(out.code, 0, "rows were left unread: {}", out.stderr);
}

#[test]
fn byte_order_marks_and_every_line_ending_are_read_with_true_line_numbers() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let dir = tempfile::tempdir().unwrap();
    for (name, end, first) in [
        ("LF", "\n", 50),
        ("CRLF", "\r\n", 53),
        ("CR (old Mac)", "\r", 56),
    ] {
        // A BOM, a blank line, a multi-line quoted cell, then a bad row: its line is named.
        let text = format!(
            "\u{feff}to,id,arg.note{end}+120655501{first},,{end}{end}+120655501{},,\"two{end}lines\"{end}+0123,,{end}+120655501{},,{end}",
            first + 1,
            first + 2
        );
        let path = write_file(dir.path(), "endings.csv", text.as_bytes());
        let out = ran(sandbox
            .chimecall()
            .args([
                "--output",
                "json",
                "dial",
                "--rate",
                "0",
                "--max-active",
                "0",
                "--again",
                "--file",
            ])
            .arg(&path));
        assert_sane(&out, name);
        assert_eq!(out.code, 1, "{name}: {}", out.stderr);
        let mut lines: Vec<(u64, String)> = json_lines(&out.stdout)
            .iter()
            .map(|r| {
                (
                    r["line"].as_u64().unwrap(),
                    r["outcome"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        lines.sort();
        assert_eq!(
            lines,
            [
                (2, "placed".to_string()),
                (4, "placed".to_string()),
                (6, "invalid".to_string()),
                (7, "placed".to_string()),
            ],
            "{name}"
        );
        assert!(
            out.stderr.contains("line 6: column to"),
            "{name}: {}",
            out.stderr
        );
        assert!(out.stdout.contains(&format!("\"2:+120655501{first}\"")));
    }
    assert_placed_exactly(
        &sandbox,
        &[
            "+12065550150",
            "+12065550151",
            "+12065550152",
            "+12065550153",
            "+12065550154",
            "+12065550155",
            "+12065550156",
            "+12065550157",
            "+12065550158",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// A file of hundreds of MB under --strict (ignored: `cargo test -- --ignored huge`)
// ---------------------------------------------------------------------------------------------

/// Runs `cmd` to its end, sampling the child's peak resident set (VmHWM) while it runs.
fn run_measuring_peak_rss(cmd: &mut Command, limit: Duration) -> (Ran, u64) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let status_path = format!("/proc/{}/status", child.id());
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let deadline = Instant::now() + limit;
    let mut peak_kib = 0u64;
    let status = loop {
        // Read before reaping: once waited for, /proc/<pid> is gone.
        if let Ok(status) = std::fs::read_to_string(&status_path) {
            if let Some(kib) = status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
            {
                peak_kib = peak_kib.max(kib);
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let ran = Ran {
        code: status.code().expect("exit code"),
        stdout: utf8(stdout.join().unwrap(), "stdout"),
        stderr: utf8(stderr.join().unwrap(), "stderr"),
    };
    (ran, peak_kib * 1024)
}

/// Writes about `bytes` of valid rows with one invalid row (`+0123`) near the end, or, with
/// `unterminated`, an unterminated quote near the top; returns the invalid row's line.
fn write_huge_file(path: &Path, bytes: u64, unterminated: bool) -> u64 {
    let mut file = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    file.write_all(b"to,id,arg.ticket,sip.X-Ticket\n").unwrap();
    let mut written = 0u64;
    let mut line = 1u64;
    let mut bad_line = 0;
    let mut row = 0u64;
    while written < bytes {
        line += 1;
        let text = if (unterminated && line == 3)
            || (!unterminated && bad_line == 0 && written > bytes - bytes / 100)
        {
            bad_line = line;
            if unterminated {
                "\"+12065550123,open,T,T\n".to_string()
            } else {
                format!("+0123,bad-{row},T-{row},T-{row}\n")
            }
        } else {
            format!("+1206{:07},r{row},T-{row},T-{row}\n", row % 10_000_000)
        };
        file.write_all(text.as_bytes()).unwrap();
        written += text.len() as u64;
        row += 1;
    }
    file.flush().unwrap();
    bad_line
}

#[test]
#[ignore = "slow: ~300 MB through --strict; run with `cargo test -- --ignored huge`"]
fn huge_file_under_strict_is_streamed_in_bounded_memory() {
    const MAX_RSS: u64 = 64 * 1024 * 1024;
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.csv");

    let bad_line = write_huge_file(&path, 300_000_000, false);
    let size = std::fs::metadata(&path).unwrap().len();
    let (out, peak) = run_measuring_peak_rss(
        sandbox
            .chimecall()
            .args([
                "dial",
                "--strict",
                "--rate",
                "0",
                "--max-active",
                "0",
                "--again",
                "--file",
            ])
            .arg(&path),
        Duration::from_secs(1800),
    );
    eprintln!(
        "{size} bytes under --strict: exit {}, peak RSS {:.1} MiB",
        out.code,
        peak as f64 / 1048576.0
    );
    assert_sane(&out, "a huge file");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("line {bad_line}: column to")),
        "line {bad_line}: {}",
        out.stderr
    );
    assert!(out.stderr.contains("1 of "), "{}", out.stderr);
    assert!(peak > 0, "VmHWM was never read");
    assert!(peak < MAX_RSS, "peak RSS {peak} bytes");

    // The same size with an unterminated quote near the top: refused at that line, in bounded
    // memory, rather than read whole into one cell.
    write_huge_file(&path, 300_000_000, true);
    let (out, peak) = run_measuring_peak_rss(
        sandbox
            .chimecall()
            .args([
                "dial",
                "--strict",
                "--rate",
                "0",
                "--max-active",
                "0",
                "--again",
                "--file",
            ])
            .arg(&path),
        Duration::from_secs(1800),
    );
    eprintln!(
        "an unterminated quote: exit {}, peak RSS {:.1} MiB",
        out.code,
        peak as f64 / 1048576.0
    );
    assert_sane(&out, "a huge unterminated quote");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("line 3: the row is longer"),
        "{}",
        out.stderr
    );
    assert!(peak < MAX_RSS, "peak RSS {peak} bytes");
    assert_placed_exactly(&sandbox, &[]);
}
