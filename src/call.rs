//! A call as the operator describes it, checked against the model's rules before anything is sent.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::exit::Failure;
use crate::rules;

/// Everything CreateSipMediaApplicationCall needs.
#[derive(Debug, Clone, Serialize)]
pub struct CallRequest {
    pub sma_id: String,
    pub from: String,
    pub to: String,
    pub arguments: BTreeMap<String, String>,
    pub sip_headers: BTreeMap<String, String>,
}

impl CallRequest {
    /// Checks every field with the model's rules; the error names the flag and what is wrong.
    pub fn validate(&self) -> Result<(), Failure> {
        let flag_of = |field: &str| match field {
            "FromPhoneNumber" => "--from",
            "ToPhoneNumber" => "--to",
            "ArgumentsMap" => "--arg",
            _ => "--sip-header",
        };
        rules::check_path_id("SipMediaApplicationId", &self.sma_id)
            .map_err(|v| Failure::usage(format!("--sma-id: {}", v.problem)))?;
        rules::check_create_call(&self.from, &self.to, &self.arguments, &self.sip_headers).map_err(
            |v| {
                let flag = flag_of(v.field.split('[').next().unwrap_or(""));
                Failure::usage(format!("{flag}: {v}"))
            },
        )
    }
}

/// Parses repeated `KEY=VALUE` flags into a map. The first `=` separates; a key given twice is an
/// error rather than a silent overwrite.
pub fn parse_pairs(flag: &str, items: &[String]) -> Result<BTreeMap<String, String>, Failure> {
    let mut map = BTreeMap::new();
    for item in items {
        let Some((key, value)) = item.split_once('=') else {
            return Err(Failure::usage(format!(
                "{flag} {item:?}: expected KEY=VALUE"
            )));
        };
        if key.is_empty() {
            return Err(Failure::usage(format!("{flag} {item:?}: the key is empty")));
        }
        if map.insert(key.to_string(), value.to_string()).is_some() {
            return Err(Failure::usage(format!(
                "{flag}: key {key:?} is given more than once"
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
    fn validation_names_the_flag() {
        let mut call = CallRequest {
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
