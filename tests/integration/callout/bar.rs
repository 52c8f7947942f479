//! The issue's first bar line: the sandbox with its defaults (a fresh account's quotas; the clock
//! three times faster) and a callees file, four on-call rows each with its own text, dialled in
//! one run that succeeds on the acknowledgement key: `--say` for the run, a `say` column for each
//! row's own text, `--ack 1`.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::protocol::{self, Invocation};
use crate::support::{fresh_dir, json_lines, path_str, run, Sandbox};

const CALLEES: &str = r#"
# A presses 1.
[[callee]]
number = "+12065553001"
press = [{ after = "5s", digits = "1" }]

# B presses 2, then nothing.
[[callee]]
number = "+12065553002"
press = [{ after = "5s", digits = "2" }]

# C answers and presses nothing.
[[callee]]
number = "+12065553003"

# D is busy.
[[callee]]
number = "+12065553004"
busy = true
"#;

const ROWS: &str = "id,to,say
A,+12065553001,INC-42 for Alice: payments database down.
B,+12065553002,INC-42 for Bob: payments database down.
C,+12065553003,INC-42 for Carol: payments database down.
D,+12065553004,INC-42 for Dave: payments database down.
";

fn kinds(call: &[Invocation]) -> Vec<String> {
    call.iter().map(|i| protocol::summary(&i.event)).collect()
}

fn actions(invocation: &Invocation) -> Value {
    let leg_a = protocol::leg_a_call_id(&invocation.event);
    let answer = invocation.answer.as_ref().expect("an answer");
    protocol::with_leg_names(&answer["Actions"], &leg_a)
}

#[test]
fn an_on_call_list_is_called_out_and_only_the_key_acknowledges() {
    let dir = fresh_dir("callout-bar");
    let callees = dir.join("callees.toml");
    std::fs::write(&callees, CALLEES).unwrap();
    let rows = dir.join("oncall.csv");
    std::fs::write(&rows, ROWS).unwrap();
    // A fresh account's quotas; the clock three times faster (the prompt is said three times
    // for a callee who presses nothing).
    let sandbox = Sandbox::start_with(&["--callees", path_str(&callees), "--time-scale", "3"]);
    let out = run(sandbox.chimecall().args([
        "-o",
        "json",
        "dial",
        "--file",
        path_str(&rows),
        "--say",
        "INC-42: payments database down",
        "--ack",
        "1",
        "--wait",
        "ended",
    ]));
    // B, C and D ended without success.
    assert_eq!(out.code, 5, "{}\n{}", out.stdout, out.stderr);
    let ends: BTreeMap<String, Value> = json_lines(&out.stdout)
        .into_iter()
        .filter(|record| record.get("disposition").is_some())
        .map(|end| (end["row"].as_str().unwrap().to_string(), end))
        .collect();
    let dispositions: BTreeMap<&str, &str> = ends
        .iter()
        .map(|(row, end)| (row.as_str(), end["disposition"].as_str().unwrap()))
        .collect();
    assert_eq!(
        dispositions,
        BTreeMap::from([
            ("A", "acknowledged"),
            ("B", "unacknowledged"),
            ("C", "unacknowledged"),
            ("D", "busy"),
        ]),
        "{}",
        out.stdout
    );
    assert_eq!(ends["A"]["digits"], "1", "{}", ends["A"]);

    let all = protocol::invocations(&sandbox, "chimecall-sandbox-handler");
    let call = |row: &str| protocol::of_call(&all, ends[row]["transaction_id"].as_str().unwrap());
    for (row, name) in [("A", "Alice"), ("B", "Bob"), ("C", "Carol")] {
        let call = call(row);
        let answered = call
            .iter()
            .find(|i| i.kind() == "CALL_ANSWERED")
            .unwrap_or_else(|| panic!("{row}: no CALL_ANSWERED: {:?}", kinds(&call)));
        let prompt = &actions(answered)[0];
        assert_eq!(prompt["Type"], "SpeakAndGetDigits", "{row}: {prompt}");
        assert_eq!(
            prompt["Parameters"]["SpeechParameters"]["Text"],
            format!("INC-42 for {name}: payments database down. Press 1 to acknowledge."),
            "{row}"
        );
        assert_eq!(prompt["Parameters"]["InputDigitsRegex"], "^1$", "{row}");
        assert_eq!(prompt["Parameters"]["CallId"], "LEG-A", "{row}");
    }
    let acknowledged = call("A");
    assert_eq!(
        kinds(&acknowledged),
        [
            "NEW_OUTBOUND_CALL",
            "RINGING",
            "CALL_ANSWERED",
            "ACTION_SUCCESSFUL SpeakAndGetDigits ReceivedDigits=1",
            "HANGUP 0 LEG-A"
        ]
    );
    let confirmation = actions(&acknowledged[3]);
    assert_eq!(confirmation[0]["Type"], "Speak", "{confirmation}");
    assert_eq!(
        confirmation[0]["Parameters"]["Text"],
        "Acknowledged. Thank you."
    );
    assert_eq!(
        confirmation[1],
        json!({"Type": "Hangup", "Parameters": {"CallId": "LEG-A", "SipResponseCode": "0"}})
    );
    for row in ["B", "C"] {
        assert_eq!(
            kinds(&call(row))[3..],
            [
                "ACTION_FAILED SpeakAndGetDigits InvalidDigitsReceived",
                "HANGUP 0 LEG-A"
            ],
            "{row}"
        );
    }
    assert_eq!(
        kinds(&call("D")),
        ["NEW_OUTBOUND_CALL", "RINGING", "HANGUP 486 LEG-A"]
    );
}
