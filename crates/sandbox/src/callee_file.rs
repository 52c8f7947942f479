//! Reading the `--callees` file: TOML `[[callee]]` entries into a `CalleeBook`. A file that
//! does not make sense is refused at startup, with the file, the line and the key named, so that
//! a typo never turns into a silently different callee.
//!
//! What combinations mean: `busy`, `no_answer` and `reject` are how a callee who never answers
//! refuses; at most one of them, and none with `answer_after`, `press` or `hangup_after`, which
//! are what a callee does once they answer. A press must come before the callee hangs up.
//!
//! The file is read only if it is a regular file of at most [`MAX_FILE_BYTES`]: a device such
//! as `/dev/zero` would be read forever and a FIFO would block start-up, so either is refused at
//! once. Errors quote at most a short, escaped prefix of any value from the file.

use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use chimecall_model::rules::{quoted, MAX_QUOTED_CHARS};
use serde::Deserialize;
use toml::Spanned;

use super::callee::{CalleeBook, NumberPattern, Pickup, Press, Script, BETWEEN_PRESSED_DIGITS};

/// The largest callee file read: 16 MiB, about 300,000 entries.
pub(crate) const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The longest duration a callee file may give: a day (calls last an hour by default).
const MAX_DURATION: Duration = Duration::from_secs(24 * 3600);
/// The most digits one `press` entry may hold (SendDigits' own limit).
const MAX_DIGITS_PER_PRESS: usize = 50;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    callee: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    number: Spanned<String>,
    answer_after: Option<Spanned<toml::Value>>,
    busy: Option<Spanned<bool>>,
    no_answer: Option<Spanned<bool>>,
    reject: Option<Spanned<i64>>,
    press: Option<Spanned<Vec<PressEntry>>>,
    hangup_after: Option<Spanned<toml::Value>>,
    weight: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PressEntry {
    after: Spanned<toml::Value>,
    digits: Spanned<String>,
}

impl CalleeBook {
    /// Reads and checks a callee file. The error names the file, the line and the key.
    pub fn load(path: &Path) -> Result<CalleeBook, String> {
        let shown = path.display().to_string();
        // A path longer than any file's can be is a value like any other: a short prefix.
        let shown = if shown.chars().count() > 1024 {
            quoted(&shown)
        } else {
            shown
        };
        let named = |e: String| format!("--callees {shown}: {e}");
        let bytes = read_regular_file(path, MAX_FILE_BYTES).map_err(named)?;
        let source = String::from_utf8(bytes).map_err(|e| {
            let (line, column) = place_of_byte(e.as_bytes(), e.utf8_error().valid_up_to());
            named(format!(
                "line {line}: byte {column} is not UTF-8 (a callee file is TOML, which is UTF-8)"
            ))
        })?;
        parse(&source).map_err(named)
    }
}

