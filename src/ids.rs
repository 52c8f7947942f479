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

/// CloudWatch Logs' LogGroupName: 1 to 512 characters. Not a path parameter (FilterLogEvents
/// takes it in its body), but a name the service refuses by echoing it whole, so its length is
/// checked here, and any character that would reach a terminal; the model's character set
/// (`[\.\-_/#A-Za-z0-9]`) is left to the service, whose answer names the group.
pub(crate) const MAX_LOG_GROUP_CHARS: usize = 512;

pub(crate) fn check_log_group(name: &str, source: &str) -> Result<(), Failure> {
    let refuse = |why: &str| {
        Err(Failure::usage(format!(
            "{source}: {} {why}",
            rules::quoted(name)
        )))
    };
    if name.is_empty() {
        return Err(Failure::usage(format!(
            "{source}: a log group name must not be empty"
        )));
    }
    if name.chars().count() > MAX_LOG_GROUP_CHARS {
        return refuse("is longer than 512 characters, the most a log group name can be");
    }
    if name.chars().any(rules::is_unprintable) {
        return refuse("holds a control or bidirectional formatting character");
    }
    Ok(())
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

    #[test]
    fn log_group_names_follow_the_cloudwatch_logs_model() {
        assert!(check_log_group("/aws/lambda/handler-1", "--log-group").is_ok());
        assert!(check_log_group(&"a".repeat(512), "--log-group").is_ok());
        for bad in ["", "grp\u{1b}[2J", "grp\u{202e}", &"a".repeat(513)] {
            let failure = check_log_group(bad, "--log-group").unwrap_err();
            assert!(
                failure.message.starts_with("--log-group: "),
                "{}",
                failure.message
            );
            assert!(failure.message.len() < 200, "{}", failure.message);
        }
    }
}
