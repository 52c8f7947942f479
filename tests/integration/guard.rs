//! The guard that never hounds a number (issue 17): a single `dial --to` over the per-number
//! limits (default 1 a minute, 3 in 15 minutes) is refused with exit 2 before anything is
//! journaled or sent; `--allow-repeat` places it as a deliberate repeat; `--guard`,
//! CHIMECALL_GUARD and the profile's `chimecall_guard` set the limits, in that order.

use std::process::Command;

use serde_json::Value;

use crate::support::access_log;
use crate::support::{chimecall, json_lines, run, sandbox_profile, with_default_guard, Sandbox};

const NUMBER: &str = "+12065550123";

/// The sandbox's `chimecall`, with the guard as a user has it.
fn guarded(sandbox: &Sandbox) -> Command {
    let mut cmd = sandbox.chimecall();
    with_default_guard(&mut cmd);
    cmd
}

fn creates(sandbox: &Sandbox) -> usize {
    access_log::of_operation(&sandbox.access_log(), "CreateSipMediaApplicationCall").len()
}

fn intents(sandbox: &Sandbox) -> Vec<Value> {
    sandbox
        .journal_records()
        .into_iter()
        .filter(|record| record["type"] == "intent")
        .collect()
}

fn ms(time: &str) -> i64 {
    chimecall_model::clock::parse_rfc3339_ms(time).expect("an RFC 3339 time")
}

fn rfc3339(ms: i64) -> String {
    chimecall_model::clock::rfc3339_ms(ms).expect("a time")
}

/// Dials NUMBER through `cmd` (with `extra` arguments to `dial`) and returns its
/// TransactionId, asserting it was placed.
fn placed(cmd: &mut Command, extra: &[&str]) -> String {
    let out = run(cmd.args(["dial", "--to", NUMBER]).args(extra));
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout.trim().to_string()
}

