//! The simulated callee: who picks up the far end of a call leg, when, which keys they press and
//! when they hang up. The sandbox has no phone network, so the number called chooses. First the
//! `--callees` file (read by `callee_file`): the first entry whose number matches wins, and
//! entries sharing a number are a weighted mix. A number no entry matches keeps the built-in
//! rules, by its last digits: ...486 is busy (486), ...480 never answers (480 at the ring
//! timeout), ...487 answers, then hangs up 1 s later; any other number answers after
//! `--answer-after`.
//!
//! Which entry of a mix a call gets is a pure function of the seed, the number and how many
//! calls that number had before (`mix_pick`), not a draw from a shared random stream: the same
//! seed gives each number the same outcomes whatever order the calls arrive in.
//!
//! The book indexes its rules by pattern, so reading a file of n entries and finding a number's
//! rule take time linear in n and constant per call (64,000 entries once took 10.7 s to start,
//! each entry scanning every rule before it).
//!
//! Everything here is simulated time; the call's task scales it (`time_scale`).

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// A callee of the built-in ...487 rule hangs up this long after answering.
const HANGS_UP_AFTER: Duration = Duration::from_secs(1);
/// How long a busy or rejecting line takes to say so.
pub(crate) const REFUSES_AFTER: Duration = Duration::from_millis(100);
/// The digits of one `press` entry are this far apart.
pub(crate) const BETWEEN_PRESSED_DIGITS: Duration = Duration::from_millis(100);

/// How the callee meets the ringing phone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Pickup {
    /// Answers after this long (`None`: `--answer-after`).
    Answers { after: Option<Duration> },
    /// 486 Busy Here.
    Busy,
    /// Rings until the ring timeout: 480.
    NoAnswer,
    /// Refuses with this SIP code (603 Decline, ...).
    Reject(u16),
}

/// One key the callee presses, this long after answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Press {
    pub(crate) after: Duration,
    pub(crate) digit: char,
}

/// Everything one callee does on one call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Script {
    pub(crate) pickup: Pickup,
    /// In time order.
    pub(crate) presses: Vec<Press>,
    /// Counted from the answer.
    pub(crate) hangs_up_after: Option<Duration>,
}

/// How the ringing ends, counted from when the leg starts ringing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ringing {
    pub(crate) rings_for: Duration,
    /// `None`: answered; otherwise the SIP code it ends unanswered with.
    pub(crate) unanswered: Option<u16>,
}

impl Script {
    fn answers(hangs_up_after: Option<Duration>) -> Script {
        Script {
            pickup: Pickup::Answers { after: None },
            presses: Vec::new(),
            hangs_up_after,
        }
    }

    fn refuses(pickup: Pickup) -> Script {
        Script {
            pickup,
            presses: Vec::new(),
            hangs_up_after: None,
        }
    }

    /// The built-in rules, by the number's last digits.
    pub(crate) fn built_in(number: &str) -> Script {
        if number.ends_with("486") {
            Script::refuses(Pickup::Busy)
        } else if number.ends_with("480") {
            Script::refuses(Pickup::NoAnswer)
        } else if number.ends_with("487") {
            Script::answers(Some(HANGS_UP_AFTER))
        } else {
            Script::answers(None)
        }
    }

    /// The ringing, given the default time to answer and how long a phone may ring. A callee
    /// slower than the ring timeout never gets to answer.
    pub(crate) fn ringing(&self, answer_after: Duration, ring_timeout: Duration) -> Ringing {
        let unanswered = |rings_for, code| Ringing {
            rings_for,
            unanswered: Some(code),
        };
        match self.pickup {
            Pickup::Busy => unanswered(REFUSES_AFTER.min(ring_timeout), 486),
            Pickup::Reject(code) => unanswered(REFUSES_AFTER.min(ring_timeout), code),
            Pickup::NoAnswer => unanswered(ring_timeout, 480),
            Pickup::Answers { after } => {
                let after = after.unwrap_or(answer_after);
                if after >= ring_timeout {
                    unanswered(ring_timeout, 480)
                } else {
                    Ringing {
                        rings_for: after,
                        unanswered: None,
                    }
                }
            }
        }
    }
}

/// What a number matches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum NumberPattern {
    /// One number, its digits without the `+`.
    Exact(String),
    /// Every number whose digits start with these (`+1206*`; `*` alone matches all).
    Prefix(String),
}

impl NumberPattern {
    fn matches(&self, digits: &str) -> bool {
        match self {
            NumberPattern::Exact(exact) => exact == digits,
            NumberPattern::Prefix(prefix) => digits.starts_with(prefix.as_str()),
        }
    }
}

