//! A call as the operator describes it, checked against the model's rules before anything is sent.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::exit::Failure;
use chimecall_model::rules;

/// The ArgumentsMap key that carries each dial's client request id (its journal `dial_id`). The
/// handler receives it in NEW_OUTBOUND_CALL, so its logs show which request placed which call.
pub(crate) const REQUEST_ID_KEY: &str = "chimecall-request-id";

/// Everything CreateSipMediaApplicationCall needs.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DialRequest {
    pub(crate) sma_id: String,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) arguments: BTreeMap<String, String>,
    pub(crate) sip_headers: BTreeMap<String, String>,
}

impl DialRequest {
    /// Checks every field with the model's rules; the error names the flag and what is wrong.
    pub(crate) fn validate(&self) -> Result<(), Failure> {
        let flag_of = |field: &str| match field {
            "FromPhoneNumber" => "--from",
            "ToPhoneNumber" => "--to",
            "ArgumentsMap" => "--arg",
            _ => "--sip-header",
        };
        crate::ids::check_sma_id(&self.sma_id, "--sma-id")?;
        rules::check_create_call(&self.from, &self.to, &self.arguments, &self.sip_headers).map_err(
            |v| {
                let flag = flag_of(v.field.split('[').next().unwrap_or(""));
                Failure::usage(format!("{flag}: {v}"))
            },
        )
    }
}

impl DialRequest {
    /// The request id takes one of the 20 ArgumentsMap entries; the message says what to do.
    pub(crate) fn check_room_for_request_id(&self) -> Result<(), String> {
        if self.arguments.contains_key(REQUEST_ID_KEY) {
            return Err(format!(
                "{REQUEST_ID_KEY} is chimecall's own argument: pass --no-request-id to set it yourself"
            ));
        }
        if self.arguments.len() >= rules::MAX_MAP_ENTRIES {
            return Err(format!(
                "{} arguments leave no room for the request id ({REQUEST_ID_KEY}); at most {} with it, or pass --no-request-id",
                self.arguments.len(),
                rules::MAX_MAP_ENTRIES - 1
            ));
        }
        Ok(())
    }

    /// The same call carrying `request_id` in its ArgumentsMap.
    pub(crate) fn with_request_id(&self, request_id: &str) -> DialRequest {
        let mut call = self.clone();
        call.arguments
            .insert(REQUEST_ID_KEY.to_string(), request_id.to_string());
        call
    }
}

/// A number as chimecall writes it: with its `+`. The model's pattern (`^\+?[1-9]\d{1,14}$`)
/// makes the `+` optional, and a number means the same with it or without; writing it always
/// keeps the journal, the output and `--redact` (which masks `+` and the digits after it)
/// agreeing on what a phone number looks like. Anything not E.164 is left for the rules to refuse.
pub(crate) fn with_plus(number: String) -> String {
    if !number.starts_with('+') && rules::is_e164(&number) {
        format!("+{number}")
    } else {
        number
    }
}

/// Parses repeated `KEY=VALUE` flags into a map. The first `=` separates; a key given twice is an
/// error rather than a silent overwrite.
pub(crate) fn parse_pairs(
    flag: &str,
    items: &[String],
) -> Result<BTreeMap<String, String>, Failure> {
    let mut map = BTreeMap::new();
    for item in items {
        let Some((key, value)) = item.split_once('=') else {
            return Err(Failure::usage(format!(
                "{flag} {}: expected KEY=VALUE",
                rules::quoted(item)
            )));
        };
        if key.is_empty() {
            return Err(Failure::usage(format!(
                "{flag} {}: the key is empty",
                rules::quoted(item)
            )));
        }
        if map.insert(key.to_string(), value.to_string()).is_some() {
            return Err(Failure::usage(format!(
                "{flag}: key {} is given more than once",
                rules::quoted(key)
            )));
        }
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::Exit;

    fn items(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn pairs_split_on_the_first_equals() {
        let map = parse_pairs("--arg", &items(&["a=1", "b=x=y", "c="])).unwrap();
        assert_eq!(map["a"], "1");
        assert_eq!(map["b"], "x=y");
        assert_eq!(map["c"], "");
    }

    #[test]
    fn bad_pairs_are_usage_errors() {
        for bad in [&["novalue"][..], &["=v"], &["a=1", "a=2"]] {
            let err = parse_pairs("--arg", &items(bad)).unwrap_err();
            assert_eq!(err.exit, Exit::Usage);
            assert!(err.message.starts_with("--arg"), "{}", err.message);
        }
    }

    #[test]
    fn numbers_are_written_with_their_plus() {
        assert_eq!(with_plus("12065550123".into()), "+12065550123");
        assert_eq!(with_plus("+12065550123".into()), "+12065550123");
        assert_eq!(with_plus("012065550123".into()), "012065550123");
        assert_eq!(with_plus("555-0123".into()), "555-0123");
    }

    #[test]
    fn validation_names_the_flag() {
        let mut call = DialRequest {
            sma_id: "sma".into(),
            from: "+12065550100".into(),
            to: "+12065550123".into(),
            arguments: BTreeMap::new(),
            sip_headers: BTreeMap::new(),
        };
        assert!(call.validate().is_ok());
        call.to = "555-0123".into();
        assert!(call.validate().unwrap_err().message.starts_with("--to"));
        call.to = "+12065550123".into();
        call.sip_headers.insert("X-AMZN-Id".into(), "v".into());
        assert!(call
            .validate()
            .unwrap_err()
            .message
            .starts_with("--sip-header"));
    }
}
