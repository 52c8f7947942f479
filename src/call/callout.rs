//! A call-out's message and acknowledgement key, as the call-out handler (the sandbox's built-in
//! one, and `deploy/handler.py` at AWS) reads them from the dial's ArgumentsMap: the message it
//! speaks when the call is answered, and the key that acknowledges it. Both are checked here,
//! before anything is sent, with the limits of the actions that speak them (docs/callout.md).

use std::collections::BTreeMap;

use serde::Serialize;

/// ArgumentsMap key of the message to speak.
pub(crate) const SAY_KEY: &str = "chimecall-say";
/// ArgumentsMap key of the message's type: `text` (the default) or `ssml`.
pub(crate) const SAY_TYPE_KEY: &str = "chimecall-say-type";
/// ArgumentsMap key of the acknowledgement key.
pub(crate) const ACK_KEY: &str = "chimecall-ack";

/// Speak and SpeakAndGetDigits take at most this many characters of text.
pub(crate) const MAX_SPOKEN_CHARS: usize = 1_000;

/// The keys a callee can press (DTMF).
pub(crate) const DTMF_KEYS: &str = "0123456789*#";

/// What the handler adds after the message when it asks for the key (docs/callout.md).
fn ack_prompt(key: char) -> String {
    format!(" Press {key} to acknowledge.")
}

/// The message, as plain text or SSML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "text", rename_all = "lowercase")]
pub(crate) enum Message {
    Text(String),
    Ssml(String),
}

impl Message {
    fn text(&self) -> &str {
        match self {
            Message::Text(text) | Message::Ssml(text) => text,
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            Message::Text(_) => "text",
            Message::Ssml(_) => "ssml",
        }
    }
}

/// A call-out: what the call says, and the key that acknowledges it (either may be absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CallOut {
    pub(crate) message: Option<Message>,
    pub(crate) ack: Option<char>,
}

impl CallOut {
    /// Checks the message against the limit of the action that will speak it: with a key, the
    /// prompt is the message and the handler's "Press KEY to acknowledge." together.
    pub(crate) fn check(&self) -> Result<(), String> {
        let Some(message) = &self.message else {
            return Ok(());
        };
        let added = self.ack.map_or(0, |key| ack_prompt(key).chars().count());
        let limit = MAX_SPOKEN_CHARS - added;
        let length = message.text().chars().count();
        if length > limit {
            let why = if added > 0 {
                format!(
                    " (Speak's limit of {MAX_SPOKEN_CHARS}, less the {added} of the \
                     handler's \"Press KEY to acknowledge.\")"
                )
            } else {
                " (the limit of Speak and SpeakAndGetDigits)".to_string()
            };
            return Err(format!(
                "{length} characters: at most {limit} are spoken{why}"
            ));
        }
        if let Message::Ssml(ssml) = message {
            check_ssml(ssml)?;
        }
        Ok(())
    }

    /// The ArgumentsMap entries that carry it to the handler.
    pub(crate) fn arguments(&self) -> BTreeMap<String, String> {
        let mut entries = BTreeMap::new();
        if let Some(message) = &self.message {
            entries.insert(SAY_KEY.to_string(), message.text().to_string());
            if let Message::Ssml(_) = message {
                entries.insert(SAY_TYPE_KEY.to_string(), message.type_name().to_string());
            }
        }
        if let Some(key) = self.ack {
            entries.insert(ACK_KEY.to_string(), key.to_string());
        }
        entries
    }
}

/// `--ack KEY`: one of 0-9 or `*`. Not `#`: SpeakAndGetDigits takes `#` as the key that ends
/// the digits (its default TerminatorDigits), so a callee pressing it would enter nothing.
pub(crate) fn parse_ack(text: &str) -> Result<char, String> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some('#'), None) => Err(
            "# ends digit entry on a phone prompt (SpeakAndGetDigits' terminator key), so it \
             cannot acknowledge: choose 0-9 or *"
                .to_string(),
        ),
        (Some(key), None) if DTMF_KEYS.contains(key) => Ok(key),
        _ => Err(format!(
            "{} is not a key of a phone's keypad: one of 0-9 or *",
            chimecall_model::rules::quoted(text)
        )),
    }
}

/// SSML must be one well-formed `<speak>` document (the model's check, the sandbox's too).
fn check_ssml(ssml: &str) -> Result<(), String> {
    chimecall_model::ssml::check_speak_document(ssml)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(message: &str, ack: Option<char>) -> CallOut {
        CallOut {
            message: Some(Message::Text(message.to_string())),
            ack,
        }
    }

    #[test]
    fn a_message_is_at_most_what_speak_takes_with_the_handlers_prompt() {
        assert!(text(&"a".repeat(1_000), None).check().is_ok());
        let over = text(&"a".repeat(1_001), None).check().unwrap_err();
        assert!(over.starts_with("1001 characters: at most 1000"), "{over}");
        // " Press 1 to acknowledge." is 24 characters.
        assert!(text(&"a".repeat(976), Some('1')).check().is_ok());
        let over = text(&"a".repeat(977), Some('1')).check().unwrap_err();
        assert!(over.contains("at most 976"), "{over}");
        // Characters, not bytes.
        assert!(text(&"é".repeat(1_000), None).check().is_ok());
    }

    #[test]
    fn ssml_is_one_well_formed_speak_document() {
        let ssml = |s: &str| CallOut {
            message: Some(Message::Ssml(s.to_string())),
            ack: None,
        };
        assert!(ssml("<speak>INC-42 <break time=\"1s\"/> down</speak>")
            .check()
            .is_ok());
        assert!(ssml("<speak>unclosed")
            .check()
            .unwrap_err()
            .contains("not a well-formed"));
        assert!(ssml("<p>hi</p>").check().unwrap_err().contains("<speak>"));
        assert!(ssml("<speak/><speak/>").check().is_err());
        assert!(ssml("plain").check().is_err());
    }

    #[test]
    fn only_keypad_keys_acknowledge() {
        for key in ["0", "9", "*"] {
            assert!(parse_ack(key).is_ok(), "{key}");
        }
        for bad in ["11", "", "a", "10", " 1", "\u{1b}"] {
            let problem = parse_ack(bad).unwrap_err();
            assert!(problem.contains("one of 0-9 or *"), "{problem}");
        }
        assert!(parse_ack("#").unwrap_err().contains("terminator"));
    }

    #[test]
    fn the_arguments_carry_what_is_set() {
        let callout = CallOut {
            message: Some(Message::Ssml("<speak>x</speak>".into())),
            ack: Some('*'),
        };
        let entries = callout.arguments();
        assert_eq!(entries[SAY_KEY], "<speak>x</speak>");
        assert_eq!(entries[SAY_TYPE_KEY], "ssml");
        assert_eq!(entries[ACK_KEY], "*");
        let plain = text("hello", None).arguments();
        assert_eq!(plain.len(), 1, "plain text needs no type: {plain:?}");
        assert!(CallOut::default().arguments().is_empty());
    }
}
