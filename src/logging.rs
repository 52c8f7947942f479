//! Diagnostics on stderr through `tracing`, at the verbosity asked for.
//!
//! Credentials, session tokens and signatures never reach output: the AWS SDK's own logs are
//! capped at DEBUG (its TRACE level writes canonical requests); every field of every event and
//! span passes through `withhold::value` (`Withholding`), which drops byte dumps, profile file
//! contents and anything named like a secret, whatever formatted it; and every log line goes
//! through one writer that applies `withhold::line` once more and masks AWS access key ids (the
//! SDK's DEBUG lines print the resolved identity's key id) and `Signature=` values, whatever the
//! verbosity. With `--redact` the same writer masks phone numbers
//! (`output::redact_phone_numbers`).

mod withhold;

use std::borrow::Cow;
use std::fmt;
use std::io::{self, IsTerminal, Write};

use tracing::field::{Field, Visit};
use tracing_subscriber::field::{RecordFields, VisitOutput};
use tracing_subscriber::fmt::format::{DefaultVisitor, Writer};
use tracing_subscriber::fmt::{FormatFields, MakeWriter};
use tracing_subscriber::EnvFilter;

use crate::output::redact_phone_numbers;

pub(crate) fn init(verbose: u8, quiet: bool, server: bool, redact: bool) {
    let ansi = io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let settings = Verbosity {
        verbose,
        quiet,
        server,
        redact,
    };
    let _ = tracing::subscriber::set_global_default(subscriber(settings, io::stderr, ansi));
}

/// The flags that decide what is logged and how.
#[derive(Debug, Clone, Copy)]
struct Verbosity {
    verbose: u8,
    quiet: bool,
    server: bool,
    redact: bool,
}

/// The one subscriber, writing to `writer` (stderr; a buffer in tests).
fn subscriber<W>(
    settings: Verbosity,
    writer: W,
    ansi: bool,
) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(directives(
            settings.verbose,
            settings.quiet,
            settings.server,
        )))
        .fmt_fields(Withholding)
        .with_writer(Scrubbing {
            inner: writer,
            redact: settings.redact,
        })
        .with_target(settings.verbose > 0)
        .with_ansi(ansi)
        .finish()
}

/// What each verbosity shows.
fn directives(verbose: u8, quiet: bool, server: bool) -> &'static str {
    if quiet {
        "error"
    } else {
        match (verbose, server) {
            (0, false) => "warn,aws_config=error,aws_runtime=error,aws_smithy_runtime=error",
            (0, true) => "warn,chimecall=info",
            (1, _) => "info,chimecall=debug,aws_smithy_runtime::client::retries=debug",
            (2, _) => "debug,hyper=info,h2=info",
            _ => "debug,chimecall=trace,hyper=info,h2=info",
        }
    }
}

/// Formats fields as tracing's default does, each value first passed through
/// `withhold::value`.
struct Withholding;

impl<'writer> FormatFields<'writer> for Withholding {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'writer>, fields: R) -> fmt::Result {
        let mut visitor = WithholdingVisitor {
            inner: DefaultVisitor::new(writer, true),
        };
        fields.record(&mut visitor);
        visitor.inner.finish()
    }
}

struct WithholdingVisitor<'writer> {
    inner: DefaultVisitor<'writer>,
}

impl WithholdingVisitor<'_> {
    /// `text` is the value as the default visitor would write it.
    fn record_text(&mut self, field: &Field, text: &str) {
        let shown = withhold::value(field.name(), text);
        self.inner.record_debug(field, &format_args!("{shown}"));
    }
}

impl Visit for WithholdingVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.record_text(field, value);
        } else {
            self.record_text(field, &format!("{value:?}"));
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        let mut text = value.to_string();
        let mut cause = value.source();
        while let Some(inner) = cause {
            text.push_str(&format!(": {inner}"));
            cause = inner.source();
        }
        self.record_text(field, &text);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.record_text(field, &format!("{value:?}"));
    }
}

/// Wraps a `MakeWriter` (stderr): each event is collected whole, cleaned by `scrub`, then written
/// in one piece.
#[derive(Clone, Copy)]
struct Scrubbing<M> {
    inner: M,
    redact: bool,
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Scrubbing<M> {
    type Writer = ScrubbingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        ScrubbingWriter {
            inner: self.inner.make_writer(),
            redact: self.redact,
            pending: Vec::new(),
        }
    }
}

/// Holds what the formatter writes for one event until flushed or dropped: a secret split across
/// two `write` calls is still seen whole.
struct ScrubbingWriter<W: Write> {
    inner: W,
    redact: bool,
    pending: Vec<u8>,
}

