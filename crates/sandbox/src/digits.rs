//! Collecting a callee's DTMF digits the way the digit actions describe it, as pure state
//! machines fed key presses with their times: `GetDigits` for SpeakAndGetDigits and
//! PlayAudioAndGetDigits (a prompt, attempts, a failure prompt between them), `DigitListener` for
//! ReceiveDigits (matched input is sent to the handler as it comes). The call's task owns the
//! clock; here times are offsets from any fixed origin, and durations are already wall-clock
//! (time-scaled), so the machines can be tested by feeding them presses.
//!
//! Decisions where the guide is silent: a press during the prompt stops it and counts (barge-in);
//! presses during the failure prompt are discarded; an attempt ends at a terminator, at
//! MaxNumberOfDigits, when InBetweenDigitsDurationInMilliseconds passes after a digit, or when
//! RepeatDurationInMilliseconds passes after the prompt; an attempt that ends with no key at all
//! fails; the terminator is never part of ReceivedDigits, but InputDigitsRegex may match the input
//! with it (the guide's own example is `^\d{2}#$` with TerminatorDigits `#`).

use std::time::Duration;

use regex::{Regex, RegexBuilder};

/// A time on the call's clock.
pub(crate) type At = Duration;

/// The longest InputDigitsRegex the sandbox compiles: the handler's input is untrusted.
const MAX_REGEX_LENGTH: usize = 1024;
/// The compiled program and its lazy DFA are bounded too.
const REGEX_SIZE_LIMIT: usize = 256 * 1024;
const REGEX_DFA_SIZE_LIMIT: usize = 1024 * 1024;

/// InputDigitsRegex, compiled within bounds; the error says why not.
pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, String> {
    if pattern.len() > MAX_REGEX_LENGTH {
        return Err(format!(
            "InputDigitsRegex is longer than {MAX_REGEX_LENGTH} characters"
        ));
    }
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_DFA_SIZE_LIMIT)
        .nest_limit(64)
        .build()
        .map_err(|e| {
            let first_line = e.to_string();
            let first_line = first_line
                .lines()
                .last()
                .unwrap_or_default()
                .trim()
                .to_string();
            format!("InputDigitsRegex is not a valid regular expression: {first_line}")
        })
}

/// The parameters of a *AndGetDigits action, durations wall-clock.
#[derive(Debug, Clone)]
pub(crate) struct GetDigitsRules {
    /// How long the main prompt plays.
    pub(crate) prompt: Duration,
    /// How long the failure prompt plays (zero without one).
    pub(crate) failure_prompt: Duration,
    pub(crate) min_digits: usize,
    pub(crate) max_digits: usize,
    pub(crate) terminators: Vec<char>,
    pub(crate) in_between: Duration,
    /// RepeatDurationInMilliseconds: each attempt's time, from the end of its prompt.
    pub(crate) attempt_timeout: Duration,
    /// Repeat: how many attempts in all.
    pub(crate) attempts: u32,
    pub(crate) regex: Option<Regex>,
}

#[derive(Debug, Clone)]
enum Phase {
    Prompt {
        until: At,
    },
    Collecting {
        since: At,
        digits: String,
        last_digit: Option<At>,
    },
    FailurePrompt {
        until: At,
    },
}

/// What a digit machine has come to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Progress {
    Waiting,
    /// ACTION_SUCCESSFUL with these ReceivedDigits.
    Received(String),
    /// ACTION_FAILED InvalidDigitsReceived: the attempts are exhausted.
    Failed,
}

/// A running SpeakAndGetDigits or PlayAudioAndGetDigits.
#[derive(Debug, Clone)]
pub(crate) struct GetDigits {
    rules: GetDigitsRules,
    phase: Phase,
    /// Attempts that have failed.
    failed: u32,
}

impl GetDigits {
    /// The action starts at `now` with its prompt.
    pub(crate) fn start(rules: GetDigitsRules, now: At) -> GetDigits {
        GetDigits {
            phase: Phase::Prompt {
                until: now + rules.prompt,
            },
            rules,
            failed: 0,
        }
    }

