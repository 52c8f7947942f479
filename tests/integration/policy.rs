//! The retry policy and the exit codes that depend on what reached the service. A fake endpoint
//! counts the requests, so "sent exactly once" is measured, not assumed.

use std::process::Command;

use crate::support::fake_endpoint::{Behaviour, FakeEndpoint};
use crate::support::{chimecall, json_lines, run, Finished, Journal, Sandbox};

fn dial_against(url: &str) -> Finished {
    dial_with(chimecall(), url)
}

fn dial_with(mut cmd: Command, url: &str) -> Finished {
    run(cmd
        .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
        .env("AWS_SECRET_ACCESS_KEY", "policy-test-secret")
        .env("AWS_REGION", "us-east-1")
        .env("CHIMECALL_SMA_ID", "sma")
        .env("CHIMECALL_FROM", "+12065550100")
        .args(["--endpoint-url", url, "dial", "--to", "+12065550123"]))
}

fn hangup_against(url: &str) -> Finished {
    run(chimecall()
        .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
        .env("AWS_SECRET_ACCESS_KEY", "policy-test-secret")
        .env("AWS_REGION", "us-east-1")
        .env("CHIMECALL_SMA_ID", "sma")
        .args(["--endpoint-url", url, "hangup", "tx-1"]))
}

#[test]
fn a_dropped_answer_is_an_unknown_outcome_sent_once() {
    let endpoint = FakeEndpoint::start(Behaviour::DropAfterRequest);
    let out = dial_against(&endpoint.url);
    assert_eq!(out.code, 8, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("may have been placed"),
        "{}",
        out.stderr
    );
    assert_eq!(
        endpoint.creates(),
        1,
        "CreateSipMediaApplicationCall must not be retried"
    );
}

/// The harness itself: each command has a journal of its own; two share one only when asked.
#[test]
fn commands_share_a_journal_only_when_asked() {
    let endpoint = FakeEndpoint::start(Behaviour::Error(400, "BadRequestException"));
    let calls = |mut cmd: Command| {
        let out = run(cmd.args(["--output", "json", "calls"]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        json_lines(&out.stdout)
    };
    assert_eq!(dial_against(&endpoint.url).code, 2);
    let other = calls(chimecall());
    assert!(
        other.is_empty(),
        "another command's dial is visible: {other:?}"
    );

    let journal = Journal::new();
    assert_eq!(dial_with(journal.chimecall(), &endpoint.url).code, 2);
    let dials = calls(journal.chimecall());
    assert_eq!(dials.len(), 1, "{dials:?}");
    assert_eq!(dials[0]["to"], "+12065550123");
    assert_eq!(dials[0]["outcome"], "failed");
}

#[test]
fn a_server_error_is_an_unknown_outcome_sent_once() {
    for (status, error_type) in [
        (500, "ServiceFailureException"),
        (503, "ServiceUnavailableException"),
    ] {
        let endpoint = FakeEndpoint::start(Behaviour::Error(status, error_type));
        let out = dial_against(&endpoint.url);
        assert_eq!(out.code, 8, "{status}: {}", out.stderr);
        assert!(out.stderr.contains(error_type), "{}", out.stderr);
        assert!(out.stderr.contains("fake-request-id"), "{}", out.stderr);
        assert_eq!(endpoint.creates(), 1, "{status}: retried");
    }
}

#[test]
fn a_throttled_dial_is_retried_then_exits_4() {
    let endpoint = FakeEndpoint::start(Behaviour::Error(429, "ThrottledClientException"));
    let out = dial_against(&endpoint.url);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("ThrottledClientException"),
        "{}",
        out.stderr
    );
    assert_eq!(
        endpoint.creates(),
        4,
        "429 is retried: the service did not act on it"
    );
}

#[test]
fn an_update_is_retried_on_server_errors() {
    let endpoint = FakeEndpoint::start(Behaviour::Error(500, "ServiceFailureException"));
    let out = hangup_against(&endpoint.url);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(endpoint.creates(), 0);
    assert_eq!(
        endpoint.requests(),
        3,
        "the SDK's standard retries: 3 attempts"
    );
}

#[test]
fn an_unreachable_endpoint_exits_3() {
    // Bind then drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = run(chimecall()
        .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
        .env("AWS_SECRET_ACCESS_KEY", "policy-test-secret")
        .env("AWS_REGION", "us-east-1")
        .env("CHIMECALL_SMA_ID", "sma")
        .env("CHIMECALL_FROM", "+12065550100")
        .args(["-v", "--endpoint-url", &format!("http://127.0.0.1:{port}")])
        .args(["dial", "--to", "+12065550123"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("Connection refused"), "{}", out.stderr);
    // A connection never made cannot have placed a call: the create is tried again.
    assert_eq!(
        out.stderr
            .matches("no connection: the service did not act on it; retrying")
            .count(),
        3,
        "{}",
        out.stderr
    );
}

#[test]
fn missing_credentials_or_region_exit_3_and_send_nothing() {
    let endpoint = FakeEndpoint::start(Behaviour::Error(500, "ServiceFailureException"));
    let out = run(chimecall()
        .env("AWS_REGION", "us-east-1")
        .args([
            "--endpoint-url",
            &endpoint.url,
            "dial",
            "--to",
            "+12065550123",
        ])
        .args(["--sma-id", "sma", "--from", "+12065550100"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("credentials"), "{}", out.stderr);

    let out = run(chimecall()
        .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
        .env("AWS_SECRET_ACCESS_KEY", "x")
        .args([
            "--endpoint-url",
            &endpoint.url,
            "dial",
            "--to",
            "+12065550123",
        ])
        .args(["--sma-id", "sma", "--from", "+12065550100"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("region"), "{}", out.stderr);
    assert_eq!(endpoint.requests(), 0);
}

#[test]
fn a_bad_endpoint_url_is_a_usage_error() {
    let out = run(chimecall()
        .env("AWS_REGION", "us-east-1")
        .args([
            "--endpoint-url",
            "localhost:1234",
            "dial",
            "--to",
            "+12065550123",
        ])
        .args(["--sma-id", "sma", "--from", "+12065550100"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--endpoint-url"), "{}", out.stderr);
}

/// Credentials and signatures never reach any output, even at the highest verbosity.
#[test]
fn verbose_output_carries_no_secret() {
    let sandbox = Sandbox::start();
    let secret = sandbox.var("AWS_SECRET_ACCESS_KEY").to_string();
    let out = run(sandbox
        .chimecall()
        .env("AWS_SESSION_TOKEN", "session-token-that-must-not-leak")
        .args(["-vvv", "dial", "--to", "+12065550123"]));
    // The session token is not the sandbox's, but signing includes it: the signature still matches.
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.is_empty(), "-vvv printed nothing");
    for output in [&out.stdout, &out.stderr] {
        assert!(!output.contains(&secret), "secret key leaked");
        assert!(
            !output.contains("session-token-that-must-not-leak"),
            "session token leaked"
        );
        assert!(!output.contains("Signature="), "signature leaked");
    }
}
