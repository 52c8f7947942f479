//! Hostile command lines: phone numbers, argument counts, sizes and duplicates, SIP headers,
//! arguments that are not UTF-8.

use super::*;

// ---------------------------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------------------------

/// Numbers the model's pattern (`^\+?[1-9]\d{1,14}$`, ASCII digits) refuses, each with why.
const BAD_NUMBERS: &[(&str, &str)] = &[
    ("+0123", "a leading zero"),
    ("+012065550123", "a leading zero after +"),
    ("0012065550123", "the international prefix 00"),
    ("+1234567890123456", "16 digits"),
    ("+12065550123456789", "18 digits"),
    ("+1", "one digit"),
    ("+", "only +"),
    ("", "empty"),
    ("++12065550123", "two +"),
    ("+１２０６５５５０１２３", "fullwidth digits"),
    ("+١٢٠٦٥٥٥٠١٢٣", "Arabic-Indic digits"),
    ("+۱۲۰۶۵۵۵۰۱۲۳", "extended Arabic-Indic digits"),
    ("+१२०६५५५०१२३", "Devanagari digits"),
    ("+1206555O123", "a letter O for a zero"),
    ("+1 206 555 0123", "spaces"),
    ("+1206\t5550123", "a tab"),
    ("+1-206-555-0123", "dashes"),
    ("+1206555\u{202e}0123", "a bidirectional override"),
    ("+12065550123\u{1b}[2J", "an escape sequence"),
];

/// Refused on the command line, where nothing is trimmed either.
const BAD_ON_THE_COMMAND_LINE: &[(&str, &str)] = &[
    (" +12065550123", "a leading space"),
    ("+12065550123 ", "a trailing space"),
    ("+12065550123\n", "a trailing newline"),
];

#[test]
fn bad_numbers_on_the_command_line_are_refused_naming_the_flag() {
    let sandbox = Sandbox::start();
    for &(number, why) in BAD_NUMBERS.iter().chain(BAD_ON_THE_COMMAND_LINE) {
        let what = format!("--to {number:?} ({why})");
        let out = ran(sandbox.chimecall().args(["dial", "--to", number]));
        assert_refused(&out, &what, "--to");
        assert_terminal_safe(&out, &what);
        if !number.is_empty() {
            assert!(out.stderr.contains("E.164"), "{what}: {}", out.stderr);
        }

        let what = format!("--from {number:?} ({why})");
        let out = ran(sandbox
            .chimecall()
            .args(["dial", "--to", "+12065550123", "--from", number]));
        assert_refused(&out, &what, "--from");
        assert_terminal_safe(&out, &what);
    }
    assert_placed_exactly(&sandbox, &[]);
}

#[test]
fn a_nul_byte_cannot_even_be_passed_as_an_argument() {
    // No process can receive a NUL in an argument (argv holds C strings): the OS refuses before
    // chimecall runs. The CSV case below is how a NUL reaches chimecall.
    let sandbox = Sandbox::start();
    let error = sandbox
        .chimecall()
        .args(["dial", "--to", "+1206555\u{0}0123"])
        .output()
        .expect_err("an argument holding NUL");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{error}");
}

