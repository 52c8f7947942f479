//! What a diagnostic must never show, whatever formatted it: byte dumps, profile file contents,
//! and the value after a secret's name.
//!
//! The AWS SDK's diagnostics are not written for a terminal someone else may see. One warning
//! (a config file that is not UTF-8) once printed the whole credentials file as a list of
//! decimal bytes. Which field, which `Debug` impl, which SDK release: none of that can be known
//! here, so the rules go by what the text looks like, not where it came from:
//!
//! - a **byte dump**: four or more small numbers in a row separated by commas (`[104, 101,
//!   ...]`, `{:x?}`'s `[68, 65, ...]`, `{:#?}`'s one per line, `0x68, 0x65`), or eight or more
//!   separated by spaces only (a hex dump), becomes `<N numbers withheld>`;
//! - a **byte string** (`b"..."`, how `Bytes` shows itself) of eight bytes or more becomes
//!   `b"<N bytes withheld>"`;
//! - a **secret's name** (`aws_secret_access_key`, `aws_session_token`, `SecretAccessKey`,
//!   `x-amz-security-token`, ... in any case and with `_`, `-` or nothing between the words):
//!   everything after it is withheld, unless what follows is the SDK's own `** redacted **`;
//! - a **profile file** (a `[default]`, `[profile ...]`, `[sso-session ...]` or `[services ...]`
//!   header followed by a line break): everything from the header on is withheld.
//!
//! Each field's value is checked on its own (`value`), and each whole line once more before it
//! is written (`line`), so neither a span's fields nor a message built by `format!` gets past.

use std::borrow::Cow;

/// What a value or line is replaced with, for a secret's value or a profile file.
const WITHHELD: &str = "<withheld: may hold a secret>";

/// Words of a secret's name, as they are found once `_` and `-` are removed and the case lowered.
const SECRET_NAMES: [&str; 3] = ["secretaccesskey", "sessiontoken", "securitytoken"];

/// What the SDK puts in place of a secret in its own `Debug` output.
const REDACTED: &str = "** redacted **";

/// A field's value: the whole value is withheld if the field's name or the value names a secret,
/// or the value holds a profile file; byte dumps in it are withheld.
pub(crate) fn value<'a>(field: &str, text: &'a str) -> Cow<'a, str> {
    if names_a_secret(field) || secret_name_at(text).is_some() || profile_header_at(text).is_some()
    {
        return Cow::Owned(format!(
            "<withheld: {} characters that may hold a secret>",
            text.chars().count()
        ));
    }
    dumps(text)
}

/// A whole line: byte dumps withheld, and everything from a secret's name or a profile file's
/// header to the end.
pub(crate) fn line(text: &str) -> Cow<'_, str> {
    let cut = [secret_name_at(text), profile_header_at(text)]
        .into_iter()
        .flatten()
        .min();
    match cut {
        None => dumps(text),
        Some(at) => {
            let mut kept = dumps(&text[..at]).into_owned();
            kept.push_str(WITHHELD);
            if text.ends_with('\n') {
                kept.push('\n');
            }
            Cow::Owned(kept)
        }
    }
}

/// A field named `secret`, `password`, `secret_access_key`, `session_token`...
fn names_a_secret(field: &str) -> bool {
    let squeezed: String = field
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    squeezed.contains("secret")
        || squeezed.contains("password")
        || SECRET_NAMES.iter().any(|name| squeezed.contains(name))
}

/// Byte dumps and byte strings withheld.
fn dumps(text: &str) -> Cow<'_, str> {
    let numbers = number_runs(text);
    match byte_strings(&numbers) {
        Cow::Borrowed(_) => numbers,
        Cow::Owned(owned) => Cow::Owned(owned),
    }
}

