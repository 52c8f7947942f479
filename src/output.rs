//! Where everything chimecall prints goes: results to stdout (text for people and `$(...)`, or
//! one JSON object per line for programs), and everything for humans to stderr. Text that came
//! from outside (service messages, log lines) is neutralised before it reaches a terminal.

use std::borrow::Cow;
use std::fmt::Display;
use std::io::{self, Write};

use serde::Serialize;

use crate::cli::OutputFormat;

/// A command's result: `Display` is its text form, `Serialize` its JSON form.
pub trait Report: Serialize + Display {}
impl<T: Serialize + Display> Report for T {}

#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub format: OutputFormat,
    pub quiet: bool,
    /// Prints nothing at all: for code that runs commands on the user's behalf (the demo).
    muted: bool,
}

impl Output {
    pub fn new(format: OutputFormat, quiet: bool) -> Output {
        Output {
            format,
            quiet,
            muted: false,
        }
    }

    pub fn muted() -> Output {
        Output {
            format: OutputFormat::Text,
            quiet: true,
            muted: true,
        }
    }

    pub fn is_json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// One result on stdout, flushed at once so a reader sees it while the command goes on.
    pub fn result(&self, report: &impl Report) -> io::Result<()> {
        if self.muted {
            return Ok(());
        }
        let line = match self.format {
            OutputFormat::Text => sanitize(&report.to_string()).into_owned(),
            OutputFormat::Json => serde_json::to_string(report).map_err(io::Error::other)?,
        };
        let mut stdout = io::stdout().lock();
        writeln!(stdout, "{line}")?;
        stdout.flush()
    }

    /// Progress and explanations for a person; silenced by --quiet.
    pub fn note(&self, message: impl Display) {
        if !self.quiet {
            to_stderr(&sanitize(&message.to_string()));
        }
    }

    /// Something went wrong with one item; always shown.
    pub fn error(&self, message: impl Display) {
        if !self.muted {
            print_error(&message.to_string());
        }
    }
}

/// A spinner on stderr while chimecall waits, shown only to a person (stderr is a terminal, not
/// --quiet); otherwise nothing, so scripts and logs get no control characters.
pub struct Spinner {
    bar: Option<indicatif::ProgressBar>,
}

impl Spinner {
    pub fn set_message(&self, message: impl Display) {
        if let Some(bar) = &self.bar {
            bar.set_message(sanitize(&message.to_string()).into_owned());
        }
    }

    /// Runs `f` (which writes to stdout) with the spinner hidden, so the two never share a line.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    pub fn finish(&self) {
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
    pub fn spinner(&self, message: impl Display) -> Spinner {
        use std::io::IsTerminal;
        if self.quiet || !io::stderr().is_terminal() {
            return Spinner { bar: None };
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        bar.set_message(sanitize(&message.to_string()).into_owned());
        Spinner { bar: Some(bar) }
    }
}

/// The one format for errors on stderr.
pub fn print_error(message: &str) {
    to_stderr(&format!("chimecall: error: {}", sanitize(message)));
}

/// One line on stderr. A closed stderr is ignored: losing a diagnostic must not stop the work
/// (eprintln! would panic).
pub fn to_stderr(line: &str) {
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "{line}");
}

/// Replaces control characters (escape sequences, carriage returns, bells...) with visible
/// `\u{..}` escapes. Newlines and tabs are kept: they cannot rewrite what is already on screen.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if unsafe_char(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_neutralised() {
        assert_eq!(sanitize("plain text"), "plain text");
        let hostile = "ok\x1b[2J\x1b]0;pwned\x07\rdone\u{9b}";
        let clean = sanitize(hostile);
        assert!(!clean.chars().any(|c| c.is_control()), "{clean:?}");
        assert!(clean.contains("\\u{1b}[2J"));
        assert_eq!(sanitize("a\nb\tc"), "a\nb\tc");
    }
}
