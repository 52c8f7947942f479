//! Durations on the command line: `300ms`, `2s`, `1m30s`, `1h`; a bare number is seconds.

use std::time::Duration;

use chimecall_model::rules::quoted;

/// The longest duration any flag takes: longer ones are mistakes, and would overflow clocks.
pub(crate) const MAX: Duration = Duration::from_secs(366 * 24 * 3600);

pub(crate) fn parse(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let duration = match text.parse::<f64>() {
        Ok(seconds) => seconds_to_duration(seconds, text)?,
        Err(_) => humantime::parse_duration(text).map_err(|e| {
            format!(
                "{} is not a duration ({}); use e.g. 300ms, 2s, 1m30s, 1h",
                quoted(text),
                crate::text::cell(&e.to_string())
            )
        })?,
    };
    if duration > MAX {
        return Err(format!("{} is longer than a year", quoted(text)));
    }
    Ok(duration)
}

/// A polling interval: at least 100 ms, so a follow never turns into a busy loop.
pub(crate) fn parse_interval(text: &str) -> Result<Duration, String> {
    let interval = parse(text)?;
    if interval < Duration::from_millis(100) {
        return Err(format!(
            "{} is too short: poll at most every 100ms",
            quoted(text)
        ));
    }
    Ok(interval)
}

/// `--since`: how far back (`10m`, `24h`) or from when (`2026-11-29T19:00:00Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Since {
    Ago(Duration),
    At(std::time::SystemTime),
}

impl Since {
    pub(crate) fn start_ms(self) -> i64 {
        let at = match self {
            Since::Ago(ago) => std::time::SystemTime::now()
                .checked_sub(ago)
                .unwrap_or(std::time::UNIX_EPOCH),
            Since::At(at) => at,
        };
        chimecall_model::clock::system_time_ms(at)
    }
}

pub(crate) fn parse_since(text: &str) -> Result<Since, String> {
    if let Ok(ago) = parse(text) {
        return Ok(Since::Ago(ago));
    }
    let at = humantime::parse_rfc3339_weak(text.trim()).map_err(|_| {
        format!(
            "{} is neither a duration (10m, 24h) nor a time (2026-11-29T19:00:00Z)",
            quoted(text)
        )
    })?;
    // A start in the future selects nothing: it is a typo (a year, a time zone), not a wish.
    if at > std::time::SystemTime::now() {
        return Err(format!(
            "{} is in the future: --since looks back from now",
            quoted(text)
        ));
    }
    Ok(Since::At(at))
}

fn seconds_to_duration(seconds: f64, text: &str) -> Result<Duration, String> {
    Duration::try_from_secs_f64(seconds).map_err(|_| {
        format!(
            "{} is not a duration: it must be a non-negative number of seconds",
            quoted(text)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_bare_seconds() {
        assert_eq!(parse("300ms").unwrap(), Duration::from_millis(300));
        assert_eq!(parse("2s").unwrap(), Duration::from_secs(2));
        assert_eq!(parse("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse("1.5").unwrap(), Duration::from_millis(1500));
        assert!(parse("-1").is_err());
        assert!(parse("soon").is_err());
        assert!(parse("1e19").is_err());
        assert!(parse("500000000000y").is_err());
        assert!(parse("inf").is_err());
        assert!(parse("NaN").is_err());
        assert!(parse_interval("0").is_err());
        assert_eq!(parse_interval("100ms").unwrap(), Duration::from_millis(100));
        assert!(parse("1e19").is_err());
        assert!(parse("500000000000y").is_err());
        assert!(parse("inf").is_err());
        assert!(parse("NaN").is_err());
        assert!(parse_interval("0").is_err());
        assert_eq!(parse_interval("100ms").unwrap(), Duration::from_millis(100));
    }

    #[test]
    fn since_is_a_duration_or_a_time() {
        assert_eq!(
            parse_since("10m").unwrap(),
            Since::Ago(Duration::from_secs(600))
        );
        let at = parse_since("2026-11-29T19:00:00Z").unwrap();
        assert_eq!(at.start_ms(), 1_795_978_800_000);
        assert!(parse_since("yesterday-ish").is_err());
        let future = parse_since("2999-01-01T00:00:00Z").unwrap_err();
        assert!(future.contains("is in the future"), "{future}");
    }
}
