//! The guard that never hounds a number: limits on the calls placed to one number within sliding
//! windows (by default at most 1 a minute and 3 in 15 minutes, GoAlert's per-number limits), and
//! the answer to "may a call to it go now, and if not, when?".
//!
//! A number called too often gets the calling number blocked as spam by a carrier (GoAlert
//! #1084), and a person called again and again stops listening. Each limit `N/DURATION` allows at
//! most N calls in any window of DURATION; a call counts in every window it falls in. Which calls
//! count (placed or unknown, any batch) is `history`'s to say; this file is pure: times in, a
//! verdict out.

mod book;
mod history;

use std::fmt;
use std::time::Duration;

use chimecall_model::rules::quoted;

pub(crate) use book::Book;
pub(crate) use history::history;

/// `--guard`'s default: GoAlert's 1 call a minute and 3 per 15 minutes to one number.
pub(crate) const DEFAULT: &str = "1/1m,3/15m";

/// At most `calls` calls to one number in any window of `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limit {
    pub(crate) calls: u32,
    pub(crate) window: Duration,
}

impl Limit {
    pub(crate) fn window_ms(self) -> i64 {
        self.window.as_millis() as i64
    }

    /// The window as `--guard` writes it: `1m`, `15m`, `1h30m`.
    pub(crate) fn window_text(self) -> String {
        compact(self.window)
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.calls, self.window_text())
    }
}

/// The guard's limits; none when it is off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Guard {
    /// Shortest window first; no two windows alike.
    limits: Vec<Limit>,
}

impl Default for Guard {
    fn default() -> Guard {
        Guard::parse(DEFAULT).expect("the default guard parses")
    }
}

/// What the guard says of a call to a number now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// It may go now.
    Free,
    /// It must wait until `at_ms` (epoch ms): `limit` holds it (of the limits that do, the one
    /// that frees it last), and `earlier` are the times of the calls in that limit's window now,
    /// oldest first.
    HeldUntil {
        at_ms: i64,
        limit: Limit,
        earlier: Vec<i64>,
    },
}

impl Guard {
    /// No limits: every call may go.
    pub(crate) fn off() -> Guard {
        Guard { limits: Vec::new() }
    }

    /// `off`, or limits `N/DURATION` separated by commas (`1/1m,3/15m`): N at least 1, DURATION
    /// longer than 0 (`crate::duration`'s forms: `90s`, `15m`, `1h`; a bare number is seconds),
    /// each window once. The message says what is wrong, quoting a short escaped prefix.
    pub(crate) fn parse(text: &str) -> Result<Guard, String> {
        let trimmed = text.trim();
        if trimmed.eq_ignore_ascii_case("off") {
            return Ok(Guard::off());
        }
        if trimmed.is_empty() {
            return Err(format!(
                "{} is not a guard: give limits N/DURATION separated by commas (e.g. {DEFAULT}), \
                 or off",
                quoted(text)
            ));
        }
        let mut limits: Vec<Limit> = Vec::new();
        for item in trimmed.split(',') {
            let limit = parse_limit(item)?;
            if let Some(same) = limits.iter().find(|l| l.window == limit.window) {
                return Err(format!(
                    "{} and {} limit the same window: give each window once",
                    quoted(&same.to_string()),
                    quoted(item.trim())
                ));
            }
            limits.push(limit);
        }
        limits.sort_by_key(|limit| limit.window);
        Ok(Guard { limits })
    }

    pub(crate) fn is_off(&self) -> bool {
        self.limits.is_empty()
    }

    #[allow(dead_code)] // The run core's progress line and plan (issue 17) are its callers.
    pub(crate) fn limits(&self) -> &[Limit] {
        &self.limits
    }

    /// The longest window: calls older than this never count (`history`'s `since`).
    pub(crate) fn longest_window(&self) -> Duration {
        self.limits
            .iter()
            .map(|limit| limit.window)
            .max()
            .unwrap_or_default()
    }

