//! The team journal (issue 18): the call journal in a DynamoDB table that every machine of a
//! team shares (`--journal dynamodb:TABLE`, CHIMECALL_JOURNAL, the profile's
//! `chimecall_journal`). Played by moto's server; a "machine" is a hermetic command with a HOME
//! and files of its own, sharing only the table and the sandbox with the others.
//!
//! What is checked: `journal create` (made, then already there), a missing table, a table that
//! is not a journal and a bad table name, each refused before anything is dialed; a call dialed
//! on one machine listed and hung up from others; `journal copy` of a local journal, twice; a
//! bulk run reported from another machine; and the table's faults, through a proxy that
//! throttles, denies or drops its requests: the exit code of each, and no call placed once the
//! journal cannot be written.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::{json, Value};

use crate::support::access_log::{self, of_operation};
use crate::support::dynamodb::{team_batch_name, Fault};
use crate::support::{
    csv_of, fresh_dir, json_lines, path_str, run, sandbox_profile, DynamoDb, FaultProxy, Finished,
    Sandbox, Spawned, Stream,
};

const TABLE: &str = "oncall-calls";

/// The exit of a bulk run stopped by a throttled table: 4, as issue 18 and the fault table of
/// docs/team-journal.md have it for a throttled table (docs/team-journal.md also says a record
/// that cannot be written stops a bulk run with exit 3: the two disagree for this case).
const BULK_RUN_THROTTLED_EXIT: i32 = 4;

fn creates(sandbox: &Sandbox) -> usize {
    of_operation(&sandbox.access_log(), "CreateSipMediaApplicationCall").len()
}

/// A failure's stderr has a `chimecall: error: ...` line naming `dynamodb:TABLE` (every error
/// names the table, a bulk run's last word included).
fn assert_error_names_table(out: &Finished, table: &str) {
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("chimecall: error: ")
                && line.contains(&format!("dynamodb:{table}"))),
        "an error line naming dynamodb:{table}: {}",
        out.stderr
    );
}

/// The rows of `n` distinct numbers `+1206555NNNN`, from `base`.
fn rows(prefix: &str, base: usize, n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| (format!("{prefix}{i}"), format!("+1206555{:04}", base + i)))
        .collect()
}

// ----------------------------------------------------------------------------------------------
// journal create