#[test]
fn bad_numbers_in_a_file_name_their_line_and_column() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let mut numbers: Vec<(&str, &str)> = BAD_NUMBERS
        .iter()
        .copied()
        .filter(|(number, _)| !number.is_empty())
        .collect();
    numbers.push(("+1206555\u{0}0123", "a NUL byte"));
    numbers.push(("\"+12065550123\"", "quotes kept by a doubled quote"));

    // One bad `to` per row, then one bad `from` per row.
    let mut text = String::from("to,from,id\n");
    for (index, (number, _)) in numbers.iter().enumerate() {
        text.push_str(&format!(
            "\"{}\",,to-{index}\n",
            number.replace('"', "\"\"")
        ));
    }
    let from_first_line = numbers.len() + 2;
    for (index, (number, _)) in numbers.iter().enumerate() {
        text.push_str(&format!(
            "+12065550123,\"{}\",from-{index}\n",
            number.replace('"', "\"\"")
        ));
    }
    let path = write_file(dir.path(), "numbers.csv", text.as_bytes());

    let strict = dial_file(&sandbox, &path, &["--strict"]);
    assert_sane(&strict, "--strict");
    assert_eq!(strict.code, 2, "{}", strict.stderr);
    assert_eq!(strict.stdout, "");
    assert_terminal_safe(&strict, "--strict");
    for (index, (number, why)) in numbers.iter().enumerate() {
        for (line, column) in [
            (index + 2, "column to"),
            (from_first_line + index, "column from"),
        ] {
            let expected = format!("line {line}: {column}");
            assert!(
                strict.stderr.contains(&expected),
                "{number:?} ({why}) should be reported as {expected:?}: {}",
                strict.stderr
            );
        }
    }

    let lenient = dial_file(&sandbox, &path, &[]);
    let json = ran(sandbox
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
    for (out, what) in [(&lenient, "text"), (&json, "json")] {
        assert_sane(out, what);
        assert_eq!(out.code, 1, "{what}: invalid rows exit 1: {}", out.stderr);
        assert_terminal_safe(out, what);
    }
    assert_eq!(lenient.stdout.lines().count(), 2 * numbers.len());
    let reports = json_lines(&json.stdout);
    assert_eq!(reports.len(), 2 * numbers.len());
    for report in &reports {
        assert_eq!(report["outcome"], "invalid", "{report}");
        assert_eq!(report["error"]["exit_code"], 2, "{report}");
    }
    assert_placed_exactly(&sandbox, &[]);
}

// ---------------------------------------------------------------------------------------------
// Argument counts, sizes and duplicates
// ---------------------------------------------------------------------------------------------

#[test]
fn argument_counts_are_checked_before_anything_is_sent() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let dial = |extra: &[String]| {
        ran(sandbox
            .chimecall()
            .args(["dial", "--to", "+12065550123"])
            .args(extra))
    };
    let out = dial(&many_args("--arg", "k", 21));
    assert_refused(&out, "21 --arg", "--arg");
    assert!(out.stderr.contains("21"), "{}", out.stderr);
    // The request id takes the twentieth entry.
    let out = dial(&many_args("--arg", "k", 20));
    assert_refused(&out, "20 --arg and the request id", "--arg");
    assert!(out.stderr.contains("request id"), "{}", out.stderr);
    let out = dial(&many_args("--sip-header", "x-h", 21));
    assert_refused(&out, "21 --sip-header", "--sip-header");
    for command in ["update", "hangup"] {
        let out = ran(sandbox
            .chimecall()
            .args([command, "some-transaction"])
            .args(many_args("--arg", "k", 21)));
        assert_refused(&out, command, "--arg");
    }

    // 20 --arg without the request id, and 19 with it, are placed.
    let out = dial(&[many_args("--arg", "k", 20), vec!["--no-request-id".into()]].concat());
    assert_eq!(out.code, 0, "20 --arg --no-request-id: {}", out.stderr);
    let out = ran(sandbox
        .chimecall()
        .args(["dial", "--to", "+12065550124"])
        .args(many_args("--arg", "k", 19)));
    assert_eq!(out.code, 0, "19 --arg: {}", out.stderr);
    assert_placed_exactly(&sandbox, &["+12065550123", "+12065550124"]);
}

#[test]
fn argument_counts_in_a_file_count_the_defaults() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let dir = tempfile::tempdir().unwrap();
    // 20 --arg defaults: a row that adds one more has 21 entries.
    let path = write_file(
        dir.path(),
        "extra.csv",
        b"to,arg.extra\n+12065550130,\n+12065550131,one-more\n",
    );
    let defaults = many_args("--arg", "d", 20);
    let mut args: Vec<&str> = defaults.iter().map(String::as_str).collect();
    args.extend(["--no-request-id", "--strict"]);
    let out = dial_file(&sandbox, &path, &args);
    assert_sane(&out, "20 defaults + arg.extra, --strict");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("line 3: arg. columns: has 21 entries"),
        "{}",
        out.stderr
    );

    // Without --strict the full row is dialed and the other one reported.
    args.pop();
    let out = dial_file(&sandbox, &path, &args);
    assert_sane(&out, "20 defaults + arg.extra");
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("3:+12065550131\t+12065550131\tinvalid"));

    // 21 arg. columns stop the run at the header.
    let header: Vec<String> = std::iter::once("to".to_string())
        .chain((0..21).map(|i| format!("arg.k{i}")))
        .collect();
    let path = write_file(
        dir.path(),
        "wide.csv",
        format!("{}\n+12065550132{}\n", header.join(","), ",v".repeat(21)).as_bytes(),
    );
    let out = dial_file(&sandbox, &path, &[]);
    assert_refused(&out, "21 arg. columns", "line 1 (header)");
    assert!(out.stderr.contains("21 arg. columns"), "{}", out.stderr);
    assert_placed_exactly(&sandbox, &["+12065550130"]);
}