/// The whole file, if it is a regular file of at most `limit` bytes. It is opened without
/// blocking (a FIFO would otherwise wait for a writer) and checked once open, so what is read is
/// what was checked.
fn read_regular_file(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| e.to_string())?;
    let metadata = file.metadata().map_err(|e| e.to_string())?;
    if !metadata.is_file() {
        return Err(format!(
            "is {}, not a regular file",
            kind_of_file(&metadata.file_type())
        ));
    }
    if metadata.len() > limit {
        return Err(too_large(limit));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

fn too_large(limit: u64) -> String {
    format!(
        "is larger than {} MiB, the most a callee file may hold",
        limit >> 20
    )
}

/// What a file that is not a regular file is, for an error message.
fn kind_of_file(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// The line and the byte within it (both 1-based) of `offset`.
fn place_of_byte(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |at| at + 1);
    (line, before.len() - line_start + 1)
}

/// An error at a place in the file.
struct FileError {
    span: Option<Range<usize>>,
    key: Option<String>,
    message: String,
}

fn at(span: Range<usize>, key: &str, message: impl Into<String>) -> FileError {
    FileError {
        span: Some(span),
        key: Some(key.to_string()),
        message: message.into(),
    }
}

/// `line N: KEY: message`, with every quoted value in it cut to a short, escaped prefix.
pub(crate) fn parse(source: &str) -> Result<CalleeBook, String> {
    let render = |error: FileError| {
        let mut text = String::new();
        if let Some(span) = &error.span {
            text.push_str(&format!("line {}: ", line_of(source, span.start)));
        }
        if let Some(key) = &error.key {
            text.push_str(&format!("{}: ", short_key(key)));
        }
        text.push_str(&shorten_quotes(&error.message));
        text
    };
    let file: File = toml::from_str(source).map_err(|e| {
        render(FileError {
            key: key_of(source, e.message(), e.span()),
            span: e.span(),
            message: e.message().trim().to_string(),
        })
    })?;
    book(file).map_err(render)
}

fn book(file: File) -> Result<CalleeBook, FileError> {
    let mut book = CalleeBook::default();
    for entry in file.callee {
        let pattern = number_pattern(&entry.number)?;
        let weight = match &entry.weight {
            None => 1.0,
            Some(weight) if weight.get_ref().is_finite() && *weight.get_ref() > 0.0 => {
                *weight.get_ref()
            }
            Some(weight) => {
                return Err(at(weight.span(), "weight", "must be a number more than 0"))
            }
        };
        let script = script(&entry)?;
        book.add(pattern, weight, script);
    }
    Ok(book)
}

fn number_pattern(number: &Spanned<String>) -> Result<NumberPattern, FileError> {
    let text = number.get_ref().trim();
    let invalid = || {
        at(
            number.span(),
            "number",
            format!(
                "{} is neither an E.164 number (+12065550123) nor a prefix ending in * (+1206*)",
                quoted(text)
            ),
        )
    };
    if let Some(prefix) = text.strip_suffix('*') {
        let digits = prefix.strip_prefix('+').unwrap_or(prefix);
        if digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        return Ok(NumberPattern::Prefix(digits.to_string()));
    }
    if !chimecall_model::rules::is_e164(text) {
        return Err(invalid());
    }
    Ok(NumberPattern::Exact(
        text.strip_prefix('+').unwrap_or(text).to_string(),
    ))
}

fn script(entry: &Entry) -> Result<Script, FileError> {
    fn flag(value: &Option<Spanned<bool>>) -> Option<&Spanned<bool>> {
        value.as_ref().filter(|v| *v.get_ref())
    }
    let mut refusals: Vec<(&str, Range<usize>, Pickup)> = Vec::new();
    if let Some(busy) = flag(&entry.busy) {
        refusals.push(("busy", busy.span(), Pickup::Busy));
    }
    if let Some(no_answer) = flag(&entry.no_answer) {
        refusals.push(("no_answer", no_answer.span(), Pickup::NoAnswer));
    }
    if let Some(reject) = &entry.reject {
        let code = *reject.get_ref();
        if !(400..=699).contains(&code) {
            return Err(at(
                reject.span(),
                "reject",
                format!("{code} is not a SIP code a callee refuses with (400 to 699, e.g. 603)"),
            ));
        }
        refusals.push(("reject", reject.span(), Pickup::Reject(code as u16)));
    }
    if let [first, second, ..] = refusals.as_slice() {
        return Err(at(
            second.1.clone(),
            second.0,
            format!(
                "a callee cannot be both {} and {}: choose one",
                first.0, second.0
            ),
        ));
    }
    if let Some((refusal, _, pickup)) = refusals.pop() {
        let answering: [(&str, Option<Range<usize>>); 3] = [
            (
                "answer_after",
                entry.answer_after.as_ref().map(Spanned::span),
            ),
            ("press", entry.press.as_ref().map(Spanned::span)),
            (
                "hangup_after",
                entry.hangup_after.as_ref().map(Spanned::span),
            ),
        ];
        if let Some((key, Some(span))) = answering.into_iter().find(|(_, span)| span.is_some()) {
            return Err(at(
                span,
                key,
                format!(
                    "a {refusal} callee never answers, so {key} cannot happen; remove one of them"
                ),
            ));
        }
        return Ok(Script {
            pickup,
            presses: Vec::new(),
            hangs_up_after: None,
        });
    }
    let after = entry
        .answer_after
        .as_ref()
        .map(|value| duration(value, "answer_after"))
        .transpose()?;
    let hangs_up_after = entry
        .hangup_after
        .as_ref()
        .map(|value| duration(value, "hangup_after"))
        .transpose()?;
    let mut presses = Vec::new();
    for press in entry.press.iter().flat_map(|p| p.get_ref()) {
        let start = duration(&press.after, "press.after")?;
        let digits = press.digits.get_ref();
        let bad_digit = digits
            .chars()
            .find(|c| !matches!(c, '0'..='9' | '*' | '#' | 'A'..='D'));
        if digits.is_empty() || digits.chars().count() > MAX_DIGITS_PER_PRESS {
            return Err(at(
                press.digits.span(),
                "press.digits",
                format!("1 to {MAX_DIGITS_PER_PRESS} keys of 0-9, *, #, A-D"),
            ));
        }
        if let Some(bad) = bad_digit {
            return Err(at(
                press.digits.span(),
                "press.digits",
                format!("{bad:?} is not a key: 0-9, *, # or A-D"),
            ));
        }
        for (index, digit) in digits.chars().enumerate() {
            let after = start + BETWEEN_PRESSED_DIGITS * index as u32;
            if hangs_up_after.is_some_and(|hangup| after >= hangup) {
                return Err(at(
                    press.after.span(),
                    "press.after",
                    "the callee would press this after hanging up (hangup_after)",
                ));
            }
            presses.push(Press { after, digit });
        }
    }
    presses.sort_by_key(|press| press.after);
    Ok(Script {
        pickup: Pickup::Answers { after },
        presses,
        hangs_up_after,
    })
}

/// A duration: text in the CLI's syntax ("3s", "300ms", "1m30s") or a number of seconds.
fn duration(value: &Spanned<toml::Value>, key: &str) -> Result<Duration, FileError> {
    let refuse = |why: String| Err(at(value.span(), key, why));
    let parsed = match value.get_ref() {
        toml::Value::String(text) => match humantime::parse_duration(text.trim()) {
            Ok(duration) => duration,
            Err(e) => {
                return refuse(format!(
                    "{} is not a duration ({}); use e.g. \"3s\", \"300ms\"",
                    quoted(text),
                    shorten_quotes(&e.to_string())
                ))
            }
        },
        toml::Value::Integer(seconds) if *seconds >= 0 => Duration::from_secs(*seconds as u64),
        toml::Value::Float(seconds) if seconds.is_finite() && *seconds >= 0.0 => {
            Duration::from_secs_f64(seconds.min(MAX_DURATION.as_secs_f64() + 1.0))
        }
        toml::Value::Integer(seconds) => {
            return refuse(format!("{seconds} is not a duration: it is negative"))
        }
        toml::Value::Float(seconds) if seconds.is_finite() => {
            return refuse(format!("{seconds} is not a duration: it is negative"))
        }
        other => {
            let kind = other.type_str();
            let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            return refuse(format!(
                "{article} {kind} is not a duration; use e.g. \"3s\", \"300ms\" or a number of seconds"
            ));
        }
    };
    if parsed > MAX_DURATION {
        return refuse("is longer than a day".to_string());
    }
    Ok(parsed)
}

/// A key as an error names it: a key from the file can be any length (`"aaa..." = 1`).
fn short_key(key: &str) -> String {
    if key.chars().count() <= MAX_QUOTED_CHARS && !key.chars().any(char::is_control) {
        key.to_string()
    } else {
        quoted(key)
    }
}

/// A message (the TOML parser's, a duration parser's) with each `"..."` or `` `...` `` in it
/// that is longer than [`MAX_QUOTED_CHARS`] cut to a short prefix, and control characters
/// escaped: such messages repeat values from the file whole ("invalid type: string \"...\"").
/// Whatever is left is cut at a few hundred characters.
fn shorten_quotes(message: &str) -> String {
    const MAX_MESSAGE_CHARS: usize = 400;
    let mut out = String::with_capacity(message.len().min(MAX_MESSAGE_CHARS + 64));
    let mut rest = message;
    while let Some(open) = rest.find(['"', '`']) {
        let quote = rest.as_bytes()[open] as char;
        out.push_str(&rest[..=open]);
        let inside = &rest[open + 1..];
        // The closing quote: not one escaped with a backslash.
        let mut close = None;
        let mut escaped = false;
        for (at, c) in inside.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                c if c == quote && !escaped => {
                    close = Some(at);
                    break;
                }
                _ => escaped = false,
            }
        }
        let end = close.unwrap_or(inside.len());
        let value = &inside[..end];
        let count = value.chars().count();
        if count > MAX_QUOTED_CHARS {
            let cut = value
                .char_indices()
                .nth(MAX_QUOTED_CHARS)
                .map_or(value.len(), |(at, _)| at);
            out.push_str(&value[..cut]);
            out.push_str(&format!("...({count} characters)"));
        } else {
            out.push_str(value);
        }
        match close {
            Some(close) => {
                out.push(quote);
                rest = &inside[close + 1..];
            }
            None => rest = "",
        }
    }
    out.push_str(rest);
    let mut shown: String = out
        .chars()
        .flat_map(|c| {
            let escape = chimecall_model::rules::is_unprintable(c) && c != '\n';
            let text: Vec<char> = if escape {
                c.escape_unicode().collect()
            } else {
                vec![c]
            };
            text
        })
        .collect();
    if let Some((cut, _)) = shown.char_indices().nth(MAX_MESSAGE_CHARS) {
        shown.truncate(cut);
        shown.push_str("...");
    }
    shown
}

