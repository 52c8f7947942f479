//! The service model's input rules, written once and used twice: by the CLI to refuse bad input
//! before anything is sent, and by the sandbox to answer bad requests the way the service does.
//!
//! Sources: the Chime SDK Voice service model (patterns, map sizes) and the developer guide's
//! "Using SIP headers" page (header names, reserved prefix, length).

use std::collections::BTreeMap;
use std::fmt;

/// ArgumentsMap, SipHeaders and Arguments each hold 0 to 20 entries.
pub const MAX_MAP_ENTRIES: usize = 20;
/// "The headers can be a maximum length of 2048 characters."
pub const MAX_SIP_HEADER_CHARS: usize = 2048;

/// At most this many characters of a refused value are quoted back in an error message: a
/// 2 MiB cell is not worth repeating, and an error is read on a terminal.
pub const MAX_QUOTED_CHARS: usize = 64;

/// A refused value as an error message shows it: quoted, every control and bidirectional
/// formatting character escaped (`{:?}`), and cut to [`MAX_QUOTED_CHARS`] characters with its
/// whole length said.
pub fn quoted(value: &str) -> String {
    let mut head = value.char_indices().skip(MAX_QUOTED_CHARS);
    match head.next() {
        None => format!("{value:?}"),
        Some((cut, _)) => format!(
            "{:?}... ({} characters)",
            &value[..cut],
            value.chars().count()
        ),
    }
}

/// Characters that can rewrite or reorder what a terminal shows: controls (C0, DEL, C1, which
/// hold ESC, CSI, CR and backspace), Unicode bidirectional formatting characters (U+202E turns
/// `exe.txt` into `txt.exe`) and the line and paragraph separators. No id, phone number or
/// header name holds one.
pub fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
                | '\u{2028}' | '\u{2029}'
        )
}

/// A rule broken by one field of a request. `field` is the model's member name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleViolation {
    pub field: String,
    pub problem: String,
}

impl RuleViolation {
    fn new(field: impl Into<String>, problem: impl Into<String>) -> RuleViolation {
        RuleViolation {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

impl fmt::Display for RuleViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

impl std::error::Error for RuleViolation {}

/// The model's E164PhoneNumber pattern, `^\+?[1-9]\d{1,14}$`, with `\d` as ASCII digits only.
pub fn is_e164(number: &str) -> bool {
    let digits = number.strip_prefix('+').unwrap_or(number);
    let bytes = digits.as_bytes();
    (2..=15).contains(&bytes.len())
        && (b'1'..=b'9').contains(&bytes[0])
        && bytes.iter().all(u8::is_ascii_digit)
}

pub fn check_phone_number(field: &str, number: &str) -> Result<(), RuleViolation> {
    if is_e164(number) {
        Ok(())
    } else {
        Err(RuleViolation::new(
            field,
            format!(
                "{} is not an E.164 phone number (an optional + then 2 to 15 digits, the first not 0: +12065550100)",
                quoted(number)
            ),
        ))
    }
}

pub fn check_map_size<V>(field: &str, map: &BTreeMap<String, V>) -> Result<(), RuleViolation> {
    if map.len() > MAX_MAP_ENTRIES {
        return Err(RuleViolation::new(
            field,
            format!(
                "has {} entries; at most {MAX_MAP_ENTRIES} are allowed",
                map.len()
            ),
        ));
    }
    Ok(())
}

/// RFC 3261 `token` characters, the only ones a SIP header name may hold.
fn is_sip_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-.!%*_+`'~".contains(c)
}

/// One SIP header: name rules from the guide, value length, no line breaks (they would split the header).
pub fn check_sip_header(name: &str, value: &str) -> Result<(), RuleViolation> {
    let field = format!("SipHeaders[{}]", quoted(name));
    if name.is_empty() || !name.chars().all(is_sip_token_char) {
        return Err(RuleViolation::new(
            field,
            "is not a valid SIP header name (letters, digits and - . ! % * _ + ` ' ~ only)",
        ));
    }
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("x-amzn") {
        return Err(RuleViolation::new(
            field,
            "X-AMZN headers are reserved by the service",
        ));
    }
    let allowed = lower.starts_with("x-") || lower == "user-to-user" || lower == "diversion";
    if !allowed {
        return Err(RuleViolation::new(
            field,
            "custom SIP header names must start with x- (only User-to-User and Diversion are allowed otherwise)",
        ));
    }
    let chars = value.chars().count();
    if chars > MAX_SIP_HEADER_CHARS {
        return Err(RuleViolation::new(
            field,
            format!("value is {chars} characters; at most {MAX_SIP_HEADER_CHARS} are allowed"),
        ));
    }
    if value.chars().any(|c| c == '\r' || c == '\n' || c == '\0') {
        return Err(RuleViolation::new(
            field,
            "value contains a line break or NUL",
        ));
    }
    Ok(())
}

