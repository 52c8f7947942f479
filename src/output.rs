//! Where everything chimecall prints goes: results to stdout (text for people and `$(...)`, or
//! one JSON object per line for programs), and everything for humans to stderr. Text that came
//! from outside (service messages, log lines) is neutralised before it reaches a terminal.
//!
//! With `--redact`, phone numbers are masked (`redact_phone_numbers`) in everything for people:
//! text results, every line on stderr, and the tracing log lines (`logging`). JSON results are
//! for programs and are left exact.

use std::borrow::Cow;
use std::fmt::Display;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

/// `--output`: text for people and `$(...)`, or JSON (one object per line) for programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OutputFormat {
    Text,
    Json,
}

/// A command's result: `Display` is its text form, `Serialize` its JSON form.
pub(crate) trait Report: Serialize + Display {}
impl<T: Serialize + Display> Report for T {}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    pub(crate) format: OutputFormat,
    pub(crate) quiet: bool,
    /// `--redact`: phone numbers are masked in text results and on stderr.
    pub(crate) redact: bool,
}

impl Output {
    pub(crate) fn new(format: OutputFormat, quiet: bool) -> Output {
        Output {
            format,
            quiet,
            redact: false,
        }
    }

    /// The same output, masking phone numbers (`--redact`) or not.
    pub(crate) fn with_redaction(self, redact: bool) -> Output {
        Output { redact, ..self }
    }

    /// Text for a person: control characters neutralised, phone numbers masked under --redact.
    pub(crate) fn for_people(&self, text: &str) -> String {
        for_people(text, self.redact)
    }

    pub(crate) fn is_json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// One result on stdout, flushed at once so a reader sees it while the command goes on.
    pub(crate) fn result(&self, report: &impl Report) -> io::Result<()> {
        let line = match self.format {
            OutputFormat::Text => self.for_people(&report.to_string()),
            OutputFormat::Json => {
                escape_json_controls(serde_json::to_string(report).map_err(io::Error::other)?)
            }
        };
        let mut stdout = io::stdout().lock();
        writeln!(stdout, "{line}")?;
        stdout.flush()
    }

    /// Progress and explanations for a person; silenced by --quiet.
    pub(crate) fn note(&self, message: impl Display) {
        if !self.quiet {
            write_stderr(&self.for_people(&message.to_string()));
        }
    }

    /// The error that ended the command, reported (a closed stdout is not worth a message);
    /// returns the exit code it gets.
    pub(crate) fn failed(&self, error: &anyhow::Error) -> crate::exit::Exit {
        if !crate::exit::is_broken_pipe(error) {
            let message = format!("{error:#}");
            if !message.is_empty() {
                self.error(message);
            }
        }
        crate::exit::exit_for(error)
    }

    /// Something went wrong with one item; always shown.
    pub(crate) fn error(&self, message: impl Display) {
        write_stderr(&error_line(&message.to_string(), self.redact));
    }
}

/// A spinner on stderr while chimecall waits, shown only to a person (stderr is a terminal, not
/// --quiet); otherwise nothing, so scripts and logs get no control characters.
pub(crate) struct Spinner {
    bar: Option<indicatif::ProgressBar>,
    redact: bool,
}

impl Spinner {
    pub(crate) fn set_message(&self, message: impl Display) {
        if let Some(bar) = &self.bar {
            bar.set_message(for_people(&message.to_string(), self.redact));
        }
    }

    /// Runs `f` (which writes to stdout) with the spinner hidden, so the two never share a line.
    pub(crate) fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.finish();
    }
}

