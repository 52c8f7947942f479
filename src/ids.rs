//! The ids chimecall puts in a request path: SipMediaApplicationId (every call operation,
//! GetSipMediaApplication) and TransactionId (UpdateSipMediaApplicationCall, and the log filter
//! pattern that follows a call). Each is checked here, and only here, with the model's rules and
//! the wire's limits ([`rules::check_path_id`]), before anything is journaled or sent, wherever it
//! came from: a flag, a CHIMECALL_* variable, a profile key, the journal, stdin. A refused id is
//! a usage error (exit 2) naming where it came from and quoting a short, escaped prefix of it.

use chimecall_model::rules;

use crate::exit::Failure;

/// `source` names where the id came from: `--sma-id`, `CHIMECALL_SMA_ID`, `TRANSACTION_ID`,
/// `stdin line 3`, `the journal`...
pub(crate) fn check_sma_id(id: &str, source: &str) -> Result<(), Failure> {
    rules::check_path_id("SipMediaApplicationId", id)
        .map_err(|v| Failure::usage(format!("{source}: {v}")))
}

pub(crate) fn check_transaction_id(id: &str, source: &str) -> Result<(), Failure> {
    rules::check_path_id("TransactionId", id).map_err(|v| Failure::usage(format!("{source}: {v}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::Exit;

    #[test]
    fn a_refused_id_names_its_source_and_quotes_a_short_prefix() {
        let long = "a".repeat(70_000);
        let failure = check_sma_id(&long, "CHIMECALL_SMA_ID").unwrap_err();
        assert_eq!(failure.exit, Exit::Usage);
        assert!(
            failure
                .message
                .starts_with("CHIMECALL_SMA_ID: SipMediaApplicationId: \"aaaa"),
            "{}",
            failure.message
        );
        assert!(failure.message.len() < 200, "{}", failure.message);
        let failure = check_transaction_id("tx\u{1b}[2J", "stdin line 2").unwrap_err();
        assert!(
            failure.message.contains("\\u{1b}[2J"),
            "{}",
            failure.message
        );
        assert!(check_transaction_id("5e2a9c3e-7d1b-4c8a-9f00-2b6f4a1d9e11", "x").is_ok());
    }
}