/// Where the first secret's name ends whose value is not already `** redacted **`.
fn secret_name_at(text: &str) -> Option<usize> {
    // Most lines name no secret: a look for the names' first words before any copying.
    let first_words: [&[u8]; 3] = [b"secret", b"session", b"security"];
    let might = text.as_bytes().windows(6).any(|window| {
        first_words
            .iter()
            .any(|word| window.eq_ignore_ascii_case(&word[..6]))
    });
    if !might {
        return None;
    }
    // The text with `_` and `-` removed and lower-cased, and where each of its bytes was.
    let mut squeezed = Vec::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    for (at, byte) in text.bytes().enumerate() {
        if byte != b'_' && byte != b'-' {
            squeezed.push(byte.to_ascii_lowercase());
            origin.push(at);
        }
    }
    let mut found: Option<usize> = None;
    for name in SECRET_NAMES {
        let name = name.as_bytes();
        let mut from = 0;
        while let Some(offset) = find(&squeezed[from..], name) {
            let start = from + offset;
            let end = origin[start + name.len() - 1] + 1;
            from = start + 1;
            if !followed_by_redacted(&text[end..]) {
                found = Some(found.map_or(origin[start], |f| f.min(origin[start])));
                break;
            }
        }
    }
    found
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `: "** redacted **"`, `=Some("** redacted **")` and the like.
fn followed_by_redacted(after: &str) -> bool {
    let rest = after.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | ':' | '=' | '\\' | '(')
    });
    let rest = rest.strip_prefix("Some(").unwrap_or(rest);
    let rest = rest.trim_start_matches(['"', '\\', '\'']);
    rest.starts_with(REDACTED)
}

/// Where the first profile file header is that is followed by a line break (real or escaped).
fn profile_header_at(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(offset) = text[from..].find('[') {
        let start = from + offset;
        from = start + 1;
        let inside = &text[start + 1..];
        let Some(close) = inside.find(']') else {
            break;
        };
        let header = inside[..close].trim();
        let named = header == "default"
            || ["profile ", "sso-session ", "services "]
                .iter()
                .any(|kind| header.starts_with(kind));
        let after = inside[close + 1..].trim_start_matches([' ', '\t', '\r']);
        let breaks =
            after.starts_with('\n') || after.starts_with("\\n") || after.starts_with("\\r");
        if named && breaks {
            return Some(start);
        }
    }
    None
}

/// One number of a dump: `104`, `68`, `e9`, `0x68`, at most three digits (a byte).
fn number_at(bytes: &[u8], at: usize) -> Option<(usize, bool)> {
    let word_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    if at > 0 && (word_char(bytes[at - 1]) || bytes[at - 1] == b'.') {
        return None;
    }
    let mut end = at;
    if bytes[at..].starts_with(b"0x") || bytes[at..].starts_with(b"0X") {
        end += 2;
    }
    let digits_start = end;
    while end < bytes.len() && end - digits_start < 3 && bytes[end].is_ascii_hexdigit() {
        end += 1;
    }
    if end == digits_start || (end < bytes.len() && (word_char(bytes[end]) || bytes[end] == b'.')) {
        return None;
    }
    let decimal = bytes[digits_start..end].iter().any(u8::is_ascii_digit);
    Some((end, decimal))
}

/// What separates two numbers of a dump: commas, semicolons, white space and escaped line
/// breaks, at most 24 bytes of them; whether there was a comma or semicolon.
fn separator_at(bytes: &[u8], at: usize) -> Option<(usize, bool)> {
    let mut end = at;
    let mut comma = false;
    while end < bytes.len() && end - at <= 24 {
        match bytes[end] {
            b',' | b';' => {
                comma = true;
                end += 1;
            }
            b' ' | b'\t' | b'\n' | b'\r' => end += 1,
            b'\\' if matches!(bytes.get(end + 1), Some(b'n' | b't' | b'r')) => end += 2,
            _ => break,
        }
    }
    (end > at && end - at <= 24).then_some((end, comma))
}