/// 1-based.
fn line_of(source: &str, offset: usize) -> usize {
    let offset = offset.min(source.len());
    source.as_bytes()[..offset]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The key a TOML error is about: named in the message ("unknown field `colour`"), or the key
/// the error's span is at or is the value of.
fn key_of(source: &str, message: &str, span: Option<Range<usize>>) -> Option<String> {
    if let Some(rest) = message.split("field `").nth(1) {
        if let Some((key, _)) = rest.split_once('`') {
            return Some(key.to_string());
        }
    }
    let span = span?;
    let start = span.start.min(source.len());
    let is_key_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = &source[line_start..start];
    // The span is the value of `key = ...`: the last key before it on its line.
    if let Some((keys, _)) = before.rsplit_once('=') {
        let key: String = keys
            .trim_end()
            .chars()
            .rev()
            .take_while(|c| is_key_char(*c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if !key.is_empty() {
            return Some(key);
        }
    }
    // The span is a key.
    let key: String = source[start..]
        .chars()
        .take_while(|c| is_key_char(*c))
        .collect();
    (!key.is_empty()).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(source: &str) -> String {
        parse(source).expect_err(source)
    }

    #[test]
    fn a_file_with_every_key_reads_as_written() {
        let book = parse(
            r#"
# the IVR's callers
[[callee]]
number = "+12065550111"
answer_after = "1s"
press = [{ after = "3s", digits = "1#" }, { after = 5, digits = "2" }]
hangup_after = "10s"

[[callee]]
number = "+1206556*"
weight = 70
answer_after = 0.5

[[callee]]
number = "+1206556*"
weight = 30
busy = true

[[callee]]
number = "+12065550603"
reject = 603

[[callee]]
number = "*"
no_answer = true
"#,
        )
        .unwrap();
        assert_eq!(book.rules.len(), 4);
        let first = &book.rules[0];
        assert_eq!(first.pattern, NumberPattern::Exact("12065550111".into()));
        let script = &first.mix[0].1;
        assert_eq!(
            script.pickup,
            Pickup::Answers {
                after: Some(Duration::from_secs(1))
            }
        );
        let presses: Vec<(u64, char)> = script
            .presses
            .iter()
            .map(|p| (p.after.as_millis() as u64, p.digit))
            .collect();
        assert_eq!(presses, [(3000, '1'), (3100, '#'), (5000, '2')]);
        assert_eq!(script.hangs_up_after, Some(Duration::from_secs(10)));
        let mix = &book.rules[1];
        assert_eq!(mix.pattern, NumberPattern::Prefix("1206556".into()));
        assert_eq!(mix.mix.len(), 2, "entries sharing a number are one mix");
        assert_eq!((mix.mix[0].0, mix.mix[1].0), (70.0, 30.0));
        assert_eq!(mix.mix[1].1.pickup, Pickup::Busy);
        assert_eq!(book.rules[2].mix[0].1.pickup, Pickup::Reject(603));
        assert_eq!(book.rules[3].pattern, NumberPattern::Prefix(String::new()));
        assert_eq!(book.rules[3].mix[0].1.pickup, Pickup::NoAnswer);
        assert!(parse("").unwrap().is_empty());
    }

    #[test]
    fn errors_name_the_line_and_the_key() {
        let cases = [
            (
                "[[callee]]\nnumber = \"+12065550111\"\ncolour = \"red\"\n",
                "line 3: colour: unknown field `colour`",
            ),
            (
                "[[callee]]\nnumber = \"+12065550111\"\nbusy = \"yes\"\n",
                "line 3: busy: invalid type",
            ),
            ("[[callee]]\nanswer_after = \"1s\"\n", "number: missing field `number`"),
            (
                "[[callee]]\nnumber = \"12-34\"\n",
                "line 2: number: \"12-34\" is neither an E.164 number",
            ),
            (
                "[[callee]]\nnumber = \"+12065550111\"\nanswer_after = \"soon\"\n",
                "line 3: answer_after: \"soon\" is not a duration",
            ),
            (
                "[[callee]]\nnumber = \"+12065550111\"\nanswer_after = -1\n",
                "line 3: answer_after: -1 is not a duration: it is negative",
            ),
            (
                "[[callee]]\nnumber = \"+12065550111\"\nanswer_after = [1]\n",
                "line 3: answer_after: an array is not a duration",
            ),
            (
                "[[callee]]\nnumber = \"+12065550111\"\n\npress = [{ after = \"1s\", digits = \"1x\" }]\n",
                "line 4: press.digits: 'x' is not a key",
            ),
            (
                "[[callee]]\nnumber = \"+12065550111\"\npress = [{ after = \"1s\", digit = \"1\" }]\n",
                "line 3: digit: unknown field `digit`",
            ),
            (
                "[[callee]]\nnumber = \"+12065550111\"\nreject = 200\n",
                "line 3: reject: 200 is not a SIP code",
            ),
            (
                "[[callee]]\nnumber = \"+12065550111\"\nweight = 0\n",
                "line 3: weight: must be a number more than 0",
            ),
            ("[callee\n", "line 1: "),
            ("[[caller]]\nnumber = \"+1\"\n", "caller: unknown field `caller`"),
        ];
        for (source, expected) in cases {
            let message = error(source);
            assert!(
                message.starts_with(expected) || message.contains(expected),
                "{source:?}\n  gave {message:?}\n  not {expected:?}"
            );
        }
    }

    #[test]
    fn nonsense_combinations_are_refused() {
        let cases = [
            (
                "number = \"+12065550111\"\nbusy = true\nno_answer = true",
                "line 4: no_answer: a callee cannot be both busy and no_answer",
            ),
            (
                "number = \"+12065550111\"\nbusy = true\npress = [{ after = \"1s\", digits = \"1\" }]",
                "line 4: press: a busy callee never answers",
            ),
            (
                "number = \"+12065550111\"\nreject = 603\nanswer_after = \"2s\"",
                "line 4: answer_after: a reject callee never answers",
            ),
            (
                "number = \"+12065550111\"\nno_answer = true\nhangup_after = \"2s\"",
                "line 4: hangup_after: a no_answer callee never answers",
            ),
            (
                "number = \"+12065550111\"\nhangup_after = \"2s\"\npress = [{ after = \"1950ms\", digits = \"12\" }]",
                "line 4: press.after: the callee would press this after hanging up",
            ),
        ];
        for (entry, expected) in cases {
            let message = error(&format!("[[callee]]\n{entry}\n"));
            assert!(
                message.starts_with(expected),
                "{entry:?}\n  gave {message:?}\n  not {expected:?}"
            );
        }
        // false is no refusal at all.
        let calm =
            parse("[[callee]]\nnumber = \"+12065550111\"\nbusy = false\nanswer_after = \"1s\"\n");
        assert!(calm.is_ok());
    }

    #[test]
    fn errors_quote_a_short_escaped_prefix_of_a_value() {
        let long = "9".repeat(100_000);
        for source in [
            format!("[[callee]]\nnumber = \"+{long}\"\n"),
            format!("[[callee]]\nnumber = \"+12065550111\"\nbusy = \"{long}\"\n"),
            format!("[[callee]]\nnumber = \"+12065550111\"\nanswer_after = \"{long}\"\n"),
            format!("[[callee]]\nnumber = \"+12065550111\"\nanswer_after = \"1{long}\"\n"),
            format!("[[callee]]\nnumber = \"+12065550111\"\nc{long} = 1\n"),
            format!("[[callee]]\nnumber = \"+12065550111\"\n\"c{long}\" = 1\n"),
            format!("[[callee]]\nnumber = \"\u{1b}[2J{long}\"\n"),
        ] {
            let message = error(&source);
            assert!(
                message.len() < 600,
                "{} bytes: {message:.300}",
                message.len()
            );
            assert!(message.contains("line "), "{message}");
            assert!(!message.contains('\u{1b}'), "{message:?}");
        }
        let message = error(&format!("[[callee]]\nnumber = \"+{long}\"\n"));
        assert!(message.contains("(100001 characters)"), "{message}");
    }

    #[test]
    fn sixty_four_thousand_entries_make_one_rule_each() {
        let mut source = String::new();
        for n in 0..64_000 {
            source.push_str(&format!(
                "[[callee]]\nnumber = \"+1312{n:07}\"\nbusy = true\n"
            ));
        }
        source.push_str("[[callee]]\nnumber = \"+13120000000\"\nweight = 1e308\n");
        source.push_str("[[callee]]\nnumber = \"+13120000000\"\nweight = 1e308\n");
        let book = parse(&source).unwrap();
        assert_eq!(book.rules.len(), 64_000);
        assert_eq!(book.rules[0].mix.len(), 3);
        assert_eq!(book.rules[63_999].mix.len(), 1);
    }

    #[test]
    fn only_a_regular_file_of_bounded_size_is_read() {
        let refused = |path: &str, why: &str| {
            let message = CalleeBook::load(Path::new(path)).unwrap_err();
            assert!(
                message.starts_with(&format!("--callees {path}: is {why}, not a regular file")),
                "{message}"
            );
        };
        refused("/dev/zero", "a character device");
        refused("/dev/full", "a character device");
        refused("/", "a directory");

        let dir = std::env::temp_dir().join(format!("callee-kinds-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("fifo");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if status.is_ok_and(|s| s.success()) {
            // Refused at once: opening it does not wait for a writer.
            refused(fifo.to_str().unwrap(), "a FIFO");
        }
        let big = dir.join("big.toml");
        let file = std::fs::File::create(&big).unwrap();
        file.set_len(MAX_FILE_BYTES + 1).unwrap();
        let message = CalleeBook::load(&big).unwrap_err();
        assert!(message.contains("is larger than 16 MiB"), "{message}");
        let latin1 = dir.join("latin1.toml");
        std::fs::write(&latin1, b"# ok\n# caf\xe9\n").unwrap();
        let message = CalleeBook::load(&latin1).unwrap_err();
        assert!(
            message
                .ends_with("line 2: byte 6 is not UTF-8 (a callee file is TOML, which is UTF-8)"),
            "{message}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn load_names_the_file() {
        let dir = std::env::temp_dir().join(format!("callees-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("callees.toml");
        std::fs::write(&path, "[[callee]]\nnumber = \"+12065550111\"\nbusy = 1\n").unwrap();
        let message = CalleeBook::load(&path).unwrap_err();
        assert!(
            message.starts_with(&format!("--callees {}: line 3: busy: ", path.display())),
            "{message}"
        );
        let missing = CalleeBook::load(&dir.join("nope.toml")).unwrap_err();
        assert!(missing.contains("nope.toml"), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
