//! Finding the invocation event in one log message, however the handler logged it: as JSON
//! (bare, after a runtime prefix or a label, inside a structured log line), or as the language
//! object itself (Python's `print(event)`, Node's `console.log('Request', event)`).

use serde::de::IgnoredAny;
use serde_json::{Map, Value};

use super::literal;
use super::model::{EventError, InvocationEvent};

/// Messages longer than this are not searched. CloudWatch Logs accepts at most 256 KiB per log
/// event, so a longer message is not a real log line, and parsing it would only cost time.
pub(crate) const MAX_MESSAGE_BYTES: usize = 1024 * 1024;

/// How many levels (objects, arrays, strings holding JSON) into a structured log line the event
/// is looked for. Real loggers put it one to three levels down.
const MAX_SEARCH_DEPTH: usize = 4;

/// How many `{` positions of one message may each cost a parse attempt. Real lines need one or
/// two; the cap keeps a line full of braces from costing thousands of attempts.
const MAX_PARSE_ATTEMPTS: usize = 64;

/// How many bytes the parse attempts for one message may read in all. Each `{` of a message can
/// start an object that runs on to the end before it fails, so without this cap a 1 MiB message
/// could cost MAX_PARSE_ATTEMPTS full parses.
const MAX_PARSE_BYTES: usize = 4 * MAX_MESSAGE_BYTES;

/// The SMA invocation event logged in one CloudWatch log message, if there is one.
///
/// An event is a JSON object with both `InvocationEventType` and `CallDetails`; that tells it
/// apart from the handler's own responses (`SchemaVersion` and `Actions`) that handlers also log.
/// It is looked for as the whole message, after any text (a runtime prefix, a `Request:` label),
/// and inside structured JSON log lines, up to a few levels deep, including in string fields
/// that hold JSON. The first event found wins.
pub(crate) fn extract_event(message: &str) -> Option<Value> {
    if message.len() > MAX_MESSAGE_BYTES {
        return None;
    }
    EventSearch::new().in_text(message, 0)
}

/// The event in one log message, read: `None` when the message holds no event, `Some(Err(..))`
/// when it holds one that chimecall cannot read.
pub(crate) fn read_event(message: &str) -> Option<Result<InvocationEvent, EventError>> {
    extract_event(message).map(|value| InvocationEvent::from_value(&value))
}

/// One search through one message; it carries the parse budget shared by all its levels.
struct EventSearch {
    attempts_left: usize,
    bytes_left: usize,
}

impl EventSearch {
    fn new() -> EventSearch {
        EventSearch {
            attempts_left: MAX_PARSE_ATTEMPTS,
            bytes_left: MAX_PARSE_BYTES,
        }
    }

    /// The first event in free text: each `{` that starts a JSON object that parses is a
    /// candidate, whatever comes before or after it.
    fn in_text(&mut self, text: &str, depth: usize) -> Option<Value> {
        let mut from = 0;
        while let Some(offset) = text[from..].find('{') {
            let start = from + offset;
            match self.measure_leading_json(&text[start..]) {
                LeadingJson::Length(length) => {
                    match serde_json::from_str(&text[start..start + length]) {
                        Ok(object) => {
                            if let Some(event) = self.in_value(object, depth) {
                                return Some(event);
                            }
                            // Everything inside that object has been searched: go on after it.
                            from = start + length;
                        }
                        // The first pass checks neither nesting depth nor number range (1e400):
                        // an event may still start inside.
                        Err(_) => from = start + 1,
                    }
                }
                // Not JSON: perhaps the event as a Python dict or a Node object.
                LeadingJson::None => match self.parse_literal(&text[start..]) {
                    Some((object, length)) => {
                        if let Some(event) = self.in_value(object, depth) {
                            return Some(event);
                        }
                        from = start + length;
                    }
                    None => from = start + 1,
                },
                LeadingJson::BudgetSpent => return None,
            }
        }
        None
    }