#[test]
fn team_journal_create_makes_an_on_demand_table_with_ttl_then_finds_it_already_there() {
    let ddb = DynamoDb::start();
    let created = ddb.create(TABLE);
    assert_eq!(created.stdout, format!("dynamodb:{TABLE}\tcreated\n"));
    assert!(ddb.tables().contains(&TABLE.to_string()));

    let (status, described) = ddb.request("DescribeTable", &json!({ "TableName": TABLE }));
    assert_eq!(status, 200, "{described}");
    let table = &described["Table"];
    assert_eq!(table["TableStatus"], "ACTIVE", "{described}");
    assert_eq!(
        table["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST",
        "on-demand: {described}"
    );
    let (status, ttl) = ddb.request("DescribeTimeToLive", &json!({ "TableName": TABLE }));
    assert_eq!(status, 200, "{ttl}");
    assert_eq!(
        ttl["TimeToLiveDescription"]["TimeToLiveStatus"], "ENABLED",
        "{ttl}"
    );
    let items_after_create = ddb.scan(TABLE);
    assert_eq!(
        items_after_create.len(),
        1,
        "a new journal holds its META item alone: {items_after_create:?}"
    );

    // Again: left as it is, exit 0.
    let again = ddb.create(TABLE);
    assert_eq!(again.stdout, format!("dynamodb:{TABLE}\talready there\n"));
    assert_eq!(ddb.scan(TABLE), items_after_create, "nothing written again");

    // JSON, both ways.
    let json_again = run(ddb.chimecall().args([
        "-o",
        "json",
        "journal",
        "create",
        &format!("dynamodb:{TABLE}"),
    ]));
    assert_eq!(json_again.code, 0, "{}", json_again.stderr);
    assert_eq!(
        json_lines(&json_again.stdout),
        [json!({"journal": format!("dynamodb:{TABLE}"), "result": "already there"})]
    );
    let json_new = run(ddb.chimecall().args([
        "-o",
        "json",
        "journal",
        "create",
        "dynamodb:second.journal_2",
    ]));
    assert_eq!(json_new.code, 0, "{}", json_new.stderr);
    assert_eq!(
        json_lines(&json_new.stdout),
        [json!({"journal": "dynamodb:second.journal_2", "result": "created"})]
    );
    // An empty journal reads as one: nothing in it.
    let calls = run(ddb
        .chimecall()
        .args(["--journal", "dynamodb:second.journal_2", "-o", "json"])
        .args(["calls", "--offline"]));
    assert_eq!(calls.code, 0, "{}", calls.stderr);
    assert_eq!(calls.stdout, "");
}

// ----------------------------------------------------------------------------------------------
// Tables that are not there, not journals, or not names

#[test]
fn team_journal_missing_table_exits_3_naming_it_and_no_call_is_placed() {
    let ddb = DynamoDb::start();
    let sandbox = Sandbox::start_with_access_log(&["--no-quotas"]);
    let missing = "nobody-made-this";

    let dial = run(ddb
        .machine(&sandbox, missing)
        .args(["dial", "--to", "+12065550111"]));
    assert_eq!(dial.code, 3, "{}", dial.stderr);
    assert_eq!(dial.stdout, "", "no TransactionId");
    assert_error_names_table(&dial, missing);
    assert!(
        dial.stderr
            .contains(&format!("chimecall journal create dynamodb:{missing}")),
        "says how to make it: {}",
        dial.stderr
    );

    let file = csv_of(&rows("m", 100, 3));
    let bulk = run(ddb.machine(&sandbox, missing).args([
        "dial",
        "--file",
        path_str(&file),
        "--rate",
        "0",
    ]));
    assert_eq!(bulk.code, 3, "{}", bulk.stderr);
    assert_error_names_table(&bulk, missing);

    for args in [
        &["calls"][..],
        &["calls", "--active"],
        &["hangup", "--all"],
        &["report"],
        &["journal", "export"],
    ] {
        let out = run(ddb.machine(&sandbox, missing).args(args));
        assert_eq!(out.code, 3, "{args:?}: {}", out.stderr);
        assert_error_names_table(&out, missing);
    }

    assert_eq!(creates(&sandbox), 0, "no call placed");
    assert!(
        !ddb.tables().contains(&missing.to_string()),
        "no table made behind the user's back"
    );
}

#[test]
fn team_journal_a_table_that_is_not_a_journal_is_refused_and_left_alone() {
    let ddb = DynamoDb::start();
    let sandbox = Sandbox::start_with_access_log(&["--no-quotas"]);

    // Another application's table, with chimecall's key names but no META item.
    let (status, answer) = ddb.request(
        "CreateTable",
        &json!({
            "TableName": "orders",
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"}
            ],
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"}
            ]
        }),
    );
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = ddb.request(
        "PutItem",
        &json!({
            "TableName": "orders",
            "Item": {"pk": {"S": "ORDER#1"}, "sk": {"S": "2026"}, "total": {"N": "12"}}
        }),
    );
    assert_eq!(status, 200, "{answer}");
    // And one keyed its own way.
    let (status, answer) = ddb.request(
        "CreateTable",
        &json!({
            "TableName": "customers",
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]
        }),
    );
    assert_eq!(status, 200, "{answer}");
    let orders_before = ddb.scan("orders");

    let dial = run(ddb
        .machine(&sandbox, "orders")
        .args(["dial", "--to", "+12065550111"]));
    assert_eq!(dial.code, 3, "{}", dial.stderr);
    assert_error_names_table(&dial, "orders");
    assert!(
        dial.stderr.contains("not a chimecall journal"),
        "{}",
        dial.stderr
    );
    let calls = run(ddb.machine(&sandbox, "orders").args(["calls"]));
    assert_eq!(calls.code, 3, "{}", calls.stderr);
    assert!(calls.stderr.contains("orders"), "{}", calls.stderr);

    // `journal create` does not take it over.
    let create = run(ddb
        .chimecall()
        .args(["journal", "create", "dynamodb:orders"]));
    assert_eq!(create.code, 3, "{}", create.stderr);
    assert!(create.stderr.contains("orders"), "{}", create.stderr);
    assert!(
        create.stderr.contains("not a chimecall journal"),
        "{}",
        create.stderr
    );
    assert_eq!(ddb.scan("orders"), orders_before, "the table is left alone");

    // A table keyed another way is no journal either: refused as configuration, naming it.
    let dial = run(ddb
        .machine(&sandbox, "customers")
        .args(["dial", "--to", "+12065550112"]));
    assert_eq!(dial.code, 3, "{}", dial.stderr);
    assert!(dial.stderr.contains("customers"), "{}", dial.stderr);

    assert_eq!(creates(&sandbox), 0, "no call placed");
}