/// SIP header names ignore case (RFC 3261 7.3.1): `X-Ticket` and `x-ticket` are one header given
/// twice, which the map's keys alone would not show.
pub fn check_sip_headers(headers: &BTreeMap<String, String>) -> Result<(), RuleViolation> {
    check_map_size("SipHeaders", headers)?;
    headers
        .iter()
        .try_for_each(|(name, value)| check_sip_header(name, value))?;
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for name in headers.keys() {
        if let Some(first) = seen.insert(name.to_ascii_lowercase(), name) {
            return Err(RuleViolation::new(
                format!("SipHeaders[{}]", quoted(name)),
                format!(
                    "is given twice ({} and {}): SIP header names ignore case",
                    quoted(first),
                    quoted(name)
                ),
            ));
        }
    }
    Ok(())
}

/// The whole CreateSipMediaApplicationCall input, minus the SMA id (a path parameter).
pub fn check_create_call(
    from: &str,
    to: &str,
    arguments: &BTreeMap<String, String>,
    sip_headers: &BTreeMap<String, String>,
) -> Result<(), RuleViolation> {
    check_phone_number("FromPhoneNumber", from)?;
    check_phone_number("ToPhoneNumber", to)?;
    check_map_size("ArgumentsMap", arguments)?;
    check_sip_headers(sip_headers)
}

/// The longest id chimecall puts in a request path or a log filter pattern. The model's ids
/// (SipMediaApplicationId, TransactionId) are NonEmptyString, with no length of their own; the
/// service's are 36-character GUIDs. The wire has limits: the HTTP stack refuses a request URI
/// over 65,534 bytes (an id is percent-encoded there, up to 12 bytes a character), and a
/// FilterLogEvents pattern holds at most 1,024 characters (eight quoted TransactionIds when a
/// poller names them). 64 characters keeps every id well inside both.
pub const MAX_PATH_ID_CHARS: usize = 64;