    /// When something happens next if no key is pressed.
    pub(crate) fn deadline(&self) -> At {
        match &self.phase {
            Phase::Prompt { until } | Phase::FailurePrompt { until } => *until,
            Phase::Collecting {
                since, last_digit, ..
            } => {
                let timeout = *since + self.rules.attempt_timeout;
                match last_digit {
                    Some(last) => timeout.min(*last + self.rules.in_between),
                    None => timeout,
                }
            }
        }
    }

    /// The callee presses `digit` at `at` (no earlier than the last call's time).
    pub(crate) fn press(&mut self, at: At, digit: char) -> Progress {
        let progress = self.time_passes(at);
        if progress != Progress::Waiting {
            return progress;
        }
        if let Phase::Prompt { .. } = self.phase {
            // Barge-in: the prompt stops, the key counts.
            self.phase = Phase::Collecting {
                since: at,
                digits: String::new(),
                last_digit: None,
            };
        }
        let Phase::Collecting {
            digits, last_digit, ..
        } = &mut self.phase
        else {
            return Progress::Waiting; // the failure prompt: discarded
        };
        if self.rules.terminators.contains(&digit) {
            let digits = std::mem::take(digits);
            return self.end_attempt(digits, Some(digit), at);
        }
        digits.push(digit);
        *last_digit = Some(at);
        if digits.chars().count() >= self.rules.max_digits {
            let digits = std::mem::take(digits);
            return self.end_attempt(digits, None, at);
        }
        Progress::Waiting
    }

    /// The clock has reached `now`: every deadline up to it takes effect, in order.
    pub(crate) fn time_passes(&mut self, now: At) -> Progress {
        loop {
            let deadline = self.deadline();
            if deadline > now {
                return Progress::Waiting;
            }
            let progress = match &mut self.phase {
                Phase::Prompt { until } => {
                    self.phase = Phase::Collecting {
                        since: *until,
                        digits: String::new(),
                        last_digit: None,
                    };
                    Progress::Waiting
                }
                Phase::FailurePrompt { until } => {
                    self.phase = Phase::Prompt {
                        until: *until + self.rules.prompt,
                    };
                    Progress::Waiting
                }
                Phase::Collecting { digits, .. } => {
                    let digits = std::mem::take(digits);
                    self.end_attempt(digits, None, deadline)
                }
            };
            if progress != Progress::Waiting {
                return progress;
            }
        }
    }

    fn end_attempt(&mut self, digits: String, terminator: Option<char>, at: At) -> Progress {
        if self.accepts(&digits, terminator) {
            return Progress::Received(digits);
        }
        self.failed += 1;
        if self.failed >= self.rules.attempts {
            return Progress::Failed;
        }
        self.phase = Phase::FailurePrompt {
            until: at + self.rules.failure_prompt,
        };
        Progress::Waiting
    }

    fn accepts(&self, digits: &str, terminator: Option<char>) -> bool {
        let count = digits.chars().count();
        if (count == 0 && terminator.is_none())
            || count < self.rules.min_digits
            || count > self.rules.max_digits
        {
            return false;
        }
        match &self.rules.regex {
            None => true,
            Some(regex) => {
                regex.is_match(digits)
                    || terminator.is_some_and(|t| regex.is_match(&format!("{digits}{t}")))
            }
        }
    }
}

/// An active ReceiveDigits on one leg: digits are checked against InputDigitsRegex once
/// InBetweenDigitsDurationInMilliseconds passes without a key, and again when
/// FlushDigitsDurationInMilliseconds has passed since the first digit, when they are flushed
/// (sent to the handler if they match, dropped if not). The next digit starts anew.
#[derive(Debug, Clone)]
pub(crate) struct DigitListener {
    regex: Regex,
    in_between: Duration,
    flush: Duration,
    digits: String,
    first_digit: At,
    last_digit: At,
    /// The in-between check after the last digit has been made.
    checked: bool,
}

impl DigitListener {
    pub(crate) fn new(regex: Regex, in_between: Duration, flush: Duration) -> DigitListener {
        DigitListener {
            regex,
            in_between,
            flush,
            digits: String::new(),
            first_digit: At::ZERO,
            last_digit: At::ZERO,
            checked: false,
        }
    }