    /// Where `history` should start looking for calls that count at `now_ms`.
    /// The guard as a journal runners share asks it when it writes an intent to `to`: of the
    /// dials to the number it holds, when is the number free and by which limit (`None`: the
    /// call may go now).
    pub(crate) fn holds_call_to<'a>(
        &'a self,
        to: &'a str,
    ) -> impl Fn(&[crate::journal::DialEntry], i64) -> Option<(i64, String)> + Send + Sync + 'a
    {
        move |dials, now_ms| {
            let times = history::counted_times(dials, to, self.since_ms(now_ms));
            match self.check(&times, now_ms) {
                Verdict::Free => None,
                Verdict::HeldUntil { at_ms, limit, .. } => Some((at_ms, limit.to_string())),
            }
        }
    }

    pub(crate) fn since_ms(&self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(self.longest_window().as_millis() as i64)
    }

    /// Whether a call to a number may go at `now_ms`, given the times (epoch ms, any order) of
    /// the calls to it that count. A call at `t` counts in a limit's window until `t + window`
    /// (exclusive): at that moment it has left it. Calls timed after `now_ms` (another clock)
    /// count as if made now or later.
    pub(crate) fn check(&self, history: &[i64], now_ms: i64) -> Verdict {
        let mut held: Option<Verdict> = None;
        for &limit in &self.limits {
            let window = limit.window_ms();
            let mut recent: Vec<i64> = history
                .iter()
                .copied()
                .filter(|&t| t > now_ms.saturating_sub(window))
                .collect();
            let allowed = limit.calls as usize;
            if recent.len() < allowed {
                continue;
            }
            recent.sort_unstable();
            // Free once all but `allowed - 1` of them have left the window: when the one that
            // leaves last of those must leave does.
            let at_ms = recent[recent.len() - allowed].saturating_add(window);
            let later = match &held {
                Some(Verdict::HeldUntil { at_ms: before, .. }) => at_ms > *before,
                _ => true,
            };
            if later {
                held = Some(Verdict::HeldUntil {
                    at_ms,
                    limit,
                    earlier: recent,
                });
            }
        }
        held.unwrap_or(Verdict::Free)
    }
}

impl fmt::Display for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.limits.is_empty() {
            return f.write_str("off");
        }
        let limits: Vec<String> = self.limits.iter().map(Limit::to_string).collect();
        f.write_str(&limits.join(","))
    }
}

fn parse_limit(item: &str) -> Result<Limit, String> {
    let item = item.trim();
    let Some((calls, window)) = item.split_once('/') else {
        return Err(format!(
            "{} is not a limit: give N/DURATION (at most N calls to a number in DURATION), \
             e.g. {DEFAULT}, or off",
            quoted(item)
        ));
    };
    let calls: u32 = match calls.trim().parse() {
        Ok(0) => {
            return Err(format!(
                "{}: at least 1 call per window (--guard off turns the guard off)",
                quoted(item)
            ))
        }
        Ok(calls) => calls,
        Err(_) => {
            return Err(format!(
                "{} is not a limit: N must be a whole number of calls, e.g. 1/1m",
                quoted(item)
            ))
        }
    };
    let window = crate::duration::parse(window)?;
    if window.is_zero() {
        return Err(format!(
            "{}: the window must be longer than 0, e.g. 1/1m",
            quoted(item)
        ));
    }
    Ok(Limit { calls, window })
}

/// A duration as `--guard` takes it, shortest form: `1m`, `15m`, `1h30m`, `90ms`.
fn compact(duration: Duration) -> String {
    let mut ms = duration.as_millis();
    if ms == 0 {
        return "0s".to_string();
    }
    let mut text = String::new();
    for (unit, size) in [
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1000),
    ] {
        if ms >= size {
            text.push_str(&format!("{}{unit}", ms / size));
            ms %= size;
        }
    }
    if ms > 0 {
        text.push_str(&format!("{ms}ms"));
    }
    text
}

