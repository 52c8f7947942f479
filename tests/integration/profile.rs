//! Settings from the AWS profile: `chimecall_sma_id`, `chimecall_from` and `chimecall_log_group`
//! in the selected profile of the shared config file, below flags and CHIMECALL_* variables.

use std::path::Path;

use crate::support::{json_lines, run, Finished, Sandbox};

/// A config file with profile `ops` pointing at the sandbox, with chimecall's keys (and `extra`
/// lines), but no CHIMECALL_* variable or AWS_* credential in the environment.
fn write_config(sandbox: &Sandbox, dir: &Path, extra: &str) -> std::path::PathBuf {
    let path = dir.join("config");
    let text = format!(
        "[profile ops]\nregion = {}\nendpoint_url = {}\naws_access_key_id = {}\naws_secret_access_key = {}\n\
         chimecall_sma_id = {}\nchimecall_from = {}\n{extra}",
        sandbox.var("AWS_REGION"),
        sandbox.endpoint(),
        sandbox.var("AWS_ACCESS_KEY_ID"),
        sandbox.var("AWS_SECRET_ACCESS_KEY"),
        sandbox.sma_id(),
        sandbox.caller_id(),
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// `chimecall` with the config file and nothing of the sandbox's exports.
fn profile_command(sandbox: &Sandbox, config: &Path) -> std::process::Command {
    let mut cmd = crate::support::chimecall();
    cmd.env("AWS_CONFIG_FILE", config)
        .env("CHIMECALL_JOURNAL", sandbox.journal());
    cmd
}

/// The caller id the handler saw for a call: LEG-A's From in its first logged event.
fn caller_id_of(sandbox: &Sandbox, transaction_id: &str) -> String {
    let out = run(sandbox
        .chimecall()
        .args(["-o", "json", "tail", transaction_id]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let events = json_lines(&out.stdout);
    events[0]["legs"][0]["from"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn dialed(out: &Finished) -> String {
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout.trim().to_string()
}

#[test]
fn a_profile_alone_selects_the_environment_and_flags_and_variables_win() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(&sandbox, dir.path(), "");
    let inventory_number = |n: u32| format!("+1206555{:04}", 100 + n);

    let tx = dialed(&run(profile_command(&sandbox, &config).args([
        "--profile",
        "ops",
        "dial",
        "--to",
        "+12065551299",
    ])));
    assert_eq!(caller_id_of(&sandbox, &tx), sandbox.caller_id());

    // AWS_PROFILE selects it just as well.
    let tx = dialed(&run(profile_command(&sandbox, &config)
        .env("AWS_PROFILE", "ops")
        .args(["dial", "--to", "+12065551299"])));
    assert_eq!(caller_id_of(&sandbox, &tx), sandbox.caller_id());

    // A variable wins over the profile, a flag over both.
    let tx = dialed(&run(profile_command(&sandbox, &config)
        .env("CHIMECALL_FROM", inventory_number(2))
        .args(["--profile", "ops", "dial", "--to", "+12065551299"])));
    assert_eq!(caller_id_of(&sandbox, &tx), inventory_number(2));
    let tx = dialed(&run(profile_command(&sandbox, &config)
        .env("CHIMECALL_FROM", inventory_number(2))
        .args(["--profile", "ops", "dial", "--to", "+12065551299"])
        .args(["--from", &inventory_number(3)])));
    assert_eq!(caller_id_of(&sandbox, &tx), inventory_number(3));

    // A flag naming another SMA is sent as given (and refused by the service), not replaced.
    let out = run(profile_command(&sandbox, &config).args([
        "--profile",
        "ops",
        "dial",
        "--to",
        "+12065551299",
        "--sma-id",
        "not-this-account",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("not-this-account"), "{}", out.stderr);
}

#[test]
fn the_profile_names_the_log_group_and_unknown_keys_are_warned_about() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        &sandbox,
        dir.path(),
        "chimecall_log_group = /aws/lambda/somewhere-else\nchimecall_form = +12065550100\n",
    );
    let tx = dialed(&run(profile_command(&sandbox, &config).args([
        "--profile",
        "ops",
        "dial",
        "--to",
        "+12065551299",
    ])));
    // tail reads the profile's log group, which has no events of this call.
    let out = run(profile_command(&sandbox, &config).args(["--profile", "ops", "tail", &tx]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("/aws/lambda/somewhere-else"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("unknown setting chimecall_form"),
        "{}",
        out.stderr
    );
    // --log-group wins over it.
    let out = run(profile_command(&sandbox, &config).args([
        "--profile",
        "ops",
        "tail",
        &tx,
        "--log-group",
        "/aws/lambda/chimecall-sandbox-handler",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("NEW_OUTBOUND_CALL"), "{}", out.stdout);
}

#[test]
fn a_config_file_that_cannot_be_parsed_is_named_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        "[profile ops]\nregion = us-east-1\n[profile broken\n",
    )
    .unwrap();
    let out = run(crate::support::chimecall()
        .env("AWS_CONFIG_FILE", &config)
        .args(["--profile", "ops", "dial", "--to", "+12065551299"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains(&config.display().to_string()) && out.stderr.contains("line 3"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}
