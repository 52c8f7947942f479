//! The filter-pattern language, as far as the sandbox evaluates it: the unstructured-text forms
//! (terms, `"quoted phrases"`, `?any`, `-exclude`). JSON, space-delimited and regex patterns are
//! refused with a reason rather than evaluated.

/// A filter pattern for unstructured log events, as CloudWatch documents them: every plain term
/// must occur, at least one `?term` must occur (when there are any), and no `-term` may occur.
/// Terms are case-sensitive substrings; `"quoted terms"` may hold spaces and punctuation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct FilterPattern {
    all: Vec<String>,
    any: Vec<String>,
    none: Vec<String>,
}

impl FilterPattern {
    /// Parses a pattern; the error says why it is not one the sandbox evaluates.
    pub(super) fn parse(pattern: &str) -> Result<FilterPattern, String> {
        let pattern = pattern.trim();
        if pattern.starts_with('{') {
            return Err(unsupported("JSON filter patterns ({ $.field = value })"));
        }
        if pattern.starts_with('[') {
            return Err(unsupported("space-delimited filter patterns ([a, b, ...])"));
        }
        let mut parsed = FilterPattern::default();
        let mut rest = pattern.trim_start();
        while !rest.is_empty() {
            let (list, after_prefix) = match rest.as_bytes()[0] {
                b'?' => (&mut parsed.any, &rest[1..]),
                b'-' => (&mut parsed.none, &rest[1..]),
                _ => (&mut parsed.all, rest),
            };
            let (term, after_term) = read_term(after_prefix)?;
            list.push(term);
            rest = after_term.trim_start();
        }
        Ok(parsed)
    }

    pub(super) fn matches(&self, message: &str) -> bool {
        let found = |term: &String| message.contains(term.as_str());
        self.all.iter().all(found)
            && (self.any.is_empty() || self.any.iter().any(found))
            && !self.none.iter().any(found)
    }
}

fn unsupported(what: &str) -> String {
    format!(
        "{what} are not supported by the chimecall sandbox; use terms, \"quoted phrases\", ?any and -exclude"
    )
}

/// Reads one term from the start of `input`; answers it and what follows it.
fn read_term(input: &str) -> Result<(String, &str), String> {
    if let Some(quoted) = input.strip_prefix('"') {
        return read_quoted(quoted);
    }
    let end = input.find(char::is_whitespace).unwrap_or(input.len());
    let term = &input[..end];
    if term.is_empty() {
        return Err("`?` and `-` must be followed by a term".into());
    }
    if term.len() >= 2 && term.starts_with('%') && term.ends_with('%') {
        return Err(unsupported("regular expressions (%regex%)"));
    }
    Ok((term.to_string(), &input[end..]))
}

/// The inside of a quoted term, after its opening quote. `\"` and `\\` are the only escapes:
/// any other backslash is literal, so Windows paths need no doubling.
fn read_quoted(input: &str) -> Result<(String, &str), String> {
    let mut term = String::new();
    let mut chars = input.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some((_, '"' | '\\'))) => {
                term.push(chars.next().map_or('\\', |(_, escaped)| escaped));
            }
            '"' => {
                let rest = &input[index + 1..];
                if rest.starts_with(|c: char| !c.is_whitespace()) {
                    return Err("a closing quote must be followed by a space".into());
                }
                return Ok((term, rest));
            }
            _ => term.push(c),
        }
    }
    Err("a quoted term is not closed".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str) -> FilterPattern {
        FilterPattern::parse(text).unwrap_or_else(|why| panic!("{text:?}: {why}"))
    }
    #[test]
    fn an_empty_pattern_matches_everything() {
        for text in ["", "   "] {
            assert!(pattern(text).matches("anything at all"));
            assert!(pattern(text).matches(""));
        }
    }

    #[test]
    fn plain_terms_must_all_occur_case_sensitively() {
        let p = pattern("ERROR timeout");
        assert!(p.matches("ERROR: call timeout after 30s"));
        assert!(p.matches("timeout ... ERROR"));
        assert!(!p.matches("ERROR: busy"));
        assert!(!p.matches("error: call timeout"));
        // Substrings, not words.
        assert!(pattern("ERR").matches("ERROR"));
    }

    #[test]
    fn transaction_ids_with_hyphens_match_plain_or_quoted() {
        let id = "5e2a9c3e-7d1b-4c8a-9f00-2b6f4a1d9e11";
        let message = format!(r#"{{"transactionId":"{id}","event":"HANGUP"}}"#);
        assert!(pattern(id).matches(&message));
        assert!(pattern(&format!("\"{id}\"")).matches(&message));
        assert!(!pattern("5e2a9c3e-7d1b-4c8a-9f00-000000000000").matches(&message));
        // A leading '-' excludes; a '-' inside a term is literal.
        assert!(!pattern(&format!("-{id}")).matches(&message));
        assert!(pattern("-7d1b-XXXX").matches(&message));
    }

    #[test]
    fn quoted_terms_hold_spaces_punctuation_and_escaped_quotes() {
        let message = r#"INFO {"event": "CALL_ANSWERED", "leg": "LEG-A"} took 3 s"#;
        assert!(pattern(r#""took 3 s""#).matches(message));
        assert!(!pattern(r#""took  3 s""#).matches(message));
        assert!(pattern(r#""\"event\": \"CALL_ANSWERED\"""#).matches(message));
        assert!(pattern(r#"INFO "LEG-A""#).matches(message));
        // Other backslashes are literal.
        assert!(pattern(r#""C:\temp""#).matches(r"saved to C:\temp"));
    }

    #[test]
    fn question_terms_are_alternatives_and_minus_terms_exclude() {
        let p = pattern("?ERROR ?WARN");
        assert!(p.matches("WARN slow"));
        assert!(p.matches("ERROR broken"));
        assert!(!p.matches("INFO fine"));

        let p = pattern("ERROR -timeout");
        assert!(p.matches("ERROR busy"));
        assert!(!p.matches("ERROR timeout"));

        let p = pattern(r#"call ?ERROR ?WARN -"LEG-B""#);
        assert!(p.matches("call ERROR on LEG-A"));
        assert!(!p.matches("call ERROR on LEG-B"));
        assert!(!p.matches("call INFO on LEG-A"));
        assert!(!p.matches("ERROR on LEG-A"));
    }

    #[test]
    fn unsupported_and_malformed_patterns_are_refused() {
        for (text, why) in [
            (r#"{ $.event = "HANGUP" }"#, "JSON"),
            ("[ip, user, ...]", "space-delimited"),
            ("%ERR(OR)?%", "regular expressions"),
            (r#""not closed"#, "not closed"),
            (r#""glued"tail"#, "followed by a space"),
            ("ERROR -", "followed by a term"),
            ("? ERROR", "followed by a term"),
        ] {
            let error = FilterPattern::parse(text).expect_err(text);
            assert!(error.contains(why), "{text:?}: {error}");
        }
        assert!(FilterPattern::parse("JSON").is_ok());
        assert!(FilterPattern::parse("50%").is_ok());
    }
}