impl Output {
    pub(crate) fn spinner(&self, message: impl Display) -> Spinner {
        use std::io::IsTerminal;
        let redact = self.redact;
        if self.quiet || !io::stderr().is_terminal() {
            return Spinner { bar: None, redact };
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        bar.set_message(for_people(&message.to_string(), redact));
        Spinner {
            bar: Some(bar),
            redact,
        }
    }
}

/// `--redact` for the lines code without an `Output` writes (`print_error`, `to_stderr`): set
/// once at start-up, before anything is printed.
static REDACT_STDERR: AtomicBool = AtomicBool::new(false);

/// Turns phone-number masking on (or off) for `print_error` and `to_stderr`.
pub(crate) fn set_stderr_redaction(redact: bool) {
    REDACT_STDERR.store(redact, Ordering::Relaxed);
}

fn stderr_redaction() -> bool {
    REDACT_STDERR.load(Ordering::Relaxed)
}

/// Text for stderr from code without an `Output` (a progress bar's lines): control characters
/// neutralised, phone numbers masked under --redact.
pub(crate) fn for_stderr(text: &str) -> String {
    for_people(text, stderr_redaction())
}

fn for_people(text: &str, redact: bool) -> String {
    let clean = crate::text::sanitize(text);
    if redact {
        redact_phone_numbers(&clean).into_owned()
    } else {
        clean.into_owned()
    }
}

fn error_line(message: &str, redact: bool) -> String {
    format!("chimecall: error: {}", for_people(message, redact))
}

/// serde_json escapes only U+0000 to U+001F; DEL, the C1 controls (an 8-bit CSI among them) and
/// the bidirectional controls would reach a terminal that shows the JSON. In JSON text they can
/// only stand inside strings, where `\uXXXX` means the same character.
pub(crate) fn escape_json_controls(json: String) -> String {
    if !json.chars().any(chimecall_model::rules::is_unprintable) {
        return json;
    }
    json.chars()
        .map(|c| {
            if chimecall_model::rules::is_unprintable(c) && !matches!(c, '\n' | '\t' | '\r') {
                format!("\\u{:04x}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The one format for errors on stderr.
pub(crate) fn print_error(message: &str) {
    write_stderr(&error_line(message, stderr_redaction()));
}

/// One line on stderr, phone numbers masked under --redact.
pub(crate) fn to_stderr(line: &str) {
    if stderr_redaction() {
        write_stderr(&redact_phone_numbers(line));
    } else {
        write_stderr(line);
    }
}

/// A closed stderr is ignored: losing a diagnostic must not stop the work (eprintln! would panic).
fn write_stderr(line: &str) {
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "{line}");
}

/// Digits after a `+` from which a run is taken for a phone number.
const PHONE_MIN_DIGITS: usize = 7;

/// Masks phone numbers (`--redact`): a `+` followed by 7 or more ASCII digits (an E.164 number
/// has at most 15; a longer run is a mistyped number and is masked too) keeps the `+`, its first
/// two and its last two digits, and every digit between becomes `*`: `+12065550123` becomes
/// `+12*******23`. Nothing without a `+` is touched: TransactionIds, request ids, timestamps, SIP
/// codes, line numbers. A number written without its `+` is therefore not recognised.
pub(crate) fn redact_phone_numbers(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut masked: Option<String> = None;
    // `text[..copied]` is already in `masked`.
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'+' {
            i += 1;
            continue;
        }
        let digits = bytes[i + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits >= PHONE_MIN_DIGITS {
            let out = masked.get_or_insert_with(|| String::with_capacity(text.len()));
            // `+` and ASCII digits: every index here is a char boundary.
            out.push_str(&text[copied..i + 3]);
            out.push_str(&"*".repeat(digits - 4));
            copied = i + 1 + digits - 2;
        }
        i += 1 + digits;
    }
    match masked {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_masked() {
        let redact = |text| redact_phone_numbers(text).into_owned();
        assert_eq!(redact("+12065550123"), "+12*******23");
        // The shortest and longest E.164 lengths, and a mistyped 16-digit number.
        assert_eq!(redact("+1234567"), "+12***67");
        assert_eq!(redact("+123456789012345"), "+12***********45");
        assert_eq!(redact("+1234567890123456"), "+12************56");
        // Wherever they are: a row key, a SIP URI, a field, a sentence, several per line.
        assert_eq!(redact("12:+12065550123"), "12:+12*******23");
        assert_eq!(
            redact("sip:+12065550123@example.com"),
            "sip:+12*******23@example.com"
        );
        assert_eq!(
            redact("to=+12065550123 from=\"+12065550100\""),
            "to=+12*******23 from=\"+12*******00\""
        );
        assert_eq!(
            redact("row 3 (+447700900123): invalid → ToPhoneNumber +33142685300."),
            "row 3 (+44********23): invalid → ToPhoneNumber +33*******00."
        );
        assert_eq!(redact("++12065550123+"), "++12*******23+");
        // Masking twice changes nothing more.
        assert_eq!(redact(&redact("+12065550123")), "+12*******23");
    }

    #[test]
    fn redaction_leaves_everything_else_alone() {
        let untouched = [
            "",
            "+",
            "3f2c1a7e-0b4d-4c55-9a2e-8d6b1f0c9e21",
            "TransactionId 1733387d-df28-4c01-8c28-21347b16ddcf placed",
            "[request id 25a69cd3-05b0-4943-b583-fa64c2d24d93]",
            "2026-11-29T20:05:21.295884Z DEBUG chimecall: request",
            "2026-11-29T20:05:21+00:00",
            "2026-11-29T20:05:21.123+0000",
            "timestamp_ms 1796012345678 event_id 00000000000000000000000000000000000000000000000000000012",
            "HANGUP SipResponseCode 486, then 480 and +487",
            "a short code +123456",
            "12065550123 without its plus",
            "line 12, column 3: 1+2=3",
        ];
        for text in untouched {
            assert!(
                matches!(redact_phone_numbers(text), Cow::Borrowed(_)),
                "{text:?} was changed"
            );
        }
    }

    #[test]
    fn redacting_output_masks_people_text_only() {
        let output = Output::new(OutputFormat::Text, false).with_redaction(true);
        assert_eq!(
            output.for_people("+12065550123\x1b[2J"),
            "+12*******23\\u{1b}[2J"
        );
        let plain = Output::new(OutputFormat::Text, false);
        assert_eq!(plain.for_people("+12065550123"), "+12065550123");
        assert_eq!(
            error_line("+12065550123 is busy", true),
            "chimecall: error: +12*******23 is busy"
        );
    }
}