/// How long until `at_ms`, as a person reads it: `42 s`, `3 min 5 s`, `1 h 2 min`.
pub(crate) fn wait_words(now_ms: i64, at_ms: i64) -> String {
    // Rounded up: "in 0 s" would invite a retry that is refused again.
    let seconds = (at_ms.saturating_sub(now_ms).max(0) + 999) / 1000;
    match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => match s % 60 {
            0 => format!("{} min", s / 60),
            rest => format!("{} min {rest} s", s / 60),
        },
        s => match (s % 3600) / 60 {
            0 => format!("{} h", s / 3600),
            rest => format!("{} h {rest} min", s / 3600),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn guard(text: &str) -> Guard {
        Guard::parse(text).unwrap()
    }

    fn held_until(verdict: &Verdict) -> Option<i64> {
        match verdict {
            Verdict::Free => None,
            Verdict::HeldUntil { at_ms, .. } => Some(*at_ms),
        }
    }

    #[test]
    fn the_default_is_one_a_minute_and_three_in_fifteen() {
        let default = Guard::default();
        assert_eq!(
            default.limits(),
            [
                Limit {
                    calls: 1,
                    window: Duration::from_secs(60)
                },
                Limit {
                    calls: 3,
                    window: Duration::from_secs(900)
                }
            ]
        );
        assert_eq!(default.to_string(), "1/1m,3/15m");
        assert_eq!(default.longest_window(), Duration::from_secs(900));
        assert_eq!(default.since_ms(1_000_000), 100_000);
    }

    #[test]
    fn limits_parse_in_any_order_and_spacing() {
        let parsed = guard(" 3/15m , 1/60s,7/1h ");
        assert_eq!(parsed.to_string(), "1/1m,3/15m,7/1h");
        assert_eq!(guard("2/90").to_string(), "2/1m30s");
        assert_eq!(guard("1/500ms").to_string(), "1/500ms");
        assert!(guard("off").is_off());
        assert!(guard(" OFF ").is_off());
        assert_eq!(Guard::off().to_string(), "off");
        assert_eq!(Guard::off().since_ms(5), 5);
    }

    #[test]
    fn garbage_zero_and_duplicates_are_refused_with_a_short_quote() {
        for (text, says) in [
            ("", "is not a guard"),
            ("  ", "is not a guard"),
            ("1m", "is not a limit: give N/DURATION"),
            ("1/1m,", "is not a limit"),
            ("x/1m", "N must be a whole number"),
            ("-1/1m", "N must be a whole number"),
            ("99999999999/1m", "N must be a whole number"),
            ("0/1m", "at least 1 call per window"),
            ("1/0s", "the window must be longer than 0"),
            ("1/0", "the window must be longer than 0"),
            ("1/soon", "is not a duration"),
            ("1/1m,2/60s", "limit the same window"),
            ("1/1m,1/1m", "limit the same window"),
            ("1/2y", "longer than a year"),
        ] {
            let problem = Guard::parse(text).unwrap_err();
            assert!(problem.contains(says), "{text:?}: {problem}");
        }
        let long = format!("1/1m,{}", "\u{1b}[31m".repeat(100));
        let problem = Guard::parse(&long).unwrap_err();
        assert!(!problem.contains('\u{1b}'), "{problem}");
        assert!(problem.len() < 400, "{problem}");
    }

    #[test]
    fn no_history_is_free_and_off_never_holds() {
        assert_eq!(Guard::default().check(&[], 10 * MIN), Verdict::Free);
        let many: Vec<i64> = (0..50).map(|i| 10 * MIN - i).collect();
        assert_eq!(Guard::off().check(&many, 10 * MIN), Verdict::Free);
    }

    #[test]
    fn one_a_minute_holds_a_second_call_until_the_first_leaves_the_window() {
        let g = Guard::default();
        let first = 100 * MIN;
        let verdict = g.check(&[first], first + 18_000);
        assert_eq!(
            verdict,
            Verdict::HeldUntil {
                at_ms: first + MIN,
                limit: Limit {
                    calls: 1,
                    window: Duration::from_secs(60)
                },
                earlier: vec![first],
            }
        );
        // At exactly a minute the first call has left the window.
        assert_eq!(g.check(&[first], first + MIN - 1), verdict);
        assert_eq!(g.check(&[first], first + MIN), Verdict::Free);
    }

    #[test]
    fn three_in_fifteen_minutes_counts_every_call_in_the_window() {
        let g = Guard::default();
        // Calls at 0, 2 and 4 minutes: each a minute apart at least, the third of 15 minutes.
        let calls = [0, 2 * MIN, 4 * MIN];
        let at = |now| held_until(&g.check(&calls, now));
        assert_eq!(at(5 * MIN), Some(15 * MIN), "free when the first leaves");
        match g.check(&calls, 5 * MIN) {
            Verdict::HeldUntil { limit, earlier, .. } => {
                assert_eq!(limit.to_string(), "3/15m");
                assert_eq!(earlier, calls);
            }
            Verdict::Free => panic!("held"),
        }
        assert_eq!(at(15 * MIN - 1), Some(15 * MIN));
        assert_eq!(at(15 * MIN), None);
        // Sliding: after a fourth call at 15 min, the next waits for the one at 2 min to leave
        // (17 min) and for the minute to pass (16 min): 17 min.
        let calls = [0, 2 * MIN, 4 * MIN, 15 * MIN];
        assert_eq!(held_until(&g.check(&calls, 15 * MIN + 1)), Some(17 * MIN));
    }

    #[test]
    fn the_limit_that_frees_it_last_is_named() {
        let g = Guard::default();
        // Three calls in the last 15 minutes, the latest 10 s ago: both limits hold it; the
        // minute frees it at +50 s, the quarter hour at the oldest call + 15 min.
        let now = 20 * MIN;
        let calls = [now - 10 * MIN, now - 5 * MIN, now - 10_000];
        match g.check(&calls, now) {
            Verdict::HeldUntil {
                at_ms,
                limit,
                earlier,
            } => {
                assert_eq!(at_ms, now + 5 * MIN);
                assert_eq!(limit.calls, 3);
                assert_eq!(earlier.len(), 3);
            }
            Verdict::Free => panic!("held"),
        }
        // Only the minute's limit holds: it is the one named, with its one call.
        let calls = [now - 10 * MIN, now - 10_000];
        match g.check(&calls, now) {
            Verdict::HeldUntil {
                at_ms,
                limit,
                earlier,
            } => {
                assert_eq!(at_ms, now + 50_000);
                assert_eq!(limit.calls, 1);
                assert_eq!(earlier, [now - 10_000]);
            }
            Verdict::Free => panic!("held"),
        }
    }

    #[test]
    fn old_calls_and_the_order_of_history_do_not_matter() {
        let g = Guard::default();
        let now = 100 * MIN;
        let old = [0, MIN, 2 * MIN, 3 * MIN];
        assert_eq!(g.check(&old, now), Verdict::Free);
        let shuffled = [now - 30_000, 0, now - 5 * MIN, now - 9 * MIN];
        assert_eq!(held_until(&g.check(&shuffled, now)), Some(now + 6 * MIN));
    }

    #[test]
    fn a_call_timed_after_now_counts() {
        let g = Guard::default();
        let now = 10 * MIN;
        assert_eq!(
            held_until(&g.check(&[now + 2_000], now)),
            Some(now + MIN + 2_000)
        );
    }

    #[test]
    fn several_calls_allowed_per_window() {
        let g = guard("2/1m");
        assert_eq!(g.check(&[0], 1000), Verdict::Free);
        assert_eq!(held_until(&g.check(&[0, 500], 1000)), Some(MIN));
        assert_eq!(held_until(&g.check(&[0, 500, 700], 1000)), Some(500 + MIN));
    }

    #[test]
    fn waits_read_as_people_say_them() {
        assert_eq!(wait_words(0, 42_000), "42 s");
        assert_eq!(wait_words(0, 41_001), "42 s");
        assert_eq!(wait_words(0, 0), "0 s");
        assert_eq!(wait_words(10, 0), "0 s");
        assert_eq!(wait_words(0, 60_000), "1 min");
        assert_eq!(wait_words(0, 185_000), "3 min 5 s");
        assert_eq!(wait_words(0, 3_600_000), "1 h");
        assert_eq!(wait_words(0, 3_720_000), "1 h 2 min");
    }
}