    pub(crate) fn press(&mut self, at: At, digit: char) -> Option<String> {
        let matched = self.time_passes(at);
        if self.digits.is_empty() {
            self.first_digit = at;
        }
        self.digits.push(digit);
        self.last_digit = at;
        self.checked = false;
        matched
    }

    pub(crate) fn deadline(&self) -> Option<At> {
        if self.digits.is_empty() {
            return None;
        }
        let flush = self.first_digit + self.flush;
        Some(if self.checked {
            flush
        } else {
            flush.min(self.last_digit + self.in_between)
        })
    }

    /// The clock has reached `now`: the digits that matched, for a DIGITS_RECEIVED, if any.
    pub(crate) fn time_passes(&mut self, now: At) -> Option<String> {
        while let Some(deadline) = self.deadline().filter(|d| *d <= now) {
            let flushing = deadline == self.first_digit + self.flush;
            if self.regex.is_match(&self.digits) {
                self.checked = false;
                return Some(std::mem::take(&mut self.digits));
            }
            if flushing {
                self.digits.clear();
            } else {
                self.checked = true;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> At {
        Duration::from_millis(n)
    }

    /// "press 1 to join, 2 to decline": one digit, two attempts.
    fn menu() -> GetDigitsRules {
        GetDigitsRules {
            prompt: ms(2000),
            failure_prompt: ms(500),
            min_digits: 1,
            max_digits: 1,
            terminators: vec!['#'],
            in_between: ms(3000),
            attempt_timeout: ms(5000),
            attempts: 2,
            regex: Some(compile_regex("^[12]$").unwrap()),
        }
    }

    /// Feeds (time, key) presses, then lets the clock run out; the outcome and when.
    fn run(rules: GetDigitsRules, presses: &[(u64, char)]) -> (Progress, At) {
        let mut machine = GetDigits::start(rules, ms(0));
        for (at, digit) in presses {
            let progress = machine.press(ms(*at), *digit);
            if progress != Progress::Waiting {
                return (progress, ms(*at));
            }
        }
        loop {
            let deadline = machine.deadline();
            let progress = machine.time_passes(deadline);
            if progress != Progress::Waiting {
                return (progress, deadline);
            }
        }
    }

    #[test]
    fn a_key_after_the_prompt_is_received() {
        assert_eq!(
            run(menu(), &[(3000, '1')]),
            (Progress::Received("1".into()), ms(3000))
        );
    }

    #[test]
    fn a_key_during_the_prompt_barges_in() {
        assert_eq!(
            run(menu(), &[(500, '2')]),
            (Progress::Received("2".into()), ms(500))
        );
    }

    #[test]
    fn no_key_repeats_the_prompt_then_fails() {
        // Prompt 0-2 s, attempt until 7 s, failure prompt until 7.5 s, prompt until 9.5 s,
        // second attempt until 14.5 s: failed.
        assert_eq!(run(menu(), &[]), (Progress::Failed, ms(14_500)));
        let mut once = menu();
        once.attempts = 1;
        assert_eq!(run(once, &[]), (Progress::Failed, ms(7000)));
    }

    #[test]
    fn a_wrong_key_is_a_failed_attempt_and_the_next_can_succeed() {
        // 3 fails the regex at 3 s; failure prompt to 3.5 s, prompt to 5.5 s; 1 at 6 s.
        assert_eq!(
            run(menu(), &[(3000, '3'), (6000, '1')]),
            (Progress::Received("1".into()), ms(6000))
        );
        // A key during the failure prompt is discarded.
        assert_eq!(run(menu(), &[(3000, '3'), (3200, '1')]).0, Progress::Failed);
    }

    #[test]
    fn terminators_max_digits_and_the_pause_between_keys_end_an_attempt() {
        let pin = GetDigitsRules {
            prompt: ms(1000),
            failure_prompt: Duration::ZERO,
            min_digits: 3,
            max_digits: 5,
            terminators: vec!['#'],
            in_between: ms(1000),
            attempt_timeout: ms(10_000),
            attempts: 1,
            regex: None,
        };
        let keys = |text: &str, start: u64, gap: u64| -> Vec<(u64, char)> {
            text.chars()
                .enumerate()
                .map(|(i, c)| (start + gap * i as u64, c))
                .collect()
        };
        assert_eq!(
            run(pin.clone(), &keys("123#", 2000, 100)).0,
            Progress::Received("123".into())
        );
        assert_eq!(
            run(pin.clone(), &keys("12345678", 2000, 100)),
            (Progress::Received("12345".into()), ms(2400)),
            "the fifth key ends it"
        );
        assert_eq!(
            run(pin.clone(), &keys("1234", 2000, 100)),
            (Progress::Received("1234".into()), ms(3300)),
            "a second after the last key"
        );
        assert_eq!(
            run(pin.clone(), &keys("12#", 2000, 100)).0,
            Progress::Failed
        );
        // The guide's own regex includes the terminator.
        let mut guide = pin;
        guide.min_digits = 0;
        guide.regex = Some(compile_regex(r"^\d{2}#$").unwrap());
        assert_eq!(
            run(guide, &keys("12#", 2000, 100)).0,
            Progress::Received("12".into())
        );
    }

    #[test]
    fn the_terminator_alone_is_no_digit() {
        // A one-key prompt for `#` whose terminator is `#` (the default): the key ends the
        // attempt with no digits, below MinNumberOfDigits.
        let mut hash = menu();
        hash.regex = Some(compile_regex("^#$").unwrap());
        hash.attempts = 1;
        assert_eq!(run(hash, &[(3000, '#')]), (Progress::Failed, ms(3000)));
    }

    #[test]
    fn regexes_are_bounded() {
        assert!(compile_regex(r"^\d{2}#$").is_ok());
        assert!(compile_regex("(unclosed")
            .unwrap_err()
            .contains("not a valid"));
        assert!(compile_regex(&"a".repeat(2000))
            .unwrap_err()
            .contains("longer"));
        // Compiles to more than the size limit.
        assert!(compile_regex(r"\w{1000}\w{1000}\w{1000}").is_err());
    }

    #[test]
    fn a_listener_sends_matching_input_after_the_pause_between_keys() {
        let regex = compile_regex(r"^\*\d$").unwrap();
        let mut listener = DigitListener::new(regex, ms(1000), ms(5000));
        assert_eq!(listener.press(ms(100), '*'), None);
        assert_eq!(listener.press(ms(300), '5'), None);
        assert_eq!(listener.deadline(), Some(ms(1300)));
        assert_eq!(listener.time_passes(ms(1299)), None);
        assert_eq!(listener.time_passes(ms(1300)), Some("*5".into()));
        assert_eq!(listener.deadline(), None, "sent input is gone");
        // Input that does not match waits for more keys until the flush drops it.
        assert_eq!(listener.press(ms(2000), '9'), None);
        assert_eq!(listener.time_passes(ms(3000)), None);
        assert_eq!(listener.deadline(), Some(ms(7000)));
        assert_eq!(listener.time_passes(ms(7000)), None);
        assert_eq!(listener.deadline(), None, "flushed");
        // After the flush, the next key starts anew.
        listener.press(ms(8000), '*');
        listener.press(ms(8100), '1');
        assert_eq!(listener.time_passes(ms(9100)), Some("*1".into()));
    }

    #[test]
    fn a_listener_matches_input_completed_after_a_pause() {
        let regex = compile_regex(r"^\d{2}#$").unwrap();
        let mut listener = DigitListener::new(regex, ms(1000), ms(10_000));
        listener.press(ms(0), '1');
        listener.press(ms(100), '2');
        assert_eq!(
            listener.time_passes(ms(1100)),
            None,
            "12 does not match yet"
        );
        // A key after the check: its own check comes a second later.
        assert_eq!(listener.press(ms(2000), '#'), None);
        assert_eq!(listener.time_passes(ms(3000)), Some("12#".into()));
    }
}