/// One `number` of the file, with its entry or its weighted mix of entries.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rule {
    pub(crate) pattern: NumberPattern,
    /// (weight, script), in file order.
    pub(crate) mix: Vec<(f64, Script)>,
}

/// The longest prefix a pattern can hold: an E.164 number has at most 15 digits.
const MAX_PATTERN_DIGITS: usize = 15;

/// The `--callees` file, read (see `callee_file`). Empty: every number keeps the built-in rules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CalleeBook {
    /// In file order (of each number's first entry): the first that matches wins.
    pub(crate) rules: Vec<Rule>,
    /// Each exact number's rule, by its index in `rules`.
    exact: HashMap<String, usize>,
    /// Each prefix's rule, by its index in `rules`.
    prefixes: HashMap<String, usize>,
}

impl CalleeBook {
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether any number has more than one entry.
    pub fn has_mixes(&self) -> bool {
        self.rules.iter().any(|rule| rule.mix.len() > 1)
    }

    /// Adds an entry: a new rule, or one more choice in the mix of the rule with its pattern.
    /// One map lookup, whatever the number of rules before it.
    pub(crate) fn add(&mut self, pattern: NumberPattern, weight: f64, script: Script) {
        let index = self.rules.len();
        let slot = match &pattern {
            NumberPattern::Exact(digits) => self.exact.entry(digits.clone()),
            NumberPattern::Prefix(digits) => self.prefixes.entry(digits.clone()),
        };
        match slot {
            Entry::Occupied(rule) => self.rules[*rule.get()].mix.push((weight, script)),
            Entry::Vacant(slot) => {
                slot.insert(index);
                self.rules.push(Rule {
                    pattern,
                    mix: vec![(weight, script)],
                });
            }
        }
    }

    /// The first rule, in file order, whose pattern matches: the number itself, or one of its
    /// at most 16 prefixes (the empty one is `*`), each a map lookup.
    fn rule_for(&self, digits: &str) -> Option<&Rule> {
        let exact = self.exact.get(digits);
        let prefixes = (0..=digits.len().min(MAX_PATTERN_DIGITS))
            .filter(|&end| digits.is_char_boundary(end))
            .filter_map(|end| self.prefixes.get(&digits[..end]));
        let first = exact.into_iter().chain(prefixes).min()?;
        let rule = &self.rules[*first];
        debug_assert!(rule.pattern.matches(digits));
        Some(rule)
    }
}

/// The callees of a running sandbox: the book, the seed of its mixes, and how many times each
/// number has been called.
#[derive(Debug)]
pub(crate) struct Callees {
    book: CalleeBook,
    seed: u64,
    calls: Mutex<HashMap<String, u64>>,
}