#[test]
fn a_one_mib_argument_is_refused_by_the_os_before_chimecall_runs() {
    // Linux caps one argument at 128 KiB (MAX_ARG_STRLEN): a 1 MiB --arg value never reaches
    // chimecall. Big values come from a file, or split over several --arg entries (below).
    let sandbox = Sandbox::start();
    let value = format!("k={}", "a".repeat(1024 * 1024));
    let error = sandbox
        .chimecall()
        .args(["dial", "--to", "+12065550123", "--arg", &value])
        .output()
        .expect_err("a 1 MiB argument");
    assert_eq!(error.raw_os_error(), Some(7), "E2BIG expected: {error}");
    assert_placed_exactly(&sandbox, &[]);
}

/// `count` --arg entries of about 120 KB each.
fn big_args(count: usize) -> Vec<String> {
    (0..count)
        .flat_map(|i| {
            [
                "--arg".to_string(),
                format!("big{i}={}", "x".repeat(120_000)),
            ]
        })
        .collect()
}

#[test]
fn oversized_arguments_are_placed_once_or_refused_by_the_service() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    // About 960 KB of arguments: under the sandbox's 1 MiB body limit, placed once.
    let out = ran(sandbox
        .chimecall()
        .args(["dial", "--to", "+12065550140"])
        .args(big_args(8)));
    assert_sane(&out, "960 KB of --arg");
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The journal masks values: it does not grow with them.
    let journal = sandbox.journal_text();
    assert!(journal.len() < 10_000, "{} bytes", journal.len());

    // About 1.5 MB: the service answers 413 RequestEntityTooLargeException. It refused the
    // request, so no call was placed: exit 1 (a service error), not 8 (outcome unknown).
    let out = sandbox
        .chimecall()
        .args(["dial", "--to", "+12065550141"])
        .args(big_args(13))
        .stdin(Stdio::null())
        .output();
    match out {
        Err(error) if error.raw_os_error() == Some(7) => {
            eprintln!("skipped: this system's argument space is under 1.5 MB ({error})");
        }
        Err(error) => panic!("spawn: {error}"),
        Ok(out) => {
            let out = Ran {
                code: out.status.code().expect("exit code"),
                stdout: utf8(out.stdout, "stdout"),
                stderr: utf8(out.stderr, "stderr"),
            };
            assert_sane(&out, "1.5 MB of --arg");
            assert_eq!(out.code, 1, "{}", out.stderr);
            assert!(
                out.stderr.contains("RequestEntityTooLargeException") && out.stderr.contains("413"),
                "{}",
                out.stderr
            );
            assert!(out.stderr.len() < 2_000, "the value is not echoed back");
        }
    }

    // From a file: a 1 MB cell is placed; a 2 MiB cell is refused by the service (413): the row
    // fails, the run exits 1, with and without --strict (the model sets no size to check first).
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        dir.path(),
        "one-mb.csv",
        format!("to,arg.big\n+12065550142,{}\n", "y".repeat(1_000_000)).as_bytes(),
    );
    let out = dial_file(&sandbox, &path, &["--strict"]);
    assert_sane(&out, "a 1 MB cell");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let path = write_file(
        dir.path(),
        "two-mib.csv",
        format!("to,arg.big\n+12065550143,{}\n", "z".repeat(2 * 1024 * 1024)).as_bytes(),
    );
    // The same file twice: the second run is a new batch of its own.
    for extra in [&["--again"][..], &["--strict", "--again"]] {
        let out = dial_file(&sandbox, &path, extra);
        assert_sane(&out, "a 2 MiB cell");
        assert_eq!(out.code, 1, "{extra:?}: {}", out.stderr);
        assert!(
            out.stdout
                .contains("\tfailed\tRequestEntityTooLargeException"),
            "{}",
            out.stdout
        );
        assert!(out.stdout.len() + out.stderr.len() < 5_000, "echoed");
    }
    assert_placed_exactly(&sandbox, &["+12065550140", "+12065550142"]);
}