impl<W: Write> ScrubbingWriter<W> {
    fn emit(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&self.pending);
        let result = self
            .inner
            .write_all(scrub(&text, self.redact).as_bytes())
            .and_then(|()| self.inner.flush());
        self.pending.clear();
        result
    }
}

impl<W: Write> Write for ScrubbingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.emit()
    }
}

impl<W: Write> Drop for ScrubbingWriter<W> {
    fn drop(&mut self) {
        // A closed stderr must not stop the work.
        let _ = self.emit();
    }
}

/// A log line as it may be shown: byte dumps, profile file contents and secrets withheld,
/// access key ids and signatures masked always, phone numbers under --redact.
fn scrub(text: &str, redact: bool) -> Cow<'_, str> {
    let text = withhold::line(text);
    let text = match mask_signatures(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(masked) => Cow::Owned(masked),
    };
    let text = match mask_access_key_ids(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(masked) => Cow::Owned(masked),
    };
    if !redact {
        return text;
    }
    match redact_phone_numbers(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(masked) => Cow::Owned(masked),
    }
}

/// `AKIA`/`ASIA` (long-term and temporary keys) and 16 upper-case letters or digits, standing
/// alone: the prefix is kept, the rest becomes `*`.
fn mask_access_key_ids(text: &str) -> Cow<'_, str> {
    const BODY: usize = 16;
    let key_char = |b: &u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    let bytes = text.as_bytes();
    let mut masked: Option<Vec<u8>> = None;
    let mut i = 0;
    while i + 4 + BODY <= bytes.len() {
        let prefix = &bytes[i..i + 4];
        let is_key = (prefix == b"AKIA" || prefix == b"ASIA")
            && (i == 0 || !key_char(&bytes[i - 1]))
            && bytes[i + 4..i + 4 + BODY].iter().all(key_char)
            && bytes.get(i + 4 + BODY).is_none_or(|b| !key_char(b));
        if is_key {
            let out = masked.get_or_insert_with(|| bytes.to_vec());
            out[i + 4..i + 4 + BODY].fill(b'*');
            i += 4 + BODY;
        } else {
            i += 1;
        }
    }
    match masked {
        // Only ASCII bytes were replaced by ASCII bytes.
        Some(out) => Cow::Owned(String::from_utf8(out).unwrap_or_default()),
        None => Cow::Borrowed(text),
    }
}