#[test]
fn a_second_dial_within_the_minute_is_refused_naming_the_first_and_nothing_is_sent() {
    let sandbox = Sandbox::start_with_access_log(&["--no-quotas"]);
    placed(&mut guarded(&sandbox), &[]);
    let first = ms(intents(&sandbox)[0]["time"].as_str().unwrap());

    let out = run(guarded(&sandbox).args(["dial", "--to", NUMBER]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    for said in [
        "--guard 1/1m,3/15m holds this call".to_string(),
        format!(
            "{NUMBER} was called 1 time in the last 1m (at {})",
            rfc3339(first)
        ),
        format!("it is free at {} (in ", rfc3339(first + 60_000)),
        "--allow-repeat".to_string(),
    ] {
        assert!(out.stderr.contains(&said), "{said:?} in {}", out.stderr);
    }
    // "(in 42 s)": seconds, at most a minute.
    let wait = out.stderr.split("(in ").nth(1).unwrap();
    assert!(
        wait.starts_with("1 min)") || wait.split(' ').nth(1) == Some("s)."),
        "{}",
        out.stderr
    );
    assert_eq!(creates(&sandbox), 1, "nothing sent");
    assert_eq!(intents(&sandbox).len(), 1, "nothing journaled");

    // Another number is not held; a dry run says the guard would hold this one, and sends nothing.
    let out = run(guarded(&sandbox).args(["dial", "--to", "+12065550124"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run(guarded(&sandbox).args(["-o", "json", "dial", "--to", NUMBER, "--dry-run"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let shown = &json_lines(&out.stdout)[0]["guard"];
    assert_eq!(shown["held"], true, "{shown}");
    assert_eq!(shown["limits"], "1/1m,3/15m");
    assert_eq!(shown["limit"], "1/1m");
    assert_eq!(shown["free_at"], rfc3339(first + 60_000));
    assert_eq!(shown["earlier"], serde_json::json!([rfc3339(first)]));
    let out = run(guarded(&sandbox).args(["dial", "--to", NUMBER, "--dry-run"]));
    assert!(
        out.stdout
            .contains("# a real dial would be refused: --guard 1/1m,3/15m holds this call"),
        "{}",
        out.stdout
    );
    let out = run(guarded(&sandbox).args(["dial", "--to", "+12065550125", "--dry-run"]));
    assert!(
        out.stdout
            .contains("# --guard 1/1m,3/15m lets this call go now"),
        "{}",
        out.stdout
    );
    assert_eq!(creates(&sandbox), 2);
}

#[test]
fn allow_repeat_places_it_the_journal_marks_it_and_it_counts() {
    let sandbox = Sandbox::start_with_access_log(&["--no-quotas"]);
    let first = placed(&mut guarded(&sandbox), &[]);
    let out = run(guarded(&sandbox).args(["dial", "--to", NUMBER, "--allow-repeat"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let repeat = out.stdout.trim().to_string();
    assert!(
        out.stderr.contains("placing it anyway (--allow-repeat)"),
        "{}",
        out.stderr
    );
    assert_eq!(creates(&sandbox), 2);

    let intents = intents(&sandbox);
    assert_eq!(intents.len(), 2);
    assert!(intents[0].get("repeat").is_none(), "{}", intents[0]);
    assert_eq!(intents[1]["repeat"], true, "{}", intents[1]);

    // `calls` shows it, in JSON and in its table.
    let out = run(sandbox
        .chimecall()
        .args(["-o", "json", "calls", "--offline"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let listed = json_lines(&out.stdout);
    let of = |tx: &str| {
        listed
            .iter()
            .find(|call| call["transaction_id"] == tx)
            .unwrap_or_else(|| panic!("{tx} in {listed:?}"))
            .clone()
    };
    assert_eq!(of(&repeat)["repeat"], true);
    assert!(of(&first).get("repeat").is_none());
    let out = run(sandbox.chimecall().args(["calls", "--offline"]));
    let line = out.stdout.lines().find(|l| l.contains(&repeat)).unwrap();
    assert!(line.ends_with("(repeat)"), "{line}");

    // The repeat counts against the guard like any call.
    let out = run(guarded(&sandbox).args(["dial", "--to", NUMBER]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("was called 2 times in the last 1m"),
        "{}",
        out.stderr
    );
    // --allow-repeat on a number the guard does not hold is an ordinary dial.
    let out = run(guarded(&sandbox).args(["dial", "--to", "+12065550126", "--allow-repeat"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let last = self::intents(&sandbox).pop().unwrap();
    assert!(last.get("repeat").is_none(), "{last}");
    assert_eq!(creates(&sandbox), 3);
}

#[test]
fn guard_off_and_a_looser_guard_place_it() {
    let sandbox = Sandbox::start_with_access_log(&["--no-quotas"]);
    placed(&mut guarded(&sandbox), &[]);
    placed(&mut guarded(&sandbox), &["--guard", "off"]);
    placed(&mut guarded(&sandbox), &["--guard", "3/1m"]);
    let out = run(guarded(&sandbox).args(["dial", "--to", NUMBER, "--guard", "3/1m"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("was called 3 times in the last 1m"),
        "{}",
        out.stderr
    );
    assert_eq!(creates(&sandbox), 3);
    assert!(intents(&sandbox).iter().all(|i| i.get("repeat").is_none()));
}

#[test]
fn a_bad_guard_is_refused_with_exit_2_by_the_name_of_its_source() {
    for (value, says) in [
        ("0/1m", "at least 1 call per window"),
        ("1/1m,2/60s", "limit the same window"),
        ("1/soon", "is not a duration"),
        ("sometimes", "is not a limit"),
        ("", "is not a guard"),
    ] {
        let out = run(chimecall().args([
            "dial",
            "--to",
            NUMBER,
            "--sma-id",
            "sma-1",
            "--from",
            "+12065550100",
            "--guard",
            value,
        ]));
        assert_eq!(out.code, 2, "{value:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("error: --guard: \"") && out.stderr.contains(says),
            "{value:?}: {}",
            out.stderr
        );
    }
    let out =
        run(chimecall()
            .env("CHIMECALL_GUARD", "1/0s")
            .args(["dial", "--to", NUMBER, "--dry-run"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("CHIMECALL_GUARD: \"1/0s\": the window must be longer than 0"),
        "{}",
        out.stderr
    );
    // A bulk run refuses it before reading its file.
    let out = run(chimecall().args([
        "dial",
        "--file",
        "/nonexistent.csv",
        "--sma-id",
        "sma-1",
        "--guard",
        "x",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--guard: \"x\""), "{}", out.stderr);
}

#[test]
fn the_profile_key_and_the_variable_are_honoured_below_the_flag() {
    let sandbox = Sandbox::start_with_access_log(&["--no-quotas"]);
    let off = sandbox_profile(&sandbox, "ops", "chimecall_guard = off\n");
    let profile = |config: &std::path::Path| {
        let mut cmd = chimecall();
        with_default_guard(&mut cmd)
            .env("AWS_CONFIG_FILE", config)
            .env("CHIMECALL_JOURNAL", sandbox.journal())
            .args(["--profile", "ops"]);
        cmd
    };
    placed(&mut profile(&off), &[]);
    // The profile's off lets the second through; the variable wins over it, the flag over both.
    placed(&mut profile(&off), &[]);
    let out = run(profile(&off)
        .env("CHIMECALL_GUARD", "1/1m")
        .args(["dial", "--to", NUMBER]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("--guard 1/1m holds this call"),
        "{}",
        out.stderr
    );
    placed(
        profile(&off).env("CHIMECALL_GUARD", "1/1m"),
        &["--guard", "off"],
    );
    placed(profile(&off).env("CHIMECALL_GUARD", "off"), &[]);

    // A profile that sets limits holds the call; a bad profile value is refused by its key.
    let strict = sandbox_profile(&sandbox, "ops", "chimecall_guard = 9/1h\n");
    let out = run(profile(&strict).args(["dial", "--to", NUMBER, "--dry-run"]));
    assert!(
        out.stdout.contains("# --guard 9/1h lets this call go now"),
        "{}",
        out.stdout
    );
    let strict = sandbox_profile(&sandbox, "ops", "chimecall_guard = 4/1h\n");
    let out = run(profile(&strict).args(["dial", "--to", NUMBER]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("--guard 4/1h holds this call")
            && out.stderr.contains("was called 4 times in the last 1h"),
        "{}",
        out.stderr
    );
    let bad = sandbox_profile(&sandbox, "ops", "chimecall_guard = 1/1m,,\n");
    let out = run(profile(&bad).args(["dial", "--to", NUMBER]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("chimecall_guard: "), "{}", out.stderr);
    // No warning that chimecall_guard is an unknown key.
    assert!(!out.stderr.contains("unknown setting"), "{}", out.stderr);
    assert_eq!(creates(&sandbox), 4);
}