#[test]
fn team_journal_bad_table_names_exit_2_before_anything_is_sent() {
    let ddb = DynamoDb::start();
    let proxy = FaultProxy::start(&ddb);
    let long = format!("dynamodb:{}", "t".repeat(256));
    let bad = [
        "dynamodb:",
        "dynamodb:ab",
        "dynamodb:a/b",
        "dynamodb:has space",
        "dynamodb:semi;colon",
        "dynamodb:caf\u{e9}",
        long.as_str(),
    ];
    let check = |out: &Finished, source: &str, name: &str| {
        assert_eq!(out.code, 2, "{source} {name:?}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{source} {name:?}");
        let lines: Vec<&str> = out.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line: {}", out.stderr);
        assert!(
            lines[0].starts_with("chimecall: error: ") && lines[0].contains(source),
            "names {source}: {}",
            out.stderr
        );
        assert!(
            !lines[0].contains("  "),
            "an error line is one sentence, without runs of spaces: {}",
            out.stderr
        );
    };
    for name in bad {
        let mut cmd = ddb.chimecall();
        proxy.point(&mut cmd);
        let out = run(cmd.args(["--journal", name, "calls"]));
        check(&out, "--journal", name);

        let mut cmd = ddb.chimecall();
        proxy.point(&mut cmd);
        let out = run(cmd.env("CHIMECALL_JOURNAL", name).args(["calls"]));
        check(&out, "CHIMECALL_JOURNAL", name);

        let mut cmd = ddb.chimecall();
        proxy.point(&mut cmd);
        let out = run(cmd.args(["journal", "create", name]));
        check(&out, "journal create", name);
    }
    assert_eq!(proxy.requests(), Vec::<Value>::new(), "nothing sent");
}

// ----------------------------------------------------------------------------------------------
// One table, several machines

