//! Text from outside (log lines, service messages, CSV cells, journal fields, usage errors)
//! made safe for a terminal: nothing that can move the cursor, rewrite what is on screen or
//! reorder it reaches one. JSON output needs none of this (it escapes; see `output`).

use std::borrow::Cow;

use chimecall_model::rules::is_unprintable;

/// Text from outside made safe to print on one line: every [`is_unprintable`] character
/// (newlines and tabs too) becomes a visible `\u{..}` escape.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unprintable(c) {
            shown.extend(c.escape_unicode());
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

/// Replaces control characters (escape sequences, carriage returns, bells...) with visible
/// `\u{..}` escapes. Newlines and tabs are kept: they cannot rewrite what is already on screen.
pub(crate) fn sanitize(text: &str) -> Cow<'_, str> {
    // Control characters, and the bidirectional controls that reorder what a terminal shows.
    let unsafe_char = |c: char| is_unprintable(c) && c != '\n' && c != '\t';
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

/// Log text made safe for one terminal line: line breaks (CR included) and tabs become spaces,
/// other control characters (ESC, BEL, backspace...) and bidirectional formatting characters
/// (U+202E would show the rest of the line reversed) become visible escapes.
pub(crate) fn one_line(text: &str) -> String {
    let flattened: String = text
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => ' ',
            other => other,
        })
        .collect();
    printable(&flattened).into_owned()
}

/// A cell from outside (a CSV row key, a number) as a one-line report shows it: every
/// unprintable character escaped, at most 64 characters (`...` says it was cut).
pub(crate) fn cell(text: &str) -> String {
    const MAX_CHARS: usize = chimecall_model::rules::MAX_QUOTED_CHARS;
    let printable = printable(text);
    let mut cut = printable.char_indices().skip(MAX_CHARS);
    match cut.next() {
        None => printable.into_owned(),
        Some((end, _)) => format!("{}...", &printable[..end]),
    }
}

/// A path as a message shows it: whole and escaped while it could name a file (at most 1,024
/// characters), else quoted like any over-long value ([`rules::quoted`]).
///
/// [`rules::quoted`]: chimecall_model::rules::quoted
pub(crate) fn path(path: &std::path::Path) -> String {
    const MAX_PATH_CHARS: usize = 1024;
    let shown = path.to_string_lossy();
    if shown.chars().count() <= MAX_PATH_CHARS {
        printable(&shown).into_owned()
    } else {
        chimecall_model::rules::quoted(&shown)
    }
}

/// A count and its noun, singular for one: `count(1, "row", "rows")` is `1 row`.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", one_or_many(n, one, many))
}

/// The word that agrees with `n`: `one_or_many(1, "is", "are")` is `is`.
pub(crate) fn one_or_many<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
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

    #[test]
    fn printable_escapes_line_breaks_too_and_one_line_flattens_them() {
        assert_eq!(printable("a\tb\u{202e}"), "a\\u{9}b\\u{202e}");
        assert_eq!(one_line("a\r\nb\tc\u{1b}"), "a  b c\\u{1b}");
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(count(1, "row", "rows"), "1 row");
        assert_eq!(count(0, "row", "rows"), "0 rows");
        assert_eq!(count(2, "dial", "dials"), "2 dials");
        assert_eq!(one_or_many(1, "has", "have"), "has");
    }

    #[test]
    fn cells_are_printable_and_short() {
        assert_eq!(cell("+1\n2"), "+1\\u{a}2");
        let long = cell(&"9".repeat(10_000));
        assert_eq!(long, format!("{}...", "9".repeat(64)));
    }
}