impl Callees {
    pub(crate) fn new(book: CalleeBook, seed: u64) -> Callees {
        Callees {
            book,
            seed,
            calls: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn seed(&self) -> u64 {
        self.seed
    }

    /// Who answers this call to `number` (each call counts, answered or not).
    pub(crate) fn script_for(&self, number: &str) -> Script {
        let digits = number.strip_prefix('+').unwrap_or(number);
        let nth = {
            let mut calls = self.calls.lock().expect("callee call counts");
            let count = calls.entry(digits.to_string()).or_insert(0);
            let nth = *count;
            *count += 1;
            nth
        };
        match self.book.rule_for(digits) {
            None => Script::built_in(number),
            Some(rule) => {
                let weights: Vec<f64> = rule.mix.iter().map(|(weight, _)| *weight).collect();
                rule.mix[mix_pick(self.seed, digits, nth, &weights)]
                    .1
                    .clone()
            }
        }
    }
}

/// Which of `weights` the `nth` call (0 for the first) to `number` gets: a hash of (seed,
/// number, nth) as a fraction of the total weight. FNV-1a then SplitMix64's finaliser: stable
/// across Rust releases and platforms, unlike std's hashers.
///
/// Weights are relative: they are divided by the largest first, so their sum is finite however
/// large each is (`1e308` and `1e308` once summed to infinity, and every call got the last
/// entry). A weight below 1e-308 of the largest rounds to 0 and is never picked.
pub(crate) fn mix_pick(seed: u64, number: &str, nth: u64, weights: &[f64]) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = seed
        .to_le_bytes()
        .into_iter()
        .chain(number.bytes())
        .chain(nth.to_le_bytes());
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^= hash >> 31;
    // 53 bits: exactly representable, uniform in [0, 1).
    let fraction = (hash >> 11) as f64 / (1u64 << 53) as f64;
    let largest = weights
        .iter()
        .copied()
        .filter(|weight| weight.is_finite())
        .fold(0.0_f64, f64::max);
    if largest <= 0.0 {
        return 0;
    }
    let share = |weight: f64| {
        if weight.is_finite() && weight > 0.0 {
            weight / largest
        } else {
            0.0
        }
    };
    let total: f64 = weights.iter().map(|weight| share(*weight)).sum();
    let mut point = fraction * total;
    let mut last_picked = 0;
    for (index, weight) in weights.iter().enumerate() {
        let weight = share(*weight);
        if weight > 0.0 {
            if point < weight {
                return index;
            }
            last_picked = index;
        }
        point -= weight;
    }
    // Rounding left the point at the very end: the last entry that has a share.
    last_picked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_rules_go_by_the_last_digits() {
        assert_eq!(Script::built_in("+12065550486").pickup, Pickup::Busy);
        assert_eq!(Script::built_in("+12065550480").pickup, Pickup::NoAnswer);
        let hangs_up = Script::built_in("+12065550487");
        assert_eq!(hangs_up.pickup, Pickup::Answers { after: None });
        assert_eq!(hangs_up.hangs_up_after, Some(HANGS_UP_AFTER));
        assert_eq!(Script::built_in("+12065550123").hangs_up_after, None);
    }

    #[test]
    fn ringing_ends_by_the_callee_and_the_ring_timeout() {
        let (two, thirty) = (Duration::from_secs(2), Duration::from_secs(30));
        let busy = Script::refuses(Pickup::Busy).ringing(two, thirty);
        assert_eq!(busy.unanswered, Some(486));
        assert_eq!(busy.rings_for, REFUSES_AFTER);
        let declined = Script::refuses(Pickup::Reject(603)).ringing(two, thirty);
        assert_eq!(declined.unanswered, Some(603));
        let never = Script::refuses(Pickup::NoAnswer).ringing(two, thirty);
        assert_eq!((never.rings_for, never.unanswered), (thirty, Some(480)));
        let slow = Script::answers(None).ringing(thirty, thirty);
        assert_eq!(slow.unanswered, Some(480));
        let answers = Script::answers(None).ringing(two, thirty);
        assert_eq!((answers.rings_for, answers.unanswered), (two, None));
        let own_time = Script {
            pickup: Pickup::Answers {
                after: Some(Duration::from_secs(10)),
            },
            presses: Vec::new(),
            hangs_up_after: None,
        };
        assert_eq!(
            own_time.ringing(two, thirty).rings_for,
            Duration::from_secs(10)
        );
    }

    fn book(rules: Vec<(NumberPattern, Vec<(f64, Script)>)>) -> CalleeBook {
        let mut book = CalleeBook::default();
        for (pattern, mix) in rules {
            for (weight, script) in mix {
                book.add(pattern.clone(), weight, script);
            }
        }
        book
    }

    #[test]
    fn the_first_matching_number_wins_and_the_rest_keep_the_built_in_rules() {
        let reject = Script::refuses(Pickup::Reject(603));
        let callees = Callees::new(
            book(vec![
                (
                    NumberPattern::Exact("12065550111".into()),
                    vec![(1.0, reject.clone())],
                ),
                (
                    NumberPattern::Prefix("1206555".into()),
                    vec![(1.0, Script::refuses(Pickup::Busy))],
                ),
            ]),
            0,
        );
        assert_eq!(callees.script_for("+12065550111"), reject);
        assert_eq!(callees.script_for("12065550111"), reject, "+ is optional");
        assert_eq!(callees.script_for("+12065550999").pickup, Pickup::Busy);
        assert_eq!(
            callees.script_for("+12065550486").pickup,
            Pickup::Busy,
            "the prefix came first"
        );
        assert_eq!(callees.script_for("+13125550123"), Script::answers(None));
    }

    fn busy_share(seed: u64, numbers: impl Iterator<Item = String>) -> Vec<String> {
        numbers
            .filter(|number| mix_pick(seed, number, 0, &[70.0, 30.0]) == 1)
            .collect()
    }

    #[test]
    fn a_70_30_mix_over_100_numbers_gives_about_30_and_repeats_for_a_seed() {
        let numbers = || (0..100).map(|n| format!("1206556{n:04}"));
        for seed in [0, 1, 42, u64::MAX] {
            let busy = busy_share(seed, numbers());
            assert!(
                (18..=42).contains(&busy.len()),
                "seed {seed}: {}",
                busy.len()
            );
            assert_eq!(busy, busy_share(seed, numbers()), "seed {seed} repeats");
            let reversed: Vec<String> = {
                let mut busy = busy_share(seed, numbers().rev());
                busy.reverse();
                busy
            };
            assert_eq!(busy, reversed, "the order of the calls does not matter");
        }
        assert_ne!(busy_share(1, numbers()), busy_share(2, numbers()));
        // Over many numbers the share converges.
        let many = busy_share(7, (0..10_000).map(|n| format!("1312{n:07}"))).len();
        assert!((2_800..=3_200).contains(&many), "{many} of 10000");
    }

    #[test]
    fn the_first_entry_in_file_order_wins_between_a_prefix_and_an_exact_number() {
        let callees = Callees::new(
            book(vec![
                (
                    NumberPattern::Prefix("1206".into()),
                    vec![(1.0, Script::refuses(Pickup::Busy))],
                ),
                (
                    NumberPattern::Exact("12065550111".into()),
                    vec![(1.0, Script::refuses(Pickup::NoAnswer))],
                ),
                (
                    NumberPattern::Exact("13125550111".into()),
                    vec![(1.0, Script::refuses(Pickup::Reject(603)))],
                ),
                (
                    NumberPattern::Prefix(String::new()),
                    vec![(1.0, Script::refuses(Pickup::NoAnswer))],
                ),
            ]),
            0,
        );
        assert_eq!(callees.script_for("+12065550111").pickup, Pickup::Busy);
        assert_eq!(
            callees.script_for("+13125550111").pickup,
            Pickup::Reject(603)
        );
        assert_eq!(callees.script_for("+4420").pickup, Pickup::NoAnswer);
        // Not digits (a bridge's Uri can be anything): only `*` matches.
        assert_eq!(callees.script_for("sip:é@x").pickup, Pickup::NoAnswer);
    }

    #[test]
    fn entries_sharing_a_number_join_one_rule_by_index_not_by_a_scan() {
        let mut book = CalleeBook::default();
        for n in 0..64_000 {
            book.add(
                NumberPattern::Exact(format!("1312{n:07}")),
                1.0,
                Script::answers(None),
            );
            // Each number's second entry finds its rule through the index.
            book.add(
                NumberPattern::Exact(format!("1312{n:07}")),
                2.0,
                Script::refuses(Pickup::Busy),
            );
        }
        assert_eq!(book.rules.len(), 64_000);
        assert_eq!((book.exact.len(), book.prefixes.len()), (64_000, 0));
        for (index, rule) in book.rules.iter().enumerate() {
            let NumberPattern::Exact(digits) = &rule.pattern else {
                panic!("{rule:?}")
            };
            assert_eq!(book.exact[digits], index, "the index points at its rule");
            assert_eq!(rule.mix.len(), 2);
        }
        assert!(std::ptr::eq(
            book.rule_for("13120063999").unwrap(),
            &book.rules[63_999]
        ));
        assert!(book.rule_for("13120064000").is_none());
    }

    #[test]
    fn weights_as_large_as_a_float_holds_still_make_a_fair_mix() {
        let weights = [1e308, 1e308];
        let picks: Vec<usize> = (0..1_000)
            .map(|nth| mix_pick(5, "12065550100", nth, &weights))
            .collect();
        let second = picks.iter().filter(|pick| **pick == 1).count();
        assert!((400..=600).contains(&second), "{second} of 1000");
        // The same shares as 1 and 1.
        let ones: Vec<usize> = (0..1_000)
            .map(|nth| mix_pick(5, "12065550100", nth, &[1.0, 1.0]))
            .collect();
        assert_eq!(picks, ones);
        // A weight too small beside the largest to count is never picked.
        for nth in 0..1_000 {
            assert_eq!(mix_pick(5, "1", nth, &[f64::MIN_POSITIVE, 1e308]), 1);
            assert_eq!(mix_pick(5, "1", nth, &[1e308, f64::MIN_POSITIVE]), 0);
        }
        assert_eq!(
            mix_pick(5, "1", 0, &[f64::MAX, f64::MAX, f64::MAX]),
            2.min(mix_pick(5, "1", 0, &[1.0, 1.0, 1.0]))
        );
    }

    #[test]
    fn each_call_to_a_number_is_its_own_draw_whatever_else_is_called() {
        let mix = vec![
            (70.0, Script::answers(None)),
            (30.0, Script::refuses(Pickup::Busy)),
        ];
        let outcomes = |interleave: bool| {
            let callees = Callees::new(
                book(vec![(NumberPattern::Prefix(String::new()), mix.clone())]),
                9,
            );
            (0..50)
                .map(|_| {
                    if interleave {
                        callees.script_for("+13125550000");
                    }
                    callees.script_for("+12065550100").pickup
                })
                .collect::<Vec<_>>()
        };
        let alone = outcomes(false);
        assert_eq!(alone, outcomes(true));
        let busy = alone.iter().filter(|p| **p == Pickup::Busy).count();
        assert!((5..=25).contains(&busy), "{busy} of 50");
    }
}