/// Runs of numbers that look like a byte dump, each replaced with `<N numbers withheld>`.
fn number_runs(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        let Some((mut end, decimal)) = number_at(bytes, at) else {
            at += 1;
            continue;
        };
        let (mut count, mut with_digits, mut all_commas) = (1usize, usize::from(decimal), true);
        while let Some((next, comma)) = separator_at(bytes, end) {
            let Some((number_end, decimal)) = number_at(bytes, next) else {
                break;
            };
            count += 1;
            with_digits += usize::from(decimal);
            all_commas &= comma;
            end = number_end;
        }
        let enough = if all_commas { count >= 4 } else { count >= 8 };
        if enough && with_digits * 2 >= count {
            let kept = out.get_or_insert_with(|| String::with_capacity(text.len()));
            kept.push_str(&text[copied..at]);
            kept.push_str(&format!("<{count} numbers withheld>"));
            copied = end;
        }
        at = end.max(at + 1);
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut kept) => {
            kept.push_str(&text[copied..]);
            Cow::Owned(kept)
        }
    }
}

/// `b"..."` of eight bytes or more, replaced with `b"<N bytes withheld>"`.
fn byte_strings(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut from = 0;
    while let Some(offset) = text[from..].find("b\"") {
        let start = from + offset;
        from = start + 2;
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue;
        }
        // The closing quote: not one escaped with a backslash.
        let mut end = start + 2;
        let mut escaped = false;
        while end < bytes.len() {
            match bytes[end] {
                b'\\' if !escaped => escaped = true,
                b'"' if !escaped => break,
                _ => escaped = false,
            }
            end += 1;
        }
        let inside = end - (start + 2);
        if inside >= 8 {
            let kept = out.get_or_insert_with(|| String::with_capacity(text.len()));
            kept.push_str(&text[copied..start]);
            kept.push_str(&format!("b\"<{inside} bytes withheld>\""));
            copied = (end + 1).min(text.len());
        }
        from = (end + 1).min(text.len()).max(from);
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut kept) => {
            kept.push_str(&text[copied..]);
            Cow::Owned(kept)
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
    pub(crate) const TOKEN: &str =
        "IQoJb3JpZ2luX2VjEXAMPLETOKENFwoGZXIvYXdzEBYaDHVzLWVhc3QtMSJHMEUCIQ";

    pub(crate) fn credentials_file() -> Vec<u8> {
        let mut file = b"[default]\n# caf\xe9 (Latin-1)\n".to_vec();
        file.extend_from_slice(
            format!(
                "aws_access_key_id = AKIAZPGHVM44W2UQNCEL\naws_secret_access_key = {SECRET}\n\
                 aws_session_token = {TOKEN}\n"
            )
            .as_bytes(),
        );
        file
    }

    /// Every byte each run of numbers in `text` could stand for, read as decimal and as hex.
    pub(crate) fn decoded_number_runs(text: &str) -> Vec<Vec<u8>> {
        let mut runs = Vec::new();
        for radix in [10, 16] {
            let mut run = Vec::new();
            for token in text.split(|c: char| !c.is_ascii_alphanumeric()) {
                let digits = token.trim_start_matches("0x");
                match u8::from_str_radix(digits, radix) {
                    Ok(byte) if !digits.is_empty() => run.push(byte),
                    _ if token.is_empty() => {}
                    _ => runs.push(std::mem::take(&mut run)),
                }
            }
            runs.push(run);
        }
        runs
    }

    /// Neither secret in `text`, nor any eight characters of one in what a run of numbers in
    /// it decodes to.
    pub(crate) fn assert_no_secret(text: &str) {
        for secret in [SECRET, TOKEN] {
            assert!(!text.contains(secret), "the secret itself: {text}");
            for run in decoded_number_runs(text) {
                for piece in secret.as_bytes().windows(8) {
                    assert!(
                        find(&run, piece).is_none(),
                        "a byte list decodes to part of a secret: {text}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_secret_is_withheld_however_it_is_formatted() {
        let file = credentials_file();
        let error = String::from_utf8(file.clone()).unwrap_err();
        let as_text = String::from_utf8_lossy(&file).into_owned();
        let formatted = [
            format!("{:?}", file),
            format!("{:x?}", file),
            format!("{:02X?}", file),
            format!("{:#?}", file),
            format!("{:#x?}", file),
            format!("{error:?}"),
            format!(
                "{:?}",
                file.iter()
                    .map(|b| format!("0x{b:02x}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            file.iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" "),
            // How `Bytes` shows itself.
            format!("b\"{}\"", file.escape_ascii()),
            format!("{as_text:?}"),
            as_text.clone(),
            format!("Property {{ key: \"aws_secret_access_key\", value: \"{SECRET}\" }}"),
            format!(
                "<SecretAccessKey>{SECRET}</SecretAccessKey><SessionToken>{TOKEN}</SessionToken>"
            ),
            format!("{{\"secretAccessKey\":\"{SECRET}\",\"sessionToken\":\"{TOKEN}\"}}"),
            format!("x-amz-security-token: {TOKEN}"),
        ];
        for text in &formatted {
            let shown = value("contents", text);
            assert_no_secret(&shown);
            let logged = format!("2026-11-29T20:05:21Z WARN aws_runtime: warning {text}\n");
            let shown = line(&logged);
            assert_no_secret(&shown);
            assert!(shown.ends_with('\n'), "{shown}");
        }
    }

    #[test]
    fn the_sdk_utf8_warning_keeps_its_words_and_loses_its_bytes() {
        let error = String::from_utf8(credentials_file()).unwrap_err();
        let warning = format!(
            "config file did not contain utf-8 encoded data error=invalid utf-8 sequence of 1 \
             bytes from index 16 ({error:?})"
        );
        let shown = line(&warning);
        assert!(shown.starts_with("config file did not contain utf-8 encoded data error=invalid utf-8 sequence of 1 bytes from index 16 (FromUtf8Error { bytes: [<"), "{shown}");
        assert!(shown.contains("numbers withheld>]"), "{shown}");
        assert!(shown.contains("valid_up_to: 15"), "{shown}");
        assert_no_secret(&shown);
    }

    #[test]
    fn ordinary_diagnostics_are_left_alone() {
        for text in [
            "2026-11-29T20:05:21.295884Z DEBUG chimecall::sandbox::server: request method=POST",
            "call created transaction_id=1733387d-df28-4c01-8c28-21347b16ddcf to=+12065550123",
            "connecting to 127.0.0.1:4566 attempt 1 of 3 after 0.25s, 1.5s",
            "retrying in 100ms, 200ms, 400ms; HTTP/1.1 200 OK size=1234",
            "a, b, c, d, e, f, g, h and be, de, ad, fa",
            "Credentials { provider_name: \"ProfileFile\", access_key_id: \"AKIA****************\", secret_access_key: \"** redacted **\", expires_after: \"never\" }",
            "session_token=Some(\"** redacted **\")",
            "profile `[default]` ignored because `[profile default]` was found which takes priority",
            "b\"short\" and the word b\"",
            "ids 1 2 3 and [1, 2, 3]",
        ] {
            let shown = value("message", text);
            assert!(matches!(shown, Cow::Borrowed(_)), "{text:?} -> {shown}");
            assert!(matches!(line(text), Cow::Borrowed(_)), "{text:?} -> {}", line(text));
        }
    }

    #[test]
    fn a_field_named_like_a_secret_is_withheld_whole() {
        for field in [
            "secret",
            "aws_secret_access_key",
            "SessionToken",
            "db_password",
        ] {
            assert_eq!(
                value(field, "abc"),
                "<withheld: 3 characters that may hold a secret>"
            );
        }
        assert_eq!(value("next_token", "abc"), "abc");
    }

    #[test]
    fn a_value_that_holds_a_profile_file_is_withheld_whole() {
        let contents = "[profile ops]\nregion = us-east-1\nchimecall_sma_id = sma-1\n";
        assert_eq!(
            value("contents", contents),
            format!(
                "<withheld: {} characters that may hold a secret>",
                contents.len()
            )
        );
        assert_eq!(
            line(&format!("loaded contents={contents:?}\n")),
            "loaded contents=\"<withheld: may hold a secret>\n"
        );
    }
}