    /// A Python repr or Node util.inspect literal at the very start of `text`, charged to the
    /// same byte budget as the JSON attempts.
    fn parse_literal(&mut self, text: &str) -> Option<(Value, usize)> {
        let mut budget = literal::Budget {
            bytes_left: self.bytes_left,
        };
        let parsed = literal::parse_literal(text, &mut budget);
        self.bytes_left = budget.bytes_left;
        parsed
    }

    /// The first event in a parsed value: the value itself, or something it holds.
    fn in_value(&mut self, value: Value, depth: usize) -> Option<Value> {
        if depth > MAX_SEARCH_DEPTH {
            return None;
        }
        match value {
            Value::Object(fields) if looks_like_event(&fields) => Some(Value::Object(fields)),
            Value::Object(fields) => fields
                .into_iter()
                .find_map(|(_, field)| self.in_value(field, depth + 1)),
            Value::Array(items) => items
                .into_iter()
                .find_map(|item| self.in_value(item, depth + 1)),
            // Loggers often serialise the event (or a whole "Request: {...}" message) into a string.
            Value::String(text) => self.in_text(&text, depth + 1),
            _ => None,
        }
    }

    /// Measures the JSON value at the very start of `text`; any text may follow it.
    ///
    /// This pass builds nothing (`IgnoredAny`), so a failed attempt costs no allocation; the
    /// bytes it read are charged to the budget, twice on success since the value is then built.
    /// Building uses serde_json's recursion limit (128), which this pass does not need: it keeps
    /// its own stack of brackets instead of recursing.
    fn measure_leading_json(&mut self, text: &str) -> LeadingJson {
        if self.attempts_left == 0 || self.bytes_left == 0 {
            return LeadingJson::BudgetSpent;
        }
        self.attempts_left -= 1;
        let mut values = serde_json::Deserializer::from_str(text).into_iter::<IgnoredAny>();
        let (found, bytes_read) = match values.next() {
            Some(Ok(_)) => (
                LeadingJson::Length(values.byte_offset()),
                2 * values.byte_offset(),
            ),
            Some(Err(error)) => (LeadingJson::None, error_offset(text, &error)),
            None => (LeadingJson::None, text.len()),
        };
        self.bytes_left = self.bytes_left.saturating_sub(bytes_read.max(1));
        found
    }
}

/// What starts at a `{`.
enum LeadingJson {
    /// A JSON value this many bytes long.
    Length(usize),
    /// Nothing that parses.
    None,
    /// The search may not parse any more of this message.
    BudgetSpent,
}

/// Where in `text` a parse error was detected, from its one-based line and byte column.
fn error_offset(text: &str, error: &serde_json::Error) -> usize {
    let line_start = match error.line() {
        0 | 1 => 0,
        line => text
            .match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(newline, _)| newline + 1),
    };
    (line_start + error.column()).min(text.len())
}