/// Path parameters (SMA id, transaction id): the model's NonEmptyString (`.*\S.*`: not empty,
/// not whitespace only), at most [`MAX_PATH_ID_CHARS`] characters, and no character that would
/// change the path (`/`) or a terminal (controls, bidirectional formatting).
pub fn check_path_id(field: &str, id: &str) -> Result<(), RuleViolation> {
    if id.trim().is_empty() {
        return Err(RuleViolation::new(field, "must not be empty"));
    }
    let chars = id.chars().count();
    if chars > MAX_PATH_ID_CHARS {
        return Err(RuleViolation::new(
            field,
            format!(
                "{} is longer than {MAX_PATH_ID_CHARS} characters, the most an id can be",
                quoted(id)
            ),
        ));
    }
    if id.contains('/') || id.chars().any(is_unprintable) {
        return Err(RuleViolation::new(
            field,
            format!("{} contains a character an id cannot hold", quoted(id)),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164_follows_the_model_pattern() {
        for good in ["+12065550100", "12065550100", "+44", "+123456789012345"] {
            assert!(is_e164(good), "{good}");
        }
        for bad in [
            "",
            "+",
            "+1",
            "+0123",
            "+1234567890123456",
            "+1 206 555 0100",
            "+1206555010a",
            "++1206",
            "+１２０６５５５",
            "1-206-555-0100",
        ] {
            assert!(!is_e164(bad), "{bad}");
        }
    }

    #[test]
    fn sip_header_names() {
        assert!(check_sip_header("x-foo", "v").is_ok());
        assert!(check_sip_header("X-Account-Id", "v").is_ok());
        assert!(check_sip_header("User-to-User", "v").is_ok());
        assert!(check_sip_header("user-to-user", "v").is_ok());
        assert!(check_sip_header("Diversion", "v").is_ok());
        assert!(check_sip_header("Foo", "v").is_err());
        assert!(check_sip_header("X-AMZN-Thing", "v").is_err());
        assert!(check_sip_header("x-amzn", "v").is_err());
        assert!(check_sip_header("x-a b", "v").is_err());
        assert!(check_sip_header("", "v").is_err());
        assert!(check_sip_header("x-ok", &"a".repeat(2048)).is_ok());
        assert!(check_sip_header("x-ok", &"a".repeat(2049)).is_err());
        assert!(check_sip_header("x-ok", "a\r\nx-evil: 1").is_err());
    }

    #[test]
    fn sip_header_names_ignore_case_when_counting_twice() {
        let headers: BTreeMap<String, String> = [("X-Ticket", "1"), ("x-ticket", "2")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let err = check_sip_headers(&headers).unwrap_err();
        assert!(err.problem.contains("given twice"), "{err}");
        let distinct: BTreeMap<String, String> = [("X-A", "1"), ("x-b", "2")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert!(check_sip_headers(&distinct).is_ok());
    }

    #[test]
    fn refused_values_are_quoted_escaped_and_short() {
        assert_eq!(quoted("+1 206"), "\"+1 206\"");
        assert_eq!(quoted("a\u{1b}[2J\u{202e}"), "\"a\\u{1b}[2J\\u{202e}\"");
        let long = "9".repeat(10_000);
        let shown = quoted(&long);
        assert!(shown.len() < 100, "{shown}");
        assert!(shown.ends_with("... (10000 characters)"), "{shown}");
        let err = check_phone_number("ToPhoneNumber", &long).unwrap_err();
        assert!(err.problem.len() < 200, "{}", err.problem);
    }

    #[test]
    fn unprintable_characters() {
        for c in [
            '\u{1b}', '\u{9b}', '\r', '\u{8}', '\0', '\u{7f}', '\u{202e}', '\u{2066}', '\n',
        ] {
            assert!(is_unprintable(c), "{c:?}");
        }
        for c in ['a', '+', ' ', 'é', '١', '\u{ff11}'] {
            assert!(!is_unprintable(c), "{c:?}");
        }
        assert!(check_path_id("TransactionId", "tx\u{202e}").is_err());
    }

    #[test]
    fn path_ids_are_short_non_empty_and_one_segment() {
        let guid = "5e2a9c3e-7d1b-4c8a-9f00-2b6f4a1d9e11";
        assert!(check_path_id("TransactionId", guid).is_ok());
        assert!(check_path_id("TransactionId", &"a".repeat(MAX_PATH_ID_CHARS)).is_ok());
        assert!(check_path_id("TransactionId", &"é".repeat(MAX_PATH_ID_CHARS)).is_ok());
        for bad in ["", "  ", "a/b", "a\nb"] {
            assert!(check_path_id("TransactionId", bad).is_err(), "{bad:?}");
        }
        let long = "a".repeat(70_000);
        let err = check_path_id("SipMediaApplicationId", &long).unwrap_err();
        assert_eq!(err.field, "SipMediaApplicationId");
        assert!(
            err.problem.contains("(70000 characters) is longer than 64"),
            "{err}"
        );
        assert!(err.problem.len() < 200, "{err}");
    }

    #[test]
    fn map_sizes() {
        let twenty: BTreeMap<String, String> =
            (0..20).map(|i| (format!("k{i}"), "v".into())).collect();
        assert!(check_map_size("ArgumentsMap", &twenty).is_ok());
        let mut twenty_one = twenty.clone();
        twenty_one.insert("k20".into(), "v".into());
        let err = check_map_size("ArgumentsMap", &twenty_one).unwrap_err();
        assert_eq!(err.field, "ArgumentsMap");
        assert!(err.problem.contains("21"));
    }
}
