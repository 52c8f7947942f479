//! The wall clock and the two timestamp formats chimecall meets: epoch milliseconds (CloudWatch
//! Logs, Participants' StartTimeInMilliseconds) and RFC 3339 UTC with milliseconds
//! (`2026-11-29T19:30:00.123Z`: the journal, Chime SDK Voice's timestamps, the access log).

use std::time::{SystemTime, UNIX_EPOCH};

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

const RFC3339_MS: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// Now, in epoch milliseconds.
pub fn now_ms() -> i64 {
    system_time_ms(SystemTime::now())
}

/// A system time in epoch milliseconds (0 before the epoch).
pub fn system_time_ms(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Epoch milliseconds as UTC, `None` outside what a calendar date can hold.
pub fn utc(timestamp_ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(timestamp_ms) * 1_000_000).ok()
}

/// `2026-11-29T19:30:00.123Z`, `None` outside what a calendar date can hold.
pub fn rfc3339_ms(timestamp_ms: i64) -> Option<String> {
    utc(timestamp_ms).and_then(|time| time.format(RFC3339_MS).ok())
}

/// Now as `2026-11-29T19:30:00.123Z`.
pub fn now_rfc3339_ms() -> String {
    rfc3339_ms(now_ms()).unwrap_or_default()
}

/// A system time as `2026-11-29T19:30:00.123Z` (the epoch for a time before it; empty past what
/// a calendar date can hold).
pub fn system_time_rfc3339_ms(time: SystemTime) -> String {
    rfc3339_ms(system_time_ms(time)).unwrap_or_default()
}

/// Any RFC 3339 time (any offset, any precision) in epoch milliseconds.
pub fn parse_rfc3339_ms(text: &str) -> Option<i64> {
    let parsed =
        OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(parsed.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_round_trip_through_rfc3339() {
        let ms = 1_795_980_600_123;
        let text = rfc3339_ms(ms).unwrap();
        assert_eq!(text, "2026-11-29T19:30:00.123Z");
        assert_eq!(parse_rfc3339_ms(&text), Some(ms));
        assert_eq!(parse_rfc3339_ms("2026-11-29T20:30:00.123+01:00"), Some(ms));
        assert_eq!(parse_rfc3339_ms("yesterday"), None);
        assert_eq!(rfc3339_ms(i64::MAX), None);
    }

    #[test]
    fn system_times_format_to_the_millisecond() {
        let time = UNIX_EPOCH + std::time::Duration::from_nanos(1_795_980_600_123_999_999);
        assert_eq!(system_time_rfc3339_ms(time), "2026-11-29T19:30:00.123Z");
        let before_epoch = UNIX_EPOCH - std::time::Duration::from_secs(1);
        assert_eq!(
            system_time_rfc3339_ms(before_epoch),
            "1970-01-01T00:00:00.000Z"
        );
    }

    #[test]
    fn now_is_after_the_project_began() {
        assert!(now_ms() > 1_700_000_000_000);
        assert!(now_rfc3339_ms().ends_with('Z'));
    }
}