fn looks_like_event(fields: &Map<String, Value>) -> bool {
    fields.contains_key("InvocationEventType") && fields.contains_key("CallDetails")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::fixtures::*;
    use serde_json::json;

    #[test]
    fn extracts_a_bare_event() {
        assert_extracts_event(&event_text());
        assert_extracts_event(&format!("  {}\n", event_text()));
        let seed = extract_event(SEED_LEG_A_HANGUP).unwrap();
        assert_eq!(seed["InvocationEventType"], "HANGUP");
    }

    #[test]
    fn extracts_after_the_node_runtime_prefix() {
        let line = format!(
            "2026-11-29T19:30:00.123Z\t6f1c2d3e-1111-2222-3333-444455556666\tINFO\t{}\n",
            event_text()
        );
        assert_extracts_event(&line);
    }

    #[test]
    fn extracts_after_a_label() {
        for label in [
            "Request: ",
            "Event: ",
            "INFO Request: ",
            "Request:",
            "event=",
        ] {
            assert_extracts_event(&format!("{label}{}", event_text()));
        }
    }

    #[test]
    fn extracts_with_text_after_the_event() {
        assert_extracts_event(&format!("Request: {} (took 3 ms) }}{{", event_text()));
    }

    #[test]
    fn skips_objects_that_are_not_events() {
        let line = format!(
            r#"ctx {{"requestId":"r-1","nested":{{"a":1}}}} Request: {}"#,
            event_text()
        );
        assert_extracts_event(&line);
        assert_extracts_event(&format!("got {{x}} and {{ then Request: {}", event_text()));
    }

    #[test]
    fn extracts_from_python_powertools_json() {
        let line = format!(
            r#"{{"level":"INFO","location":"handler:12","message":{},"timestamp":"2026-11-29 19:30:00,123+0000","service":"sma","xray_trace_id":"1-abc"}}"#,
            event_text()
        );
        assert_extracts_event(&line);
    }

    #[test]
    fn extracts_from_a_string_field_holding_the_event() {
        let line = json!({"level": "INFO", "message": event_text(), "timestamp": 1}).to_string();
        assert_extracts_event(&line);
        let labelled = json!({"level": "INFO", "message": format!("Request: {}", event_text())});
        assert_extracts_event(&labelled.to_string());
    }

    #[test]
    fn extracts_from_rust_tracing_json() {
        let line = json!({
            "timestamp": "2026-11-29T19:30:00.123456Z", "level": "INFO",
            "fields": {"message": format!("Request: {}", event_text())},
            "target": "sma_handler"
        });
        assert_extracts_event(&line.to_string());
    }

    #[test]
    fn extracts_from_node_pino_json() {
        let line = format!(
            r#"{{"level":30,"time":1795980600123,"pid":8,"hostname":"169.254.1.1","event":{},"msg":"Request"}}"#,
            event_text()
        );
        assert_extracts_event(&line);
    }

    #[test]
    fn extracts_the_first_of_two_events() {
        let document = format!(
            "{SEED_LEG_A_HANGUP} // if LEG-B receives a hangup in a bridged call, such as a meeting ending {SEED_LEG_B_HANGUP}"
        );
        let found = extract_event(&document).unwrap();
        assert_eq!(found["ActionData"]["Type"], "Hangup");
    }

    #[test]
    fn lines_without_an_event_give_none() {
        let lines = [
            "",
            "START RequestId: 6f1c2d3e-1111-2222-3333-444455556666 Version: $LATEST",
            "END RequestId: 6f1c2d3e-1111-2222-3333-444455556666",
            "REPORT RequestId: 6f1c2d3e Duration: 12.34 ms Billed Duration: 13 ms Memory Size: 128 MB Max Memory Used: 70 MB",
            r#"2026-11-29T19:30:00.200Z	6f1c2d3e	INFO	Response: {"SchemaVersion":"1.0","Actions":[{"Type":"Hangup","Parameters":{"SipResponseCode":"0","ParticipantTag":"LEG-A"}}]}"#,
            "calling +12065551212",
            "{",
            "}{",
            r#"{"InvocationEventType":"HANGUP"}"#,
            r#"{"CallDetails":{}}"#,
            r#"{"level":"INFO","message":"Request handled"}"#,
            r#"Request: {"SchemaVersion":"1.0","Sequence":1,"InvocationEventType":"RINGING","CallDetails":{"#,
        ];
        for line in lines {
            assert_eq!(extract_event(line), None, "{line:?}");
        }
    }

    #[test]
    fn depth_of_the_search_is_bounded() {
        let mut shallow = outbound_value(3, "RINGING", None, None);
        for _ in 0..MAX_SEARCH_DEPTH {
            shallow = json!({ "wrapped": shallow });
        }
        assert!(extract_event(&shallow.to_string()).is_some());
        let too_deep = json!({ "wrapped": shallow });
        assert_eq!(extract_event(&too_deep.to_string()), None);
    }

    #[test]
    fn huge_messages_are_rejected_early() {
        let padding = " ".repeat(MAX_MESSAGE_BYTES);
        assert_eq!(extract_event(&format!("{}{padding}", event_text())), None);
        let many_braces = "{".repeat(MAX_MESSAGE_BYTES);
        assert_eq!(extract_event(&many_braces), None);
        let unterminated_strings = r#"{"a":"{"#.repeat(100_000);
        assert_eq!(extract_event(&unterminated_strings), None);
    }

    #[test]
    fn every_brace_starting_a_long_parse_is_bounded() {
        // Each `{` starts an object that parses up to the end of the message before failing.
        let numbers = "0,".repeat((MAX_MESSAGE_BYTES - 1000) / 2);
        let message = format!("{}[{numbers}", r#"{"a":"#.repeat(100));
        let started = std::time::Instant::now();
        assert_eq!(extract_event(&message), None);
        eprintln!("adversarial message searched in {:?}", started.elapsed());
    }

    #[test]
    fn an_object_serde_json_cannot_build_does_not_hide_a_later_event() {
        assert_extracts_event(&format!(r#"{{"big":1e400}} Request: {}"#, event_text()));
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_extracts_event(&format!(r#"{{"deep":{deep}}} Request: {}"#, event_text()));
    }

    #[test]
    fn deeply_nested_input_does_not_overflow() {
        let nested_objects = r#"{"a":"#.repeat(100_000);
        assert_eq!(extract_event(&nested_objects), None);
        let nested_arrays = format!("{{\"a\":{}", "[".repeat(500_000));
        assert_eq!(extract_event(&nested_arrays), None);
        let closed = format!("{{\"a\":{}{}}}", "[".repeat(120), "]".repeat(120));
        assert_eq!(extract_event(&closed), None);
        let very_deep_but_valid = format!("{}{}", r#"{"a":"#.repeat(200_000), "}".repeat(200_000));
        assert_eq!(extract_event(&very_deep_but_valid), None);
    }

    // --- events logged as language objects ----------------------------------------------------

    use crate::event::literal::tests::{
        NODE_HANGUP, NODE_LAMBDA, PYTHON_LABELLED, PYTHON_LOGGER, PYTHON_PRINT,
    };

    /// Lines as python3 and node print an event, with what each must yield.
    const OBJECT_LINES: &[(&str, &str, u64)] = &[
        (PYTHON_PRINT, "RINGING", 2),
        (PYTHON_LOGGER, "CALL_ANSWERED", 3),
        (PYTHON_LABELLED, "HANGUP", 4),
        (NODE_LAMBDA, "NEW_OUTBOUND_CALL", 2),
        (NODE_HANGUP, "HANGUP", 5),
    ];

    #[test]
    fn reads_events_logged_as_python_dicts_and_node_objects() {
        for (line, kind, sequence) in OBJECT_LINES {
            let event = read_event(line)
                .unwrap_or_else(|| panic!("no event in {line:?}"))
                .unwrap();
            assert_eq!(event.event_type, *kind, "{line:?}");
            assert_eq!(event.sequence, Some(*sequence), "{line:?}");
            assert_eq!(
                event.transaction_id.as_deref(),
                Some("1733387d-df28-4c01-8c28-21347b16ddcf"),
                "{line:?}"
            );
        }
        // Node cut the legs off at depth 2: the event still says the call ended, by its action.
        let hangup = read_event(NODE_HANGUP).unwrap().unwrap();
        assert!(hangup.participants.is_empty());
        let mut tracker =
            crate::call::CallTracker::for_transaction("1733387d-df28-4c01-8c28-21347b16ddcf");
        tracker.observe(&hangup, 0);
        assert!(tracker.is_ended());
        // Python's legs are all there.
        let ringing = read_event(PYTHON_PRINT).unwrap().unwrap();
        assert_eq!(ringing.participants[0].to.as_deref(), Some("+12065551212"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Whatever text a logger puts around the object (without a brace), the event is found.
        #[test]
        fn an_object_event_after_any_prefix_is_found(
            shape in 0..OBJECT_LINES.len(),
            prefix in "[^{\\p{Cc}]{0,60}",
            suffix in "[^{]{0,40}",
        ) {
            let (line, kind, _) = OBJECT_LINES[shape];
            let message = format!("{prefix}{line}{suffix}");
            let event = read_event(&message);
            proptest::prop_assert!(
                matches!(&event, Some(Ok(found)) if found.event_type == kind),
                "{:?} in {:?}",
                event,
                message
            );
        }
    }
}