#[test]
fn duplicate_keys_are_refused() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let cases: &[(&[&str], &str)] = &[
        (&["--arg", "k=1", "--arg", "k=2"], "--arg"),
        (&["--arg", "k=1", "--arg", "k=1"], "--arg"),
        (
            &["--sip-header", "X-H=1", "--sip-header", "X-H=2"],
            "--sip-header",
        ),
        // SIP header names ignore case: one header given twice.
        (
            &["--sip-header", "X-Ticket=1", "--sip-header", "x-ticket=2"],
            "--sip-header",
        ),
    ];
    for (args, flag) in cases {
        let what = format!("{args:?}");
        let out = ran(sandbox
            .chimecall()
            .args(["dial", "--to", "+12065550123"])
            .args(*args));
        assert_refused(&out, &what, flag);
        assert!(
            out.stderr.contains("more than once") || out.stderr.contains("given twice"),
            "{what}: {}",
            out.stderr
        );
    }
    let out = ran(sandbox.chimecall().args([
        "update",
        "some-transaction",
        "--arg",
        "k=1",
        "--arg",
        "k=2",
    ]));
    assert_refused(&out, "update with a key twice", "--arg");

    let dir = tempfile::tempdir().unwrap();
    for (header, why) in [
        ("to,to", "to twice"),
        ("to, to", "to twice, one padded"),
        ("to,id,id", "id twice"),
        ("to,from,from", "from twice"),
        ("to,arg.k,arg.k", "an argument twice"),
        ("to,sip.X-H,sip.X-H", "a SIP header twice"),
        (
            "to,sip.X-Ticket,sip.x-ticket",
            "a SIP header twice, in two cases",
        ),
    ] {
        let path = write_file(
            dir.path(),
            "dup.csv",
            format!("{header}\n+12065550123,a,b\n").as_bytes(),
        );
        for extra in [&[][..], &["--strict"]] {
            let out = dial_file(&sandbox, &path, extra);
            assert_refused(&out, why, "line 1 (header)");
            assert!(
                out.stderr.contains("twice") || out.stderr.contains("earlier column"),
                "{why}: {}",
                out.stderr
            );
        }
    }
    // The same twice as defaults of a bulk run: refused by flag before any row is read.
    let path = write_file(dir.path(), "plain.csv", b"to\n+12065550123\n");
    let out = dial_file(
        &sandbox,
        &path,
        &["--sip-header", "X-Ticket=1", "--sip-header", "x-ticket=2"],
    );
    assert_refused(&out, "bulk, a SIP header twice", "--sip-header");
    let out = dial_file(&sandbox, &path, &["--arg", "k=1", "--arg", "k=2"]);
    assert_refused(&out, "bulk, an argument twice", "--arg");
    // A row's cell replaces the --sip-header default of the same name, whatever its case.
    let path = write_file(
        dir.path(),
        "override.csv",
        b"to,sip.x-ticket\n+12065550124,own\n",
    );
    let out = dial_file(&sandbox, &path, &["--sip-header", "X-Ticket=default"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_placed_exactly(&sandbox, &["+12065550124"]);
}

// ---------------------------------------------------------------------------------------------
// SIP headers
// ---------------------------------------------------------------------------------------------

#[test]
fn reserved_and_malformed_sip_headers_are_refused() {
    let sandbox = Sandbox::start();
    let long_value = format!("x-long={}", "a".repeat(2049));
    let long_multibyte = format!("x-long={}", "é".repeat(2049));
    let cases: Vec<(String, &str)> = vec![
        ("X-AMZN-Id=1".into(), "reserved"),
        ("x-amzn-lowercase=1".into(), "reserved"),
        ("X-Amzn=1".into(), "reserved"),
        ("=1".into(), "empty"),
        ("x-a b=1".into(), "not a valid SIP header name"),
        ("x-a:b=1".into(), "not a valid SIP header name"),
        ("x-a\tb=1".into(), "not a valid SIP header name"),
        ("x-é=1".into(), "not a valid SIP header name"),
        ("x-\u{202e}=1".into(), "not a valid SIP header name"),
        (format!("x-{HOSTILE_ARG}=1"), "not a valid SIP header name"),
        ("Foo=1".into(), "must start with x-"),
        ("Contact=<sip:a@b>".into(), "must start with x-"),
        ("novalue".into(), "KEY=VALUE"),
        (long_value, "2049 characters"),
        (long_multibyte, "2049 characters"),
        ("x-crlf=a\r\nX-Evil: 1".into(), "line break"),
        ("x-lf=a\nb".into(), "line break"),
        ("x-cr=a\rb".into(), "line break"),
    ];
    for (header, problem) in &cases {
        let what = format!(
            "--sip-header {:?}",
            header.chars().take(40).collect::<String>()
        );
        let out =
            ran(sandbox
                .chimecall()
                .args(["dial", "--to", "+12065550123", "--sip-header", header]));
        assert_refused(&out, &what, "--sip-header");
        assert!(out.stderr.contains(problem), "{what}: {}", out.stderr);
        assert_terminal_safe(&out, &what);
        assert!(out.stderr.len() < 1_000, "{what}: echoed: {}", out.stderr);
    }
    // The edges that are fine, shown with --dry-run (nothing is placed).
    let ok_value = format!("x-ok={}", "a".repeat(2048));
    for header in [
        ok_value.as_str(),
        "User-to-User=00fa",
        "user-to-user=00fa",
        "Diversion=<sip:+12065550100@example.com>",
        "X-Ticket=",
        "x-!%*_+`'~.=1",
    ] {
        let out = ran(sandbox.chimecall().args([
            "dial",
            "--to",
            "+12065550123",
            "--dry-run",
            "--sip-header",
            header,
        ]));
        assert_eq!(out.code, 0, "{header:?}: {}", out.stderr);
    }

    // The same names as CSV columns stop the run at the header; bad values make the row invalid.
    let dir = tempfile::tempdir().unwrap();
    for (column, problem) in [
        ("sip.X-AMZN-Id", "reserved"),
        ("sip.x-amzn-lowercase", "reserved"),
        ("sip.x a", "not a valid SIP header name"),
        ("sip.x:a", "not a valid SIP header name"),
        ("sip.x-é", "not a valid SIP header name"),
        ("sip.Foo", "must start with x-"),
        ("sip.", "unknown column"),
    ] {
        let path = write_file(
            dir.path(),
            "sip.csv",
            format!("to,{column}\n+12065550123,v\n").as_bytes(),
        );
        let out = dial_file(&sandbox, &path, &[]);
        assert_refused(&out, column, "line 1 (header)");
        assert!(out.stderr.contains(problem), "{column}: {}", out.stderr);
    }
    // As defaults of a bulk run, they stop it before any row is read, named by their flag.
    let path = write_file(dir.path(), "plain.csv", b"to\n+12065550123\n");
    for (header, problem) in &cases {
        if header.starts_with('=') || !header.contains('=') {
            continue; // refused by the KEY=VALUE parse, as above
        }
        let what = format!(
            "bulk --sip-header {:?}",
            header.chars().take(40).collect::<String>()
        );
        let out = dial_file(&sandbox, &path, &["--strict", "--sip-header", header]);
        assert_refused(&out, &what, "--sip-header");
        assert!(out.stderr.contains(problem), "{what}: {}", out.stderr);
        assert!(
            !out.stderr.contains("line 2"),
            "{what}: blamed on a row: {}",
            out.stderr
        );
    }
    let text = format!(
        "to,sip.x-h\n+12065550123,{}\n+12065550124,\"a\r\nX-Evil: 1\"\n+12065550125,\"a\nb\"\n+12065550126,a\0b\n",
        "a".repeat(2049)
    );
    let path = write_file(dir.path(), "values.csv", text.as_bytes());
    let out = dial_file(&sandbox, &path, &["--strict"]);
    assert_sane(&out, "bad SIP header values");
    assert_eq!(out.code, 2, "{}", out.stderr);
    for expected in [
        "line 2: column sip.x-h: value is 2049 characters",
        "line 3: column sip.x-h: value contains a line break",
        "line 5: column sip.x-h: value contains a line break",
        "line 7: column sip.x-h: value contains a line break or NUL",
    ] {
        assert!(out.stderr.contains(expected), "{expected}: {}", out.stderr);
    }
    assert!(
        !out.stderr.contains(&"a".repeat(100)),
        "the value is echoed"
    );
    assert_placed_exactly(&sandbox, &[]);
}

// ---------------------------------------------------------------------------------------------
// Arguments that are not UTF-8
// ---------------------------------------------------------------------------------------------

/// Command lines with a raw byte that is not UTF-8 in one argument.
fn non_utf8_command_lines() -> Vec<(&'static str, Vec<&'static [u8]>)> {
    vec![
        ("--to", vec![b"dial", b"--to", b"+1206555\xff0123"]),
        (
            "--from",
            vec![b"dial", b"--to", b"+12065550123", b"--from", b"\xfe"],
        ),
        (
            "--arg",
            vec![b"dial", b"--to", b"+12065550123", b"--arg", b"k=\xff"],
        ),
        (
            "--arg",
            vec![b"dial", b"--to", b"+12065550123", b"--arg", b"\xc3(=v"],
        ),
        (
            "--sip-header",
            vec![
                b"dial",
                b"--to",
                b"+12065550123",
                b"--sip-header",
                b"x-h=\x9b2J",
            ],
        ),
        (
            "--sma-id",
            vec![b"dial", b"--to", b"+12065550123", b"--sma-id", b"\xff"],
        ),
        ("TRANSACTION_ID", vec![b"tail", b"tx-\xff"]),
        ("TRANSACTION_ID", vec![b"hangup", b"tx-\xff"]),
        (
            "TRANSACTION_ID",
            vec![b"update", b"tx-\xff", b"--arg", b"k=v"],
        ),
        (
            "--log-group",
            vec![b"tail", b"tx", b"--log-group", b"/aws/\xff"],
        ),
    ]
}

fn run_raw_args(sandbox: &Sandbox, args: &[&[u8]]) -> Ran {
    ran(sandbox
        .chimecall()
        .args(args.iter().map(|a| std::ffi::OsStr::from_bytes(a))))
}

#[test]
fn arguments_that_are_not_utf8_are_usage_errors() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    for (place, args) in non_utf8_command_lines() {
        let what = format!("{place}: {args:?}");
        let out = run_raw_args(&sandbox, &args);
        assert_sane(&out, &what);
        assert_eq!(out.code, 2, "{what}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{what}");
        assert!(out.stderr.contains("UTF-8"), "{what}: {}", out.stderr);
        assert_terminal_safe(&out, &what);
    }
    // A file whose name is not UTF-8 is still a file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"rows-\xff.csv"));
    std::fs::write(&path, "to\n+12065550160\n").unwrap();
    let out = dial_file(&sandbox, &path, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_placed_exactly(&sandbox, &["+12065550160"]);
}

#[test]
fn arguments_that_are_not_utf8_are_named() {
    let sandbox = Sandbox::start();
    for (place, args) in non_utf8_command_lines() {
        let out = run_raw_args(&sandbox, &args);
        assert_refused(&out, place, place);
    }
}

/// The model makes a number's `+` optional: a number written without it is the same number, and
/// chimecall writes it with its `+` everywhere, so `--redact` masks it like any other.
#[test]
fn a_number_without_its_plus_is_the_same_number_and_is_masked() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let out = run(sandbox
        .chimecall()
        .args(["-o", "json", "dial", "--to", "12065550161"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json_lines(&out.stdout)[0]["to"], "+12065550161");
    let journal = sandbox.journal_text();
    assert!(journal.contains("\"to\":\"+12065550161\""), "{journal}");
    let out = run(sandbox
        .chimecall()
        .args(["--redact", "-vv", "dial", "--to", "12065550162"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("2065550162"), "{}", out.stderr);
    // A bad number's error says the + is optional.
    let out = run(sandbox.chimecall().args(["dial", "--to", "0123"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("an optional +"), "{}", out.stderr);
}
