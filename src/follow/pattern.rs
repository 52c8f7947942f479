//! Building FilterLogEvents filter patterns: the one place a term is quoted. CloudWatch Logs
//! takes a term with anything but letters and digits (a TransactionId's dashes, a phone number's
//! `+`) only inside double quotes, where `\"` is a quote and `\\` a backslash. An id from the
//! journal is quoted here, so that a `"` or `\` in one cannot end its term early and break the
//! pattern of every other call read with it.

/// The longest filter pattern CloudWatch Logs accepts, in characters.
pub(crate) const MAX_PATTERN_CHARS: usize = 1_024;

/// `text` as one exact-text term: in double quotes, its `"` and `\` escaped.
pub(crate) fn quoted_term(text: &str) -> String {
    let mut term = String::with_capacity(text.len() + 2);
    term.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            term.push('\\');
        }
        term.push(c);
    }
    term.push('"');
    term
}

/// A pattern that matches a line holding any one of `texts` (each quoted), or `None` when it
/// would pass CloudWatch's length limit (the caller reads more widely instead).
pub(crate) fn any_of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let terms: Vec<String> = texts.into_iter().map(quoted_term).collect();
    let pattern = match terms.as_slice() {
        [] => return None,
        [only] => only.clone(),
        _ => terms
            .iter()
            .map(|term| format!("?{term}"))
            .collect::<Vec<_>>()
            .join(" "),
    };
    (pattern.chars().count() <= MAX_PATTERN_CHARS).then_some(pattern)
}

/// Every one of `texts` (each quoted) must occur.
pub(crate) fn all_of<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    texts
        .into_iter()
        .map(quoted_term)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_backslashes_are_escaped_inside_the_quotes() {
        assert_eq!(quoted_term("tx-1"), r#""tx-1""#);
        assert_eq!(quoted_term(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quoted_term(""), r#""""#);
        assert_eq!(quoted_term("+1206 555"), r#""+1206 555""#);
    }

    #[test]
    fn any_of_names_each_term_and_refuses_an_over_long_pattern() {
        assert_eq!(any_of(["tx-1"]).as_deref(), Some(r#""tx-1""#));
        assert_eq!(
            any_of(["tx-1", r#"x"y"#]).as_deref(),
            Some(r#"?"tx-1" ?"x\"y""#)
        );
        assert_eq!(any_of([]), None);
        let long = "x".repeat(MAX_PATTERN_CHARS);
        assert_eq!(any_of([long.as_str()]), None);
        assert_eq!(
            all_of(["NEW_OUTBOUND_CALL", "+1"]),
            r#""NEW_OUTBOUND_CALL" "+1""#
        );
    }
}