#[test]
fn team_journal_a_call_dialed_on_one_machine_is_listed_and_hung_up_from_others() {
    let ddb = DynamoDb::start();
    ddb.create(TABLE);
    let sandbox = Sandbox::start_with_access_log(&["--no-quotas"]);

    // Machine A dials (the journal named by --journal).
    let mut a = ddb.machine(&sandbox, TABLE);
    a.env_remove("CHIMECALL_JOURNAL");
    let dial = run(a.args([
        "--journal",
        &format!("dynamodb:{TABLE}"),
        "dial",
        "--to",
        "+12065550111",
    ]));
    assert_eq!(dial.code, 0, "{}", dial.stderr);
    let tx = dial.stdout.trim().to_string();
    assert_eq!(tx.len(), 36, "a TransactionId: {tx:?}");

    // Machine B lists it (CHIMECALL_JOURNAL), in full and as active.
    let calls = run(ddb.machine(&sandbox, TABLE).args(["-o", "json", "calls"]));
    assert_eq!(calls.code, 0, "{}", calls.stderr);
    let listed = json_lines(&calls.stdout);
    assert_eq!(listed.len(), 1, "{}", calls.stdout);
    assert_eq!(listed[0]["transaction_id"], tx.as_str());
    assert_eq!(listed[0]["to"], "+12065550111");
    assert_eq!(listed[0]["outcome"], "placed");
    let active = run(ddb
        .machine(&sandbox, TABLE)
        .args(["-o", "json", "calls", "--active"]));
    assert_eq!(active.code, 0, "{}", active.stderr);
    let active = json_lines(&active.stdout);
    assert_eq!(active.len(), 1, "{active:?}");
    assert_eq!(active[0]["transaction_id"], tx.as_str());
    let text = run(ddb.machine(&sandbox, TABLE).args(["calls", "--active"]));
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.contains(&tx), "{}", text.stdout);

    // Machine C, configured by its AWS profile's chimecall_journal, hangs everything up.
    let config = sandbox_profile(
        &sandbox,
        "oncall",
        &format!("chimecall_journal = dynamodb:{TABLE}\n"),
    );
    let mut c = ddb.machine(&sandbox, TABLE);
    c.env_remove("CHIMECALL_JOURNAL")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_PROFILE", "oncall");
    let hangup = run(c.args(["-o", "json", "hangup", "--all"]));
    assert_eq!(hangup.code, 0, "{}", hangup.stderr);
    let hung = json_lines(&hangup.stdout);
    assert_eq!(hung.len(), 1, "{}", hangup.stdout);
    assert_eq!(hung[0]["transaction_id"], tx.as_str());
    assert_eq!(hung[0]["result"], "accepted");
    let updates = of_operation(&sandbox.access_log(), "UpdateSipMediaApplicationCall")
        .into_iter()
        .filter(|line| line["transaction_id"] == tx.as_str())
        .count();
    assert_eq!(updates, 1, "one hangup sent");

    // Machine D sees it ended (once the handler's logs say so).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let active = run(ddb
            .machine(&sandbox, TABLE)
            .args(["-o", "json", "calls", "--active"]));
        assert_eq!(active.code, 0, "{}", active.stderr);
        if active.stdout.is_empty() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still active 30 s after the hangup: {}",
            active.stdout
        );
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    // And a second hangup --all from yet another machine has nothing to do.
    let again = run(ddb
        .machine(&sandbox, TABLE)
        .args(["-o", "json", "hangup", "--all"]));
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.stdout, "", "nothing live");
    assert_eq!(creates(&sandbox), 1);
}

