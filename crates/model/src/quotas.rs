//! A fresh AWS account's quotas for the operations chimecall sends: facts about the service, not
//! about any client or emulator. The sandbox enforces them by default, the client paces itself
//! by them and names them in its advice. Each is per account and region, and adjustable through
//! Service Quotas (AWS General Reference, "Amazon Chime SDK endpoints and quotas", and the
//! CloudWatch Logs quotas page; summarised in the project's chime-reference notes, "Quotas").

/// CreateSipMediaApplicationCall requests per second (quota code L-C115F428); above it, 429
/// ThrottledClientException and nothing is done.
pub const CREATE_CALL_RATE: u32 = 1;

/// UpdateSipMediaApplicationCall requests per second; above it, 429 ThrottledClientException.
pub const UPDATE_CALL_RATE: u32 = 5;

/// SIP media application calls in progress at once ("SIP media application active calls");
/// above it the create is refused (ResourceLimitExceededException).
pub const ACTIVE_CALLS: u32 = 10;

/// CloudWatch Logs FilterLogEvents requests per second in `region`: 25 in us-east-1, 10 in most
/// other regions (a few have 5; 10 stands for all of them here).
pub fn filter_log_events_rate(region: &str) -> u32 {
    if region == "us-east-1" {
        25
    } else {
        10
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_accounts_quotas() {
        assert_eq!(CREATE_CALL_RATE, 1);
        assert_eq!(UPDATE_CALL_RATE, 5);
        assert_eq!(ACTIVE_CALLS, 10);
        assert_eq!(filter_log_events_rate("us-east-1"), 25);
        assert_eq!(filter_log_events_rate("eu-west-1"), 10);
    }
}
