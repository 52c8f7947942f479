//! Escalation (issue 17) against scripted callees, default quotas and a faster clock: tiers,
//! `--until first` and the hangups it sends, `--repeat`.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::access_log::{arrived_ms, of_operation};
use crate::support::{fresh_dir, json_lines, path_str, run, Sandbox};

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path_str(&path).to_string()
}

/// Each row's last end record, by row key.
fn finals(stdout: &str) -> BTreeMap<String, Value> {
    json_lines(stdout)
        .into_iter()
        .filter(|line| line.get("disposition").is_some() && line.get("first_success").is_none())
        .map(|end| (end["row"].as_str().unwrap().to_string(), end))
        .collect()
}

fn created_to(sandbox: &Sandbox) -> Vec<String> {
    sandbox.placed_destinations()
}

const TIERS_CALLEES: &str = r#"
[[callee]]
number = "+12065557001"
busy = true
[[callee]]
number = "+12065557002"
no_answer = true
[[callee]]
number = "+12065557003"
answer_after = "2s"
press = [{ after = "3s", digits = "1" }]
[[callee]]
number = "+12065557004"
answer_after = "40s"
[[callee]]
number = "+12065557005"
[[callee]]
number = "+12065557006"
"#;

const TIERS: &str = "to,id,tier
+12065557001,primary-a,1
+12065557002,primary-b,1
+12065557003,secondary-a,2
+12065557004,secondary-b,2
+12065557005,manager-a,3
+12065557006,manager-b,3
";

#[test]
fn the_first_acknowledgement_ends_an_escalating_run() {
    let dir = fresh_dir("escalation-tiers");
    let callees = write(&dir, "callees.toml", TIERS_CALLEES);
    let rows = write(&dir, "oncall.csv", TIERS);
    let sandbox = Sandbox::start_with_access_log(&[
        "--callees",
        &callees,
        "--time-scale",
        "4",
        "--ring-timeout",
        "20s",
    ]);
    let out = run(sandbox.chimecall().args([
        "-o",
        "json",
        "dial",
        "--file",
        &rows,
        "--say",
        "INC-42: payments database down",
        "--ack",
        "1",
        "--wait",
        "ended",
        "--until",
        "first",
    ]));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let lines = json_lines(&out.stdout);
    let first = lines
        .iter()
        .find(|line| line["first_success"] == true)
        .unwrap_or_else(|| panic!("no first success line: {}", out.stdout));
    assert_eq!(first["row"], "secondary-a", "{first}");
    assert_eq!(
        (first["tier"].as_u64(), first["round"].as_u64()),
        (Some(2), Some(1))
    );
    let finals = finals(&out.stdout);
    let of = |row: &str| finals[row]["disposition"].as_str().unwrap().to_string();
    assert_eq!(of("primary-a"), "busy");
    assert_eq!(of("primary-b"), "no_answer");
    assert_eq!(of("secondary-a"), "acknowledged");
    assert_eq!(of("secondary-b"), "cancelled");
    assert_eq!(of("manager-a"), "cancelled");
    assert_eq!(of("manager-b"), "cancelled");
    // Tier 3 was never dialed; tier 2's other call was hung up.
    let placed = created_to(&sandbox);
    assert!(
        !placed
            .iter()
            .any(|to| to.ends_with("7005") || to.ends_with("7006")),
        "{placed:?}"
    );
    let updates = of_operation(&sandbox.access_log(), "UpdateSipMediaApplicationCall")
        .into_iter()
        .filter(|line| line["status"] == 202)
        .count();
    assert_eq!(updates, 1, "secondary-b's call is hung up, once");

    let report = run(sandbox.chimecall().args(["report", "--batch", &rows]));
    for expected in [
        "acknowledged by secondary-a (+12065557003)",
        "3 cancelled",
        "escalation: 2 tiers reached, 1 round",
        "first success: secondary-a (+12065557003) acknowledged at ",
    ] {
        assert!(
            report.stdout.contains(expected),
            "{expected}: {}",
            report.stdout
        );
    }

    // The dry run's plan of the same file.
    let plan = run(sandbox.chimecall().args([
        "-o",
        "json",
        "dial",
        "--file",
        &rows,
        "--wait",
        "ended",
        "--until",
        "first",
        "--repeat",
        "1",
        "--escalate-after",
        "1m",
        "--dry-run",
    ]));
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let summary = json_lines(&plan.stdout).pop().unwrap();
    assert_eq!(
        summary["tiers"],
        serde_json::json!({"1": 2, "2": 2, "3": 2}),
        "{summary}"
    );
    assert_eq!(summary["escalation"]["until_first"], true, "{summary}");
    assert_eq!(summary["escalation"]["rounds"], 2, "{summary}");
    assert!(
        summary["escalation"]["worst_case_seconds"]
            .as_u64()
            .unwrap()
            > 0
    );
}