#[test]
fn team_journal_copy_of_a_local_journal_twice_copies_once() {
    let ddb = DynamoDb::start();
    ddb.create(TABLE);
    let sandbox = Sandbox::start_with(&["--no-quotas"]);

    // A local journal with a bulk run, a single dial and a hangup in it.
    let file = csv_of(&rows("c", 300, 3));
    let bulk = run(sandbox
        .chimecall()
        .args(["dial", "--file", path_str(&file), "--rate", "0"]));
    assert_eq!(bulk.code, 0, "{}", bulk.stderr);
    let dial = run(sandbox.chimecall().args(["dial", "--to", "+12065550399"]));
    assert_eq!(dial.code, 0, "{}", dial.stderr);
    let tx = dial.stdout.trim().to_string();
    let hangup = run(sandbox.chimecall().args(["hangup", &tx]));
    assert_eq!(hangup.code, 0, "{}", hangup.stderr);
    let local = sandbox.journal_records();
    assert!(local.len() >= 9, "{local:?}");
    let local_path = sandbox.journal();
    let local_path = path_str(&local_path);
    let to = format!("dynamodb:{TABLE}");

    let first = run(ddb.chimecall().args(["journal", "copy", local_path, &to]));
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(
        first.stdout.trim_end(),
        format!(
            "copied {} records from {local_path} to {to} (0 already there)",
            local.len()
        ),
        "{}",
        first.stderr
    );

    let second = run(ddb
        .chimecall()
        .args(["-o", "json", "journal", "copy", local_path, &to]));
    assert_eq!(second.code, 0, "{}", second.stderr);
    let answer = json_lines(&second.stdout);
    assert_eq!(answer.len(), 1, "{}", second.stdout);
    assert_eq!(answer[0]["from"], local_path);
    assert_eq!(answer[0]["to"], to.as_str());
    assert_eq!(answer[0]["copied"], 0, "{}", second.stdout);
    assert_eq!(answer[0]["already_there"], local.len(), "{}", second.stdout);

    // Another machine exports the table: the same records as the local journal.
    let export = run(ddb
        .chimecall()
        .args(["--journal", &to, "journal", "export"]));
    assert_eq!(export.code, 0, "{}", export.stderr);
    let canonical = |records: &[Value]| -> Vec<String> {
        let mut lines: Vec<String> = records.iter().map(Value::to_string).collect();
        lines.sort();
        lines
    };
    assert_eq!(
        canonical(&json_lines(&export.stdout)),
        canonical(&local),
        "the table holds the local journal's records, once each"
    );

    // And reads them as the local journal does: the same dials, in `calls`.
    let calls_of = |cmd: &mut Command| -> BTreeSet<String> {
        let out = run(cmd.args(["-o", "json", "calls", "--offline"]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        json_lines(&out.stdout)
            .iter()
            .map(|dial| format!("{} {} {}", dial["dial_id"], dial["to"], dial["outcome"]))
            .collect()
    };
    let team = calls_of(ddb.chimecall().args(["--journal", &to]));
    let mine = calls_of(&mut sandbox.chimecall());
    assert_eq!(team.len(), 4, "{team:?}");
    assert_eq!(team, mine);

    // Copying into a table that is not there: exit 3, naming it.
    let missing =
        run(ddb
            .chimecall()
            .args(["journal", "copy", local_path, "dynamodb:not-made-yet"]));
    assert_eq!(missing.code, 3, "{}", missing.stderr);
    assert_error_names_table(&missing, "not-made-yet");
}

#[test]
fn team_journal_report_batch_from_another_machine() {
    let ddb = DynamoDb::start();
    ddb.create(TABLE);
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let list = "to,id\n+12065550401,ann\n+12065550402,bob\n+12065550403,cy\n";

    // Machine A runs the list from its own directory.
    let a_dir = fresh_dir("machine-a");
    std::fs::write(a_dir.join("oncall.csv"), list).unwrap();
    let bulk = run(ddb.machine(&sandbox, TABLE).current_dir(&a_dir).args([
        "dial",
        "--file",
        "oncall.csv",
        "--rate",
        "0",
    ]));
    assert_eq!(bulk.code, 0, "{}", bulk.stderr);
    let batch = team_batch_name(&a_dir.join("oncall.csv"));
    assert!(
        bulk.stderr
            .lines()
            .any(|line| line == format!("batch: {batch}")),
        "the batch of a file on a team journal is its name and digest, {batch}: {}",
        bulk.stderr
    );

    // Machine B has its own copy of the list, elsewhere.
    let b_dir = fresh_dir("machine-b");
    std::fs::write(b_dir.join("oncall.csv"), list).unwrap();
    for named in [
        path_str(&b_dir.join("oncall.csv")).to_string(),
        batch.clone(),
    ] {
        let report = run(ddb
            .machine(&sandbox, TABLE)
            .current_dir(&b_dir)
            .args(["-o", "json", "report", "--batch", &named]));
        assert_eq!(report.code, 0, "{named}: {}", report.stderr);
        let lines = json_lines(&report.stdout);
        let summary = lines
            .iter()
            .find(|line| line["type"] == "batch")
            .unwrap_or_else(|| panic!("{named}: no batch line: {}", report.stdout));
        assert_eq!(summary["batch"], batch.as_str(), "{named}");
        assert_eq!(summary["rows"], 3, "{named}: {summary}");
        assert_eq!(summary["attempts"], 3, "{named}: {summary}");
    }
    let export = run(ddb
        .machine(&sandbox, TABLE)
        .args(["journal", "export", "--batch", &batch]));
    assert_eq!(export.code, 0, "{}", export.stderr);
    let intents: Vec<Value> = json_lines(&export.stdout)
        .into_iter()
        .filter(|record| record["type"] == "intent")
        .collect();
    assert_eq!(intents.len(), 3, "{}", export.stdout);
    assert!(intents
        .iter()
        .all(|intent| intent["batch"] == batch.as_str()));
}

// ----------------------------------------------------------------------------------------------
// Faults of the table

/// A bulk run of `n` rows at `rate` through the proxy, as text.
fn bulk_through(
    ddb: &DynamoDb,
    proxy: &FaultProxy,
    sandbox: &Sandbox,
    n: usize,
    rate: &str,
) -> Spawned {
    let file = csv_of(&rows("f", 500, n));
    let mut cmd = ddb.machine(sandbox, TABLE);
    proxy.point(&mut cmd);
    cmd.args([
        "dial",
        "--file",
        path_str(&file),
        "--rate",
        rate,
        "--max-active",
        "0",
    ]);
    Spawned::start(&mut cmd)
}

/// Every create the sandbox served carries a request id journaled as an intent in the table
/// (read straight from moto): nothing was dialed that the journal does not hold.
fn assert_every_create_journaled(ddb: &DynamoDb, sandbox: &Sandbox) {
    let journaled = ddb
        .scan(TABLE)
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    for create in of_operation(&sandbox.access_log(), "CreateSipMediaApplicationCall") {
        let id = create["client_request_id"].as_str().unwrap_or_default();
        assert!(
            !id.is_empty() && journaled.contains(id),
            "a create whose request id the journal does not hold: {create}"
        );
    }
}

/// Runs a bulk run through the proxy, switches the proxy to `fault` once `placed` rows are
/// placed, and returns the run and how many creates arrived after the switch.
fn fault_mid_run(
    ddb: &DynamoDb,
    proxy: &FaultProxy,
    sandbox: &Sandbox,
    fault: Fault,
) -> (Finished, usize) {
    let mut bulk = bulk_through(ddb, proxy, sandbox, 40, "5");
    bulk.wait_for_lines(Stream::Stdout, "placed rows", 3, |line| {
        line.contains("\tplaced\t")
    });
    let switched = access_log::now_ms();
    proxy.set(fault);
    let out = bulk.finish();
    let lines = sandbox.access_log();
    let creates = of_operation(&lines, "CreateSipMediaApplicationCall");
    let after = access_log::arrived_since(&creates, switched).len();
    (out, after)
}

#[test]
fn team_journal_throttled_table_exits_4_and_no_further_call_is_placed() {
    let ddb = DynamoDb::start();
    ddb.create(TABLE);
    let proxy = FaultProxy::start(&ddb);
    let sandbox = Sandbox::start_with_access_log(&["--no-quotas"]);

    // Throttled from the start: a single dial places nothing.
    proxy.set(Fault::Throttle);
    let mut cmd = ddb.machine(&sandbox, TABLE);
    proxy.point(&mut cmd);
    let dial = run(cmd.args(["dial", "--to", "+12065550111"]));
    assert_eq!(dial.code, 4, "{}", dial.stderr);
    assert_error_names_table(&dial, TABLE);
    assert!(dial.stderr.contains("throttled"), "{}", dial.stderr);
    assert_eq!(creates(&sandbox), 0);

    // Throttled mid-run: the run stops before its next call.
    proxy.set(Fault::Pass);
    let (out, after) = fault_mid_run(&ddb, &proxy, &sandbox, Fault::Throttle);
    assert_eq!(out.code, BULK_RUN_THROTTLED_EXIT, "{}", out.stderr);
    assert_error_names_table(&out, TABLE);
    assert!(out.stderr.contains("throttled"), "{}", out.stderr);
    let total = creates(&sandbox);
    assert!(
        after <= 1,
        "{after} creates after the table was throttled (one may have been in flight)"
    );
    assert!(total < 40, "the run stopped: {total} of 40 rows dialed");
    let throttled = proxy
        .requests()
        .iter()
        .filter(|request| request["mode"] == "throttle")
        .count();
    assert!(throttled >= 1, "the table was asked and throttled");
    proxy.set(Fault::Pass);
    assert_every_create_journaled(&ddb, &sandbox);
}

#[test]
fn team_journal_denied_table_exits_3() {
    let ddb = DynamoDb::start();
    ddb.create(TABLE);
    let proxy = FaultProxy::start(&ddb);
    let sandbox = Sandbox::start_with_access_log(&["--no-quotas"]);

    // No permission at all.
    proxy.set(Fault::Deny);
    let mut cmd = ddb.machine(&sandbox, TABLE);
    proxy.point(&mut cmd);
    let dial = run(cmd.args(["dial", "--to", "+12065550111"]));
    assert_eq!(dial.code, 3, "{}", dial.stderr);
    assert_error_names_table(&dial, TABLE);
    assert!(dial.stderr.contains("AccessDenied"), "{}", dial.stderr);

    // Read-only permission: the journal opens, the dial's first write is denied.
    proxy.set_for(
        Fault::Deny,
        &[
            "PutItem",
            "UpdateItem",
            "DeleteItem",
            "BatchWriteItem",
            "TransactWriteItems",
        ],
    );
    let mut cmd = ddb.machine(&sandbox, TABLE);
    proxy.point(&mut cmd);
    let dial = run(cmd.args(["dial", "--to", "+12065550112"]));
    assert_eq!(dial.code, 3, "{}", dial.stderr);
    assert_error_names_table(&dial, TABLE);
    let mut cmd = ddb.machine(&sandbox, TABLE);
    proxy.point(&mut cmd);
    let calls = run(cmd.args(["calls", "--offline"]));
    assert_eq!(calls.code, 0, "reading needs no write: {}", calls.stderr);

    let file = csv_of(&rows("d", 600, 3));
    let mut cmd = ddb.machine(&sandbox, TABLE);
    proxy.point(&mut cmd);
    let bulk = run(cmd.args(["dial", "--file", path_str(&file), "--rate", "0"]));
    assert_eq!(bulk.code, 3, "{}", bulk.stderr);
    assert_error_names_table(&bulk, TABLE);

    assert_eq!(creates(&sandbox), 0, "no call placed without its journal");
}

#[test]
fn team_journal_network_gone_mid_run_stops_before_any_further_call() {
    let ddb = DynamoDb::start();
    ddb.create(TABLE);
    let proxy = FaultProxy::start(&ddb);
    let sandbox = Sandbox::start_with_access_log(&["--no-quotas"]);

    let (out, after) = fault_mid_run(&ddb, &proxy, &sandbox, Fault::Close);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_error_names_table(&out, TABLE);
    let total = creates(&sandbox);
    assert!(
        after <= 1,
        "{after} creates after the network went (one may have been in flight)"
    );
    assert!(total < 40, "the run stopped: {total} of 40 rows dialed");
    proxy.set(Fault::Pass);
    assert_every_create_journaled(&ddb, &sandbox);

    // A dial with the network gone from the start places nothing, exit 3.
    proxy.set(Fault::Close);
    let before = creates(&sandbox);
    let mut cmd = ddb.machine(&sandbox, TABLE);
    proxy.point(&mut cmd);
    let dial = run(cmd.args(["dial", "--to", "+12065550111"]));
    assert_eq!(dial.code, 3, "{}", dial.stderr);
    assert_error_names_table(&dial, TABLE);
    assert_eq!(creates(&sandbox), before);
}