/// `Signature=` followed by its hex value becomes `Signature=***`.
fn mask_signatures(text: &str) -> Cow<'_, str> {
    const MARK: &str = "Signature=";
    if !text.contains(MARK) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        let after = &rest[at + MARK.len()..];
        let hex = after.bytes().take_while(u8::is_ascii_hexdigit).count();
        out.push_str(&rest[..at + MARK.len()]);
        if hex > 0 {
            out.push_str("***");
            changed = true;
        }
        rest = &after[hex..];
    }
    if !changed {
        return Cow::Borrowed(text);
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn access_key_ids_and_signatures_are_masked() {
        let line = r#"Identity { data: Credentials { access_key_id: "AKIAZPGHVM44W2UQNCEL", secret_access_key: "** redacted **" } }"#;
        let clean = scrub(line, false);
        assert!(!clean.contains("AKIAZPGHVM44W2UQNCEL"), "{clean}");
        assert!(
            clean.contains(r#"access_key_id: "AKIA****************""#),
            "{clean}"
        );
        assert_eq!(scrub("ASIAABCDEFGHIJKLMNOP", false), "ASIA****************");

        let header = "AWS4-HMAC-SHA256 Credential=AKIAZPGHVM44W2UQNCEL/20261129/us-east-1/chime/aws4_request, SignedHeaders=host;x-amz-date, Signature=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
        assert_eq!(
            scrub(header, false),
            "AWS4-HMAC-SHA256 Credential=AKIA****************/20261129/us-east-1/chime/aws4_request, SignedHeaders=host;x-amz-date, Signature=***"
        );
    }

    #[test]
    fn other_text_is_left_alone() {
        for line in [
            "2026-11-29T20:05:21.295884Z DEBUG chimecall::sandbox::server: request method=POST",
            "call created transaction_id=1733387d-df28-4c01-8c28-21347b16ddcf",
            // Too short, too long, or part of a longer word: not a key id.
            "AKIA123 AKIAZPGHVM44W2UQNCELX XAKIAZPGHVM44W2UQNCEL akiazpghvm44w2uqncel",
            "Signature=, the word Signature alone",
            "to=+12065550123",
        ] {
            assert!(
                matches!(scrub(line, false), Cow::Borrowed(_)),
                "{line:?} was changed"
            );
        }
        assert_eq!(scrub("to=+12065550123", true), "to=+12*******23");
    }

    /// What the subscriber writes, collected.
    #[derive(Clone, Default)]
    struct Collected(Arc<Mutex<Vec<u8>>>);

    impl Write for Collected {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn logged(redact: bool, log: impl FnOnce()) -> String {
        let collected = Collected::default();
        let sink = collected.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(Scrubbing {
                inner: move || sink.clone(),
                redact,
            })
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, log);
        let bytes = collected.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    /// What the subscriber `init` installs at `-v` x `verbose` writes while `log` runs.
    fn logged_at(verbose: u8, log: impl FnOnce()) -> String {
        let collected = Collected::default();
        let sink = collected.clone();
        let settings = Verbosity {
            verbose,
            quiet: false,
            server: false,
            redact: false,
        };
        let subscriber = subscriber(settings, move || sink.clone(), false);
        tracing::subscriber::with_default(subscriber, log);
        let bytes = collected.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    /// The SDK's own profile loader reading a credentials file with one Latin-1 byte, in a
    /// file system of its own, as a command would at the start.
    fn sdk_reads_a_non_utf8_credentials_file() {
        use aws_runtime::env_config::file::EnvConfigFiles;
        use aws_types::os_shim_internal::{Env, Fs};
        let fs = Fs::from_map(std::collections::HashMap::from([(
            "/home/op/.aws/credentials".to_string(),
            withhold::tests::credentials_file(),
        )]));
        let env = Env::from_slice(&[("HOME", "/home/op")]);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let loaded = runtime.block_on(aws_runtime::env_config::source::load(
            &env,
            &fs,
            &EnvConfigFiles::default(),
        ));
        assert!(loaded.is_ok());
    }

    #[test]
    fn the_sdk_warning_about_a_non_utf8_file_shows_no_secret_at_any_verbosity() {
        // Without the filter, the warning holds the file as a list of bytes: the hazard is real.
        let unfiltered = {
            let collected = Collected::default();
            let sink = collected.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_writer(move || sink.clone())
                .with_ansi(false)
                .finish();
            tracing::subscriber::with_default(subscriber, sdk_reads_a_non_utf8_credentials_file);
            let bytes = collected.0.lock().unwrap().clone();
            String::from_utf8(bytes).unwrap()
        };
        assert!(
            std::panic::catch_unwind(|| withhold::tests::assert_no_secret(&unfiltered)).is_err(),
            "the SDK no longer dumps the file; this test no longer tests anything: {unfiltered}"
        );

        for verbose in [0, 1, 2, 3] {
            let shown = logged_at(verbose, sdk_reads_a_non_utf8_credentials_file);
            withhold::tests::assert_no_secret(&shown);
            if verbose > 0 {
                assert!(
                    shown.contains("config file did not contain utf-8 encoded data"),
                    "-v x {verbose}: {shown}"
                );
                assert!(
                    shown.contains("numbers withheld>"),
                    "-v x {verbose}: {shown}"
                );
            }
        }
    }

    #[test]
    fn no_field_or_span_shows_a_secret() {
        use withhold::tests::{credentials_file, SECRET};
        let file = credentials_file();
        let text = String::from_utf8_lossy(&file).into_owned();
        for verbose in [1, 2, 3] {
            let shown = logged_at(verbose, || {
                let span = tracing::info_span!("load", contents = %text, bytes = ?file);
                let _entered = span.enter();
                tracing::warn!(target: "aws_runtime::env_config::source", file = ?file, "{text}");
                tracing::warn!(target: "aws_config", "read {:?} and {}", file, text);
                tracing::warn!(target: "aws_config", secret = SECRET, "the key");
                tracing::warn!(target: "aws_config", error = &std::io::Error::other(text.clone()) as &(dyn std::error::Error + 'static), "failed");
            });
            withhold::tests::assert_no_secret(&shown);
            assert_eq!(shown.lines().count(), 4, "{shown}");
        }
    }

    #[test]
    fn the_tracing_writer_scrubs_every_line() {
        let log = || {
            tracing::info!(
                to = "+12065550123",
                transaction_id = "1733387d-df28-4c01-8c28-21347b16ddcf",
                "call created"
            );
            tracing::warn!(key = "AKIAZPGHVM44W2UQNCEL", "identity");
        };
        let redacted = logged(true, log);
        assert!(redacted.contains("to=\"+12*******23\""), "{redacted}");
        assert!(
            redacted.contains("1733387d-df28-4c01-8c28-21347b16ddcf"),
            "{redacted}"
        );
        assert!(!redacted.contains("AKIAZPGHVM44W2UQNCEL"), "{redacted}");
        assert_eq!(redacted.lines().count(), 2, "{redacted}");

        let plain = logged(false, log);
        assert!(plain.contains("+12065550123"), "{plain}");
        assert!(!plain.contains("AKIAZPGHVM44W2UQNCEL"), "{plain}");
    }
}