#[test]
fn the_other_calls_are_hung_up_within_seconds_of_the_key() {
    let dir = fresh_dir("escalation-hangups");
    let mut callees = String::new();
    let mut rows = String::from("to,id\n");
    for n in 1..=5 {
        let (answer, press) = if n == 3 {
            ("2s", "press = [{ after = \"2s\", digits = \"1\" }]\n")
        } else {
            ("20s", "")
        };
        callees.push_str(&format!(
            "[[callee]]\nnumber = \"+1206555800{n}\"\nanswer_after = \"{answer}\"\n{press}"
        ));
        rows.push_str(&format!("+1206555800{n},r{n}\n"));
    }
    let callees = write(&dir, "callees.toml", &callees);
    let rows = write(&dir, "rows.csv", &rows);
    let sandbox = Sandbox::start_with_access_log(&["--callees", &callees]);
    let out = run(sandbox.chimecall().args([
        "-o", "json", "dial", "--file", &rows, "--say", "INC-7", "--ack", "1", "--wait", "ended",
        "--until", "first", "--rate", "0",
    ]));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let finals = finals(&out.stdout);
    for row in ["r1", "r2", "r4", "r5"] {
        assert_eq!(
            finals[row]["disposition"], "cancelled",
            "{row}: {}",
            out.stdout
        );
    }
    assert_eq!(finals["r3"]["disposition"], "acknowledged");
    // The key's moment, as the handler logged it, against the hangups' arrivals.
    let key_ms = crate::support::first_handler_event_ms(&sandbox, "ACTION_SUCCESSFUL")
        .expect("the key's ACTION_SUCCESSFUL is logged");
    let log = sandbox.access_log();
    let hangups: Vec<i64> = of_operation(&log, "UpdateSipMediaApplicationCall")
        .into_iter()
        .filter(|line| line["status"] == 202)
        .map(arrived_ms)
        .collect();
    assert_eq!(hangups.len(), 4, "{log:?}");
    let last = hangups.iter().max().copied().unwrap();
    assert!(
        last - key_ms <= 3_000,
        "last hangup {} ms after the key",
        last - key_ms
    );
}

#[test]
fn nobody_answers_and_repeat_2_dials_every_row_three_times() {
    let dir = fresh_dir("escalation-repeat");
    let callees = write(
        &dir,
        "callees.toml",
        "[[callee]]\nnumber = \"+12065559001\"\nno_answer = true\n[[callee]]\nnumber = \"+12065559002\"\nno_answer = true\n",
    );
    let rows = write(&dir, "rows.csv", "to,id\n+12065559001,a\n+12065559002,b\n");
    let sandbox = Sandbox::start_with(&["--callees", &callees, "--time-scale", "10"]);
    let out = run(sandbox.chimecall().args([
        "-o",
        "json",
        "dial",
        "--file",
        &rows,
        "--wait",
        "ended",
        "--until",
        "first",
        "--repeat",
        "2",
        "--repeat-after",
        "2s",
        "--rate",
        "0",
    ]));
    assert_eq!(out.code, 5, "{}\n{}", out.stdout, out.stderr);
    let placed = created_to(&sandbox);
    let mut per_number: BTreeMap<&str, usize> = BTreeMap::new();
    for to in &placed {
        *per_number.entry(to.as_str()).or_default() += 1;
    }
    assert_eq!(
        per_number,
        BTreeMap::from([("+12065559001", 3), ("+12065559002", 3)]),
        "{}",
        out.stdout
    );
}

#[test]
fn a_copied_file_run_within_the_minute_rings_nobody_again() {
    use crate::support::with_default_guard;
    let sandbox = Sandbox::start_with(&["--no-quotas", "--time-scale", "10"]);
    let dir = fresh_dir("guard-copy");
    let mut rows = String::from("to,id\n");
    for n in 0..20 {
        rows.push_str(&format!("+120655560{n:02},r{n}\n"));
    }
    let first = write(&dir, "c.csv", &rows);
    let copy = write(&dir, "d.csv", &rows);
    let dial = |file: &str| {
        let mut cmd = sandbox.chimecall();
        with_default_guard(&mut cmd);
        cmd.args([
            "-o",
            "json",
            "dial",
            "--file",
            file,
            "--wait",
            "ended",
            "--timeout",
            "10s",
            "--rate",
            "0",
        ]);
        run(&mut cmd)
    };
    let out = dial(&first);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(sandbox.placed_destinations().len(), 20);
    let out = dial(&copy);
    assert_eq!(out.code, 5, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(
        sandbox.placed_destinations().len(),
        20,
        "no call is placed again"
    );
    let finals = finals(&out.stdout);
    assert_eq!(finals.len(), 20, "{}", out.stdout);
    assert!(
        finals.values().all(|end| end["disposition"] == "guarded"),
        "{}",
        out.stdout
    );
    // One of its numbers, alone: refused; placed with --allow-repeat.
    let single = |extra: &[&str]| {
        let mut cmd = sandbox.chimecall();
        with_default_guard(&mut cmd);
        cmd.args(["dial", "--to", "+12065556003"]).args(extra);
        run(&mut cmd)
    };
    let refused = single(&[]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert_eq!(sandbox.placed_destinations().len(), 20);
    let repeated = single(&["--allow-repeat"]);
    assert_eq!(repeated.code, 0, "{}", repeated.stderr);
    assert_eq!(sandbox.placed_destinations().len(), 21);
}
