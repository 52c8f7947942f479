//! The sandbox's defaults, in one place: `SandboxConfig::default()` uses them, and so can the
//! CLI's flags, so that `chimecall sandbox --help` and a sandbox started in code agree.
//!
//! Durations are text in the CLI's duration syntax (`2s`, `1h`) because clap's `default_value`
//! takes text: a flag uses the text, and [`SandboxConfig::default`](crate::SandboxConfig) reads
//! the same text at compile time (so a malformed default does not build). The others have the
//! flag's own type, which clap's `default_value_t` displays.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use crate::actions::HangupWhileRinging;

/// `--bind`: loopback only, so nothing outside the machine reaches the sandbox by accident.
pub const BIND: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// `--port`: 0 picks a free port.
pub const PORT: u16 = 0;
/// `--sandbox-region`: the region the account lives in, which requests must be signed for.
pub const REGION: &str = "us-east-1";
/// `--sip-media-applications`: how many the account has.
pub const SIP_MEDIA_APPLICATIONS: u16 = 1;
/// `--answer-after`: how long a callee takes to answer.
pub const ANSWER_AFTER: &str = "2s";
/// `--ring-timeout`: how long a phone rings before the call ends unanswered (480).
pub const RING_TIMEOUT: &str = "30s";
/// `--max-call-duration`: the longest a call may last.
pub const MAX_CALL_DURATION: &str = "1h";
/// `--handler-timeout`: how long the SMA waits for its handler before retrying (5 s at AWS).
pub const HANDLER_TIMEOUT: &str = "5s";
/// `--hangup-while-ringing`: a Hangup ends a call that still rings, as the sandbox always did
/// (`fails` plays the cautious reading of AWS; docs/sandbox.md says why this is the default).
pub const HANGUP_WHILE_RINGING: HangupWhileRinging = HangupWhileRinging::Ends;
/// `--function-name`: the first SIP media application's handler function.
pub const FUNCTION_NAME: &str = "chimecall-sandbox-handler";

// The quotas of a fresh AWS account (`--quota`) are facts about the service: they live in
// `chimecall_model::quotas`, which `quotas::QuotaSettings::for_region` reads.

/// Reads one of the durations above: digits, then `ms`, `s`, `m` or `h` (a subset of the CLI's
/// syntax, which is all the defaults need). Anything else panics, which in a `const` is a
/// compile error.
pub(crate) const fn duration(text: &str) -> Duration {
    let bytes = text.as_bytes();
    let mut digits = 0;
    let mut amount: u64 = 0;
    while digits < bytes.len() && bytes[digits].is_ascii_digit() {
        amount = amount * 10 + (bytes[digits] - b'0') as u64;
        digits += 1;
    }
    assert!(digits > 0, "a default duration starts with digits");
    let (_, unit) = bytes.split_at(digits);
    match unit {
        b"ms" => Duration::from_millis(amount),
        b"s" => Duration::from_secs(amount),
        b"m" => Duration::from_secs(amount * 60),
        b"h" => Duration::from_secs(amount * 3600),
        _ => panic!("a default duration ends in ms, s, m or h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_defaults() {
        assert_eq!(duration(ANSWER_AFTER), Duration::from_secs(2));
        assert_eq!(duration(RING_TIMEOUT), Duration::from_secs(30));
        assert_eq!(duration(MAX_CALL_DURATION), Duration::from_secs(3600));
        assert_eq!(duration(HANDLER_TIMEOUT), Duration::from_secs(5));
        assert_eq!(duration("300ms"), Duration::from_millis(300));
        assert_eq!(duration("10m"), Duration::from_secs(600));
        assert_eq!(BIND.to_string(), "127.0.0.1");
    }

    #[test]
    #[should_panic(expected = "ends in ms, s, m or h")]
    fn other_units_are_refused() {
        duration("2d");
    }
}
