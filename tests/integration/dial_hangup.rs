//! dial, hangup and update against a real sandbox: the bar, and every input rule.

use crate::support::fake_endpoint::{Behaviour, FakeEndpoint};
use crate::support::{run, Sandbox};

fn is_guid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && text.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

fn dial(sandbox: &Sandbox) -> String {
    let out = run(sandbox.chimecall().args(["dial", "--to", "+12065550123"]));
    assert_eq!(out.code, 0, "dial failed: {}", out.stderr);
    out.stdout.trim_end().to_string()
}

#[test]
fn dial_prints_the_transaction_id_alone() {
    let sandbox = Sandbox::start();
    let out = run(sandbox.chimecall().args(["dial", "--to", "+12065550123"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.ends_with('\n'));
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "stdout: {:?}", out.stdout);
    assert!(is_guid(lines[0]), "not a GUID: {:?}", lines[0]);
}

#[test]
fn dial_json_has_the_call() {
    let sandbox = Sandbox::start();
    let out = run(sandbox.chimecall().args([
        "--output",
        "json",
        "dial",
        "--to",
        "+12065550123",
        "--arg",
        "ticket=INC-1",
        "--sip-header",
        "X-Ticket=INC-1",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let value: serde_json::Value =
        serde_json::from_str(out.stdout.trim()).expect("one JSON object");
    assert!(is_guid(value["transaction_id"].as_str().unwrap()));
    assert_eq!(value["sma_id"], sandbox.sma_id());
    assert_eq!(value["from"], sandbox.caller_id());
    assert_eq!(value["to"], "+12065550123");
}

#[test]
fn a_second_hangup_finds_the_call_gone_and_another_journal_not_found() {
    let sandbox = Sandbox::start();
    let tx = dial(&sandbox);
    let first = run(sandbox.chimecall().args(["hangup", &tx]));
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stdout.trim(), tx);
    // The journal shows the call was placed: it has ended, which is what was wanted.
    let second = run(sandbox.chimecall().args(["hangup", &tx]));
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(second.stdout, "");
    assert!(
        second.stderr.contains(&format!("{tx}: already ended")),
        "{}",
        second.stderr
    );
    let json = run(sandbox.chimecall().args(["-o", "json", "hangup", &tx]));
    assert_eq!(
        crate::support::json_lines(&json.stdout)[0]["result"],
        "gone"
    );
    // From a journal that never saw the call, the service's 404 is all there is: not found.
    let elsewhere = crate::support::Journal::new();
    let third = run(sandbox
        .chimecall()
        .env("CHIMECALL_JOURNAL", elsewhere.path())
        .args(["hangup", &tx]));
    assert_eq!(third.code, 7, "{}", third.stderr);
    assert_eq!(third.stdout, "");
    assert!(
        third.stderr.contains("NotFoundException"),
        "{}",
        third.stderr
    );
    assert!(third.stderr.contains(&tx));
    assert!(third.stderr.contains("request id"), "{}", third.stderr);
}

#[test]
fn hangup_of_an_unknown_transaction_is_7() {
    let sandbox = Sandbox::start();
    let out = run(sandbox
        .chimecall()
        .args(["hangup", "00000000-0000-4000-8000-000000000000"]));
    assert_eq!(out.code, 7, "{}", out.stderr);
}

#[test]
fn hangup_of_several_reports_each() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let a = dial(&sandbox);
    let b = dial(&sandbox);
    let unknown = "00000000-0000-4000-8000-000000000000";
    let out = run(sandbox
        .chimecall()
        .args(["--output", "json", "hangup", &a, unknown, &b]));
    assert_eq!(out.code, 7, "{}", out.stderr);
    let results: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["transaction_id"], a.as_str());
    assert_eq!(results[0]["result"], "accepted");
    assert_eq!(results[1]["result"], "failed");
    assert_eq!(results[1]["error"]["code"], "NotFoundException");
    assert_eq!(results[1]["error"]["exit_code"], 7);
    assert_eq!(results[2]["result"], "accepted");
}

#[test]
fn update_sends_arguments_and_only_hangup_ends_the_call() {
    let sandbox = Sandbox::start();
    let tx = dial(&sandbox);
    // No --arg: Arguments {} is still sent (the sandbox refuses an update without Arguments).
    let empty = run(sandbox.chimecall().args(["update", &tx]));
    assert_eq!(empty.code, 0, "{}", empty.stderr);
    assert_eq!(empty.stdout.trim(), tx);
    let other = run(sandbox
        .chimecall()
        .args(["update", &tx, "--arg", "action=play"]));
    assert_eq!(other.code, 0, "{}", other.stderr);
    // The call is still live, so this hangup is accepted, and then it is gone.
    let end = run(sandbox
        .chimecall()
        .args(["update", &tx, "--arg", "action=hangup"]));
    assert_eq!(end.code, 0, "{}", end.stderr);
    let after = run(sandbox.chimecall().args(["update", &tx]));
    assert_eq!(after.code, 7, "{}", after.stderr);
}

#[test]
fn hangup_arg_overrides_the_convention() {
    let sandbox = Sandbox::start();
    let tx = dial(&sandbox);
    let out = run(sandbox
        .chimecall()
        .args(["hangup", &tx, "--arg", "action=transfer"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The built-in handler did not see the hangup verb: the call is still in progress.
    let again = run(sandbox.chimecall().args(["hangup", &tx]));
    assert_eq!(again.code, 0, "{}", again.stderr);
}

#[test]
fn the_service_refuses_a_from_outside_the_inventory_and_an_unknown_sma() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let out =
        run(sandbox
            .chimecall()
            .args(["dial", "--to", "+12065550123", "--from", "+12065550199"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("BadRequestException"), "{}", out.stderr);
    assert!(out.stderr.contains("FromPhoneNumber"), "{}", out.stderr);

    let out = run(sandbox.chimecall().args([
        "dial",
        "--to",
        "+12065550123",
        "--sma-id",
        "00000000-0000-4000-8000-000000000000",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("SipMediaApplicationId"),
        "{}",
        out.stderr
    );

    let out = run(sandbox.chimecall().args([
        "hangup",
        "00000000-0000-4000-8000-000000000001",
        "--sma-id",
        "00000000-0000-4000-8000-000000000000",
    ]));
    assert_eq!(out.code, 7, "{}", out.stderr);
}

#[test]
fn a_wrong_secret_or_key_is_refused_with_403() {
    let sandbox = Sandbox::start();
    let out = run(sandbox
        .chimecall()
        .env("AWS_SECRET_ACCESS_KEY", "wrong-secret")
        .args(["dial", "--to", "+12065550123"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("InvalidSignatureException"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("HTTP 403"), "{}", out.stderr);

    let out = run(sandbox
        .chimecall()
        .env("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNUNKNOWN00")
        .args(["dial", "--to", "+12065550123"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("UnrecognizedClientException"),
        "{}",
        out.stderr
    );

    let out =
        run(sandbox
            .chimecall()
            .args(["--region", "eu-west-1", "dial", "--to", "+12065550123"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("InvalidSignatureException"),
        "{}",
        out.stderr
    );
}

#[test]
fn service_specific_endpoint_variable_wins() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let unreachable = FakeEndpoint::start(Behaviour::Error(500, "ServiceFailureException"));
    // AWS_ENDPOINT_URL points nowhere useful; the Chime SDK Voice one points at the sandbox.
    let out = run(sandbox
        .chimecall()
        .env("AWS_ENDPOINT_URL", &unreachable.url)
        .env("AWS_ENDPOINT_URL_CHIME_SDK_VOICE", sandbox.endpoint())
        .args(["dial", "--to", "+12065550123"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(unreachable.requests(), 0);
    // --endpoint-url beats both.
    let out = run(sandbox
        .chimecall()
        .env("AWS_ENDPOINT_URL_CHIME_SDK_VOICE", &unreachable.url)
        .args([
            "--endpoint-url",
            sandbox.endpoint(),
            "dial",
            "--to",
            "+12065550123",
        ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(unreachable.requests(), 0);
}

/// Each bad input exits 2 with a message naming the flag, and sends nothing: the endpoint is a
/// fake that counts requests.
#[test]
fn bad_input_exits_2_before_any_request() {
    let endpoint = FakeEndpoint::start(Behaviour::Error(500, "ServiceFailureException"));
    let many_args: Vec<String> = (0..21)
        .flat_map(|i| ["--arg".to_string(), format!("k{i}=v")])
        .collect();
    let many_headers: Vec<String> = (0..21)
        .flat_map(|i| ["--sip-header".to_string(), format!("x-h{i}=v")])
        .collect();
    let long_header = format!("x-long={}", "a".repeat(2049));
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--to".into(), "+0123".into()], "--to"),
        (vec!["--to".into(), "+1 206 555 0123".into()], "--to"),
        (vec!["--to".into(), "+12065550123456789".into()], "--to"),
        (
            vec!["--to".into(), "+１２０６５５５０１２３".into()],
            "--to",
        ),
        (
            vec![
                "--to".into(),
                "+12065550123".into(),
                "--from".into(),
                "abc".into(),
            ],
            "--from",
        ),
        (
            [vec!["--to".into(), "+12065550123".into()], many_args].concat(),
            "--arg",
        ),
        (
            [vec!["--to".into(), "+12065550123".into()], many_headers].concat(),
            "--sip-header",
        ),
        (
            vec![
                "--to".into(),
                "+12065550123".into(),
                "--arg".into(),
                "novalue".into(),
            ],
            "--arg",
        ),
        (
            vec![
                "--to".into(),
                "+12065550123".into(),
                "--arg".into(),
                "k=1".into(),
                "--arg".into(),
                "k=2".into(),
            ],
            "--arg",
        ),
        (
            vec![
                "--to".into(),
                "+12065550123".into(),
                "--sip-header".into(),
                "Foo=bar".into(),
            ],
            "--sip-header",
        ),
        (
            vec![
                "--to".into(),
                "+12065550123".into(),
                "--sip-header".into(),
                "X-AMZN-Id=1".into(),
            ],
            "--sip-header",
        ),
        (
            vec![
                "--to".into(),
                "+12065550123".into(),
                "--sip-header".into(),
                long_header,
            ],
            "--sip-header",
        ),
    ];
    for (args, flag) in cases {
        let out = run(crate::support::chimecall()
            .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
            .env("AWS_SECRET_ACCESS_KEY", "secret")
            .env("AWS_REGION", "us-east-1")
            .env("CHIMECALL_SMA_ID", "sma")
            .env("CHIMECALL_FROM", "+12065550100")
            .args(["--endpoint-url", &endpoint.url, "dial"])
            .args(&args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains(flag),
            "{args:?} should name {flag}: {}",
            out.stderr
        );
        assert_eq!(out.stdout, "", "{args:?}");
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
    // Update and hangup check their Arguments too.
    let many: Vec<String> = (0..21)
        .flat_map(|i| ["--arg".to_string(), format!("k{i}=v")])
        .collect();
    for command in ["update", "hangup"] {
        let out = run(crate::support::chimecall()
            .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
            .env("AWS_SECRET_ACCESS_KEY", "secret")
            .env("AWS_REGION", "us-east-1")
            .args([
                "--endpoint-url",
                &endpoint.url,
                command,
                "tx",
                "--sma-id",
                "sma",
            ])
            .args(&many));
        assert_eq!(out.code, 2, "{command}: {}", out.stderr);
        assert!(out.stderr.contains("--arg"), "{}", out.stderr);
    }
    assert_eq!(endpoint.requests(), 0, "a request was sent for bad input");
}

#[test]
fn missing_sma_id_or_from_is_a_usage_error() {
    let sandbox = Sandbox::start();
    let out = run(sandbox.chimecall().env_remove("CHIMECALL_SMA_ID").args([
        "dial",
        "--to",
        "+12065550123",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--sma-id"), "{}", out.stderr);
    let out = run(sandbox.chimecall().env_remove("CHIMECALL_FROM").args([
        "dial",
        "--to",
        "+12065550123",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--from"), "{}", out.stderr);
}

#[test]
fn dry_run_shows_the_request_and_sends_nothing() {
    let endpoint = FakeEndpoint::start(Behaviour::Error(500, "ServiceFailureException"));
    let base = || {
        let mut cmd = crate::support::chimecall();
        cmd.env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
            .env("AWS_SECRET_ACCESS_KEY", "dry-run-secret-value")
            .env("AWS_REGION", "us-east-1")
            .env("CHIMECALL_SMA_ID", "sma-123")
            .env("CHIMECALL_FROM", "+12065550100");
        cmd
    };
    let out = run(base().args([
        "--endpoint-url",
        &endpoint.url,
        "dial",
        "--to",
        "+12065550123",
        "--arg",
        "a=1",
        "--dry-run",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("POST /sip-media-applications/sma-123/calls"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\"ToPhoneNumber\": \"+12065550123\""),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(&endpoint.url));

    let out = run(base().args([
        "--output",
        "json",
        "--endpoint-url",
        &endpoint.url,
        "dial",
        "--to",
        "+12065550123",
        "--arg",
        "a=1",
        "--sip-header",
        "x-a=b",
        "--dry-run",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let value: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(value["dry_run"], true);
    assert_eq!(value["operation"], "CreateSipMediaApplicationCall");
    assert_eq!(value["body"]["ArgumentsMap"]["a"], "1");
    assert_eq!(value["body"]["SipHeaders"]["x-a"], "b");
    assert!(
        !out.stdout.contains("dry-run-secret-value")
            && !out.stderr.contains("dry-run-secret-value")
    );

    // Without a region, a dry run still shows the request.
    let out =
        run(base()
            .env_remove("AWS_REGION")
            .args(["dial", "--to", "+12065550123", "--dry-run"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(endpoint.requests(), 0);
}

#[test]
fn concurrent_dials_all_get_distinct_transactions() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let children: Vec<_> = (0..16)
        .map(|i| {
            sandbox
                .chimecall()
                .args(["dial", "--to", &format!("+1206555{:04}", 2000 + i)])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut ids = std::collections::BTreeSet::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        ids.insert(String::from_utf8(out.stdout).unwrap().trim().to_string());
    }
    assert_eq!(ids.len(), 16);
}

#[test]
fn dry_run_shows_the_service_specific_endpoint() {
    let out = run(crate::support::chimecall()
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ENDPOINT_URL_CHIME_SDK_VOICE", "http://127.0.0.1:10")
        .args([
            "dial",
            "--to",
            "+12065550123",
            "--sma-id",
            "s",
            "--from",
            "+12065550100",
            "--dry-run",
        ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("to http://127.0.0.1:10"),
        "{}",
        out.stdout
    );
    let out = run(crate::support::chimecall()
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL_CHIME_SDK_VOICE", "http://127.0.0.1:10")
        .args([
            "--endpoint-url",
            "http://127.0.0.1:11",
            "dial",
            "--to",
            "+12065550123",
        ])
        .args(["--sma-id", "s", "--from", "+12065550100", "--dry-run"]));
    assert!(
        out.stdout.contains("to http://127.0.0.1:11"),
        "{}",
        out.stdout
    );
}

/// --profile picks the profile's credentials even when the environment carries others.
#[test]
fn an_explicit_profile_wins_over_environment_credentials() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let credentials = dir.path().join("credentials");
    std::fs::write(
        &credentials,
        format!(
            "[good]\naws_access_key_id = {}\naws_secret_access_key = {}\n\n[stale]\naws_access_key_id = {}\naws_secret_access_key = wrong\n",
            sandbox.var("AWS_ACCESS_KEY_ID"),
            sandbox.var("AWS_SECRET_ACCESS_KEY"),
            sandbox.var("AWS_ACCESS_KEY_ID"),
        ),
    )
    .unwrap();
    let with_profile = |profile: &str| {
        run(sandbox
            .chimecall()
            .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
            .args(["--profile", profile, "dial", "--to", "+12065550123"]))
    };
    // The environment's credentials are the sandbox's, and good; the profile's are not.
    let stale = with_profile("stale");
    assert_eq!(
        stale.code, 3,
        "the environment's credentials were used: {}",
        stale.stderr
    );
    assert!(
        stale.stderr.contains("InvalidSignatureException"),
        "{}",
        stale.stderr
    );
    let good = run(sandbox
        .chimecall()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .args(["--profile", "good", "dial", "--to", "+12065550123"]));
    assert_eq!(good.code, 0, "{}", good.stderr);
    let missing = with_profile("nosuch");
    assert_eq!(missing.code, 3, "{}", missing.stderr);
    assert!(missing.stderr.contains("nosuch"), "{}", missing.stderr);
}
