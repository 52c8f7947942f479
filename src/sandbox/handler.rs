//! The sandbox's built-in SMA handler: the smallest handler that honours the AWS samples' hangup
//! convention. An update with Arguments {"action": "hangup"} ends the call; anything else runs
//! no action.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Hang up LEG-A.
    Hangup,
}

/// The handler's answer to CALL_UPDATE_REQUESTED with these Arguments.
pub fn on_call_update_requested(arguments: &BTreeMap<String, String>) -> Option<Action> {
    (arguments.get("action").map(String::as_str) == Some("hangup")).then_some(Action::Hangup)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_hangup_verb_hangs_up() {
        let args = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            on_call_update_requested(&args(&[("action", "hangup")])),
            Some(Action::Hangup)
        );
        assert_eq!(on_call_update_requested(&args(&[])), None);
        assert_eq!(on_call_update_requested(&args(&[("action", "play")])), None);
        assert_eq!(
            on_call_update_requested(&args(&[("Action", "hangup")])),
            None
        );
    }
}
