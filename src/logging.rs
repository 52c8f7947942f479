//! Diagnostics on stderr through `tracing`, at the verbosity asked for.
//!
//! Credentials, session tokens and signatures never reach output: the AWS SDK's own logs are
//! capped at DEBUG (its TRACE level writes canonical requests), and every log line goes through
//! one writer that masks AWS access key ids (the SDK's DEBUG lines print the resolved identity's
//! key id) and `Signature=` values whatever the verbosity. With `--redact` the same writer masks
//! phone numbers (`output::redact_phone_numbers`).

use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::output::redact_phone_numbers;

pub(crate) fn init(verbose: u8, quiet: bool, server: bool, redact: bool) {
    let filter = if quiet {
        "error"
    } else {
        match (verbose, server) {
            (0, false) => "warn,aws_config=error,aws_runtime=error,aws_smithy_runtime=error",
            (0, true) => "warn,chimecall=info",
            (1, _) => "info,chimecall=debug,aws_smithy_runtime::client::retries=debug",
            (2, _) => "debug,hyper=info,h2=info",
            _ => "debug,chimecall=trace,hyper=info,h2=info",
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(Scrubbing {
            inner: io::stderr,
            redact,
        })
        .with_target(verbose > 0)
        .with_ansi(io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .try_init();
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

/// A log line as it may be shown: access key ids and signatures masked always, phone numbers
/// under --redact.
fn scrub(text: &str, redact: bool) -> Cow<'_, str> {
    let text = mask_signatures(text);
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
